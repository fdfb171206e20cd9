"""68 iBUG-300W landmarks with dlib's shape predictor, on a face crop."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.runtime.crops import square_face
from analyzers.face_models.dlib_faces import load_shape_predictor, shape_in_crop, shape_points
from analyzers.runtime.model_wrapper import ModelWrapper


class Landmarks68(ModelWrapper):
    prepare_face = staticmethod(square_face)

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> "Landmarks68":
        return cls(folder / "shape_predictor_68_face_landmarks.dat")

    def __init__(self, shape68_path: str):
        self.predictor = load_shape_predictor(shape68_path, 68)

    def predict(self, crops: np.ndarray) -> np.ndarray:
        """crops: [N, 256, 256, 3] uint8 RGB from square_crop -> [N, 68, 2] crop pixels."""
        return np.array(
            [shape_points(shape_in_crop(self.predictor, crop)) for crop in crops], np.float32
        ).reshape(len(crops), 68, 2)
