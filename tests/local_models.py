"""The registry's real models, loaded in-process once per test session.

Shared by tests/test_analyzers.py and tests/test_face_analysis.py. Every file
comes through `models.importer.fetch_artifacts`, which checks its sha256; the
MTCNN state_dicts are converted to ONNX into a temporary folder that lives as
long as the test process.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from analyzers.detection import Detection, MTCNNDetector
from models.importer import fetch_artifacts
from models.registry import BY_NAME
from tests.photos import photo


def quiet(*_) -> None:
    pass


@lru_cache(maxsize=None)
def files(name: str) -> dict[str, Path]:
    """{filename: verified path} of one registry model's artifacts."""
    return fetch_artifacts(BY_NAME[name], log=quiet)


_MTCNN_DIR = tempfile.TemporaryDirectory(prefix="mtcnn-onnx-")  # removed at exit


@lru_cache(maxsize=None)
def detector() -> MTCNNDetector:
    # torch is only needed to convert; imported here so that merely importing
    # this module stays cheap.
    from models.convert_mtcnn import convert_mtcnn

    nets = {name.removesuffix(".pt"): path
            for name, path in files("face-detector-mtcnn").items()}
    paths = convert_mtcnn(nets, Path(_MTCNN_DIR.name))
    return MTCNNDetector(paths["pnet"], paths["rnet"], paths["onet"], min_face_size=40)


@lru_cache(maxsize=None)
def embedder():
    from analyzers.embedding import DlibEmbedder

    f = files("face-embedding-dlib")
    return DlibEmbedder(f["dlib_face_recognition_resnet_model_v1.dat"],
                        f["shape_predictor_5_face_landmarks.dat"])


@lru_cache(maxsize=None)
def age_gender():
    from analyzers.age_gender import AgeGender

    f = files("face-age-gender-cydral")
    return AgeGender(f["age-v1.onnx"], f["gender-v1.onnx"],
                     f["shape_predictor_5_face_landmarks.dat"])


@lru_cache(maxsize=None)
def emotion_model():
    from analyzers.emotion import Emotion

    return Emotion(files("face-emotion-fer")["emotion_model_quantized.tflite"])


@lru_cache(maxsize=None)
def landmarks68():
    from analyzers.landmarks68 import Landmarks68

    return Landmarks68(files("face-landmarks68-dlib")["shape_predictor_68_face_landmarks.dat"])


@lru_cache(maxsize=None)
def face_mesh():
    from analyzers.mesh import FaceMesh

    f = files("face-mesh-mediapipe")
    return FaceMesh(f["face_landmark.tflite"], f["iris_landmark.tflite"])


@lru_cache(maxsize=None)
def load(name: str) -> np.ndarray:
    """A test photo as a read-only HxWx3 uint8 RGB array."""
    image = np.array(Image.open(photo(name)).convert("RGB"))
    image.setflags(write=False)
    return image


@lru_cache(maxsize=None)
def faces_in(name: str) -> tuple[Detection, ...]:
    """MTCNN detections in a test photo, largest first."""
    return tuple(detector().detect(load(name)))


def main_face(name: str) -> Detection:
    """The largest detection, which in the single-portrait photos is the subject."""
    found = faces_in(name)
    assert found, f"no face found in {name}"
    return found[0]
