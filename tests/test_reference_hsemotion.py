"""HSEmotion answers as hsemotion-onnx's HSEmotionRecognizer does.

The same ONNX file (an EfficientNet-B0 of enet_b0_8_va_mtl's signature: input
`input` [N, 3, 224, 224], 8 logits + valence + arousal; random weights, no real
weights offline) and the same face of a real photo go through
analyzers/face_models/hsemotion.py and through hsemotion-onnx 0.3.1 (installed --no-deps by
.ci/run from requirements-reference.txt). HSEmotionRecognizer takes a face image
the caller cut out; the project cuts the detector's box itself (rounded, clamped
to the image), so the reference gets that same cut.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

facial_emotions = pytest.importorskip(
    "hsemotion_onnx.facial_emotions", reason="hsemotion-onnx is installed by .ci/run")
torch = pytest.importorskip("torch")

from analyzers.face_models import hsemotion  # noqa: E402
from inputs.imageio import decode_image  # noqa: E402
from testkit.photos import photo  # noqa: E402


def enet_b0(path: Path, outputs: int, seed: int) -> Path:
    from bench.full_set_latency import EfficientNetB0, init_weights

    torch.manual_seed(seed)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(init_weights(EfficientNetB0(outputs)).eval(),
                          (torch.zeros(1, 3, 224, 224),), str(path), input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "N"}},
                          opset_version=17, dynamo=False)
    return path


def reference_for(path: Path, model_name: str):
    original = facial_emotions.get_model_path
    facial_emotions.get_model_path = lambda name: str(path)  # instead of downloading it
    try:
        return facial_emotions.HSEmotionRecognizer(model_name)
    finally:
        facial_emotions.get_model_path = original


def rgb(name: str) -> np.ndarray:
    return decode_image(photo(name).read_bytes())


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory):
    path = enet_b0(tmp_path_factory.mktemp("hse") / "enet_b0_8_va_mtl.onnx", 10, seed=4)
    return path, reference_for(path, "enet_b0_8_va_mtl")


@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg", "t1.jpg"])
def test_crop_scores_valence_and_arousal_match_hsemotion_onnx(recognizer, name):
    path, reference = recognizer
    image = rgb(name)
    height, width = image.shape[:2]
    ours = hsemotion.HSEmotion(path)
    # a face larger than 224 px (downscaled) and one smaller (upscaled)
    for box in ([width * 0.25, height * 0.1, width * 0.75, height * 0.8],
                [width * 0.4, height * 0.3, width * 0.4 + 120.4, height * 0.3 + 150.6]):
        left, top = (int(round(v)) for v in box[:2])
        right, bottom = (int(round(v)) for v in box[2:])
        cut = image[top:bottom, left:right]
        blob = hsemotion.normalise(hsemotion.prepare(image, box)[None])
        np.testing.assert_allclose(blob, reference.preprocess(cut), atol=1e-5)
        label, raw = reference.predict_emotions(cut, logits=False)
        answer = ours.predict(hsemotion.prepare(image, box)[None])[0]
        # the reference's class names, in the project's words
        assert hsemotion.LABELS[list(reference.idx_to_class.values()).index(label)] == \
            answer["dominant"]
        np.testing.assert_allclose([answer["scores"][k] for k in hsemotion.LABELS], raw[:8],
                                   atol=5e-5)  # the project rounds to 4 decimals
        # the project clips valence and arousal to their -1..1 range; the reference
        # returns the raw regression
        np.testing.assert_allclose([answer["valence"], answer["arousal"]],
                                   np.clip(raw[8:], -1, 1), atol=5e-5)


def test_enet_b0_8_best_afew_imports_with_from_and_answers_as_hsemotion_onnx(tmp_path):
    """The seed's emotion model: the same EfficientNet-B0 with the 8 logits only."""
    from testkit.model_store import models_cli

    afew = enet_b0(tmp_path / "enet_b0_8_best_afew.onnx", 8, seed=5)
    home = tmp_path / "home"
    result = models_cli(home, "import", "--only", "face-emotion-hsemotion", "--from", str(afew))
    assert result.returncode == 0, result.stdout + result.stderr
    [stored] = (home / "models" / "face-emotion-hsemotion").glob("*/enet_b0_8_va_mtl.onnx")
    assert stored.read_bytes() == afew.read_bytes()

    reference = reference_for(afew, "enet_b0_8_best_afew")
    image = rgb("obama.jpg")
    box = [300.0, 120.0, 560.0, 420.0]
    label, scores = reference.predict_emotions(image[120:420, 300:560], logits=False)
    [answer] = hsemotion.HSEmotion(stored).predict(hsemotion.prepare(image, box)[None])
    assert len(scores) == 8
    np.testing.assert_allclose([answer["scores"][k] for k in hsemotion.LABELS], scores,
                               atol=5e-5)
    assert hsemotion.LABELS[list(reference.idx_to_class.values()).index(label)] == \
        answer["dominant"]
    assert answer["valence"] is None and answer["arousal"] is None  # no such head
