"""Shared fixtures: the default models in the store, and a real server on loopback.

Two kinds of test live in tests/: in-process tests of the modules, and server tests
that start or call a real `bentoml serve` (marked `server`, about two thirds of the
run time). `pytest -m "not server"` runs the first kind alone. A test is marked
automatically when it uses a fixture named `server`, `client`, `server_handle` or
`*_server`; any other test that starts a testkit.server.Server fails until it is
marked `@pytest.mark.server`, so the mark cannot drift from what the tests do.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from testkit.server import Server

ROOT = Path(__file__).resolve().parent.parent
SERVER_FIXTURES = {"server", "client", "server_handle"}
_running: list[pytest.Item] = []  # the test whose set-up or body runs now


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "server: starts or calls a real `bentoml serve`")
    config.addinivalue_line("markers", "image: builds or runs the Bento's container image "
                                       "(podman; testkit/container.py)")
    start = Server.start

    def marked_start(self):
        item = _running[-1] if _running else None
        if item is not None and item.get_closest_marker("server") is None:
            raise AssertionError(f"{item.nodeid} starts a server: mark it @pytest.mark.server")
        return start(self)

    Server.start = marked_start


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & SERVER_FIXTURES or any(name.endswith("_server") for name in names):
            item.add_marker(pytest.mark.server)


def _while_running(item):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _while_running(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _while_running(item))


@pytest.fixture(scope="session")
def default_models() -> None:
    """Import the default model set (a no-op when the store already has it)."""
    result = subprocess.run([sys.executable, "-m", "models", "import"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def server_handle(default_models) -> Server:
    """`bentoml serve` in a subprocess on a free loopback port (testkit/server.py), shared
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
