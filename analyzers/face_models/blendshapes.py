"""MediaPipe's face blendshapes model (face_blendshapes.tflite, inside the published
face_landmarker.task bundle; Apache-2.0): 52 ARKit expression scores from a face's mesh.

What the model takes, read from the bundle and MediaPipe 0.10.14 itself: its input
is [1, 146, 2] float32 (the tflite's signature), the x, y of 146 of the 478 mesh
points in image pixels (MediaPipe's FaceBlendshapesGraph turns the normalised
landmarks into pixels with the image size and keeps these indices, the 146-entry
table compiled into its framework library); the model normalises them itself (its
scores do not move when the points are shifted or scaled, tests/test_blendshapes.py).
Fed MediaPipe's own 478 points it answers MediaPipe's scores to 1e-5; fed ours
(analyzers/face_models/mesh.py, on our detector's box) it differs as far as the two meshes do
(docs/accuracy.md, Blendshapes).

The output is [52] scores in 0..1 in NAMES' order (MediaPipe's category names); a
batch is run face by face (the graph has no batch dimension on its output).
"""

from __future__ import annotations

import threading

import numpy as np

from analyzers.face_models import mesh
from analyzers.runtime.model_wrapper import ModelWrapper

LANDMARKS = (
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63,
    65, 66, 67, 70, 78, 80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133,
    136, 144, 145, 146, 148, 149, 150, 152, 153, 154, 155, 157, 158, 159, 160, 161, 162, 163,
    168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249, 251, 263, 267, 269, 270,
    276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314, 317,
    318, 321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379,
    380, 381, 382, 384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454,
    466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477)
NAMES = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft",
    "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
    "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft",
    "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen",
    "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRight", "mouthRollLower",
    "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft",
    "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft",
    "mouthUpperUpRight", "noseSneerLeft", "noseSneerRight")
# HCP's smiling and mouth_open from the blendshapes (analyzers/tasks.py): the mean of the
# two mouthSmile scores, and jawOpen, each against half of its 0..1 range
SMILE_THRESHOLD = 0.5
MOUTH_OPEN_THRESHOLD = 0.5


def model_input(points: np.ndarray) -> np.ndarray:
    """478 mesh points [x, y, (z)] in image pixels -> the model's [146, 2] float32."""
    return np.ascontiguousarray(np.asarray(points, np.float32)[list(LANDMARKS), :2])


def smiling(scores: dict) -> dict:
    score = (scores["mouthSmileLeft"] + scores["mouthSmileRight"]) / 2
    return {"value": bool(score >= SMILE_THRESHOLD), "score": round(score, 4),
            "threshold": SMILE_THRESHOLD, "method": "blendshapes"}


def mouth_open(scores: dict) -> dict:
    score = scores["jawOpen"]
    return {"value": bool(score >= MOUTH_OPEN_THRESHOLD), "score": round(score, 4),
            "threshold": MOUTH_OPEN_THRESHOLD, "method": "blendshapes"}


class Blendshapes(ModelWrapper):
    """`predict` takes [N, 146, 2] from `prepare_from_mesh` and returns one
    {name: score} per face."""

    files = ("face_blendshapes.tflite",)

    def __init__(self, model_path, threads: int = 1):
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(model_path), num_threads=threads)
        self.interpreter.allocate_tensors()
        detail = self.interpreter.get_input_details()[0]
        if list(detail["shape"]) != [1, len(LANDMARKS), 2]:
            raise ValueError(f"{model_path}: input {list(detail['shape'])}, expected "
                             f"[1, {len(LANDMARKS)}, 2]")
        self.input_index = detail["index"]
        self.output_index = self.interpreter.get_output_details()[0]["index"]
        self.lock = threading.Lock()

    @staticmethod
    def prepare_after(output: dict, transform: np.ndarray) -> np.ndarray:
        """One face's input from the task it runs after (analyzers/tasks.py: the mesh):
        its answer (points in its crop) and that crop's transform to image pixels."""
        return model_input(mesh.to_image(np.asarray(output["points"]), transform))

    def scores(self, points: np.ndarray) -> np.ndarray:
        """[N, 146, 2] -> [N, 52]."""
        out = []
        with self.lock:
            for item in np.asarray(points, np.float32):
                self.interpreter.set_tensor(self.input_index, item[None])
                self.interpreter.invoke()
                out.append(self.interpreter.get_tensor(self.output_index).reshape(-1).copy())
        return np.asarray(out, np.float32).reshape(len(out), len(NAMES))

    def predict(self, points: np.ndarray) -> list[dict]:
        return [{name: round(float(v), 4) for name, v in zip(NAMES, row)}
                for row in self.scores(points)]
