"""The value mappings of the drop-in contracts (compat/scales.py) and the 3DiVi
request pairing and quality keys (compat/image_api.py), in process."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.detectors.detection import Detection
from compat import image_api, scales
from errors import InputError


def test_scale_changes():
    assert scales.fraction_of_percent(76.29) == 0.7629
    assert scales.fraction_of_percent(130) == 1.0 and scales.fraction_of_percent(None) is None
    assert scales.percent(0.99587) == 99.59
    assert scales.similarity_fraction(0.93) == 0.93
    assert scales.similarity_fraction(-0.2) == 0.0 and scales.similarity_fraction(1.3) == 1.0
    # NSFAS's documented example: distance 0.42 -> confidence 58.0
    assert scales.distance_confidence(0.42) == 58.0
    assert scales.distance_confidence(1.4) == 0.0
    assert scales.distance_confidence(float("nan")) is None


def test_spellings():
    assert scales.title_gender("female") == "Female" and scales.title_gender(None) is None
    assert scales.upper_gender("male") == "MALE"
    assert scales.age_bracket_years("20-29") == "20-29 years old"
    assert scales.age_bracket_years("70+") == "70+ years old"
    assert scales.whole_years(40.6) == 41 and scales.age_text(24.9) == "25"
    assert {scales.emotion_name(e) for e in scales.IMAGE_API_EMOTIONS} == {
        "ANGRY", "DISGUSTED", "SCARED", "HAPPY", "NEUTRAL", "SAD", "SURPRISED"}
    assert scales.emotion_name("fear") == "SCARED"
    assert scales.pixel_box([1.4, 2.5, 30.6, 40.0]) == [1, 2, 31, 40]


FACES = [Detection(box=np.array([100.0, 100.0, 200.0, 220.0]), score=0.99,
                   keypoints=np.zeros((5, 2))),
         Detection(box=np.array([300.0, 50.0, 360.0, 120.0]), score=0.97,
                   keypoints=np.zeros((5, 2)))]


def test_pairing_of_request_objects():
    objects, faces = image_api.pair([{}], FACES, 400, 300, 100)
    assert objects == [{"id": 0, "class": "face"}, {"id": 1, "class": "face"}]
    assert faces == FACES
    # an earlier answer's objects keep their fields and find their own face
    given = [{"id": 7, "class": "face", "bbox": [0.75, 0.1667, 0.9, 0.4], "fitter": {"x": 1}}]
    objects, faces = image_api.pair(given, FACES, 400, 300, 100)
    assert objects == given and faces == [FACES[1]]
    with pytest.raises(InputError, match="matches no face"):
        image_api.pair([{"bbox": [0.0, 0.9, 0.05, 1.0]}], FACES, 400, 300, 100)
    with pytest.raises(InputError, match="every object"):
        image_api.pair([{}, {"bbox": [0.75, 0.17, 0.9, 0.4]}], FACES, 400, 300, 100)
    with pytest.raises(InputError, match="fractions"):
        image_api.pair([{"bbox": "0,0,1,1"}], FACES, 400, 300, 100)


def test_qaa_keys_from_our_checks():
    check = {"passed": True, "score": 80.0, "value": 1.0}
    native = {name: dict(check) for name in (
        "sharpness", "evenIllumination", "noFlare", "leftEyeOpen", "rightEyeOpen",
        "backgroundUniformity", "dynamicRange", "eyeDistance", "noise", "neutralEmotion",
        "notMasked", "rotation")}
    native["margins"] = {"passed": False, "score": 30.0, "value": 0.15, "centreOffset": 0.05,
                         "threshold": {"min": 0.2, "maxCentreOffset": 0.1}}
    native["noise"]["score"] = 42.0  # the weakest capture check
    native.update(watermark=None, totalScore=71.5)
    qaa = image_api.qaa(native)
    # 3DiVi's totalScore is the weakest capture check, not our mean (scales.capture_quality)
    assert len(qaa) == 29 and qaa["totalScore"] == 42.0
    assert qaa["isMarginsAcceptable"] is False and qaa["marginOuterDeviation"] == 0.05
    assert qaa["hasWatermark"] is None and qaa["watermarkScore"] is None
    assert qaa["isSharp"] is True and qaa["sharpnessScore"] == 80.0


def test_capture_quality_is_the_weakest_capture_check():
    checks = {name: {"score": 90.0} for name in scales.CAPTURE_CHECKS}
    assert scales.capture_quality(checks) == 90.0
    checks["sharpness"]["score"] = 4.0
    # a failing check of the subject or the scene does not decide it
    checks["neutralEmotion"] = {"score": 0.0}
    checks["margins"] = {"score": 1.0}
    assert scales.capture_quality(checks) == 4.0
    assert scales.capture_quality({"rotation": None, "noise": {"score": 61.234}}) == 61.23
    assert scales.capture_quality({"totalScore": 70.0}) is None


def test_quality_threshold_of_the_request():
    assert image_api.quality_threshold({}) == 30.0
    assert image_api.quality_threshold({"quality_threshold": 55}) == 55.0
    for bad in (True, "30", -1, 101):
        with pytest.raises(InputError):
            image_api.quality_threshold({"quality_threshold": bad})


def test_one_comparison_two_contracts():
    """/compare-faces (NSFAS) and InsightFace's compare shape the same native comparison
    (front/flows/comparison.py `compared`): only the contract's fields differ."""
    import numpy as np

    from analyzers.face_models.embedding import ARCFACE, compare
    from compat import insightface, nsfas

    first = np.linspace(-1.0, 1.0, 512, dtype=np.float32)
    second = first + np.float32(0.05) * np.cos(np.arange(512, dtype=np.float32))
    compared = {**compare(first, second, None, ARCFACE), "metric": ARCFACE.description,
                "model": "face-embedding-arcface:v1"}
    answer = nsfas.compare_fields(compared)
    assert answer["confidence"] == scales.distance_confidence(compared["distance"])
    assert answer["decision_confidence"] == compared["confidence"]
    assert answer["model"] == compared["model"] and answer["match"] is compared["match"]
    other = insightface.compare_answer(compared)
    assert other["similarity"] == scales.similarity_fraction(compared["similarity"])
    assert other["model"] == compared["model"] and other["match"] is compared["match"]
