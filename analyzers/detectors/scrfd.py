"""Face detection with SCRFD (Guo et al. 2021; InsightFace buffalo_l det_10g.onnx).

Conventions (InsightFace model zoo): the image is letterboxed into a 640x640
canvas (scaled to fit, placed at the top-left, the rest black), fed RGB as
(x - 127.5) / 128, NCHW. The 9 outputs are, in order, the scores of strides 8,
16 and 32 ([K, 1] each, already sigmoid), their box distances ([K, 4]: left,
top, right, bottom from the anchor centre, in units of the stride) and their
5 key points ([K, 10]: x, y offsets from the centre, in units of the stride).
K = 2 anchors x (640 / stride)^2 cells; cells run row by row, the 2 anchors of
a cell are consecutive, and the centre of cell (row, col) is (col, row) x
stride. A leading batch axis of 1 ([1, K, 1]) is accepted too. Scores of 0.5
and above are kept, then NMS at IoU 0.4 (InsightFace's, in image pixels with
inclusive edges). tests/test_reference_insightface.py checks all of this
against insightface.model_zoo.SCRFD on the same file.

The answer is the same `Detection` list as analyzers/detectors/mtcnn.py (MTCNN), in
image pixels, so SCRFD can stand in for it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import cv2
import numpy as np

import settings
from analyzers.detectors.base import Detector, nms
from analyzers.detectors.detection import Detection
from analyzers.runtime.onnx_batch import OnnxModel

INPUT_SIZE = 640
STRIDES = (8, 16, 32)
ANCHORS_PER_CELL = 2
SCORE_THRESHOLD = 0.5
NMS_THRESHOLD = 0.4
MEAN, STD = 127.5, 128.0


def letterbox(image: np.ndarray, size: int = INPUT_SIZE) -> tuple[np.ndarray, float]:
    """HxWx3 uint8 -> (size x size x 3 canvas with the scaled image at its top-left, scale)."""
    height, width = image.shape[:2]
    # as insightface.model_zoo.SCRFD: the longer side fills the canvas, the other is
    # truncated (int, not round), and the scale is read back from the height
    # (tests/test_reference_insightface.py compares the two)
    if height / width > 1.0:
        new_h, new_w = size, max(1, int(size / (height / width)))
    else:
        new_w, new_h = size, max(1, int(size * (height / width)))
    canvas = np.zeros((size, size, 3), np.uint8)
    canvas[:new_h, :new_w] = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    return canvas, new_h / height


def to_input(canvas: np.ndarray) -> np.ndarray:
    """size x size x 3 uint8 RGB -> [1, 3, size, size] float32 (x - 127.5) / 128."""
    return ((canvas.astype(np.float32) - MEAN) / STD).transpose(2, 0, 1)[None]


def anchor_centres(size: int, stride: int) -> np.ndarray:
    """[cells * 2, 2] x, y of every anchor of one stride, in canvas pixels."""
    cells = size // stride
    rows, cols = np.mgrid[:cells, :cells]
    centres = np.stack([cols, rows], axis=-1).reshape(-1, 2).astype(np.float32) * stride
    return np.repeat(centres, ANCHORS_PER_CELL, axis=0)


def decode(outputs: list[np.ndarray], size: int = INPUT_SIZE,
           threshold: float = SCORE_THRESHOLD) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 9 raw outputs -> (boxes [M, 4], scores [M], key points [M, 5, 2]) in canvas
    pixels, every anchor above `threshold` (before NMS)."""
    if len(outputs) != 3 * len(STRIDES):
        raise ValueError(f"SCRFD gives {3 * len(STRIDES)} outputs, this model gave "
                         f"{len(outputs)}")
    levels = len(STRIDES)
    boxes, scores, points = [], [], []
    for level, stride in enumerate(STRIDES):
        score = np.asarray(outputs[level], np.float32).reshape(-1)
        distance = np.asarray(outputs[level + levels], np.float32).reshape(-1, 4) * stride
        offsets = np.asarray(outputs[level + 2 * levels], np.float32).reshape(-1, 10) * stride
        centres = anchor_centres(size, stride)
        if len(score) != len(centres):
            raise ValueError(f"stride {stride}: {len(score)} scores for {len(centres)} "
                             f"anchors of a {size}x{size} input")
        keep = np.flatnonzero(score >= threshold)  # InsightFace keeps a score equal to it
        centre = centres[keep]
        boxes.append(np.concatenate([centre - distance[keep, :2],
                                     centre + distance[keep, 2:]], axis=1))
        scores.append(score[keep])
        points.append(offsets[keep].reshape(-1, 5, 2) + centre[:, None, :])
    return np.concatenate(boxes), np.concatenate(scores), np.concatenate(points)


class SCRFDDetector(Detector):
    @classmethod
    def load(cls, folder: Path, threads: int = 1,
             environ: Mapping[str, str] = os.environ) -> "SCRFDDetector":
        # FACE_SCRFD_SIZE, the canvas side: its cost grows with its square
        # (docs/benchmarks.md, "2026-12-07 moved from code comments")
        return cls(folder / "det_10g.onnx", threads=threads,
                   size=int(settings.read("FACE_SCRFD_SIZE", environ)))

    def __init__(self, model_path: str | Path, *, threshold: float = SCORE_THRESHOLD,
                 nms_threshold: float = NMS_THRESHOLD, threads: int = 1,
                 size: int = INPUT_SIZE):
        """size: the canvas side for a file with a dynamic input (det_10g's is). The
        cost grows with its square: 640 finds faces down to about 10 px in a
        640-px image; 320 runs about 4 times faster and misses the smallest."""
        if size % 32 or not 128 <= size <= 1920:
            raise ValueError(f"the SCRFD input size must be a multiple of 32 from 128 to "
                             f"1920, not {size}")
        self.model = OnnxModel(model_path, threads=threads)
        self.threshold = float(threshold)
        self.nms_threshold = float(nms_threshold)
        fixed = self.model.input_shape[2:]
        # a file exported for another fixed size is run at that size
        self.size = fixed[0] if all(isinstance(d, int) for d in fixed) else int(size)

    def detect(self, image: np.ndarray) -> list[Detection]:
        """HxWx3 uint8 RGB -> faces, best score first, boxes clipped to the image."""
        canvas, scale = letterbox(image, self.size)
        outputs = self.model.run(to_input(canvas))
        boxes, scores, points = decode([o.reshape(-1, o.shape[-1]) for o in outputs],
                                       self.size, self.threshold)
        boxes, points = boxes / scale, points / scale
        # InsightFace's NMS runs on image pixels and counts a box's edges as pixels
        # (width x2 - x1 + 1): growing the far edges by one pixel gives the shared nms
        # the same overlaps
        kept = nms(boxes + np.array([0, 0, 1, 1], np.float32), scores, self.nms_threshold)
        height, width = image.shape[:2]
        found = []
        for index in kept:
            box = boxes[index]
            box = np.clip(box, 0, [width, height, width, height]).astype(np.float32)
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            found.append(Detection(box=box, score=float(scores[index]),
                                   keypoints=points[index].astype(np.float32)))
        return found
