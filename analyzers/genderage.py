"""Gender and age with InsightFace's genderage net (buffalo_l genderage.onnx).

Conventions (InsightFace model zoo): a 96x96 square crop of side 1.5 x the
longer side of the detector box, centred on it; fed RGB 0..255 as float32
NCHW without scaling (the graph normalises itself); output 3 values:
[female, male, age / 100]. Gender is the larger of the first two.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers import crops
from analyzers.onnx_batch import OnnxModel

SIZE = 96


def prepare(image: np.ndarray, box) -> np.ndarray:
    """-> the 96x96x3 uint8 crop genderage takes."""
    return crops.square_crop(image, box, SIZE, scale=1.5)[0]


def interpret(raw) -> dict:
    female, male, age = (float(v) for v in raw[:3])
    return {"gender": "male" if male > female else "female",
            "gender_scores": {"female": round(female, 4), "male": round(male, 4)},
            "age": int(round(age * 100.0))}


class GenderAge:
    def __init__(self, model_path: str | Path, threads: int = 1):
        self.model = OnnxModel(model_path, threads=threads)

    def predict(self, faces: np.ndarray) -> list[dict]:
        """[N, 96, 96, 3] uint8 RGB crops -> [{gender, gender_scores, age}] per face."""
        if len(faces) == 0:
            return []
        batch = np.asarray(faces, np.float32).transpose(0, 3, 1, 2)
        raw = self.model.run(batch)[0].reshape(len(faces), -1)
        return [interpret(row) for row in raw]
