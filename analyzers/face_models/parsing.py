"""Human parsing (SegFormer, models/hf.py) around each face: hair colour, length, hat.

The front cuts, per face, a square of PARSE_SCALE face sizes centred a little
below the face (`prepare`), so the crop holds the head, the hair and the
shoulders. The model service (`HumanParser`) resizes it to the model's size,
runs the ONNX SegFormer, upsamples the logits (1/4 of the input) back to the
crop's size and returns the label map (uint8 class index per pixel).

`describe` reads the map:
- colour: median L*a*b* of the hair pixels after outlier removal, named with
  measures.colour.name_hair_colour (the mesh-based hair colour's names);
- length: how far the hair reaches below the chin, in face heights:
  (lowest hair pixel - chin) / face height, chin = the detector box's bottom.
  "short" when the hair ends above the chin (< 0), "medium" down to half a face
  height below it (about the neck), "long" beyond (shoulders and lower). The crop
  reaches about 1.9 face heights below the chin, so longer hair reads as that;
- hat: hat (or headwear) pixels cover at least HAT_MIN_FRACTION of the face box.
No hair pixels at all gives type / length None with the reason (bald, covered, or
the parser missed it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.runtime import crops
from analyzers.runtime.model_wrapper import ModelWrapper
from measures import colour

CROP_SIZE = 512
PARSE_SCALE = 3.5  # crop side / face box side
PARSE_SHIFT = 0.6  # crop centre this many face heights below the face centre
HAT_MIN_FRACTION = 0.08
MIN_HAIR_PIXELS = 30
LENGTHS = ((0.0, "short"), (0.5, "medium"), (float("inf"), "long"))


def prepare(image: np.ndarray, box, size: int = CROP_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """The crop (RGB uint8, size x size) and the 2x3 affine from crop to image pixels."""
    x1, y1, x2, y2 = (float(v) for v in box)
    shift = PARSE_SHIFT * (y2 - y1)
    return crops.square_crop(image, (x1, y1 + shift, x2, y2 + shift), size, scale=PARSE_SCALE)


def face_box_in_crop(box, transform: np.ndarray) -> np.ndarray:
    """The detector box in crop pixels (transform: crop -> image, from prepare)."""
    to_crop = crops.invert_affine(transform)
    x1, y1, x2, y2 = (float(v) for v in box)
    corners = crops.apply_affine(np.array([[x1, y1], [x2, y2]]), to_crop)
    return corners.reshape(-1)


def class_index(labels: list[str], *names: str) -> int | None:
    wanted = {n.lower() for n in names}
    for index, label in enumerate(labels):
        if label.lower() in wanted:
            return index
    return None


def describe(label_map: np.ndarray, crop: np.ndarray, face_box, labels: list[str]) -> dict:
    """{colour, length, hat} of one face from its crop's label map; face_box in crop pixels."""
    label_map = np.asarray(label_map)
    hair_class, hat_class = class_index(labels, "hair"), class_index(labels, "hat")
    x1, y1, x2, y2 = (float(v) for v in face_box)
    face_height = max(y2 - y1, 1.0)
    result: dict = {}
    if hat_class is None:
        result["hat"] = None
    else:
        top, bottom = max(0, int(y1 - 0.5 * face_height)), max(0, int(y2))
        left, right = max(0, int(x1)), max(0, int(x2))
        region = label_map[top:bottom, left:right]
        area = max((x2 - x1) * face_height, 1.0)
        fraction = float((region == hat_class).sum()) / area
        result["hat"] = {"value": fraction >= HAT_MIN_FRACTION,
                         "coverage": round(fraction, 4)}
    hair = label_map == hair_class if hair_class is not None else np.zeros_like(label_map, bool)
    pixels = int(hair.sum())
    if pixels < MIN_HAIR_PIXELS:
        reason = ("no hair pixels around the face (bald, covered, or not found)"
                  if hair_class is not None else "the parsing model has no hair class")
        result["colour"] = {"value": None, "reason": reason, "pixels": pixels}
        result["length"] = {"value": None, "reason": reason}
        return result
    rows = np.flatnonzero(hair.any(axis=1))
    below_chin = (float(rows[-1]) - y2) / face_height
    name = next(label for limit, label in LENGTHS if below_chin < limit)
    result["length"] = {"value": name, "below_chin": round(below_chin, 3),
                        "clipped": bool(rows[-1] >= label_map.shape[0] - 1)}
    stats = colour._robust_stats(np.asarray(crop), hair, max_delta=25.0)
    if stats is None:
        result["colour"] = {"value": None, "reason": "hair too uneven to measure",
                            "pixels": pixels}
    else:
        lab, rgb, kept, total = stats
        result["colour"] = {"value": colour.to_hex(rgb), "hex": colour.to_hex(rgb),
                            "name": colour.name_hair_colour(lab),
                            "lab": colour._lab_dict(lab), "pixels": kept,
                            "pixels_total": total}
    return result


class HumanParser(ModelWrapper):
    """The stored SegFormer: crops in, label maps (uint8, crop-sized) out."""

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> "HumanParser":
        return cls(folder, threads=threads)

    @staticmethod
    def prepare_face(image, face, source=None):
        return prepare(image, face.box)  # the map is in crop pixels

    def __init__(self, folder, threads: int = 1):
        from analyzers.face_models.classifiers import OnnxImageModel

        self.model = OnnxImageModel(folder, threads=threads)
        self.labels = self.model.labels

    def predict(self, images: np.ndarray) -> np.ndarray:
        import cv2

        images = np.asarray(images)
        if len(images) == 0:
            return np.zeros((0, *images.shape[1:3]), np.uint8)
        logits = self.model.logits(images)  # [N, C, h, w]
        height, width = images.shape[1:3]
        maps = []
        for item in logits:
            upsampled = np.stack([cv2.resize(channel, (width, height),
                                             interpolation=cv2.INTER_LINEAR)
                                  for channel in item])
            maps.append(upsampled.argmax(axis=0).astype(np.uint8))
        return np.stack(maps)
