"""The seed contracts (../shared/seed-contracts.md) read line by line: each documented
field, name, unit, default and type that the five systems' contract tests did not
check yet, checked here the way a client of that system would read it. Every line of
the seed is either checked by a contract test or listed in docs/compatibility.md as a
deliberate difference with its reason (that document's table names the test)."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from testkit.photos import photo
from tests import hostile
from tests.test_contract_image_api import b64, call, faces_of, is_fraction_box

pytestmark = pytest.mark.usefixtures("server")
SCALEFLEX_EMOTIONS = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"}


def twelve_megapixels() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (128, 128, 128)).save(buffer, "JPEG", quality=50)
    return base64.b64encode(buffer.getvalue()).decode()


# ----------------------------------------------------------------- A. HCP
def test_hcp_analyze_with_no_attribute_asked_answers_the_default_set(client):
    """HCP answers its analyzers without being asked; here the default attributes
    answer (docs/compatibility.md: the embedding and chopped_score are opt-in)."""
    data = photo("obama.jpg").read_bytes()
    for response in (client.post("/analyze", files={"file": ("obama.jpg", data)}),
                     client.post("/analyze-base64",
                                 json={"image": base64.b64encode(data).decode()})):
        assert response.status_code == 200, response.text
        (face,) = response.json()["faces"]
        for key in ("age", "age_bracket", "gender", "emotion", "pose", "smiling", "mouth_open",
                    "eyes_open", "skin_tone", "hair_colour", "eye_colour", "lip_colour"):
            assert face.get(key) is not None, key
        assert "embedding" not in face and "chopped_score" not in face


# ------------------------------------------------------- B. 3DiVi Image API
def test_image_api_ten_megapixels_for_the_quality_path_too(client):
    huge = twelve_megapixels()
    for service in ("quality-assessment-estimator", "face-detector-liveness-estimator",
                    "quality-liveness-anti-spoofing"):
        answer = call(client, service, huge, status=413)
        assert "limit is 10.0 MP" in answer["detail"], (service, answer)
    # the 10 MP limit is the liveness and quality path's: an estimator takes the photo
    assert call(client, "age-estimator", huge)["objects"] == []


def test_image_api_value_types_and_class_on_every_service(client):
    image = b64("obama.jpg")
    (face,) = faces_of(call(client, "age-estimator", image), image)
    assert re.fullmatch(r"\d+", face["age"]), face["age"]  # "a string of an integer"
    (face,) = faces_of(call(client, "emotion-estimator", image), image)
    assert len(face["emotions"]) == 7
    assert all(set(e) == {"confidence", "emotion"} for e in face["emotions"])
    for service in ("gender-estimator", "mask-estimator", "face-detector-face-fitter",
                    "face-detector-template-extractor", "liveness-anti-spoofing",
                    "face-detector-liveness-estimator"):
        (face,) = faces_of(call(client, service, image), image)
        assert face["class"] == "face" and type(face["id"]) is int, service
    (fitted,) = call(client, "face-detector-face-fitter", image)["objects"]
    assert isinstance(fitted["confidence"], float) and is_fraction_box(fitted["bbox"])
    assert all(isinstance(v, float) for v in fitted["fitter"]["keypoints"])
    (extracted,) = call(client, "face-detector-template-extractor", image)["objects"]
    assert base64.b64decode(extracted["$template"], validate=True)
    assert type(extracted["template_size"]) is int


def test_image_api_liveness_estimator_answers_every_face(client):
    image = b64("t1.jpg")
    faces = faces_of(call(client, "face-detector-liveness-estimator", image), image)
    assert len(faces) == 6
    for face in faces:
        assert isinstance(face["confidence"], float) and is_fraction_box(face["bbox"])
        assert face["liveness"]["value"] in ("REAL", "FAKE")
        assert isinstance(face["liveness"]["confidence"], float)


# -------------------------------------------------------------- C. Scaleflex
def test_scaleflex_percentages_have_two_decimals_and_dominants_are_the_largest(client):
    response = client.post("/analyze", files={"file": ("t1.jpg", photo("t1.jpg").read_bytes())},
                           data={"output_format": "scaleflex"})
    faces = response.json()["faces"]
    assert faces
    for face in faces.values():
        for shares in (face["emotions"], face["races"]):
            assert all(round(v, 2) == v for v in shares.values()), shares
        assert set(face["emotions"]) == SCALEFLEX_EMOTIONS
        assert face["dominant_emotion"] == max(face["emotions"], key=face["emotions"].get)
        # Scaleflex's own race classes that no offline model gives (middle eastern,
        # latino hispanic) are not made up: docs/compatibility.md
        assert not {"middle eastern", "latino hispanic"} & set(face["races"])


# ------------------------------------------------------------- D. InsightFace
def test_insightface_detect_by_url_goes_through_the_fetcher(client):
    # an http(s) URL is fetched under the SSRF policy (here refused: a loopback address)
    response = client.post("/v1/models/insightface:detect",
                           json={"image_url": "http://127.0.0.1:1/face.jpg"})
    assert response.status_code == 403, response.text
    # s3://bucket/key is read, and refused unless FACE_S3_BUCKETS allows the bucket
    response = client.post("/v1/models/insightface:detect",
                           json={"image_url": "s3://some-bucket/face.jpg"})
    assert response.status_code == 403 and "bucket" in response.json()["detail"].lower()


# -------------------------------------------------------------------- E. NSFAS
def test_nsfas_extract_face_takes_png_and_pdf(client):
    portrait = Image.open(photo("obama.jpg")).convert("RGB")
    buffer = io.BytesIO()
    portrait.save(buffer, "PNG")
    for name, data, kind in (("id.png", buffer.getvalue(), "image/png"),
                             ("id.pdf", hostile.photo_pdf(portrait), "application/pdf")):
        response = client.post("/extract-face", files={"file": (name, data, kind)})
        assert response.status_code == 200, (name, response.text[:300])
        body = response.json()
        assert body["success"] is True and body["metadata"]["total_faces"] == 1
        assert body["face_image"].startswith("data:image/jpeg;base64,")
        size = body["metadata"]["face_size"]
        assert set(size) == {"width", "height"} and all(v > 0 for v in size.values())
