"""One input convention (issue 11): `attributes` as a list or a comma string on every
endpoint that takes it, and a multipart request with its file under the wrong name,
or two of them, answered 400 with what the endpoint takes."""

from __future__ import annotations

import base64
import json

import pytest

from front.form_fields import attributes_of
from testkit.photos import photo


def obama() -> bytes:
    return photo("obama.jpg").read_bytes()


def asked(answer) -> set:
    """The attribute fields present on the first face."""
    face = answer["faces"][0]
    return {name for name in ("age", "gender", "emotion", "pose", "smiling", "skin_tone")
            if name in face and face[name] is not None}


@pytest.mark.parametrize("data", [
    {"attributes": "age,gender"},
    {"attributes": json.dumps(["age", "gender"])},
    {"attributes": ["age", "gender"]},  # the field repeated
    {"attributes": ["age", "gender, age"]},  # repeated, one of them a comma string
])
def test_analyze_attributes_any_way(client, data):
    response = client.post("/analyze", files={"file": ("o.jpg", obama())}, data=data)
    assert response.status_code == 200, response.text
    assert asked(response.json()) == {"age", "gender"}


@pytest.mark.parametrize("attributes", [["age", "gender"], "age,gender", "age, gender"])
def test_analyze_base64_attributes_any_way(client, attributes):
    body = {"image": base64.b64encode(obama()).decode(), "attributes": attributes}
    response = client.post("/analyze-base64", json=body)
    assert response.status_code == 200, response.text
    assert asked(response.json()) == {"age", "gender"}


def test_unknown_attribute_is_422_either_way(client):
    response = client.post("/analyze", files={"file": ("o.jpg", obama())},
                           data={"attributes": ["age", "wings"]})
    assert response.status_code == 422 and "wings" in response.json()["detail"]
    response = client.post("/analyze-base64", json={
        "image": base64.b64encode(obama()).decode(), "attributes": "age,wings"})
    assert response.status_code == 422 and "wings" in response.json()["detail"]


def test_a_file_under_another_name_is_400_naming_the_fields(client):
    response = client.post("/analyze", files={"image": ("o.jpg", obama())})
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "no 'file' file field" in detail and "'image'" in detail
    assert "file, attributes, max_faces" in detail  # what /analyze takes
    response = client.post("/compare-faces", files={"selfie": ("o.jpg", obama())})
    assert response.status_code == 400
    assert "no 'id_photo' file field" in response.json()["detail"]
    assert "got selfie" in response.json()["detail"]
    response = client.post("/analyze", data={"attributes": "age"},
                           files={"unused": ("", b"")})
    assert response.status_code == 400 and "no 'file' file field" in response.json()["detail"]


def test_two_files_in_one_field_is_400(client):
    response = client.post("/analyze", files=[("file", ("a.jpg", obama())),
                                              ("file", ("b.jpg", obama()))])
    assert response.status_code == 400, response.text
    assert "field 'file' was sent 2 times" in response.json()["detail"]


def test_attributes_of_reads_every_form():
    class Request:
        scope = {"face_analysis.form_lists": {"attributes": ['["age", "pose"]', "emotion"]}}

    assert attributes_of("ignored", Request()) == ["age", "pose", "emotion"]
    assert attributes_of([" age ", "", "pose"]) == ["age", "pose"]
    assert attributes_of("age,pose") == "age,pose"
    assert attributes_of(None) is None
