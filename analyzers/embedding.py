"""Face recognition embedding with dlib's ResNet (128-d, metric learning).

dlib reports 99.38% on LFW with the rule "same person if the euclidean distance
between descriptors is below 0.6". That rule holds for the raw descriptors
(norms around 1.4), so `predict` returns them raw and `compare` applies it to
them; users get unit-normalised vectors (`normalise`), for which the same rule
is a cosine similarity above about 0.91.
"""

from __future__ import annotations

import dlib
import numpy as np

from analyzers.dlib_faces import load_shape_predictor, shape_in_crop

CHIP_SIZE = 150
CHIP_PADDING = 0.25
DLIB_THRESHOLD = 0.6


class DlibEmbedder:
    dimensions = 128

    def __init__(self, encoder_path: str, shape5_path: str):
        self.encoder = dlib.face_recognition_model_v1(str(encoder_path))
        self.shape5 = load_shape_predictor(shape5_path, 5)

    def predict(self, crops: np.ndarray) -> np.ndarray:
        """crops: [N, 256, 256, 3] uint8 RGB from square_crop -> [N, 128] float32 raw descriptors."""
        if len(crops) == 0:
            return np.zeros((0, self.dimensions), np.float32)
        chips = [
            dlib.get_face_chip(np.ascontiguousarray(crop), shape_in_crop(self.shape5, crop),
                               size=CHIP_SIZE, padding=CHIP_PADDING)
            for crop in crops
        ]
        return np.array(self.encoder.compute_face_descriptor(chips), dtype=np.float32)


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def compare(a: np.ndarray, b: np.ndarray, threshold: float = DLIB_THRESHOLD) -> dict:
    """Compare two raw descriptors: euclidean distance decides, cosine similarity is reported."""
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    if a.shape != b.shape:
        raise ValueError(f"embeddings of different sizes: {a.shape} vs {b.shape}")
    similarity = float(np.dot(normalise(a), normalise(b)))
    distance = float(np.linalg.norm(a - b))
    return {
        "similarity": similarity,
        "distance": distance,
        "threshold": float(threshold),
        "match": distance < threshold,
        "confidence": decision_confidence(distance, threshold),
    }


def decision_confidence(distance: float, threshold: float, spread: float = 0.06) -> float:
    """0-100: how far the distance sits from the threshold, on a logistic scale.

    50 at the threshold; `spread` is about the width of the overlap between
    same-person and different-person distances for dlib's model (its
    same-person pairs measured 0.33-0.43 here, different people 0.63-0.97).
    A heuristic for how clear-cut the decision is, not a calibrated probability.
    """
    margin = (threshold - distance) / spread
    sure = 1.0 / (1.0 + np.exp(-abs(margin)))
    return round(float(sure) * 100.0, 1)
