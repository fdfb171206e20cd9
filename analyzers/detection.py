"""Face detection with MTCNN (Zhang et al. 2016) on onnxruntime.

The three networks come from models/convert_mtcnn.py. Everything around them
(image pyramid, candidate generation, NMS, box regression, cropping) is done
here in numpy, so the service needs neither torch nor a GPU.

Coordinates are continuous pixel coordinates: a box [x1, y1, x2, y2] covers
x1 <= x < x2, so its width is x2 - x1 and pixel (i, j) spans [j, j + 1).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

import settings
from analyzers.model_wrapper import ModelWrapper

# The P-Net is a 12x12 window classifier applied convolutionally; its score
# map has one cell per 2 input pixels.
PNET_CELL = 12
PNET_STRIDE = 2

# Overlap limits of the original pipeline: loose within one pyramid level,
# stricter once candidates from all levels are pooled.
NMS_PER_SCALE = 0.5
NMS_ACROSS_SCALES = 0.7
NMS_RNET = 0.7
NMS_ONET = 0.7
# Larger photos are shrunk to this many pixels a side before the pyramid.
MAX_SIDE = 1600


@dataclass
class Detection:
    box: np.ndarray  # float32 (4,): x1, y1, x2, y2 in pixels, clipped to the image
    score: float  # O-Net face probability
    # float32 (5, 2) x, y: eye on the image's left, eye on the image's right,
    # nose tip, mouth corner on the image's left, mouth corner on the image's right
    keypoints: np.ndarray


class FaceDetector(ModelWrapper):
    """Whole images in; per image, faces as {"box", "score", "keypoints"} (what every
    face detector's model service answers, so any of them serves)."""

    def detect(self, image: np.ndarray) -> list[Detection]:
        raise NotImplementedError

    def run_batch(self, images) -> list[list[dict]]:
        return [[{"box": d.box, "score": float(d.score), "keypoints": d.keypoints}
                 for d in self.detect(image)] for image in images]


class MTCNNDetector(FaceDetector):
    @classmethod
    def load(cls, folder: Path, threads: int = 1,
             environ: Mapping[str, str] = os.environ) -> "MTCNNDetector":
        # Smallest face looked for, in pixels: every halving of it costs about twice
        # the detector time (the image pyramid grows).
        min_face = float(settings.read("FACE_MIN_FACE_SIZE", environ))
        return cls(folder / "pnet.onnx", folder / "rnet.onnx", folder / "onet.onnx",
                   min_face_size=min_face, intra_op_threads=threads)

    def __init__(
        self,
        pnet_path: str | Path,
        rnet_path: str | Path,
        onet_path: str | Path,
        *,
        min_face_size: float = 20,
        thresholds: tuple[float, float, float] = (0.7, 0.7, 0.7),
        scale_factor: float = 0.709,
        max_side: int = MAX_SIDE,
        intra_op_threads: int = 1,
    ) -> None:
        if not 0.0 < scale_factor < 1.0:
            raise ValueError("scale_factor must be between 0 and 1")
        if min_face_size <= 0 or max_side < PNET_CELL:
            raise ValueError("min_face_size must be positive and max_side at least 12")
        self.min_face_size = float(min_face_size)
        self.thresholds = tuple(float(t) for t in thresholds)
        self.scale_factor = float(scale_factor)
        self.max_side = int(max_side)

        import onnxruntime as ort  # only the detector's process loads the runtime

        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL

        def session(path):
            return ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )

        self._pnet = session(pnet_path)
        self._rnet = session(rnet_path)
        self._onet = session(onet_path)

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Faces in an HxWx3 uint8 RGB image, largest box first."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an HxWx3 uint8 RGB image, got {image.shape} {image.dtype}")
        height, width = image.shape[:2]
        if height == 0 or width == 0:
            return []

        # Huge photos are shrunk first: the P-Net cost grows with the pixel
        # count, and faces too small to find after shrinking are rarely wanted.
        shrink = min(1.0, self.max_side / max(height, width))
        min_face = self.min_face_size
        if shrink < 1.0:
            work_w = max(1, round(width * shrink))
            work_h = max(1, round(height * shrink))
            work = cv2.resize(image, (work_w, work_h), interpolation=cv2.INTER_AREA)
            # Never ask the pyramid to enlarge the shrunk image: that would
            # undo the saving.
            min_face = max(min_face * shrink, min(min_face, PNET_CELL))
        else:
            work = np.ascontiguousarray(image)
        fx, fy = work.shape[1] / width, work.shape[0] / height

        boxes, scores, landmarks = self._detect(work, min_face)
        if len(boxes) == 0:
            return []

        boxes = boxes / (fx, fy, fx, fy)
        landmarks = landmarks / (fx, fy)
        boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
        boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        order = np.argsort(-areas, kind="stable")
        return [
            Detection(
                box=boxes[i].astype(np.float32),
                score=float(scores[i]),
                keypoints=landmarks[i].astype(np.float32),
            )
            for i in order
        ]

    # -- the three stages ---------------------------------------------------

    def _detect(self, image: np.ndarray, min_face: float):
        empty = (np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2)))
        boxes = self._stage_pnet(image, min_face)
        if len(boxes) == 0:
            return empty
        boxes = self._stage_rnet(image, boxes)
        if len(boxes) == 0:
            return empty
        return self._stage_onet(image, boxes)

    def _pyramid(self, height: int, width: int, min_face: float) -> list[float]:
        # Scale so that a face of min_face pixels fills the P-Net's 12 px
        # window, then keep shrinking until the image is smaller than it.
        first = PNET_CELL / min_face
        scales = []
        scale = first
        while min(height, width) * scale >= PNET_CELL:
            scales.append(scale)
            scale *= self.scale_factor
        return scales

    def _stage_pnet(self, image: np.ndarray, min_face: float) -> np.ndarray:
        height, width = image.shape[:2]
        threshold = self.thresholds[0]
        found = []
        base = None
        for scale in self._pyramid(height, width, min_face):
            scaled_w = math.ceil(width * scale)
            scaled_h = math.ceil(height * scale)
            # The first (largest) level is shrunk from the full image; the
            # others from that first level, which is already small: resizing
            # the full photo for every level was half the detector's time.
            # (Chaining each level from the previous one instead blurs more
            # and shifted a borderline 0.70 false positive on obama.jpg.)
            if base is None:
                base = cv2.resize(image, (scaled_w, scaled_h), interpolation=cv2.INTER_AREA)
                scaled = base
            else:
                scaled = cv2.resize(base, (scaled_w, scaled_h), interpolation=cv2.INTER_AREA)
            prob, reg = self._pnet.run(None, {"input": _to_input(scaled[None])})
            rows, cols = np.nonzero(prob[0, 1] >= threshold)
            if len(rows) == 0:
                continue
            # Each score cell looks at a 12x12 window of the scaled image;
            # map that window back with the rounded per-axis scale.
            sx, sy = scaled_w / width, scaled_h / height
            x1 = cols * PNET_STRIDE
            y1 = rows * PNET_STRIDE
            candidates = np.stack(
                [x1 / sx, y1 / sy, (x1 + PNET_CELL) / sx, (y1 + PNET_CELL) / sy], axis=1
            )
            score = prob[0, 1, rows, cols]
            offsets = reg[0][:, rows, cols].T
            keep = nms(candidates, score, NMS_PER_SCALE)
            found.append((candidates[keep], score[keep], offsets[keep]))
        if not found:
            return np.zeros((0, 4))
        boxes = np.concatenate([f[0] for f in found])
        scores = np.concatenate([f[1] for f in found])
        offsets = np.concatenate([f[2] for f in found])
        keep = nms(boxes, scores, NMS_ACROSS_SCALES)
        boxes = apply_regression(boxes[keep], offsets[keep])
        return square(_valid(boxes))

    def _stage_rnet(self, image: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        prob, reg = self._rnet.run(None, {"input": _to_input(crop_boxes(image, boxes, 24))})
        keep = prob[:, 1] > self.thresholds[1]
        boxes, scores, reg = boxes[keep], prob[keep, 1], reg[keep]
        keep = nms(boxes, scores, NMS_RNET)
        boxes = apply_regression(boxes[keep], reg[keep])
        return square(_valid(boxes))

    def _stage_onet(self, image: np.ndarray, boxes: np.ndarray):
        prob, reg, marks = self._onet.run(None, {"input": _to_input(crop_boxes(image, boxes, 48))})
        keep = prob[:, 1] > self.thresholds[2]
        boxes, scores, reg, marks = boxes[keep], prob[keep, 1], reg[keep], marks[keep]
        # Landmarks are predicted relative to the box the O-Net saw, so they
        # are placed before that box is regressed: first five x, then five y.
        size = (boxes[:, 2:4] - boxes[:, 0:2])[:, None, :]
        landmarks = boxes[:, None, 0:2] + np.stack([marks[:, :5], marks[:, 5:]], axis=2) * size
        boxes = apply_regression(boxes, reg)
        # 'min' overlap drops a small box inside a bigger one, which the union
        # overlap would keep (e.g. a box around just the eyes and nose).
        keep = nms(boxes, scores, NMS_ONET, mode="min")
        return boxes[keep], scores[keep], landmarks[keep]


# -- numpy helpers -----------------------------------------------------------

def _to_input(batch: np.ndarray) -> np.ndarray:
    """NHWC uint8 RGB -> NCHW float32 normalised as the networks were trained."""
    return ((batch.astype(np.float32) - 127.5) * (1.0 / 128.0)).transpose(0, 3, 1, 2).copy()


def _valid(boxes: np.ndarray) -> np.ndarray:
    # A regression can turn a box inside out; such a box has no crop.
    return boxes[(boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])]


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, mode: str = "union") -> np.ndarray:
    """Indices kept by greedy non-maximum suppression, best score first."""
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


def apply_regression(boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Shift each edge by its predicted offset, in units of the box's size."""
    size = np.tile(boxes[:, 2:4] - boxes[:, 0:2], 2)
    return boxes + offsets.astype(np.float64) * size


def square(boxes: np.ndarray) -> np.ndarray:
    """Grow each box to a square around the same centre: the nets expect square crops."""
    side = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    centre = (boxes[:, 0:2] + boxes[:, 2:4]) / 2
    half = side[:, None] / 2
    return np.concatenate([centre - half, centre + half], axis=1)


def crop_boxes(image: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """Crop each box resized to size x size; parts outside the image stay black."""
    height, width = image.shape[:2]
    crops = np.zeros((len(boxes), size, size, 3), dtype=np.uint8)
    corners = np.round(boxes).astype(np.int64)
    for i, (x1, y1, x2, y2) in enumerate(corners):
        x2, y2 = max(x2, x1 + 1), max(y2, y1 + 1)
        patch = np.zeros((y2 - y1, x2 - x1, 3), dtype=np.uint8)
        sx1, sy1, sx2, sy2 = max(x1, 0), max(y1, 0), min(x2, width), min(y2, height)
        if sx2 > sx1 and sy2 > sy1:
            patch[sy1 - y1:sy2 - y1, sx1 - x1:sx2 - x1] = image[sy1:sy2, sx1:sx2]
        crops[i] = cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)
    return crops
