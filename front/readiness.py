"""Is this server ready for traffic? Not while a model that every request needs is
missing: without the face detector every face endpoint answers 503, so a load
balancer (a Kubernetes readiness probe on /readyz) must not send it requests.

Models that only fill some fields (emotion, age, ...) do not count: without them
the answers carry those fields as null with the reason, which is a working server.
"""

from __future__ import annotations

import logging

# the tasks a request path cannot do without: every endpoint but the template
# verification starts by finding the faces
REQUIRED_TASKS = ("detection",)


def readiness(served: set, unavailable: dict) -> dict:
    """{"ready": bool, "missing_required": [task, ...]} from the served tasks and the
    {task: reason} of the missing ones."""
    missing = [task for task in REQUIRED_TASKS if task not in served]
    return {"ready": not missing, "missing_required": missing}


def log_missing(log: logging.Logger, unavailable: dict, state: dict) -> None:
    """One start-up line naming every missing model and the command that imports it
    (the reasons hold the command), louder when the server cannot be ready."""
    if not unavailable:
        return
    models = "; ".join(f"{task}: {reason}" for task, reason in sorted(unavailable.items()))
    if state["ready"]:
        log.warning("missing models (their fields answer null): %s", models)
    else:
        log.error("NOT READY: /readyz answers 503 until the %s model is imported; "
                  "missing models: %s", " and ".join(state["missing_required"]), models)
