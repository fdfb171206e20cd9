"""Measure an embedding model's same-person / different-person distances on the
photos available offline, and write the FAR/FRR table verification reads.

    BENTOML_DO_NOT_TRACK=true .venv/bin/python -m training.calibration.calibrate

Runs the detector and embedding model the service would choose
(models/priority.py: dlib and MTCNN with the default set; FACE_EMBEDDING_MODEL /
FACE_DETECTION_MODEL pick others) in-process, from the BentoML model store
(model_services.load_in_process), exactly as the service does: most prominent
face of each image, the model's own crop and alignment, distances under the
model's comparison rule (analyzers/face_models/embedding.py Metric).

Photos (testkit/photos.py: shipped inside registry packages, sha256-checked):
  obama:  obama.jpg, obama2.jpg, obama3.jpg, obama_partial_face.jpg,
          obama_partial_face2.jpg (face_recognition 1.3.0)
  biden.jpg (face_recognition), Tom_Hanks_54745.png (insightface),
  astronaut.png (Eileen Collins, scikit-image), grace_hopper.jpg (matplotlib),
  the 6 people of insightface's t1.jpg (each cut out of the group photo with a
  margin, as a photo of its own).
Each source photo also gives augmented variants (flip, +-10 degree rotation,
JPEG quality 25, half size, tight crop, darker gamma). Same-person pairs are
every pair of variants of one identity, so most of them are augmentation pairs,
not independent photos: the pair kinds are counted separately in the output.
Different-person pairs are every pair of variants across identities.

This is a small sample (11 identities). It checks the model's own threshold on
these photos; it is not an LFW-scale evaluation. Writes
models/calibration/<model name>.json.

    BENTOML_DO_NOT_TRACK=true .venv/bin/python -m training.calibration.calibrate \
        --pairs ../shared/labelled-faces [--detections faces.json]

measures on real photos instead: the photos of the LFW View-2 pairs in a labels
folder (pairs/lfw_pairs.csv, the layout bench/accuracy.py reads; the development
split holds folds 0-2, 1,682 pairs of 2,202 photos of 1,193 people), each photo's
largest face as the harness embeds it (bench.accuracy.InProcess; --detections reuses
its detector file). The table's rates are over every pair of those photos: same
person (independent photos, no augmentation) against every pair of two different
people, so FAR resolves to about 1 / 2.4 million (the impostor pairs are not
independent: each photo is in thousands). The official pairs' figures (EER, accuracy
at the model's threshold) are recorded beside it. This is what is committed for dlib.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import io
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analyzers.face_models.embedding import Metric, metric_for  # noqa: E402
from analyzers.face_analysis import FaceAnalysis  # noqa: E402
from model_services import load_in_process  # noqa: E402
from testkit.photos import PHOTOS, photo  # noqa: E402

IDENTITIES = {
    "obama": ["obama.jpg", "obama2.jpg", "obama3.jpg", "obama_partial_face.jpg",
              "obama_partial_face2.jpg"],
    "biden": ["biden.jpg"],
    "tom_hanks": ["Tom_Hanks_54745.png"],
    "eileen_collins": ["astronaut.png"],
    "grace_hopper": ["grace_hopper.jpg"],
}
GROUP_PHOTO = "t1.jpg"  # 6 different people
PUBLISHED = {"face-embedding-dlib": {
    "figure": "99.38% accuracy on LFW (the standard 6000-pair protocol) with the rule "
              "distance < 0.6",
    "source": "dlib's author, Davis King: dlib_face_recognition_resnet_model_v1 "
              "(dlib.net, blog.dlib.net 2017-02)",
    "measured_here": False,
}}


def thresholds(metric: Metric, step: float) -> np.ndarray:
    """0 to a little past twice the model's threshold (dlib: 0-1.3; ArcFace: 0-2.5)."""
    return np.round(np.arange(0.0, 2 * metric.threshold + 0.1 + 1e-4, step), 2)


# ------------------------------------------------------------------ variants
def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def variants(image: Image.Image, box) -> dict[str, Image.Image]:
    """The original and its augmentations; box (x1, y1, x2, y2) of the face for the tight crop."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    tight = image.crop((max(0, int(x1 - 0.35 * w)), max(0, int(y1 - 0.35 * h)),
                        min(image.width, int(x2 + 0.35 * w)), min(image.height, int(y2 + 0.35 * h))))
    gamma = image.point(lambda v: int(255 * (v / 255) ** 1.6))
    return {
        "original": image,
        "flip": ImageOps.mirror(image),
        "rotate+10": image.rotate(10, resample=Image.BILINEAR, fillcolor=(128, 128, 128)),
        "rotate-10": image.rotate(-10, resample=Image.BILINEAR, fillcolor=(128, 128, 128)),
        "jpeg25": _jpeg(image, 25),
        "half": image.resize((max(1, image.width // 2), max(1, image.height // 2)),
                             Image.BILINEAR),
        "tight_crop": tight,
        "dark_gamma": gamma,
    }


# ------------------------------------------------------------------ measure
async def embed_all(analysis: FaceAnalysis, sources: list[tuple[str, str, Image.Image, object]]):
    """sources: (identity, photo label, image, face box or None) -> list of records."""
    records, failures = [], []
    for identity, label, image, box in sources:
        if box is None:
            faces = await analysis.detect(np.asarray(image))
            if not faces:
                failures.append({"photo": label, "variant": "original", "reason": "no face"})
                continue
            box = [float(v) for v in faces[0].box]
        for name, variant in variants(image, box).items():
            array = np.asarray(variant.convert("RGB"))
            faces = await analysis.detect(array)
            if not faces:
                failures.append({"photo": label, "variant": name, "reason": "no face detected"})
                continue
            vector = (await analysis.embed_pair((array, faces[0])))[0]
            records.append({"identity": identity, "photo": label, "variant": name,
                            "vector": np.asarray(vector, np.float64)})
    return records, failures


def group_people(analysis: FaceAnalysis) -> list[tuple[str, str, Image.Image, None]]:
    image = Image.open(photo(GROUP_PHOTO)).convert("RGB")
    faces = asyncio.run(analysis.detect(np.asarray(image)))
    faces = sorted(faces, key=lambda f: float(f.box[0]))  # left to right
    people = []
    for index, face in enumerate(faces):
        x1, y1, x2, y2 = (float(v) for v in face.box)
        w, h = x2 - x1, y2 - y1
        crop = image.crop((max(0, int(x1 - 0.6 * w)), max(0, int(y1 - 0.6 * h)),
                           min(image.width, int(x2 + 0.6 * w)), min(image.height, int(y2 + 0.6 * h))))
        people.append((f"t1_person{index}", f"{GROUP_PHOTO}#person{index}", crop, None))
    return people


def pairs(records, metric: Metric):
    genuine_photo, genuine_aug, impostor = [], [], []
    for a, b in itertools.combinations(records, 2):
        distance = metric.distance(a["vector"], b["vector"])
        if a["identity"] != b["identity"]:
            impostor.append(distance)
        elif a["photo"] != b["photo"] and a["variant"] == b["variant"] == "original":
            genuine_photo.append(distance)
        else:
            genuine_aug.append(distance)
    return np.array(genuine_photo), np.array(genuine_aug), np.array(impostor)


def table(genuine: np.ndarray, impostor: np.ndarray, metric: Metric) -> list[dict]:
    """Decision rule `distance < t`: FAR = impostor share below t, FRR = genuine share at or
    above t; 8 decimals, so that one impostor pair in the 2.4 million of --pairs shows."""
    return [{"distance": float(t),
             "far": round(float(np.mean(impostor < t)), 8),
             "frr": round(float(np.mean(genuine >= t)), 8)} for t in thresholds(metric, 0.01)]


def summary(values: np.ndarray) -> dict:
    if len(values) == 0:
        return {"count": 0}
    return {"count": int(len(values)), "min": round(float(values.min()), 4),
            "mean": round(float(values.mean()), 4), "max": round(float(values.max()), 4),
            "p05": round(float(np.percentile(values, 5)), 4),
            "p95": round(float(np.percentile(values, 95)), 4)}


def histogram(values: np.ndarray, bins: np.ndarray) -> list[int]:
    counts, _ = np.histogram(np.clip(values, 0, bins[-1] - 1e-9), bins)
    return [int(c) for c in counts]


def finish(out: dict, genuine: np.ndarray, impostor: np.ndarray, metric: Metric,
           folder: Path) -> Path:
    """The table, its row at the model's threshold and its digest; written to folder."""
    bins = thresholds(metric, 0.05)
    out["histogram"] = {"bin_edges": [float(e) for e in bins],
                        "genuine": histogram(genuine, bins), "impostor": histogram(impostor, bins)}
    out["table"] = table(genuine, impostor, metric)
    out["model_threshold"] = metric.threshold
    out["at_model_threshold"] = next(row for row in out["table"]
                                     if row["distance"] == round(metric.threshold, 2))
    out["table_sha256_16"] = hashlib.sha256(json.dumps(out["table"]).encode()).hexdigest()[:16]
    path = folder / f"{out['model'].split(':')[0]}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    return path


def lfw_pairs(folder: Path, detections: Path | None) -> tuple[dict, np.ndarray, np.ndarray, Metric]:
    """The photos of a labels folder's LFW pairs (see the module doc): the output's
    provenance, genuine and impostor distances over all pairs of them, the metric."""
    from bench import metrics
    from bench.accuracy import InProcess, Labels

    labels = Labels(folder)
    identity = {r["path"]: r["identity"] for r in labels.of_kind("identity")}
    photos = sorted({p for a, b, _ in labels.pairs for p in (a, b)})
    backend = InProcess(detections)
    model_tag, metric = backend.tags["embedding"], backend.metric

    async def embed(path: str):
        image = backend._image(labels.folder / path)
        faces = await backend.detect(labels.folder / path, image)
        if not faces:
            return None
        return np.asarray((await backend.analysis.embed_pair((image, faces[0])))[0])

    vectors = {}
    for count, path in enumerate(photos, 1):
        vector = asyncio.run(embed(path))
        if vector is not None:
            vectors[path] = vector
        if count % 200 == 0:
            print(f"  {count} of {len(photos)} photos", file=sys.stderr, flush=True)
    backend.save()
    names = sorted(vectors)
    stacked = np.stack([vectors[n] for n in names]).astype(np.float64)
    if metric.unit:
        stacked /= np.maximum(np.linalg.norm(stacked, axis=1, keepdims=True), 1e-12)
    people = np.array([identity[n] for n in names])
    genuine, impostor = [], []
    for i in range(len(names) - 1):  # row by row: 2.4 million distances in all
        distances = np.linalg.norm(stacked[i + 1:] - stacked[i], axis=1)
        same = people[i + 1:] == people[i]
        genuine.append(distances[same])
        impostor.append(distances[~same])
    genuine, impostor = np.concatenate(genuine), np.concatenate(impostor)
    official = [(metric.distance(vectors[a], vectors[b]), same) for a, b, same in labels.pairs
                if a in vectors and b in vectors]
    distance = np.array([d for d, _ in official])
    same = np.array([s for _, s in official])
    rate, at = metrics.eer(-distance, same)
    out = {
        "model": model_tag,
        "metric": f"{metric.description}; same person if distance < t",
        "created": dt.date.today().isoformat(),
        "script": "training/calibration/calibrate.py --pairs",
        "detector": backend.tags["detection"],
        "data": "LFW (350x350 grey crops, github muxspace/facial_expressions): the photos of "
                "the official View-2 pairs of folds 0-2 in ../shared/labelled-faces "
                "(development split; its README gives the provenance)",
        "caveat": "LFW celebrities are likely in the training data of common recognition "
                  "models, so these rates may flatter the model; every pair of the photos is "
                  "used, so the pairs are not independent (each photo is in about 2,200), and "
                  f"FAR below about {1 / max(1, len(impostor)):.0e} cannot be resolved. "
                  "Photos with no face found are left out (photos_without_face).",
        "published_reference": PUBLISHED.get(model_tag.split(":")[0]),
        "photos": len(photos), "photos_without_face": sorted(set(photos) - set(vectors)),
        "people": int(len(set(people))),
        "pairs": {"genuine_independent_photos": int(len(genuine)), "genuine_augmented": 0,
                  "genuine_total": int(len(genuine)), "impostor": int(len(impostor))},
        "distances": {"genuine_total": summary(genuine), "impostor": summary(impostor)},
        "official_pairs": {
            "pairs": len(labels.pairs), "compared": len(official),
            "same": int(same.sum()), "different": int((~same).sum()),
            "eer": round(rate, 4), "eer_distance": round(-at, 4),
            "accuracy_at_model_threshold": metrics.accuracy(
                same.tolist(), (distance < metric.threshold).tolist())},
    }
    return out, genuine, impostor, metric


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "calibration",
                        help="folder for <model name>.json (default: models/calibration, "
                             "where the service reads it)")
    parser.add_argument("--pairs", type=Path, default=None,
                        help="a labels folder with pairs/lfw_pairs.csv (../shared/"
                             "labelled-faces): measure on its LFW pairs' photos")
    parser.add_argument("--detections", type=Path, default=None,
                        help="with --pairs: bench.accuracy's detector file, reused")
    args = parser.parse_args(argv)
    if args.pairs is not None:
        out, genuine, impostor, metric = lfw_pairs(args.pairs, args.detections)
        path = finish(out, genuine, impostor, metric, args.out)
        print(json.dumps({k: out[k] for k in ("model", "photos", "people", "pairs", "distances",
                                              "official_pairs", "at_model_threshold")},
                         indent=1, default=str))
        print("wrote", path)
        return
    predictors, tags = load_in_process(tasks=("detection", "embedding"))
    analysis = FaceAnalysis(predictors, tags)
    model_tag = tags["embedding"]
    model_name = model_tag.split(":")[0]
    metric = metric_for(model_tag)
    sources = []
    for identity, names in IDENTITIES.items():
        for name in names:
            sources.append((identity, name, Image.open(photo(name)).convert("RGB"), None))
    sources += group_people(analysis)
    records, failures = asyncio.run(embed_all(analysis, sources))
    genuine_photo, genuine_aug, impostor = pairs(records, metric)
    genuine = np.concatenate([genuine_photo, genuine_aug])
    by_name = {r["photo"]: r for r in records if r["variant"] == "original"}

    def distance(a, b):
        if a in by_name and b in by_name:
            return round(metric.distance(by_name[a]["vector"], by_name[b]["vector"]), 4)
        return None

    photos_used = sorted({name for names in IDENTITIES.values() for name in names} | {GROUP_PHOTO})
    out = {
        "model": model_tag,
        "metric": f"{metric.description}; same person if distance < t",
        "created": dt.date.today().isoformat(),
        "script": "training/calibration/calibrate.py",
        "detector": tags["detection"],
        "caveat": "small sample: 11 identities, 5 independent photos of one person (obama); "
                  "most same-person pairs are augmentations of the same photo, which makes "
                  "them easier than independent photos, so FRR is optimistic; FAR below about "
                  f"{1 / max(1, len(impostor)):.0e} cannot be resolved and the impostor pairs "
                  "are not independent (each identity appears in many).",
        "published_reference": PUBLISHED.get(model_name),
        "photos": [{"name": n, "package": f"{PHOTOS[n][0]}=={PHOTOS[n][1]}", "sha256": PHOTOS[n][3]}
                   for n in photos_used],
        "identities": {identity: names for identity, names in IDENTITIES.items()}
        | {f"t1_person{i}": [f"{GROUP_PHOTO}#person{i}"]
           for i in range(sum(1 for s in sources if s[0].startswith("t1_")))},
        "augmentations": list(variants(Image.new("RGB", (4, 4)), (0, 0, 4, 4))),
        "embeddings": len(records),
        "detection_failures": failures,
        "pairs": {"genuine_independent_photos": int(len(genuine_photo)),
                  "genuine_augmented": int(len(genuine_aug)),
                  "genuine_total": int(len(genuine)), "impostor": int(len(impostor))},
        "distances": {"genuine_independent_photos": summary(genuine_photo),
                      "genuine_augmented": summary(genuine_aug),
                      "genuine_total": summary(genuine), "impostor": summary(impostor)},
        "examples": {"obama-obama2": distance("obama.jpg", "obama2.jpg"),
                     "obama-obama3": distance("obama.jpg", "obama3.jpg"),
                     "obama-biden": distance("obama.jpg", "biden.jpg"),
                     "obama-grace_hopper": distance("obama.jpg", "grace_hopper.jpg")},
    }
    path = finish(out, genuine, impostor, metric, args.out)
    print(json.dumps({k: out[k] for k in ("model", "embeddings", "pairs", "distances",
                                          "examples", "at_model_threshold")}, indent=1))
    print("failures:", failures)
    print("wrote", path)


if __name__ == "__main__":
    main()
