"""The class every face detector derives from, and what they share."""

from __future__ import annotations

from abc import ABC, abstractmethod

import cv2
import numpy as np

from analyzers.detectors.detection import Detection
from analyzers.runtime.model_wrapper import ModelWrapper

# Larger photos are shrunk to this many pixels a side before detection.
MAX_SIDE = 1600


class Detector(ModelWrapper, ABC):
    """Whole images in; per image, the faces found (what every face detector's model
    service answers, so any of them serves)."""

    @abstractmethod
    def detect(self, image: np.ndarray) -> list[Detection]:
        """Faces in an HxWx3 uint8 RGB image."""

    def run_batch(self, images) -> list[list[dict]]:
        return [[d.answer() for d in self.detect(image)] for image in images]


def check_image(image: np.ndarray) -> bool:
    """ValueError unless an HxWx3 uint8 RGB image; False when it has no pixels."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 uint8 RGB image, got {image.shape} {image.dtype}")
    return image.shape[0] > 0 and image.shape[1] > 0


def shrunk(image: np.ndarray, max_side: int) -> np.ndarray:
    """The image area-shrunk to at most max_side a side (itself when it fits): a
    detector's cost grows with the pixel count, and faces too small to find after
    shrinking are rarely wanted."""
    height, width = image.shape[:2]
    shrink = min(1.0, max_side / max(height, width))
    if shrink == 1.0:
        return np.ascontiguousarray(image)
    return cv2.resize(image, (max(1, round(width * shrink)), max(1, round(height * shrink))),
                      interpolation=cv2.INTER_AREA)


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, mode: str = "union") -> np.ndarray:
    """Indices kept by greedy non-maximum suppression, best score first (ties in
    input order, as torchvision's nms)."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while len(order):
        best, rest = order[0], order[1:]
        keep.append(best)
        iw = (np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest])).clip(0)
        ih = (np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest])).clip(0)
        inter = iw * ih
        if mode == "min":
            overlap = inter / np.minimum(areas[best], areas[rest])
        else:
            overlap = inter / (areas[best] + areas[rest] - inter)
        order = rest[overlap <= threshold]
    return np.asarray(keep, dtype=np.int64)
