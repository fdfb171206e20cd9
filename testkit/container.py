"""The Bento's container image for tests: built by deploy/build-image.sh (`bentoml
containerize` with podman) or reused when an image of the same sources exists, and
containers of it run with the flags podman needs on these machines.

The image's tag is a digest of what goes into it (the files bentofile.yaml includes,
the requirements, bentofile.yaml, deploy/, the default models' tags), so a cached
image is reused only when nothing it was built from changed.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

from testkit.model_store import default_store, linked_store

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "localhost/face-analysis"
# podman as root here refuses the default rlimits with crun and runc alike
RUN_FLAGS = ("--runtime", "runc", "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096")
# the same for `podman kube play`, which takes no --ulimit: CONTAINERS_CONF
CONTAINERS_CONF = ROOT / "deploy" / "podman" / "containers.conf"
BUILD_SECONDS = 3600
READY_SECONDS = 300


def podman(*args: str, timeout: float = 300, check: bool = True,
           env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(["podman", *args], capture_output=True, text=True, check=False,
                            timeout=timeout, env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args[:3])} failed: {result.stderr[-3000:]}")
    return result


def sources_digest() -> str:
    """What the image is built from, as 12 hex digits."""
    config = yaml.safe_load((ROOT / "bentofile.yaml").read_text())
    patterns = [*config["include"], "bentofile.yaml", "requirements.txt",
                "deploy/Dockerfile.template", "deploy/*-image.sh"]
    files = sorted(path for path in ROOT.rglob("*") if path.is_file()
                   and ".git" not in path.parts and ".venv" not in path.parts
                   and any(fnmatch.fnmatch(str(path.relative_to(ROOT)), pattern)
                           for pattern in patterns)
                   and "__pycache__" not in path.parts)
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for model in sorted(config.get("models", [])):
        name = model.split(":")[0]
        latest = default_store() / name / "latest"
        digest.update(f"{name}:{latest.read_text().strip() if latest.exists() else ''}".encode())
    return digest.hexdigest()[:12]


def image_size(image: str) -> int:
    return int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout.strip())


def ensure_image() -> tuple[str, bool]:
    """(image, built now): the image of the current sources, built when missing."""
    image = f"{REPOSITORY}:src-{sources_digest()}"
    if podman("image", "exists", image, check=False).returncode == 0:
        return image, False
    home = Path(tempfile.mkdtemp(prefix="image-home-"))
    try:
        linked_store(home)  # the Bento references the default models: links, no copies
        env = {**os.environ, "BENTOML_HOME": str(home), "BENTOML_DO_NOT_TRACK": "true",
               "BENTOML": str(Path(sys.executable).parent / "bentoml")}
        result = subprocess.run(["nice", "-n", "10", str(ROOT / "deploy" / "build-image.sh"),
                                 image], cwd=ROOT, env=env, capture_output=True, text=True,
                                check=False, timeout=BUILD_SECONDS)
        if result.returncode != 0:
            raise RuntimeError(f"deploy/build-image.sh failed: {result.stdout[-3000:]}"
                               f"{result.stderr[-3000:]}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return image, True


def wait_ready(url: str, seconds: float = READY_SECONDS, alive=lambda: True) -> float:
    """Seconds until GET url/readyz answers 200."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if not alive():
            raise RuntimeError("the container stopped before it was ready")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} not ready after {seconds} s")


def running(container: str) -> bool:
    result = podman("inspect", "--format", "{{.State.Running}}", container, check=False)
    return result.stdout.strip() == "true"


def logs(container: str) -> str:
    return podman("logs", container, check=False).stdout[-3000:]


def tree_rss_bytes(pid: int) -> int:
    """RSS of a process and all its descendants (from the host's /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines()
                              if line.startswith("VmRSS:"))) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total


def container_pid(container: str) -> int:
    return int(podman("inspect", "--format", "{{.State.Pid}}", container).stdout.strip())


def inspect(container: str) -> dict:
    return json.loads(podman("inspect", container).stdout)[0]
