"""Every curl block of the README and docs/api.md runs against the test server (the
port substituted, real photos under the names the README uses) and answers 200 with its
key fields; the README stays a front door (its length, its facts)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "README.md", ROOT / "docs" / "api.md")
BLOCKS = [block for page in PAGES
          for block in re.findall(r"```bash\n(.*?)```", page.read_text(), re.S)
          if "curl " in block and "localhost:3000/" in block]
# path -> a field every answer of it has
KEY_FIELDS = {"/analyze": "faces", "/analyze-base64": "faces", "/extract-face": "face_image",
              "/compare-faces": "match", "/templates/extract": "faces",
              "/templates/verify": "match", "/v1/models/insightface:detect": "faces",
              "/v1/models/insightface:compare": "similarity", "/fitter": "faces",
              "/quality": "faces", "/liveness": "liveness", "/body": "bodies",
              "/mask": "faces", "/health": "models", "/analyze-batch": "results"}


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


def test_the_readme_is_a_front_door():
    from models.registry import sources_in

    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 300
    headings = re.findall(r"^## (.*)$", readme, re.M)
    for needed in ("Set up and serve (default models, offline)", "The three common calls",
                   "Web page: see what the service finds", "Run the tests", "Deploy",
                   "Where everything else lives"):
        assert needed in headings, needed
    # its facts: the default set's size (bentofile.yaml packs exactly it, test_bento.py)
    default = len(sources_in("default"))
    assert f"each of the {default} default models" in readme
    assert f"the front and {default} model services" in readme
    # every link to a file of the repository resolves
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", readme):
        assert (ROOT / target).exists(), target
