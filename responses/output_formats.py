"""The shapes /analyze can answer in: its own, or Scaleflex's (compat/scaleflex.py,
chosen at the route's edge in front/flows/analysis.py)."""

from __future__ import annotations

OUTPUT_FORMATS = ("native", "scaleflex")


def check_output_format(value: str | None) -> str:
    value = (value or "native").strip().lower()
    if value not in OUTPUT_FORMATS:
        raise ValueError(f"output_format {value[:40]!r} is not one of {list(OUTPUT_FORMATS)}")
    return value
