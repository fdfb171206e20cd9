"""deploy/compose.yaml, one container with its model store on a volume, run with
podman-compose (PyPI) as a user runs it, answers like `bentoml serve`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from testkit import container as ct
from testkit.photos import photo
from testkit.server import free_port
from tests.conftest import ROOT

pytestmark = [pytest.mark.image, pytest.mark.server]
COMPOSE = ROOT / "deploy" / "compose.yaml"
PODMAN_COMPOSE = Path(sys.executable).parent / "podman-compose"


def compose(project: str, env: dict, *args: str, timeout: float = 300):
    return subprocess.run([str(PODMAN_COMPOSE), "-p", project, "-f", str(COMPOSE), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                          timeout=timeout)


def test_compose_up_answers_like_bentoml_serve(client, default_models):
    image, _ = ct.ensure_image()
    project, port = f"facecompose{free_port()}", free_port()
    env = {**os.environ, "FACE_IMAGE": image, "FACE_PORT": str(port), "FACE_API_KEY": "",
           "CONTAINERS_CONF": str(ct.CONTAINERS_CONF)}
    t1 = photo("t1.jpg").read_bytes()
    expected = client.post("/analyze", files={"file": ("t1.jpg", t1)}).json()
    try:
        up = compose(project, env, "up", "-d")
        assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
        name = f"{project}_face-analysis_1"
        try:
            ct.wait_ready(f"http://127.0.0.1:{port}", alive=lambda: ct.running(name))
        except RuntimeError as exc:
            raise AssertionError(f"{exc}: {ct.logs(name)}") from None
        answer = httpx.post(f"http://127.0.0.1:{port}/analyze", timeout=120,
                            files={"file": ("t1.jpg", t1)})
        assert answer.status_code == 200, answer.text
        strip = lambda a: {k: v for k, v in a.items() if k != "timings_ms"}
        assert strip(answer.json()) == strip(expected)
        # the model store is the named volume, filled from the image
        mounts = ct.inspect(name)["Mounts"]
        store = [m for m in mounts if m["Destination"] == "/home/bentoml/bento/models"]
        assert store and store[0]["Type"] == "volume", mounts
        listed = ct.podman("volume", "inspect", "--format", "{{.Mountpoint}}",
                           store[0]["Name"]).stdout.strip()
        assert (Path(listed) / "face-detector-cascade").is_dir()
    finally:
        down = compose(project, env, "down", "-v")
        assert down.returncode == 0, down.stderr[-2000:]
