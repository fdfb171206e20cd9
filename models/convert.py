"""Conversions from a model's shipped format to the one we serve.

Each converter takes {filename: fetched path} and a folder to write into, and
returns {filename: path} of what should be saved in the model store.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def mtcnn_to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """MTCNN's three .pt state_dicts -> pnet/rnet/onet.onnx; any other file (the
    cascade's proposer) is saved as it came."""
    # torch is only needed here, at import time; serving runs the ONNX files.
    from models.convert_mtcnn import convert_mtcnn

    nets = {name.removesuffix(".pt"): path for name, path in files.items()
            if name.endswith(".pt")}
    others = {name: path for name, path in files.items() if not name.endswith(".pt")}
    return {**others, **{path.name: path for path in convert_mtcnn(nets, out_dir).values()}}


def tfjs_to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """Each TFJS graph model (NAME.json with its .bin shards alongside) -> NAME.onnx."""
    from models.convert_tfjs import convert_file

    staged = out_dir / "tfjs"
    staged.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():  # shards are named in model.json: put them side by side
        shutil.copyfile(path, staged / name)
    converted = {}
    for name in files:
        if name.endswith(".json"):
            target = out_dir / (name.removesuffix(".json") + ".onnx")
            converted[target.name] = convert_file(staged / name, target)
    return converted


def dlib_to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """dlib's face recognition ResNet (.dat) -> .onnx (models/convert_dlib.py); the 5-point
    shape predictor, which cuts the chips, stays as it is. The .dat is not stored:
    serving runs the ONNX file (the reference comparisons fetch the .dat themselves)."""
    from models.convert_dlib import convert_file

    converted = {}
    for name, path in files.items():
        if name == "dlib_face_recognition_resnet_model_v1.dat":
            target = out_dir / name.replace(".dat", ".onnx")
            converted[target.name] = convert_file(path, target)
        else:
            converted[name] = path
    return converted


def hf_to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """A transformers checkpoint -> model.onnx + labels.json + preprocess.json (models/hf.py)."""
    from models.hf import to_onnx

    return to_onnx(files, out_dir)


def minifasnet_to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """MiniFASNet's two PyTorch state dicts -> minifasnet_v2.onnx and minifasnet_v1se.onnx
    (models/convert_minifasnet.py: refused unless onnxruntime matches torch to 1e-5)."""
    from models.convert_minifasnet import NETS, convert_file

    return {target: convert_file(files[state], out_dir / target)
            for target, state in NETS.items()}


def task_bundle_blendshapes(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """MediaPipe's face_landmarker.task (a zip) -> its face_blendshapes.tflite, as it is."""
    import zipfile

    target = out_dir / "face_blendshapes.tflite"
    with zipfile.ZipFile(files["face_landmarker.task"]) as bundle:
        if "face_blendshapes.tflite" not in bundle.namelist():
            raise ValueError(f"{files['face_landmarker.task']} holds no face_blendshapes.tflite "
                             f"(it has {', '.join(bundle.namelist())})")
        target.write_bytes(bundle.read("face_blendshapes.tflite"))
    return {target.name: target}


CONVERTERS = {"mtcnn_to_onnx": mtcnn_to_onnx, "tfjs_to_onnx": tfjs_to_onnx,
              "hf_to_onnx": hf_to_onnx, "dlib_to_onnx": dlib_to_onnx,
              "minifasnet_to_onnx": minifasnet_to_onnx,
              "task_bundle_blendshapes": task_bundle_blendshapes}
