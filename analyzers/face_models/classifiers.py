"""Image classifiers exported from transformers (ViT, models/hf.py) run with onnxruntime.

The front cuts a square face crop with a margin (`prepare`: side = crop_scale x
the detector box, CROP_SIZE pixels, RGB); the model service resizes it to the
model's own size with PIL and its resample filter (as transformers does),
rescales, normalises with the checkpoint's mean / std (preprocess.json), runs the ONNX model and applies a
softmax: per face {label, confidence, scores} with the labels of config.id2label.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from analyzers.runtime import crops
from analyzers.runtime.model_wrapper import ModelWrapper

# what the front sends: large enough for a 224 px ViT input from any face size
CROP_SIZE = 256
DEFAULT_CROP_SCALE = 1.5


def prepare(image: np.ndarray, box, crop_scale: float = DEFAULT_CROP_SCALE,
            size: int = CROP_SIZE) -> np.ndarray:
    """The square face crop (RGB uint8, size x size) a classifier service takes."""
    return crops.square_crop(image, box, size, scale=crop_scale)[0]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


class OnnxImageModel:
    """model.onnx + labels.json + preprocess.json of one stored transformers model."""

    def __init__(self, folder: Path, threads: int = 1):
        from analyzers.runtime.onnx_session import cpu_session

        folder = Path(folder)
        self.session = cpu_session(folder / "model.onnx", threads)
        self.labels = json.loads((folder / "labels.json").read_text())
        self.prep = json.loads((folder / "preprocess.json").read_text())
        self.height, self.width = self.prep["size"]
        self.mean = np.asarray(self.prep["mean"], np.float32)
        self.std = np.asarray(self.prep["std"], np.float32)

    def pixel_values(self, images: np.ndarray) -> np.ndarray:
        """N RGB uint8 images -> [N, 3, H, W] float32, as the checkpoint's image processor."""
        from PIL import Image

        # PIL's resize with the checkpoint's filter, as transformers does: OpenCV's
        # bilinear does not antialias (docs/accuracy.md, "2026-12-07 moved from code comments")
        resample = int(self.prep.get("resample", Image.Resampling.BILINEAR))
        batch = np.stack([
            np.asarray(Image.fromarray(np.ascontiguousarray(image, np.uint8)).resize(
                (self.width, self.height), resample=resample))
            if image.shape[:2] != (self.height, self.width) else np.asarray(image)
            for image in images]).astype(np.float32)
        batch *= float(self.prep.get("rescale_factor", 1 / 255))
        if self.prep.get("do_normalize", True):
            batch = (batch - self.mean) / self.std
        return np.ascontiguousarray(batch.transpose(0, 3, 1, 2), dtype=np.float32)

    def logits(self, images: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"pixel_values": self.pixel_values(images)})[0]


class ImageClassifier(OnnxImageModel, ModelWrapper):
    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> "ImageClassifier":
        return cls(folder, threads=threads)

    @staticmethod
    def prepare_face(image, face, source):
        """The square crop at the checkpoint's own scale (registry metadata crop_scale:
        a face crop, or a wider head crop for hair)."""
        scale = source.metadata.get("crop_scale", DEFAULT_CROP_SCALE)
        return prepare(image, face.box, scale), None

    def predict(self, faces: np.ndarray) -> list[dict]:
        if len(faces) == 0:
            return []
        probabilities = softmax(self.logits(faces).astype(np.float64))
        return [describe(self.labels, row) for row in probabilities]


def describe(labels: list[str], probabilities: np.ndarray) -> dict:
    best = int(np.argmax(probabilities))
    return {"label": labels[best], "confidence": round(float(probabilities[best]), 5),
            "scores": {label: round(float(p), 5) for label, p in zip(labels, probabilities)}}


def as_field(prediction: dict) -> dict:
    """/analyze's {dominant, confidence, scores} (labels lower-cased)."""
    return {"dominant": prediction["label"].lower(), "confidence": prediction["confidence"],
            "scores": {k.lower(): v for k, v in prediction["scores"].items()}}


def as_gender(prediction: dict) -> dict:
    """The ViT gender answer in the shape of the default model's: {value, confidence, scores}."""
    return {"value": prediction["label"].lower(), "confidence": prediction["confidence"],
            "scores": {k.lower(): v for k, v in prediction["scores"].items()}}
