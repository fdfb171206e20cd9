"""A made-up face detector and a made-up per-face classifier, added the way
docs/contributing.md "Adding a model" says: one registry entry and one wrapper each, in
a plugin module that FACE_MODEL_PLUGINS names (tests/test_adding_a_model.py serves them)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from analyzers.detectors.base import Detector
from analyzers.detectors.detection import Detection
from analyzers.runtime.model_wrapper import ModelWrapper
from models.capacity import LIGHT, SMALL, Capacity
from models.registry import ModelSource, register

# eyes, nose, mouth corners as fractions of the box (x, y)
POINTS = np.array([[0.3, 0.4], [0.7, 0.4], [0.5, 0.58], [0.35, 0.76], [0.65, 0.76]],
                  np.float32)


class CentreSquareDetector(Detector):
    """One face: the centred square of `side` (its file) x the image's shorter side,
    scored by how much brighter its middle is than the whole image."""

    files = ("centre.json",)

    def __init__(self, path: Path, threads: int = 1):
        self.side = float(json.loads(Path(path).read_text())["side"])

    def detect(self, image: np.ndarray) -> list[Detection]:
        height, width = image.shape[:2]
        side = self.side * min(height, width)
        x1, y1 = (width - side) / 2, (height - side) / 2
        box = np.array([x1, y1, x1 + side, y1 + side], np.float32)
        inner = image[int(y1):int(y1 + side), int(x1):int(x1 + side)]
        score = float(np.clip(0.5 + (inner.mean() - image.mean()) / 255.0, 0.0, 1.0))
        return [Detection(box=box, score=score, keypoints=box[:2] + POINTS * side)]


class ToneClassifier(ModelWrapper):
    """dark / light from a face crop's mean grey level: a 1-input, 2-class logistic layer
    whose weights are its file."""

    files = ("tone.npy",)
    labels = ("dark", "light")

    def __init__(self, path: Path, threads: int = 1):
        self.weights = np.load(path)  # [2, 2]: per class, weight and bias

    @classmethod
    def prepare_face(cls, image, face, source):
        x1, y1, x2, y2 = (round(float(v)) for v in face.box)
        crop = image[max(y1, 0):max(y2, 1), max(x1, 0):max(x2, 1)]
        return cv2.resize(crop, (32, 32), interpolation=cv2.INTER_AREA), None

    def predict(self, crops: np.ndarray) -> list[dict]:
        grey = np.asarray(crops, np.float32).mean(axis=(1, 2, 3)) / 255.0
        logits = grey[:, None] * self.weights[:, 0] + self.weights[:, 1]
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        scores = odds / odds.sum(axis=1, keepdims=True)
        return [{"label": self.labels[int(row.argmax())],
                 "confidence": round(float(row.max()), 4),
                 "scores": {name: round(float(v), 4) for name, v in zip(self.labels, row)}}
                for row in scores]


_HOME = "https://example.invalid/made-up"
register(
    ModelSource(
        name="face-detector-centre", task="detection", description="made-up detector (tests)",
        license="MIT", homepage=_HOME, artifacts=(), model_set="extra",
        local_files=("centre.json",), wrapper="tests.made_up_models:CentreSquareDetector",
        service="CentreDetector", answer="detections", capacity=Capacity(SMALL, 1),
        choice="centre", rank=9),
    ModelSource(
        name="face-tone-madeup", task="tone", description="made-up classifier (tests)",
        license="MIT", homepage=_HOME, artifacts=(), model_set="extra",
        local_files=("tone.npy",), wrapper="tests.made_up_models:ToneClassifier",
        capacity=Capacity(SMALL, 1, LIGHT), attribute="tone"),
)
