"""Face recognition with ArcFace (Deng et al. 2019; InsightFace buffalo_l w600k_r50.onnx).

Conventions (InsightFace model zoo): the face is warped by the similarity
transform (rotation, uniform scale, shift; least squares, Umeyama 1991) that
takes the detector's 5 key points (eye, eye, nose, mouth corner, mouth corner,
in the order of analyzers/detectors/mtcnn.py) onto the standard 112x112 ArcFace
template below; fed RGB as (x - 127.5) / 127.5, NCHW; one 512-d vector per
face, unit-normalised here.

Same person: cosine similarity of the unit vectors above COSINE_THRESHOLD.
0.28 is the operating point commonly used with buffalo_l's recogniser; it was
not calibrated here (no real weights or verification set offline), so
treat it as a starting point to calibrate on your own pairs.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_batch import OnnxModel

SIZE = 112
# where the 5 points sit in a 112x112 aligned face
TEMPLATE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                     [41.5493, 92.3655], [70.7299, 92.2041]], np.float64)
COSINE_THRESHOLD = 0.28
DIMENSIONS = 512


def similarity_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 2x3 similarity (no shear, no reflection) that best maps `source` points
    onto `target` points in the least-squares sense (Umeyama's closed form)."""
    source, target = np.asarray(source, np.float64), np.asarray(target, np.float64)
    mean_s, mean_t = source.mean(axis=0), target.mean(axis=0)
    centred_s, centred_t = source - mean_s, target - mean_t
    covariance = centred_t.T @ centred_s / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1
    rotation = u @ sign @ vt
    variance = (centred_s ** 2).sum() / len(source)
    scale = (singular * np.diag(sign)).sum() / variance if variance > 0 else 1.0
    shift = mean_t - scale * rotation @ mean_s
    return np.hstack([scale * rotation, shift[:, None]])


def align(image: np.ndarray, keypoints) -> np.ndarray:
    """HxWx3 uint8 image + the detector's 5 points -> 112x112x3 aligned face."""
    matrix = similarity_transform(np.asarray(keypoints, np.float64).reshape(5, 2), TEMPLATE)
    return cv2.warpAffine(image, matrix, (SIZE, SIZE), flags=cv2.INTER_LINEAR,
                          borderValue=0.0)


def to_input(faces: np.ndarray) -> np.ndarray:
    """[N, 112, 112, 3] uint8 RGB -> [N, 3, 112, 112] float32 (x - 127.5) / 127.5."""
    return ((np.asarray(faces, np.float32) - 127.5) / 127.5).transpose(0, 3, 1, 2)


class ArcFace(ModelWrapper):
    dimensions = DIMENSIONS

    files = ("w600k_r50.onnx",)

    @staticmethod
    def prepare_face(image, face, source=None):
        """The 112x112 face aligned on its 5 points (the embedding is of the chip)."""
        return align(image, face.keypoints), None

    def __init__(self, model_path: str | Path, threads: int = 1):
        self.model = OnnxModel(model_path, threads=threads)

    def predict(self, faces: np.ndarray) -> np.ndarray:
        """[N, 112, 112, 3] uint8 RGB aligned faces -> [N, 512] float32 unit vectors."""
        if len(faces) == 0:
            return np.zeros((0, self.dimensions), np.float32)
        vectors = np.asarray(self.model.run(to_input(faces))[0], np.float32)
        vectors = vectors.reshape(len(faces), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def cosine(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))
