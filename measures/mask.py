"""Is a face covered by a mask? A measured colour heuristic on the 478-point mesh.

No mask model ships in the package registries (../shared/model-sources.md), so
this compares the face with itself. CIE L*a*b* colours (cv2, 8-bit RGB scaled
to [0, 1], L 0-100) are the medians of small disc patches centred on mesh
points, radius ``PATCH_RADIUS`` x the face width (mesh points 234-454):

* ``foreheadDistance`` D: the median, over the lower-face patches (nose tip
  4, lower cheeks 205 / 425, below the lip 18, chin 199), of each patch's
  CIE76 distance to the forehead's colour (151, 108, 337, 9, 107, 336), which
  a mask leaves bare. A mask puts one material unrelated to the skin there.
* ``lipContrast`` C: CIE76 distance between the lips (upper lip between mesh
  0 and 13, lower lip between 14 and 17) and the skin around them (lower
  cheeks and chin). Lips differ from skin; a plain mask has no lips.

Neither alone separates: a white mask on a pale face in warm light stays
close to the forehead's colour (D 14.5 on t1.jpg), a patterned mask has
contrast where the lips were (C up to 69). Either one is evidence, so

    score = max(ln(D / FOREHEAD_THRESHOLD), ln(LIP_THRESHOLD / max(C, 0.5)))

and a face is masked when score >= 0.

The thresholds are the midpoints of the gaps between unmasked and masked faces on real
photos with painted masks (tests/test_mask.py); the faces, the figures and their history:
docs/accuracy.md, "2026-12-07 moved from code comments".

``confidence`` is a logistic of the distance to the decision,
1 / (1 + exp(-|score| / CONFIDENCE_SCALE)): 0.5 at the threshold, about 0.95
three scales away. It is not calibrated on any labelled data set.

Not measured (ValueError with the reason): a face turned more than MAX_YAW
(its mesh no longer lies on the mouth: measured on t1.jpg), or one whose
forehead or lower face is outside the image. Known blind spots: a
skin-coloured patterned mask, a mask that also hides the forehead, a beard
(raises D unmasked), strong make-up, light from below.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# forehead: above the brows, between the temples
REFERENCE = (151, 108, 337, 9, 107, 336)
LOWER = {
    "noseTip": (4,),
    "rightLowerCheek": (205,),
    "leftLowerCheek": (425,),
    "belowLip": (18,),
    "chin": (199,),
}
AROUND_LIPS = ("rightLowerCheek", "leftLowerCheek", "chin")
LIP_PAIRS = ((0, 13), (14, 17))   # upper lip, lower lip: the middle of each
PATCH_RADIUS = 0.035       # x face width (mesh 234 - 454)
LIP_PATCH = 0.5            # lip patches: this x PATCH_RADIUS
FOREHEAD_THRESHOLD = 27.4   # D (CIE76) above which the lower face is not skin
LIP_THRESHOLD = 7.7          # C (CIE76) below which there are no lips
MIN_LIP_CONTRAST = 0.5
CONFIDENCE_SCALE = 0.1
MAX_YAW = 45.0             # degrees
FACE_WIDTH_POINTS = (234, 454)


def _lab(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(image, np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def _patch(lab: np.ndarray, centre, radius: float):
    """Median Lab colour of a disc, or None when it lies outside the image."""
    height, width = lab.shape[:2]
    x, y = float(centre[0]), float(centre[1])
    r = max(1.5, radius)
    x1, x2 = int(math.floor(x - r)), int(math.ceil(x + r)) + 1
    y1, y2 = int(math.floor(y - r)), int(math.ceil(y + r)) + 1
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        return None
    yy, xx = np.mgrid[y1:y2, x1:x2]
    inside = (xx - x) ** 2 + (yy - y) ** 2 <= r * r
    return np.median(lab[y1:y2, x1:x2][inside], axis=0)


def _region_colour(lab, points, indices, radius):
    colours = [c for c in (_patch(lab, points[i], radius) for i in indices) if c is not None]
    return np.median(np.asarray(colours), axis=0) if colours else None


def measure(image: np.ndarray, points, yaw: float | None = None) -> dict:
    """image: HxWx3 uint8 RGB; points: [478, 2+] mesh in image pixels; yaw in
    degrees (optional) -> {"score", "foreheadDistance", "lipContrast",
    "regions": {name: distance to the forehead}}. ValueError when not measurable."""
    if yaw is not None and abs(yaw) > MAX_YAW:
        raise ValueError(f"the face is turned {abs(yaw):.0f} degrees (more than {MAX_YAW:g}): "
                         "its mouth region is not measurable")
    points = np.asarray(points, np.float64)[:, :2]
    face_width = float(np.linalg.norm(points[FACE_WIDTH_POINTS[0]] - points[FACE_WIDTH_POINTS[1]]))
    radius = PATCH_RADIUS * face_width
    # work on the face's neighbourhood only
    low = np.floor(points.min(0) - radius - 2).astype(int)
    high = np.ceil(points.max(0) + radius + 2).astype(int)
    height, width = image.shape[:2]
    x1, y1 = max(low[0], 0), max(low[1], 0)
    x2, y2 = min(high[0], width), min(high[1], height)
    if x2 - x1 < 4 or y2 - y1 < 4:
        raise ValueError("the face is outside the image")
    lab = _lab(image[y1:y2, x1:x2])
    local = points - (x1, y1)
    reference = _region_colour(lab, local, REFERENCE, radius)
    if reference is None:
        raise ValueError("the forehead is outside the image")
    colours = {name: _region_colour(lab, local, indices, radius)
               for name, indices in LOWER.items()}
    colours = {name: c for name, c in colours.items() if c is not None}
    around = [colours[name] for name in AROUND_LIPS if name in colours]
    lips = [c for c in (_patch(lab, (local[a] + local[b]) / 2, LIP_PATCH * radius)
                        for a, b in LIP_PAIRS) if c is not None]
    if len(colours) < 3 or not around or not lips:
        raise ValueError("the lower face is outside the image")
    regions = {name: float(np.linalg.norm(c - reference)) for name, c in colours.items()}
    forehead = float(np.median(list(regions.values())))
    contrast = float(np.linalg.norm(np.median(np.asarray(lips), axis=0)
                                    - np.median(np.asarray(around), axis=0)))
    return {"score": score(forehead, contrast), "foreheadDistance": forehead,
            "lipContrast": contrast, "regions": regions}


def score(forehead_distance: float, lip_contrast: float) -> float:
    """>= 0: masked. The larger of the two log ratios to their thresholds."""
    return max(math.log(max(forehead_distance, 1e-6) / FOREHEAD_THRESHOLD),
               math.log(LIP_THRESHOLD / max(lip_contrast, MIN_LIP_CONTRAST)))


def confidence(value: float, scale: float = CONFIDENCE_SCALE) -> float:
    """Logistic of the score's distance to 0 (0.5 at the threshold); not calibrated."""
    return 1.0 / (1.0 + math.exp(-abs(value) / scale))


def assess(image: np.ndarray, points, yaw: float | None = None) -> dict:
    """{"value": masked?, "confidence", "measure": "lowerFaceColour", "score",
    "threshold": 0, "foreheadDistance", "lipContrast", "thresholds", "regions"};
    ValueError as `measure`."""
    measured = measure(image, points, yaw)
    value = measured["score"]
    return {
        "value": bool(value >= 0.0),
        "confidence": round(confidence(value), 4),
        "measure": "lowerFaceColour",
        "score": round(value, 4),
        "threshold": 0.0,
        "foreheadDistance": round(measured["foreheadDistance"], 3),
        "lipContrast": round(measured["lipContrast"], 3),
        "thresholds": {"foreheadDistance": FOREHEAD_THRESHOLD, "lipContrast": LIP_THRESHOLD},
        "regions": {k: round(v, 3) for k, v in measured["regions"].items()},
    }
