"""`python -m models` against a BentoML home of the caller's (a throwaway store), so
tests and training scripts never touch the real model store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def models_env(home: Path, **extra: str) -> dict:
    """The environment of a `python -m models` or `bentoml` run against `home`."""
    return dict(os.environ, BENTOML_HOME=str(home), BENTOML_DO_NOT_TRACK="true", **extra)


def models_cli(home: Path, *args: str, env: dict | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m models ARGS` against the store at `home`; env adds variables."""
    return subprocess.run([sys.executable, "-m", "models", *args], cwd=ROOT,
                          env=models_env(home, **(env or {})), capture_output=True, text=True,
                          timeout=timeout)


def default_store() -> Path:
    """The models folder of the store the tests' default server uses."""
    return Path(os.environ.get("BENTOML_HOME", Path.home() / "bentoml")) / "models"


def linked_store(home: Path, *extra_models: Path, without: tuple[str, ...] = ()) -> Path:
    """A BentoML home at `home` holding the default store's models (but those named in
    `without`) plus `extra_models` (model folders of other throwaway stores), all as
    links: a server on it sees both sets without copying gigabytes."""
    (home / "models").mkdir(parents=True, exist_ok=True)
    for entry in [*default_store().iterdir(), *extra_models]:
        if entry.name in without:
            continue
        if entry.is_dir() and not (home / "models" / entry.name).exists():
            (home / "models" / entry.name).symlink_to(entry, target_is_directory=True)
    return home
