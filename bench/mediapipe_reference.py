"""analyzers/blazeface.py's full-range decoding against MediaPipe's own face detection.

mediapipe 0.10.14 pins protobuf < 5, so it cannot live in the project's virtual
environment. Two steps, one file:

    # 1. in a virtual environment with the mediapipe 0.10.14 wheel (python 3.11):
    #    pip install --no-deps mediapipe==0.10.14
    #    pip install "protobuf>=4.25.3,<5" absl-py attrs flatbuffers numpy \\
    #        opencv-python-headless matplotlib pillow
    MP/bin/python bench/mediapipe_reference.py dump PHOTOS_DIR reference.json
    # 2. in the project's environment:
    .venv/bin/python -m bench.mediapipe_reference compare reference.json

`python -m bench.mediapipe_reference photos DIR` writes the test photos (testkit/photos.py)
into DIR as PNG for step 1 (that environment has not the project's fetcher).

MediaPipe's FaceDetection(model_selection=1) runs the same face_detection_full_range_
sparse.tflite with its own graph (letterbox, anchors, decoding, weighted NMS); the
comparison runs ours with MediaPipe's sampling of the input (blazeface.letterbox
"mediapipe"), pairs each of its faces with ours at the same threshold and prints the
largest differences of box, key points (in pixels and in box widths) and score. The
graph keeps only scores >= 0.6 (the model's min_score_thresh) whatever
min_detection_confidence asks, so ours is compared at max(0.6, threshold).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "astronaut.png",
          "grace_hopper.jpg", "Tom_Hanks_54745.png", "t1.jpg")
THRESHOLDS = (0.3, 0.6)


def photos(folder: Path) -> None:
    from PIL import Image

    from testkit.photos import photo

    folder.mkdir(parents=True, exist_ok=True)
    for name in PHOTOS:
        Image.open(photo(name)).convert("RGB").save(folder / (Path(name).stem + ".png"))


def dump(folder: Path, out: Path) -> None:
    """Run in the mediapipe environment: MediaPipe's detections, in pixels."""
    import mediapipe as mp
    import numpy as np
    from PIL import Image

    found = {"mediapipe": mp.__version__, "photos": {}}
    for threshold in THRESHOLDS:
        with mp.solutions.face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=threshold) as detector:
            for path in sorted(folder.glob("*.png")):
                image = np.asarray(Image.open(path).convert("RGB"))
                height, width = image.shape[:2]
                result = detector.process(image)
                faces = []
                for detection in result.detections or []:
                    box = detection.location_data.relative_bounding_box
                    faces.append({
                        "box": [box.xmin * width, box.ymin * height,
                                (box.xmin + box.width) * width,
                                (box.ymin + box.height) * height],
                        "keypoints": [[p.x * width, p.y * height] for p in
                                      detection.location_data.relative_keypoints],
                        "score": float(detection.score[0])})
                found["photos"].setdefault(path.stem, {})[str(threshold)] = faces
    out.write_text(json.dumps(found, indent=1))


def compare(reference: Path) -> dict:
    """Ours against MediaPipe's, face by face: the largest differences."""
    import numpy as np
    from PIL import Image

    from analyzers import blazeface
    from bench.detectors import fetched
    from testkit.photos import photo

    model = blazeface.BlazeFaceModel(fetched("face_detection_full_range_sparse.tflite"),
                                     blazeface.FULL_RANGE, sampling="mediapipe")
    theirs = json.loads(reference.read_text())["photos"]
    by_stem = {Path(name).stem: name for name in PHOTOS}
    report = {"faces": 0, "unmatched": [], "box_px": 0.0, "box_width_fraction": 0.0,
              "keypoints_width_fraction": 0.0, "score": 0.0}
    for stem, per_threshold in sorted(theirs.items()):
        image = np.asarray(Image.open(photo(by_stem[stem])).convert("RGB"))
        for threshold, faces in per_threshold.items():
            boxes, points, scores = model.propose(image, max(0.6, float(threshold)))
            if len(faces) != len(scores):
                report["unmatched"].append(f"{stem} at {threshold}: MediaPipe {len(faces)}, "
                                           f"ours {len(scores)}")
            for face in faces:
                box = np.asarray(face["box"])
                if not len(scores):
                    continue
                i = int(np.argmin(np.abs(boxes - box).sum(axis=1)))
                width = box[2] - box[0]
                difference = float(np.abs(boxes[i] - box).max())
                report["faces"] += 1
                report["box_px"] = max(report["box_px"], difference)
                report["box_width_fraction"] = max(report["box_width_fraction"],
                                                   difference / width)
                report["keypoints_width_fraction"] = max(
                    report["keypoints_width_fraction"],
                    float(np.abs(points[i] - np.asarray(face["keypoints"])).max() / width))
                report["score"] = max(report["score"], abs(float(scores[i]) - face["score"]))
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in report.items()}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "photos" and len(sys.argv) == 3:
        photos(Path(sys.argv[2]))
    elif command == "dump" and len(sys.argv) == 4:
        dump(Path(sys.argv[2]), Path(sys.argv[3]))
    elif command == "compare" and len(sys.argv) == 3:
        print(json.dumps(compare(Path(sys.argv[2])), indent=1))
    else:
        sys.exit(__doc__)
