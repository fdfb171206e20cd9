"""The learned beauty score: a ResNet-50 regressor on SCUT-FBP5500's 1.0-5.0 scale
(training/beauty/train.py exports it; imported with --from). measures/beauty.py
weighs it into chopped_score."""

from __future__ import annotations

import cv2
import numpy as np

from analyzers.face_models.hsemotion import OnnxRegressor
from analyzers.face_models.hsemotion import normalise as imagenet_normalise
from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 224
CROP_SCALE = 1.4  # SCUT-FBP5500 photos show the whole head with some margin


def prepare(image: np.ndarray, box) -> np.ndarray:
    """A square of CROP_SCALE x the box's larger side around its centre, 224x224 uint8
    RGB (edges replicated)."""
    x1, y1, x2, y2 = (float(v) for v in box)
    side = max(x2 - x1, y2 - y1) * CROP_SCALE
    cx, cy = (x1 + x2) / 2.0, (y1 + y2) / 2.0
    factor = INPUT_SIZE / max(side, 1.0)
    matrix = np.array([[factor, 0, INPUT_SIZE / 2 - cx * factor],
                       [0, factor, INPUT_SIZE / 2 - cy * factor]], np.float64)
    return cv2.warpAffine(image, matrix, (INPUT_SIZE, INPUT_SIZE),
                          flags=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


class BeautyNet(ModelWrapper):
    files = ("beauty_resnet50.onnx",)
    crop_of_box = staticmethod(prepare)

    def __init__(self, model_path, threads: int = 1):
        self.run = OnnxRegressor(model_path, threads)

    def predict(self, faces: np.ndarray) -> list[float]:
        """faces: [N, 224, 224, 3] uint8 RGB from `prepare` -> scores clipped to 1..5."""
        if len(faces) == 0:
            return []
        scores = np.asarray(self.run(imagenet_normalise(faces)), np.float64).reshape(len(faces))
        return [round(float(np.clip(s, 1.0, 5.0)), 3) for s in scores]
