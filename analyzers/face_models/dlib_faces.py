"""dlib's five-point alignment, shared by the models trained on dlib face chips.

dlib's recognition ResNet and the Cydral age / gender networks were trained on
chips cut by `dlib.get_face_chip` from its five-point shape predictor, so their
services re-run that predictor on the face crop they receive rather than trust
another detector's key points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from analyzers.runtime.crops import inner_box

if TYPE_CHECKING:  # for the annotations only
    import dlib


def load_shape_predictor(path: str, parts: int) -> dlib.shape_predictor:
    import dlib  # only the dlib models' processes load it (model_services.py)

    predictor = dlib.shape_predictor(str(path))
    probe = predictor(np.zeros((16, 16, 3), np.uint8), dlib.rectangle(0, 0, 15, 15))
    if probe.num_parts != parts:
        raise ValueError(f"{path}: expected a {parts}-point shape predictor, got {probe.num_parts}")
    return predictor


def shape_in_crop(predictor: dlib.shape_predictor, crop: np.ndarray) -> dlib.full_object_detection:
    """Run a shape predictor on a crop from analyzers.runtime.crops.square_crop."""
    import dlib

    x1, y1, x2, y2 = inner_box(crop.shape[0])
    return predictor(np.ascontiguousarray(crop), dlib.rectangle(x1, y1, x2, y2))


def shape_points(shape: dlib.full_object_detection) -> np.ndarray:
    return np.array([[shape.part(i).x, shape.part(i).y] for i in range(shape.num_parts)], np.float32)
