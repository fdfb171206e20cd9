"""Face image quality in the spirit of ISO/IEC 29794-5 and ICAO 9303 (OFIQ as reference).

Plain numpy / OpenCV in and out: every measure below is a function of the
RGB image, the 478-point mesh of one face (analyzers.face_models.mesh, image pixels),
its detector box, its head pose (measures.pose), and where available the
emotion scores (analyzers.face_models.emotion) and a person-probability mask
(analyzers.image_models.segmentation).  `assess` runs them all and turns each into a
check {passed, score, value, threshold, ...}.

These are our own measures, built to follow the intent of the ISO / OFIQ
quality components; they are NOT the OFIQ algorithms and their values are not
comparable with OFIQ's.

Luminance is the BT.601 grey level (cv2 RGB2GRAY, 0-255).  The "face
region" is the polygon of the mesh's face oval (forehead to chin, cheek to
cheek).  "left" / "right" always mean the SUBJECT's own left / right (as in
measures.geometry): the subject's left half is on the image's right.

Scores.  A check with a lower bound t (value must be >= t) scores
``100 * clip(0.5 + 0.5 * (value - t) / s, 0, 1)``, with an upper bound
``... (t - value) / s``, with a range [lo, hi] the nearer bound counts: so a
check scores 50 exactly at its threshold, >= 50 iff it passes, 100 at s
beyond it and 0 at s short of it.  s ("scale") is fixed per check (below).
``totalScore`` is the mean of the scores of the checks that could be
computed; ``skipped`` names the others with the reason.

Thresholds (defaults; each overridable per request, and by the environment
variable FACE_QUALITY_THRESHOLDS as a JSON object of the same keys): DEFAULT_THRESHOLDS
and SCALES below; each check's measure, default and the test photos' values are in
docs/api.md ("Face quality") and docs/accuracy.md ("2026-12-07 moved from code comments").
notMasked is measures/mask.py's colour heuristic (passed when its score is below 0),
skipped with the reason for a face turned more than 45 degrees.

Not measured (null, with the reason): watermark (no watermark detector is
implemented).
"""

from __future__ import annotations

import json
import math

import cv2
import numpy as np

from analyzers.face_models import mesh as m
from measures import geometry

DEFAULT_THRESHOLDS: dict[str, float] = {
    "sharpness": 0.30,
    "illuminationMin": 50.0,
    "illuminationMax": 210.0,
    "evenIllumination": 0.80,
    "noFlare": 0.01,
    "eyeOpen": geometry.EYE_OPEN_THRESHOLD,
    "backgroundUniformity": 12.0,
    "dynamicRange": 100.0,
    "eyeDistance": 90.0,
    "noise": 6.0,
    "marginsMin": 0.20,
    "marginsCentreOffset": 0.10,
    "neutralEmotion": 0.50,
    "rotation": 10.0,
}
SCALES = {
    "sharpness": 0.15, "illumination": 30.0, "evenIllumination": 0.15, "noFlare": 0.01,
    "eyeOpen": 0.08, "backgroundUniformity": 6.0, "dynamicRange": 40.0, "eyeDistance": 30.0,
    "noise": 3.0, "marginsMin": 0.10, "marginsCentreOffset": 0.05, "neutralEmotion": 0.25,
    "rotation": 10.0, "notMasked": 0.3,
}
CHECKS = ("sharpness", "illumination", "evenIllumination", "noFlare", "leftEyeOpen",
          "rightEyeOpen", "backgroundUniformity", "dynamicRange", "eyeDistance", "noise",
          "margins", "neutralEmotion", "notMasked", "watermark", "rotation")
NOT_MEASURED = {
    "watermark": "no watermark detector is implemented",
}
SHARPNESS_SIZE = 128       # face oval's longer side, in pixels, for the sharpness measure
BACKGROUND_SIZE = 256      # image's longer side for the background measure
SATURATED = 245            # min(R, G, B) at or above which a pixel counts as flare
MIN_BACKGROUND_FRACTION = 0.02


class ThresholdError(ValueError):
    pass


def parse_thresholds(text: str | dict | None, base: dict | None = None) -> dict[str, float]:
    """Defaults (or ``base``) updated with a JSON object / dict of overrides;
    unknown keys and non-finite or non-numeric values raise ThresholdError."""
    merged = dict(base or DEFAULT_THRESHOLDS)
    if text is None or text == "":
        return merged
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except ValueError as problem:
            raise ThresholdError(f"thresholds is not valid JSON: {problem}") from None
    if not isinstance(text, dict):
        raise ThresholdError("thresholds must be a JSON object {name: number}")
    unknown = sorted(str(k)[:40] for k in text if k not in DEFAULT_THRESHOLDS)
    if unknown:
        raise ThresholdError(f"unknown thresholds {unknown[:10]}; choose from "
                             f"{sorted(DEFAULT_THRESHOLDS)}")
    for key, value in text.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ThresholdError(f"threshold {key} must be a finite number")
        merged[key] = float(value)
    return merged


# ------------------------------------------------------------------- helpers
def grey(image: np.ndarray) -> np.ndarray:
    """BT.601 luminance, float32 0-255."""
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float32)


def face_mask(shape, points) -> np.ndarray:
    """Boolean mask of the face-oval polygon, for an image of ``shape``."""
    pts = np.asarray(points, np.float64)[list(m.FACE_OVAL), :2]
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 1, cv2.LINE_8, shift=4)
    return mask.astype(bool)


def face_halves(shape, points) -> tuple[np.ndarray, np.ndarray]:
    """(subject's left half, subject's right half) of the face oval, split by
    the midline through the nose bridge (168) and the chin (152)."""
    pts = np.asarray(points, np.float64)
    mask = face_mask(shape, points)
    top, bottom = pts[m.NOSE_BRIDGE, :2], pts[m.CHIN, :2]
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]]
    d = bottom - top
    # > 0: to the image's right of the downward midline = the subject's left
    side = (xs + 0.5 - top[0]) * d[1] - (ys + 0.5 - top[1]) * d[0]
    return mask & (side > 0), mask & (side < 0)


def _face_box(points, shape, pad: float = 0.05) -> tuple[int, int, int, int]:
    pts = np.asarray(points, np.float64)[list(m.FACE_OVAL), :2]
    (x1, y1), (x2, y2) = pts.min(axis=0), pts.max(axis=0)
    px, py = (x2 - x1) * pad, (y2 - y1) * pad
    return (max(0, int(x1 - px)), max(0, int(y1 - py)),
            min(shape[1], int(math.ceil(x2 + px))), min(shape[0], int(math.ceil(y2 + py))))


def _region(image, points):
    """(grey crop around the face, face mask of the crop, RGB crop)."""
    x1, y1, x2, y2 = _face_box(points, image.shape)
    local = np.asarray(points, np.float64).copy()
    local[:, 0] -= x1
    local[:, 1] -= y1
    rgb = image[y1:y2, x1:x2]
    if rgb.size == 0:
        raise ValueError("the face region lies outside the image")
    mask = face_mask(rgb.shape, local)
    if mask.sum() < 16:
        raise ValueError("the visible face region is too small to measure")
    return grey(rgb), mask, rgb


# ------------------------------------------------------------------ measures
def sharpness(image, points) -> float:
    """Standard deviation of the Laplacian over the face oval divided by the
    standard deviation of the grey levels there (contrast-free), after the face
    crop is scaled so the oval's longer side is SHARPNESS_SIZE pixels."""
    g, mask, _ = _region(image, points)
    if mask.sum() < 16:
        raise ValueError("the face region is too small")
    factor = SHARPNESS_SIZE / max(g.shape)
    size = (max(8, round(g.shape[1] * factor)), max(8, round(g.shape[0] * factor)))
    inter = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    g = cv2.resize(g, size, interpolation=inter)
    mask = cv2.resize(mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8)).astype(bool)  # no oval edge
    lap = cv2.Laplacian(g, cv2.CV_32F, ksize=1)
    spread = float(g[mask].std())
    return float(lap[mask].std()) / spread if spread > 1e-6 else 0.0


def illumination(image, points) -> float:
    """Mean luminance (0-255) over the face oval."""
    g, mask, _ = _region(image, points)
    return float(g[mask].mean())


def even_illumination(image, points) -> dict:
    """Mean luminance of the subject's left and right face halves and
    ratio = darker / brighter (1 = even)."""
    g, _, _ = _region(image, points)
    x1, y1, _, _ = _face_box(points, image.shape)
    local = np.asarray(points, np.float64).copy()
    local[:, 0] -= x1
    local[:, 1] -= y1
    left, right = face_halves(g.shape, local)
    if left.sum() < 8 or right.sum() < 8:
        raise ValueError("a face half is not visible")
    lm, rm = float(g[left].mean()), float(g[right].mean())
    ratio = min(lm, rm) / max(lm, rm) if max(lm, rm) > 1e-6 else 1.0
    return {"ratio": ratio, "left": lm, "right": rm}


def flare(image, points) -> float:
    """Fraction of face-oval pixels whose every channel is >= SATURATED
    (blown-out or specular highlights)."""
    _, mask, rgb = _region(image, points)
    white = rgb.min(axis=2) >= SATURATED
    return float(white[mask].mean())


def dynamic_range(image, points) -> float:
    """Spread between the 1st and 99th percentile of face-oval luminance."""
    g, mask, _ = _region(image, points)
    low, high = np.percentile(g[mask], [1, 99])
    return float(high - low)


def noise(image, points) -> float:
    """Noise sigma on the face (Immerkaer 1996, "Fast noise variance
    estimation"): the image is filtered with the difference of two Laplacians
    [[1,-2,1],[-2,4,-2],[1,-2,1]], which cancels smooth structure, and
    sigma = sqrt(pi/2) / 6 * mean |response| over the eroded face oval, at the
    image's own resolution."""
    g, mask, _ = _region(image, points)
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = cv2.filter2D(g, cv2.CV_32F, kernel, borderType=cv2.BORDER_REFLECT)
    inner = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if inner.sum() < 16:
        raise ValueError("the face region is too small")
    return math.sqrt(math.pi / 2.0) / 6.0 * float(np.abs(response[inner]).mean())


def eye_distance(points) -> float:
    """Distance between the iris centres (468, 473) in pixels."""
    pts = np.asarray(points, np.float64)
    return float(np.linalg.norm(pts[m.LEFT_IRIS_CENTER, :2] - pts[m.RIGHT_IRIS_CENTER, :2]))


def margins(box, width: int, height: int) -> dict:
    """Face-box margins to the image borders, in face-box widths (left, right)
    and heights (top, bottom; negative: the box is cut off), and the
    horizontal offset of the face centre from the image centre / image width."""
    x1, y1, x2, y2 = (float(v) for v in box)
    fw, fh = max(x2 - x1, 1e-6), max(y2 - y1, 1e-6)
    out = {"left": x1 / fw, "right": (width - x2) / fw, "top": y1 / fh,
           "bottom": (height - y2) / fh}
    out["min"] = min(out.values())
    out["centreOffset"] = abs((x1 + x2) / 2.0 - width / 2.0) / width
    return out


def background_uniformity(image, person_mask) -> dict:
    """Mean Sobel gradient magnitude (grey levels / pixel) over the background,
    i.e. where the person probability is < 0.5, eroded 3 px away from the
    person, with the image scaled to BACKGROUND_SIZE on its longer side; plus
    the background's luminance std and its share of the image."""
    factor = BACKGROUND_SIZE / max(image.shape[:2])
    size = (max(8, round(image.shape[1] * factor)), max(8, round(image.shape[0] * factor)))
    g = cv2.resize(grey(image), size, interpolation=cv2.INTER_AREA)
    person = cv2.resize(np.asarray(person_mask, np.float32), size, interpolation=cv2.INTER_LINEAR)
    background = cv2.erode((person < 0.5).astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    fraction = float(background.mean())
    if fraction < MIN_BACKGROUND_FRACTION:
        raise ValueError(f"too little background is visible ({fraction:.1%} of the image)")
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    magnitude = np.hypot(gx, gy)
    return {"gradient": float(magnitude[background].mean()),
            "std": float(g[background].std()), "fraction": fraction}


# ---------------------------------------------------------------- the checks
def score(value: float, threshold: float, scale: float, higher_is_better: bool) -> float:
    d = (value - threshold) if higher_is_better else (threshold - value)
    return round(100.0 * min(1.0, max(0.0, 0.5 + 0.5 * d / scale)), 2)


def _check(value, threshold, key, higher_is_better=True, **details) -> dict:
    passed = value >= threshold if higher_is_better else value <= threshold
    return {"passed": bool(passed),
            "score": score(value, threshold, SCALES[key], higher_is_better),
            "value": round(float(value), 4), "threshold": threshold,
            "comparison": ">=" if higher_is_better else "<=", **details}


def assess(image: np.ndarray, points, box, pose: dict, *, emotion_scores: dict | None = None,
           person_mask: np.ndarray | None = None, thresholds: dict | None = None,
           unavailable: dict | None = None) -> dict:
    """All checks for one face -> {"totalScore", "passed", "checksPassed",
    "checksComputed", "skipped": {check: reason}, <check>: {...} or None}.

    image: HxWx3 uint8 RGB; points: [478, 3] mesh in image pixels; box: the
    detector box [x1, y1, x2, y2]; pose: {yaw, pitch, roll}; emotion_scores:
    {label: probability}; person_mask: HxW person probability (any size, it
    is rescaled); unavailable: {"emotion" / "segmentation": why not given}."""
    t = dict(thresholds or DEFAULT_THRESHOLDS)
    unavailable = unavailable or {}
    height, width = image.shape[:2]
    qaa: dict = {}
    skipped: dict = dict(NOT_MEASURED)

    def attempt(name, build):
        try:
            qaa[name] = build()
        except ValueError as problem:
            skipped[name] = str(problem)

    attempt("sharpness", lambda: _check(sharpness(image, points), t["sharpness"], "sharpness"))

    def lighting():
        value = illumination(image, points)
        lo, hi = t["illuminationMin"], t["illuminationMax"]
        d = min(value - lo, hi - value)
        return {"passed": bool(lo <= value <= hi),
                "score": round(100.0 * min(1.0, max(0.0, 0.5 + 0.5 * d / SCALES["illumination"])),
                               2),
                "value": round(value, 4), "threshold": {"min": lo, "max": hi},
                "comparison": "within"}
    attempt("illumination", lighting)

    def evenness():
        halves = even_illumination(image, points)
        return _check(halves["ratio"], t["evenIllumination"], "evenIllumination",
                      left=round(halves["left"], 2), right=round(halves["right"], 2))
    attempt("evenIllumination", evenness)
    attempt("noFlare", lambda: _check(flare(image, points), t["noFlare"], "noFlare", False))

    eyes = geometry.eyes_open(points, pose.get("yaw"))
    for side, other in (("left", "right"), ("right", "left")):
        # an eye turned away (|yaw| > geometry.FAR_EYE_YAW) cannot be measured: it
        # takes the near eye's ratio and says so (estimated: true, measuredRatio)
        estimated = eyes[side]["estimated"]
        ratio = eyes[other]["ratio"] if estimated else eyes[side]["ratio"]
        details = {"measuredRatio": eyes[side]["ratio"]} if estimated else {}
        qaa[f"{side}EyeOpen"] = _check(ratio, t["eyeOpen"], "eyeOpen", estimated=estimated,
                                       **details)

    if person_mask is None:
        skipped["backgroundUniformity"] = unavailable.get(
            "segmentation", "no person segmentation model is installed")
    else:
        def background():
            measured = background_uniformity(image, person_mask)
            return _check(measured["gradient"], t["backgroundUniformity"],
                          "backgroundUniformity", False, std=round(measured["std"], 2),
                          backgroundFraction=round(measured["fraction"], 4))
        attempt("backgroundUniformity", background)

    attempt("dynamicRange",
            lambda: _check(dynamic_range(image, points), t["dynamicRange"], "dynamicRange"))
    qaa["eyeDistance"] = _check(eye_distance(points), t["eyeDistance"], "eyeDistance")
    attempt("noise", lambda: _check(noise(image, points), t["noise"], "noise", False))

    edges = margins(box, width, height)
    outer = score(edges["min"], t["marginsMin"], SCALES["marginsMin"], True)
    inner = score(edges["centreOffset"], t["marginsCentreOffset"],
                  SCALES["marginsCentreOffset"], False)
    qaa["margins"] = {
        "passed": bool(edges["min"] >= t["marginsMin"]
                       and edges["centreOffset"] <= t["marginsCentreOffset"]),
        "score": min(outer, inner), "value": round(edges["min"], 4),
        "threshold": {"min": t["marginsMin"], "maxCentreOffset": t["marginsCentreOffset"]},
        "comparison": "min margin >= min and centre offset <= maxCentreOffset",
        **{k: round(v, 4) for k, v in edges.items() if k != "min"},
    }

    if emotion_scores and "neutral" in emotion_scores:
        qaa["neutralEmotion"] = _check(float(emotion_scores["neutral"]), t["neutralEmotion"],
                                       "neutralEmotion")
    else:
        skipped["neutralEmotion"] = unavailable.get("emotion", "no emotion model is installed")

    def unmasked():
        from measures import mask as masks

        found = masks.assess(image, points, pose.get("yaw"))
        check = _check(found["score"], found["threshold"], "notMasked", False,
                       masked=found["value"], confidence=found["confidence"],
                       foreheadDistance=found["foreheadDistance"],
                       lipContrast=found["lipContrast"])
        check.update(passed=not found["value"], comparison="<")
        return check
    attempt("notMasked", unmasked)

    angles = {k: float(pose[k]) for k in ("yaw", "pitch", "roll")}
    qaa["rotation"] = _check(max(abs(v) for v in angles.values()), t["rotation"], "rotation",
                             False, **{k: round(v, 2) for k, v in angles.items()})

    computed = [qaa[name] for name in CHECKS if name in qaa]
    result = {name: qaa.get(name) for name in CHECKS}
    result.update(
        totalScore=round(sum(c["score"] for c in computed) / len(computed), 2),
        passed=all(c["passed"] for c in computed),
        checksComputed=len(computed),
        checksPassed=sum(c["passed"] for c in computed),
        skipped={name: skipped[name] for name in CHECKS if name in skipped},
    )
    return result
