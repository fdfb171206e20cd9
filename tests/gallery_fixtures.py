"""Fixtures of the gallery tests: a real PostgreSQL server (testkit/postgres.py) and a
fresh database of each backend. Imported by the tests/test_gallery*.py modules."""

from __future__ import annotations

import itertools

import pytest

from testkit.postgres import PostgresServer

BACKENDS = ("sqlite", "postgresql")
_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session; it must start (no skip)."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def new_database_url(backend: str, postgres_server, folder) -> str:
    if backend == "postgresql":
        return postgres_server.create_database(f"gallery_{next(_numbers)}")
    return f"sqlite:///{folder}/gallery-{next(_numbers)}.sqlite3"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A new empty database of each backend, as FACE_GALLERY_DATABASE would name it."""
    server = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    return new_database_url(request.param, server, tmp_path)
