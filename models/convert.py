"""Conversions from a model's shipped format to the one we serve.

Each converter takes {filename: fetched path} and a folder to write into, and
returns {filename: path} of what should be saved in the model store.
"""

from __future__ import annotations

from pathlib import Path


def mtcnn_to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    # torch is only needed here, at import time; serving runs the ONNX files.
    from models.convert_mtcnn import convert_mtcnn

    nets = {name.removesuffix(".pt"): path for name, path in files.items()}
    return {path.name: path for path in convert_mtcnn(nets, out_dir).values()}


CONVERTERS = {"mtcnn_to_onnx": mtcnn_to_onnx}
