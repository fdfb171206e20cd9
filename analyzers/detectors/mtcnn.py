"""Face detection with MTCNN (Zhang et al. 2016) on onnxruntime.

The three networks come from models/convert_mtcnn.py. Everything around them
(image pyramid, candidate generation, NMS, box regression, cropping) is done
here in numpy, so the service needs neither torch nor a GPU.

Coordinates are continuous (analyzers/detectors/detection.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import cv2
import numpy as np

import settings
from analyzers.detectors.base import MAX_SIDE, Detector, check_image, nms, shrunk
from analyzers.detectors.detection import Detection

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


def detections(boxes: np.ndarray, scores, points: np.ndarray, work_shape,
               shape) -> list[Detection]:
    """MTCNN's stage output on `work` (boxes with MATLAB's inclusive 1-based corners,
    points continuous: placed from the box's left edge x1 - 1) as Detections in the
    continuous coordinates of an image of `shape`, clipped to it, largest first; a box
    left with no area is dropped."""
    height, width = shape[:2]
    fx, fy = work_shape[1] / width, work_shape[0] / height
    boxes = (np.asarray(boxes, np.float64) - (1, 1, 0, 0)) / (fx, fy, fx, fy)
    points = np.asarray(points, np.float64) / (fx, fy)
    boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
    boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return [Detection(box=boxes[i].astype(np.float32), score=float(scores[i]),
                      keypoints=points[i].astype(np.float32))
            for i in np.argsort(-areas, kind="stable") if areas[i] > 0]


class MTCNNDetector(Detector):
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

        from analyzers.runtime.onnx_session import cpu_session

        self._pnet = cpu_session(pnet_path, intra_op_threads)
        self._rnet = cpu_session(rnet_path, intra_op_threads)
        self._onet = cpu_session(onet_path, intra_op_threads)

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Faces in an HxWx3 uint8 RGB image, largest box first."""
        if not check_image(image):
            return []
        work = shrunk(image, self.max_side)
        # never ask the pyramid to enlarge the shrunk image: that would undo the saving
        shrink = min(1.0, self.max_side / max(image.shape[:2]))
        min_face = self.min_face_size if shrink == 1.0 else \
            max(self.min_face_size * shrink, min(self.min_face_size, PNET_CELL))
        boxes, scores, landmarks = self._detect(work, min_face)
        if len(boxes) == 0:
            return []
        return detections(boxes, scores, landmarks, work.shape, image.shape)

    # -- the three stages ---------------------------------------------------
    #
    # The arithmetic is facenet-pytorch's detect_face (itself the original MATLAB
    # code's), step for step, in float32 as it runs there: tests/test_reference_mtcnn.py
    # feeds the same photos to both. Inside, a box keeps MATLAB's convention (corners
    # are 1-based pixel indices, both included, so a width is x2 - x1 + 1); `detect`
    # turns it into continuous coordinates at the end. Why not the paper's own
    # description: docs/accuracy.md, "2026-12-07 moved from code comments".

    def _detect(self, image: np.ndarray, min_face: float):
        empty = (np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2)))
        levels = AreaResizer(image)
        boxes = self._stage_pnet(levels, min_face)
        if len(boxes) == 0:
            return empty
        boxes = self._stage_rnet(levels, boxes)
        if len(boxes) == 0:
            return empty
        return self._stage_onet(levels, boxes)

    def _pyramid(self, height: int, width: int, min_face: float) -> list[float]:
        # Scale so that a face of min_face pixels fills the P-Net's 12 px
        # window, then keep shrinking until the image is smaller than it
        # (the side shrinks by the same float products as the scale, as in facenet).
        scale = PNET_CELL / min_face
        side = min(height, width) * scale
        scales = []
        while side >= PNET_CELL:
            scales.append(scale)
            scale *= self.scale_factor
            side *= self.scale_factor
        return scales

    def _stage_pnet(self, levels: AreaResizer, min_face: float) -> np.ndarray:
        height, width = levels.height, levels.width
        threshold = self.thresholds[0]
        found = []
        for scale in self._pyramid(height, width, min_face):
            level = levels.resize(0, 0, height, width,
                                  int(height * scale + 1), int(width * scale + 1))
            prob, reg = self._pnet.run(None, {"input": _to_input(level[None])})
            rows, cols = np.nonzero(prob[0, 1] >= threshold)
            if len(rows) == 0:
                continue
            # each score cell looks at a 12x12 window (1-based pixels 2c + 1 .. 2c + 12
            # of the level), mapped back to whole pixels of the image
            corner = np.stack([cols, rows], axis=1).astype(np.float32) * PNET_STRIDE
            scale32 = np.float32(scale)
            first = np.floor((corner + 1) / scale32)
            last = np.floor((corner + PNET_CELL) / scale32)
            candidates = np.concatenate([first, last], axis=1)
            score = prob[0, 1, rows, cols]
            offsets = reg[0][:, rows, cols].T
            keep = nms(candidates, score, NMS_PER_SCALE)
            found.append((candidates[keep], score[keep], offsets[keep]))
        if not found:
            return np.zeros((0, 4), np.float32)
        boxes = np.concatenate([f[0] for f in found])
        scores = np.concatenate([f[1] for f in found])
        offsets = np.concatenate([f[2] for f in found])
        keep = nms(boxes, scores, NMS_ACROSS_SCALES)
        # this first regression alone scales by x2 - x1, without the + 1
        boxes = apply_regression(boxes[keep], offsets[keep], inclusive=False)
        return square(boxes)

    def _stage_rnet(self, levels: AreaResizer, boxes: np.ndarray) -> np.ndarray:
        boxes, crops = crop_boxes(levels, boxes, 24)
        if len(boxes) == 0:
            return boxes
        prob, reg = self._rnet.run(None, {"input": _to_input(crops)})
        keep = prob[:, 1] > self.thresholds[1]
        boxes, scores, reg = boxes[keep], prob[keep, 1], reg[keep]
        keep = nms(boxes, scores, NMS_RNET)
        return square(apply_regression(boxes[keep], reg[keep]))

    def _stage_onet(self, levels: AreaResizer, boxes: np.ndarray, threshold: float | None = None):
        """threshold: the least O-Net score kept (None: this detector's own)."""
        boxes, crops = crop_boxes(levels, boxes, 48)
        if len(boxes) == 0:
            return np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2))
        prob, reg, marks = self._onet.run(None, {"input": _to_input(crops)})
        keep = prob[:, 1] > (self.thresholds[2] if threshold is None else threshold)
        boxes, scores, reg, marks = boxes[keep], prob[keep, 1], reg[keep], marks[keep]
        # Landmarks are predicted relative to the box the O-Net saw, so they
        # are placed before that box is regressed: first five x, then five y.
        # (x1 - 1 and x2 - x1 + 1 are the box's continuous left edge and width.)
        size = (boxes[:, 2:4] - boxes[:, 0:2] + 1)[:, None, :]
        landmarks = size * np.stack([marks[:, :5], marks[:, 5:]], axis=2) \
            + boxes[:, None, 0:2] - 1
        boxes = apply_regression(boxes, reg)
        # 'min' overlap drops a small box inside a bigger one, which the union
        # overlap would keep (e.g. a box around just the eyes and nose).
        keep = nms_min_inclusive(boxes, scores, NMS_ONET)
        return boxes[keep], scores[keep], landmarks[keep]


# -- numpy helpers -----------------------------------------------------------

def _to_input(batch: np.ndarray) -> np.ndarray:
    """NHWC float32 RGB levels -> NCHW float32 normalised as the networks were trained."""
    return ((batch - np.float32(127.5)) * np.float32(0.0078125)).transpose(0, 3, 1, 2).copy()


class AreaResizer:
    """Any rectangle of one image shrunk or enlarged by area averaging, as torch's
    interpolate(mode="area") (adaptive average pooling) does it, which is what
    facenet-pytorch resizes the pyramid levels and the R/O-Net crops with: output
    pixel i averages input pixels floor(i * n / m) .. ceil((i + 1) * n / m) - 1,
    in float, not rounded back to uint8. One summed-area table of the image serves
    every level and crop; its integer sums are exact, so each average is rounded
    once, to float32, as there."""

    def __init__(self, image: np.ndarray) -> None:
        self.image = image
        self.height, self.width = image.shape[:2]
        self.depth = cv2.CV_32S if self.height * self.width * 255 < 2 ** 31 else cv2.CV_64F
        self.channels = image.shape[2] if image.ndim == 3 else 1
        # the table sums only the window the rectangles asked for so far (rows top ..
        # bottom - 1, columns left .. right - 1): the O-Net's crops of a large photo
        # cover a small part of it, and the whole-image table cost more than the O-Net
        self.table, self.window = None, (0, 0, 0, 0)

    def _table(self, r0: np.ndarray, r1: np.ndarray, c0: np.ndarray, c1: np.ndarray):
        """The table covering these bins (grown to the union with the window so far) and
        its offsets: differences of its sums are those of the whole image's table."""
        top, bottom, left, right = self.window
        wanted = (int(r0.min()), int(r1.max()), int(c0.min()), int(c1.max()))
        if self.table is None or wanted[0] < top or wanted[1] > bottom \
                or wanted[2] < left or wanted[3] > right:
            if self.table is not None:
                wanted = (min(top, wanted[0]), max(bottom, wanted[1]),
                          min(left, wanted[2]), max(right, wanted[3]))
            top, bottom, left, right = self.window = wanted
            table = cv2.integral(np.ascontiguousarray(self.image[top:bottom, left:right]),
                                 sdepth=self.depth)
            self.table = table[:, :, None] if table.ndim == 2 else table
        return self.table, top, left

    def resize(self, top: int, left: int, height: int, width: int,
               out_height: int, out_width: int) -> np.ndarray:
        """One rectangle (rows top .. top + height - 1, likewise columns) as an
        out_height x out_width float32 image."""
        r0, r1 = (b[0] for b in self._bins(np.array([top]), np.array([height]), out_height))
        c0, c1 = (b[0] for b in self._bins(np.array([left]), np.array([width]), out_width))
        table, row, column = self._table(r0, r1, c0, c1)
        r0, r1, c0, c1 = r0 - row, r1 - row, c0 - column, c1 - column
        # whole rows first (contiguous copies), then the columns of their difference
        rows = table[r1] - table[r0]
        total = rows[:, c1] - rows[:, c0]
        count = (r1 - r0)[:, None] * (c1 - c0)[None, :]
        return total.astype(np.float32) / count[..., None].astype(np.float32)

    def squares(self, tops, lefts, heights, widths, size: int) -> np.ndarray:
        """Several rectangles at once, each as a size x size float32 image."""
        rows = self._bins(np.asarray(tops), np.asarray(heights), size)
        cols = self._bins(np.asarray(lefts), np.asarray(widths), size)
        if len(rows[0]) > 1 and not self._covers(rows, cols):
            union = (rows[1].max() - rows[0].min()) * (cols[1].max() - cols[0].min())
            if 2 * int(np.sum(np.asarray(heights) * np.asarray(widths))) < union:
                # faces far apart (a group photo): a table per rectangle sums fewer pixels
                return np.concatenate([
                    self._average((rows[0][i:i + 1], rows[1][i:i + 1]),
                                  (cols[0][i:i + 1], cols[1][i:i + 1]), keep=False)
                    for i in range(len(rows[0]))])
        return self._average(rows, cols)

    def _covers(self, rows, cols) -> bool:
        top, bottom, left, right = self.window
        return self.table is not None and rows[0].min() >= top and rows[1].max() <= bottom \
            and cols[0].min() >= left and cols[1].max() <= right

    @staticmethod
    def _bins(starts: np.ndarray, lengths: np.ndarray, out: int):
        i = np.arange(out)
        first = starts[:, None] + i * lengths[:, None] // out
        end = starts[:, None] - (-(i + 1) * lengths[:, None] // out)
        return first, end

    def _average(self, rows, cols, keep: bool = True) -> np.ndarray:
        """keep: build the table into the window kept for later calls (else one of
        these bins alone, thrown away)."""
        (r0, r1), (c0, c1) = rows, cols
        if not r0.size:
            return np.zeros((len(r0), r0.shape[1], c0.shape[1], self.channels), np.float32)
        if keep:
            t, row, column = self._table(r0, r1, c0, c1)
        else:
            row, column = int(r0.min()), int(c0.min())
            t = cv2.integral(np.ascontiguousarray(
                self.image[row:int(r1.max()), column:int(c1.max())]), sdepth=self.depth)
            t = t[:, :, None] if t.ndim == 2 else t
        r0, r1, c0, c1 = r0 - row, r1 - row, c0 - column, c1 - column
        r0, r1 = r0[:, :, None], r1[:, :, None]
        c0, c1 = c0[:, None, :], c1[:, None, :]
        total = (t[r1, c1] - t[r0, c1]) - (t[r1, c0] - t[r0, c0])
        count = (r1 - r0) * (c1 - c0)
        return total.astype(np.float32) / count[..., None].astype(np.float32)


def nms_min_inclusive(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """The O-Net's last suppression as facenet-pytorch (and the MATLAB code) does it:
    overlap over the smaller box, sides counted with + 1, the best score taken from
    the end of numpy's default argsort (so equal scores go as they go there)."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(scores)
    keep = []
    while len(order):
        best, rest = order[-1], order[:-1]
        keep.append(best)
        iw = np.maximum(0.0, np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest]) + 1)
        ih = np.maximum(0.0, np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest]) + 1)
        overlap = iw * ih / np.minimum(areas[best], areas[rest])
        order = rest[overlap <= threshold]
    return np.asarray(keep, dtype=np.int64)


def apply_regression(boxes: np.ndarray, offsets: np.ndarray, inclusive: bool = True) -> np.ndarray:
    """Shift each edge by its predicted offset, in units of the box's size (in whole
    pixels, x2 - x1 + 1, except after the P-Net)."""
    size = boxes[:, 2:4] - boxes[:, 0:2]
    if inclusive:
        size = size + 1
    return (boxes + offsets.astype(np.float32) * np.tile(size, 2)).astype(np.float32)


def square(boxes: np.ndarray) -> np.ndarray:
    """Grow each box to a square around the same centre: the nets expect square crops."""
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    x1 = boxes[:, 0] + w * np.float32(0.5) - side * np.float32(0.5)
    y1 = boxes[:, 1] + h * np.float32(0.5) - side * np.float32(0.5)
    return np.stack([x1, y1, x1 + side, y1 + side], axis=1).astype(np.float32)


def crop_boxes(levels: AreaResizer, boxes: np.ndarray, size: int):
    """(the boxes that have pixels in the image, their crops area-resized to size x
    size). As in facenet-pytorch, a box is truncated to whole pixels and cut at the
    image's edges, so a border box's crop is stretched, not padded. A box wholly
    outside is dropped (facenet would drop its crop but keep the box, shifting every
    later box's scores onto the wrong crop)."""
    corners = np.trunc(boxes).astype(np.int64)
    x1, y1 = np.maximum(corners[:, 0], 1), np.maximum(corners[:, 1], 1)
    x2, y2 = np.minimum(corners[:, 2], levels.width), np.minimum(corners[:, 3], levels.height)
    inside = (x2 > x1 - 1) & (y2 > y1 - 1)
    x1, y1, x2, y2 = x1[inside], y1[inside], x2[inside], y2[inside]
    crops = levels.squares(y1 - 1, x1 - 1, y2 - y1 + 1, x2 - x1 + 1, size)
    return boxes[inside], crops
