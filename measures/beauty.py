"""Beauty: the HCP-style `chopped_score`, heuristic factors measured on the mesh,
combined with the learned score of analyzers/face_models/beauty.py's ResNet-50 when it answers.

Every factor is a documented function of the [478, 3] MediaPipe mesh in image
pixels (z on the same scale) and the image:

- `symmetry`: how well the face matches its own mirror image. Each mesh point
  is swapped with its mirror partner (analyzers/face_models/mesh_mirror.py) and the x axis
  negated, the mirrored mesh is aligned rigidly (Kabsch, 3-D, so head pose
  does not count) onto the original, and the RMS residual is divided by the
  outer eye-corner distance. 0 = perfectly symmetric.
- `proportions`: four neo-classical facial canons (Farkas et al. 1985; the
  canons of Renaissance artists): the orbital canon (intercanthal distance =
  eye fissure width), the naso-ocular canon (nose width = intercanthal
  distance), the naso-oral canon (mouth width = 1.5 x nose width) and the
  equal lower facial thirds (glabella-subnasale = subnasale-menton). Each
  ratio is scored by its log deviation from the canon. 3-D distances, so a
  turned head does not shorten them.
- `skin_evenness`: the spread of CIE L*a*b* on the cheek and forehead patches
  (the regions of measures/colour.py): per region the root of the summed
  channel variances (a Delta E*ab-like spread), averaged over the regions.

Scores are 0-100. The learned `beauty_score` (1.0-5.0, SCUT-FBP5500's scale)
enters as (score - 1) / 4 x 100.
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.face_models.mesh_mirror import MIRROR
from measures import colour

# symmetry: asymmetry (RMS / eye distance) scored 100 at 0, 0 at SYMMETRY_ZERO
SYMMETRY_ZERO = 0.12
# proportions: a canon ratio off by this factor (either way) scores 0
PROPORTION_ZERO = 1.5
# skin: spread (Delta E) at or below SKIN_BEST scores 100, at SKIN_ZERO 0
SKIN_BEST, SKIN_ZERO = 4.0, 16.0
# chopped_score weights of the heuristic factors, and of the learned score when present
WEIGHTS = {"symmetry": 0.4, "proportions": 0.35, "skin_evenness": 0.25}
LEARNED_WEIGHT = 0.5

# mesh indices
EYE_OUTER = (33, 263)
EYE_INNER = (133, 362)
NOSE_WIDTH = (64, 294)  # alar base, either side
MOUTH_CORNERS = (61, 291)
GLABELLA, SUBNASALE, MENTON = 9, 2, 152

CANONS = {
    # name: (numerator, denominator, ideal ratio)
    "orbital": ("intercanthal", "eye_width", 1.0),
    "naso_ocular": ("nose_width", "intercanthal", 1.0),
    "naso_oral": ("mouth_width", "nose_width", 1.5),
    "lower_thirds": ("midface", "lower_face", 1.0),
}


def _points(points) -> np.ndarray:
    pts = np.asarray(points, np.float64)
    if pts.ndim != 2 or pts.shape[0] < 478 or pts.shape[1] < 3:
        raise ValueError("points must be the [478, 3] mesh in image pixels")
    return pts[:478, :3]


def _linear(value: float, best: float, zero: float) -> float:
    """100 at `best`, 0 at `zero`, linear between, clipped."""
    return round(100.0 * float(np.clip((zero - value) / (zero - best), 0.0, 1.0)), 1)


def asymmetry(points) -> float:
    """RMS distance between the mesh and its mirror image (partners swapped, x negated,
    rigidly aligned in 3-D), divided by the outer eye-corner distance."""
    pts = _points(points)
    mirrored = pts[list(MIRROR)] * np.array([-1.0, 1.0, 1.0])
    a = pts - pts.mean(axis=0)
    b = mirrored - mirrored.mean(axis=0)
    u, _, vt = np.linalg.svd(b.T @ a)
    d = np.sign(np.linalg.det(u @ vt))
    rotation = u @ np.diag([1.0, 1.0, d]) @ vt
    residual = b @ rotation - a
    rms = math.sqrt(float((residual ** 2).sum(axis=1).mean()))
    return rms / float(np.linalg.norm(pts[EYE_OUTER[0]] - pts[EYE_OUTER[1]]))


def symmetry(points) -> dict:
    value = asymmetry(points)
    return {"score": _linear(value, 0.0, SYMMETRY_ZERO), "asymmetry": round(value, 4)}


def measurements(points) -> dict:
    """The 3-D distances the canons compare, in pixels."""
    pts = _points(points)

    def dist(i, j):
        return float(np.linalg.norm(pts[i] - pts[j]))

    return {
        "intercanthal": dist(*EYE_INNER),
        "eye_width": (dist(EYE_OUTER[0], EYE_INNER[0]) + dist(EYE_OUTER[1], EYE_INNER[1])) / 2,
        "nose_width": dist(*NOSE_WIDTH),
        "mouth_width": dist(*MOUTH_CORNERS),
        "midface": dist(GLABELLA, SUBNASALE),
        "lower_face": dist(SUBNASALE, MENTON),
    }


def proportions(points) -> dict:
    """Each canon's ratio and score (100 at the canon, 0 when off by PROPORTION_ZERO x),
    and their mean."""
    sizes = measurements(points)
    canons = {}
    for name, (top, bottom, ideal) in CANONS.items():
        ratio = sizes[top] / sizes[bottom] if sizes[bottom] > 0 else float("inf")
        deviation = abs(math.log(ratio / ideal)) if 0 < ratio < float("inf") else float("inf")
        canons[name] = {"ratio": round(ratio, 3), "ideal": ideal,
                        "score": _linear(deviation, 0.0, math.log(PROPORTION_ZERO))}
    score = round(float(np.mean([c["score"] for c in canons.values()])), 1)
    return {"score": score, "canons": canons}


def skin_spread(image: np.ndarray, points) -> float | None:
    """Mean over the cheek and forehead patches of sqrt(var L* + var a* + var b*); None
    when no patch has enough pixels inside the image."""
    pts = _points(points)
    spreads = []
    for poly in (colour.RIGHT_CHEEK_POLY, colour.LEFT_CHEEK_POLY, colour.FOREHEAD_POLY):
        mask = colour._polygon_mask(image.shape, [pts[list(poly)]])
        if mask.sum() < colour.MIN_REGION_PIXELS:
            continue
        lab = colour.rgb_to_lab(image[mask])
        spreads.append(math.sqrt(float(lab.var(axis=0).sum())))
    return float(np.mean(spreads)) if spreads else None


def skin_evenness(image: np.ndarray, points) -> dict | None:
    value = skin_spread(image, points)
    if value is None:
        return None
    return {"score": _linear(value, SKIN_BEST, SKIN_ZERO), "spread": round(value, 2)}


def chopped_score(image: np.ndarray, points, beauty_score: float | None = None,
                  beauty_model: str | None = None) -> dict:
    """The combined 0-100 score: the weighted heuristic factors, averaged half and half
    with the learned score when there is one."""
    components = {"symmetry": symmetry(points), "proportions": proportions(points),
                  "skin_evenness": skin_evenness(image, points)}
    present = {k: v["score"] for k, v in components.items() if v is not None}
    weight = sum(WEIGHTS[k] for k in present)
    heuristic = sum(WEIGHTS[k] * s for k, s in present.items()) / weight
    if beauty_score is not None:
        learned = (float(beauty_score) - 1.0) / 4.0 * 100.0
        value = LEARNED_WEIGHT * learned + (1 - LEARNED_WEIGHT) * heuristic
        components["beauty_model"] = {"score": round(learned, 1),
                                      "beauty_score": round(float(beauty_score), 3)}
        note = (f"{LEARNED_WEIGHT:.0%} the learned beauty score, "
                f"{1 - LEARNED_WEIGHT:.0%} heuristics")
    else:
        value = heuristic
        note = "heuristics only: no beauty model is installed (face-beauty-resnet50)"
    return {"value": round(float(np.clip(value, 0, 100)), 1),
            "heuristic": round(heuristic, 1), "components": components,
            "beauty_model": beauty_model if beauty_score is not None else None, "note": note}
