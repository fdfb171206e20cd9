"""Person / background segmentation with MediaPipe's selfie segmentation model.

``selfie_segmentation.tflite`` (the "general" model, from the mediapipe
0.10.14 wheel, models/registry.py), checked with ai_edge_litert:

* input ``input_1`` float32 [1, 256, 256, 3], RGB scaled to [0, 1]
  (MediaPipe's graph stretches the whole image to 256x256, no letterbox);
* output ``activation_10`` float32 [1, 256, 256, 1], the probability that a
  pixel belongs to a person (sigmoid already applied).

The batch dimension can be resized, so one run serves several images.
`prepare` makes the model input from any image; `to_image` scales a mask back.
"""

from __future__ import annotations

import cv2
import numpy as np

from analyzers.runtime.litert import BatchedInterpreter
from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 256
PERSON_THRESHOLD = 0.5  # probability above which a pixel is "person"


def prepare(image: np.ndarray) -> np.ndarray:
    """HxWx3 uint8 RGB -> 256x256x3 uint8 (stretched, as MediaPipe does)."""
    return cv2.resize(image, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_AREA)


def to_image(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """A 256x256 probability mask scaled back to the image's size (float32 0..1)."""
    return cv2.resize(np.asarray(mask, np.float32), (width, height),
                      interpolation=cv2.INTER_LINEAR)


class SelfieSegmentation(ModelWrapper):
    """Whole images (this module's `prepare`) in, person masks out."""

    files = ("selfie_segmentation.tflite",)

    def __init__(self, model_path, threads: int = 1):
        self.run = BatchedInterpreter(model_path, threads)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """images: [N, 256, 256, 3] uint8 RGB from `prepare` -> [N, 256, 256] float32
        person probabilities."""
        if len(images) == 0:
            return np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)
        batch = np.asarray(images, np.float32) / 255.0
        return self.run(batch)[..., 0]
