"""One BentoML service per model, each with an adaptively batched `predict`.

The front service (service.py) sends every face of an image in one call, and
BentoML's adaptive batching merges calls from concurrent requests. A model
that is not in the store does not stop the server: its service is left out of
the graph (SERVED below) and the front reports the fields it would have filled
as unavailable, with the import command that fixes it.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path

import bentoml
import numpy as np

from models import priority
from models.registry import BY_NAME, ModelSource

# One thread per model: with one process per model service, the services
# already spread over the cores; more threads each only contend.
THREADS = int(os.environ.get("FACE_MODEL_THREADS", "1"))
# Smallest face the detector looks for, in pixels: every halving of it costs
# about twice the detector time (MTCNN's image pyramid grows).
MIN_FACE_SIZE = float(os.environ.get("FACE_MIN_FACE_SIZE", "40"))
# SCRFD's canvas side (README, buffalo_l): its cost grows with the square, 640
# (InsightFace's default) took ~310 ms an image on one core of this machine
# (docs/benchmarks.md), 320 a quarter of that, missing faces under ~20 px.
SCRFD_SIZE = int(os.environ.get("FACE_SCRFD_SIZE", "640"))
# Adaptive batching: BentoML merges concurrent calls into one model run, waiting
# at most max_latency_ms for company. FACE_BATCHING=off serves each call alone
# (what bench/benchmark.py compares against).
BATCHING = os.environ.get("FACE_BATCHING", "on").lower() not in ("off", "0", "false")
BATCH = {
    "batchable": True,
    "max_batch_size": int(os.environ.get("FACE_MAX_BATCH_SIZE", "32")),
    "max_latency_ms": int(os.environ.get("FACE_MAX_LATENCY_MS", "10000")),
} if BATCHING else {}
# SegFormer-B5 peaked at 6.8 GB parsing a batch of 8 crops (docs/benchmarks.md,
# "Full model set"): its runs take at most FACE_PARSING_MAX_BATCH crops (BentoML
# splits a larger call), whatever FACE_MAX_BATCH_SIZE allows the others.
PARSING_BATCH = {**BATCH, "max_batch_size": min(
    BATCH["max_batch_size"], max(1, int(os.environ.get("FACE_PARSING_MAX_BATCH", "4"))))
} if BATCHING else {}
SERVICE = {"workers": 1, "traffic": {"timeout": 60}}


def stored(name: str) -> bentoml.models.BentoModel | None:
    """A reference to the stored model, or None when it was never imported."""
    try:
        bentoml.models.get(BY_NAME[name].tag)
    except bentoml.exceptions.NotFound:
        return None
    return bentoml.models.BentoModel(BY_NAME[name].tag)


def is_stored(name: str) -> bool:
    return stored(name) is not None


def chosen(task: str) -> str | None:
    """The registry name of the model that answers `task` here (models/priority.py)."""
    return priority.choose(task, is_stored)


def missing_reason(source: ModelSource) -> str:
    command = f"python -m models import --only {source.name}"
    if source.local_only:  # no public download: the user brings the file (README, Models)
        command += f" --from {' or '.join(source.local_files) or 'PATH'}"
    return f"model {source.name} is not in the BentoML model store; run `{command}`"


class ModelService:
    """Shared start-up: resolve the stored model folder, or remember why not."""

    source_name: str
    model: bentoml.models.BentoModel | None = None

    def __init__(self) -> None:
        self.source = BY_NAME[self.source_name]
        self.batch_sizes: Counter[int] = Counter()  # items per model run
        self.runner = None
        self.reason = missing_reason(self.source)
        if self.model is not None:
            self.runner = self.load(Path(self.model.path))
            self.reason = None

    @staticmethod
    def load(folder: Path):
        """Build the model from its stored folder."""
        raise NotImplementedError

    @staticmethod
    def run(runner, batch):
        """One model run on a batch; the service's predict and in-process callers share it."""
        return runner.predict(batch)

    def require(self, batch):
        """The loaded model for this batch (counted), or 503 with the reason."""
        if self.runner is None:
            raise bentoml.exceptions.ServiceUnavailable(self.reason)
        self.batch_sizes[len(batch)] += 1
        return self.runner

    @bentoml.api
    def stats(self) -> dict:
        """How many items each model run got: the adaptive batching at work."""
        return {"model": self.source.name, "batching": BATCHING,
                "batch_sizes": {str(k): v for k, v in sorted(self.batch_sizes.items())}}


@bentoml.service(**SERVICE)
class FaceDetector(ModelService):
    source_name = "face-detector-mtcnn"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.detection import MTCNNDetector

        return MTCNNDetector(folder / "pnet.onnx", folder / "rnet.onnx", folder / "onet.onnx",
                             min_face_size=MIN_FACE_SIZE, intra_op_threads=THREADS)

    @staticmethod
    def run(detector, images):
        return [
            [{"box": d.box, "score": float(d.score), "keypoints": d.keypoints}
             for d in detector.detect(image)]
            for image in images
        ]

    # Not batched: MTCNN's pyramid runs image by image anyway, so a batch only
    # makes requests queue behind each other; concurrent calls run in threads
    # instead (onnxruntime releases the GIL).
    @bentoml.api
    def predict(self, images: list[np.ndarray]) -> list[list[dict]]:
        return self.run(self.require(images), images)


@bentoml.service(**SERVICE)
class FaceMeshModel(ModelService):
    source_name = "face-mesh-mediapipe"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.mesh import FaceMesh

        return FaceMesh(folder / "face_landmark.tflite", folder / "iris_landmark.tflite",
                        num_threads=THREADS)

    @staticmethod
    def run(mesh, crops):
        points, scores = mesh.predict(crops)
        return [{"points": p, "score": float(s)} for p, s in zip(points, scores)]

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> list[dict]:
        return self.run(self.require(crops), crops)


@bentoml.service(**SERVICE)
class Landmarks68Model(ModelService):
    source_name = "face-landmarks68-dlib"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.landmarks68 import Landmarks68

        return Landmarks68(folder / "shape_predictor_68_face_landmarks.dat")

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.run(self.require(crops), crops)


@bentoml.service(**SERVICE)
class EmbeddingModel(ModelService):
    source_name = "face-embedding-dlib"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.embedding import DlibEmbedder

        return DlibEmbedder(folder / "dlib_face_recognition_resnet_model_v1.dat",
                            folder / "shape_predictor_5_face_landmarks.dat")

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.run(self.require(crops), crops)


@bentoml.service(**SERVICE)
class AgeGenderModel(ModelService):
    source_name = "face-age-gender-cydral"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.age_gender import AgeGender

        return AgeGender(folder / "age-v1.onnx", folder / "gender-v1.onnx",
                         folder / "shape_predictor_5_face_landmarks.dat", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> list[dict]:
        return self.run(self.require(crops), crops)


@bentoml.service(**SERVICE)
class EmotionModel(ModelService):
    """The emotion task's one model, fer or HSEmotion (models/priority.py picks): its
    crops come prepared for that model (FaceAnalysis._emotion_batch)."""

    source_name = chosen("emotion")
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        if (folder / "enet_b0_8_va_mtl.onnx").is_file():
            from analyzers.hsemotion import HSEmotion

            return HSEmotion(folder / "enet_b0_8_va_mtl.onnx", threads=THREADS)
        from analyzers.emotion import Emotion

        return Emotion(folder / "emotion_model_quantized.tflite", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> list[dict]:
        return self.run(self.require(faces), faces)


@bentoml.service(**SERVICE)
class SegmentationModel(ModelService):
    source_name = "person-segmentation-mediapipe"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.segmentation import SelfieSegmentation

        return SelfieSegmentation(folder / "selfie_segmentation.tflite", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.run(self.require(images), images)


class _HumanNetService(ModelService):
    """The two small @vladmandic/human nets (analyzers/liveness.py): crops in, one score each."""

    kind: str

    @classmethod
    def load_kind(cls, folder: Path, kind: str):
        from analyzers.liveness import HumanNet

        return HumanNet(folder / f"{kind}.onnx", kind, threads=THREADS)


@bentoml.service(**SERVICE)
class AntiSpoofModel(_HumanNetService):
    """The antispoof task's one model, the human net or MiniFASNet (models/priority.py
    picks): its crops come prepared for that model (FaceAnalysis.liveness_scores)."""

    source_name = chosen("antispoof")
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        if (folder / "minifasnet.onnx").is_file():
            from analyzers.liveness import MiniFASNet

            return MiniFASNet(folder / "minifasnet.onnx", threads=THREADS)
        return _HumanNetService.load_kind(folder, "antispoof")

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> np.ndarray:
        return self.run(self.require(faces), faces)


@bentoml.service(**SERVICE)
class LivenessModel(_HumanNetService):
    source_name = "face-liveness-human"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        return _HumanNetService.load_kind(folder, "liveness")

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> np.ndarray:
        return self.run(self.require(faces), faces)


@bentoml.service(**SERVICE)
class BodyModel(ModelService):
    source_name = "body-detector-mediapipe"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.body import PoseDetector

        return PoseDetector(folder / "pose_detection.tflite", threads=THREADS)

    # batched across requests; the model itself runs tile by tile (its graph
    # has a fixed batch of 1, analyzers/body.py)
    @bentoml.api(**BATCH)
    def predict(self, tiles: np.ndarray) -> list[list[dict]]:
        return self.run(self.require(tiles), tiles)


# ---------------------------------------- InsightFace buffalo_l (set `full`, opt-in)
# InsightFace buffalo_l (set `full`): when stored, SCRFD, ArcFace and genderage
# answer detection, embedding and age/gender in place of the default set's models
# (models/priority.py); the 106 points are an extra field.
@bentoml.service(**SERVICE)
class SCRFDDetector(ModelService):
    source_name = "face-detector-scrfd"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.scrfd import SCRFDDetector as Detector

        return Detector(folder / "det_10g.onnx", threads=THREADS, size=SCRFD_SIZE)

    run = staticmethod(FaceDetector.inner.run)  # the same answer as MTCNN's, so either serves

    # not batched, like FaceDetector: one letterboxed image a run
    @bentoml.api
    def predict(self, images: list[np.ndarray]) -> list[list[dict]]:
        return self.run(self.require(images), images)


@bentoml.service(**SERVICE)
class ArcFaceModel(ModelService):
    source_name = "face-embedding-arcface"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.arcface import ArcFace

        return ArcFace(folder / "w600k_r50.onnx", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> np.ndarray:
        return self.run(self.require(faces), faces)


@bentoml.service(**SERVICE)
class Landmarks106Model(ModelService):
    source_name = "face-landmarks106-insightface"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.landmarks106 import Landmarks106

        return Landmarks106(folder / "2d106det.onnx", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.run(self.require(crops), crops)


@bentoml.service(**SERVICE)
class GenderAgeInsightFace(ModelService):
    source_name = "face-genderage-insightface"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.genderage import GenderAge

        return GenderAge(folder / "genderage.onnx", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, crops: np.ndarray) -> list[dict]:
        return self.run(self.require(crops), crops)


@bentoml.service(**SERVICE)
class BeautyModel(ModelService):
    """The learned beauty score (training/beauty/train.py's ONNX, imported with --from)."""

    source_name = "face-beauty-resnet50"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.beauty import BeautyNet

        return BeautyNet(folder / "beauty_resnet50.onnx", threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> list[float]:
        return self.run(self.require(faces), faces)


class ImageClassifierModel(ModelService):
    """A transformers image classifier exported to ONNX (set `full`, models/hf.py): face
    crops (analyzers/classifiers.prepare) in, {label, confidence, scores} out. Each
    classifier is its own small subclass below, so each is its own service."""

    @staticmethod
    def load(folder: Path):
        from analyzers.classifiers import ImageClassifier

        return ImageClassifier(folder, threads=THREADS)

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> list[dict]:
        return self.run(self.require(faces), faces)


@bentoml.service(**SERVICE)
class GenderViTModel(ImageClassifierModel):
    source_name = "face-gender-vit"
    model = stored(source_name)


@bentoml.service(**SERVICE)
class EthnicityModel(ImageClassifierModel):
    source_name = "face-ethnicity-vit"
    model = stored(source_name)


@bentoml.service(**SERVICE)
class ObstructionModel(ImageClassifierModel):
    source_name = "face-obstruction-vit"
    model = stored(source_name)


@bentoml.service(**SERVICE)
class HairTypeModel(ImageClassifierModel):
    source_name = "hair-type-vit"
    model = stored(source_name)


@bentoml.service(**SERVICE)
class HumanParsingModel(ModelService):
    """SegFormer human parsing (analyzers/parsing.py): crops in, uint8 label maps out."""

    source_name = "human-parsing-segformer"
    model = stored(source_name)

    @staticmethod
    def load(folder: Path):
        from analyzers.parsing import HumanParser

        return HumanParser(folder, threads=THREADS)

    @bentoml.api(**PARSING_BATCH)
    def predict(self, crops: np.ndarray) -> np.ndarray:
        return self.run(self.require(crops), crops)


# registry name -> the service that serves it (emotion and antispoof: one service
# each, whose weights models/priority.py picks)
SERVICES = {
    "face-detector-mtcnn": FaceDetector,
    "face-detector-scrfd": SCRFDDetector,
    "face-mesh-mediapipe": FaceMeshModel,
    "face-landmarks68-dlib": Landmarks68Model,
    "face-landmarks106-insightface": Landmarks106Model,
    "face-embedding-dlib": EmbeddingModel,
    "face-embedding-arcface": ArcFaceModel,
    "face-age-gender-cydral": AgeGenderModel,
    "face-genderage-insightface": GenderAgeInsightFace,
    "face-gender-vit": GenderViTModel,
    "face-emotion-fer": EmotionModel,
    "face-emotion-hsemotion": EmotionModel,
    "person-segmentation-mediapipe": SegmentationModel,
    "face-antispoof-human": AntiSpoofModel,
    "face-antispoof-minifasnet": AntiSpoofModel,
    "face-liveness-human": LivenessModel,
    "body-detector-mediapipe": BodyModel,
    "face-beauty-resnet50": BeautyModel,
    "face-ethnicity-vit": EthnicityModel,
    "face-obstruction-vit": ObstructionModel,
    "hair-type-vit": HairTypeModel,
    "human-parsing-segformer": HumanParsingModel,
}
# tasks only one model answers
SINGLE_MODEL_TASKS = {
    "mesh": "face-mesh-mediapipe",
    "landmarks68": "face-landmarks68-dlib",
    "landmarks106": "face-landmarks106-insightface",
    "segmentation": "person-segmentation-mediapipe",
    "liveness": "face-liveness-human",
    "body": "body-detector-mediapipe",
    "beauty": "face-beauty-resnet50",
    "ethnicity": "face-ethnicity-vit",
    "obstruction": "face-obstruction-vit",
    "hair_type": "hair-type-vit",
    "parsing": "human-parsing-segformer",
}
# Tasks whose fields are left out of the answer (not null) when their model is
# missing, so a server with the default set answers exactly as before.
ABSENT_WHEN_MISSING = ("landmarks106", "ethnicity", "obstruction", "hair_type", "parsing")


def task_models() -> dict[str, str]:
    """task -> the registry name of the model that answers it on this server.

    `gender` is there only when a model of its own answers it (the ViT); otherwise
    the age model does."""
    models = {task: chosen(task) for task in priority.ROLES}
    if models["gender"] is None:
        del models["gender"]
    return {**models, **SINGLE_MODEL_TASKS}


# Decided once at import: the front service's dependencies (service.py) and the
# services' own weights (EmotionModel, AntiSpoofModel) follow the same choice.
TASK_MODELS = task_models()
# The one rule for what runs: a model service is part of the graph only when its
# model is in the store, so each missing model costs no process.
SERVED = {task: SERVICES[name] for task, name in TASK_MODELS.items() if is_stored(name)}
UNAVAILABLE = {task: missing_reason(BY_NAME[name]) for task, name in TASK_MODELS.items()
               if task not in SERVED and task not in ABSENT_WHEN_MISSING}


def model_dependencies() -> type:
    """A base class for the front service with `model_<task>` = bentoml.depends(its
    service) for every served task; BentoML finds them among the class attributes."""
    return type("ModelDependencies", (),
                {f"model_{task}": bentoml.depends(service) for task, service in SERVED.items()})


def load_in_process(tasks=None) -> tuple[dict, dict]:
    """The same models and batch functions without BentoML: ({task: async predict}, {task: tag}).

    For measuring what the service adds on top of the models (bench/benchmark.py);
    `tasks` limits it to some of them (training/calibration/calibrate.py).
    """
    predictors, tags = {}, {}
    for task, service in SERVED.items():
        if tasks is not None and task not in tasks:
            continue
        stored_model = bentoml.models.get(BY_NAME[TASK_MODELS[task]].tag)
        runner = service.inner.load(Path(stored_model.path))

        # threads, as in the services: the models release the GIL, so the task
        # models of one image overlap as they do across the service processes
        async def predict(batch, run=service.inner.run, runner=runner):
            return await asyncio.to_thread(run, runner, batch)

        predictors[task] = predict
        tags[task] = str(stored_model.tag)
    return predictors, tags
