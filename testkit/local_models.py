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

from analyzers.detectors.detection import Detection
from analyzers.detectors.mtcnn import MTCNNDetector
from models.importer import fetch_artifacts
from models.registry import BY_NAME
from testkit.photos import photo


def quiet(*_) -> None:
    pass


@lru_cache(maxsize=None)
def files(name: str) -> dict[str, Path]:
    """{filename: verified path} of one registry model's artifacts."""
    return fetch_artifacts(BY_NAME[name], log=quiet)


# the conversions (MTCNN, dlib ResNet) live here as long as the process
_CONVERTED_DIR = tempfile.TemporaryDirectory(prefix="converted-onnx-")  # removed at exit


@lru_cache(maxsize=None)
def detector() -> MTCNNDetector:
    # torch is only needed to convert; imported here so that merely importing
    # this module stays cheap.
    from models.convert_mtcnn import convert_mtcnn

    nets = {name.removesuffix(".pt"): path
            for name, path in files("face-detector-mtcnn").items()}
    paths = convert_mtcnn(nets, Path(_CONVERTED_DIR.name))
    return MTCNNDetector(paths["pnet"], paths["rnet"], paths["onet"], min_face_size=40)


@lru_cache(maxsize=None)
def cascade():
    """The default set's detector (face-detector-cascade): MediaPipe's BlazeFace models
    propose, the MTCNN above decides, as CascadeDetector.load builds it from the store."""
    from analyzers.detectors import blazeface

    f = files("face-detector-cascade")
    return blazeface.CascadeDetector(
        blazeface.BlazeFaceModel(f["face_detection_full_range_sparse.tflite"],
                                 blazeface.FULL_RANGE),
        detector(),
        second=blazeface.BlazeFaceModel(f["face_detection_short_range.tflite"],
                                        blazeface.SHORT_RANGE))


@lru_cache(maxsize=None)
def embedder():
    """The served embedder: dlib's ResNet converted to ONNX (models/convert.py
    dlib_to_onnx, as `python -m models import` does) into a temporary folder."""
    from analyzers.face_models.embedding import DlibEmbedder
    from models.convert import dlib_to_onnx

    converted = dlib_to_onnx(files("face-embedding-dlib"), Path(_CONVERTED_DIR.name))
    return DlibEmbedder(*(converted[name] for name in DlibEmbedder.files))


@lru_cache(maxsize=None)
def dlib_encoder():
    """dlib's own encoder on the registry's .dat: the reference the ONNX one is held to."""
    import dlib

    return dlib.face_recognition_model_v1(
        str(files("face-embedding-dlib")["dlib_face_recognition_resnet_model_v1.dat"]))


@lru_cache(maxsize=None)
def age_gender():
    from analyzers.face_models.age_gender import AgeGender

    f = files("face-age-gender-cydral")
    return AgeGender(f["age-v1.onnx"], f["gender-v1.onnx"],
                     f["shape_predictor_5_face_landmarks.dat"])


@lru_cache(maxsize=None)
def emotion_model():
    from analyzers.face_models.emotion import FerEmotion

    return FerEmotion(files("face-emotion-fer")["emotion_model_quantized.tflite"])


@lru_cache(maxsize=None)
def landmarks68():
    from analyzers.face_models.landmarks68 import Landmarks68

    return Landmarks68(files("face-landmarks68-dlib")["shape_predictor_68_face_landmarks.dat"])


@lru_cache(maxsize=None)
def face_mesh():
    from analyzers.face_models.mesh import FaceMesh

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


# ------------------------------------------ predictors, shaped like the model services
TAGS = {
    "detection": "face-detector-mtcnn:test",
    "mesh": "face-mesh-mediapipe:test",
    "landmarks68": "face-landmarks68-dlib:test",
    "embedding": "face-embedding-dlib:test",
    "age_gender": "face-age-gender-cydral:test",
    "emotion": "face-emotion-fer:test",
}


async def detect(images):
    """MTCNN's faces, shaped as the detector service answers (Detector.run_batch)."""
    return detector().run_batch(images)


async def detect_served(images):
    """As `detect`, with the default set's detector (the cascade) instead of MTCNN alone:
    for measures whose thresholds must hold on the served boxes (measures/mask.py)."""
    return cascade().run_batch(images)


async def mesh(batch):
    """As model_services.FaceMeshModel.predict."""
    points, scores = face_mesh().predict(batch)
    return [{"points": p, "score": float(s)} for p, s in zip(points, scores)]


def wrap(model_factory):
    async def predict(batch):
        return model_factory().predict(batch)
    return predict


def predictors(**replace) -> dict:
    """Every task's predictor; keyword arguments replace one (None drops it)."""
    found = {
        "detection": detect,
        "mesh": mesh,
        "landmarks68": wrap(landmarks68),
        "embedding": wrap(embedder),
        "age_gender": wrap(age_gender),
        "emotion": wrap(emotion_model),
    }
    found.update(replace)
    return {task: predict for task, predict in found.items() if predict is not None}
