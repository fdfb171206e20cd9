"""models/faceres_gender.py: the import step of the default set's gender model (FaceRes,
resized in the graph, int8). The stored model against the float conversion:
tests/test_human_models.py."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from analyzers.face_models.liveness import resize_bilinear
from models import faceres_gender
from models.convert_tfjs import convert_file
from models.fetch import sha256_of
from models.importer import fetch_artifacts, fingerprint
from models.registry import BY_NAME
from training.int8 import faceres_gender_ranges


def identity_224() -> onnx.ModelProto:
    """A model whose output is its [N, 224, 224, 3] input."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 224, 224, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 224, 224, 3])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "id", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def run(model: onnx.ModelProto, faces: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {faceres_gender.FACES_INPUT: faces.astype(np.float32)})[0]


def test_the_graphs_resize_is_the_librarys_resize():
    faces = np.random.default_rng(0).integers(0, 256, (2, 192, 192, 3)).astype(np.uint8)
    model = faceres_gender.with_resize(identity_224())
    resized = run(model, faces)
    assert resized.shape == (2, 224, 224, 3)
    # TensorFlow's resize_bilinear (no half-pixel centres) as numpy does it: the same up
    # to onnxruntime's float32 scale (random pixels: the steepest edges there are)
    assert np.abs(resized - resize_bilinear(faces.astype(np.float32), 224)).max() < 0.01
    # a 224 px input (a caller that resized first) passes through unchanged
    already = resize_bilinear(faces.astype(np.float32), 224)
    assert np.array_equal(run(model, already), already)


def test_only_the_gender_entry_has_the_step(tmp_path):
    gender = BY_NAME["face-gender-faceres"]
    assert faceres_gender.step_version(gender)
    files = {"faceres.onnx": tmp_path / "faceres.onnx"}
    for name in ("face-age-gender-faceres", "face-embedding-faceres",
                 "face-age-gender-faceres-deep", "face-race-gear"):
        assert faceres_gender.step_version(BY_NAME[name]) == ""
        assert faceres_gender.finish(BY_NAME[name], files, tmp_path, log=lambda *_: None) \
            is files
    # the step's version is in its entry's fingerprint: changing it redoes that entry
    other_step = dict(faceres_gender.STEPS)
    file, make, version = other_step[gender.wrapper]
    before = fingerprint(gender)
    try:
        faceres_gender.STEPS[gender.wrapper] = (file, make, version + "-next")
        assert fingerprint(gender) != before
    finally:
        faceres_gender.STEPS.clear()
        faceres_gender.STEPS.update(other_step)
    assert fingerprint(dataclasses.replace(gender)) == before


def test_calibration_crops_are_the_project_photos_faces_reproducibly():
    crops = faceres_gender_ranges.calibration_crops()
    faces = sum(len(found) for found in faceres_gender_ranges.CALIBRATION_FACES.values())
    assert crops.shape == (faces * faceres_gender_ranges.FRAMINGS * 2, 192, 192, 3)
    assert crops.dtype == np.uint8
    assert np.array_equal(crops[1], crops[0][:, ::-1])  # each framing mirrored
    assert np.array_equal(crops, faceres_gender_ranges.calibration_crops())
    # a face fills the middle of its crop (the boxes and eyes are right for the photos)
    assert crops[:, 64:128, 64:128].mean() > 40


def ranges(path) -> dict[str, tuple[float, float]]:
    data = json.loads(path.read_text())["data"]
    return {name: (r["lowest"]["data"][0], r["highest"]["data"][0])
            for name, r in data.items()}


def test_the_committed_ranges_are_those_of_the_photos_faces(tmp_path):
    """The import reads committed ranges (no photo, no testkit); they are what the
    calibration on the test photos' faces measures, up to float summation order."""
    measured = faceres_gender_ranges.measure_ranges(tmp_path / "ranges.json", log=lambda *_: None)
    committed, fresh = ranges(faceres_gender.RANGES), ranges(measured)
    assert committed.keys() == fresh.keys() and len(committed) > 50
    for name, (low, high) in committed.items():
        assert fresh[name] == pytest.approx((low, high), rel=1e-5, abs=1e-6), name


def test_the_int8_model_is_the_registrys_bytes_and_answers_alike_on_any_cpu(tmp_path):
    """Made twice from the same inputs: the same bytes, the registry's sha256. Its int8
    kernels and onnxruntime's float emulation of the same QDQ graph (what a CPU with exact
    int8 sums computes, up to float rounding) agree to an output step: 7-bit weights
    never saturate the multiply-adds of a CPU without VNNI."""
    files = fetch_artifacts(BY_NAME["face-gender-faceres"], log=lambda *_: None)
    converted = convert_file(files["faceres.json"], tmp_path / "faceres.onnx")
    made = [faceres_gender.gender_int8(converted, tmp_path / f"int8-{i}.onnx") for i in (0, 1)]
    shas = {sha256_of(path) for path in made}
    assert shas == {BY_NAME["face-gender-faceres"].made_sha256["faceres.onnx"]}
    faces = faceres_gender_ranges.calibration_crops()[::8].astype(np.float32)
    answers = []
    for level in (ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
                  ort.GraphOptimizationLevel.ORT_DISABLE_ALL):
        options = ort.SessionOptions()
        options.graph_optimization_level = level
        session = ort.InferenceSession(str(made[0]), options,
                                       providers=["CPUExecutionProvider"])
        answers.append(session.run(None, {faceres_gender.FACES_INPUT: faces})[0][:, 0])
    assert np.abs(answers[0] - answers[1]).max() <= 2.5 / 255  # the sigmoid's uint8 step


def test_a_made_file_of_other_bytes_is_refused(tmp_path):
    from models.importer import check_made

    made = tmp_path / "faceres.onnx"
    made.write_bytes(b"not the model")
    with pytest.raises(ValueError, match="not reproducible"):
        check_made(BY_NAME["face-gender-faceres"], {"faceres.onnx": made})
