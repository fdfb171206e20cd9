"""Face templates, and 1:1 verification against a measured FAR/FRR table.

A template is the standard base64 of a UTF-8 JSON envelope:

    {"format": "face-template", "version": 1,
     "model": "face-embedding-dlib:<version>",   # the full model tag
     "size": 128, "dtype": "float32<",          # little-endian float32
     "embedding": "<base64 of size*4 bytes>"}    # the raw (unnormalised) descriptor

The embedding is the model's raw output (dlib: the raw descriptor, because its
published rule, same person if the euclidean distance is below 0.6, holds for
raw descriptors; ArcFace: the unit vector). Two templates are compared only
when their model tags are the same, under that model's rule
(analyzers/face_models/embedding.py METRICS).

Scores: `score` is 0-100, 100 * (1 - distance / (2 * the model's threshold))
clipped to [0, 100], so the model's own threshold (dlib 0.6, ArcFace 1.2) sits at
score 50; it is a rescaled distance, not a probability.
`fa_r` / `fr_r` are the false-accept / false-reject rates measured at that
distance (decision rule: distance < t), interpolated linearly in the table that
training/calibration/calibrate.py wrote to models/calibration/<model name>.json.
A template's model is looked up by name among the registry's embedding models
(models/registry.py), never used as a path: any other name is 400, the same
answer whether or not a file of that name exists anywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from analyzers.face_models.embedding import DLIB, Metric
from inputs.json_nesting import MAX_JSON_DEPTH, json_depth
from models.registry import BY_NAME

FORMAT = "face-template"
VERSION = 1
CALIBRATION_DIR = Path(__file__).resolve().parent.parent / "models" / "calibration"
MAX_TEMPLATE_CHARS = 64_000
DEFAULT_OPERATING_POINT = "model"
OPERATING_POINT_HELP = (
    "'model' (default: the model's own threshold, dlib distance < 0.6, ArcFace < 1.2; "
    "'dlib' is accepted as the same), 'far=<rate>' (the largest measured threshold whose "
    "false-accept rate is at most <rate>, e.g. far=1e-3), or a distance threshold as a "
    "number, e.g. '0.55'")


class TemplateError(ValueError):
    """A malformed template or one that cannot be compared (422)."""

    status = 422
    code = "bad_template"


class UnknownModel(TemplateError):
    """A template naming a model that is not one of the registry's embedding models."""

    status = 400
    code = "unknown_model"


#: The models a template may name: the registry's embedding models.
EMBEDDING_MODELS = frozenset(name for name, source in BY_NAME.items()
                             if source.task == "embedding")
_VERSION = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def model_name(model: str, name: str = "template") -> str:
    """The registry name of a template's model tag (`<name>:<version>`); UnknownModel
    unless it is an embedding model of the registry with a plain version."""
    registry_name, colon, version = model.partition(":")
    if registry_name not in EMBEDDING_MODELS or (colon and not _VERSION.fullmatch(version)):
        raise UnknownModel(f"{name} names a model that is not one of this server's "
                           f"embedding models ({', '.join(sorted(EMBEDDING_MODELS))})")
    return registry_name


@dataclass(frozen=True)
class Template:
    """An embedding and the model (`name:version`) that made it: in a `$template`
    string and in a gallery's stored face alike."""
    model: str
    vector: np.ndarray  # float32, raw descriptor

    @property
    def size(self) -> int:
        return int(self.vector.shape[0])

    @property
    def name(self) -> str:
        return self.model.split(":", 1)[0]

    @property
    def version(self) -> str:
        return self.model.split(":", 1)[1] if ":" in self.model else ""


def encode(embedding, model: str) -> str:
    vector = np.asarray(embedding, dtype="<f4").ravel()
    envelope = {"format": FORMAT, "version": VERSION, "model": model, "size": int(vector.size),
                "dtype": "float32<", "embedding": base64.b64encode(vector.tobytes()).decode()}
    text = json.dumps(envelope, separators=(",", ":"))
    return base64.b64encode(text.encode()).decode()


def decode(template: str, name: str = "template") -> Template:
    if not isinstance(template, str) or not template.strip():
        raise TemplateError(f"{name} is empty")
    if len(template) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"{name} is {len(template)} characters, the limit is "
                            f"{MAX_TEMPLATE_CHARS}")
    try:
        text = base64.b64decode(template.strip(), validate=True)
        # json.loads recurses per level: thousands of [ would raise RecursionError
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ValueError("nested too deep")
        envelope = json.loads(text)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise TemplateError(f"{name} is not a base64 JSON template (see /templates/extract)") \
            from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise TemplateError(f"{name} is not a {FORMAT} envelope")
    if envelope.get("version") != VERSION:
        raise TemplateError(f"{name} has version {str(envelope.get('version'))[:20]!r}; "
                            f"this server reads version {VERSION}")
    model, size = envelope.get("model"), envelope.get("size")
    if not isinstance(model, str) or not model or len(model) > 200:
        raise TemplateError(f"{name} names no model")
    model_name(model, name)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 4096:
        raise TemplateError(f"{name} has an invalid size")
    if envelope.get("dtype") != "float32<":
        raise TemplateError(f"{name} has an unsupported dtype (float32< expected)")
    try:
        raw = base64.b64decode(str(envelope.get("embedding", "")), validate=True)
    except (binascii.Error, ValueError):
        raise TemplateError(f"{name}'s embedding is not base64") from None
    if len(raw) != 4 * size:
        raise TemplateError(f"{name}'s embedding has {len(raw)} bytes; size {size} needs "
                            f"{4 * size}")
    vector = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if not np.all(np.isfinite(vector)):
        raise TemplateError(f"{name}'s embedding holds non-finite values")
    return Template(model, vector)


# -------------------------------------------------------------- calibration
class Calibration:
    """The measured FAR/FRR table of one embedding model."""

    def __init__(self, data: dict, path: Path | None = None):
        self.data = data
        self.path = path
        rows = data["table"]
        self.distances = np.array([r["distance"] for r in rows], np.float64)
        self.far = np.array([r["far"] for r in rows], np.float64)
        self.frr = np.array([r["frr"] for r in rows], np.float64)
        if np.any(np.diff(self.distances) <= 0):
            raise ValueError("calibration table distances must increase")

    @property
    def model(self) -> str:
        return self.data["model"]

    def rates(self, distance: float) -> tuple[float, float]:
        """(FAR, FRR) of the rule 'distance < t' at t = distance, linearly interpolated."""
        return (float(np.interp(distance, self.distances, self.far)),
                float(np.interp(distance, self.distances, self.frr)))

    def threshold_for_far(self, rate: float) -> float:
        """The largest tabulated threshold whose measured FAR is at most `rate`."""
        allowed = self.distances[self.far <= rate]
        return float(allowed.max()) if allowed.size else float(self.distances[0])

    def summary(self) -> dict:
        d = self.data
        return {"model": d["model"], "created": d.get("created"), "script": d.get("script"),
                "pairs": d.get("pairs"), "caveat": d.get("caveat")}


def load_calibration(model: str, folder: str = str(CALIBRATION_DIR)) -> Calibration | None:
    """The table for a model tag (looked up by its registry name, never as a path:
    UnknownModel for any other name); None if none was measured."""
    return _calibration(model_name(model), folder)


@lru_cache(maxsize=None)
def _calibration(registry_name: str, folder: str) -> Calibration | None:
    path = Path(folder) / f"{registry_name}.json"
    if not path.is_file():
        return None
    return Calibration(json.loads(path.read_text()), path)


def score_of(distance: float, model_threshold: float = 0.6) -> float:
    scaled = 100.0 * (1.0 - distance / (2.0 * model_threshold))
    return round(float(np.clip(scaled, 0.0, 100.0)), 2)


def resolve_operating_point(point: str | float | None, calibration: Calibration | None,
                            model_threshold: float) -> tuple[str, float]:
    """(label, distance threshold) for an operating point (see OPERATING_POINT_HELP)."""
    if point is None or (isinstance(point, str) and point.strip() in ("", "model", "dlib")):
        return "model", float(model_threshold)
    text = str(point).strip().lower()
    if text.startswith("far="):
        try:
            rate = float(text[4:])
        except ValueError:
            raise TemplateError(f"operating_point {text[:40]!r}: far=<rate> needs a number") \
                from None
        if not 0.0 < rate < 1.0:
            raise TemplateError("operating_point far=<rate> needs 0 < rate < 1")
        if calibration is None:
            raise TemplateError("no calibration table for this model, so far=<rate> "
                                "operating points are not available")
        return f"far={rate:g}", calibration.threshold_for_far(rate)
    try:
        threshold = float(text)
    except ValueError:
        raise TemplateError(f"operating_point {text[:40]!r} is not understood; "
                            + OPERATING_POINT_HELP) from None
    if not 0.01 <= threshold <= 4.0:
        raise TemplateError("an operating_point threshold must be between 0.01 and 4.0")
    return "threshold", threshold


def verify(first: Template, second: Template, operating_point=None,
           metric: Metric = DLIB, calibration: Calibration | None = None) -> dict:
    if first.model != second.model:
        raise TemplateError(f"the templates come from different models ({first.model[:100]} "
                            f"and {second.model[:100]}) and cannot be compared")
    if first.size != second.size:
        raise TemplateError(f"the templates have different sizes ({first.size} and "
                            f"{second.size})")
    label, threshold = resolve_operating_point(operating_point, calibration, metric.threshold)
    distance = metric.distance(first.vector, second.vector)
    result = {"distance": round(distance, 6), "score": score_of(distance, metric.threshold),
              "threshold": round(threshold, 6), "operating_point": label,
              "match": distance < threshold, "model": first.model}
    if calibration is not None:
        fa_r, fr_r = calibration.rates(distance)
        at_far, at_frr = calibration.rates(threshold)
        result.update(fa_r=round(fa_r, 6), fr_r=round(fr_r, 6),
                      operating_point_far=round(at_far, 6), operating_point_frr=round(at_frr, 6),
                      calibration=calibration.summary())
        if calibration.model != first.model:
            result["calibration"]["note"] = (f"table measured with {calibration.model}, "
                                             f"templates from {first.model}")
    else:
        result.update(fa_r=None, fr_r=None, operating_point_far=None, operating_point_frr=None,
                      calibration=None,
                      unavailable={"fa_r": "no calibration table for this model",
                                   "fr_r": "no calibration table for this model"})
    return result
