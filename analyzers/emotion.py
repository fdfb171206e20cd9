"""Facial expression with fer's mini-Xception (FER2013, 7 classes), TFLite build.

The model saw 64x64 grayscale faces cut from a Haar-cascade box widened by a
few pixels, scaled to [-1, 1]; `prepare` reproduces that framing from any
detector box.
"""

from __future__ import annotations

import cv2
import numpy as np

from analyzers.litert import BatchedInterpreter
from analyzers.model_wrapper import ModelWrapper

INPUT_SIZE = 64
LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
# Haar boxes are square and tighter than MTCNN's, which reach down to the chin:
# a square of the box width, shifted up a little, frames the face the same way.
BOX_SCALE = 1.15


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


class Emotion(ModelWrapper):
    labels = LABELS

    files = ("emotion_model_quantized.tflite",)
    crop_of_box = staticmethod(prepare)

    def __init__(self, model_path, threads: int = 1):
        self.run = BatchedInterpreter(model_path, threads)

    def predict(self, faces: np.ndarray) -> list[dict]:
        """faces: [N, 64, 64] uint8 grayscale from `prepare`."""
        if len(faces) == 0:
            return []
        batch = (np.asarray(faces, np.float32)[..., None] / 255.0 - 0.5) * 2.0
        probabilities = self.run(batch)
        results = []
        for row in probabilities:
            best = int(np.argmax(row))
            results.append({
                "dominant": LABELS[best],
                "confidence": round(float(row[best]), 4),
                "scores": {label: round(float(p), 4) for label, p in zip(LABELS, row)},
            })
        return results
