"""`bentoml build` packs the service with its models, and the built Bento installs
and serves on its own: its locked requirements into a brand-new venv with plain
pip, served by tag from a folder outside the repository. That stands in for
`bentoml containerize`, which needs a Docker engine (absent here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml

from models.registry import sources_in
from testkit.model_store import linked_store, models_env
from testkit.photos import photo
from testkit.server import Server
from tests.conftest import ROOT

PIP_SECONDS = 900  # a cold pip cache downloads ~150 MB of wheels


def bentoml(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bentoml", *args], cwd=ROOT,
                          env=models_env(home), capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def built(default_models):
    """(BentoML home, tag, Bento folder) of one build into a throwaway home that links
    the default store's models (the Bento references them; nothing is copied and the
    shared store is not written to)."""
    home = Path(tempfile.mkdtemp(prefix="bento-home-"))
    try:
        linked_store(home)
        result = bentoml(home, "build", "--output", "tag")
        assert result.returncode == 0, result.stdout + result.stderr
        tag = re.search(r"face-analysis:\w+", result.stdout).group(0)
        yield home, tag, home / "bentos" / "face-analysis" / tag.split(":")[1]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_build_carries_models_code_and_a_dockerfile(built):
    _, _, folder = built
    manifest = yaml.safe_load((folder / "bento.yaml").read_text())
    packed = {m["tag"].split(":")[0] for m in manifest["models"]}
    assert packed == {source.name for source in sources_in("default")}
    services = {s["name"]: s for s in manifest["services"]}
    assert {"face-analysis", "FaceDetector", "EmbeddingModel"} <= set(services)
    # what BentoCloud sizes and autoscales each model service by (topology.py)
    detector = services["FaceDetector"]["config"]
    assert detector["resources"] == {"cpu": "1", "memory": "512Mi"}
    assert detector["traffic"]["concurrency"] >= 1 and detector["workers"] == 1
    for path in ("src/service.py", "src/model_services.py", "src/security.py",
                 "src/topology.py", "src/analyzers/detectors/mtcnn.py", "src/inputs/pdf_worker.py",
                 # analyzers/ by kind: every folder's modules and package files
                 "src/analyzers/face_analysis.py", "src/analyzers/detectors/__init__.py",
                 "src/analyzers/face_models/mesh.py", "src/analyzers/image_models/body.py",
                 "src/analyzers/runtime/onnx_session.py",
                 "src/models/registry.py", "src/ui/serve.py", "src/ui/index.html",
                 "src/ui/app.js", "src/ui/app.css", "src/front/flows/plumbing.py", "src/settings.py",
                 "src/compat/image_api.py", "env/docker/Dockerfile",
                 "env/python/requirements.txt"):
        assert (folder / path).is_file(), path
    assert not (folder / "src" / "tests").exists()
    # the image's entrypoint runs BentoML's one-service start command (README, Deploy)
    assert "start-http-server" in (folder / "env/docker/entrypoint.sh").read_text()
    requirements = (folder / "env/python/requirements.txt").read_text()
    assert "torch" not in requirements  # serving needs no torch
    assert "onnxruntime" in requirements
    # what uv locked is what pip accepts on 3.11 (uv ignores Requires-Python upper
    # bounds: unpinned, backports-strenum was locked at 1.3.1, for Python < 3.11)
    assert "backports-strenum==1.2.8" in requirements


def analyze(url: str) -> dict:
    response = httpx.post(url + "/analyze", timeout=120,
                          files={"file": ("obama.jpg", photo("obama.jpg").read_bytes())})
    assert response.status_code == 200, response.text
    return {key: value for key, value in response.json().items() if key != "timings_ms"}


@pytest.mark.server
def test_built_bento_installs_with_pip_and_serves_from_outside_the_repo(built, client, tmp_path):
    home, tag, folder = built
    venv = tmp_path / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    # plain pip, the Bento's own locked file, pip's cache; no --no-deps, no constraints;
    # about 40 s of CPU (35 s user) with a warm cache, minutes of wall time on a busy VM
    install = subprocess.run(
        # --no-compile: the server compiles what it imports; compiling every module of
        # ~90 packages up front only lengthens the test
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
         "-r", str(folder / "env/python/requirements.txt")],
        capture_output=True, text=True, timeout=PIP_SECONDS, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    print(f"venv and pip install: {time.monotonic() - started:.0f} s")
    elsewhere = tmp_path / "elsewhere"  # no repository files here: the Bento's src only
    elsewhere.mkdir()
    env = {"BENTOML_HOME": str(home), "PYTHONPATH": ""}
    with Server(command=(python, "-m", "bentoml", "serve", tag), cwd=elsewhere,
                env=env) as served:
        answer = analyze(served.url)
        commands = [Path(f"/proc/{pid}/cmdline").read_text() for pid in served.pids()]
    assert any(str(venv) in command for command in commands)  # the new venv served it
    assert len(answer["faces"]) == 1 and answer["faces"][0]["age"] is not None
    expected = client.post("/analyze", files={"file": ("obama.jpg",
                                                        photo("obama.jpg").read_bytes())})
    assert answer == {k: v for k, v in expected.json().items() if k != "timings_ms"}
