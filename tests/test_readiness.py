"""Honest readiness: a server whose model store lacks the face detector starts (so an
operator can read why), says why in its log, and answers /readyz with 503, so a
Kubernetes readiness probe keeps traffic away; /livez stays 200 (the process is fine).
The shared server (every default model) answers /readyz 200."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from models.registry import sources_in
from testkit.photos import photo
from testkit.server import Server

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent


def test_an_empty_store_is_alive_but_not_ready(tmp_path):
    env = {"BENTOML_HOME": str(tmp_path / "bentoml-home")}
    with Server(env=env, log_path=ROOT / ".pytest_cache" / "server-empty-store.log",
                ready_path="/livez") as server:
        assert httpx.get(server.url + "/livez", timeout=30).status_code == 200
        ready = httpx.get(server.url + "/readyz", timeout=30)
        assert ready.status_code == 503, ready.text
        health = httpx.get(server.url + "/health", timeout=30).json()
        assert health["ready"] is False and health["missing_required"] == ["detection"]
        assert "face-detector-cascade" in health["unavailable"]["detection"]
        answer = httpx.post(server.url + "/analyze", timeout=60,
                            files={"file": ("o.jpg", photo("obama.jpg").read_bytes())})
        assert answer.status_code == 503, answer.text
        assert "python -m models import --only face-detector-cascade" in answer.json()["detail"]
        log = server.log_path.read_text()
    line = next(line for line in log.splitlines() if "NOT READY" in line)
    # every missing default model is named with the command that imports it
    for source in sources_in("default"):
        assert f"`python -m models import --only {source.name}`" in line or \
            source.task not in health["unavailable"], source.name
    assert "python -m models import --only face-detector-cascade" in line


def test_the_full_server_is_ready(server):
    assert httpx.get(server + "/readyz", timeout=30).status_code == 200
    health = httpx.get(server + "/health", timeout=30).json()
    assert health["ready"] is True and health["missing_required"] == []
