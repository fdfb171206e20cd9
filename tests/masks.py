"""Masked copies of real faces, for measuring measures/mask.py.

A mask is painted over the mesh's nose-mouth-chin polygon: the lower face
oval from one side (mesh point 93, below the ear) round the chin to the other
(323), closed over the nose bridge (mesh 197). It is filled with a plain
colour, a two-colour pattern, or one of insightface's mask textures
(mask_*.jpg from the insightface 2.1 wheel, testkit/photos.py) stretched over the
polygon's bounding box. The face's own shading (its low-pass luminance) is
kept on the mask, so a mask is lit as the face was.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from testkit.photos import photo

# lower face oval, 93 (right side, below the ear) round the chin to 323, then
# up to the nose bridge
MASK_POLYGON = (93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365,
                397, 288, 361, 323, 197)
PLAIN = {"white": (236, 236, 232), "blue": (140, 185, 225), "black": (32, 32, 36)}
TEXTURES = ("mask_white.jpg", "mask_blue.jpg", "mask_black.jpg", "mask_green.jpg")
KINDS = tuple(PLAIN) + ("pattern",) + TEXTURES


def polygon(points) -> np.ndarray:
    return np.asarray(points, np.float64)[list(MASK_POLYGON), :2]


def _fill(kind: str, width: int, height: int) -> np.ndarray:
    if kind in PLAIN:
        return np.full((height, width, 3), PLAIN[kind], np.float32)
    if kind == "pattern":  # navy and pink checks, 1/8 of the mask wide
        cell = max(2, width // 8)
        yy, xx = np.mgrid[0:height, 0:width]
        checks = ((xx // cell + yy // cell) % 2).astype(bool)
        fill = np.empty((height, width, 3), np.float32)
        fill[checks] = (30, 40, 110)
        fill[~checks] = (230, 150, 170)
        return fill
    texture = np.asarray(Image.open(photo(kind)).convert("RGB"))
    return cv2.resize(texture, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)


def put_mask(image: np.ndarray, points, kind: str) -> np.ndarray:
    """A copy of the image with a mask of `kind` (KINDS) over the face."""
    poly = polygon(points)
    height, width = image.shape[:2]
    x1, y1 = np.floor(poly.min(0)).astype(int)
    x2, y2 = np.ceil(poly.max(0)).astype(int)
    x1, y1, x2, y2 = max(x1, 0), max(y1, 0), min(x2, width), min(y2, height)
    region = np.zeros((height, width), np.uint8)
    cv2.fillPoly(region, [np.round(poly * 16).astype(np.int32)], 1, cv2.LINE_AA, shift=4)
    inside = region[y1:y2, x1:x2].astype(bool)
    fill = _fill(kind, x2 - x1, y2 - y1)
    crop = image[y1:y2, x1:x2].astype(np.float32)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    shade = cv2.GaussianBlur(grey, (0, 0), max(2.0, (x2 - x1) / 10))
    shade = 0.8 + 0.2 * shade / max(float(shade[inside].mean()), 1.0)
    painted = np.clip(fill * shade[..., None], 0, 255)
    out = image.copy()
    crop_out = out[y1:y2, x1:x2]
    crop_out[inside] = painted[inside].astype(np.uint8)
    return out
