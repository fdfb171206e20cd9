"""`python -m models list` on an empty store: a header, and for every missing model the
command that imports it (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from models.registry import sources_in

ROOT = Path(__file__).resolve().parent.parent


def test_list_shows_a_header_and_the_import_command(tmp_path):
    env = dict(os.environ, BENTOML_HOME=str(tmp_path / "empty-home"), BENTOML_DO_NOT_TRACK="true")
    result = subprocess.run([sys.executable, "-m", "models", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["MODEL", "TASK", "SET", "STORED"]
    rows = {line.split()[0]: line for line in lines[1:]}
    for source in sources_in("all"):
        command = f"missing: python -m models import --only {source.name}"
        assert command in rows[source.name], rows[source.name]
        if source.local_only:
            assert " --from " in rows[source.name]
