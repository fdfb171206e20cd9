"""The mask check's measurements and the detector's doubtful faces on the labelled
photos, kept in a JSON file, so that the mask thresholds (measures/mask.py) and the
cascade's threshold for occluded faces (analyzers/detectors/blazeface.py) can be chosen on one
part of the photos and checked on another without running a model again.

    nice -n 10 .venv/bin/python -m training.calibration.mask_features \
        --data ../shared/labelled-faces --out /tmp/mask_features.json

For each photo of the mask set and each photo labelled with no face or a face count:
* the served detector's faces (FaceAnalysis.detect, the padded retry included);
* on the largest, measures/mask.measure's forehead distance, lip contrast and regions
  (or the reason it could not measure);
* where no face was found: the best face the cascade's O-Net gives among the
  proposers' boxes at any score (its own threshold 0.7 set to 0), on the photo and on
  the padded canvas, with its O-Net score and box.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.accuracy import InProcess, Labels, default_data  # noqa: E402


def low_score_faces(detector, image: np.ndarray) -> list[dict]:
    """The O-Net's faces among both proposers' boxes with no score threshold."""
    from analyzers import tight_crops
    from analyzers.detectors.base import shrunk

    kept = detector.mtcnn.thresholds
    detector.mtcnn.thresholds = (kept[0], kept[1], 0.0)
    try:
        found = []
        for canvas, margin in ((image, 0), tight_crops.padded(image)):
            work = shrunk(canvas, detector.mtcnn.max_side)
            boxes = np.concatenate([detector.proposals(work),
                                    detector.second.propose(work, detector.min_score)[0]])
            for face in detector.decide(work, boxes, canvas.shape):
                box = np.asarray(face.box, np.float64) - margin
                found.append({"score": float(face.score), "padded": bool(margin),
                              "box": [round(float(v), 1) for v in box]})
        return sorted(found, key=lambda f: -f["score"])[:3]
    finally:
        detector.mtcnn.thresholds = kept


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("/tmp/mask_features.json"))
    parser.add_argument("--detections", type=Path, default=None)
    args = parser.parse_args(argv)
    import bentoml

    from measures import mask
    from model_services import load_model
    from models.registry import BY_NAME

    labels = Labels(Path(args.data or default_data()))
    backend = InProcess(args.detections)
    tag = backend.tags["detection"]
    detector = load_model(BY_NAME[tag.split(":")[0]], Path(bentoml.models.get(tag).path))
    rows = {r["path"]: r for r in labels.of_kind("mask", "none", "face_count",
                                                 "face_count_manual")}
    out = {"detector": tag, "photos": {}}

    async def one(path: str) -> dict:
        image = backend._image(labels.folder / path)
        faces = await backend.detect(labels.folder / path, image)
        row = rows[path]
        entry = {"kind": row["label_kind"], "label": row["label"], "faces": len(faces),
                 "size": list(image.shape[:2])}
        if faces:
            fitted, _ = await backend.analysis.fit(image, 1, faces=faces[:1])
            try:
                entry["mask"] = mask.measure(image, fitted[0]["points"],
                                             fitted[0]["pose"].get("yaw"))
            except ValueError as problem:
                entry["skipped"] = str(problem)
        else:
            entry["low_score"] = await asyncio.to_thread(low_score_faces, detector, image)
        return entry

    for count, path in enumerate(sorted(rows), 1):
        out["photos"][path] = asyncio.run(one(path))
        if count % 100 == 0:
            print(f"  {count} of {len(rows)}", file=sys.stderr, flush=True)
    backend.save()
    args.out.write_text(json.dumps(out, default=float))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
