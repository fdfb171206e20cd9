"""clients/python, the client generated from /docs.json (clients/generate.py), is
current with what the server publishes, installs with pip into a brand-new virtual
environment, and works against the real server from there: analyze, compare, extract,
an Image API service, and a typed error (issue 25)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from clients.generate import PACKAGE, generate
from testkit.photos import photo


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)}


def test_the_spec_names_things_as_a_person_would(client):
    spec = client.get("/docs.json").json()
    info = spec["info"]
    assert info["title"] == "face-analysis"
    assert info["version"] == client.get("/", headers={"Accept": "application/json"}).json()[
        "version"]
    assert "BentoML" not in info["description"]
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert {"analyze", "analyze_base64", "compare_faces", "extract_face", "gender_estimator",
            "health", "readyz"} <= set(ids)
    assert all(identifier.isidentifier() for identifier in ids), ids
    schemas = spec["components"]["schemas"]
    assert {"AnalyzeRequest", "AnalyzeResponse", "ErrorDetail", "CompareResponse"} <= set(schemas)
    assert not [name for name in schemas if "IODescriptor" in name or "__" in name]
    # a form field left unset is not sent: no default, not nullable
    form = schemas["AnalyzeRequest"]["properties"]
    assert "default" not in form["max_faces"] and not form["max_faces"].get("nullable")


def test_the_committed_client_is_current(client, tmp_path):
    generate(client.get("/docs.json").json(), tmp_path / "python")
    assert tree(tmp_path / "python") == tree(PACKAGE), \
        "regenerate: python clients/generate.py http://localhost:3000"


CALLS = r'''
import base64, json, sys
from pathlib import Path
from face_analysis_client import Client
from face_analysis_client.api.face_analysis import analyze, compare_faces, extract_face
from face_analysis_client.api.image_api import gender_estimator
from face_analysis_client.models import (AnalyzeRequest, CompareFacesRequest, ErrorDetail,
                                         ExtractFaceRequest, ImageApiRequest)
from face_analysis_client.types import File

url, obama, obama2 = sys.argv[1:4]
def upload(path):
    return File(payload=open(path, "rb"), file_name=Path(path).name, mime_type="image/jpeg")
out = {}
with Client(base_url=url, timeout=120) as api:
    faces = analyze.sync(client=api, body=AnalyzeRequest(file=upload(obama),
                                                         attributes=["age", "gender"]))
    out["analyze"] = [faces.face_count, faces.faces[0].gender.value]
    compared = compare_faces.sync(client=api, body=CompareFacesRequest(
        selfie=upload(obama), id_photo=upload(obama2)))
    out["compare"] = compared.match
    extracted = extract_face.sync(client=api, body=ExtractFaceRequest(file=upload(obama2)))
    out["extract"] = [extracted.success, extracted.face_image[:23]]
    request = ImageApiRequest.from_dict({"$image": base64.b64encode(
        open(obama, "rb").read()).decode(), "objects": [{}]})
    out["gender_estimator"] = gender_estimator.sync(client=api, body=request).objects[0][
        "gender"]
    failed = analyze.sync_detailed(client=api, body=AnalyzeRequest(file=upload(obama),
                                                                    output_format="xml"))
    out["error"] = [failed.status_code, type(failed.parsed).__name__,
                    isinstance(failed.parsed, ErrorDetail) and failed.parsed.detail]
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A brand-new venv with clients/python installed by pip (and nothing else)."""
    folder = tmp_path_factory.mktemp("client-venv")
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    # a copy: setuptools writes build/ and *.egg-info beside the sources it installs
    source = shutil.copytree(PACKAGE, tmp_path_factory.mktemp("client-source") / "python")
    result = subprocess.run([str(python), "-m", "pip", "install", "-q", str(source)],
                            capture_output=True, text=True, check=False, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return python


def test_the_installed_client_calls_the_server(installed, server):
    result = subprocess.run([str(installed), "-c", CALLS, server, str(photo("obama.jpg")),
                             str(photo("obama2.jpg"))], capture_output=True, text=True, check=False,
                            timeout=600, cwd="/")
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["analyze"] == [1, "male"], out
    assert out["compare"] is True
    assert out["extract"] == [True, "data:image/jpeg;base64,"]
    assert out["gender_estimator"] == "MALE"
    status, kind, detail = out["error"]
    assert status == 422 and kind == "ErrorDetail" and "output_format" in detail
    # the venv's own copy, not this checkout
    where = subprocess.run([str(installed), "-c",
                            "import face_analysis_client as c; print(c.__file__)"],
                           capture_output=True, text=True, check=False, cwd="/")
    assert str(installed.parent.parent) in where.stdout and sys.prefix not in where.stdout


def test_the_readme_s_client_block_runs(installed, server, tmp_path):
    """The README's five lines, as written, in the venv the client was installed into."""
    import re
    import shutil

    from tests.conftest import ROOT

    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert len(blocks) == 1 and "pip install ./clients/python" in blocks[0]
    shutil.copy(photo("obama.jpg"), tmp_path / "photo.jpg")
    result = subprocess.run([str(installed), "-c",
                             blocks[0].replace("http://localhost:3000", server)],
                            cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    count, age, gender = result.stdout.split()
    assert count == "1" and 30 <= float(age) <= 70 and gender == "male", result.stdout
