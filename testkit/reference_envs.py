"""Reference implementations that cannot be installed into the project's
environment, each built once under the cache and reused; the equivalence tests
run them as subprocesses that answer in JSON.

* ``mediapipe``: mediapipe 0.10.14 pins protobuf < 5 (the project runs 7), so it
  gets a virtual environment of its own, from requirements-reference-mediapipe.txt
  installed with --no-deps: mediapipe's metadata also asks for jax, jaxlib,
  sounddevice and the GUI opencv build, none of which its legacy solutions and
  subgraphs import; the file pins what they do import.
* ``facenet-pytorch``: facenet-pytorch 2.6.0 pins torch < 2.3 and torchvision;
  the model code needs neither pin, so its pure-Python wheel goes (--no-deps)
  into a folder the project's own interpreter puts on its path, and runs on the
  project's torch (testkit/reference_facenet.py says what stands in for
  torchvision).

An environment is rebuilt when its requirements file or the Python version
changes. ``python -m testkit.reference_envs`` builds them all and fails loudly
(.ci/run does this before the tests); a test that cannot build one (no network)
skips, as the tests of requirements-reference.txt's packages skip when those are
not installed (offline, pip gives up in about 2 s). Building both took 92 s
the first time on the development machine, 50-58 s with pip's download cache
warm (the host shared and loaded); mediapipe's takes 408 MB (its 35 MB wheel
unpacked, numpy, opencv, matplotlib).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from models.fetch import CACHE_DIR

ROOT = Path(__file__).resolve().parent.parent
FOLDER = CACHE_DIR / "reference-envs"


@dataclass(frozen=True)
class Environment:
    requirements: Path
    # True: a virtual environment with its own interpreter; False: packages in a
    # folder on top of the project's interpreter
    own_python: bool


ENVIRONMENTS = {
    "mediapipe": Environment(ROOT / "requirements-reference-mediapipe.txt", own_python=True),
    "facenet-pytorch": Environment(ROOT / "requirements-reference-facenet.txt",
                                   own_python=False),
}


class Unavailable(RuntimeError):
    """The environment could not be built (pip's own words in the message)."""


_failed: dict[str, str] = {}


def _stamp(environment: Environment) -> str:
    digest = hashlib.sha256(environment.requirements.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _pip(args: list[str], python: Path | None = None) -> None:
    """The project's own pip; `python` points it at another environment (pip >= 22.3)."""
    command = [sys.executable, "-m", "pip", *(["--python", str(python)] if python else []),
               "install", "--no-deps", "--disable-pip-version-check", "--no-input",
               "--progress-bar", "off", "--retries", "2", "--timeout", "30", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Unavailable(f"pip install {' '.join(args)} failed: {result.stderr.strip()[-600:]}")


def _build(environment: Environment, target: Path) -> None:
    requirements = ["-r", str(environment.requirements)]
    if environment.own_python:
        # without a pip of its own (ensurepip takes seconds): the project's installs into it
        made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)],
                              capture_output=True, text=True, check=False)
        if made.returncode != 0:
            raise Unavailable(f"python -m venv failed: {made.stderr.strip()[-600:]}")
        _pip(requirements, python=target / "bin" / "python")
    else:
        _pip([*requirements, "--target", str(target)])


def ensure(name: str) -> Path:
    """The built environment's folder (built now if missing or out of date)."""
    if name in _failed:  # tried in this process already: do not wait for pip again
        raise Unavailable(_failed[name])
    environment = ENVIRONMENTS[name]
    folder, stamp = FOLDER / name, _stamp(environment)
    FOLDER.mkdir(parents=True, exist_ok=True)
    with open(FOLDER / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be building it
        marker = folder / ".built"
        if marker.is_file() and marker.read_text() == stamp:
            return folder
        # built in place (a venv's scripts name their folder); the marker is
        # written last, so a build that stopped half way is redone next time
        shutil.rmtree(folder, ignore_errors=True)
        try:
            _build(environment, folder)
        except Unavailable as error:
            shutil.rmtree(folder, ignore_errors=True)
            _failed[name] = str(error)
            raise
        marker.write_text(stamp)
    return folder


def run(name: str, script: str, request: dict, timeout: float = 600) -> dict:
    """Run testkit/<script> in the environment with `request` as JSON on stdin; its
    JSON answer. A failing run raises (the environment exists: that is a failure,
    not a reason to skip)."""
    folder = ensure(name)
    env = dict(os.environ)
    if ENVIRONMENTS[name].own_python:
        python = str(folder / "bin" / "python")
        env.pop("PYTHONPATH", None)
    else:
        python = sys.executable
        env["PYTHONPATH"] = str(folder)
    result = subprocess.run([python, str(ROOT / "testkit" / script)], input=json.dumps(request),
                            capture_output=True, text=True, env=env, timeout=timeout,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{script} in {name} failed: {result.stderr.strip()[-3000:]}")
    return json.loads(result.stdout)


def main() -> None:
    for name in ENVIRONMENTS:
        print(name, ensure(name))


if __name__ == "__main__":
    main()
