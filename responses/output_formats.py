"""Other clients' JSON shapes, built from the native /analyze result.

- Scaleflex-style (`output_format=scaleflex` on /analyze and /analyze-base64):
  faces keyed face_0 (most prominent), face_1, ...
- InsightFace-style faces (/v1/models/insightface:detect).

Fields no installed model answers are null, with the reason under `unavailable`.
"""

from __future__ import annotations

OUTPUT_FORMATS = ("native", "scaleflex")
NO_ETHNICITY = ("no ethnicity model is in the store (face-ethnicity-vit, set full: "
                "python -m models import --only face-ethnicity-vit)")
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


def scaleflex(result: dict) -> dict:
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
            emotions = {name: round(float(value) * 100.0, 2)
                        for name, value in emotion["scores"].items()}
        else:
            unavailable["emotions"] = unavailable["dominant_emotion"] = _why(
                record, "emotion", "emotion was not requested")
        if record.get("age") is None:
            unavailable["age"] = _why(record, "age", "age was not requested")
        if _gender(record) is None:
            unavailable["gender"] = _why(record, "gender", "gender was not requested")
        faces[f"face_{index}"] = {
            "box": record["bbox"],
            "confidence": record["confidence"],
            "emotions": emotions,
            "dominant_emotion": emotion.get("dominant") if isinstance(emotion, dict) else None,
            "races": {name: round(float(value) * 100.0, 2)
                      for name, value in ethnicity["scores"].items()} if ethnicity else None,
            "dominant_race": ethnicity["dominant"] if ethnicity else None,
            "age": record.get("age"),
            "gender": _gender(record),
            "unavailable": unavailable,
        }
    return {"faces": faces, "face_count": len(faces), "image": result["image"],
            "models": result["models"]}


def insightface_face(record: dict, extras: dict | None = None) -> dict:
    """extras: {"quality", "mask_confidence", "liveness_confidence"} measured for this
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
        "quality": extras.get("quality"),
        "mask_confidence": extras.get("mask_confidence"),
        "liveness_confidence": extras.get("liveness_confidence"),
        "gender": _gender(record),
        "age_bracket": record.get("age_bracket"),
        "race": ethnicity["dominant"] if ethnicity else None,
        "unavailable": unavailable,
    }
