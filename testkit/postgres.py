"""A real PostgreSQL server in a temporary folder, for tests and benchmarks.

Debian's postgresql-15 (.ci/run installs it): initdb and pg_ctl run as the
`postgres` user when this runs as root (PostgreSQL refuses to run as root), the
server listens on a free loopback port and on a unix socket in the folder, with
trust authentication for the local user only. `stop()` shuts it down and removes
the folder. A server that cannot start raises: the tests that need it fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from testkit.server import free_port

BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresServer:
    def __init__(self):
        self.folder: Path | None = None
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> None:
        result = subprocess.run(command, capture_output=True, text=True, user=self._user,
                                cwd=self.folder, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): "
                               f"{result.stdout[-2000:]}{result.stderr[-2000:]}{self.log()}")

    def start(self) -> "PostgresServer":
        missing = [tool for tool in ("initdb", "pg_ctl") if not (BIN / tool).exists()]
        if missing:
            raise RuntimeError(f"{missing} not in {BIN}: apt-get install postgresql-15 "
                               "(.ci/run does it)")
        self.folder = Path(tempfile.mkdtemp(prefix="gallery-postgres-"))
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(str(BIN / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-locale")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c max_connections=100 -c shared_buffers=32MB")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")
        return self

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def log(self) -> str:
        path = (self.folder or Path("/nonexistent")) / "server.log"
        try:
            return path.read_text()[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.folder is None:
            return
        if (self.folder / "data" / "postmaster.pid").exists():
            subprocess.run([str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                            "-w", "stop"], capture_output=True, user=self._user, cwd=self.folder,
                           timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *_) -> None:
        self.stop()
