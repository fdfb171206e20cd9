"""Shared fixtures: the default models in the store, and a real server on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bench.server import Server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_models() -> None:
    """Import the default model set (a no-op when the store already has it)."""
    result = subprocess.run([sys.executable, "-m", "models", "import"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def server_handle(default_models) -> Server:
    """`bentoml serve` in a subprocess on a free loopback port (bench/server.py), shared
    by the session; its .url, .pids() (for memory figures) and .log()."""
    with Server(log_path=ROOT / ".pytest_cache" / "server.log") as running:
        yield running


@pytest.fixture(scope="session")
def server(server_handle) -> str:
    """The base URL of the shared server."""
    return server_handle.url


@pytest.fixture(scope="session")
def client(server) -> httpx.Client:
    with httpx.Client(base_url=server, timeout=120) as http:
        yield http
