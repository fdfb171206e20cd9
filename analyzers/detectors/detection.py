"""What every face detector answers: one `Detection` per face.

Coordinates are continuous pixel coordinates: a box [x1, y1, x2, y2] covers
x1 <= x < x2, so its width is x2 - x1 and pixel (i, j) spans [j, j + 1).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)  # eq=False: numpy arrays have no single truth value
class Detection:
    box: np.ndarray  # (4,): x1, y1, x2, y2 in pixels, clipped to the image
    score: float  # the detector's face probability
    # (5, 2) x, y: eye on the image's left, eye on the image's right,
    # nose tip, mouth corner on the image's left, mouth corner on the image's right
    keypoints: np.ndarray

    def answer(self) -> dict:
        """The record a detector's model service answers (BentoML serialises dicts)."""
        return {"box": self.box, "score": float(self.score), "keypoints": self.keypoints}

    @classmethod
    def from_answer(cls, record: Mapping) -> Detection:
        return cls(box=np.asarray(record["box"]), score=float(record["score"]),
                   keypoints=np.asarray(record["keypoints"]))

    def scaled(self, fx: float, fy: float) -> Detection:
        """The same face in the pixels of an image fx, fy times larger."""
        return dataclasses.replace(
            self, box=np.asarray(self.box, np.float64) * (fx, fy, fx, fy),
            keypoints=np.asarray(self.keypoints, np.float64) * (fx, fy))
