"""Reading a native /analyze face record for the compatibility shapes: a field's value
where it answered, else the reason it is null."""

from __future__ import annotations

NO_ETHNICITY = "race comes from the ethnicity attribute, which was not asked for"


def why(record: dict, field: str, default: str) -> str:
    return (record.get("unavailable") or {}).get(field) or default


def gender(record: dict) -> str | None:
    value = record.get("gender")
    return value.get("value") if isinstance(value, dict) else None


def ethnicity(record: dict) -> dict | None:
    """The ethnicity classifier's {dominant, confidence, scores}, when it answered."""
    value = record.get("ethnicity")
    return value if isinstance(value, dict) else None
