"""MiniFASNet anti-spoofing (Silent-Face-Anti-Spoofing, minivision; Apache-2.0), scored as
that project scores a face: two nets, each on its own crop of the face box.

* MiniFASNetV2 on the box scaled 2.7x, MiniFASNetV1SE on the box scaled 4.0x (the scale
  lowered where the scaled box would not fit in the image, the box then shifted, not
  clipped, inside it: analyzers/face_models/liveness.py minifasnet_box), each resized to 80x80 with
  OpenCV's bilinear resize, as Silent-Face does;
* input [N, 3, 80, 80] float32 BGR 0..255, no mean / std; output 3 logits per face;
* score = (softmax_V2 + softmax_V1SE)[class 1] / 2, class 1 = real face (0 and 2 are
  the two attack classes).

The ONNX files are exported from the published state dicts at import
(models/convert_minifasnet.py).
"""

from __future__ import annotations

import numpy as np

from analyzers.face_models.liveness import minifasnet_box
from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_batch import OnnxModel

SIZE = 80
# stored file -> the face box scale its net was trained on (the published file names say it)
NETS = (("minifasnet_v2.onnx", 2.7), ("minifasnet_v1se.onnx", 4.0))
REAL = 1


def crop(image: np.ndarray, box, scale: float) -> np.ndarray:
    """HxWx3 uint8 RGB + detector box -> one 80x80x3 uint8 RGB crop at `scale`."""
    import cv2

    height, width = image.shape[:2]
    left, top, right, bottom = minifasnet_box(width, height, box, scale)
    patch = np.ascontiguousarray(image[top:bottom + 1, left:right + 1])
    return cv2.resize(patch, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)


def prepare(image: np.ndarray, box) -> np.ndarray:
    """The face's two crops, [2, 80, 80, 3] uint8 RGB, in NETS' order."""
    return np.stack([crop(image, box, scale) for _, scale in NETS])


def net_input(crops: np.ndarray) -> np.ndarray:
    """[N, 80, 80, 3] uint8 RGB -> [N, 3, 80, 80] float32 BGR 0..255."""
    return np.ascontiguousarray(np.asarray(crops, np.float32)[..., ::-1].transpose(0, 3, 1, 2))


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = np.asarray(logits, np.float64)
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


class MiniFASNetAntiSpoof(ModelWrapper):
    """Both nets; `predict` takes [N, 2, 80, 80, 3] from `prepare` and returns the
    summed softmax's real class over 2, one score per face."""

    files = tuple(name for name, _ in NETS)
    crop_of_box = staticmethod(prepare)

    def __init__(self, *paths, threads: int = 1):
        self.nets = [OnnxModel(path, threads) for path in paths]

    def probabilities(self, faces: np.ndarray) -> np.ndarray:
        """[N, 2, 80, 80, 3] -> [N, 2, 3]: each net's softmax."""
        faces = np.asarray(faces)
        return np.stack([softmax(net.run(net_input(faces[:, index]))[0])
                         for index, net in enumerate(self.nets)], axis=1)

    def predict(self, faces: np.ndarray) -> np.ndarray:
        if len(faces) == 0:
            return np.zeros((0,), np.float32)
        summed = self.probabilities(faces).sum(axis=1)
        return np.asarray(summed[:, REAL] / len(self.nets), np.float32)
