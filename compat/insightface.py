"""InsightFace Ray Serve's contract: the detect answer's faces, and the compare
request's fields and its 0..1 similarity, from the native results."""

from __future__ import annotations

from compat import scales
from compat.records import NO_ETHNICITY, ethnicity, gender, why
from errors import InputError

NO_QUALITY = "the quality assessment did not run"
NO_MASK = "the mask check did not run"
NO_LIVENESS = "the liveness models did not run"

# per side: the field names a client may use, InsightFace's documented ones first
SIDES = {"image1": ("image1_url", "image1_base64", "image1"),
         "image2": ("image2_url", "image2_base64", "image2")}


def compare_sources(request) -> tuple[str, str]:
    """The image of each side: exactly one of imageN_url, imageN_base64 or imageN
    (base64, a data: URL or an http(s)/s3 URL)."""
    chosen = []
    for names in SIDES.values():
        given = [name for name in names if getattr(request, name, None) is not None]
        if len(given) != 1:
            raise InputError(422, f"send exactly one of {', '.join(names)} "
                                  f"({'none' if not given else ' and '.join(given)} given)")
        chosen.append(getattr(request, given[0]))
    return chosen[0], chosen[1]


def compare_answer(result: dict) -> dict:
    """The native comparison (front/flows/comparison.py `compared`) as InsightFace's
    {"similarity"} (0..1), with the cosine, distance and decision beside it."""
    return {"similarity": scales.similarity_fraction(result["similarity"]),
            "cosine": round(result["similarity"], 6), "distance": round(result["distance"], 6),
            "match": result["match"], "model": result["model"]}


def detected_face(record: dict, extras: dict | None = None) -> dict:
    """InsightFace's spellings (compat/scales.py): gender 'Male' / 'Female', age_bracket
    '40-49 years old', quality 0..1 (the quality totalScore / 100). extras: {"quality", "mask_confidence", "liveness_confidence"} measured for this
    face (a value, or None with the reason under extras["unavailable"])."""
    pose = record.get("pose") or {}
    extras = extras or {}
    race = ethnicity(record)
    unavailable = {"quality": NO_QUALITY, "mask_confidence": NO_MASK,
                   "liveness_confidence": NO_LIVENESS}
    if race is None:
        unavailable["race"] = why(record, "ethnicity", NO_ETHNICITY)
    for field in ("quality", "mask_confidence", "liveness_confidence"):
        if extras.get(field) is not None:
            del unavailable[field]
        elif field in extras.get("unavailable", {}):
            unavailable[field] = extras["unavailable"][field]
    for field, source in (("feature", "embedding"), ("gender", "gender"),
                          ("age_bracket", "age_bracket")):
        if record.get(source) is None:
            unavailable[field] = why(record, source, f"{source} was not computed")
    if not pose:
        for field in ("roll", "yaw", "pitch"):
            unavailable[field] = why(record, "pose", "pose was not computed")
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
        "gender": scales.title_gender(gender(record)),
        "age_bracket": scales.age_bracket_years(record.get("age_bracket")),
        "race": scales.title_gender(race["dominant"]) if race else None,
        "unavailable": unavailable,
    }
