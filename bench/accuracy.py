"""Accuracy on real labelled photos: detection, verification, age, gender, emotion,
race, liveness and mask, each with its sample size and a 95% interval (bench/metrics.py).
(Race: the photos have no race labels; `Harness.race` measures a lower bound on the
error rate from the identities instead.)

    python -m bench.accuracy                        # in-process, the default model set
    python -m bench.accuracy --limit 20             # at most 20 samples per field
    python -m bench.accuracy --url http://127.0.0.1:3000   # against a running server
    python -m bench.accuracy --data DIR --json out.json --markdown out.md

--data is a folder in the layout of ../shared/labelled-faces (its README): index.csv
(path,source,identity,label_kind,label) and pairs/lfw_pairs.csv (fold,path_a,path_b,same),
paths relative to the folder; dlib_repo/*.xml face boxes are used where present. The
photos are read where they are, never copied. Each photo is looked at once, for what
the chosen fields need (FACE_AGE_MODEL=gear ... --fields age,gender measures a candidate:
models/priority.py). In-process it loads the models as
bench/benchmark.py does (model_services.load_in_process) and asks
analyzers.face_analysis.FaceAnalysis, the code behind the endpoints.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from analyzers.detectors.detection import Detection
from bench import metrics, split

REPO = Path(__file__).resolve().parents[1]
FIELDS = ("detection", "verification", "age", "gender", "emotion", "race", "liveness", "mask",
          "blendshapes")
# the attribute each field asks /analyze for (race: the ethnicity field, README "Race")
ATTRIBUTE_OF = {"age": "age", "gender": "gender", "emotion": "emotion", "race": "ethnicity",
                "blendshapes": "blendshapes"}
AGE_BANDS = (("under 13", 0, 13), ("13-19", 13, 20), ("20 and over", 20, 200))
FARS = (1e-2, 1e-3)
# issue 26's liveness target: APCER at the threshold where BPCER is at most this
BPCER_TARGET = 0.10
# photos the blendshapes are compared on without --limit (LFW's emotion rows, balanced
# over their labels): the reference runs photo by photo in a subprocess
BLENDSHAPE_PHOTOS = 200
BOX_FILES = ("images/dlib_repo/training.xml", "images/dlib_repo/testing.xml")


def default_data() -> Path | None:
    """../shared/labelled-faces next to the checkout (or shared/ inside it), if present."""
    for folder in (REPO.parent / "shared" / "labelled-faces", REPO / "shared" / "labelled-faces"):
        if (folder / "index.csv").is_file():
            return folder
    return None


# ------------------------------------------------------------------ labels
class Labels:
    """index.csv, the pairs and the dlib boxes of one labels folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        with open(self.folder / "index.csv", newline="") as handle:
            self.rows = list(csv.DictReader(handle))
        pairs_file = self.folder / "pairs" / "lfw_pairs.csv"
        self.pairs = []
        if pairs_file.is_file():
            with open(pairs_file, newline="") as handle:
                self.pairs = [(r["path_a"], r["path_b"], r["same"] == "1")
                              for r in csv.DictReader(handle)]
        self.boxes = {}  # path -> [(x1, y1, x2, y2)]
        for name in BOX_FILES:
            if (self.folder / name).is_file():
                self.boxes.update(read_dlib_boxes(self.folder / name, str(Path(name).parent)))

    def of_kind(self, *kinds: str) -> list[dict]:
        return [r for r in self.rows if r["label_kind"] in kinds]


def read_dlib_boxes(xml_file: Path, prefix: str) -> dict:
    """dlib's imglab XML: <image file=...><box top left width height [ignore]/>."""
    boxes = {}
    for image in ElementTree.parse(xml_file).getroot().iter("image"):
        found = [(float(b.get("left")), float(b.get("top")),
                  float(b.get("left")) + float(b.get("width")),
                  float(b.get("top")) + float(b.get("height")))
                 for b in image.iter("box") if b.get("ignore", "0") != "1"]
        boxes[f"{prefix}/{image.get('file')}"] = found
    return boxes


def balanced(rows: list, key, limit: int | None) -> list:
    """At most `limit` rows, taken round-robin over the classes of key(row) so a short run
    still sees every class; all rows (in order) without a limit."""
    if limit is None or len(rows) <= limit:
        return list(rows)
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    queues, chosen = [list(g) for g in groups.values()], []
    while len(chosen) < limit:
        for queue in queues:
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    return chosen


# ---------------------------------------------------------------- backends
# the code between the detector model and the faces: a change to it makes a kept
# detections file stale even when the model's tag is the same
DETECTION_CODE = ("analyzers/detectors/mtcnn.py", "analyzers/tight_crops.py",
                  "analyzers/face_analysis.py")


def detection_code() -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in DETECTION_CODE:
        digest.update((REPO / name).read_bytes())
    return digest.hexdigest()[:16]


class InProcess:
    """The default model set (or models/priority.py's choice) in this process."""

    def __init__(self, detections: Path | None = None):
        """detections: a JSON file of the detector's faces per photo, read when it was
        written by the same detector model, and written back (`save`): a run measuring
        one attribute model after another then detects each photo once."""
        from analyzers.face_models.embedding import metric_for
        from analyzers.face_analysis import FaceAnalysis
        from model_services import load_in_process

        predictors, tags = load_in_process()
        # gender from its own model when one answers it, as service.py decides
        self.analysis = FaceAnalysis(predictors, tags, gender_task="gender" if "gender" in tags
                                     else "age_gender")
        self.tags = tags
        self.metric = metric_for(tags.get("embedding"))
        self.distance_note = "the embedding model's own metric on its raw vectors"
        self.detections_file, self.detections = detections, {}
        if detections is not None and detections.is_file():
            stored = json.loads(detections.read_text())
            if (stored.get("detector"), stored.get("code")) == (tags.get("detection"),
                                                                detection_code()):
                self.detections = stored["faces"]

    def save(self) -> None:
        if self.detections_file is not None:
            self.detections_file.write_text(json.dumps(
                {"detector": self.tags.get("detection"), "code": detection_code(),
                 "faces": self.detections}))

    async def detect(self, path: Path, image) -> list[Detection]:
        """The detector's faces (largest first), from the detections file when it has them."""
        key = path.as_posix()
        if key not in self.detections:
            self.detections[key] = [
                {"box": np.asarray(face.box).tolist(), "score": float(face.score),
                 "keypoints": np.asarray(face.keypoints).tolist()}
                for face in await self.analysis.detect(image)]
        return [Detection(box=np.asarray(face["box"], np.float32), score=face["score"],
                          keypoints=np.asarray(face["keypoints"], np.float32))
                for face in self.detections[key]]

    @staticmethod
    def _image(path: Path):
        from inputs.imageio import decode_image

        return decode_image(path.read_bytes())

    async def look(self, path: Path, attributes: tuple, embed: bool) -> dict:
        """{"boxes", "first" (the largest face's attributes), "embedding"}."""
        from analyzers.face_analysis import Options

        image = self._image(path)
        faces = await self.detect(path, image)
        seen = {"boxes": [[float(v) for v in f.box] for f in faces], "first": None,
                "embedding": None}
        if faces:
            if attributes:
                result = await self.analysis.analyze(image, Options(attributes=attributes),
                                                     faces=faces[:1])
                seen["first"] = result["faces"][0]
            if embed:
                seen["embedding"] = np.asarray(
                    await self.analysis.embed_pair((image, faces[0])))[0]
        return seen

    async def liveness(self, path: Path) -> dict | None:
        """{"score", "scores": {"antispoof", "liveness"}} of the largest face, or None."""
        from analyzers.face_models import liveness

        image = self._image(path)
        faces = await self.detect(path, image)
        if not faces:
            return None
        return (await self.analysis.liveness_scores(image, faces[:1], liveness.THRESHOLD))[0]

    async def mask(self, path: Path) -> dict:
        records, _ = await self.analysis.masks(self._image(path), max_faces=1)
        if not records:
            return {"value": None, "skipped": "no face"}
        record = records[0]
        return {"value": None if record["mask"] is None else record["mask"]["value"],
                "skipped": record["mask_skipped"]}


class Remote:
    """The same questions asked of a running server's endpoints."""

    def __init__(self, url: str):
        import httpx

        from analyzers.face_models.embedding import metric_for

        self.http = httpx.AsyncClient(base_url=url.rstrip("/"), timeout=300)
        self.tags = {}
        self.metric = metric_for(None)
        self.distance_note = ("euclidean distance of the unit vectors /analyze returns "
                              "(return_embedding)")

    async def _post(self, route: str, path: Path, **data) -> dict:
        response = await self.http.post(route, files={"file": (path.name, path.read_bytes())},
                                        data=data)
        if response.status_code != 200:
            raise RuntimeError(f"{route} {path.name}: {response.status_code} {response.text[:200]}")
        body = response.json()
        self.tags.update({k: v for k, v in body.get("models", {}).items() if v})
        return body

    async def look(self, path: Path, attributes: tuple, embed: bool) -> dict:
        wanted = list(attributes) + (["embedding"] if embed else [])
        body = await self._post("/analyze", path, attributes=",".join(wanted) or "none")
        faces = body["faces"]
        first = faces[0] if faces else None
        vector = first.get("embedding") if first and embed else None
        return {"boxes": [f["bbox"] for f in faces], "first": first,
                "embedding": None if vector is None else np.asarray(vector, np.float32)}

    async def liveness(self, path: Path) -> dict | None:
        # mode=all: the largest face's verdict whatever the count, as in-process
        body = await self._post("/liveness", path, mode="all", max_faces="1")
        return body["faces"][0]["liveness"] if body["faces"] else None

    async def mask(self, path: Path) -> dict:
        body = await self._post("/mask", path, max_faces="1")
        if not body["faces"]:
            return {"value": None, "skipped": "no face"}
        face = body["faces"][0]
        return {"value": None if face["mask"] is None else face["mask"]["value"],
                "skipped": face["mask_skipped"]}


# ------------------------------------------------- per-class figures
GENDER_AGE_BANDS = (("under 13", 0, 13), ("13-19", 13, 20), ("20-59", 20, 60),
                    ("60 and over", 60, 200))
FGNET_GENDER = REPO / "bench" / "fgnet_gender_manual.csv"
LFW_SOURCE = "muxspace_facial_expressions"
EMOTION_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
EMOTION_MIN_CLASS = 10  # photos of a class in LFW's labels for it to count in the balance


def age_band(age: float, bands) -> str:
    return next(name for name, lo, hi in bands if lo <= age < hi)


def fgnet_gender() -> dict[str, str]:
    """FG-NET identity -> gender set by eye (FG-NET ships no gender label)."""
    if not FGNET_GENDER.is_file():
        return {}
    with open(FGNET_GENDER, newline="") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return {r["identity"]: r["gender_manual"] for r in csv.DictReader(rows)}


def by_sex(pairs: list[tuple[str, str | None]]) -> dict:
    """(truth, answer) pairs -> each sex's error, their gap in points, balanced accuracy."""
    women = [p for t, p in pairs if t == "female"]
    men = [p for t, p in pairs if t == "male"]
    women_wrong = metrics.proportion(sum(p != "female" for p in women), len(women))
    men_wrong = metrics.proportion(sum(p != "male" for p in men), len(men))
    rates = [e["value"] for e in (women_wrong, men_wrong) if e["value"] is not None]
    return {"accuracy": metrics.proportion(sum(t == p for t, p in pairs), len(pairs)),
            "women_called_male": women_wrong, "men_called_female": men_wrong,
            "gap_points": round(100 * abs(rates[0] - rates[1]), 2) if len(rates) == 2 else None,
            "balanced_accuracy": round(1 - sum(rates) / len(rates), 4) if rates else None}


def per_class(pairs: list[tuple[str, str | None]], classes) -> dict:
    """Recall per true class (Wilson intervals) and the mean recall over `classes`."""
    recall = {c: metrics.proportion(sum(t == p == c for t, p in pairs),
                                    sum(t == c for t, _ in pairs))
              for c in sorted({t for t, _ in pairs})}
    scored = [recall[c]["value"] for c in classes if c in recall and recall[c]["n"]]
    return {"photos": len(pairs), "recall": recall, "balanced_over": list(classes),
            "balanced_accuracy": round(float(np.mean(scored)), 4) if scored else None,
            "balanced_accuracy_ci95": metrics._rounded(metrics.bootstrap(
                lambda t, p: float(np.mean([np.mean(p[t == c] == c) for c in classes
                                            if (t == c).any()])),
                np.array([t for t, _ in pairs]), np.array([str(p) for _, p in pairs])))
            if scored else None}


# ----------------------------------------------------------------- harness
class Harness:
    def __init__(self, labels: Labels, backend, limit: int | None = None,
                 progress: bool = False, fields=FIELDS):
        self.labels, self.backend, self.limit, self.progress = labels, backend, limit, progress
        self._seen: dict = {}
        self.errors: list[str] = []
        # what one look at a photo asks for: only what the measured fields need (a
        # run of --fields age does not pay for embeddings)
        self.attributes = tuple(ATTRIBUTE_OF[f] for f in fields if f in ATTRIBUTE_OF)
        self.embed = "verification" in fields

    async def seen(self, path: str) -> dict | None:
        """The backend's look at one photo, cached per photo (every field that needs the
        same photo shares one look: the fields' attributes and the embedding)."""
        if path not in self._seen:
            try:
                self._seen[path] = await self.backend.look(
                    self.labels.folder / path, self.attributes, embed=self.embed)
            except Exception as error:  # one unreadable photo must not end the run
                self.errors.append(f"{path}: {error}")
                self._seen[path] = None
            if self.progress and len(self._seen) % 100 == 0:
                print(f"  {len(self._seen)} photos looked at", file=sys.stderr, flush=True)
        return self._seen[path]

    async def detection(self) -> dict:
        """Per source: labelled faces found and extra faces. Photos of the single-face sets
        (LFW, FG-NET, spoof, mask) count one labelled face each; face_count photos their
        count; dlib's photos their boxes, matched at IoU >= 0.5."""
        per_source = defaultdict(lambda: {"images": 0, "labelled": 0, "found": 0,
                                          "extra": 0, "no_face_images": 0})
        single = {}
        for row in self.labels.of_kind("gender", "age", "spoof", "mask"):
            single.setdefault(row["path"], row["path"].split("/")[1])
        chosen = balanced(sorted(single), lambda p: single[p], self.limit)
        # a photo with boxes is scored by its boxes only (dlib's also carry a face_count)
        counted = {r["path"]: int(r["label"]) for r in
                   self.labels.of_kind("face_count", "face_count_manual")
                   if r["path"] not in self.labels.boxes}
        jobs = [(p, 1, None) for p in chosen]
        jobs += [(p, n, None) for p, n in list(counted.items())[: self.limit]]
        jobs += [(p, len(b), b) for p, b in list(self.labels.boxes.items())[: self.limit]]
        for path, labelled, boxes in jobs:
            seen = await self.seen(path)
            if seen is None:
                continue
            source = path.split("/")[1] + (" (boxes, IoU>=0.5)" if boxes is not None else "")
            entry = per_source[source]
            found = len(seen["boxes"])
            hits = (metrics.match_boxes(boxes, seen["boxes"]) if boxes is not None
                    else min(found, labelled))
            entry["images"] += 1
            entry["labelled"] += labelled
            entry["found"] += hits
            entry["extra"] += max(0, found - hits)
            entry["no_face_images"] += found == 0
        report = {}
        for source, e in sorted(per_source.items()):
            report[source] = {**e, "recall": metrics.proportion(e["found"], e["labelled"]),
                              "extra_per_image": round(e["extra"] / e["images"], 4)}
        total = {k: sum(e[k] for e in per_source.values())
                 for k in ("images", "labelled", "found", "extra", "no_face_images")}
        return {"by_source": report, "all": {**total, "recall": metrics.proportion(
            total["found"], total["labelled"])}}

    async def verification(self) -> dict:
        pairs = balanced(self.labels.pairs, lambda p: p[2], self.limit)
        distances, same, not_compared = [], [], 0
        for path_a, path_b, is_same in pairs:
            a, b = await self.seen(path_a), await self.seen(path_b)
            if not a or not b or a["embedding"] is None or b["embedding"] is None:
                not_compared += 1
                continue
            distances.append(self.backend.metric.distance(a["embedding"], b["embedding"]))
            same.append(is_same)
        scores, same = -np.asarray(distances, float), np.asarray(same, bool)
        threshold = self.backend.metric.threshold
        report = {"pairs": len(pairs), "compared": len(distances), "not_compared": not_compared,
                  "same": int(same.sum()), "different": int((~same).sum()),
                  "distance": self.backend.distance_note}
        if len(set(same.tolist())) < 2:
            return {**report, "reason": "needs same and different pairs that could be compared"}
        rate, at = metrics.eer(scores, same)
        report["roc_auc"] = {"value": round(metrics.roc_auc(scores, same), 4),
                             "ci95": metrics._rounded(metrics.bootstrap(metrics.roc_auc,
                                                                        scores, same))}
        report["eer"] = {"value": round(rate, 4), "threshold_distance": round(-at, 4),
                         "ci95": metrics._rounded(metrics.bootstrap(
                             lambda s, y: metrics.eer(s, y)[0], scores, same))}
        for far in FARS:
            tar, reached, at = metrics.tar_at_far(scores, same, far)
            positives = int(same.sum())
            report[f"tar_at_far_{far:g}"] = {
                **metrics.proportion(round(tar * positives), positives),
                "far_reached": round(reached, 5),
                "threshold_distance": None if at == float("inf") else round(-at, 4),
                "negatives": int((~same).sum()),
                "note": "interval over the same pairs at this fixed threshold"}
        predicted = (-scores) < threshold
        report["at_model_threshold"] = {
            "threshold_distance": threshold,
            "accuracy": metrics.accuracy(same.tolist(), predicted.tolist()),
            "accuracy_counting_not_compared_as_wrong": metrics.proportion(
                int((predicted == same).sum()), len(pairs))}
        return report

    async def _labelled_first_face(self, kind: str, key=None):
        rows = balanced(self.labels.of_kind(kind), key or (lambda r: r["label"]), self.limit)
        answered, no_face = [], 0
        for row in rows:
            seen = await self.seen(row["path"])
            if not seen or seen["first"] is None:
                no_face += 1
                continue
            answered.append((row, seen["first"]))
        return rows, answered, no_face

    async def age(self) -> dict:
        rows, answered, no_face = await self._labelled_first_face(
            "age", key=lambda r: next(n for n, lo, hi in AGE_BANDS
                                      if lo <= float(r["label"]) < hi))
        pairs = [(float(r["label"]), f["age"]) for r, f in answered if f.get("age") is not None]
        truth, predicted = [t for t, _ in pairs], [p for _, p in pairs]
        return {"photos": len(rows), "no_face": no_face, "no_age": len(answered) - len(pairs),
                "mae": metrics.mae(truth, predicted),
                "mae_by_band": metrics.mae_by_band(truth, predicted, AGE_BANDS),
                "mean_signed_error": round(float(np.mean(np.subtract(predicted, truth))), 3)
                if pairs else None}

    async def _classification(self, kind: str, value) -> dict:
        rows, answered, no_face = await self._labelled_first_face(kind)
        truth = [r["label"] for r, f in answered]
        predicted = [value(f) for r, f in answered]
        labels = sorted(set(truth) | {p for p in predicted if p is not None})
        return {"photos": len(rows), "no_face": no_face,
                "accuracy": metrics.accuracy(truth, predicted),
                "accuracy_counting_no_face_as_wrong": metrics.proportion(
                    sum(t == p for t, p in zip(truth, predicted)), len(rows)),
                "by_source": {source: metrics.accuracy(
                    [t for (r, _), t in zip(answered, truth) if r["path"].split("/")[1] == source],
                    [p for (r, _), p in zip(answered, predicted)
                     if r["path"].split("/")[1] == source])
                    for source in sorted({r["path"].split("/")[1] for r, _ in answered})},
                "confusion": metrics.confusion_matrix(truth, [str(p) for p in predicted],
                                                      labels + (["None"] if None in predicted
                                                                else []))}

    def _parts(self, answered) -> dict:
        """{part: [(row, face)]}: bench/split.py's fit and held-out parts (by identity)."""
        identity = {r["path"]: r["identity"] for r in self.labels.of_kind("identity")}
        parts = defaultdict(list)
        for row, face in answered:
            parts[split.part(identity.get(row["path"]), row["path"])].append((row, face))
        return parts

    async def gender(self) -> dict:
        """Accuracy as before, and each sex's error (the bias the fused default is chosen
        against), on the whole split and on its held-out part (the fused constants were
        fitted on the other: bench/split.py); FG-NET's subjects, whose gender was set by
        eye (bench/fgnet_gender_manual.csv), by age band and over 60."""
        def value(face):
            return (face.get("gender") or {}).get("value")

        report = await self._classification("gender", value)
        rows, answered, _ = await self._labelled_first_face("gender")
        report["by_sex"] = by_sex([(r["label"], value(f)) for r, f in answered])
        held_out = self._parts(answered)[split.HELD_OUT]
        report["held_out_part"] = by_sex([(r["label"], value(f)) for r, f in held_out])
        by_eye = fgnet_gender()
        aged = [r for r in self.labels.of_kind("age") if r["identity"] in by_eye]
        aged = balanced(aged, lambda r: age_band(float(r["label"]), GENDER_AGE_BANDS), self.limit)
        answers, no_face = [], 0
        for row in aged:
            seen = await self.seen(row["path"])
            if not seen or seen["first"] is None:
                no_face += 1
                continue
            answers.append((float(row["label"]), by_eye[row["identity"]], value(seen["first"])))
        report["fgnet_by_eye"] = {
            "photos": len(aged), "no_face": no_face,
            "all": by_sex([(t, p) for _, t, p in answers]),
            "by_age_band": {name: by_sex([(t, p) for a, t, p in answers if lo <= a < hi])
                            for name, lo, hi in GENDER_AGE_BANDS},
            "labels": "gender set by eye per subject (bench/fgnet_gender_manual.csv)"}
        return report

    async def emotion(self) -> dict:
        """Accuracy as before, recall per class, and the balanced accuracy (mean recall)
        over LFW's classes with at least EMOTION_MIN_CLASS photos, on the whole split and
        on its held-out part (the prior correction was fitted on the other)."""
        def value(face):
            return (face.get("emotion") or {}).get("dominant")

        report = await self._classification("emotion", value)
        _, answered, _ = await self._labelled_first_face("emotion")
        lfw = [(r, f) for r, f in answered if r["path"].split("/")[1] == LFW_SOURCE]
        counts = defaultdict(int)
        for r in self.labels.of_kind("emotion"):
            if r["path"].split("/")[1] == LFW_SOURCE:
                counts[r["label"]] += 1
        classes = sorted(c for c, n in counts.items()
                         if n >= EMOTION_MIN_CLASS and c in EMOTION_LABELS)
        report["lfw"] = per_class([(r["label"], value(f)) for r, f in lfw], classes)
        report["lfw_held_out_part"] = per_class(
            [(r["label"], value(f)) for r, f in self._parts(lfw)[split.HELD_OUT]], classes)
        return report

    async def race(self) -> dict:
        """No photo here has a race label, so no accuracy can be measured. What can be:
        does the model give one person one answer? Within each identity with two or more
        answered photos, every photo whose answer differs from that person's most common
        answer is wrong whatever the person's true label (one person, one label), so
        (photos off their person's majority) / (photos) is a lower bound on the error
        rate on these photos, with its Wilson interval; the true rate may be anything
        above it (a model that calls everyone "white" scores 0 here)."""
        groups = defaultdict(list)
        for row in self.labels.of_kind("identity"):
            groups[row["identity"]].append(row["path"])
        people = sorted((name, paths) for name, paths in groups.items() if len(paths) >= 2)
        if self.limit is not None:  # two photos each of limit // 2 people, sources in turn
            people = [(name, paths[:2]) for name, paths in balanced(
                people, lambda p: p[1][0].split("/")[1], max(1, self.limit // 2))]
        answers, off, counted, no_face = defaultdict(int), defaultdict(int), defaultdict(int), 0
        for name, paths in people:
            found = []
            for path in paths:
                seen = await self.seen(path)
                value = ((seen or {}).get("first") or {}).get("ethnicity")
                if not isinstance(value, dict):
                    no_face += seen is None or seen["first"] is None
                    continue
                found.append(value["dominant"])
                answers[value["dominant"]] += 1
            if len(found) < 2:
                continue
            source = paths[0].split("/")[1]
            counted[source] += len(found)
            off[source] += len(found) - max(found.count(v) for v in set(found))
        total_off, total = sum(off.values()), sum(counted.values())
        return {"people": len(people), "photos": sum(len(p) for _, p in people),
                "no_face": no_face, "answers": dict(sorted(answers.items())),
                "labels": "none: the photos have no race labels; this is not an accuracy",
                "error_lower_bound": metrics.proportion(total_off, total),
                "error_lower_bound_by_source": {
                    source: metrics.proportion(off[source], counted[source])
                    for source in sorted(counted)}}

    async def liveness(self) -> dict:
        from analyzers.face_models.liveness import THRESHOLD

        rows = balanced(self.labels.of_kind("spoof"), lambda r: r["label"], self.limit)
        scores, parts, live, no_face = [], defaultdict(list), [], 0
        for row in rows:
            try:
                answer = await self.backend.liveness(self.labels.folder / row["path"])
            except Exception as error:
                self.errors.append(f"{row['path']}: {error}")
                answer = None
            if answer is None:
                no_face += 1
                continue
            scores.append(answer["score"])
            for name, value in answer["scores"].items():
                parts[name].append(value)
            live.append(row["label"] == "live")
        scores, live = np.asarray(scores, float), np.asarray(live, bool)
        alone = all(s == a for s, a in zip(scores, parts["antispoof"]))
        report = {"photos": len(rows), "no_face": no_face, "live": int(live.sum()),
                  "spoof": int((~live).sum()),
                  "score": ("the antispoof model's alone" if alone and len(scores) else
                            "mean of antispoof and liveness") + ", REAL at or above the threshold"}
        if len(set(live.tolist())) < 2:
            return {**report, "reason": "needs live and spoof photos with a face"}
        report["roc_auc"] = {"value": round(metrics.roc_auc(scores, live), 4),
                             "ci95": metrics._rounded(metrics.bootstrap(metrics.roc_auc,
                                                                        scores, live))}
        # each of the two nets alone: does either separate better than their mean?
        report["roc_auc_by_model"] = {
            name: {"value": round(metrics.roc_auc(values, live), 4),
                   "ci95": metrics._rounded(metrics.bootstrap(metrics.roc_auc,
                                                              np.asarray(values), live))}
            for name, values in parts.items()}
        apcer, bpcer = metrics.apcer_bpcer(scores, live, THRESHOLD)
        report["at_threshold"] = {"threshold": THRESHOLD, "apcer": apcer, "bpcer": bpcer,
                                  "accuracy": metrics.accuracy(live.tolist(),
                                                               (scores >= THRESHOLD).tolist())}
        report["at_threshold_by_model"] = {
            name: dict(zip(("apcer", "bpcer"), metrics.apcer_bpcer(values, live, THRESHOLD)))
            for name, values in parts.items()}
        report["at_bpcer_target"] = operating_point(scores, live)
        # the two nets' mean, whichever the served score is: the fusion measured beside it
        mean = (np.asarray(parts["antispoof"]) + np.asarray(parts["liveness"])) / 2
        apcer, bpcer = metrics.apcer_bpcer(mean, live, THRESHOLD)
        report["mean_of_both"] = {
            "roc_auc": {"value": round(metrics.roc_auc(mean, live), 4),
                        "ci95": metrics._rounded(metrics.bootstrap(metrics.roc_auc, mean, live))},
            "apcer": apcer, "bpcer": bpcer}
        rate, at = metrics.eer(scores, live)
        apcer, bpcer = metrics.apcer_bpcer(scores, live, at)
        report["at_eer_threshold"] = {"threshold": round(at, 4), "eer": round(rate, 4),
                                      "apcer": apcer, "bpcer": bpcer,
                                      "note": "threshold chosen on these same photos"}
        return report

    async def blendshapes(self) -> dict:
        from bench import blendshapes_reference as reference
        from inputs.imageio import decode_image

        task = reference.landmarker_task()
        if task is None:
            return {"reason": "no face_landmarker.task (../shared/models or "
                              "FACE_LANDMARKER_TASK) for mediapipe's reference"}
        rows = balanced(self.labels.of_kind("emotion"), lambda r: r["label"],
                        self.limit or BLENDSHAPE_PHOTOS)
        ours, paths = [], []
        for row in rows:
            seen = await self.seen(row["path"])
            first = (seen or {}).get("first") or {}
            if first and "blendshapes" not in first:
                return {"reason": "face-blendshapes-mediapipe is not stored (`python -m "
                                  "models import --only face-blendshapes-mediapipe --from "
                                  "face_landmarker.task`)"}
            ours.append(first.get("blendshapes"))
            paths.append(row)
        try:
            theirs, meshes = reference.reference(
                [decode_image((self.labels.folder / r["path"]).read_bytes()) for r in paths],
                task)
        except Exception as error:  # no mediapipe environment: say so, measure the rest
            return {"reason": f"mediapipe's reference could not run: {str(error)[:300]}"}
        legacy = reference.on_points(meshes) or [None] * len(paths)
        both = [(o, t, r["label"] == "happy", m)
                for o, t, r, m in zip(ours, theirs, paths, legacy)
                if o is not None and t is not None]
        report = reference.compare([o for o, _, _, _ in both], [t for _, t, _, _ in both],
                                   [h for _, _, h, _ in both], [m for _, _, _, m in both])
        return {**report, "photos": len(rows), "no_face_ours": sum(o is None for o in ours),
                "no_face_mediapipe": sum(t is None for t in theirs)}

    async def mask(self) -> dict:
        rows = balanced(self.labels.of_kind("mask"), lambda r: r["label"], self.limit)
        truth, predicted, no_face, skipped = [], [], 0, defaultdict(int)
        for row in rows:
            try:
                answer = await self.backend.mask(self.labels.folder / row["path"])
            except Exception as error:
                self.errors.append(f"{row['path']}: {error}")
                answer = {"value": None, "skipped": "error"}
            if answer["value"] is None:
                if answer["skipped"] == "no face":
                    no_face += 1
                else:
                    skipped[str(answer["skipped"])[:60]] += 1
                continue
            truth.append(row["label"] == "with_mask")
            predicted.append(bool(answer["value"]))
        right = sum(t == p for t, p in zip(truth, predicted))
        return {"photos": len(rows), "no_face": no_face, "skipped": sum(skipped.values()),
                "no_face_rate": metrics.proportion(no_face, len(rows)),
                "skipped_reasons": dict(skipped),
                "accuracy": metrics.accuracy(truth, predicted),
                "accuracy_counting_unanswered_as_wrong": metrics.proportion(right, len(rows)),
                "confusion": metrics.confusion_matrix(
                    ["mask" if t else "no mask" for t in truth],
                    ["mask" if p else "no mask" for p in predicted], ["mask", "no mask"])}

    async def run(self, fields=FIELDS, done=None) -> dict:
        """Each field in turn; done(report so far) after each (a long run saves as it goes)."""
        report = {}
        for name in fields:
            started = time.perf_counter()
            if self.progress:
                print(f"{name} ...", file=sys.stderr, flush=True)
            report[name] = await getattr(self, name)()
            report[name]["seconds"] = round(time.perf_counter() - started, 1)
            if done is not None:
                done(report)
        return report


def operating_point(scores: np.ndarray, live: np.ndarray) -> dict:
    """APCER at the highest threshold whose BPCER is at most BPCER_TARGET: on all the
    photos (in-sample), and with the threshold chosen on one half (every other photo)
    and measured on the other, both ways round."""
    def threshold_for(s, l):
        candidates = np.unique(s)
        if not l.any():  # a half with no live photo: nothing to hold BPCER to
            return float(candidates.min())
        fine = [t for t in candidates if (s[l] < t).mean() <= BPCER_TARGET]
        return float(max(fine)) if fine else float(candidates.min())

    at = threshold_for(scores, live)
    apcer, bpcer = metrics.apcer_bpcer(scores, live, at)
    held_out_attacks = held_out_live = attacks = lives = 0
    for fit in (0, 1):
        chosen, test = np.arange(len(scores)) % 2 == fit, np.arange(len(scores)) % 2 != fit
        t = threshold_for(scores[chosen], live[chosen])
        attack, bona = scores[test & ~live], scores[test & live]
        held_out_attacks += int((attack >= t).sum())
        held_out_live += int((bona < t).sum())
        attacks, lives = attacks + len(attack), lives + len(bona)
    return {"bpcer_target": BPCER_TARGET, "threshold": round(at, 4), "apcer": apcer,
            "bpcer": bpcer, "held_out": {"apcer": metrics.proportion(held_out_attacks, attacks),
                                         "bpcer": metrics.proportion(held_out_live, lives)},
            "note": "in-sample threshold; held_out: chosen on one half, measured on the other"}


# ------------------------------------------------------------------ output
def _interval(entry) -> str:
    if not entry or entry.get("ci95") is None:
        return ""
    low, high = entry["ci95"]
    return f" [{low:.3g}, {high:.3g}]"


def _rate(entry) -> str:
    if not entry or entry.get("value") is None:
        return "n/a"
    return f"{entry['value']:.3f}{_interval(entry)} (n={entry['n']})"


def markdown(report: dict) -> str:
    """One row per figure: field, measure, value [95% interval] (n)."""
    rows = []
    fields = report["fields"]
    if "detection" in fields:
        for source, e in fields["detection"]["by_source"].items():
            rows.append(("detection", f"recall, {source}", _rate(e["recall"]) +
                         f"; extra faces {e['extra']} on {e['images']} images"))
    if "verification" in fields:
        v = fields["verification"]
        rows.append(("verification", "pairs compared / not compared",
                     f"{v['compared']} / {v['not_compared']}"))
        if "eer" in v:
            rows.append(("verification", "ROC AUC", f"{v['roc_auc']['value']:.4f}"
                         f"{_interval(v['roc_auc'])}"))
            rows.append(("verification", "EER (distance threshold)",
                         f"{v['eer']['value']:.4f}{_interval(v['eer'])} "
                         f"(at {v['eer']['threshold_distance']})"))
            for far in FARS:
                t = v[f"tar_at_far_{far:g}"]
                rows.append(("verification", f"TAR at FAR {far:g} (distance threshold)",
                             f"{_rate(t)} (at {t['threshold_distance']}, FAR reached "
                             f"{t['far_reached']})"))
            m = v["at_model_threshold"]
            rows.append(("verification", f"accuracy at distance < {m['threshold_distance']}",
                         _rate(m["accuracy"])))
    if "age" in fields:
        a = fields["age"]
        rows.append(("age", "MAE, years (all)", _rate(a["mae"]) + f"; no face {a['no_face']}"))
        for band, e in a["mae_by_band"].items():
            rows.append(("age", f"MAE, years ({band})", _rate(e)))
    for name in ("gender", "emotion"):
        if name in fields:
            f = fields[name]
            rows.append((name, "accuracy", _rate(f["accuracy"]) + f"; no face {f['no_face']}"))
            for source, e in f["by_source"].items():
                rows.append((name, f"accuracy, {source}", _rate(e)))
    if "gender" in fields and "by_sex" in fields["gender"]:
        g = fields["gender"]
        for label, entry in (("labelled photos", g["by_sex"]),
                             ("held-out part", g["held_out_part"]),
                             ("FG-NET, gender by eye", g["fgnet_by_eye"]["all"]),
                             *((f"FG-NET, gender by eye, {band}", e) for band, e in
                               g["fgnet_by_eye"]["by_age_band"].items())):
            wrong = entry["accuracy"]
            rows.append(("gender", f"error (both sexes), {label}",
                         _rate(metrics.proportion(wrong["n"] - wrong["k"], wrong["n"]))))
            rows.append(("gender", f"women called male, {label}",
                         _rate(entry["women_called_male"])))
            rows.append(("gender", f"men called female, {label}",
                         _rate(entry["men_called_female"])))
            rows.append(("gender", f"gap (points) / balanced accuracy, {label}",
                         f"{entry['gap_points']} / {entry['balanced_accuracy']}"))
    if "emotion" in fields and "lfw" in fields["emotion"]:
        for label, key in (("LFW", "lfw"), ("LFW held-out part", "lfw_held_out_part")):
            e = fields["emotion"][key]
            interval = e["balanced_accuracy_ci95"]
            rows.append(("emotion", f"balanced accuracy over {', '.join(e['balanced_over'])}, "
                         f"{label}", f"{e['balanced_accuracy']}" +
                         (f" [{interval[0]:.3g}, {interval[1]:.3g}]" if interval else "") +
                         f" (n={e['photos']})"))
            for name, entry in e["recall"].items():
                rows.append(("emotion", f"recall {name}, {label}", _rate(entry)))
    if "race" in fields:
        r = fields["race"]
        rows.append(("race", "error rate, lower bound (one person, one answer; no race "
                     "labels)", _rate(r["error_lower_bound"]) + f"; no face {r['no_face']}"))
        for source, e in r["error_lower_bound_by_source"].items():
            rows.append(("race", f"error rate, lower bound, {source}", _rate(e)))
    if "liveness" in fields:
        lv = fields["liveness"]
        if "roc_auc" in lv:
            rows.append(("liveness", "ROC AUC", f"{lv['roc_auc']['value']:.4f}"
                         f"{_interval(lv['roc_auc'])} (n={lv['live']}+{lv['spoof']}); "
                         f"no face {lv['no_face']}"))
            for name, auc in lv["roc_auc_by_model"].items():
                rows.append(("liveness", f"ROC AUC, {name} score alone",
                             f"{auc['value']:.4f}{_interval(auc)}"))
            rows.append(("liveness", "score", lv["score"]))
            for key in ("at_threshold", "at_eer_threshold"):
                t = lv[key]
                rows.append(("liveness", f"APCER at {t['threshold']}", _rate(t["apcer"])))
                rows.append(("liveness", f"BPCER at {t['threshold']}", _rate(t["bpcer"])))
            for name, rates in lv["at_threshold_by_model"].items():
                for rate in ("apcer", "bpcer"):
                    rows.append(("liveness", f"{rate.upper()} at {lv['at_threshold']['threshold']}"
                                 f", {name} score alone", _rate(rates[rate])))
            fused = lv["mean_of_both"]
            rows.append(("liveness", "ROC AUC, mean of the two scores",
                         f"{fused['roc_auc']['value']:.4f}{_interval(fused['roc_auc'])}"))
            for rate in ("apcer", "bpcer"):
                rows.append(("liveness", f"{rate.upper()} at {lv['at_threshold']['threshold']}, "
                             "mean of the two scores", _rate(fused[rate])))
            t = lv["at_bpcer_target"]
            rows.append(("liveness", f"APCER / BPCER where BPCER <= {t['bpcer_target']:g} "
                         f"(in-sample threshold {t['threshold']})",
                         f"{_rate(t['apcer'])} / {_rate(t['bpcer'])}"))
            rows.append(("liveness", "the same, threshold chosen on the other half",
                         f"{_rate(t['held_out']['apcer'])} / {_rate(t['held_out']['bpcer'])}"))
    if "blendshapes" in fields:
        from bench.blendshapes_reference import rows as blendshape_rows

        rows += blendshape_rows(fields["blendshapes"])
    if "mask" in fields:
        m = fields["mask"]
        rows.append(("mask", "accuracy (answered)", _rate(m["accuracy"])))
        rows.append(("mask", "accuracy (unanswered = wrong)",
                     _rate(m["accuracy_counting_unanswered_as_wrong"]) +
                     f"; no face {m['no_face']}, skipped {m['skipped']}"))
        if "no_face_rate" in m:
            rows.append(("mask", "photos with no face found", _rate(m["no_face_rate"])))
    lines = ["| field | measure | value [95% interval] (n) |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


def commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def measure(data: Path, url: str | None = None, limit: int | None = None,
            fields=FIELDS, progress: bool = False, save=None,
            detections: Path | None = None) -> dict:
    """The report; save(report so far) after each field when given."""
    labels = Labels(data)
    backend = Remote(url) if url else InProcess(detections)
    harness = Harness(labels, backend, limit, progress, fields)
    started, at = time.perf_counter(), datetime.now(timezone.utc).isoformat(timespec="seconds")
    code = commit()  # the code that runs is the code at the start, not at each save

    def report(fields_report: dict) -> dict:
        return {"date": at, "commit": code, "mode": f"server {url}" if url else "in-process",
                "data": str(data), "limit_per_field": limit, "models": dict(backend.tags),
                "photos_looked_at": len(harness._seen), "errors": harness.errors,
                "seconds": round(time.perf_counter() - started, 1), "fields": fields_report}

    def done(so_far: dict) -> None:
        if isinstance(backend, InProcess):
            backend.save()
        if save is not None:
            save(report(so_far))

    return report(asyncio.run(harness.run(fields, done)))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="labels folder (default: ../shared/labelled-faces)")
    parser.add_argument("--url", help="measure a running server instead of in-process")
    parser.add_argument("--limit", type=int, default=None, help="at most N samples per field")
    parser.add_argument("--fields", default=",".join(FIELDS),
                        help=f"comma-separated subset of {list(FIELDS)}")
    parser.add_argument("--json", type=Path, default=REPO / "bench/results/accuracy.json")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    parser.add_argument("--detections", type=Path, default=None,
                        help="in-process: keep the detector's faces per photo in this JSON "
                             "file and reuse them in later runs of the same detector")
    args = parser.parse_args(argv)
    data = args.data or default_data()
    if data is None or not (Path(data) / "index.csv").is_file():
        parser.error("no labels folder: pass --data (a folder with index.csv)")
    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        parser.error(f"unknown fields {unknown}; choose from {list(FIELDS)}")
    args.json.parent.mkdir(parents=True, exist_ok=True)

    def save(report: dict) -> None:
        args.json.write_text(json.dumps(report, indent=1, default=float))

    report = measure(Path(data), args.url, args.limit, fields, progress=True, save=save,
                     detections=args.detections)
    save(report)
    table = markdown(report)
    if args.markdown:
        args.markdown.write_text(table)
    print(table)
    print(f"JSON: {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
