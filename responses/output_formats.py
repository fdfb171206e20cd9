"""Other clients' JSON shapes, built from the native /analyze result.

- Scaleflex-style (`output_format=scaleflex` on /analyze and /analyze-base64):
  faces keyed face_0 (most prominent), face_1, ...
- InsightFace-style faces (/v1/models/insightface:detect).

Fields no installed model answers are null, with the reason under `unavailable`.
"""

from __future__ import annotations

import uuid

from compat import scales
from compat.service_info import VERSION

OUTPUT_FORMATS = ("native", "scaleflex")
NO_ETHNICITY = "race comes from the ethnicity attribute, which was not asked for"
NO_QUALITY = "the quality assessment did not run"
NO_MASK = "the mask check did not run"
NO_LIVENESS = "the liveness models did not run"


def check_output_format(value: str | None) -> str:
    value = (value or "native").strip().lower()
    if value not in OUTPUT_FORMATS:
        raise ValueError(f"output_format {value[:40]!r} is not one of {list(OUTPUT_FORMATS)}")
    return value


def _why(record: dict, field: str, default: str) -> str:
    return (record.get("unavailable") or {}).get(field) or default


def _gender(record: dict) -> str | None:
    gender = record.get("gender")
    return gender.get("value") if isinstance(gender, dict) else None


def _ethnicity(record: dict) -> dict | None:
    """The ethnicity classifier's {dominant, confidence, scores}, when it answered."""
    ethnicity = record.get("ethnicity")
    return ethnicity if isinstance(ethnicity, dict) else None


def scaleflex(result: dict, request_uuid: str | None = None) -> dict:
    """Scaleflex's envelope (status, version, request_uuid) and its spellings: box in
    whole pixels, emotions and races in percent, age a whole number, gender 'Male' /
    'Female' (compat/scales.py)."""
    faces = {}
    for index, record in enumerate(result["faces"]):
        emotion = record.get("emotion")
        ethnicity = _ethnicity(record)
        unavailable = {}
        if ethnicity is None:
            unavailable["races"] = unavailable["dominant_race"] = _why(
                record, "ethnicity", NO_ETHNICITY)
        emotions = None
        if isinstance(emotion, dict):
            emotions = {name: scales.percent(value) for name, value in emotion["scores"].items()}
        else:
            unavailable["emotions"] = unavailable["dominant_emotion"] = _why(
                record, "emotion", "emotion was not requested")
        if record.get("age") is None:
            unavailable["age"] = _why(record, "age", "age was not requested")
        if _gender(record) is None:
            unavailable["gender"] = _why(record, "gender", "gender was not requested")
        faces[f"face_{index}"] = {
            "box": scales.pixel_box(record["bbox"]),
            "confidence": record["confidence"],
            "emotions": emotions,
            "dominant_emotion": emotion.get("dominant") if isinstance(emotion, dict) else None,
            "races": {name: scales.percent(value)
                      for name, value in ethnicity["scores"].items()} if ethnicity else None,
            "dominant_race": ethnicity["dominant"] if ethnicity else None,
            "age": scales.whole_years(record.get("age")),
            "gender": scales.title_gender(_gender(record)),
            "unavailable": unavailable,
        }
    return {"status": "success", "version": VERSION,
            "request_uuid": request_uuid or str(uuid.uuid4()), "faces": faces, "face_count": len(faces), "image": result["image"],
            "models": result["models"]}


def insightface_face(record: dict, extras: dict | None = None) -> dict:
    """InsightFace's spellings (compat/scales.py): gender 'Male' / 'Female', age_bracket
    '40-49 years old', quality 0..1 (the quality totalScore / 100). extras: {"quality", "mask_confidence", "liveness_confidence"} measured for this
    face (a value, or None with the reason under extras["unavailable"])."""
    pose = record.get("pose") or {}
    extras = extras or {}
    ethnicity = _ethnicity(record)
    unavailable = {"quality": NO_QUALITY, "mask_confidence": NO_MASK,
                   "liveness_confidence": NO_LIVENESS}
    if ethnicity is None:
        unavailable["race"] = _why(record, "ethnicity", NO_ETHNICITY)
    for field in ("quality", "mask_confidence", "liveness_confidence"):
        if extras.get(field) is not None:
            del unavailable[field]
        elif field in extras.get("unavailable", {}):
            unavailable[field] = extras["unavailable"][field]
    for field, source in (("feature", "embedding"), ("gender", "gender"),
                          ("age_bracket", "age_bracket")):
        if record.get(source) is None:
            unavailable[field] = _why(record, source, f"{source} was not computed")
    if not pose:
        for field in ("roll", "yaw", "pitch"):
            unavailable[field] = _why(record, "pose", "pose was not computed")
    return {
        "bounding_box": record["bbox"],
        "confidence": record["confidence"],
        "landmarks": list(record["landmarks"].values()),
        "feature": record.get("embedding"),
        "roll": pose.get("roll"),
        "yaw": pose.get("yaw"),
        "pitch": pose.get("pitch"),
        "quality": scales.fraction_of_percent(extras.get("quality")),
        "mask_confidence": extras.get("mask_confidence"),
        "liveness_confidence": extras.get("liveness_confidence"),
        "gender": scales.title_gender(_gender(record)),
        "age_bracket": scales.age_bracket_years(record.get("age_bracket")),
        "race": scales.title_gender(ethnicity["dominant"]) if ethnicity else None,
        "unavailable": unavailable,
    }
