"""Past one machine (README "Deploy"): deployment.yaml names the Bento's services on
instances that hold what they declare, worker counts come from the environment, and
the front and the detector as two servers connected by URL answer /analyze as
`bentoml serve` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from testkit.photos import photo
from testkit.server import Server
from tests.conftest import ROOT
from topology import CAPACITY, Topology

DEPLOYMENT = ROOT / "deployment.yaml"
# `bentoml deployment list-instance-types` on BentoCloud's default cluster (BentoML's
# docs, "Configure Deployments"): name -> (millicores, MiB)
INSTANCE_TYPES = {"cpu.1": (500, 2048), "cpu.2": (1000, 2048), "cpu.4": (2000, 8192),
                  "cpu.8": (4000, 16384)}
# BentoML's own one-service server, the command a Kubernetes Deployment of one
# service runs (BENTOML_SERVE_SERVICE_NAME / BENTOML_SERVE_DEPENDS set by env)
START = ("-m", "bentoml_cli._internal.start", "start-http-server", ".")


def service_graph() -> dict[str, dict]:
    """The service graph `bentoml serve` builds here (its own process: importing the
    service loads the model store), name -> service config."""
    script = ("import bentoml, json; print(json.dumps({name: svc.config for name, svc in "
              "bentoml.load('.').all_services().items()}))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def millicores(cpu: str) -> int:
    return int(cpu[:-1]) if cpu.endswith("m") else int(float(cpu) * 1000)


def mebibytes(memory: str) -> int:
    return int(memory[:-2]) * (1024 if memory.endswith("Gi") else 1)


def test_deployment_config_is_bentoml_s_and_names_every_service(default_models):
    from bentoml._internal.cloud.deployment import DeploymentAPI, get_args_from_config
    from bentoml._internal.cloud.schemas.schemasv2 import CreateDeploymentSchema
    from bentoml._internal.utils.cattr import bentoml_cattr

    name, bento, _ = get_args_from_config(config_file=str(DEPLOYMENT), path_context=str(ROOT))
    assert (name, bento) == ("face-analysis", "face-analysis:latest")
    # what `bentoml deploy -f` sends BentoCloud, structured and fixed as it does
    config = bentoml_cattr.structure(yaml.safe_load(DEPLOYMENT.read_text()),
                                     CreateDeploymentSchema)
    DeploymentAPI._fix_and_validate_schema(config)
    assert config.secrets == ["face-analysis-api-key"]
    envs = [*(config.envs or []), *(env for options in config.services.values()
                                    for env in options.envs or [])]
    assert "FACE_API_KEY" not in {env.name for env in envs}  # only in the secret

    graph = service_graph()
    assert set(config.services) == set(graph)  # every service named exists, none left out
    for service, options in config.services.items():
        cpu, memory = INSTANCE_TYPES[options.instance_type]
        assert 1 <= options.scaling.min_replicas <= options.scaling.max_replicas
        if service == "face-analysis":
            continue
        declared = graph[service]
        assert declared["traffic"]["concurrency"] == CAPACITY[service].concurrency >= 1
        assert declared["workers"] == 1
        assert millicores(declared["resources"]["cpu"]) <= cpu, service
        assert mebibytes(declared["resources"]["memory"]) <= memory, service
    # the dearest stage every request pays gets a whole core and the widest range
    detector = config.services["FaceDetector"]
    assert detector.scaling.max_replicas == max(
        options.scaling.max_replicas for options in config.services.values())


def test_worker_counts_come_from_the_environment():
    topology = Topology.from_env({"FACE_MODEL_WORKERS": "2",
                                  "FACE_SERVICE_WORKERS": "FaceDetector=3, EmbeddingModel=1"})
    assert topology.service_config("FaceDetector")["workers"] == 3
    assert topology.service_config("EmbeddingModel")["workers"] == 1
    assert topology.service_config("FaceMeshModel")["workers"] == 2
    assert Topology.from_env({}).service_config("FaceDetector")["workers"] == 1
    for bad in ({"FACE_MODEL_WORKERS": "0"}, {"FACE_MODEL_WORKERS": "two"},
                {"FACE_SERVICE_WORKERS": "FaceDetector"}, {"FACE_SERVICE_WORKERS": "=2"}):
        with pytest.raises(ValueError, match="FACE_"):
            Topology.from_env(bad)
    with pytest.raises(ValueError, match="unknown services.*FaceDetektor"):
        Topology.from_env({"FACE_SERVICE_WORKERS": "FaceDetektor=2"}).check(CAPACITY)


def test_workers_setting_reaches_bentoml_s_service_config():
    script = ("import model_services as m; "
              "print(m.FaceDetector.config['workers'], m.FaceMeshModel.config['workers'], "
              "m.FaceDetector.config['traffic'])")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False,
                            env={**os.environ, "FACE_MODEL_WORKERS": "2",
                                 "FACE_SERVICE_WORKERS": "FaceDetector=3"})
    assert result.returncode == 0, result.stderr
    workers_detector, workers_mesh, traffic = result.stdout.strip().split(" ", 2)
    assert (workers_detector, workers_mesh) == ("3", "2")
    assert "'timeout': 60" in traffic and "'concurrency'" in traffic


def without_timings(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "timings_ms"}


@pytest.mark.server
def test_front_and_detector_as_separate_servers_answer_like_bentoml_serve(client):
    """Two servers of one process tree each, as two containers: the detector alone
    (BENTOML_SERVE_SERVICE_NAME), and the front, told by BENTOML_SERVE_DEPENDS where
    the detector is, starting the other model services itself."""
    image = photo("obama.jpg").read_bytes()
    expected = client.post("/analyze", files={"file": ("obama.jpg", image)})
    assert expected.status_code == 200, expected.text
    key = {"FACE_API_KEY": "cluster-key"}
    detector = Server(command=START, env={"BENTOML_SERVE_SERVICE_NAME": "FaceDetector", **key})
    # batching on here: the default is off (model_services.py), and this keeps
    # BentoML's batched path answering the same as the shared server
    front = Server(command=START, env={"BENTOML_SERVE_DEPENDS": f"FaceDetector={detector.url}",
                                       "FACE_BATCHING": "on", **key})
    with detector, front:  # started in this order, stopped in reverse
        # the front did not start a detector of its own
        commands = [Path(f"/proc/{pid}/cmdline").read_text() for pid in front.pids()]
        assert not any("FaceDetector" in command for command in commands)
        assert any("FaceMeshModel" in command for command in commands)
        answer = httpx.post(front.url + "/analyze", files={"file": ("obama.jpg", image)},
                            headers={"X-API-Key": "cluster-key"}, timeout=120)
        assert answer.status_code == 200, answer.text
        # the detector's own statistics, on its own port: only with the key
        # (security.PrivateEndpoints), as the front's /batch-stats
        anonymous = httpx.post(detector.url + "/stats", json={}, timeout=30)
        stats = httpx.post(detector.url + "/stats", json={}, timeout=30,
                           headers={"X-API-Key": "cluster-key"}).json()
        # the front's /batch-stats passes its key on to the model services
        gathered = httpx.post(front.url + "/batch-stats", json={}, timeout=30,
                              headers={"X-API-Key": "cluster-key"})
        # BentoML's internal (pickle) protocol: refused by the front, which faces
        # users; the model services accept it, so they stay inside the cluster
        pickled = httpx.post(front.url + "/analyze", content=b"\x80\x04N.", timeout=30,
                             headers={"Content-Type": "application/vnd.bentoml+pickle",
                                     "X-API-Key": "cluster-key"})
    assert pickled.status_code == 415, pickled.text
    assert stats["batch_sizes"] == {"1": 1}  # the front's one detection went there
    assert anonymous.status_code == 401, anonymous.text
    assert gathered.status_code == 200, gathered.text
    assert gathered.json()["detection"].get("batch_sizes") == {"1": 1}, gathered.text
    assert gathered.json()["mesh"]["model"] == "face-mesh-mediapipe"
    assert without_timings(answer.json()) == without_timings(expected.json())
    assert len(answer.json()["faces"]) == 1 and answer.json()["faces"][0]["age"] is not None


def test_the_start_command_reads_service_and_dependencies_from_the_environment(monkeypatch):
    """What a container of the Bento's image reads (README "Deploy"): one service's
    name, or where several model services are, space-separated (click's rule for an
    option given many times)."""
    from bentoml_cli._internal.start import start_command

    command = start_command.commands["start-http-server"]
    monkeypatch.setenv("BENTOML_SERVE_SERVICE_NAME", "FaceDetector")
    monkeypatch.setenv("BENTOML_SERVE_DEPENDS", "FaceDetector=http://face-detector:3000 "
                                                "FaceMeshModel=http://face-mesh:3000")
    params = command.make_context("start-http-server", ["."]).params
    assert params["service_name"] == "FaceDetector"
    assert params["depends"] == ("FaceDetector=http://face-detector:3000",
                                 "FaceMeshModel=http://face-mesh:3000")
