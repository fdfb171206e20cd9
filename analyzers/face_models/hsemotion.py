"""Facial expression, valence and arousal with HSEmotion's EfficientNet-B0 multi-task
model (enet_b0_8_va_mtl.onnx, AffectNet; Savchenko 2022), imported with --from.
enet_b0_8_best_afew.onnx (the same net fine-tuned on AFEW, 8 logits only) is
accepted in its place; its answers have valence and arousal null.

As hsemotion-onnx feeds it: the detector's face box cut out (no margin) and
resized to 224x224 RGB, scaled to [0, 1] and normalised with the ImageNet mean
and std, NCHW. The 10 outputs are the logits of the 8 AffectNet classes, then
valence and arousal. Labels are named as the FER model's (analyzers/face_models/emotion.py)
so `scores` keep their keys; `contempt` is the one class FER lacks.
"""

from __future__ import annotations

import cv2
import numpy as np

from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_batch import OnnxModel

INPUT_SIZE = 224
# the model's class order (Anger, Contempt, Disgust, Fear, Happiness, Neutral,
# Sadness, Surprise) under the names /analyze uses
LABELS = ("angry", "contempt", "disgust", "fear", "happy", "neutral", "sad", "surprise")
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def prepare(image: np.ndarray, box) -> np.ndarray:
    """The face box (clamped to the image) resized to 224x224, uint8 RGB."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in box)
    left, top = max(0, int(round(x1))), max(0, int(round(y1)))
    right, bottom = min(width, int(round(x2))), min(height, int(round(y2)))
    if right - left < 2 or bottom - top < 2:
        return np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    # bilinear at every size, as hsemotion-onnx's HSEmotionRecognizer.preprocess
    # resizes (tests/test_reference_hsemotion.py compares the two)
    return cv2.resize(image[top:bottom, left:right], (INPUT_SIZE, INPUT_SIZE),
                      interpolation=cv2.INTER_LINEAR)


def normalise(faces: np.ndarray) -> np.ndarray:
    """[N, 224, 224, 3] uint8 RGB -> [N, 3, 224, 224] float32 as the model saw in training."""
    batch = (np.asarray(faces, np.float32) / 255.0 - MEAN) / STD
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def interpret(outputs: np.ndarray) -> list[dict]:
    """[N, 10] raw outputs -> emotion records: softmax over the 8 logits, valence and
    arousal clipped to -1..1. [N, 8] (enet_b0_8_best_afew, which has no valence /
    arousal head) -> the same with valence and arousal null."""
    outputs = np.asarray(outputs, np.float64).reshape(len(outputs), -1)
    regression = outputs.shape[1] == len(LABELS) + 2
    probabilities = softmax(outputs[:, :8])
    results = []
    for row, raw in zip(probabilities, outputs):
        best = int(np.argmax(row))
        results.append({
            "dominant": LABELS[best],
            "confidence": round(float(row[best]), 4),
            "scores": {label: round(float(p), 4) for label, p in zip(LABELS, row)},
            "valence": round(float(np.clip(raw[8], -1.0, 1.0)), 4) if regression else None,
            "arousal": round(float(np.clip(raw[9], -1.0, 1.0)), 4) if regression else None,
        })
    return results


class OnnxRegressor:
    """One ONNX net on [N, 3, 224, 224] -> its first output; a graph with a fixed batch
    of 1 runs face by face (analyzers/runtime/onnx_batch.py)."""

    def __init__(self, model_path, threads: int = 1):
        self.model = OnnxModel(model_path, threads)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.model.run(batch)[0]


class HSEmotion(ModelWrapper):
    labels = LABELS

    files = ("enet_b0_8_va_mtl.onnx",)
    crop_of_box = staticmethod(prepare)

    def __init__(self, model_path, threads: int = 1):
        self.run = OnnxRegressor(model_path, threads)

    def predict(self, faces: np.ndarray) -> list[dict]:
        """faces: [N, 224, 224, 3] uint8 RGB from `prepare`."""
        if len(faces) == 0:
            return []
        return interpret(self.run(normalise(faces)))
