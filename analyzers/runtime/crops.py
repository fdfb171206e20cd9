"""Face crops shared by the analyzers.

The front service cuts each face out of the full image once per analyzer
input size and sends only those small arrays to the model services, so a
12 MP photo never travels between processes.
"""

from __future__ import annotations

import cv2
import numpy as np

# A 1.5x square around the detector box keeps the whole head (chin, hairline)
# for the landmark predictors, which re-locate the face inside the crop.
CONTEXT_SCALE = 1.5
# The crop the dlib-based models (embedding, age/gender, 68 points) receive:
# large enough for a 150 px recognition chip from any face size.
FACE_CROP_SIZE = 256


def square_crop(
    image: np.ndarray, box, size: int, scale: float = CONTEXT_SCALE
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a `size`x`size` square of side `scale` * max(box w, h) centred on the box.

    Returns the crop and the 2x3 affine that maps crop pixels back to image pixels.
    Areas outside the image are filled with black (the models were trained on
    crops that run off the frame this way too).
    """
    x1, y1, x2, y2 = (float(v) for v in box)
    side = max(x2 - x1, y2 - y1, 1.0) * scale
    cx, cy = (x1 + x2) / 2.0, (y1 + y2) / 2.0
    factor = size / side
    to_crop = np.array(
        [[factor, 0.0, size / 2.0 - cx * factor], [0.0, factor, size / 2.0 - cy * factor]],
        dtype=np.float64,
    )
    crop = cv2.warpAffine(
        image, to_crop, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
    )
    return crop, invert_affine(to_crop)


def square_face(image: np.ndarray, face, source=None) -> tuple[np.ndarray, np.ndarray]:
    """The square crop of a detected face the dlib-based models take (their input,
    which align it themselves) and its affine back to image pixels."""
    return square_crop(image, face.box, FACE_CROP_SIZE)


def inner_box(size: int, scale: float = CONTEXT_SCALE) -> tuple[int, int, int, int]:
    """The detector box's square inside a crop made by square_crop."""
    half = size / scale / 2.0
    centre = size / 2.0
    return (
        int(round(centre - half)),
        int(round(centre - half)),
        int(round(centre + half)),
        int(round(centre + half)),
    )


def invert_affine(matrix: np.ndarray) -> np.ndarray:
    return cv2.invertAffineTransform(np.asarray(matrix, dtype=np.float64))


def apply_affine(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Map Nx2 (or Nx3, z scaled by the affine's scale) points through a 2x3 affine."""
    points = np.asarray(points, dtype=np.float64)
    xy = points[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    if points.shape[1] == 2:
        return xy
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    return np.concatenate([xy, points[:, 2:3] * scale], axis=1)


def face_region(image: np.ndarray, points: np.ndarray, margin: float = 1.0,
                max_side: int | None = None):
    """The part of the image within `margin` face sizes of the points, and the points in it.

    Region measurements (colour masks) then cost the same on a 12 MP photo as on
    a thumbnail, instead of allocating full-image masks per region. A region
    longer than `max_side` is shrunk to fit (by the smallest whole factor, the
    points scaled alike): the face alone can fill a huge photo.
    """
    points = np.asarray(points, np.float64)
    x1, y1 = points[:, 0].min(), points[:, 1].min()
    x2, y2 = points[:, 0].max(), points[:, 1].max()
    pad = margin * max(x2 - x1, y2 - y1)
    height, width = image.shape[:2]
    left, top = max(0, int(x1 - pad)), max(0, int(y1 - pad))
    right, bottom = min(width, int(x2 + pad) + 1), min(height, int(y2 + pad) + 1)
    local = points.copy()
    local[:, 0] -= left
    local[:, 1] -= top
    region = image[top:bottom, left:right]
    if max_side is not None and max(region.shape[:2]) > max_side:
        # by a whole factor: INTER_AREA then averages k x k blocks (3x faster, docs/benchmarks.md)
        k = -(-max(region.shape[:2]) // max_side)
        height, width = region.shape[0] // k * k, region.shape[1] // k * k
        region = cv2.resize(region[:height, :width], (width // k, height // k),
                            interpolation=cv2.INTER_AREA)
        local /= k
    return region, local
