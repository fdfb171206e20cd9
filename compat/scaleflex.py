"""Scaleflex's face-analysis shape (`output_format=scaleflex` on /analyze,
/analyze-base64 and the batches), built from the native /analyze result: faces keyed
face_0 (most prominent), face_1, ...; fields no installed model answers are null, with
the reason under `unavailable`."""

from __future__ import annotations

import uuid

from compat import scales
from compat.records import NO_ETHNICITY, ethnicity, gender, why
from front.service_version import VERSION


def scaleflex(result: dict, request_uuid: str | None = None) -> dict:
    """Scaleflex's envelope (status, version, request_uuid) and its spellings: box in
    whole pixels, emotions and races in percent, age a whole number, gender 'Male' /
    'Female' (compat/scales.py)."""
    faces = {}
    for index, record in enumerate(result["faces"]):
        emotion = record.get("emotion")
        races = ethnicity(record)
        unavailable = {}
        if races is None:
            unavailable["races"] = unavailable["dominant_race"] = why(
                record, "ethnicity", NO_ETHNICITY)
        emotions = None
        if isinstance(emotion, dict):
            emotions = {name: scales.percent(value) for name, value in emotion["scores"].items()}
        else:
            unavailable["emotions"] = unavailable["dominant_emotion"] = why(
                record, "emotion", "emotion was not requested")
        if record.get("age") is None:
            unavailable["age"] = why(record, "age", "age was not requested")
        if gender(record) is None:
            unavailable["gender"] = why(record, "gender", "gender was not requested")
        faces[f"face_{index}"] = {
            "box": scales.pixel_box(record["bbox"]),
            "confidence": record["confidence"],
            "emotions": emotions,
            "dominant_emotion": emotion.get("dominant") if isinstance(emotion, dict) else None,
            "races": {name: scales.percent(value)
                      for name, value in races["scores"].items()} if races else None,
            "dominant_race": races["dominant"] if races else None,
            "age": scales.whole_years(record.get("age")),
            "gender": scales.title_gender(gender(record)),
            "unavailable": unavailable,
        }
    return {"status": "success", "version": VERSION,
            "request_uuid": request_uuid or str(uuid.uuid4()), "faces": faces, "face_count": len(faces), "image": result["image"],
            "models": result["models"]}
