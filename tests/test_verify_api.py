"""Templates, verification, the InsightFace-style API and the Scaleflex output, over HTTP."""

from __future__ import annotations

import base64
import json

import pytest

from schemas import (
    AnalyzeResponse,
    InsightFaceCompareResponse,
    InsightFaceDetectResponse,
    ScaleflexResponse,
    TemplateExtractResponse,
    VerifyResponse,
)
from testkit.photos import photo

pytestmark = pytest.mark.usefixtures("server")


def b64(name: str) -> str:
    return base64.b64encode(photo(name).read_bytes()).decode()


def template(client, name: str) -> str:
    response = client.post("/templates/extract", files={"file": (name, photo(name).read_bytes())})
    assert response.status_code == 200, response.text
    body = TemplateExtractResponse.model_validate(response.json())
    assert body.face_count == len(body.faces) >= 1
    assert body.faces[0].template_size == 128 and body.faces[0].model.startswith("face-embedding")
    return response.json()["faces"][0]["$template"]


def verify(client, first: str, second: str, **extra) -> dict:
    response = client.post("/templates/verify",
                           json={"template1": first, "template2": second, **extra})
    assert response.status_code == 200, response.text
    VerifyResponse.model_validate(response.json())
    return response.json()


def test_templates_verify_same_person_and_reject_another(client):
    obama, obama2, biden = (template(client, n) for n in ("obama.jpg", "obama2.jpg", "biden.jpg"))
    same = verify(client, obama, obama2)
    other = verify(client, obama, biden)
    assert same["match"] is True and other["match"] is False
    assert same["operating_point"] == "model" and same["threshold"] == 0.6
    assert same["distance"] < 0.5 < 0.7 < other["distance"]
    assert same["score"] > 50 > other["score"]
    # rates of the rule "distance < t" with t at the pair's own distance (the table of the
    # LFW development split's 2.4 million impostor and 2,648 genuine pairs): hardly any
    # impostor pair is as close as obama-obama2, hardly any genuine pair as far as
    # obama-biden
    assert same["fa_r"] < 1e-5 and other["fr_r"] < 0.01 and other["fa_r"] > same["fa_r"]
    strict = verify(client, obama, obama2, operating_point="far=1e-3")
    assert strict["operating_point"] == "far=0.001" and strict["match"] is True


def test_templates_of_another_model_or_malformed_are_422(client):
    obama = template(client, "obama.jpg")
    envelope = json.loads(base64.b64decode(obama))
    envelope["model"] = "face-embedding-arcface:other"
    foreign = base64.b64encode(json.dumps(envelope).encode()).decode()
    response = client.post("/templates/verify", json={"template1": obama, "template2": foreign})
    assert response.status_code == 422 and "different models" in response.json()["detail"]
    response = client.post("/templates/verify", json={"template1": obama, "template2": "xx!"})
    assert response.status_code == 422 and "detail" in response.json()
    response = client.post("/templates/verify", json={"template1": obama, "template2": obama,
                                                      "operating_point": "banana"})
    assert response.status_code == 422


def test_extract_finds_all_six_people_of_t1(client):
    response = client.post("/templates/extract",
                           files={"file": ("t1.jpg", photo("t1.jpg").read_bytes())})
    assert response.status_code == 200
    assert TemplateExtractResponse.model_validate(response.json()).face_count == 6


def test_insightface_detect_on_t1(client):
    response = client.post("/v1/models/insightface:detect", json={"image_base64": b64("t1.jpg")})
    assert response.status_code == 200, response.text
    body = InsightFaceDetectResponse.model_validate(response.json())
    assert len(body.faces) == 6
    for face in body.faces:
        assert len(face.feature) == 128 and len(face.landmarks) == 5
        # InsightFace's spellings and scales (issue 17): 'Male', quality 0..1
        assert face.yaw is not None and face.gender in ("Female", "Male")
        assert face.race in ("White", "Black", "Asian", "Indian", "Other")
        assert 0 <= face.quality <= 1 and 0 <= face.liveness_confidence <= 1
        # one t1 face is turned too far for the mask check: null with the reason
        assert (face.mask_confidence is not None and 0 <= face.mask_confidence <= 1) \
            or "mask_confidence" in face.unavailable
    assert sum(face.mask_confidence is not None for face in body.faces) >= 5
    assert all(face.mask_confidence < 0.5 for face in body.faces
               if face.mask_confidence is not None)  # nobody in t1 wears a mask


def test_insightface_compare(client):
    def similarity(a, b):
        response = client.post("/v1/models/insightface:compare",
                               json={"image1": b64(a), "image2": b64(b)})
        assert response.status_code == 200, response.text
        return InsightFaceCompareResponse.model_validate(response.json()).similarity

    assert similarity("obama.jpg", "obama2.jpg") > similarity("obama.jpg", "biden.jpg")


def test_insightface_routes_refuse_bad_input_and_private_urls(client):
    response = client.post("/v1/models/insightface:detect", json={})
    assert response.status_code == 422 and "detail" in response.json()
    response = client.post("/v1/models/insightface:detect",
                           json={"image_url": "http://127.0.0.1:1/x.jpg"})
    assert 400 <= response.status_code < 500 and "detail" in response.json()
    response = client.post("/v1/models/insightface:compare",
                           content=b"image1=a", headers={"Content-Type": "text/plain"})
    assert 400 <= response.status_code < 500


def test_colon_routes_are_in_the_openapi_spec(client):
    paths = client.get("/docs.json").json()["paths"]
    for route in ("/v1/models/insightface:detect", "/v1/models/insightface:compare",
                  "/templates/extract", "/templates/verify"):
        assert route in paths


def test_scaleflex_output_and_native_unchanged(client):
    data = photo("t1.jpg").read_bytes()
    response = client.post("/analyze", files={"file": ("t1.jpg", data)},
                           data={"output_format": "scaleflex"})
    assert response.status_code == 200, response.text
    body = ScaleflexResponse.model_validate(response.json())
    assert list(body.faces) == [f"face_{i}" for i in range(6)]
    for face in body.faces.values():
        assert sum(face.emotions.values()) == pytest.approx(100.0, abs=0.5)
        assert face.dominant_emotion in face.emotions and face.dominant_race in face.races
        # Scaleflex's spellings (issue 17): whole years, 'Male' / 'Female'
        assert isinstance(face.age, int) and face.gender in ("Female", "Male")
    response = client.post("/analyze-base64", json={"image": b64("obama.jpg"),
                                                    "output_format": "scaleflex"})
    assert response.status_code == 200
    assert list(ScaleflexResponse.model_validate(response.json()).faces) == ["face_0"]
    native = client.post("/analyze-base64", json={"image": b64("obama.jpg")})
    assert isinstance(AnalyzeResponse.model_validate(native.json()).faces, list)
    response = client.post("/analyze-base64", json={"image": b64("obama.jpg"),
                                                    "output_format": "xml"})
    assert response.status_code == 422 and "output_format" in response.json()["detail"]
