"""Head pose (yaw, pitch, roll in degrees) from the 478-point mesh, or coarsely
from 5 keypoints.

Conventions (image coordinates: x to the right, y down; the mesh's z grows
away from the camera):

* yaw > 0: the subject turns their head towards the image's right (their
  own left); the nose moves right in the image.
* pitch > 0: the subject looks up (chin raised).
* roll > 0: the head is turned counter-clockwise in the image as the viewer
  sees it (the eye on the image's right is higher than the other one), i.e.
  the subject tilts their head towards their own right shoulder.  Rotating a
  photo by +a degrees with ``cv2.getRotationMatrix2D(c, a, 1)`` (which turns
  it counter-clockwise) adds about +a to roll.

All three are 0 for MediaPipe's canonical face model seen from the front.
The rotation is a least-squares rigid (similarity) fit of a few stable
landmarks (eye corners and the nose / forehead midline, not the jaw or mouth)
to their positions on that canonical model, decomposed as
R = Rz(-roll) . Ry(-yaw) . Rx(-pitch) in the camera frame above.
"""

from __future__ import annotations

import math

import numpy as np

# A few vertices of MediaPipe's canonical face model (centimetres; x towards
# the image's right for a frontal face, y up, z towards the viewer), keyed by
# mesh index: outer eye corners and lower-lid points next to them, then the
# midline: nose tip, subnasale, nose bridge, glabella, mid forehead, top of
# forehead.  All are rigid with the skull (nothing on the jaw or the lips).
CANONICAL_POINTS = {
    33: (-4.445859, 2.663991, 3.173422),
    263: (4.445859, 2.663991, 3.173422),
    7: (-4.253081, 2.577646, 3.279702),
    249: (4.253081, 2.577646, 3.279702),
    1: (0.0, -1.126865, 7.475604),
    2: (0.0, -2.089024, 6.058267),
    6: (0.0, 2.473255, 5.788627),
    168: (0.0, 3.271027, 5.236015),
    9: (0.0, 4.885979, 5.385258),
    151: (0.0, 6.545390, 5.027311),
    10: (0.0, 8.261778, 4.481535),
}
POSE_INDICES = tuple(CANONICAL_POINTS)
# the canonical model in the mesh's camera frame (y down, z away from camera)
_CANONICAL = np.array([CANONICAL_POINTS[i] for i in POSE_INDICES], np.float64) * [1, -1, -1]


def _fit_rotation(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rotation R (det +1) minimising |s R source_c - target_c|^2 (Umeyama)."""
    a = source - source.mean(axis=0)
    b = target - target.mean(axis=0)
    u, _, vt = np.linalg.svd(b.T @ a)
    d = np.sign(np.linalg.det(u @ vt)) or 1.0
    return u @ np.diag([1.0, 1.0, d]) @ vt


def rotation_to_angles(rotation: np.ndarray) -> dict:
    """Camera-frame rotation (x right, y down, z away) -> yaw/pitch/roll in
    degrees, with the signs described in the module docstring."""
    r = np.asarray(rotation, np.float64)
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, r[2, 0]))))
    pitch = -math.degrees(math.atan2(r[2, 1], r[2, 2]))
    roll = -math.degrees(math.atan2(r[1, 0], r[0, 0]))
    return {"yaw": yaw, "pitch": pitch, "roll": roll}


def head_rotation(points) -> np.ndarray:
    """3x3 rotation taking the canonical face to the observed mesh."""
    pts = np.asarray(points, np.float64)
    if pts.ndim != 2 or pts.shape[0] < 468 or pts.shape[1] != 3:
        raise ValueError("points must be [468 or 478, 3] (x, y, z)")
    return _fit_rotation(_CANONICAL, pts[list(POSE_INDICES)])


def head_pose(points) -> dict:
    """Head pose from the 3-D mesh ([478,3] or [468,3] image pixels, z in the
    same scale).  Returns {"yaw", "pitch", "roll"} in degrees (see the module
    docstring for the signs) and "method": "mesh"."""
    angles = rotation_to_angles(head_rotation(points))
    return {k: round(v, 2) for k, v in angles.items()} | {"method": "mesh"}


# 5-point fallback -----------------------------------------------------------
# Weak-perspective model: turning by yaw moves the nose tip sideways by
# d.sin(yaw) while the half inter-ocular distance e shrinks to e.cos(yaw), so
# offset / e = (d / e) tan(yaw); pitching moves the nose tip (in front of the
# eye and mouth lines) up or down between them:
# ratio = r0 - g tan(pitch).  d/e, r0 and g were least-squares fitted to the
# mesh poses of the test photos, their mirror images and five points taken
# from the mesh (iris centres, nose tip 1, mouth corners 61 / 291): mean
# error 4 deg yaw / 5 deg pitch, worst 14 / 17 deg.
NOSE_DEPTH_RATIO = 1.03     # d / e
NOSE_VERTICAL_RATIO = 0.59  # r0: nose height between eye line (0) and mouth line (1)
NOSE_VERTICAL_GAIN = 0.53   # g


def head_pose_from_5(keypoints) -> dict:
    """COARSE head pose from 5 keypoints, in the insightface / ArcFace order:
    eye on the image's left, eye on the image's right, nose tip, mouth corner
    on the image's left, mouth corner on the image's right ([5,2] pixels).

    roll from the eye line, yaw from the nose's offset from the eyes' midpoint
    along the eye line, pitch from the nose's height between the eye line and
    the mouth line.  Same sign conventions as ``head_pose``; expect errors of
    5-15 degrees, more for pitch, and more with a detector whose points sit
    differently from the mesh's (constants above)."""
    k = np.asarray(keypoints, np.float64).reshape(5, 2)
    left_eye, right_eye, nose, mouth_l, mouth_r = k
    eye_vec = right_eye - left_eye
    iod = float(np.hypot(*eye_vec))
    if iod < 1e-6:
        raise ValueError("eye points coincide")
    roll = -math.degrees(math.atan2(eye_vec[1], eye_vec[0]))
    ex = eye_vec / iod                       # along the eye line (image right)
    ey = np.array([-ex[1], ex[0]])           # down the face
    eye_mid = (left_eye + right_eye) / 2.0
    mouth_mid = (mouth_l + mouth_r) / 2.0
    offset = float((nose - eye_mid) @ ex) / (iod / 2.0)
    yaw = math.degrees(math.atan(offset / NOSE_DEPTH_RATIO))
    face_height = float((mouth_mid - eye_mid) @ ey)
    pitch = 0.0
    if face_height > 1e-6:
        ratio = float((nose - eye_mid) @ ey) / face_height
        pitch = math.degrees(math.atan((NOSE_VERTICAL_RATIO - ratio) / NOSE_VERTICAL_GAIN))
    return {"yaw": round(yaw, 1), "pitch": round(pitch, 1), "roll": round(roll, 1),
            "method": "5-point (coarse)"}
