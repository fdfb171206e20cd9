"""Start `bentoml serve` on a free loopback port and stop it again (tests and benchmarks)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`with Server(env={...}) as server: httpx.get(server.url + "/health")`"""

    def __init__(self, env: dict | None = None, log_path: Path | None = None,
                 command: tuple[str, ...] = ("-m", "bentoml", "serve"), cwd: Path = ROOT,
                 ready_path: str = "/readyz"):
        """`command`: the interpreter's arguments that start the server (--host and
        --port follow), e.g. BentoML's one-service start command (README "Deploy"),
        or another venv's python first; `cwd`: where it runs (the checkout to serve:
        bench/ab.py serves two); `ready_path`: what start() waits for,
        "/livez" for a server meant to stay unready."""
        self.env = dict(os.environ, BENTOML_DO_NOT_TRACK="true", PYTHONUNBUFFERED="1",
                        **(env or {}))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or ROOT / ".pytest_cache" / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.command, self.cwd = command, cwd
        self.ready_path = ready_path

    def start(self) -> "Server":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [*self._python(), *self.command, "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches every worker
        )
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log()}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server not ready after {STARTUP_SECONDS} s: {self.log()}")
            time.sleep(0.5)

    def _python(self) -> list[str]:
        """sys.executable, unless the command names its own interpreter."""
        return [] if self.command[0].endswith(("python", "python3")) else [sys.executable]

    def log(self) -> str:
        return self.log_path.read_text()[-3000:] if self.log_path.exists() else ""

    def pids(self) -> list[int]:
        """The server's processes: `bentoml serve` and its descendants (the workers run
        in process groups of their own, so the group alone would miss them)."""
        if self.process is None:
            return []
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(parent, []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *_) -> None:
        self.stop()
