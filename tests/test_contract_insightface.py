"""A client of InsightFace Ray Serve's API, written the way it documents it: JSON
POSTs to /v1/models/insightface:detect and :compare, GET /-/healthz, on real photos
(README, "Replacing the InsightFace Ray Serve API")."""

from __future__ import annotations

import base64
import re

import pytest

from testkit.photos import photo

pytestmark = pytest.mark.usefixtures("server")
FACE_KEYS = {"bounding_box", "confidence", "landmarks", "feature", "roll", "yaw", "pitch",
             "quality", "mask_confidence", "liveness_confidence", "gender", "age_bracket",
             "race"}


def b64(name: str) -> str:
    return base64.b64encode(photo(name).read_bytes()).decode()


def test_healthz(client):
    response = client.get("/-/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_detect_answers_insightfaces_keys_and_spellings(client):
    response = client.post("/v1/models/insightface:detect", json={"image_base64": b64("t1.jpg")})
    assert response.status_code == 200, response.text
    faces = response.json()["faces"]
    assert len(faces) == 6
    for face in faces:
        assert FACE_KEYS <= set(face)
        assert len(face["bounding_box"]) == 4 and isinstance(face["confidence"], float)
        assert len(face["landmarks"]) == 5 and all(len(p) == 2 for p in face["landmarks"])
        assert len(face["feature"]) == 128
        assert all(isinstance(face[k], float) for k in ("roll", "yaw", "pitch"))
        assert 0.0 <= face["quality"] <= 1.0
        assert 0.0 <= face["liveness_confidence"] <= 1.0
        assert face["mask_confidence"] is None or 0.0 <= face["mask_confidence"] <= 1.0
        assert face["gender"] in ("Female", "Male")
        assert re.fullmatch(r"(\d+-\d+|70\+) years old", face["age_bracket"])
        # GEAR answers race in the default set, in InsightFace's capitals
        assert face["race"] in ("White", "Black", "Asian", "Indian", "Other")
        assert "race" not in face["unavailable"]
    (obama,) = client.post("/v1/models/insightface:detect",
                           json={"image_base64": b64("obama.jpg")}).json()["faces"]
    # the age model reads 39.9 on the cascade's crop (42.2 on MTCNN's): at the boundary
    assert obama["gender"] == "Male" and obama["age_bracket"] in ("30-39 years old",
                                                                  "40-49 years old")
    assert obama["quality"] == pytest.approx(0.7629, abs=0.02)  # /quality's 76.29 / 100


def test_compare_with_the_documented_fields(client):
    def similarity(**body):
        response = client.post("/v1/models/insightface:compare", json=body)
        assert response.status_code == 200, response.text
        value = response.json()["similarity"]
        assert isinstance(value, float) and 0.0 <= value <= 1.0
        return value

    same = similarity(image1_base64=b64("obama.jpg"), image2_base64=b64("obama2.jpg"))
    other = similarity(image1_base64=b64("obama.jpg"), image2_base64=b64("biden.jpg"))
    assert same > other
    # our own field names still answer the same
    assert similarity(image1=b64("obama.jpg"), image2=b64("obama2.jpg")) == same


def test_compare_by_url_reaches_the_fetcher(client):
    # image1_url / image2_url are read (here refused by the SSRF policy, a 4xx with the
    # reason, not the old "Field required: image1, image2")
    response = client.post("/v1/models/insightface:compare",
                           json={"image1_url": "http://127.0.0.1:1/a.jpg",
                                 "image2_url": "http://127.0.0.1:1/b.jpg"})
    assert 400 <= response.status_code < 500
    assert "Field required" not in response.json()["detail"]
    response = client.post("/v1/models/insightface:compare",
                           json={"image1_base64": b64("obama.jpg")})
    assert response.status_code == 422 and "image2" in response.json()["detail"]
