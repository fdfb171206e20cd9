"""A client of the 3DiVi-style Image API, written the way that API documents it:
plain JSON `{"$image": base64, "objects": [{}]}` POSTs, one service per capability,
on real photos (README, "Replacing the 3DiVi Image API")."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from testkit.photos import photo
from tests.masks import put_mask

pytestmark = pytest.mark.usefixtures("server")
EMOTIONS = {"ANGRY", "DISGUSTED", "SCARED", "HAPPY", "NEUTRAL", "SAD", "SURPRISED"}
QAA_BOOLEANS = ("isSharp", "isEvenlyIlluminated", "noFlare", "isLeftEyeOpened",
                "isRightEyeOpened", "isBackgroundUniform", "isDynamicRangeAcceptable",
                "isEyesDistanceAcceptable", "isNotNoisy", "isMarginsAcceptable",
                "isNeutralEmotion", "notMasked", "hasWatermark", "isRotationAcceptable")
QAA_NUMBERS = ("totalScore", "sharpnessScore", "illuminationScore", "leftEyeOpennessScore",
               "rightEyeOpennessScore", "backgroundUniformityScore", "dynamicRangeScore",
               "eyesDistance", "noiseScore", "marginInnerDeviation", "marginOuterDeviation",
               "neutralEmotionScore", "notMaskedScore", "watermarkScore",
               "maxRotationDeviation")


def b64(name: str) -> str:
    return base64.b64encode(photo(name).read_bytes()).decode()


def call(client, service: str, image: str | None, objects=None, status: int = 200) -> dict:
    body = {"objects": [{}] if objects is None else objects}
    if image is not None:
        body["$image"] = image
    response = client.post(f"/image-api/{service}", json=body)
    assert response.status_code == status, response.text
    return response.json()


def faces_of(answer: dict, image: str) -> list[dict]:
    assert answer["$image"] == image  # echoed
    objects = answer["objects"]
    assert [o["id"] for o in objects] == list(range(len(objects)))
    return objects


def is_fraction_box(box) -> bool:
    return len(box) == 4 and all(0.0 <= v <= 1.0 for v in box) and box[0] < box[2] \
        and box[1] < box[3]


def test_estimators_on_one_face(client):
    image = b64("obama.jpg")
    (face,) = faces_of(call(client, "gender-estimator", image), image)
    assert face["class"] == "face" and face["gender"] == "MALE"
    (face,) = faces_of(call(client, "age-estimator", image), image)
    assert isinstance(face["age"], str) and 30 <= int(face["age"]) <= 60
    (face,) = faces_of(call(client, "emotion-estimator", image), image)
    assert {e["emotion"] for e in face["emotions"]} == EMOTIONS
    assert all(isinstance(e["confidence"], float) for e in face["emotions"])
    assert sum(e["confidence"] for e in face["emotions"]) == pytest.approx(1.0, abs=0.01)
    assert face["emotions"][0]["emotion"] == "HAPPY"  # obama smiles; most confident first


def test_gender_of_every_face_of_t1(client):
    image = b64("t1.jpg")
    faces = faces_of(call(client, "gender-estimator", image), image)
    assert len(faces) == 6 and {f["gender"] for f in faces} <= {"MALE", "FEMALE"}


def test_detectors_answer_fractional_boxes(client):
    image = b64("obama.jpg")
    (body,) = faces_of(call(client, "body-detector", image), image)[:1]
    assert body["class"] == "body" and isinstance(body["confidence"], float)
    assert len(body["bbox"]) == 4 and all(0.0 <= v <= 1.0 for v in body["bbox"])
    (face,) = faces_of(call(client, "face-detector-liveness-estimator", image), image)
    assert is_fraction_box(face["bbox"]) and face["confidence"] > 0.9
    assert face["liveness"]["value"] in ("REAL", "FAKE")
    assert isinstance(face["liveness"]["confidence"], float)


def test_liveness_modules_and_their_errors(client):
    image = b64("obama.jpg")
    for module in ("liveness-anti-spoofing", "quality-liveness-anti-spoofing"):
        (face,) = faces_of(call(client, module, image), image)
        assert face["liveness"]["value"] == "REAL"
        assert 0.5 <= face["liveness"]["confidence"] <= 1.0
    group = b64("t1.jpg")
    for module in ("liveness-anti-spoofing", "quality-liveness-anti-spoofing"):
        # the contract's {"detail"}, with the code every 4xx of this service carries
        # (docs/compatibility.md)
        assert call(client, module, group, status=400) == {
            "detail": "More than one face detected", "code": "invalid_input"}
    # a blurred, dark copy of the portrait fails 3DiVi's own gate of 30 with its text:
    # the gate reads the weakest capture check (compat/scales.capture_quality)
    blurred = Image.open(photo("obama.jpg")).convert("RGB").resize((60, 75)).resize((480, 600))
    blurred = blurred.point(lambda v: v // 6)
    buffer = io.BytesIO()
    blurred.save(buffer, "JPEG", quality=30)
    image = base64.b64encode(buffer.getvalue()).decode()
    response = client.post("/image-api/quality-liveness-anti-spoofing",
                           json={"$image": image, "objects": [{}]})
    assert response.status_code == 400, response.text
    found = re.fullmatch(r"Low image quality\. Calculated score value \((\d+)\) is less than "
                         r"the threshold \(30\)", response.json()["detail"])
    assert found and int(found.group(1)) < 30
    # the sharp portrait passes 30, and a request may ask for more than it reaches
    portrait = b64("obama.jpg")
    assert call(client, "quality-liveness-anti-spoofing", portrait)["objects"][0]["liveness"]
    response = client.post("/image-api/quality-liveness-anti-spoofing",
                           json={"$image": portrait, "objects": [{}], "quality_threshold": 95})
    assert response.status_code == 400 and "threshold (95)" in response.json()["detail"]
    # the quality service reports the same figure as its totalScore
    (fitted,) = call(client, "face-detector-face-fitter", portrait)["objects"]
    (assessed,) = call(client, "quality-assessment-estimator", portrait,
                       objects=[fitted])["objects"]
    qaa = assessed["quality"]["qaa"]
    assert 30 <= qaa["totalScore"] < 95
    assert qaa["totalScore"] <= min(qaa[key] for key in ("sharpnessScore", "dynamicRangeScore",
                                                         "noiseScore"))


def test_mask_estimator(client):
    image = b64("obama.jpg")
    (bare,) = call(client, "mask-estimator", image)["objects"]
    assert bare["mask"]["value"] is False and isinstance(bare["mask"]["confidence"], float)
    # a mask painted on the face along the fitter's own mesh (tests/masks.py)
    (fitted,) = call(client, "face-detector-face-fitter", image)["objects"]
    points = np.asarray(fitted["fitter"]["keypoints"]).reshape(-1, 3)
    pixels = np.asarray(Image.open(photo("obama.jpg")).convert("RGB"))
    buffer = io.BytesIO()
    Image.fromarray(put_mask(pixels, points, "mask_blue.jpg")).save(buffer, "JPEG", quality=95)
    (masked,) = call(client, "mask-estimator",
                     base64.b64encode(buffer.getvalue()).decode())["objects"]
    assert masked["mask"]["value"] is True and 0.5 <= masked["mask"]["confidence"] <= 1.0


def test_fitter_then_quality_on_the_fitters_objects(client):
    image = b64("obama.jpg")
    (fitted,) = faces_of(call(client, "face-detector-face-fitter", image), image)
    fitter = fitted["fitter"]
    assert fitter["fitter_type"] == "mediapipe_mesh_478"  # not 3DiVi's 21-point "fda"
    assert len(fitter["keypoints"]) == 3 * 478
    assert len(fitter["left_eye"]) == 2 and len(fitter["right_eye"]) == 2
    assert set(fitted["angles"]) == {"yaw", "pitch", "roll"}
    assert all(isinstance(v, float) for v in fitted["angles"].values())
    assert is_fraction_box(fitted["bbox"])
    answer = call(client, "quality-assessment-estimator", image, [fitted])
    (face,) = faces_of(answer, image)
    assert face["fitter"] == fitter  # the request's object, kept
    qaa = face["quality"]["qaa"]
    assert set(qaa) == set(QAA_BOOLEANS) | set(QAA_NUMBERS)
    for key in QAA_BOOLEANS:
        assert isinstance(qaa[key], bool) or (qaa[key] is None and key == "hasWatermark"), key
    for key in QAA_NUMBERS:
        assert isinstance(qaa[key], (int, float)) or (
            qaa[key] is None and key == "watermarkScore"), key
    assert qaa["isSharp"] is True and 50 < qaa["totalScore"] <= 100
    # a box that is no face is refused, not answered for another face
    stray = dict(fitted, bbox=[0.0, 0.9, 0.05, 1.0])
    assert "matches no face" in call(client, "quality-assessment-estimator", image, [stray],
                                     status=422)["detail"]


def test_extractor_then_verify_matcher(client):
    def extracted(name):
        image = b64(name)
        (face,) = faces_of(call(client, "face-detector-template-extractor", image), image)
        assert isinstance(face["$template"], str) and face["template_size"] == 128
        assert is_fraction_box(face["bbox"]) and isinstance(face["confidence"], float)
        return face

    obama, obama2, biden = extracted("obama.jpg"), extracted("obama2.jpg"), extracted("biden.jpg")
    same = call(client, "verify-matcher", None, [obama, obama2])
    other = call(client, "verify-matcher", None, [obama, biden])
    assert same["objects"] == [obama, obama2]
    for answer in (same, other):
        verification = answer["verification"]
        assert set(verification) == {"distance", "fa_r", "fr_r", "score"}
        assert all(isinstance(v, float) for v in verification.values())
        assert 0.0 <= verification["score"] <= 1.0
    assert same["verification"]["score"] > 0.5 > other["verification"]["score"]
    assert same["verification"]["distance"] < other["verification"]["distance"]


def test_limits_and_errors(client):
    # 3DiVi: the image at most 4.7 MB: a 5 MB body is refused by its size
    big = base64.b64encode(b"\xff\xd8\xff" + bytes(5 * 1024 * 1024)).decode()
    answer = call(client, "gender-estimator", big, status=413)
    assert "limit" in answer["detail"]
    # liveness and quality: at most 10 megapixels (a 4000 x 3000 JPEG is 12 MP)
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (128, 128, 128)).save(buffer, "JPEG", quality=50)
    huge = base64.b64encode(buffer.getvalue()).decode()
    assert call(client, "liveness-anti-spoofing", huge, status=413)["detail"]
    assert call(client, "nonexistent-estimator", b64("obama.jpg"), status=404)["detail"]
    assert "$image" in call(client, "age-estimator", None, status=422)["detail"]
    response = client.post("/image-api/age-estimator", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"]
    response = client.post("/image-api/age-estimator", files={"file": ("a.jpg", b"x")})
    assert response.status_code == 415  # the request guard holds on the mounted app too


@pytest.mark.parametrize("body, status, words", [
    ([], 422, "JSON object"),
    ({"$image": "abc", "objects": "x"}, 422, "objects"),
    ({"$image": "%%% not base64 %%%", "objects": [{}]}, 400, "base64"),
    ({"$image": base64.b64encode(b"plain text, no image").decode(), "objects": [{}]}, 415,
     "format"),
    ({"$image": "abc", "objects": [{}] * 101}, 422, "FACE_MAX_FACES"),
])
def test_hostile_bodies_are_json_4xx(client, body, status, words):
    response = client.post("/image-api/age-estimator", json=body)
    assert response.status_code == status, response.text
    assert words.lower() in response.json()["detail"].lower()


def test_verify_matcher_refuses_bad_templates_and_get(client):
    answer = call(client, "verify-matcher", None, [{"$template": "xx!"}, {"$template": "yy"}],
                  status=422)
    assert "template" in answer["detail"]
    assert "objects" in call(client, "verify-matcher", None, [{}], status=422)["detail"]
    response = client.get("/image-api/verify-matcher")
    assert response.status_code == 405 and response.json()["detail"]
