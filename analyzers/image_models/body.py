"""Body (person) detection with MediaPipe's BlazePose detector.

``pose_detection.tflite`` (mediapipe 0.10.14 wheel, models/registry.py),
checked with ai_edge_litert: input ``input_1`` float32 [1, 224, 224, 3] (RGB
scaled to [-1, 1]); outputs ``Identity`` [1, 2254, 12] (box and key-point
offsets per anchor) and ``Identity_1`` [1, 2254, 1] (score logits).

The wheel ships no .pbtxt for it: the PoseDetectionCpu and PoseDetectionToRoi
graphs are compiled into mediapipe/python/_framework_bindings*.so as binary
CalculatorGraphConfig protos. Decoded (field numbers from MediaPipe's
calculator .proto files), they say:

* ImageToTensorCalculator: 224x224, keep_aspect_ratio (letterbox), float
  range [-1, 1], zero border;
* SsdAnchorsCalculator: input 224x224, min_scale 0.1484375, max_scale 0.75,
  anchor offset 0.5 / 0.5, num_layers 5, strides [8, 16, 32, 32, 32],
  aspect_ratios [1.0], fixed_anchor_size true (interpolated scale aspect
  ratio left at its default 1.0, so two anchors per layer and location);
* TensorsToDetectionsCalculator: 1 class, 2254 boxes, 12 coords, x/y/w/h
  scale 224, 4 key points of 2 values at offset 4, box at offset 0,
  reverse_output_order (x, y, w, h), sigmoid score clipped at 100,
  min_score_thresh 0.5;
* NonMaxSuppressionCalculator: IoU 0.3, weighted;
* PoseDetectionToRoi: AlignmentPointsRectsCalculator with key point 0 (hip
  centre) as the centre, key point 1 giving size and rotation, target angle
  90 degrees; RectTransformationCalculator scale 1.25 x 1.25, square_long.

The detector's own box covers the face; the person box is the ROI derived
from key points 0 and 1 (the region MediaPipe's pose landmark model is run
on). Key points: 0 hip centre, 1 full-body size / rotation point, 2 shoulder
centre, 3 upper-body size / rotation point.

Group photos: on a whole group photo the letterboxed 224x224 input makes each
person small, so `tiles` adds overlapping square tiles (tile side = the
half the longer side, landscape images only: `tiles`) and the detections of all passes are merged
on the shoulder key points (side-by-side people's body boxes overlap; the
model's own box has a near-constant size, so it cannot tell them apart).
"""

from __future__ import annotations

import math
import threading

import cv2
import numpy as np

from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 224
MIN_SCALE, MAX_SCALE = 0.1484375, 0.75
STRIDES = (8, 16, 32, 32, 32)
NUM_BOXES, NUM_COORDS, NUM_KEYPOINTS = 2254, 12, 4
SCORE_CLIP = 100.0
MIN_SCORE = 0.5          # MediaPipe's min_score_thresh
# what the model service keeps, and what each pass needs: tiles see parts of people and
# things, so they need more (docs/accuracy.md, "2026-12-07 moved from code comments")
DECODE_MIN_SCORE = 0.3
WHOLE_MIN_SCORE = 0.35
TILE_MIN_SCORE = 0.7
LANDSCAPE = 1.2
NMS_IOU = 0.3
ROI_SCALE = 1.25
TARGET_ANGLE = math.pi / 2
# merging passes (whole image + tiles): shoulder-centre distance, in upper-body
# radii, below which two detections are one person
SAME_PERSON = 0.4


def anchors() -> np.ndarray:
    """[2254, 2] anchor centres (x, y), normalised, in the SsdAnchorsCalculator's order.

    Consecutive layers with the same stride share one feature map; each layer
    gives two anchors per location (aspect ratio 1.0 and the interpolated
    one). With fixed_anchor_size every anchor's width and height is 1, so only
    the centres matter for decoding."""
    centres = []
    layer = 0
    while layer < len(STRIDES):
        stride = STRIDES[layer]
        last = layer
        while last + 1 < len(STRIDES) and STRIDES[last + 1] == stride:
            last += 1
        per_location = 2 * (last - layer + 1)
        size = math.ceil(INPUT_SIZE / stride)
        for y in range(size):
            for x in range(size):
                centres.extend([((x + 0.5) / size, (y + 0.5) / size)] * per_location)
        layer = last + 1
    return np.asarray(centres, np.float32)


ANCHORS = anchors()


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, min_score: float = MIN_SCORE):
    """One tile's raw outputs ([2254, 12], [2254] or [2254, 1]) -> (boxes [N, 4]
    x1, y1, x2, y2, key points [N, 4, 2], scores [N]) normalised to the
    224x224 input, above min_score."""
    raw_boxes = np.asarray(raw_boxes, np.float32).reshape(NUM_BOXES, NUM_COORDS)
    logits = np.clip(np.asarray(raw_scores, np.float32).reshape(NUM_BOXES), -SCORE_CLIP,
                     SCORE_CLIP)
    scores = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
    keep = scores >= min_score
    raw, centre, scores = raw_boxes[keep] / INPUT_SIZE, ANCHORS[keep], scores[keep]
    cx, cy = raw[:, 0] + centre[:, 0], raw[:, 1] + centre[:, 1]
    w, h = raw[:, 2], raw[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    points = raw[:, 4:].reshape(-1, NUM_KEYPOINTS, 2) + centre[:, None, :]
    return boxes, points, scores


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[2], boxes[:, 2])
    y2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def weighted_nms(boxes, points, scores, threshold: float = NMS_IOU):
    """MediaPipe's weighted NMS: the best remaining detection absorbs every one
    overlapping it by more than `threshold` IoU; box and key points become the
    score-weighted mean of the group, the score stays the best one's."""
    order = np.argsort(-scores)
    boxes, points, scores = boxes[order], points[order], scores[order]
    remaining = np.ones(len(scores), bool)
    out_boxes, out_points, out_scores = [], [], []
    for i in range(len(scores)):
        if not remaining[i]:
            continue
        group = remaining & (iou(boxes[i], boxes) > threshold)
        group[i] = True
        weights = scores[group][:, None]
        out_boxes.append((boxes[group] * weights).sum(0) / weights.sum())
        out_points.append((points[group] * weights[:, :, None]).sum(0) / weights.sum())
        out_scores.append(scores[i])
        remaining &= ~group
    if not out_scores:
        return np.zeros((0, 4), np.float32), np.zeros((0, NUM_KEYPOINTS, 2), np.float32), \
            np.zeros(0, np.float32)
    return np.asarray(out_boxes), np.asarray(out_points), np.asarray(out_scores)


def letterbox(image: np.ndarray, region=None):
    """Crop `region` (x, y, w, h or None: the whole image) and fit it into 224x224
    keeping its aspect ratio, black border, as MediaPipe's ImageToTensorCalculator
    (keep_aspect_ratio, zero border) does: the region widened to a square about its
    centre, whose corners land on the tile's corner pixel *indices*, sampled
    bilinearly (no area averaging) -> (uint8 tile, transform) where transform =
    (x0, y0, scale): image pixel = x0 + tile coordinate * scale.

    Cut with integer padding and INTER_AREA before, the key points came out up to
    69 px (of a 1200 px photo) away from MediaPipe's own detector on the same
    image; the hip and full-body points it extrapolates move most
    (tests/test_reference_mediapipe.py)."""
    height, width = image.shape[:2]
    x0, y0, w, h = (0, 0, width, height) if region is None else region
    crop = np.ascontiguousarray(image[y0:y0 + h, x0:x0 + w])
    side = max(w, h)
    scale = side / INPUT_SIZE
    left, top = (w - side) / 2.0, (h - side) / 2.0
    # tile index j samples crop index left + j * scale
    to_tile = np.array([[1 / scale, 0, -left / scale], [0, 1 / scale, -top / scale]])
    tile = cv2.warpAffine(crop, to_tile, (INPUT_SIZE, INPUT_SIZE), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return tile, (x0 + left, y0 + top, scale)


def tiles(width: int, height: int) -> list:
    """The passes over an image: None (the whole image), plus, for a landscape
    image (width >= LANDSCAPE x height: where group photos are), overlapping
    square tiles of side max(width, height) / 2 stepped by half a tile.

    Portrait and square photos get no tiles: on them a tile (part of one
    person) gave false positives (obama.jpg 2, astronaut.png 3 at score 0.3,
    measured), and the whole-image pass already finds their one person."""
    passes = [None]
    if width < LANDSCAPE * height:
        return passes
    side = min(height, max(width // 2, 1))
    step = max(1, side // 2)
    xs = list(range(0, width - side + 1, step))
    ys = list(range(0, height - side + 1, step))
    if xs[-1] != width - side:
        xs.append(width - side)
    if ys[-1] != height - side:
        ys.append(height - side)
    return passes + [(x, y, side, side) for y in ys for x in xs]


def person_box(points: np.ndarray, width: int, height: int):
    """The ROI of PoseDetectionToRoi from key points 0 and 1 (image pixels):
    (axis-aligned [x1, y1, x2, y2] of the rotated square, clipped to the
    image; the square's centre, side and rotation in radians)."""
    (x0, y0), (x1, y1) = points[0], points[1]
    side = 2.0 * math.hypot(x1 - x0, y1 - y0) * ROI_SCALE
    rotation = TARGET_ANGLE - math.atan2(-(y1 - y0), x1 - x0)
    rotation = (rotation + math.pi) % (2 * math.pi) - math.pi
    half = side / 2 * (abs(math.cos(rotation)) + abs(math.sin(rotation)))
    box = [min(max(x0 - half, 0.0), width), min(max(y0 - half, 0.0), height),
           min(max(x0 + half, 0.0), width), min(max(y0 + half, 0.0), height)]
    return box, (float(x0), float(y0)), side, rotation


def merge(image_shape, passes, transforms, detections, same_person: float = SAME_PERSON):
    """Detections of every pass (tile-normalised, from `PoseDetector.predict`)
    -> one list of bodies in image pixels, best first.

    The model's box has an almost constant size (44.8 of 224 pixels whatever
    the person's size: measured), so passes are merged on the key points: two
    detections are one person when their shoulder centres (key point 2) lie
    closer than `same_person` x the larger upper-body radius |kp3 - kp2|."""
    height, width = image_shape[:2]
    points, scores = [], []
    for region, (x0, y0, scale), found in zip(passes, transforms, detections):
        least = WHOLE_MIN_SCORE if region is None else TILE_MIN_SCORE
        for d in found:
            if d["score"] < least:
                continue
            points.append(np.asarray(d["keypoints"], np.float64) * INPUT_SIZE * scale + (x0, y0))
            scores.append(float(d["score"]))
    if not scores:
        return []
    points, scores = np.asarray(points), np.asarray(scores)
    shoulders = points[:, 2]
    radius = np.linalg.norm(points[:, 3] - points[:, 2], axis=1)
    keep = np.ones(len(scores), bool)
    bodies = []
    for i in np.argsort(-scores):
        if not keep[i]:
            continue
        distance = np.linalg.norm(shoulders - shoulders[i], axis=1)
        keep &= ~(distance < same_person * np.maximum(radius, radius[i]))
        box, centre, side, rotation = person_box(points[i], width, height)
        bodies.append({"box": box, "score": scores[i], "keypoints": points[i].tolist(),
                       "centre": centre, "side": side, "rotation": rotation})
    return bodies


def prepare(image: np.ndarray, use_tiles: bool = True):
    """(uint8 [N, 224, 224, 3] batch, passes, transforms) for one image."""
    height, width = image.shape[:2]
    passes = tiles(width, height) if use_tiles else [None]
    made = [letterbox(image, region) for region in passes]
    return np.stack([m[0] for m in made]), passes, [m[1] for m in made]


class PoseDetector(ModelWrapper):
    """Image tiles (this module's `prepare`) in, people per tile out."""

    files = ("pose_detection.tflite",)

    def __init__(self, model_path, threads: int = 1, min_score: float = DECODE_MIN_SCORE):
        # here, not at the top: the front imports this module (the cascade detector's
        # weighted_nms, the body task's tiles) but runs no LiteRT model (8.3 MB RSS)
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(model_path), num_threads=threads)
        self.interpreter.allocate_tensors()
        self.input_index = self.interpreter.get_input_details()[0]["index"]
        outputs = {o["name"]: o["index"] for o in self.interpreter.get_output_details()}
        self.boxes_index, self.scores_index = outputs["Identity"], outputs["Identity_1"]
        self.min_score = min_score
        self.lock = threading.Lock()

    def raw(self, tiles_batch: np.ndarray):
        """uint8 [N, 224, 224, 3] -> raw ([N, 2254, 12], [N, 2254, 1]).

        One invoke per tile: the graph reshapes to a fixed batch of 1 inside, so
        a resized batch input comes back as [1, N * 2254, 12] with wrong values
        (measured), unlike the selfie segmentation model."""
        boxes, scores = [], []
        with self.lock:
            for tile in tiles_batch:
                self.interpreter.set_tensor(
                    self.input_index, (np.asarray(tile, np.float32) / 127.5 - 1.0)[None])
                self.interpreter.invoke()
                boxes.append(self.interpreter.get_tensor(self.boxes_index)[0].copy())
                scores.append(self.interpreter.get_tensor(self.scores_index)[0].copy())
        return np.asarray(boxes), np.asarray(scores)

    def predict(self, tiles_batch: np.ndarray) -> list[list[dict]]:
        """Per tile: detections after weighted NMS, normalised to the tile:
        [{"box": [x1, y1, x2, y2], "keypoints": [[x, y] x 4], "score"}]."""
        if len(tiles_batch) == 0:
            return []
        raw_boxes, raw_scores = self.raw(tiles_batch)
        out = []
        for boxes_i, scores_i in zip(raw_boxes, raw_scores):
            boxes, points, scores = weighted_nms(*decode(boxes_i, scores_i, self.min_score))
            out.append([{"box": b.tolist(), "keypoints": p.tolist(), "score": float(s)}
                        for b, p, s in zip(boxes, points, scores)])
        return out
