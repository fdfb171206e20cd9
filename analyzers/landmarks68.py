"""68 iBUG-300W landmarks with dlib's shape predictor, on a face crop."""

from __future__ import annotations

import numpy as np

from analyzers.dlib_faces import load_shape_predictor, shape_in_crop, shape_points


class Landmarks68:
    def __init__(self, shape68_path: str):
        self.predictor = load_shape_predictor(shape68_path, 68)

    def predict(self, crops: np.ndarray) -> np.ndarray:
        """crops: [N, 256, 256, 3] uint8 RGB from square_crop -> [N, 68, 2] crop pixels."""
        return np.array(
            [shape_points(shape_in_crop(self.predictor, crop)) for crop in crops], np.float32
        ).reshape(len(crops), 68, 2)
