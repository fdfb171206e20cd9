"""Gender and age with InsightFace's genderage net (buffalo_l genderage.onnx).

Conventions (InsightFace model zoo): a 96x96 square crop of side 1.5 x the
longer side of the detector box, centred on it; fed RGB 0..255 as float32
NCHW without scaling (the graph normalises itself); output 3 values:
[female, male, age / 100]. Gender is the larger of the first two (InsightFace
takes the argmax). Whether the pair is already a probability pair or raw
logits was not checked on the real file here: a pair that is non-negative and
sums to 1 is read as probabilities, anything else goes through a softmax.

The answer has the shape of analyzers/face_models/age_gender.py's, so either model can
answer /analyze's age and gender (models/priority.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.runtime import crops
from analyzers.face_models.age_gender import GENDER_LABELS, age_bracket
from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_batch import OnnxModel

SIZE = 96


def prepare(image: np.ndarray, box) -> np.ndarray:
    """-> the 96x96x3 uint8 crop genderage takes."""
    return crops.square_crop(image, box, SIZE, scale=1.5)[0]


def gender_probabilities(pair) -> np.ndarray:
    pair = np.asarray(pair, np.float64)
    if pair.min() >= 0.0 and abs(pair.sum() - 1.0) < 1e-3:
        return pair
    shifted = np.exp(pair - pair.max())
    return shifted / shifted.sum()


def interpret(raw) -> dict:
    probabilities = gender_probabilities(raw[:2])
    best = int(np.argmax(probabilities))
    age = round(float(np.clip(raw[2], 0.0, 1.2)) * 100.0, 1)
    return {"age": age, "age_bracket": age_bracket(age),
            "gender": {"value": GENDER_LABELS[best],
                       "confidence": round(float(probabilities[best]), 4),
                       "scores": {label: round(float(p), 4)
                                  for label, p in zip(GENDER_LABELS, probabilities)}}}


class GenderAge(ModelWrapper):
    files = ("genderage.onnx",)
    crop_of_box = staticmethod(prepare)

    def __init__(self, model_path: str | Path, threads: int = 1):
        self.model = OnnxModel(model_path, threads=threads)

    def predict(self, faces: np.ndarray) -> list[dict]:
        """[N, 96, 96, 3] uint8 RGB crops -> [{age, age_bracket, gender}] per face."""
        if len(faces) == 0:
            return []
        batch = np.asarray(faces, np.float32).transpose(0, 3, 1, 2)
        raw = self.model.run(batch)[0].reshape(len(faces), -1)
        return [interpret(row) for row in raw]
