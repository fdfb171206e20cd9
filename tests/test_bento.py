"""`bentoml build` packs the service with its models (containerize needs Docker, absent here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from models.registry import sources_in
from tests.conftest import ROOT


def bentoml(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, BENTOML_DO_NOT_TRACK="true")
    return subprocess.run([sys.executable, "-m", "bentoml", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_build_carries_models_code_and_a_dockerfile(default_models):
    built = bentoml("build", "--output", "tag")
    assert built.returncode == 0, built.stdout + built.stderr
    tag = re.search(r"face-analysis:\w+", built.stdout).group(0)
    try:
        home = Path(os.environ.get("BENTOML_HOME", Path.home() / "bentoml"))
        folder = home / "bentos" / "face-analysis" / tag.split(":")[1]
        manifest = yaml.safe_load((folder / "bento.yaml").read_text())
        packed = {m["tag"].split(":")[0] for m in manifest["models"]}
        assert packed == {source.name for source in sources_in("default")}
        services = {s["name"] for s in manifest["services"]}
        assert {"face-analysis", "FaceDetector", "EmbeddingModel"} <= services
        for path in ("src/service.py", "src/model_services.py", "src/security.py",
                     "src/analyzers/detection.py", "src/inputs/pdf_worker.py",
                     "src/models/registry.py", "src/ui/serve.py", "src/ui/index.html",
                     "src/ui/app.js", "src/ui/app.css", "env/docker/Dockerfile",
                     "env/python/requirements.txt"):
            assert (folder / path).is_file(), path
        assert not (folder / "src" / "tests").exists()
        requirements = (folder / "env/python/requirements.txt").read_text()
        assert "torch" not in requirements  # serving needs no torch
        assert "onnxruntime" in requirements
    finally:
        bentoml("delete", "--yes", tag)
