"""An analysis of a reduced decode, put back in the pixels of the upload.

/analyze, /templates/extract and InsightFace's compare decode a very large JPEG at
1/2, 1/4 or 1/8 of its size (front/flows/plumbing.py `detected`, inputs.imageio.decode_scaled)
and analyse that. The answer must still be about the photo the user sent: every field that is a position or a length in
pixels is multiplied by the upload's pixels per analysed pixel here, the one place
that knows which fields those are (FaceAnalysis.analyze's record, analyzers/tasks.py's
merges). Coordinates are continuous (a pixel i spans [i, i + 1)), so a point
scales by the factor alone, as FaceAnalysis.detect scales the detector's boxes.

Left as measured: ratios, angles, scores, colours, and the colour measures' pixel
counts (`pixels`, `pixels_total`: how many pixels of the analysed image were
sampled, which is what they say about the colour's support).
"""

from __future__ import annotations

import math

import numpy as np

from analyzers.detectors.detection import Detection

# A face analysed reduced keeps at least this many pixels across: the default set's
# largest face crops are 256 px (analyzers/runtime/crops.py FACE_CROP_SIZE) and 224 px
# (FaceRes), each of the face with a margin round it, so a face this wide gives them
# all their pixels; a smaller one is decoded finer, as far as FACE_ANALYSIS_MAX_SIDE.
MIN_ANALYSED_FACE = 256


def analysis_factor(face_widths, coarse: int, finest: int) -> int:
    """The coarsest DCT scaling from `coarse` (the detection decode's: 2, 4 or 8) to
    `finest` at which every face in `face_widths` (pixels of the coarse decode) is at
    least MIN_ANALYSED_FACE wide; `finest` where none is."""
    smallest = min(face_widths, default=math.inf)
    factor = coarse
    while factor > finest and smallest * coarse / factor < MIN_ANALYSED_FACE:
        factor //= 2
    return factor


def faces_scaled(faces: list[Detection], fx: float, fy: float) -> list[Detection]:
    """Detector faces in the pixels of an image fx, fy times larger."""
    return [face.scaled(fx, fy) for face in faces]


# fields of a face record holding [x, y] or [x, y, z] points in image pixels (the
# mesh's z is in the pixels of x, analyzers/face_models/mesh.py)
POINT_LISTS = ("landmarks_68", "landmarks_106", "landmarks_mesh")


def in_upload_pixels(result: dict, scale: tuple[float, float],
                     size: tuple[int, int]) -> dict:
    """FaceAnalysis.analyze's `result` of an image decoded reduced, with positions
    and lengths in the upload's pixels: `scale` is upload pixels per analysed pixel
    (x, y), `size` the upload's (width, height). The image field keeps the analysed
    size beside the upload's."""
    fx, fy = scale
    analysed = result["image"]
    result["image"] = {"width": size[0], "height": size[1],
                       "analysed_width": analysed["width"],
                       "analysed_height": analysed["height"]}
    for record in result["faces"]:
        _rescale_record(record, fx, fy)
    return result


def _rescale_record(record: dict, fx: float, fy: float) -> None:
    # the rounding each field had (analyzers/face_analysis.py _base_record,
    # precision.py pixels: 1 decimal; the merges: 1 decimal)
    record["bbox"] = _round(np.asarray(record["bbox"], np.float64) * (fx, fy, fx, fy))
    record["landmarks"] = {name: _points([point], fx, fy)[0]
                           for name, point in record["landmarks"].items()}
    for name in POINT_LISTS:
        if record.get(name) is not None:
            record[name] = _points(record[name], fx, fy)
    eye = record.get("eye_colour")
    if isinstance(eye, dict) and eye.get("radius_px") is not None:
        eye["radius_px"] = round(eye["radius_px"] * (fx + fy) / 2, 2)


def _points(points, fx: float, fy: float) -> list:
    array = np.asarray(points, np.float64)
    factors = (fx, fy, (fx + fy) / 2)[: array.shape[-1]]
    return _round(array * factors)


def _round(array: np.ndarray) -> list:
    return np.round(array, 1).tolist()
