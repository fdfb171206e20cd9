"""Regenerate clients/python, the installable Python client, from the OpenAPI document
the service publishes (/docs.json), with openapi-python-client (requirements-dev.txt):

    python clients/generate.py http://localhost:3000

tests/test_client_package.py regenerates it from the test server's document and fails
when the committed package differs, then installs it with pip into a new venv.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "clients" / "python"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
CONFIG = ("post_hooks: []\n"
          "project_name_override: face-analysis-client\n"
          "package_name_override: face_analysis_client\n")


def generate(spec: dict, output: Path) -> None:
    """openapi-python-client's package (setup.py metadata) of `spec` into `output`."""
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "spec.json").write_text(json.dumps(spec))
        (Path(scratch) / "config.yaml").write_text(CONFIG)
        if output.exists():
            shutil.rmtree(output)
        result = subprocess.run([str(GENERATOR), "generate", "--path", f"{scratch}/spec.json",
                                 "--output-path", str(output), "--meta", "setup",
                                 "--config", f"{scratch}/config.yaml", "--fail-on-warning"],
                                capture_output=True, text=True, check=False, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)


if __name__ == "__main__":
    import httpx

    url = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:3000"
    generate(httpx.get(url.rstrip("/") + "/docs.json", timeout=30).raise_for_status().json(),
             PACKAGE)
    print(f"wrote {PACKAGE.relative_to(ROOT)}")
