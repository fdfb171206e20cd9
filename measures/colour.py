"""Colours of face regions located with the 478-point mesh (analyzers.face_models.mesh).

Every function takes the HxWx3 uint8 RGB image and the [478,3] mesh in image
pixels and returns a dict carrying the measure behind its answer, or a dict
with "value": None and a "reason" when the region cannot be measured.

Colours are converted with OpenCV from sRGB (float input, so L* is 0..100
and a*, b* are signed, D65).  Region statistics are medians of the pixels
left after outlier removal, so hair strands, shadows and highlights that
fall into a region weigh little.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from analyzers.face_models import mesh as m
from measures.geometry import EYE_OPEN_THRESHOLD, eye_aspect_ratio

# --------------------------------------------------------------------------
# regions (mesh indices)
# --------------------------------------------------------------------------
# closed polygons around each cheek (below the eye, beside the nose, above
# the mouth corner) and a forehead patch between the brows and the top of
# the mesh
RIGHT_CHEEK_POLY = (116, 117, 118, 100, 126, 209, 49, 129, 203, 205, 187, 123)
LEFT_CHEEK_POLY = (345, 346, 347, 329, 355, 429, 279, 358, 423, 425, 411, 352)
FOREHEAD_POLY = (109, 10, 338, 337, 336, 9, 107, 108)
# upper face oval, temple to temple over the top of the forehead
HAIR_ARC = (54, 103, 67, 109, 10, 338, 297, 332, 284)

# --------------------------------------------------------------------------
# thresholds
# --------------------------------------------------------------------------
MIN_REGION_PIXELS = 30          # fewer usable pixels -> no answer
OUTLIER_DELTA_E = 18.0          # pixels this far (Delta E*ab) from the median are dropped
MIN_IRIS_RADIUS = 5.0           # px; smaller irises are not coloured
IRIS_EYE_OPEN_RATIO = EYE_OPEN_THRESHOLD  # eye aspect ratio below which the eye is closed
IRIS_LOW_LIGHT_L = 20.0         # iris L* below this: shaded, colour name unreliable
HAIR_RAYS = 15                  # rays cast upwards from the top of the face oval
HAIR_MIN_RAYS = 4               # fewer rays inside the image / finding hair -> no answer
HAIR_SEARCH = 0.35              # search the hairline up to this many face heights
HAIR_DEPTH = 0.05               # then sample this many face heights of hair
HAIR_MIN_PIXELS = 30
HAIR_SKIP = 0.02                # skip this many face heights of blurred hairline
HAIR_SKIN_DELTA_E = 25.0        # pixels farther than this from cheek and forehead skin are not skin
# (HAIR_SKIN_DELTA_E / HAIR_SKIP / HAIR_DEPTH were tried at 20-30 / 0.02-0.03 /
# 0.05-0.08 on the test photos: 25 / 0.02 / 0.05 named every visible head of
# hair plausibly; a larger skip or depth runs past short hair (obama3.jpg) into
# the background, a smaller threshold stops in the blurred hairline.)

# ITA (individual typology angle) categories, Chardon et al. 1991
ITA_CATEGORIES = (
    (55.0, "very light"),
    (41.0, "light"),
    (28.0, "intermediate"),
    (10.0, "tan"),
    (-30.0, "brown"),
    (-math.inf, "dark"),
)


# --------------------------------------------------------------------------
# colour helpers
# --------------------------------------------------------------------------
def rgb_to_lab(rgb) -> np.ndarray:
    """[..., 3] uint8/float RGB (0..255) -> [..., 3] L*a*b* (float)."""
    arr = np.asarray(rgb, np.float32).reshape(-1, 1, 3) / 255.0
    lab = cv2.cvtColor(arr, cv2.COLOR_RGB2Lab).reshape(np.shape(rgb)[:-1] + (3,))
    return lab.astype(np.float64)


def lab_to_rgb(lab) -> np.ndarray:
    arr = np.asarray(lab, np.float32).reshape(-1, 1, 3)
    rgb = cv2.cvtColor(arr, cv2.COLOR_Lab2RGB).reshape(np.shape(lab)[:-1] + (3,))
    return np.clip(rgb * 255.0, 0, 255)


def to_hex(rgb) -> str:
    r, g, b = [int(round(float(v))) for v in np.clip(rgb, 0, 255)]
    return f"#{r:02x}{g:02x}{b:02x}"


def delta_e(lab1, lab2) -> float:
    return float(np.linalg.norm(np.asarray(lab1, np.float64) - np.asarray(lab2, np.float64)))


def lch(lab) -> tuple[float, float, float]:
    """(L*, chroma, hue angle in degrees 0..360)."""
    lightness, a, b = [float(v) for v in lab]
    return lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360.0


def ita_degrees(lab) -> float:
    """Individual typology angle: atan((L* - 50) / b*) in degrees."""
    lightness, _, b = [float(v) for v in lab]
    return math.degrees(math.atan2(lightness - 50.0, b))


def ita_category(ita: float) -> str:
    for bound, name in ITA_CATEGORIES:
        if ita > bound:
            return name
    return "dark"


def _polygon_mask(shape, polygons) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    for poly in polygons:
        pts = np.round(np.asarray(poly, np.float64)[:, :2] * 4).astype(np.int32)
        cv2.fillPoly(mask, [pts], 1, lineType=cv2.LINE_8, shift=2)
    return mask.astype(bool)


def _window(image: np.ndarray, pts: np.ndarray, *index_sets) -> tuple[np.ndarray, np.ndarray]:
    """The part of `image` that holds the polygons of `pts[index_set]` (with a 2 px
    border for the rasteriser's edge pixels), and `pts` moved into it.

    Masks and pixel selections then cover the polygons' box, not the whole face
    region: the same pixels in the same order (a whole-pixel shift rasterises
    alike), at a fraction of the cost. The colour measures took ~14 ms of the
    front's event loop per face on a 640 px photo before this (py-spy, issue 15)."""
    used = np.concatenate([pts[list(indices), :2] for indices in index_sets])
    height, width = image.shape[:2]
    x0 = int(max(0, np.floor(used[:, 0].min()) - 2))
    y0 = int(max(0, np.floor(used[:, 1].min()) - 2))
    x1 = int(min(width, np.ceil(used[:, 0].max()) + 3))
    y1 = int(min(height, np.ceil(used[:, 1].max()) + 3))
    if x1 <= x0 or y1 <= y0:  # wholly outside: an empty window, no pixels
        return image[:0, :0], pts
    moved = pts.copy()
    moved[:, 0] -= x0
    moved[:, 1] -= y0
    return image[y0:y1, x0:x1], moved


def _robust_stats(image: np.ndarray, mask: np.ndarray, reference=None,
                  max_delta=OUTLIER_DELTA_E):
    """Median L*a*b* of the masked pixels after dropping those farther than
    ``max_delta`` from the median (or from ``reference``).  Returns
    (lab, rgb, kept, total) or None when too few pixels."""
    pixels = image[mask]
    total = int(len(pixels))
    if total < MIN_REGION_PIXELS:
        return None
    lab = rgb_to_lab(pixels)
    centre = np.median(lab, axis=0) if reference is None else np.asarray(reference)
    for _ in range(2):
        keep = np.linalg.norm(lab - centre, axis=1) <= max_delta
        if keep.sum() < MIN_REGION_PIXELS:
            return None
        centre = np.median(lab[keep], axis=0)
    rgb = np.median(pixels[keep].astype(np.float64), axis=0)
    return centre, rgb, int(keep.sum()), total


def _lab_dict(lab) -> dict:
    return {"L": round(float(lab[0]), 2), "a": round(float(lab[1]), 2),
            "b": round(float(lab[2]), 2)}


def _points(points) -> np.ndarray:
    pts = np.asarray(points, np.float64)
    if pts.ndim != 2 or pts.shape[0] < 478:
        raise ValueError("points must be the [478, 3] mesh in image pixels")
    return pts


# --------------------------------------------------------------------------
# skin
# --------------------------------------------------------------------------
def skin_tone(image: np.ndarray, points) -> dict:
    """Skin colour from both cheeks (and the forehead where it matches them).

    Returns {"hex", "lab": {L, a, b}, "ita": degrees, "category": Chardon
    category, "pixels": used, "regions": [...]}; "value": None + "reason"
    when the cheeks are not visible enough."""
    image, pts = _window(image, _points(points), RIGHT_CHEEK_POLY, LEFT_CHEEK_POLY,
                         FOREHEAD_POLY)
    cheeks = _polygon_mask(image.shape, [pts[list(RIGHT_CHEEK_POLY)], pts[list(LEFT_CHEEK_POLY)]])
    stats = _robust_stats(image, cheeks)
    if stats is None:
        return {"value": None, "reason": "cheek regions too small or outside the image"}
    lab, _, kept, _ = stats
    regions = ["cheeks"]
    forehead = _polygon_mask(image.shape, [pts[list(FOREHEAD_POLY)]]) & ~cheeks
    both = _robust_stats(image, cheeks | forehead, reference=lab)
    if both is not None and both[2] > kept:
        regions.append("forehead")
        stats = both
    lab, rgb, kept, total = stats
    ita = ita_degrees(lab)
    return {"value": to_hex(rgb), "hex": to_hex(rgb), "lab": _lab_dict(lab),
            "ita": round(ita, 2), "category": ita_category(ita),
            "pixels": kept, "pixels_total": total, "regions": regions}


# --------------------------------------------------------------------------
# lips
# --------------------------------------------------------------------------
# reference lip colours (sRGB hex) for the nearest-name lookup in L*a*b*
LIP_NAMES = {
    "pale pink": "#e3a6a4",
    "pink": "#d87a86",
    "rose": "#b85c6b",
    "coral": "#e0755f",
    "red": "#b8242f",
    "dark red": "#6e1a22",
    "berry": "#8a2f55",
    "mauve": "#9b6672",
    "nude": "#c69282",
    "brown": "#8a5646",
    "dark brown": "#5a3630",
}


def _hex_to_rgb(code: str) -> np.ndarray:
    return np.array([int(code[i:i + 2], 16) for i in (1, 3, 5)], np.float64)


_LIP_LABS = {name: rgb_to_lab(_hex_to_rgb(code)[None])[0] for name, code in LIP_NAMES.items()}


def lip_colour(image: np.ndarray, points) -> dict:
    """Colour of the lip ring (inside the outer lip contour, outside the
    inner one): {"hex", "name", "lab", "delta_e" (to the named colour),
    "pixels"}."""
    image, pts = _window(image, _points(points), m.LIPS_OUTER, m.LIPS_INNER)
    outer = _polygon_mask(image.shape, [pts[list(m.LIPS_OUTER)]])
    inner = _polygon_mask(image.shape, [pts[list(m.LIPS_INNER)]])
    stats = _robust_stats(image, outer & ~inner)
    if stats is None:
        return {"value": None, "reason": "lip region too small or outside the image"}
    lab, rgb, kept, total = stats
    name, dist = min(((n, delta_e(lab, ref)) for n, ref in _LIP_LABS.items()),
                     key=lambda item: item[1])
    return {"value": to_hex(rgb), "hex": to_hex(rgb), "name": name, "lab": _lab_dict(lab),
            "delta_e": round(dist, 2), "pixels": kept, "pixels_total": total}


# --------------------------------------------------------------------------
# eyes
# --------------------------------------------------------------------------
def _eye_ring(contour) -> list[int]:
    """The 16-point contour (9 lower outer->inner, 7 upper outer->inner) as a
    closed polygon."""
    lower, upper = list(contour[:9]), list(contour[9:])
    return lower + upper[::-1]


def name_eye_colour(lab) -> str:
    """Coarse iris colour name from its median L*a*b*."""
    lightness, chroma, hue = lch(lab)
    if lightness < 22 and chroma < 12:
        return "dark brown"
    if chroma < 7:
        return "grey"
    if 180.0 <= hue < 300.0:
        return "blue" if chroma >= 7 else "grey"
    if 95.0 <= hue < 180.0:
        return "green"
    if 75.0 <= hue < 95.0:
        return "hazel" if lightness >= 35 else "brown"
    if lightness < 30:
        return "dark brown"
    return "brown"


def eye_colour(image: np.ndarray, points) -> dict:
    """Iris colour of the better visible eye: {"hex", "name", "lab", "eye",
    "radius_px", "pixels"}; "value": None + "reason" when both irises are
    smaller than MIN_IRIS_RADIUS px or the eyes are closed."""
    pts = _points(points)
    h, w = image.shape[:2]
    candidates, reasons = [], []
    for side, centre_idx, ring, contour, ear_idx in (
            ("left", m.LEFT_IRIS_CENTER, m.LEFT_IRIS, m.LEFT_EYE, m.LEFT_EYE_EAR),
            ("right", m.RIGHT_IRIS_CENTER, m.RIGHT_IRIS, m.RIGHT_EYE, m.RIGHT_EYE_EAR)):
        centre = pts[centre_idx, :2]
        radius = float(np.mean(np.linalg.norm(pts[list(ring), :2] - centre, axis=1)))
        if radius < MIN_IRIS_RADIUS:
            reasons.append(f"{side} iris radius {radius:.1f}px < {MIN_IRIS_RADIUS:.0f}px")
            continue
        ear = eye_aspect_ratio(pts, ear_idx)
        if ear < IRIS_EYE_OPEN_RATIO:
            reasons.append(f"{side} eye closed (aspect ratio {ear:.2f})")
            continue
        # iris annulus (pupil excluded) clipped to the visible eye opening
        x0, x1 = int(max(0, centre[0] - radius - 1)), int(min(w, centre[0] + radius + 2))
        y0, y1 = int(max(0, centre[1] - radius - 1)), int(min(h, centre[1] + radius + 2))
        if x1 <= x0 or y1 <= y0:
            reasons.append(f"{side} iris outside the image")
            continue
        # only the iris box is measured (masks of the whole region cost ~3 ms an eye)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d = np.hypot(xx + 0.5 - centre[0], yy + 0.5 - centre[1])
        annulus = (d <= 0.85 * radius) & (d >= 0.4 * radius)
        lids = pts[_eye_ring(contour)].copy()
        lids[:, 0] -= x0
        lids[:, 1] -= y0
        mask = annulus & _polygon_mask(annulus.shape, [lids])
        pixels = image[y0:y1, x0:x1][mask]
        if len(pixels) < 15:
            reasons.append(f"{side} iris hidden by the lids")
            continue
        lab = rgb_to_lab(pixels)
        # drop specular highlights (bright, colourless) and the darkest
        # pixels (pupil edge, lashes, lid shadow)
        light = lab[:, 0]
        chroma = np.hypot(lab[:, 1], lab[:, 2])
        keep = ~((light > np.percentile(light, 90)) & (chroma < 10))
        keep &= light >= np.percentile(light, 15)
        if keep.sum() < 10:
            reasons.append(f"{side} iris: too few usable pixels")
            continue
        med = np.median(lab[keep], axis=0)
        rgb = np.median(pixels[keep].astype(np.float64), axis=0)
        candidates.append((int(keep.sum()), side, med, rgb, radius, ear))
    if not candidates:
        return {"value": None, "reason": "; ".join(reasons) or "no iris found"}
    count, side, lab, rgb, radius, ear = max(candidates, key=lambda c: c[0])
    return {"value": to_hex(rgb), "hex": to_hex(rgb), "name": name_eye_colour(lab),
            "lab": _lab_dict(lab), "eye": side, "radius_px": round(radius, 2),
            "eye_aspect_ratio": round(ear, 3), "pixels": count,
            # a very dark iris may just be a shaded one (biden.jpg's blue eyes
            # measure L* 9 in that photo): the name is then unreliable
            "low_light": bool(lab[0] < IRIS_LOW_LIGHT_L)}


# --------------------------------------------------------------------------
# hair
# --------------------------------------------------------------------------
def name_hair_colour(lab) -> str:
    """Coarse hair colour name from its median L*a*b*."""
    lightness, chroma, hue = lch(lab)
    if lightness < 20:
        return "black"
    if chroma < 12:
        if lightness >= 65:
            return "white"
        if lightness >= 45:
            return "grey"
        return "black" if lightness < 28 else "dark brown"
    if chroma >= 25 and hue < 55 and lightness < 65:
        return "red"
    if lightness >= 50 and hue >= 55:
        return "blond"
    if lightness >= 45 and chroma < 20:
        return "light brown"
    return "brown" if lightness >= 28 else "dark brown"


def _arc_points(pts: np.ndarray, count: int) -> np.ndarray:
    """``count`` points spread evenly along the HAIR_ARC polyline."""
    poly = pts[list(HAIR_ARC), :2]
    seg = np.linalg.norm(np.diff(poly, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    at = np.linspace(0.0, cum[-1], count)
    return np.stack([np.interp(at, cum, poly[:, 0]), np.interp(at, cum, poly[:, 1])], axis=1)


def hair_colour(image: np.ndarray, points, skin: dict | None = None) -> dict:
    """Hair colour just above the hairline.

    Rays go up (along the chin -> forehead-top direction) from points spread
    over the top of the face oval (temple to temple).  On each ray the hair
    starts at the first pixels that stop looking like the face's skin (within
    HAIR_SEARCH of a face height); the next HAIR_DEPTH of a face height is
    sampled.  Returns {"hex", "name", "lab", "pixels", "rays", "delta_e_skin"};
    "value": None + "reason" when the rays leave the image, find only skin
    (bald / shaved head) or find too few hair pixels.

    Limits: headwear is measured as hair; a bald head against a background
    of a different colour reports the background."""
    pts = _points(points)
    h, w = image.shape[:2]
    if skin is None:
        skin = skin_tone(image, pts)
    if not skin.get("lab"):
        return {"value": None, "reason": "no skin reference: " + str(skin.get("reason"))}
    skin_lab = np.array([skin["lab"][k] for k in "Lab"])
    # the forehead is often lit differently from the cheeks: both are skin
    refs = [skin_lab]
    # (only forehead pixels near the cheek colour: bangs are not skin)
    window, moved = _window(image, pts, FOREHEAD_POLY)
    forehead = _robust_stats(window, _polygon_mask(window.shape, [moved[list(FOREHEAD_POLY)]]),
                             reference=skin_lab, max_delta=HAIR_SKIN_DELTA_E)
    if forehead is not None:
        refs.append(forehead[0])
    refs = np.array(refs)
    up = pts[m.FOREHEAD_TOP, :2] - pts[m.CHIN, :2]
    height = float(np.linalg.norm(up))
    if height < 10:
        return {"value": None, "reason": "face too small"}
    up /= height
    steps = np.arange(0.0, HAIR_SEARCH * height, 1.0)
    depth = max(2, int(round(HAIR_DEPTH * height)))
    skip = int(round(HAIR_SKIP * height))
    samples, rays_in, rays_hair = [], 0, 0
    rays = []
    for start in _arc_points(pts, HAIR_RAYS):
        xy = start[None, :] + steps[:, None] * up[None, :]
        inside = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
        if not inside[: len(steps) // 2].all():
            continue
        rays_in += 1
        xy = xy[inside]
        rays.append(image[xy[:, 1].astype(int), xy[:, 0].astype(int)])
    # every ray's distance to the skin in one conversion (per ray it was 15 small
    # cvtColor / norm calls, most of this function's time)
    distances = []
    if rays:
        lab = rgb_to_lab(np.concatenate(rays))
        dist = np.linalg.norm(lab[:, None, :] - refs[None, :, :], axis=2).min(axis=1)
        distances = np.split(dist, np.cumsum([len(px) for px in rays])[:-1])
    for px, dist in zip(rays, distances):
        non_skin = dist >= HAIR_SKIN_DELTA_E
        # first run of 3 non-skin samples
        run = non_skin[:-2] & non_skin[1:-1] & non_skin[2:] if len(non_skin) > 2 else non_skin
        hits = np.flatnonzero(run)
        if len(hits) == 0:
            continue
        first = int(hits[0]) + skip   # past the blurred hairline
        segment = px[first:first + depth]
        if len(segment) < 2:
            continue
        rays_hair += 1
        samples.append(segment)
    if rays_in < HAIR_MIN_RAYS:
        return {"value": None, "reason": "hair band falls outside the image",
                "rays_inside": rays_in}
    if rays_hair < max(HAIR_MIN_RAYS, 0.3 * rays_in):
        return {"value": None, "reason": "above the forehead looks like skin "
                "(bald, shaved or receding hair)", "rays_inside": rays_in,
                "rays_hair": rays_hair}
    pixels = np.concatenate(samples)
    if len(pixels) < HAIR_MIN_PIXELS:
        return {"value": None, "reason": f"too few hair pixels ({len(pixels)})"}
    mask_img = pixels[:, None, :]
    stats = _robust_stats(mask_img, np.ones(mask_img.shape[:2], bool), max_delta=25.0)
    if stats is None or stats[2] < 0.4 * len(pixels):
        return {"value": None, "reason": "hair band too uneven to measure (background?)"}
    lab, rgb, kept, total = stats
    return {"value": to_hex(rgb), "hex": to_hex(rgb), "name": name_hair_colour(lab),
            "lab": _lab_dict(lab), "pixels": kept, "pixels_total": total,
            "rays_inside": rays_in, "rays_hair": rays_hair,
            "delta_e_skin": round(delta_e(lab, skin_lab), 2)}


def analyze(image: np.ndarray, points) -> dict:
    skin = skin_tone(image, points)
    return {"skin_tone": skin, "lip_colour": lip_colour(image, points),
            "eye_colour": eye_colour(image, points),
            "hair_colour": hair_colour(image, points, skin)}
