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
from analyzers.face_models import gender_fusion
from analyzers.tasks import ABSENT_WHEN_MISSING
from models import priority
from models.registry import BY_NAME, SOURCES, ModelSource, wrapper_of
from security import MODEL_PRIVATE_PATHS, PrivateEndpoints, Settings
from topology import Topology, capacities

# One thread per model: with one process per model service, the services
# already spread over the cores; more threads each only contend.
THREADS = int(settings.read("FACE_MODEL_THREADS"))
# Adaptive batching, off by default: on CPU it cost more than it saved (docs/benchmarks.md,
# "Figures from code comments"); on a GPU, turn it on.
BATCHING = settings.read("FACE_BATCHING").lower() not in ("off", "0", "false")
BATCH = {
    "batchable": True,
    "max_batch_size": int(settings.read("FACE_MAX_BATCH_SIZE")),
    "max_latency_ms": int(settings.read("FACE_MAX_LATENCY_MS")),
} if BATCHING else {}
def in_parts(run, batch: np.ndarray, most: int) -> np.ndarray:
    """`run` on at most `most` items at a time, the answers joined: a model's memory
    bound (its entry's max_batch_setting) holds whether BentoML batches its calls or not."""
    if len(batch) <= most:
        return run(batch)
    return np.concatenate([run(batch[start:start + most])
                           for start in range(0, len(batch), most)])
# Workers, resources and traffic.concurrency are set per service below, from
# topology.py (FACE_MODEL_WORKERS / FACE_SERVICE_WORKERS, the measured costs).
#
# A model service answers only the front: no metrics, access log or tracing span per
# call, which cost most of a small model's call (docs/benchmarks.md, "2026-12-07 moved
# from code comments"); the front service keeps all three for the user's requests.
INTERNAL_CALLS = {"metrics": {"enabled": False}, "logging": {"access": {"enabled": False}},
                  "tracing": {"excluded_urls": ["predict", "stats"]}}
SERVICE = {"traffic": {"timeout": 60}, **INTERNAL_CALLS}
# a normal photo's detection must not wait behind a crowd's (docs/benchmarks.md, "Figures
# from code comments"): four threads in one detector worker
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


# Each answer's media type, declared: undeclared, BentoML rebuilds the JSON schema per
# response (docs/benchmarks.md, "2026-12-07 moved from code comments"). The front asks
# for pickle, which BentoML uses whatever the header says.
JSON = ContentType("application/json")
Arrays = Annotated[np.ndarray, JSON]
Records = Annotated[list[dict], JSON]
Detections = Annotated[list[list[dict]], JSON]
Scores = Annotated[list[float], JSON]


# One base class per kind of answer (models/registry.py ANSWERS): BentoML serialises
# by the declared types.
class DetectorService(ModelService):
    """Whole images in, faces per image out. Not batched: a detector runs image by
    image anyway, so concurrent calls run in DETECTOR_THREADS threads instead
    (onnxruntime releases the GIL; the detectors keep no state between calls)."""

    @bentoml.api
    def predict(self, images: list[np.ndarray]) -> Detections:
        return self.answer(images)


def batched_predict(answer_type: str, limit: int | None):
    """A batched `predict` answering `answer_type`; `limit`: at most that many items a
    model run, whatever BentoML batches (SegFormer's memory)."""
    def predict(self, batch: np.ndarray):
        return in_parts(self.answer, batch, limit) if limit else self.answer(batch)

    predict.__annotations__ = {"batch": "np.ndarray", "return": answer_type}
    batch = {**BATCH, "max_batch_size": min(BATCH["max_batch_size"], limit)} \
        if BATCHING and limit else BATCH
    return bentoml.api(**batch)(predict)


ANSWER_TYPES = {"arrays": "Arrays", "records": "Records", "scores": "Scores",
                "tiles": "Detections"}


def model_service(name: str, sources: list[ModelSource]):
    """The BentoML service `name` made from the registry entries it serves: where several
    entries of one task share it, the one models/priority.py chooses (else the task's
    default-set entry) is loaded."""
    first = sources[0]
    names = [source.name for source in sources]
    answering = chosen(first.task) if first.task in priority.ROLES else None
    if answering not in names:
        answering = next((s.name for s in sources if s.model_set == "default"), first.name)
    if first.answer == "detections":
        body = {}
        base, options = DetectorService, {"threads": DETECTOR_THREADS}
    else:
        limit = (max(1, int(settings.read(first.max_batch_setting)))
                 if first.max_batch_setting else None)
        body = {"predict": batched_predict(ANSWER_TYPES[first.answer], limit)}
        base, options = ModelService, {}
    service = type(name, (base,), {
        **body, "source_name": answering, "__module__": __name__,
        "__doc__": f"{name}: {', '.join(names)}"})
    return bentoml.service(**SERVICE, **options)(service)


def model_services() -> dict[str, type]:
    """Service name -> its service, one for each service name the registry gives."""
    grouped: dict[str, list[ModelSource]] = {}
    for source in SOURCES:
        grouped.setdefault(source.service_name, []).append(source)
    return {name: model_service(name, sources) for name, sources in grouped.items()}


MODEL_SERVICES = model_services()
globals().update(MODEL_SERVICES)  # BentoML finds a dependency by its name in this module
# registry name -> the service that serves it
SERVICES = {source.name: MODEL_SERVICES[source.service_name] for source in SOURCES}
# Each model service's workers, resources and autoscaling signal (topology.py),
# set before BentoML reads the service configs (`inject_config`, at serve time).
TOPOLOGY.check(MODEL_SERVICES)
_CAPACITY = capacities()
for _name, _service in MODEL_SERVICES.items():
    _options = TOPOLOGY.service_config(_name, _CAPACITY[_name])
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


COMPACT = settings.read("FACE_TOPOLOGY").lower() == "compact"
if settings.read("FACE_TOPOLOGY").lower() not in ("compact", "per-model"):
    raise ValueError("FACE_TOPOLOGY must be per-model or compact")


class CompactService:
    """Several served models in one process (FACE_TOPOLOGY=compact): one call carries
    {task: batch} for any of its `tasks` and is answered {"answers": {task: answer},
    "errors": {task: message}}, the tasks run at once in threads (the models release the
    GIL)."""

    tasks: tuple[str, ...] = ()

    def __init__(self) -> None:
        allocator.tune()
        self.runners = {task: load_model(BY_NAME[TASK_MODELS[task]],
                                         Path(bentoml.models.get(BY_NAME[TASK_MODELS[task]].tag)
                                              .path))
                        for task in self.tasks}
        # a model runs as many calls at once as its own service would (one sync thread,
        # the detector DETECTOR_THREADS): a LiteRT interpreter is not thread-safe, and
        # two requests' mesh calls at once failed with "reference to internal data"
        self.turns = {task: asyncio.Semaphore(DETECTOR_THREADS if task == "detection" else 1)
                      for task in self.tasks}

    async def _run(self, task: str, batch):
        async with self.turns[task]:
            return await asyncio.to_thread(self.runners[task].run_batch, batch)

    @bentoml.api
    async def predict(self, calls: dict) -> dict:
        tasks = list(calls)
        # one task's failure is its own: the call may carry another request's tasks
        found = await asyncio.gather(*(self._run(task, calls[task]) for task in tasks),
                                     return_exceptions=True)
        return {"answers": {t: a for t, a in zip(tasks, found) if not isinstance(a, Exception)},
                "errors": {t: f"{type(a).__name__}: {a}" for t, a in zip(tasks, found)
                           if isinstance(a, Exception)}}


def compact_service(name: str, tasks: tuple[str, ...]):
    """A CompactService of `tasks`, with their stored models as class attributes (where
    BentoML looks for the models a service packs)."""
    models = {f"model_{task}": stored(TASK_MODELS[task]) for task in tasks}
    service = type(name, (CompactService,), {"tasks": tasks, "__module__": __name__, **models,
                                             "__doc__": f"{name}: {', '.join(tasks)}"})
    return bentoml.service(**SERVICE, resources={"cpu": "2", "memory": "2Gi"},
                           workers=1)(service)


# Two processes, the detector and the per-face models: one process stopped short of the
# host's cores on the work that holds the GIL (docs/benchmarks.md, compact and stages)
CompactDetector = compact_service("CompactDetector", tuple(t for t in SERVED if t == "detection"))
CompactModels = compact_service("CompactModels", tuple(t for t in SERVED if t != "detection"))


def model_dependencies() -> type:
    """A base class for the front service with `model_<task>` = bentoml.depends(its
    service) for every served task (or `model_compact` and `model_compact_detector`,
    FACE_TOPOLOGY=compact); BentoML finds them among the class attributes."""
    if COMPACT:
        return type("ModelDependencies", (), {
            "model_compact": bentoml.depends(CompactModels),
            **({"model_compact_detector": bentoml.depends(CompactDetector)}
               if CompactDetector.inner.tasks else {})})
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
