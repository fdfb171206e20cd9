"""106 2-D face landmarks with InsightFace's 2d106det (buffalo_l 2d106det.onnx).

Conventions (InsightFace model zoo): a 192x192 square crop of side 1.5 x the
longer side of the detector box, centred on the box (crops.square_crop with
its default 1.5 context); fed RGB 0..255 as float32 NCHW without scaling (the
graph normalises itself); output 212 values = 106 (x, y) pairs in [-1, 1]
over the crop, so pixel = (v + 1) * 96 in the crop, then mapped back to the
image with the crop's affine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.runtime import crops
from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_batch import OnnxModel

SIZE = 192
POINTS = 106


def prepare(image: np.ndarray, box) -> tuple[np.ndarray, np.ndarray]:
    """-> (192x192x3 uint8 crop, the 2x3 affine from crop pixels to image pixels)."""
    return crops.square_crop(image, box, SIZE, scale=1.5)


def to_pixels(raw: np.ndarray, size: int = SIZE) -> np.ndarray:
    """[N, 212] in [-1, 1] -> [N, 106, 2] crop pixels."""
    return (np.asarray(raw, np.float32).reshape(len(raw), POINTS, 2) + 1.0) * (size / 2.0)


class Landmarks106(ModelWrapper):
    files = ("2d106det.onnx",)

    @staticmethod
    def prepare_face(image, face, source=None):
        return prepare(image, face.box)  # the points come back in crop pixels

    def __init__(self, model_path: str | Path, threads: int = 1):
        self.model = OnnxModel(model_path, threads=threads)

    def predict(self, faces: np.ndarray) -> np.ndarray:
        """[N, 192, 192, 3] uint8 RGB crops -> [N, 106, 2] float32 crop pixels."""
        if len(faces) == 0:
            return np.zeros((0, POINTS, 2), np.float32)
        batch = np.asarray(faces, np.float32).transpose(0, 3, 1, 2)
        return to_pixels(self.model.run(batch)[0].reshape(len(faces), -1))
