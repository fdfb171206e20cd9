"""The task table: one record per model that annotates each detected face.

A record says which public attributes run the task, the fields it fills for each,
what happens when its model is missing, and how its answer for one face merges into
that face's record. How the task's input is cut from the image is the model's own
knowledge (`prepare_face` of the wrapper models/registry.py names), so the same
table serves whichever model models/priority.py chose for the task.

FaceAnalysis (analyzers/face_analysis.py) loops over this table; model_services.py
derives from it which tasks run without a model of their own being required.
Adding an optional classifier: one registry entry (models/registry.py), its wrapper
module, and one record here (README, "Adding a model").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import settings
from analyzers.detectors.detection import Detection
from analyzers.face_models import mesh
from analyzers.runtime import crops
from analyzers.face_models.embedding import normalise
from measures import geometry, pose
from models.registry import SOURCES

# measures.colour and measures.beauty are imported in the mesh's merge, not here: every
# model service imports this table, and colour's import costs memory
# (docs/benchmarks.md, "2026-12-07 moved from code comments")

# What a task does when its model is not in the store:
REQUIRED = "required"  # its fields are null, with the reason and the import command
OPTIONAL = "optional"  # set `full`: its attribute is left out of the answer (not null)
EXTRA = "extra"  # an extra field of an attribute that answers without it: left out

# The human parser (SegFormer-B5 at 512 px) takes seconds per face on a CPU: only
# the largest FACE_PARSING_MAX_FACES faces of an image are parsed; the others get
# hair length / colour / hat null with the reason.
PARSING_MAX_FACES = max(1, int(settings.read("FACE_PARSING_MAX_FACES")))


@dataclass
class Merge:
    """What a task's merge sees for one face."""

    image: np.ndarray
    face: Detection
    record: dict  # the face's answer, filled in place
    output: object  # the model's answer for this face
    model_input: np.ndarray  # what the model was given for this face
    transform: np.ndarray | None  # model input pixels -> image pixels
    wanted: set[str]  # the attributes asked for
    return_landmarks: bool
    labels: list[str]  # the model's class names (labels.json), where it has them
    model_tag: str | None
    extra: dict = field(default_factory=dict)  # answers of other tasks for this face


@dataclass(frozen=True)
class FaceTask:
    name: str
    # attribute -> the fields this task fills for it
    fields: dict[str, tuple[str, ...]]
    merge: Callable[[Merge], None]
    when_missing: str = REQUIRED
    # the key `models` names this task's model under, when not its fields' names
    model_key: str | None = None
    # at most this many faces (the largest) are sent; None: all
    max_faces: Callable[[], int] | None = None
    # what a face past max_faces gets instead of the merge
    skipped: Callable[[dict], None] = lambda record: None
    # a task fed another task's answer rather than a crop: it runs once that task has
    # answered, its input made by its wrapper's prepare_after(answer, transform)
    after: str | None = None
    # other tasks whose answers its merge reads (Merge.extra[name]): run with it when stored
    reads: tuple[str, ...] = ()

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(self.fields)


# ------------------------------------------------------------------------ merges
def _age_gender(m: Merge) -> None:
    if "age" in m.wanted:
        m.record["age"] = m.output["age"]
        m.record["age_bracket"] = m.output["age_bracket"]
    if "gender" in m.wanted and m.extra.get("gender_task") == "age_gender":
        m.record["gender"] = m.output["gender"]


def _vit_gender(m: Merge) -> None:
    from analyzers.face_models import classifiers, gender_fusion

    # FaceRes weighed with the age model's gender where constants were fitted for the pair
    m.record["gender"] = gender_fusion.fuse(classifiers.as_gender(m.output), m.model_tag,
                                            m.extra.get("age_gender"),
                                            m.extra.get("age_gender_tag"))


def _emotion(m: Merge) -> None:
    m.record["emotion"] = m.output


def _embedding(m: Merge) -> None:
    m.record["embedding"] = [round(float(v), 6) for v in normalise(np.asarray(m.output))]


def _points(name: str) -> Callable[[Merge], None]:
    def merge(m: Merge) -> None:
        points = crops.apply_affine(np.asarray(m.output), m.transform)
        m.record[name] = np.round(points, 1).tolist()
    return merge


def _classified(name: str) -> Callable[[Merge], None]:
    def merge(m: Merge) -> None:
        from analyzers.face_models import classifiers

        m.record[name] = classifiers.as_field(m.output)
    return merge


# The colour measurements' region is shrunk to at most this many pixels a side: a huge
# photo's merge cost seconds of the front's CPU
# (docs/benchmarks.md, "2026-12-07 moved from code comments")
COLOUR_REGION_MAX_SIDE = 1600


def _mesh(m: Merge) -> None:
    points = mesh.to_image(np.asarray(m.output["points"]), m.transform)
    m.record["mesh_score"] = round(float(m.output["score"]), 4)
    if m.return_landmarks:
        m.record["landmarks_mesh"] = np.round(points, 1).tolist()
    if "pose" in m.wanted:
        m.record["pose"] = pose.head_pose(points)
    if "expression" in m.wanted:
        m.record["smiling"] = geometry.smiling(points)
        m.record["mouth_open"] = geometry.mouth_open(points)
        m.record["eyes_open"] = geometry.eyes_open(points)
    if "colour" in m.wanted:
        from measures import colour

        region, local = crops.face_region(m.image, points, max_side=COLOUR_REGION_MAX_SIDE)
        skin = m.record["skin_tone"] = colour.skin_tone(region, local)
        m.record["hair_colour"] = colour.hair_colour(region, local, skin)  # its reference
        m.record["eye_colour"] = colour.eye_colour(region, local)
        m.record["lip_colour"] = colour.lip_colour(region, local)
    if "beauty" in m.wanted:
        from measures import beauty

        m.record.setdefault("beauty_score", None)
        m.record["chopped_score"] = beauty.chopped_score(
            m.image, points, m.extra.get("beauty"), m.extra.get("beauty_tag"))


def _blendshapes(m: Merge) -> None:
    from analyzers.face_models import blendshapes

    if "blendshapes" in m.wanted:
        m.record["blendshapes"] = m.output
    if "expression" in m.wanted:  # the mesh's merge ran first; these replace its measures
        m.record["smiling"] = blendshapes.smiling(m.output)
        m.record["mouth_open"] = blendshapes.mouth_open(m.output)


def _learned_beauty(m: Merge) -> None:
    m.record["beauty_score"] = m.output  # the mesh's merge weighs it into chopped_score


def _hair(record: dict) -> dict:
    """The face's hair field, made on first use by either of its two models."""
    return record.setdefault("hair", {"type": None, "length": None, "colour": None,
                                      "hat": None})


def _hair_type(m: Merge) -> None:
    from analyzers.face_models import classifiers

    _hair(m.record)["type"] = classifiers.as_field(m.output)


def _parsing(m: Merge) -> None:
    from analyzers.face_models import parsing

    _hair(m.record).update(parsing.describe(
        np.asarray(m.output), m.model_input, parsing.face_box_in_crop(m.face.box, m.transform),
        m.labels))


def parsing_skipped(record: dict) -> None:
    """The hair fields of a face past FACE_PARSING_MAX_FACES."""
    reason = f"only the {PARSING_MAX_FACES} largest faces are parsed (FACE_PARSING_MAX_FACES)"
    _hair(record).update(length={"value": None, "reason": reason},
                         colour={"value": None, "reason": reason}, hat=None)


# ------------------------------------------------------------------------ the table
# Order: the order the merges run in.
TASKS: dict[str, FaceTask] = {task.name: task for task in (
    FaceTask("age_gender", {"age": ("age", "age_bracket"), "gender": ("gender",)},
             _age_gender),
    # a gender model of its own (FaceRes in the default set, the ViT in set `full`):
    # answers gender instead of the age model
    FaceTask("gender", {"gender": ("gender",)}, _vit_gender, reads=("age_gender",)),
    # race: GEAR in the default set, the ViT in set `full` (models/priority.py); opt-in
    FaceTask("ethnicity", {"ethnicity": ("ethnicity",)}, _classified("ethnicity"),
             model_key="ethnicity"),
    FaceTask("obstruction", {"obstruction": ("obstruction",)}, _classified("obstruction"),
             when_missing=OPTIONAL, model_key="obstruction"),
    FaceTask("parsing", {"hair": ("hair.length", "hair.colour", "hair.hat")}, _parsing,
             when_missing=OPTIONAL, model_key="hair", max_faces=lambda: PARSING_MAX_FACES,
             skipped=parsing_skipped),
    FaceTask("hair_type", {"hair": ("hair.type",)}, _hair_type,
             when_missing=OPTIONAL, model_key="hair.type"),
    FaceTask("emotion", {"emotion": ("emotion",)}, _emotion),
    FaceTask("embedding", {"embedding": ("embedding",)}, _embedding),
    FaceTask("landmarks106", {"landmarks": ("landmarks_106",)}, _points("landmarks_106"),
             when_missing=EXTRA, model_key="landmarks_106"),
    FaceTask("landmarks68", {"landmarks": ("landmarks_68",)}, _points("landmarks_68")),
    FaceTask("beauty", {"beauty": ("beauty_score",)}, _learned_beauty),
    FaceTask("mesh", {"pose": ("pose",), "expression": ("smiling", "mouth_open", "eyes_open"),
                      "colour": ("skin_tone", "hair_colour", "eye_colour", "lip_colour"),
                      "beauty": ("chopped_score",)}, _mesh),
    # set `full`, opt-in: MediaPipe's 52 blendshapes from the mesh; with them, smiling and
    # mouth_open come from the blendshapes instead of the mesh's geometry
    FaceTask("blendshapes", {"blendshapes": ("blendshapes",)}, _blendshapes,
             when_missing=OPTIONAL, model_key="blendshapes", after="mesh"),
)}

# A registry entry with an `attribute` (a per-face classifier) gets its record here:
# opt-in, left out of the answer when its model is not stored.
DECLARED = tuple(s for s in SOURCES if s.attribute and s.task not in TASKS)
TASKS.update({s.task: FaceTask(s.task, {s.attribute: (s.attribute,)}, _classified(s.attribute),
                               when_missing=OPTIONAL, model_key=s.attribute)
              for s in DECLARED})

# Public attribute names (as in Rekognition's Attributes), in the answer's order.
ATTRIBUTES = ("age", "gender", "emotion", "pose", "expression", "colour", "landmarks",
              "embedding", "beauty", "ethnicity", "obstruction", "hair", "blendshapes",
              *(s.attribute for s in DECLARED))
# Opt-in attributes: only when asked for by name or with 'all'. Ethnicity (race) too:
# no offline model of it could be checked against labels (docs/models.md "Race").
OPT_IN = ("embedding", "landmarks", "beauty", "ethnicity", "blendshapes",
          *(s.attribute for s in DECLARED))

# Attributes every one of whose tasks is optional: left out of the answer when none
# of their models is stored.
OPTIONAL_ATTRIBUTES = tuple(
    a for a in ATTRIBUTES
    if all(t.when_missing == OPTIONAL for t in TASKS.values() if a in t.fields))
# Tasks that run without a model required for them (absent when missing, not null).
ABSENT_WHEN_MISSING = tuple(t.name for t in TASKS.values() if t.when_missing != REQUIRED)


def tasks_for(attribute: str, gender_task: str) -> list[FaceTask]:
    """The tasks that fill an attribute here: gender comes from one task only."""
    found = [t for t in TASKS.values() if attribute in t.fields]
    if attribute == "gender":
        found = [t for t in found if t.name == gender_task]
    return found
