"""Eye / mouth state and smile from the 478-point mesh (analyzers.face_models.mesh).

"left" and "right" are the SUBJECT's own left and right (MediaPipe's naming):
the subject's left eye is the one on the image's right in an unmirrored photo.

Ratios use 3-D distances (z is in the same pixel scale as x and y), so they
change little when the head turns; the smile measure is taken in a
head-aligned frame (the head rotation from measures.pose is undone first).

Thresholds were set by measuring the real test photos (testkit/photos.py:
obama, obama2, obama3, biden, grace_hopper, astronaut, the six faces of t1,
Tom_Hanks); the measured values are listed next to each constant.
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.face_models import mesh as m
from measures.pose import head_pose, head_rotation

# Eye aspect ratio (mean of the two lid gaps / corner distance, 3-D).
# Measured on the photos (left/right): open eyes 0.20-0.37 -- the lowest are
# eyes narrowed by a broad smile (obama.jpg 0.20/0.21, t1 Matthew Perry
# 0.21/0.24), astronaut 0.37, biden 0.24, grace_hopper 0.29/0.28, obama2
# 0.32/0.30; eyes shut or nearly shut while looking down 0.10-0.13 (t1 Lisa
# Kudrow 0.12/0.13, Jennifer Aniston 0.13/0.10).  0.165 sits between the two
# groups.
EYE_OPEN_THRESHOLD = 0.165
# Beyond this |yaw| the far eye is barely visible and its contour is a guess
# (t1 Matt LeBlanc, yaw -54: far eye 0.14, near eye 0.26): the far eye then
# takes the near eye's state and is marked "estimated".
FAR_EYE_YAW = 35.0

# Inner-lip gap (13-14) / mouth width (61-291), 3-D.
# Measured: closed lips 0.01-0.06 (biden 0.01, grace_hopper 0.02, t1
# Courteney Cox 0.04, Jennifer Aniston 0.06); parted lips 0.08 and up
# (t1 Matt LeBlanc talking 0.08-0.09, obama3 teeth just visible 0.11, t1
# Matthew Perry 0.14, astronaut 0.17, obama 0.25, obama2 talking 0.44).
# 0.07 splits them; t1 Lisa Kudrow (lips barely apart) reads 0.06-0.09
# depending on the detector box, i.e. right at the boundary.
MOUTH_OPEN_THRESHOLD = 0.07

# Smile, from two head-frame measures (the head rotation is undone first):
#   width_ratio  = mouth width (61-291) / outer-eye-corner distance (33-263);
#                  a smile stretches the mouth: neutral / talking 0.59-0.68,
#                  smiling 0.68-0.88 on the photos;
#   corner_drop  = how far the mouth corners sit below the top of the upper
#                  lip (0), / mouth width; a smile pulls the corners up to
#                  the lip line: neutral 0.11-0.30, smiling 0.05-0.13.
# smile evidence = width_ratio - 0.5 * corner_drop: smiling faces 0.63-0.84
# (t1 Matthew Perry 0.63, obama3 0.64, Lisa Kudrow 0.63, David Schwimmer
# 0.67, astronaut 0.72, obama 0.84), neutral / talking 0.48-0.61 (biden 0.61,
# grace_hopper 0.60, obama2 0.55, t1 others 0.43-0.50, Tom Hanks 0.52).
# score = logistic(SMILE_GAIN * (evidence - SMILE_CENTER)).
SMILE_DROP_WEIGHT = 0.5
SMILE_CENTER = 0.625  # midway between biden (0.61) and the lowest smiles (0.63-0.64)
SMILE_GAIN = 40.0
SMILE_THRESHOLD = 0.5


def _pts(points) -> np.ndarray:
    pts = np.asarray(points, np.float64)
    if pts.ndim != 2 or pts.shape[0] < 468 or pts.shape[1] != 3:
        raise ValueError("points must be [478, 3] (x, y, z)")
    return pts


def _dist(pts, a, b) -> float:
    return float(np.linalg.norm(pts[a] - pts[b]))


def eye_aspect_ratio(points, ear_indices) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) on the sextuple (corner, upper,
    upper, corner, lower, lower)."""
    pts = _pts(points)
    p1, p2, p3, p4, p5, p6 = ear_indices
    width = _dist(pts, p1, p4)
    if width <= 1e-6:
        return 0.0
    return (_dist(pts, p2, p6) + _dist(pts, p3, p5)) / (2.0 * width)


def eyes_open(points, yaw: float | None = None) -> dict:
    """{"left": {"open", "ratio", "estimated", "threshold"}, "right": {...}} -- the
    subject's own left / right eye; ratio = eye aspect ratio.  ``yaw`` (from
    measures.pose.head_pose; computed when not given) decides whether one eye
    is turned away: then it gets the near eye's state and "estimated": True."""
    pts = _pts(points)
    if yaw is None:
        yaw = head_pose(pts)["yaw"]
    out = {}
    for side, idx in (("left", m.LEFT_EYE_EAR), ("right", m.RIGHT_EYE_EAR)):
        ratio = eye_aspect_ratio(pts, idx)
        out[side] = {"open": bool(ratio >= EYE_OPEN_THRESHOLD), "ratio": round(ratio, 4),
                     "estimated": False, "threshold": EYE_OPEN_THRESHOLD}
    if abs(yaw) > FAR_EYE_YAW:
        # yaw > 0: the head turns to the subject's left, so the left eye is far
        far, near = ("left", "right") if yaw > 0 else ("right", "left")
        out[far]["open"] = out[near]["open"]
        out[far]["estimated"] = True
    return out


def mouth_open(points) -> dict:
    """{"value": bool, "ratio": inner-lip gap / mouth width}."""
    pts = _pts(points)
    width = _dist(pts, m.MOUTH_RIGHT, m.MOUTH_LEFT)
    gap = _dist(pts, m.UPPER_LIP_INNER, m.LOWER_LIP_INNER)
    ratio = gap / width if width > 1e-6 else 0.0
    return {"value": bool(ratio >= MOUTH_OPEN_THRESHOLD), "ratio": round(ratio, 4),
            "threshold": MOUTH_OPEN_THRESHOLD}


def head_frame(points) -> np.ndarray:
    """The mesh rotated back to a frontal, upright head (x towards the
    subject's left = image right, y down, z away), centred on the nose tip."""
    pts = _pts(points)
    rot = head_rotation(pts)
    return (pts - pts[m.NOSE_TIP]) @ rot


def smile_measures(points) -> dict:
    """The two head-frame measures behind ``smiling`` (see the constants)."""
    local = head_frame(points)
    right, left = local[m.MOUTH_RIGHT], local[m.MOUTH_LEFT]
    width = float(np.linalg.norm(left - right))
    eyes = float(np.linalg.norm(local[m.LEFT_EYE_OUTER] - local[m.RIGHT_EYE_OUTER]))
    corners_y = (right[1] + left[1]) / 2.0
    drop = (corners_y - local[m.UPPER_LIP_TOP, 1]) / width if width > 1e-6 else 0.0
    return {"width_ratio": width / eyes if eyes > 1e-6 else 0.0, "corner_drop": float(drop)}


def smiling(points) -> dict:
    """{"value": bool, "score": 0..1, "width_ratio", "corner_drop"}."""
    meas = smile_measures(points)
    evidence = meas["width_ratio"] - SMILE_DROP_WEIGHT * meas["corner_drop"]
    score = 1.0 / (1.0 + math.exp(-SMILE_GAIN * (evidence - SMILE_CENTER)))
    return {"value": bool(score >= SMILE_THRESHOLD), "score": round(score, 4),
            "width_ratio": round(meas["width_ratio"], 4),
            "corner_drop": round(meas["corner_drop"], 4)}


def analyze(points, yaw: float | None = None) -> dict:
    """All three at once."""
    return {"eyes_open": eyes_open(points, yaw), "mouth_open": mouth_open(points),
            "smiling": smiling(points)}
