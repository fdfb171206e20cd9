"""BlazeFace-family face detectors (MediaPipe's full- and short-range models and
@vladmandic/human's BlazeFace back / front), and the cascade that serves two of them
in front of MTCNN's O-Net.

The four models are single-shot SSD detectors on a small square input: the image is
letterboxed (scaled to fit, centred, black border), fed RGB as x / 127.5 - 1, NHWC,
and each anchor gets a score logit and 16 numbers: the box centre offset, width and
height, then 6 key points (eye, eye, nose tip, mouth centre, ear, ear), in input
pixels relative to the anchor centre, followed by MediaPipe's weighted NMS. Anchor
layouts: 48 x 48 one per cell (full range, 192 px), 16 x 16 x 2 + 8 x 8 x 6 (short
range 128 px, and human's back at 256 px). With MediaPipe's own sampling of the input
(letterbox, the default) the full-range decoding reproduces MediaPipe 0.10.14's
FaceDetection (tests/test_reference_mediapipe.py, README "What was checked"); human's
BlazeFace front gives the numbers of MediaPipe's short-range file (to 0.02:
tests/test_blazeface.py).

Alone, none of them answers what the service needs: their key points have no mouth
corners (the 5-point convention of every answer, ArcFace's alignment and the mesh
crop use them) and their boxes are not MTCNN's. `CascadeDetector` therefore uses the
full-range model (and, where it proposes nothing the O-Net keeps, the short-range one)
only to propose faces, and MTCNN's O-Net to keep, place and mark them: each proposal,
squared, is one 48x48 O-Net crop, exactly as MTCNN's own third stage treats the
R-Net's boxes, so the answer keeps MTCNN's boxes, scores and 5 points without its
image pyramid (most of its time). bench/detectors.py measures it against MTCNN and
the others (docs/accuracy.md, "Detectors").
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from analyzers.detectors.base import Detector, check_image, nms, shrunk
from analyzers.detectors.detection import Detection
from analyzers.detectors.mtcnn import AreaResizer, MTCNNDetector, detections, square
from analyzers.image_models.body import weighted_nms

SCORE_CLIP = 100.0  # MediaPipe's score_clipping_thresh
NMS_IOU = 0.3  # MediaPipe's face detection: weighted NMS at IoU 0.3


@dataclass(frozen=True)
class Layout:
    """One model's input side, anchor strides (consecutive equal strides share one
    feature map) and anchors per location and layer (2: scale and the interpolated
    scale; 1: interpolated_scale_aspect_ratio 0, the full-range model)."""

    size: int
    strides: tuple[int, ...]
    per_layer: int
    min_score: float  # the model's own min_score_thresh in MediaPipe
    # the smallest face it finds is about 1 / reach of its input's side (measured on
    # obama, astronaut and grace_hopper scaled down: score >= 0.4 from 12 of 192 px
    # full range, 10 of 256 back,
    # 14 of 128 short range); CascadeDetector's tiles follow from it
    reach: int = 16


FULL_RANGE = Layout(192, (4,), 1, 0.6, reach=16)          # 48 x 48 = 2304 anchors
SHORT_RANGE = Layout(128, (8, 16, 16, 16), 2, 0.5, reach=9)  # 512 + 384 = 896
BACK = Layout(256, (16, 32, 32, 32), 2, 0.5, reach=24)       # human's blazeface-back: 896


def anchors(layout: Layout) -> np.ndarray:
    """[N, 2] anchor centres (x, y), normalised, in SsdAnchorsCalculator's order."""
    centres = []
    layer = 0
    strides = layout.strides
    while layer < len(strides):
        last = layer
        while last + 1 < len(strides) and strides[last + 1] == strides[layer]:
            last += 1
        per_location = layout.per_layer * (last - layer + 1)
        cells = math.ceil(layout.size / strides[layer])
        for y in range(cells):
            for x in range(cells):
                centres.extend([((x + 0.5) / cells, (y + 0.5) / cells)] * per_location)
        layer = last + 1
    return np.asarray(centres, np.float32)


def letterbox(image: np.ndarray, size: int,
              sampling: str = "mediapipe") -> tuple[np.ndarray, tuple[float, float, float]]:
    """(size x size uint8 canvas with the image scaled to fit and centred, black border;
    (x0, y0, scale) with image pixel = (x0, y0) + canvas pixel * scale).

    sampling "mediapipe" (the default): MediaPipe's ImageToTensorCalculator on a CPU, a
    bilinear warp of the square around the image onto the canvas; with it this module's
    decoding gives MediaPipe's own detections (tests/test_reference_mediapipe.py). "area":
    cv2.INTER_AREA when shrinking, which averages the pixels a canvas pixel covers
    instead of sampling four of them. On the labelled photos the cascade found 3777 faces
    (11 false) with MediaPipe's sampling and 3778 (12 false) with area averaging, and the
    warp is the cheaper of the two (0.50 against 0.56 of MTCNN's time on a sample of them;
    docs/accuracy.md, Detectors), so nothing argued for leaving MediaPipe's."""
    height, width = image.shape[:2]
    side = max(height, width)
    scale = side / size
    if sampling == "mediapipe":
        x0, y0 = (width - side) / 2, (height - side) / 2
        matrix = np.float32([[1 / scale, 0, -x0 / scale], [0, 1 / scale, -y0 / scale]])
        canvas = cv2.warpAffine(np.ascontiguousarray(image), matrix, (size, size),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                borderValue=(0, 0, 0))
        return canvas, (x0, y0, scale)
    if sampling != "area":
        raise ValueError(f"sampling must be area or mediapipe, not {sampling!r}")
    new_w, new_h = max(1, round(width / scale)), max(1, round(height / scale))
    canvas = np.zeros((size, size, 3), np.uint8)
    pad_x, pad_y = (size - new_w) // 2, (size - new_h) // 2
    canvas[pad_y:pad_y + new_h, pad_x:pad_x + new_w] = cv2.resize(
        np.ascontiguousarray(image), (new_w, new_h),
        interpolation=cv2.INTER_AREA if scale > 1 else cv2.INTER_LINEAR)
    return canvas, (-pad_x * scale, -pad_y * scale, scale)


def decode(raw: np.ndarray, logits: np.ndarray, centres: np.ndarray, size: int,
           min_score: float):
    """Raw outputs ([N, 16], [N]) -> (boxes [M, 4] x1 y1 x2 y2, key points [M, 6, 2],
    scores [M]) in input pixels, every anchor at or above min_score (before NMS)."""
    raw = np.asarray(raw, np.float32).reshape(len(centres), -1)
    logits = np.clip(np.asarray(logits, np.float64).reshape(-1), -SCORE_CLIP, SCORE_CLIP)
    scores = 1.0 / (1.0 + np.exp(-logits))
    keep = scores >= min_score
    offsets, centre = raw[keep], centres[keep] * size
    cx, cy = offsets[:, 0] + centre[:, 0], offsets[:, 1] + centre[:, 1]
    half_w, half_h = offsets[:, 2] / 2, offsets[:, 3] / 2
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    points = offsets[:, 4:].reshape(len(offsets), (raw.shape[1] - 4) // 2, 2) + centre[:, None, :]
    return boxes, points, scores[keep]


class BlazeFaceModel:
    """One BlazeFace-family model file: an image (or region) in, proposals out."""

    def __init__(self, path: str | Path, layout: Layout, threads: int = 1,
                 sampling: str = "mediapipe"):
        self.layout, self.sampling = layout, sampling
        self.centres = anchors(layout)
        path = Path(path)
        if path.suffix == ".tflite":
            from ai_edge_litert.interpreter import Interpreter

            self._interpreter = Interpreter(model_path=str(path), num_threads=threads)
            self._interpreter.allocate_tensors()
            self._input = self._interpreter.get_input_details()[0]["index"]
            # [1, N, 16] box and key-point offsets, [1, N, 1] score logits
            outputs = sorted(self._interpreter.get_output_details(),
                             key=lambda o: -int(o["shape"][-1]))
            self._outputs = [o["index"] for o in outputs]
            self._session = None
        else:  # human's TFJS graph converted by models/convert_tfjs.py
            from analyzers.runtime.onnx_session import cpu_session

            self._session = cpu_session(path, threads)
        # an interpreter is not safe across threads; the service runs calls in threads
        self._lock = threading.Lock()

    def raw(self, canvas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """uint8 size x size x 3 -> ([N, 16] offsets, [N] logits) in anchor order."""
        batch = (canvas.astype(np.float32) / 127.5 - 1.0)[None]
        if self._session is None:
            with self._lock:
                self._interpreter.set_tensor(self._input, batch)
                self._interpreter.invoke()
                raw, logits = (self._interpreter.get_tensor(i).copy() for i in self._outputs)
            return raw.reshape(-1, 16), logits.reshape(-1)
        # human's graphs answer the 16x16 (512 anchors) and 8x8 (384) maps apart:
        # Identity / Identity_2 and Identity_1 / Identity_3, in MediaPipe's order
        named = dict(zip((o.name for o in self._session.get_outputs()),
                         self._session.run(None, {"input": batch})))
        raw = np.concatenate([named["Identity_2"].reshape(-1, 16),
                              named["Identity_3"].reshape(-1, 16)])
        logits = np.concatenate([named["Identity"].reshape(-1), named["Identity_1"].reshape(-1)])
        return raw, logits

    def propose(self, image: np.ndarray, min_score: float | None = None,
                region: tuple[int, int, int, int] | None = None):
        """Faces in `image` (or its region x, y, w, h) after MediaPipe's weighted NMS:
        (boxes [M, 4], key points [M, 6, 2], scores [M]) in image pixels."""
        x, y = 0, 0
        if region is not None:
            x, y, w, h = region
            image = image[y:y + h, x:x + w]
        canvas, (x0, y0, scale) = letterbox(image, self.layout.size, self.sampling)
        raw, logits = self.raw(canvas)
        threshold = self.layout.min_score if min_score is None else min_score
        boxes, points, scores = decode(raw, logits, self.centres, self.layout.size, threshold)
        if not len(scores):
            return np.zeros((0, 4)), np.zeros((0, 6, 2)), np.zeros(0)
        boxes, points, scores = weighted_nms(boxes, points, scores, NMS_IOU)
        shift = np.array([x + x0, y + y0])
        return (np.asarray(boxes) * scale + np.tile(shift, 2), np.asarray(points) * scale + shift,
                np.asarray(scores))


def tiles(width: int, height: int, side: int) -> list[tuple[int, int, int, int]]:
    """Overlapping square regions of `side` pixels (a quarter overlap) covering an image
    whose longer side exceeds it; none for a smaller image."""
    if max(width, height) <= side:
        return []
    step = max(1, side * 3 // 4)

    def starts(length: int) -> list[int]:
        if length <= side:
            return [0]
        found = list(range(0, length - side, step))
        return found + [length - side]

    return [(x, y, min(side, width), min(side, height))
            for y in starts(height) for x in starts(width)]


# The figures behind these constants: docs/accuracy.md, "2026-12-07 moved from code comments".
# Whole-image proposals go on to the O-Net, so they may be weaker than MediaPipe's own 0.6.
PROPOSAL_MIN_SCORE = 0.3
# Tiles (regions of TILE_REACH x the smallest face wanted) give the proposer MTCNN's reach
# in a large photo; their proposals keep the model's own threshold (a tile sees hands).
TILE_REACH: float | None = None  # None: the proposer's layout.reach
TILE_MIN_SCORE: float | None = None
# O-Net passes over each proposal: one pass left boxes that cost dlib's alignment.
ONET_PASSES = 2
# Where every step finds nothing, a face whose lower half is covered (a mask) may still be
# among the proposals: the O-Net's first pass keeps boxes from OCCLUDED_FIRST_PASS and its
# second, on its own refined boxes, decides from OCCLUDED_SCORE (its own 0.7 otherwise).
OCCLUDED_FIRST_PASS = 0.2
OCCLUDED_SCORE = 0.5
# proposals of the whole image and the tiles overlapping this much are one face
PROPOSAL_NMS = 0.5


class CascadeDetector(Detector):
    """MediaPipe's full-range BlazeFace proposes, MTCNN's O-Net decides and places.
    Where that keeps no face, the short-range model (made for faces filling the frame)
    proposes on the whole image; where that keeps none either, MTCNN's whole pipeline
    runs (a face both proposers missed is then still found, at MTCNN's cost: kept so that
    a face MTCNN finds is not lost; docs/accuracy.md, "2026-12-07 moved from code comments")."""

    files = ("face_detection_full_range_sparse.tflite", "face_detection_short_range.tflite",
             "pnet.onnx", "rnet.onnx", "onet.onnx")

    @classmethod
    def load(cls, folder: Path, threads: int = 1,
             environ: Mapping[str, str] = os.environ) -> CascadeDetector:
        folder = Path(folder)
        mtcnn = MTCNNDetector.load(folder, threads=threads, environ=environ)
        return cls(BlazeFaceModel(folder / cls.files[0], FULL_RANGE, threads), mtcnn,
                   second=BlazeFaceModel(folder / cls.files[1], SHORT_RANGE, threads))

    def __init__(self, proposer: BlazeFaceModel, mtcnn: MTCNNDetector, *,
                 second: BlazeFaceModel | None = None,
                 min_score: float = PROPOSAL_MIN_SCORE, fallback: bool = True,
                 use_tiles: bool = True, tile_reach: float | None = TILE_REACH,
                 tile_min_score: float | None = TILE_MIN_SCORE, onet_passes: int = ONET_PASSES,
                 occluded: tuple[float, float] | None = (OCCLUDED_FIRST_PASS, OCCLUDED_SCORE)):
        self.proposer, self.second, self.mtcnn = proposer, second, mtcnn
        self.occluded = occluded
        self.min_score, self.fallback, self.use_tiles = min_score, fallback, use_tiles
        reach = proposer.layout.reach if tile_reach is None else tile_reach
        self.tile_side = round(reach * round(mtcnn.min_face_size))
        self.onet_passes = max(1, int(onet_passes))
        self.tile_min_score = (proposer.layout.min_score if tile_min_score is None
                               else tile_min_score)
        # how often the second proposer and MTCNN's whole pipeline ran (bench/detectors.py
        # reports them); counters only, not locked
        self.second_calls = 0
        self.fallbacks = 0
        self.occluded_calls = 0

    def proposals(self, image: np.ndarray) -> np.ndarray:
        """[M, 4] proposal boxes of the whole image and, when it is large, its tiles."""
        height, width = image.shape[:2]
        regions = [None] + (tiles(width, height, self.tile_side) if self.use_tiles else [])
        found, scores = [], []
        for region in regions:
            least = self.min_score if region is None else self.tile_min_score
            boxes, _, region_scores = self.proposer.propose(image, least, region)
            found.append(boxes)
            scores.append(region_scores)
        boxes, scores = np.concatenate(found), np.concatenate(scores)
        return boxes[nms(boxes, scores, PROPOSAL_NMS)] if len(boxes) else boxes

    def decide(self, work: np.ndarray, boxes: np.ndarray, shape,
               scores: tuple[float, float] | None = None) -> list[Detection]:
        """The O-Net's faces among the proposals (on `work`, the image shrunk to fit
        MTCNN's max side), in the pixels of an image of `shape`, largest first; scores:
        the least score of the first pass and of the last (None: the O-Net's own)."""
        if not len(boxes):
            return []
        first, last = scores or (None, None)
        # MTCNN's stages keep MATLAB's boxes (1-based corners, both included: a continuous
        # box's x1 is pixel x1 + 1, its x2 the last pixel x2) and hand them back so
        proposals = square(boxes.astype(np.float32) + np.float32((1, 1, 0, 0)))
        levels = AreaResizer(work)
        boxes, scores, points = self.mtcnn._stage_onet(
            levels, proposals, first if self.onet_passes > 1 else last)
        for index in range(self.onet_passes - 1):  # the O-Net again on its own squared boxes
            if len(boxes):
                boxes, scores, points = self.mtcnn._stage_onet(
                    levels, square(boxes.astype(np.float32)),
                    last if index == self.onet_passes - 2 else first)
        return detections(boxes, scores, points, work.shape, shape)

    def detect(self, image: np.ndarray) -> list[Detection]:
        if not check_image(image):
            return []
        work = shrunk(image, self.mtcnn.max_side)  # MTCNN's shrink: both see the same pixels
        detections = self.decide(work, self.proposals(work), image.shape)
        if not detections and self.second is not None:
            self.second_calls += 1
            detections = self.decide(work, self.second.propose(work, self.min_score)[0],
                                     image.shape)
        if not detections and self.fallback:
            self.fallbacks += 1
            detections = self.mtcnn.detect(image)
        if not detections and self.occluded is not None:
            self.occluded_calls += 1
            boxes = self.proposals(work)
            if self.second is not None:
                boxes = np.concatenate([boxes, self.second.propose(work, self.min_score)[0]])
            detections = self.decide(work, boxes, image.shape, self.occluded)
        return detections
