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
from models.capacity import BULK_BUDGET_MS, VIT_CLASSIFIER, Capacity  # noqa: F401 (re-exported)


def capacities() -> dict[str, Capacity]:
    """Model service name -> its capacity, from the registry entries it serves (the
    first entry's, in registry order, where entries share a service)."""
    from models.registry import SOURCES

    found: dict[str, Capacity] = {}
    for source in SOURCES:
        found.setdefault(source.service_name, source.capacity)
    return found


CAPACITY = capacities()


def bulk_items(name: str) -> int:
    """Items per part of a bulk call to the model service `name` (models/capacity.py)."""
    return capacities()[name].bulk_items


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

    def service_config(self, name: str, capacity: Capacity | None = None) -> dict:
        """The BentoML service options of the model service `name` (`traffic` adds
        to the service's own), from its registry entries' capacity."""
        capacity = capacity or capacities()[name]
        return {"workers": self.service_workers.get(name, self.workers),
                "resources": {"cpu": capacity.cpu, "memory": capacity.memory},
                "traffic": {"concurrency": capacity.concurrency}}
