"""The precision every native number keeps (boxes, points, scores): part of the
analysis record itself (analyzers round what they merge too), so the analysis and the
responses share it from here rather than the analysis importing a response module."""

from __future__ import annotations


def pixels(values) -> list[float]:
    """A box or point in image pixels, to 0.1 px."""
    return [round(float(v), 1) for v in values]


def score(value) -> float:
    """A detector score, to 5 decimals."""
    return round(float(value), 5)


def fractions(box, width: int, height: int, clip: bool = True) -> list[float]:
    """A box as fractions of the image's width and height, to 5 decimals (clipped to
    0..1 unless clip=False)."""
    x1, y1, x2, y2 = (float(v) for v in box)
    values = (x1 / width, y1 / height, x2 / width, y2 / height)
    return [round(min(max(v, 0.0), 1.0) if clip else v, 5) for v in values]
