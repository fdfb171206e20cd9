"""What one replica of a model service asks for and what one item costs it: a registry
entry's `capacity` (models/registry.py); topology.py turns it into BentoML options."""

from __future__ import annotations

from dataclasses import dataclass

# Concurrency rule: the calls one single-threaded worker finishes within a 250 ms
# queueing budget (about the served p50 of the 6-face photo: queueing may at most double
# a request's time before the autoscaler adds a replica), capped at 16.
QUEUE_BUDGET_MS = 250
MAX_CONCURRENCY = 16
# Bulk rule: a crowd's call goes in parts of what one worker runs in 100 ms, so a normal
# request's call waits behind at most one part (front/model_clients.py).
BULK_BUDGET_MS = 100
SMALL = "512Mi"  # default-set services: at most 287 MB RSS measured (docs/benchmarks.md)
LIGHT = "500m"  # half a core: services whose call costs under half the detector's


def _within(budget_ms: float, item_ms: float) -> int:
    """Items one single-threaded worker finishes within budget_ms: 1 to MAX_CONCURRENCY."""
    return max(1, min(MAX_CONCURRENCY, int(budget_ms // item_ms)))


@dataclass(frozen=True)
class Capacity:
    """`resources` of one replica (BentoCloud places it by them), the measured cost of
    one item (docs/benchmarks.md), and from it `traffic.concurrency` (the autoscaler's
    signal) and the items a bulk call carries at once."""

    memory: str
    item_ms: float
    cpu: str = "1"

    @property
    def concurrency(self) -> int:
        return _within(QUEUE_BUDGET_MS, self.item_ms)

    @property
    def bulk_items(self) -> int:
        return _within(BULK_BUDGET_MS, self.item_ms)


# a ViT-Base/16 classifier: what the four measured ones cost
VIT_CLASSIFIER = Capacity("1Gi", 394)
# per-face times of the human-models nets (crop + model, 1 thread; bench.attribute_cost)
GEAR = Capacity(SMALL, 106.0)
FACERES = Capacity(SMALL, 60.0)
