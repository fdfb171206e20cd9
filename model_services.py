"""One BentoML service per model, each with an adaptively batched `predict`.

The front service (service.py) sends every face of an image in one call, and
BentoML's adaptive batching merges calls from concurrent requests. A model
that is not in the store does not stop the server: its service starts, says
why it has nothing to serve, and the front reports the fields it would have
filled as unavailable.
"""

from __future__ import annotations

import os
from pathlib import Path

import bentoml
import numpy as np

from models.registry import BY_NAME, ModelSource

# One thread per model: with one process per model service, the services
# already spread over the cores; more threads each only contend.
THREADS = int(os.environ.get("FACE_MODEL_THREADS", "1"))
# Smallest face the detector looks for, in pixels: every halving of it costs
# about twice the detector time (MTCNN's image pyramid grows).
MIN_FACE_SIZE = float(os.environ.get("FACE_MIN_FACE_SIZE", "40"))
BATCH = {"batchable": True, "max_batch_size": 32, "max_latency_ms": 20}
SERVICE = {"workers": 1, "traffic": {"timeout": 60}}


def stored(name: str) -> bentoml.models.BentoModel | None:
    """A reference to the stored model, or None when it was never imported."""
    try:
        bentoml.models.get(BY_NAME[name].tag)
    except bentoml.exceptions.NotFound:
        return None
    return bentoml.models.BentoModel(BY_NAME[name].tag)


def missing_reason(source: ModelSource) -> str:
    return (f"model {source.name} is not in the BentoML model store; "
            f"run `python -m models import --only {source.name}`")


class ModelService:
    """Shared start-up: resolve the stored model folder, or remember why not."""

    source_name: str
    model: bentoml.models.BentoModel | None = None

    def __init__(self) -> None:
        self.source = BY_NAME[self.source_name]
        self.runner = None
        self.reason = missing_reason(self.source)
        if self.model is not None:
            self.runner = self.load(Path(self.model.path))
            self.reason = None

    def load(self, folder: Path):
        raise NotImplementedError

    def require(self):
        if self.runner is None:
            raise bentoml.exceptions.ServiceUnavailable(self.reason)
        return self.runner


@bentoml.service(**SERVICE)
class FaceDetector(ModelService):
    source_name = "face-detector-mtcnn"
    model = stored(source_name)

    def load(self, folder: Path):
        from analyzers.detection import MTCNNDetector

        return MTCNNDetector(folder / "pnet.onnx", folder / "rnet.onnx", folder / "onet.onnx",
                             min_face_size=MIN_FACE_SIZE, intra_op_threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, images: list[np.ndarray]) -> list[list[dict]]:
        detector = self.require()
        return [
            [{"box": d.box, "score": float(d.score), "keypoints": d.keypoints}
             for d in detector.detect(image)]
            for image in images
        ]


@bentoml.service(**SERVICE)
class FaceMeshModel(ModelService):
    source_name = "face-mesh-mediapipe"
    model = stored(source_name)

    def load(self, folder: Path):
        from analyzers.mesh import FaceMesh

        return FaceMesh(folder / "face_landmark.tflite", folder / "iris_landmark.tflite",
                        num_threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> list[dict]:
        points, scores = self.require().predict(crops)
        return [{"points": p, "score": float(s)} for p, s in zip(points, scores)]


@bentoml.service(**SERVICE)
class Landmarks68Model(ModelService):
    source_name = "face-landmarks68-dlib"
    model = stored(source_name)

    def load(self, folder: Path):
        from analyzers.landmarks68 import Landmarks68

        return Landmarks68(folder / "shape_predictor_68_face_landmarks.dat")

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.require().predict(crops)


@bentoml.service(**SERVICE)
class EmbeddingModel(ModelService):
    source_name = "face-embedding-dlib"
    model = stored(source_name)

    def load(self, folder: Path):
        from analyzers.embedding import DlibEmbedder

        return DlibEmbedder(folder / "dlib_face_recognition_resnet_model_v1.dat",
                            folder / "shape_predictor_5_face_landmarks.dat")

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.require().predict(crops)


@bentoml.service(**SERVICE)
class AgeGenderModel(ModelService):
    source_name = "face-age-gender-cydral"
    model = stored(source_name)

    def load(self, folder: Path):
        from analyzers.age_gender import AgeGender

        return AgeGender(folder / "age-v1.onnx", folder / "gender-v1.onnx",
                         folder / "shape_predictor_5_face_landmarks.dat", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> list[dict]:
        return self.require().predict(crops)


@bentoml.service(**SERVICE)
class EmotionModel(ModelService):
    source_name = "face-emotion-fer"
    model = stored(source_name)

    def load(self, folder: Path):
        from analyzers.emotion import Emotion

        return Emotion(folder / "emotion_model_quantized.tflite", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> list[dict]:
        return self.require().predict(faces)


# task -> (service class, attribute name on the front service)
MODEL_SERVICES = {
    "detection": FaceDetector,
    "mesh": FaceMeshModel,
    "landmarks68": Landmarks68Model,
    "embedding": EmbeddingModel,
    "age_gender": AgeGenderModel,
    "emotion": EmotionModel,
}
