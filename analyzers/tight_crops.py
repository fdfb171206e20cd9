"""A second detection pass for photos cropped tight around the face.

MTCNN misses many faces that fill the frame, such as LFW's 350x350 crops: its
proposals are square windows around the face and the O-Net sees a face cut at
the photo's edge; on a canvas padded by PAD_FRACTION of the longer side in black they
are found (docs/accuracy.md, "2026-12-07 moved from code comments"). Only a photo with
no face at all pays for the second pass.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from analyzers.detectors.detection import Detection

PAD_FRACTION = 0.25


def padded(image: np.ndarray) -> tuple[np.ndarray, int]:
    """The image on a black canvas PAD_FRACTION of its longer side wider on every side,
    and that margin in pixels."""
    margin = max(1, round(PAD_FRACTION * max(image.shape[:2])))
    canvas = cv2.copyMakeBorder(image, margin, margin, margin, margin,
                                cv2.BORDER_CONSTANT, value=(0, 0, 0))
    return canvas, margin


def back(faces: list[Detection], margin: int, shape: tuple) -> list[Detection]:
    """Detections on the padded canvas in the original image's pixels, boxes clipped
    to it (as the detector clips its own)."""
    height, width = shape[:2]
    limits = np.array([width, height, width, height], np.float32)
    moved = []
    for face in faces:
        box = np.clip(np.asarray(face.box, np.float32) - margin, 0, limits)
        if box[2] <= box[0] or box[3] <= box[1]:
            continue  # a "face" in the padding alone
        moved.append(dataclasses.replace(
            face, box=box, keypoints=np.asarray(face.keypoints, np.float32) - margin))
    return moved
