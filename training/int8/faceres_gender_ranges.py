"""The activation ranges of face-gender-faceres's int8 model, measured on the faces of the
project's test photos and written to models/calibration/ (models/faceres_gender.py reads
them at import, so `python -m models import` needs no photo and gives the same file).

    python -m training.int8.faceres_gender_ranges  # rewrites the committed ranges

Never on a photo of the labelled set accuracy is measured on (docs/accuracy.md).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from models import faceres_gender
from models.convert_tfjs import convert_file
from models.importer import fetch_artifacts
from models.registry import BY_NAME

# photo (testkit/photos.py) -> faces: the detector's box (x1, y1, x2, y2) and the two
# eyes (image-left, image-right), as the default cascade found them on 2026-11-29
CALIBRATION_FACES = {
    "t1.jpg": [
        (468.1, 264.7, 570.7, 406.2, 492.2, 320.5, 541.4, 332.0),
        (53.9, 266.1, 165.7, 395.5, 86.6, 330.5, 129.9, 309.8),
        (906.0, 65.4, 1007.9, 198.8, 915.9, 121.1, 952.8, 113.9),
        (741.7, 343.3, 841.6, 475.1, 761.2, 397.8, 803.5, 401.8),
        (1130.4, 273.4, 1227.3, 396.9, 1151.0, 326.0, 1193.5, 323.7),
        (270.2, 154.3, 368.4, 269.8, 291.8, 212.1, 323.5, 192.3)],
    "obama.jpg": [(378.5, 82.1, 614.2, 419.1, 445.5, 216.1, 550.4, 213.9)],
    "obama2.jpg": [(199.9, 215.3, 475.5, 630.6, 252.8, 366.0, 373.8, 380.3)],
    "obama3.jpg": [(632.5, 236.7, 913.5, 607.9, 738.0, 382.6, 860.5, 397.1)],
    "obama_partial_face.jpg": [(0.0, 71.2, 163.5, 423.0, -69.6, 211.3, 77.1, 212.2)],
    "obama_partial_face2.jpg": [(399.4, 48.4, 551.0, 448.6, 518.4, 214.1, 689.1, 206.5)],
    "biden.jpg": [(433.7, 167.7, 714.6, 566.8, 539.3, 322.8, 658.6, 349.9)],
    "astronaut.png": [(181.3, 63.6, 265.9, 172.7, 204.6, 101.5, 247.6, 104.5)],
    "grace_hopper.jpg": [(178.7, 114.1, 351.7, 332.4, 220.7, 193.2, 307.3, 188.5)],
    "Tom_Hanks_54745.png": [(0.0, 0.0, 84.6, 112.0, 30.4, 52.9, 70.5, 51.9)],
}
FRAMINGS = 4  # each face as found, then moved by up to 5% and scaled by up to 8%, 3 times


def calibration_crops(seed: int = 0) -> np.ndarray:
    """[120, 192, 192, 3] uint8: the upright face tensors of CALIBRATION_FACES, each
    framing also mirrored."""
    from PIL import Image

    from analyzers.detectors.detection import Detection
    from analyzers.face_models.human_faces import upright_face
    from testkit.photos import photo

    rng = np.random.default_rng(seed)
    crops = []
    for name, faces in CALIBRATION_FACES.items():
        image = np.asarray(Image.open(photo(name)).convert("RGB"))
        for x1, y1, x2, y2, *eyes in faces:
            width, height = x2 - x1, y2 - y1
            for framing in range(FRAMINGS):
                shift, scale = ((rng.uniform(-0.05, 0.05, 2) * width, rng.uniform(0.92, 1.08))
                                if framing else (np.zeros(2), 1.0))
                cx, cy = (x1 + x2) / 2 + shift[0], (y1 + y2) / 2 + shift[1]
                box = [cx - width * scale / 2, cy - height * scale / 2,
                       cx + width * scale / 2, cy + height * scale / 2]
                face = Detection(box=np.asarray(box), score=1.0,
                                 keypoints=np.reshape(eyes, (2, 2)))  # the eyes: the roll
                crop = upright_face(image, face)[0]
                crops += [crop, crop[:, ::-1]]
    return np.stack(crops)


def measure_ranges(out_path: Path = faceres_gender.RANGES, crops: np.ndarray | None = None,
                   log=print) -> Path:
    """Convert faceres.json and quantize it as the import does, its ranges measured on
    `crops` (MinMax) and written to `out_path`, where the import step reads them."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader

    crops = calibration_crops() if crops is None else crops

    class Faces(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{faceres_gender.FACES_INPUT: crops[i:i + 8].astype(
                np.float32)} for i in range(0, len(crops), 8)])

        def get_next(self):
            return next(self.batches, None)

    files = fetch_artifacts(BY_NAME["face-gender-faceres"], log=lambda *_: None)
    out_path = Path(out_path)
    out_path.unlink(missing_ok=True)  # onnxruntime measures only where no ranges are cached
    with tempfile.TemporaryDirectory() as work:
        converted = convert_file(files["faceres.json"], Path(work) / "faceres.onnx")
        faceres_gender.quantize(faceres_gender.with_resize(onnx.load(str(converted))),
                                Path(work) / "int8.onnx", out_path, Faces())
    log(f"{out_path}: the ranges of {len(crops)} face crops")
    return out_path


if __name__ == "__main__":
    measure_ranges(Path(sys.argv[1]) if len(sys.argv) > 1 else faceres_gender.RANGES)
