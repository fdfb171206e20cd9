"""bench.ab --hide-before: a server started with `hidden`'s environment cannot import the
named modules, as when they are not installed (uvicorn then falls back to asyncio's loop
and h11), while other imports still work."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.ab import hidden

PROBE = """
import importlib
for name in ("uvloop", "httptools", "json"):
    try:
        importlib.import_module(name)
        print(name, "imported")
    except ImportError as error:
        print(name, "missing:", error)
"""


def test_hidden_modules_do_not_import(tmp_path):
    env = dict(os.environ, **hidden(tmp_path, ["uvloop", "httptools"]))
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout.splitlines()
    assert out == ["uvloop missing: uvloop hidden by bench.ab --hide-before",
                   "httptools missing: httptools hidden by bench.ab --hide-before",
                   "json imported"]
    plain = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                           timeout=60, check=True).stdout.splitlines()
    assert plain[:2] == ["uvloop imported", "httptools imported"]  # requirements.txt


def test_nothing_hidden_changes_nothing(tmp_path):
    assert hidden(tmp_path, []) == {}
    assert not list(tmp_path.iterdir())
