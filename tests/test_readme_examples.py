"""Every curl block of the README runs against the test server (the port substituted,
real photos under the names the README uses) and answers 200 with its key fields."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = [block for block in re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(),
                                        re.S) if "curl " in block]
# path -> a field every answer of it has
KEY_FIELDS = {"/analyze": "faces", "/analyze-base64": "faces", "/extract-face": "face_image",
              "/compare-faces": "match", "/templates/extract": "faces",
              "/templates/verify": "match", "/v1/models/insightface:detect": "faces",
              "/v1/models/insightface:compare": "similarity", "/fitter": "faces",
              "/quality": "faces", "/liveness": "liveness", "/body": "bodies",
              "/mask": "faces", "/health": "models"}


def path_of(block: str) -> str:
    return re.findall(r"localhost:3000(/[^\s\"']*)", block)[-1]


def test_the_readme_has_curl_for_every_api_endpoint():
    assert {path_of(block) for block in BLOCKS} == set(KEY_FIELDS)


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme-photos")
    for name, source in (("photo.jpg", "obama.jpg"), ("selfie.jpg", "obama.jpg"),
                         ("id_photo.jpg", "obama2.jpg")):
        shutil.copy(photo(source), folder / name)
    return folder


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{i}:{path_of(b)}" for i, b in enumerate(BLOCKS)])
def test_readme_curl_block(server, photos, block):
    script = "set -euo pipefail\n" + block.replace("http://localhost:3000", server)
    result = subprocess.run(["bash", "-c", script], cwd=photos, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    field = KEY_FIELDS[path_of(block)]
    assert answer.get(field) not in (None, [], ""), answer
