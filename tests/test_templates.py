"""Templates, the calibration table and verification, without a server."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from analyzers.face_models.embedding import ARCFACE, DLIB
from compat.insightface import detected_face
from compat.scaleflex import scaleflex
from responses import templates
from responses.output_formats import check_output_format

MODEL = "face-embedding-dlib:test"


def vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.12, 128).astype(np.float32)


def test_encode_decode_round_trip():
    v = vector(1)
    text = templates.encode(v, MODEL)
    envelope = json.loads(base64.b64decode(text))
    assert envelope["format"] == "face-template" and envelope["size"] == 128
    assert envelope["model"] == MODEL
    back = templates.decode(text)
    assert back.model == MODEL and back.size == 128
    assert np.array_equal(back.vector, v)


@pytest.mark.parametrize("bad", ["", "not base64!!", base64.b64encode(b"[1, 2]").decode(),
                                 base64.b64encode(b'{"format": "other"}').decode()])
def test_malformed_templates_are_refused(bad):
    with pytest.raises(templates.TemplateError):
        templates.decode(bad)


def test_truncated_embedding_and_non_finite_values_are_refused():
    envelope = json.loads(base64.b64decode(templates.encode(vector(1), MODEL)))
    envelope["embedding"] = base64.b64encode(base64.b64decode(envelope["embedding"])[:100]).decode()
    with pytest.raises(templates.TemplateError, match="bytes"):
        templates.decode(base64.b64encode(json.dumps(envelope).encode()).decode())
    nan = np.full(128, np.nan, np.float32)
    with pytest.raises(templates.TemplateError, match="non-finite"):
        templates.decode(templates.encode(nan, MODEL))


def test_templates_of_different_models_are_never_compared():
    a = templates.decode(templates.encode(vector(1), MODEL))
    b = templates.decode(templates.encode(vector(1), "face-embedding-arcface:x"))
    with pytest.raises(templates.TemplateError, match="different models"):
        templates.verify(a, b)


def test_the_committed_calibration_table_is_measured_and_monotone():
    calibration = templates.load_calibration("face-embedding-dlib:anything")
    assert calibration is not None
    data = calibration.data
    assert data["pairs"]["impostor"] > 1000 and data["pairs"]["genuine_total"] > 100
    assert data["published_reference"]["measured_here"] is False
    assert np.all(np.diff(calibration.far) >= 0) and np.all(np.diff(calibration.frr) <= 0)
    far, frr = calibration.rates(0.6)
    assert far == data["at_model_threshold"]["far"] and frr == data["at_model_threshold"]["frr"]
    # interpolation between two rows
    lo, hi = calibration.rates(0.605), (calibration.rates(0.60), calibration.rates(0.61))
    assert min(hi[0][0], hi[1][0]) <= lo[0] <= max(hi[0][0], hi[1][0])
    assert calibration.threshold_for_far(1e-3) <= 0.7


def test_verify_figures_and_operating_points():
    calibration = templates.load_calibration(MODEL)
    a = templates.decode(templates.encode(vector(1), MODEL))
    b = templates.decode(templates.encode(vector(1) + 0.01, MODEL))
    result = templates.verify(a, b, None, DLIB, calibration)
    assert result["distance"] == pytest.approx(np.sqrt(128) * 0.01, rel=1e-3)
    assert result["match"] and result["operating_point"] == "model" and result["threshold"] == 0.6
    assert 0 <= result["score"] <= 100 and result["fa_r"] is not None
    assert templates.score_of(0.6) == 50.0
    far = templates.verify(a, b, "far=1e-3", DLIB, calibration)
    assert far["operating_point"] == "far=0.001"
    assert far["threshold"] == calibration.threshold_for_far(1e-3)
    assert templates.verify(a, b, "0.05", DLIB, calibration)["match"] is False
    with pytest.raises(templates.TemplateError):
        templates.verify(a, b, "banana", DLIB, calibration)
    no_table = templates.verify(a, b, None, DLIB, None)
    assert no_table["fa_r"] is None and "fa_r" in no_table["unavailable"]
    assert templates.verify(a, b, "dlib", DLIB, calibration)["operating_point"] == "model"


def test_arcface_templates_compare_unit_vectors_under_its_own_threshold():
    model = "face-embedding-arcface:abc"
    first = np.zeros(512, np.float32)
    first[0] = 1.0
    second = np.zeros(512, np.float32)
    second[:2] = (0.28, np.sqrt(1 - 0.28 ** 2))  # cosine 0.28: exactly the threshold
    a, b = (templates.decode(templates.encode(v, model)) for v in (first, second))
    result = templates.verify(a, b, None, ARCFACE, templates.load_calibration(model))
    assert result["threshold"] == pytest.approx(1.2) and result["distance"] == \
        pytest.approx(1.2, abs=1e-5)
    assert result["score"] == pytest.approx(50.0, abs=0.01)
    assert result["fa_r"] is None and "no calibration table" in result["unavailable"]["fa_r"]
    closer = templates.decode(templates.encode(first * 3.0, model))  # unit-normalised first
    assert templates.verify(a, closer, None, ARCFACE, None)["distance"] == pytest.approx(0.0)


def native_face(**extra):
    return {"bbox": [1.0, 2.0, 30.0, 40.0], "confidence": 0.99,
            "landmarks": {n: [1.0, 2.0] for n in ("left_eye", "right_eye", "nose",
                                                 "mouth_left", "mouth_right")}, **extra}


def test_output_formats():
    assert check_output_format(None) == "native"
    with pytest.raises(ValueError):
        check_output_format("xml")
    emotion = {"dominant": "happy", "confidence": 0.7,
               "scores": {"happy": 0.7, "neutral": 0.2, "sad": 0.1}}
    result = {"faces": [native_face(emotion=emotion, age=33.0,
                                    gender={"value": "male", "confidence": 0.9, "scores": {}})],
              "image": {"width": 50, "height": 60}, "models": {}}
    shaped = scaleflex(result)
    face = shaped["faces"]["face_0"]
    assert sum(face["emotions"].values()) == pytest.approx(100.0, abs=0.1)
    # Scaleflex's spellings (issue 17): 'Male', whole years, whole-pixel box
    assert face["races"] is None and "races" in face["unavailable"] and face["gender"] == "Male"
    assert face["age"] == 33 and face["box"] == [1, 2, 30, 40] and shaped["status"] == "success"
    inface = detected_face(native_face())
    assert inface["feature"] is None and "feature" in inface["unavailable"]
    assert len(inface["landmarks"]) == 5 and inface["race"] is None


@pytest.mark.skipif(__import__("bench.accuracy", fromlist=["x"]).default_data() is None,
                    reason="../shared/labelled-faces is not next to this checkout")
def test_calibration_on_lfw_pairs_uses_every_pair_of_their_photos(default_models, tmp_path):
    """training/calibration/calibrate.py --pairs on 3 people's LFW photos (a slice of the
    development split): same-person pairs against every pair of two people."""
    import csv

    from bench.accuracy import default_data
    from training.calibration import calibrate

    data = default_data()
    with open(data / "index.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["label_kind"] == "identity"
                and r["path"].startswith("images/muxspace")]
    by_person: dict[str, list[str]] = {}
    for row in rows:
        by_person.setdefault(row["identity"], []).append(row["path"])
    people = [name for name, paths in sorted(by_person.items()) if len(paths) >= 2][:3]
    chosen = [p for name in people for p in by_person[name][:2]]
    (tmp_path / "images").symlink_to(data / "images")
    (tmp_path / "pairs").mkdir()
    (tmp_path / "index.csv").write_text("path,source,identity,label_kind,label\n" + "".join(
        f"{p},lfw,{name},identity,{name}\n" for name in people for p in by_person[name][:2]))
    (tmp_path / "pairs" / "lfw_pairs.csv").write_text(
        "fold,path_a,path_b,same\n" + "".join(
            f"0,{a},{b},{same}\n" for a, b, same in ((chosen[0], chosen[1], 1),
                                                     (chosen[2], chosen[3], 1),
                                                     (chosen[4], chosen[5], 1),
                                                     (chosen[0], chosen[2], 0))))
    calibrate.main(["--pairs", str(tmp_path), "--out", str(tmp_path / "out")])
    data = json.loads((tmp_path / "out" / "face-embedding-dlib.json").read_text())
    embedded = data["photos"] - len(data["photos_without_face"])
    assert data["photos"] == 6 and data["people"] == 3 and embedded >= 5
    pairs = data["pairs"]
    assert pairs["genuine_total"] + pairs["impostor"] == embedded * (embedded - 1) // 2
    assert data["official_pairs"]["pairs"] == 4
    calibration = templates.Calibration(data)
    assert np.all(np.diff(calibration.far) >= 0) and np.all(np.diff(calibration.frr) <= 0)
    assert calibration.rates(0.6) == (data["at_model_threshold"]["far"],
                                      data["at_model_threshold"]["frr"])
