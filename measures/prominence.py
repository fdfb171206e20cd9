"""Which face is the main one: ranking for /analyze and the ID-document pick.

On an ID document the holder's photo is the largest face, and sits towards the
top; ghost images and small secondary photos are smaller. The score weights
size 0.7 and closeness to the top-centre 0.3, each on 0-100.
"""

from __future__ import annotations

import math

SIZE_WEIGHT, POSITION_WEIGHT = 0.7, 0.3
# The reference point, as a fraction of width and height: horizontally centred,
# a quarter of the way down, where portrait photos and card photos put the face.
TOP_CENTRE = (0.5, 0.25)


def box_area(box) -> float:
    x1, y1, x2, y2 = box
    return max(0.0, float(x2) - float(x1)) * max(0.0, float(y2) - float(y1))


def rank_by_size(boxes) -> list[int]:
    """Indices of the boxes, largest first (ties keep detector order)."""
    return sorted(range(len(boxes)), key=lambda i: -box_area(boxes[i]))


def prominence_scores(boxes, width: int, height: int) -> list[dict]:
    largest = max((box_area(b) for b in boxes), default=0.0) or 1.0
    rx, ry = TOP_CENTRE[0] * width, TOP_CENTRE[1] * height
    # the farthest any point of the image can be from the reference point
    farthest = max(math.hypot(cx - rx, cy - ry) for cx in (0, width) for cy in (0, height))
    scores = []
    for box in boxes:
        x1, y1, x2, y2 = (float(v) for v in box)
        size_score = 100.0 * box_area(box) / largest
        distance = math.hypot((x1 + x2) / 2 - rx, (y1 + y2) / 2 - ry)
        position_score = 100.0 * (1.0 - distance / farthest)
        scores.append({
            "size_score": round(size_score, 2),
            "position_score": round(position_score, 2),
            "combined_score": round(SIZE_WEIGHT * size_score + POSITION_WEIGHT * position_score, 2),
        })
    return scores
