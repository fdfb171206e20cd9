"""Dense face mesh: 468 MediaPipe face-mesh points + 10 iris points = 478.

Route: the plain ``face_landmark.tflite`` (468 points) followed by
``iris_landmark.tflite`` run on each eye, merged into MediaPipe's 478-point
layout.  The attention model (``face_landmark_with_attention.tflite``) would
give the same layout in one pass, but it contains MediaPipe custom ops
(``Landmarks2TransformMatrix``, ``TransformTensorBilinear``,
``TransformLandmarks``) that the stock TFLite runtime cannot resolve, so it
does not load with ``ai_edge_litert``.

Both models come from the ``mediapipe==0.10.14`` wheel (models/registry.py).

Tensors (checked with ai_edge_litert 2.3.0):

* face_landmark.tflite: input ``input_1`` float32 [1,192,192,3], RGB scaled
  to [0, 1]; outputs ``conv2d_21`` float32 [1,1,1,1404] = 468 x (x, y, z) in
  192-pixel crop units (z in the same scale, relative: smaller = nearer the
  camera), and ``conv2d_31`` float32 [1,1,1,1] = face-presence logit
  (sigmoid -> score; MediaPipe drops the face below 0.1).  The batch
  dimension can be resized.
* iris_landmark.tflite: input ``input_1`` float32 [1,64,64,3], RGB in [0, 1]
  (MediaPipe: ``zero_center: false``), a crop around one eye; the model knows
  only the eye on the image's left, so the other eye is mirrored in and out.
  Outputs ``output_eyes_contours_and_brows`` [1,213] = 71 x (x, y, z) and
  ``output_iris`` [1,15] = 5 x (x, y, z) (centre first), in 64-pixel units.

Coordinates are continuous pixel coordinates: pixel (i, j) covers
[i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5).

Index names follow MediaPipe: "RIGHT"/"LEFT" mean the *subject's* right/left
eye, so ``RIGHT_EYE`` (33..133) is the eye on the image's left in a frontal,
unmirrored photo.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 192          # face-landmark model input side
IRIS_INPUT_SIZE = 64      # iris model input side
ROI_SCALE = 1.5           # MediaPipe: face box -> landmark ROI (square, long side)
IRIS_ROI_SCALE = 2.3      # MediaPipe: eye-corner distance -> iris ROI side
FACE_SCORE_THRESHOLD = 0.5  # MediaPipe (0.10) drops a face below this score
NUM_POINTS = 478

# --------------------------------------------------------------------------
# key index groups (MediaPipe numbering; right/left = the subject's)
# --------------------------------------------------------------------------
# eye contours: 9 lower points from outer to inner corner, then 7 upper.
RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133,
             246, 161, 160, 159, 158, 157, 173)
LEFT_EYE = (263, 249, 390, 373, 374, 380, 381, 382, 362,
            466, 388, 387, 386, 385, 384, 398)
RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133
LEFT_EYE_OUTER, LEFT_EYE_INNER = 263, 362
RIGHT_EYE_TOP, RIGHT_EYE_BOTTOM = 159, 145
LEFT_EYE_TOP, LEFT_EYE_BOTTOM = 386, 374
# eye-aspect-ratio sextuples: (corner, upper, upper, corner, lower, lower)
RIGHT_EYE_EAR = (33, 160, 158, 133, 153, 144)
LEFT_EYE_EAR = (263, 387, 385, 362, 380, 373)
RIGHT_EYEBROW = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
LEFT_EYEBROW = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)

# irises: centre, then 4 points on the iris edge, in the same order for both eyes
# (MediaPipe's 478-point layout, as its attention model and FaceLandmarker give it):
# the edge on the image's right, top, the image's left, bottom (not the mirrored eye's
# ring as it comes back: docs/accuracy.md, "2026-12-07 moved from code comments")
RIGHT_IRIS_CENTER = 468
RIGHT_IRIS = (469, 470, 471, 472)
LEFT_IRIS_CENTER = 473
LEFT_IRIS = (474, 475, 476, 477)

# lips: closed rings, starting at the subject's right mouth corner (61 / 78)
LIPS_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291,
              409, 270, 269, 267, 0, 37, 39, 40, 185)
LIPS_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308,
              415, 310, 311, 312, 13, 82, 81, 80, 191)
MOUTH_RIGHT, MOUTH_LEFT = 61, 291                 # outer mouth corners
MOUTH_INNER_RIGHT, MOUTH_INNER_LEFT = 78, 308     # inner mouth corners
UPPER_LIP_TOP, LOWER_LIP_BOTTOM = 0, 17           # outer lip centre
UPPER_LIP_INNER, LOWER_LIP_INNER = 13, 14         # inner lip centre

# face oval, clockwise in the image from the top of the forehead
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288,
             397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
             172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
FACE_RIGHT_EDGE, FACE_LEFT_EDGE = 234, 454        # cheek-bone level
NOSE_TIP = 1
NOSE_BRIDGE = 168                                 # between the eyes
CHIN = 152
FOREHEAD_TOP = 10                                 # top of the mesh, at the hairline
FOREHEAD = 151                                    # mid forehead
FOREHEAD_REGION = (151, 108, 337, 9, 107, 336, 69, 299, 67, 297, 109, 338)
RIGHT_CHEEK = (50, 101, 118, 117, 123, 187, 205, 36, 142, 126)
LEFT_CHEEK = (280, 330, 347, 346, 352, 411, 425, 266, 371, 355)

# --------------------------------------------------------------------------
# MediaPipe's mapping of the iris model's 71 eye points onto the mesh
# (eye lower contour, upper contour, then four halos / the eyebrow),
# for the eye on the image's left (subject's right) and the other one.
# --------------------------------------------------------------------------
RIGHT_EYE_REFINEMENT = (
    33, 7, 163, 144, 145, 153, 154, 155, 133,
    246, 161, 160, 159, 158, 157, 173,
    130, 25, 110, 24, 23, 22, 26, 112, 243,
    247, 30, 29, 27, 28, 56, 190,
    226, 31, 228, 229, 230, 231, 232, 233, 244,
    113, 225, 224, 223, 222, 221, 189,
    35, 124, 46, 53, 52, 65,
    143, 111, 117, 118, 119, 120, 121, 128, 245,
    156, 70, 63, 105, 66, 107, 55, 193,
)
LEFT_EYE_REFINEMENT = (
    263, 249, 390, 373, 374, 380, 381, 382, 362,
    466, 388, 387, 386, 385, 384, 398,
    359, 255, 339, 254, 253, 252, 256, 341, 463,
    467, 260, 259, 257, 258, 286, 414,
    446, 261, 448, 449, 450, 451, 452, 453, 464,
    342, 445, 444, 443, 442, 441, 413,
    265, 353, 276, 283, 282, 295,
    372, 340, 346, 347, 348, 349, 350, 357, 465,
    383, 300, 293, 334, 296, 336, 285, 417,
)


def _rotation(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]], dtype=np.float64)


def roi_transform(center, size: float, angle: float, out_size: int) -> np.ndarray:
    """2x3 affine mapping continuous coordinates of an ``out_size`` square crop
    to the image: the crop is a square of side ``size`` image pixels centred
    at ``center``, its x axis pointing along ``angle`` (radians, image coords,
    y down: a positive angle turns the x axis towards the image's bottom)."""
    linear = _rotation(angle) * (size / out_size)
    offset = np.asarray(center, np.float64) - linear @ np.array([out_size / 2.0] * 2)
    return np.hstack([linear, offset[:, None]])


def invert_affine(transform: np.ndarray) -> np.ndarray:
    linear = transform[:, :2]
    inv = np.linalg.inv(linear)
    return np.hstack([inv, (-inv @ transform[:, 2])[:, None]])


def warp_crop(image: np.ndarray, transform: np.ndarray, out_size: int) -> np.ndarray:
    """Sample the ``out_size`` square crop described by ``transform`` (crop ->
    image) as MediaPipe's ImageToTensorCalculator does: bilinear, edge
    replicated, no anti-aliasing, and the ROI's corners put on the crop's
    corner pixel *indices* (OpenCV's warp has pixel centres at integers), so
    crop pixel j samples the image at index ``corner + j * scale`` and not at
    the pixel-centre-true ``corner + (j + 0.5) * scale - 0.5``.  The points
    come back through ``transform`` as they do in MediaPipe.  That is what the
    model is run on there (the pixel-centre crop moved the mesh off MediaPipe's:
    docs/accuracy.md, "2026-12-07 moved from code comments")."""
    return cv2.warpAffine(image, invert_affine(transform), (out_size, out_size),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def apply_affine(points: np.ndarray, transform: np.ndarray) -> np.ndarray:
    """Map [..., 2+] points (x, y[, z]) through a 2x3 affine; z is scaled by the
    affine's scale factor."""
    points = np.asarray(points, np.float64)
    out = np.empty(points.shape, np.float64)
    out[..., :2] = points[..., :2] @ transform[:, :2].T + transform[:, 2]
    if points.shape[-1] > 2:
        out[..., 2:] = points[..., 2:] * math.sqrt(abs(np.linalg.det(transform[:, :2])))
    return out


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


class FaceMesh(ModelWrapper):
    """478-point face mesh (MediaPipe face_landmark + iris_landmark TFLite).

    Typical use::

        mesh = FaceMesh(mesh_path, iris_path)
        result = mesh.detect(image_rgb, box)        # detector box -> settled ROI
        points = result["points"]                   # [478, 3] image pixels

    or step by step: ``prepare`` -> ``predict`` (batched) -> ``to_image``.
    The TFLite interpreters are not thread-safe: use one FaceMesh per thread.
    """

    def __init__(self, model_path, iris_model_path=None, num_threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        self.num_threads = int(num_threads)
        self._mesh = Interpreter(model_path=str(model_path), num_threads=self.num_threads)
        self._mesh.allocate_tensors()
        self._mesh_batch = 1
        self._iris = None
        self._iris_batch = 1
        if iris_model_path is not None:
            self._iris = Interpreter(model_path=str(iris_model_path),
                                     num_threads=self.num_threads)
            self._iris.allocate_tensors()
        self._check_io()

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> "FaceMesh":
        return cls(folder / "face_landmark.tflite", folder / "iris_landmark.tflite",
                   num_threads=threads)

    @staticmethod
    def prepare_face(image, face, source=None):
        """The rotated 192 px crop levelled on the detector's eye points; the mesh comes
        back in crop pixels (to_image maps it)."""
        return prepare(image, face.box, face.keypoints[0], face.keypoints[1])

    def run_batch(self, crops: np.ndarray) -> list[dict]:
        points, scores = self.predict(crops)
        return [{"points": p, "score": float(s)} for p, s in zip(points, scores)]

    # ---------------------------------------------------------------- model io
    def _check_io(self) -> None:
        inp = self._mesh.get_input_details()[0]
        if tuple(inp["shape"][1:]) != (INPUT_SIZE, INPUT_SIZE, 3):
            raise ValueError(f"unexpected mesh model input {inp['shape']}")
        outs = {tuple(o["shape"][1:]): o["index"] for o in self._mesh.get_output_details()}
        self._mesh_in = inp["index"]
        self._mesh_points_out = outs[(1, 1, 1404)]
        self._mesh_score_out = outs[(1, 1, 1)]
        if self._iris is not None:
            inp = self._iris.get_input_details()[0]
            if tuple(inp["shape"][1:]) != (IRIS_INPUT_SIZE, IRIS_INPUT_SIZE, 3):
                raise ValueError(f"unexpected iris model input {inp['shape']}")
            outs = {o["name"]: o["index"] for o in self._iris.get_output_details()}
            self._iris_in = inp["index"]
            self._iris_eye_out = outs["output_eyes_contours_and_brows"]
            self._iris_iris_out = outs["output_iris"]

    @staticmethod
    def _run(interpreter, input_index, current_batch, batch):
        if batch.shape[0] != current_batch:
            interpreter.resize_tensor_input(input_index, list(batch.shape))
            interpreter.allocate_tensors()
        interpreter.set_tensor(input_index, batch)
        interpreter.invoke()
        return batch.shape[0]

    def _run_mesh(self, batch: np.ndarray):
        self._mesh_batch = self._run(self._mesh, self._mesh_in, self._mesh_batch, batch)
        points = self._mesh.get_tensor(self._mesh_points_out).reshape(len(batch), 468, 3)
        logits = self._mesh.get_tensor(self._mesh_score_out).reshape(len(batch))
        return points.copy(), _sigmoid(logits).astype(np.float32)

    def _run_iris(self, batch: np.ndarray):
        self._iris_batch = self._run(self._iris, self._iris_in, self._iris_batch, batch)
        eye = self._iris.get_tensor(self._iris_eye_out).reshape(len(batch), 71, 3)
        iris = self._iris.get_tensor(self._iris_iris_out).reshape(len(batch), 5, 3)
        return eye.copy(), iris.copy()

    # ---------------------------------------------------------------- crops
    @staticmethod
    def roi(box, left_eye=None, right_eye=None):
        """MediaPipe's detection -> ROI rule: centre of the box, square side
        1.5 x the box's long side, rotated so that the line from the eye on the
        image's left to the eye on the image's right is horizontal.
        Returns (center (x, y), side, angle in radians)."""
        x1, y1, x2, y2 = [float(v) for v in box[:4]]
        center = ((x1 + x2) / 2.0, (y1 + y2) / 2.0)
        side = ROI_SCALE * max(x2 - x1, y2 - y1)
        angle = 0.0
        if left_eye is not None and right_eye is not None:
            dx = float(right_eye[0]) - float(left_eye[0])
            dy = float(right_eye[1]) - float(left_eye[1])
            if dx or dy:
                angle = math.atan2(dy, dx)
        return center, side, angle

    @staticmethod
    def roi_from_points(points) -> tuple[tuple[float, float], float, float]:
        """MediaPipe's landmarks -> ROI rule (used for the second pass): angle of
        the outer eye corners (33 -> 263), the mesh's bounding box in that
        rotated frame, square side 1.5 x its long side."""
        pts = np.asarray(points, np.float64)[:468, :2]
        d = pts[LEFT_EYE_OUTER] - pts[RIGHT_EYE_OUTER]
        angle = math.atan2(d[1], d[0])
        rot = _rotation(-angle)
        local = pts @ rot.T
        lo, hi = local.min(axis=0), local.max(axis=0)
        center = _rotation(angle) @ ((lo + hi) / 2.0)
        side = ROI_SCALE * float(max(hi - lo))
        return (float(center[0]), float(center[1])), side, angle

    def prepare(self, image: np.ndarray, box, left_eye=None, right_eye=None):
        """Crop one face for the mesh model.

        image: HxWx3 uint8 RGB.  box: [x1, y1, x2, y2] pixels (detector box).
        left_eye / right_eye: optional (x, y) of the eye on the image's left /
        right; when both are given the crop is rotated so the eye line is
        horizontal.  Returns (crop [192,192,3] uint8, transform 2x3 float64
        mapping crop coordinates to image coordinates)."""
        return prepare(image, box, left_eye, right_eye)

    def prepare_roi(self, image: np.ndarray, center, side: float, angle: float = 0.0):
        image = _as_rgb_uint8(image)
        transform = roi_transform(center, side, angle, INPUT_SIZE)
        return warp_crop(image, transform, INPUT_SIZE), transform

    # ---------------------------------------------------------------- inference
    def predict(self, crops: np.ndarray, iris: bool = True):
        """crops [N,192,192,3] uint8 RGB -> (points [N,478,3] float32 in crop
        pixels, face_scores [N] float32 in 0..1).

        The iris model runs on 64x64 crops cut from the 192x192 face crop
        (an eye there spans ~25 px, so this loses little against cutting from
        the full image).  Without an iris model (or with ``iris=False``) the 10
        iris points are the eye-contour centroid and the eyes are not refined.
        """
        crops = np.asarray(crops)
        if crops.ndim == 3:
            crops = crops[None]
        if crops.shape[1:] != (INPUT_SIZE, INPUT_SIZE, 3):
            raise ValueError(f"crops must be [N,{INPUT_SIZE},{INPUT_SIZE},3], got {crops.shape}")
        n = crops.shape[0]
        out = np.zeros((n, NUM_POINTS, 3), np.float32)
        if n == 0:
            return out, np.zeros((0,), np.float32)
        mesh, scores = self._run_mesh(crops.astype(np.float32) / 255.0)
        out[:, :468] = mesh
        if self._iris is None or not iris:
            for k, (contour, centre, ring) in enumerate(
                    ((RIGHT_EYE, RIGHT_IRIS_CENTER, RIGHT_IRIS),
                     (LEFT_EYE, LEFT_IRIS_CENTER, LEFT_IRIS))):
                c = mesh[:, list(contour)].mean(axis=1)
                out[:, centre] = c
                out[:, list(ring)] = c[:, None, :]
            return out, scores
        self._refine_eyes(crops, out)
        return out, scores

    def _eye_transforms(self, mesh: np.ndarray):
        """Per face, the two iris-model crops (crop -> 192 crop affines)."""
        transforms = []
        for face in mesh:
            pair = []
            for a, b in ((RIGHT_EYE_OUTER, RIGHT_EYE_INNER), (LEFT_EYE_INNER, LEFT_EYE_OUTER)):
                p, q = face[a, :2].astype(np.float64), face[b, :2].astype(np.float64)
                d = q - p
                side = IRIS_ROI_SCALE * max(float(np.hypot(*d)), 1.0)
                pair.append(roi_transform((p + q) / 2.0, side, math.atan2(d[1], d[0]),
                                          IRIS_INPUT_SIZE))
            transforms.append(pair)
        return transforms

    def _refine_eyes(self, crops: np.ndarray, out: np.ndarray) -> None:
        n = len(crops)
        transforms = self._eye_transforms(out[:, :468])
        batch = np.empty((2 * n, IRIS_INPUT_SIZE, IRIS_INPUT_SIZE, 3), np.float32)
        for i in range(n):
            for e in range(2):
                eye = warp_crop(crops[i], transforms[i][e], IRIS_INPUT_SIZE)
                if e == 1:  # the model only knows the eye on the image's left
                    eye = eye[:, ::-1]
                batch[2 * i + e] = eye.astype(np.float32) / 255.0
        eye_pts, iris_pts = self._run_iris(batch)
        for i in range(n):
            for e, (mapping, contour, centre, ring) in enumerate((
                    (RIGHT_EYE_REFINEMENT, RIGHT_EYE, RIGHT_IRIS_CENTER, RIGHT_IRIS),
                    (LEFT_EYE_REFINEMENT, LEFT_EYE, LEFT_IRIS_CENTER, LEFT_IRIS))):
                ep = eye_pts[2 * i + e].astype(np.float64)
                ip = iris_pts[2 * i + e].astype(np.float64)
                if e == 1:
                    ep[:, 0] = IRIS_INPUT_SIZE - ep[:, 0]
                    ip[:, 0] = IRIS_INPUT_SIZE - ip[:, 0]
                    # mirrored back, the ring's first and third points changed sides:
                    # both irises list the image-right edge first (RIGHT_IRIS above)
                    ip[[1, 3]] = ip[[3, 1]]
                ep = apply_affine(ep[:, :2], transforms[i][e])
                ip = apply_affine(ip[:, :2], transforms[i][e])
                # x, y from the iris model; the mesh keeps its own depth
                out[i, list(mapping), :2] = ep
                out[i, [centre, *ring], :2] = ip
                out[i, [centre, *ring], 2] = out[i, list(contour), 2].mean()

    @staticmethod
    def to_image(points: np.ndarray, transform: np.ndarray) -> np.ndarray:
        """[478,3] (or [...,3]) crop coordinates -> image coordinates (z scaled
        by the crop's scale so it stays in image pixels)."""
        return apply_affine(points, transform).astype(np.float32)

    # ---------------------------------------------------------------- helpers
    def detect(self, image: np.ndarray, box, left_eye=None, right_eye=None,
               refine: int = 3) -> dict:
        """One face, MediaPipe style: a first pass on the detector box, then up
        to ``refine`` passes on the ROI re-derived from the previous mesh
        (rotated by the eye line, 1.5 x the mesh's extent) -- what MediaPipe's
        tracking does on the following video frames -- stopping once that ROI
        settles.  A strongly tilted face (no eye points given) needs 2-3 passes.

        Returns {"points": [478,3] image pixels, "score": float,
        "transform": 2x3, "crop": 192x192x3, "passes": int}."""
        return self.detect_many(image, [box], [left_eye], [right_eye], refine=refine)[0]

    def detect_many(self, image: np.ndarray, boxes, left_eyes=None, right_eyes=None,
                    refine: int = 3) -> list[dict]:
        """``detect`` for several faces of one image, batched per pass."""
        image = _as_rgb_uint8(image)
        n = len(boxes)
        if n == 0:
            return []
        left_eyes = left_eyes or [None] * n
        right_eyes = right_eyes or [None] * n
        prepared = [self.prepare(image, b, le, re_)
                    for b, le, re_ in zip(boxes, left_eyes, right_eyes)]
        crops = np.stack([c for c, _ in prepared])
        transforms = [t for _, t in prepared]
        rois = [self.roi(b, le, re_) for b, le, re_ in zip(boxes, left_eyes, right_eyes)]
        points, scores = self.predict(crops, iris=False)
        passes = [1] * n
        active = list(range(n))
        for _ in range(int(refine)):
            new_rois, moved = {}, []
            for i in active:
                roi = self.roi_from_points(self.to_image(points[i], transforms[i]))
                if scores[i] >= FACE_SCORE_THRESHOLD and _roi_settled(rois[i], roi):
                    continue
                new_rois[i] = roi
                moved.append(i)
            if not moved:
                break
            redo = [self.prepare_roi(image, *new_rois[i]) for i in moved]
            points2, scores2 = self.predict(np.stack([c for c, _ in redo]), iris=False)
            active = []
            for k, i in enumerate(moved):
                # keep the new pass unless it lost the face
                if scores2[k] >= min(scores[i], FACE_SCORE_THRESHOLD):
                    crops[i], transforms[i] = redo[k]
                    points[i], scores[i] = points2[k], scores2[k]
                    rois[i] = new_rois[i]
                    passes[i] += 1
                    active.append(i)
        if self._iris is not None:
            # the ROI search needs only the mesh: refine the eyes once, at the end
            self._refine_eyes(crops, points)
        return [{"points": self.to_image(points[i], transforms[i]), "score": float(scores[i]),
                 "transform": transforms[i], "crop": crops[i], "passes": passes[i]}
                for i in range(n)]


def _roi_settled(old, new, angle_tol=math.radians(3.0), rel_tol=0.03) -> bool:
    """True when two (center, side, angle) ROIs agree within tolerances."""
    (c0, s0, a0), (c1, s1, a1) = old, new
    da = abs((a1 - a0 + math.pi) % (2 * math.pi) - math.pi)
    shift = math.hypot(c1[0] - c0[0], c1[1] - c0[1])
    return da < angle_tol and shift < rel_tol * s1 and abs(s1 - s0) < rel_tol * s1


def _as_rgb_uint8(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.shape[2] == 4:
        image = image[:, :, :3]
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image)


def prepare(image: np.ndarray, box, left_eye=None, right_eye=None):
    """FaceMesh.prepare without a model: the front service crops, the model service predicts."""
    center, side, angle = FaceMesh.roi(box, left_eye, right_eye)
    transform = roi_transform(center, side, angle, INPUT_SIZE)
    return warp_crop(_as_rgb_uint8(image), transform, INPUT_SIZE), transform


to_image = FaceMesh.to_image
