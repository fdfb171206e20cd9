"""Adding a model is one registry entry and one wrapper (docs/contributing.md): a made-up
detector and a made-up per-face classifier (tests/made_up_models.py), imported with
`python -m models import --from` into a store of their own and served by the real
server, which answers /analyze with them and lists the classifier's attribute in /docs.json
and on the web page."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from testkit.browser import chromium
from testkit.model_store import linked_store, models_cli, models_env
from testkit.photos import photo
from testkit.server import Server

PLUGIN = {"FACE_MODEL_PLUGINS": "tests.made_up_models"}

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def store(tmp_path_factory, default_models):
    files = tmp_path_factory.mktemp("made-up-files")
    (files / "centre.json").write_text(json.dumps({"side": 0.6}))
    np.save(files / "tone.npy", np.array([[-6.0, 3.0], [6.0, -3.0]], np.float32))
    home = linked_store(tmp_path_factory.mktemp("bentoml-home"))
    for name, file in (("face-detector-centre", "centre.json"), ("face-tone-madeup", "tone.npy")):
        result = models_cli(home, "import", "--only", name, "--from", str(files / file),
                            env=PLUGIN)
        assert result.returncode == 0, result.stdout + result.stderr
    return home


def test_the_entries_make_their_services_and_roles(store):
    import subprocess
    import sys

    probe = ("import model_services as ms; from models import priority; "
             "print(ms.MODEL_SERVICES['CentreDetector'].inner.source_name, "
             "ms.MODEL_SERVICES['FaceToneMadeupModel'].inner.source_name, "
             "priority.ROLES['detection'].choices['centre'], ms.SERVED['tone'].name)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False,
                            env=models_env(store, FACE_DETECTION_MODEL="centre", **PLUGIN))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["face-detector-centre", "face-tone-madeup",
                                     "face-detector-centre", "FaceToneMadeupModel"]


@pytest.fixture
def registry_restored():
    """Importing tests.made_up_models registers its entries in this process: undone
    after the test, so later tests see the project's registry alone."""
    from models import registry

    saved = registry.SOURCES, dict(registry.BY_NAME), dict(registry.TASKS)
    yield
    registry.SOURCES = saved[0]
    for mapping, kept in ((registry.BY_NAME, saved[1]), (registry.TASKS, saved[2])):
        mapping.clear()
        mapping.update(kept)


def test_the_server_answers_with_both(store, registry_restored):
    from inputs.imageio import decode_image
    from tests.made_up_models import CentreSquareDetector, ToneClassifier

    env = {"BENTOML_HOME": str(store), "FACE_DETECTION_MODEL": "centre", **PLUGIN}
    with Server(env=env) as server:
        response = httpx.post(f"{server.url}/analyze", timeout=120,
                              files={"file": ("obama.jpg", photo("obama.jpg").read_bytes())},
                              data={"attributes": "age,tone"})
        document = httpx.get(f"{server.url}/docs.json", timeout=60).json()
        choices = httpx.get(f"{server.url}/ui/attributes.json", timeout=60).json()
        with chromium(f"{server.url}/ui", lambda d: d.execute_script(
                "return document.body.dataset.ready") == "true") as page:
            boxes = page.execute_script(
                "return [...document.querySelectorAll('#attributes input')].map(b => b.value)")
    # the OpenAPI document and the web page's check boxes take the new attribute from
    # the registry entry: no edit of schemas.py or ui/app.js
    field = document["components"]["schemas"]["Face"]["properties"]["tone"]
    assert "face-tone-madeup" in field["description"]
    assert "'tone'" in json.dumps(document)  # /analyze's attributes help lists it
    assert "tone" in choices["attributes"] and "tone" not in choices["default"]
    assert "tone" in boxes  # the web page offers it
    assert response.status_code == 200, response.text
    answer = response.json()
    image = decode_image(photo("obama.jpg").read_bytes())
    [found] = CentreSquareDetector.load(_folder(store, "face-detector-centre")).detect(image)
    [face] = answer["faces"]
    assert np.allclose(face["bbox"], found.box, atol=1)
    crop, _ = ToneClassifier.prepare_face(image, found, None)
    [tone] = ToneClassifier.load(_folder(store, "face-tone-madeup")).predict(crop[None])
    assert face["tone"] == {"dominant": tone["label"], "confidence": tone["confidence"],
                            "scores": tone["scores"]}
    assert answer["models"]["detection"].startswith("face-detector-centre:")
    assert answer["models"]["tone"].startswith("face-tone-madeup:")
    assert "age" in face and face["age"] is not None  # the default set still answers


def _folder(home, name):
    versions = [p for p in (home / "models" / name).iterdir() if p.is_dir()]
    assert len(versions) == 1
    return versions[0]
