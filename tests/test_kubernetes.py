"""deploy/kubernetes/base, the kustomize base of one Deployment + Service + HPA per
BentoML service: current with what deploy/kubernetes.py generates from topology.py and
deployment.yaml, valid against Kubernetes' own schemas (kubernetes-validate, offline),
and played: `podman kube play` of the front's and the detector's Deployments from the
built image, joined by the manifests' own URL, answers /analyze as `bentoml serve`
does. No Kubernetes cluster is reachable here: applying the base to one is not tested.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import httpx
import kubernetes_validate
import pytest
import yaml

from deploy import kubernetes as k8s
from testkit import container as ct
from testkit.photos import photo
from testkit.server import free_port
from tests.test_deploy import mebibytes, millicores, service_graph

BASE = k8s.BASE
VERSION = kubernetes_validate.latest_version()


def documents(folder: Path = BASE) -> dict[str, list[dict]]:
    return {path.name: list(yaml.safe_load_all(path.read_text()))
            for path in sorted(folder.glob("*.yaml"))}


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for docs in documents().values() for doc in docs
            if doc.get("kind") == kind}


def container_of(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def env_of(deployment: dict) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container_of(deployment)["env"]}


def test_the_committed_base_is_what_the_generator_writes(tmp_path):
    k8s.write(tmp_path)
    assert documents(tmp_path) == documents(), "regenerate: python -m deploy.kubernetes"
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in BASE.iterdir()}


def test_every_manifest_is_valid_against_kubernetes_schemas():
    checked = 0
    for docs in documents().values():
        for doc in docs:
            if doc["kind"] == "Kustomization":
                listed = set(doc["resources"])
                assert listed == set(documents()) - {"kustomization.yaml"}, listed
                continue
            kubernetes_validate.validate(doc, VERSION, strict=True)  # raises on a problem
            checked += 1
    assert checked == 3 * 13 + 1  # Deployment, Service, HPA a service; one NetworkPolicy
    # the validator does reject what a cluster would
    broken = copy.deepcopy(by_kind("Deployment")["face-detector"])
    container_of(broken)["readinessprobe"] = container_of(broken).pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_the_manifests_are_the_service_graph(default_models):
    graph = service_graph()
    deployments, services, scalers = (by_kind(kind) for kind in (
        "Deployment", "Service", "HorizontalPodAutoscaler"))
    assert set(deployments) == set(services) == set(scalers) == {k8s.dns_name(n) for n in graph}
    front = deployments["face-analysis"]
    depends = env_of(front)["BENTOML_SERVE_DEPENDS"].split()
    assert sorted(depends) == sorted(f"{name}=http://{k8s.dns_name(name)}:{k8s.PORT}"
                                     for name in graph if name != "face-analysis")
    for name, config in graph.items():
        deployment = deployments[k8s.dns_name(name)]
        container = container_of(deployment)
        env = env_of(deployment)
        assert container["args"] == ["start-http-server"]
        assert env["FACE_API_KEY"] == {"secretKeyRef": {"name": k8s.SECRET, "key": "FACE_API_KEY"}}
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert services[k8s.dns_name(name)]["spec"]["ports"][0]["port"] == k8s.PORT
        hpa = scalers[k8s.dns_name(name)]["spec"]
        assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
        if name == "face-analysis":
            assert "BENTOML_SERVE_SERVICE_NAME" not in env
            continue
        assert env["BENTOML_SERVE_SERVICE_NAME"] == name
        requests = container["resources"]["requests"]
        assert millicores(requests["cpu"]) == millicores(config["resources"]["cpu"])
        assert mebibytes(requests["memory"]) == mebibytes(config["resources"]["memory"])
    # the model services (BentoML's pickle protocol) admit the front only
    policy = by_kind("NetworkPolicy")["model-services-from-front-only"]["spec"]
    assert "face-analysis" not in policy["podSelector"]["matchExpressions"][0]["values"]


def played(deployment: dict, image: str, **env: str) -> dict:
    """A Deployment of the base as `podman kube play` runs it here: the test's image
    and environment; the manifest's URLs, probes and ports as they are."""
    local = copy.deepcopy(deployment)
    container = container_of(local)
    container["image"] = image
    container["env"] = [{"name": e["name"], "value": env.get(e["name"], e.get("value"))}
                        for e in container["env"]]
    # podman 4.3 publishes a containerPort on the same host port unless told another:
    # a free one, so that two pods (and any server on 3000) do not collide
    for port in container["ports"]:
        port["hostPort"] = free_port()
    return local


@pytest.mark.image
@pytest.mark.server
def test_kube_play_of_the_front_and_the_detector_answers_like_bentoml_serve(client,
                                                                           default_models):
    """The detector's Deployment, then the front's, each a pod of the built image. The
    front finds the detector at the manifest's URL (http://face-detector:3000): a
    hostAlias to the detector pod's address stands in for the cluster's DNS. The
    other model services, left out of its BENTOML_SERVE_DEPENDS here, start inside the
    front's pod (README "Deploy"), so its memory limit is raised to hold them."""
    image, _ = ct.ensure_image()
    obama = photo("obama.jpg").read_bytes()
    expected = client.post("/analyze", files={"file": ("obama.jpg", obama)})
    assert expected.status_code == 200, expected.text
    deployments = by_kind("Deployment")
    detector_url = next(entry for entry in env_of(deployments["face-analysis"])[
        "BENTOML_SERVE_DEPENDS"].split() if entry.startswith("FaceDetector="))
    assert detector_url == "FaceDetector=http://face-detector:3000"
    folder = Path(tempfile.mkdtemp(prefix="kube-play-"))
    env = {"CONTAINERS_CONF": str(ct.CONTAINERS_CONF)}
    key = "kube-play-key"
    detector = played(deployments["face-detector"], image, FACE_API_KEY=key)
    front = played(deployments["face-analysis"], image, FACE_API_KEY=key,
                   BENTOML_SERVE_DEPENDS=detector_url)
    container_of(front)["resources"]["limits"]["memory"] = "6Gi"
    plays = []
    try:
        for name, deployment in (("face-detector", detector), ("face-analysis", front)):
            if name == "face-analysis":
                address = pod_address("face-detector")
                front["spec"]["template"]["spec"]["hostAliases"] = [
                    {"ip": address, "hostnames": ["face-detector"]}]
            path = folder / f"{name}.yaml"
            path.write_text(yaml.safe_dump(deployment))
            plays.append(path)  # taken down even when it fails half-way
            ct.podman("kube", "play", str(path), env=env, timeout=300)
            url = f"http://{pod_address(name)}:{k8s.PORT}"
            try:
                ct.wait_ready(url)
            except RuntimeError as exc:
                raise AssertionError(f"{exc}: {pod_logs(name)}") from None
        front_url = f"http://{pod_address('face-analysis')}:{k8s.PORT}"
        answer = httpx.post(front_url + "/analyze", headers={"X-API-Key": key}, timeout=120,
                            files={"file": ("obama.jpg", photo("obama.jpg").read_bytes())})
        assert answer.status_code == 200, answer.text
        strip = lambda a: {k: v for k, v in a.items() if k != "timings_ms"}
        assert strip(answer.json()) == strip(expected.json())
        # the detector answered it: its own statistics count the call
        stats = httpx.post(f"http://{pod_address('face-detector')}:{k8s.PORT}/stats", json={},
                           headers={"X-API-Key": key}, timeout=30)
        assert stats.status_code == 200 and stats.json(), stats.text
        # the front did not start a detector of its own
        processes = ct.podman("exec", "face-analysis-pod-0-face-analysis", "sh", "-c",
                              "cat /proc/[0-9]*/cmdline | tr '\\0' ' '", check=False).stdout
        assert "FaceMeshModel" in processes and "FaceDetector" not in processes
    finally:
        for path in reversed(plays):
            ct.podman("kube", "down", str(path), env=env, check=False, timeout=120)


def pod_address(deployment: str) -> str:
    """The address of the pod `podman kube play` made of a Deployment (`NAME-pod-0`, on
    podman's kube network)."""
    infra = ct.podman("pod", "inspect", "--format", "{{.InfraContainerID}}",
                      f"{deployment}-pod-0").stdout.strip()
    return ct.podman("inspect", "--format",
                     "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                     infra).stdout.strip()


def pod_logs(deployment: str) -> str:
    return ct.logs(f"{deployment}-pod-0-{deployment}")
