"""Kubernetes manifests of the Bento's image, one Deployment + Service (+ HPA) per
BentoML service, generated so that they cannot drift from what the Bento declares:

- which services: deployment.yaml's `services` (tests/test_deploy.py checks they
  are exactly the Bento's service graph), with its replica ranges for the HPAs;
- what each model service asks for: topology.py (`Topology.service_config`, the
  same `resources` BentoML and BentoCloud read);
- how the front reaches the model services: BENTOML_SERVE_DEPENDS, BentoML's own
  start command's variable (tests/test_deploy.py runs the same split), naming each
  by its Service's DNS name.

`python -m deploy.kubernetes` rewrites deploy/kubernetes/base/ (a kustomize base);
tests/test_kubernetes.py fails when the committed files differ from what this writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "deploy" / "kubernetes" / "base"
DEPLOYMENT = ROOT / "deployment.yaml"
FRONT = "face-analysis"
IMAGE = "face-analysis"  # kustomize `images:` rewrites it to the registry's name and tag
PORT = 3000
SECRET, SECRET_KEY = "face-analysis-api-key", "FACE_API_KEY"
# the front decodes uploads and PDFs and holds bodies in flight: 418-645 MB RSS in the
# soak (docs/benchmarks.md), 12-14 ms CPU a request (deployment.yaml's reasoning)
FRONT_RESOURCES = {"cpu": "1", "memory": "1Gi"}
# a cold start imports BentoML and loads the service's models: readiness is polled
# from the start, liveness only once a slow host has surely finished starting
READINESS = {"initialDelaySeconds": 5, "periodSeconds": 5, "failureThreshold": 3}
LIVENESS = {"initialDelaySeconds": 60, "periodSeconds": 10, "failureThreshold": 6}
CPU_TARGET = 70  # % of the request: one single-threaded worker saturates its core


def dns_name(service: str) -> str:
    """FaceDetector -> face-detector: a Kubernetes object and DNS name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", service).lower()


def model_services() -> dict[str, dict]:
    """deployment.yaml's model services -> their `scaling` (min/max replicas)."""
    services = yaml.safe_load(DEPLOYMENT.read_text())["services"]
    return {name: options.get("scaling", {}) for name, options in services.items()
            if name != FRONT}


def depends(names) -> str:
    """BENTOML_SERVE_DEPENDS of the front: each model service at its Service's URL
    (click splits the variable on whitespace)."""
    return " ".join(f"{name}=http://{dns_name(name)}:{PORT}" for name in names)


def _labels(name: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": FRONT}


def _probe(path: str, timing: dict) -> dict:
    return {"httpGet": {"path": path, "port": "http"}, "timeoutSeconds": 3, **timing}


def deployment(name: str, service: str | None, resources: dict, env: list[dict]) -> dict:
    """One Deployment of the image running one service (`service` None: the front)."""
    select = {"app.kubernetes.io/name": name}
    key = {"name": SECRET_KEY, "valueFrom": {"secretKeyRef": {"name": SECRET,
                                                              "key": SECRET_KEY}}}
    service_env = [] if service is None else [{"name": "BENTOML_SERVE_SERVICE_NAME",
                                                "value": service}]
    container = {
        "name": name, "image": IMAGE, "imagePullPolicy": "IfNotPresent",
        # the image's entrypoint runs BentoML's one-service start command on the Bento
        "args": ["start-http-server"],
        "ports": [{"name": "http", "containerPort": PORT}],
        "env": [{"name": "BENTOML_PORT", "value": str(PORT)}, *service_env, key, *env],
        "resources": {"requests": dict(resources), "limits": {"memory": resources["memory"]}},
        "readinessProbe": _probe("/readyz", READINESS),
        "livenessProbe": _probe("/livez", LIVENESS),
    }
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": _labels(name)},
            "spec": {"replicas": 1, "selector": {"matchLabels": select},
                     "template": {"metadata": {"labels": _labels(name)},
                                  "spec": {"containers": [container]}}}}


def service(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "labels": _labels(name)},
            "spec": {"selector": {"app.kubernetes.io/name": name},
                     "ports": [{"name": "http", "port": PORT, "targetPort": "http"}]}}


def autoscaler(name: str, scaling: dict) -> dict:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name, "labels": _labels(name)},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                        "name": name},
                     "minReplicas": scaling.get("min_replicas", 1),
                     "maxReplicas": scaling.get("max_replicas", 1),
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {"type": "Utilization",
                                                   "averageUtilization": CPU_TARGET}}}]}}


def network_policy(models: list[str]) -> dict:
    """The model services accept BentoML's internal (pickle) protocol: only the
    front may reach them."""
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "model-services-from-front-only", "labels": _labels(FRONT)},
            "spec": {"podSelector": {"matchExpressions": [{
                "key": "app.kubernetes.io/name", "operator": "In",
                "values": [dns_name(m) for m in models]}]},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": {
                    "app.kubernetes.io/name": FRONT}}}],
                    "ports": [{"port": PORT, "protocol": "TCP"}]}]}}


def manifests() -> dict[str, list[dict]]:
    """file name -> its documents."""
    from topology import Topology

    topology = Topology()  # one worker a replica: the cluster scales replicas
    scaling = model_services()
    front_scaling = yaml.safe_load(DEPLOYMENT.read_text())["services"][FRONT]["scaling"]
    files = {f"{FRONT}.yaml": [
        deployment(FRONT, None, FRONT_RESOURCES,
                   [{"name": "BENTOML_SERVE_DEPENDS", "value": depends(scaling)}]),
        service(FRONT), autoscaler(FRONT, front_scaling)]}
    for name, ranges in scaling.items():
        resources = topology.service_config(name)["resources"]
        files[f"{dns_name(name)}.yaml"] = [
            deployment(dns_name(name), name, resources, []), service(dns_name(name)),
            autoscaler(dns_name(name), ranges)]
    files["network-policy.yaml"] = [network_policy(list(scaling))]
    # the API key's Secret is the cluster's (README "Deploy"), never in the base
    files["kustomization.yaml"] = [{
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": list(files),
        "images": [{"name": IMAGE, "newName": IMAGE, "newTag": "latest"}]}]
    return files


HEADER = ("# Generated by `python -m deploy.kubernetes` from topology.py and deployment.yaml;\n"
          "# edit those, not this file (tests/test_kubernetes.py checks it is current).\n")


def render(documents: list[dict]) -> str:
    return HEADER + "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in documents)


def write(folder: Path = BASE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, documents in manifests().items():
        (folder / name).write_text(render(documents))
        written.append(folder / name)
    for stale in set(folder.glob("*.yaml")) - set(written):
        stale.unlink()
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else BASE):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
