"""Shared fixtures: the default models in the store, and a real server on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def default_models() -> None:
    """Import the default model set (a no-op when the store already has it)."""
    result = subprocess.run([sys.executable, "-m", "models", "import"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def server(default_models) -> str:
    """`bentoml serve` in a subprocess on a free loopback port; yields its base URL."""
    port = free_port()
    env = dict(os.environ, BENTOML_DO_NOT_TRACK="true", PYTHONUNBUFFERED="1")
    log_path = ROOT / ".pytest_cache" / "server.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bentoml", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}: "
                                   f"{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {STARTUP_SECONDS} s: "
                                   f"{log_path.read_text()[-3000:]}")
            time.sleep(1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def client(server) -> httpx.Client:
    with httpx.Client(base_url=server, timeout=120) as http:
        yield http
