"""Our blendshapes (MediaPipe's face_blendshapes.tflite on our own mesh) against
mediapipe.tasks FaceLandmarker's (its own detector, its own landmark model, the same
blendshapes model) on the same photos: bench/accuracy.py's `blendshapes` field.

Per score: the mean absolute difference with a 95% bootstrap interval over photos, its
95th percentile and largest; overall; and how often the two agree on the two decisions
HCP's fields take from them (smiling: mean of mouthSmileLeft / Right >= 0.5; mouth
open: jawOpen >= 0.5). Where labels say happy or not, each side's smile score's ROC AUC
for "happy" too. The reference runs in testkit/reference_envs.py's mediapipe
environment on face_landmarker.task (../shared/models, or FACE_LANDMARKER_TASK).

Where the difference comes from: the same blendshapes model is also fed the points of
MediaPipe's legacy solutions.face_mesh (the landmark model our mesh runs, on MediaPipe's
own detector and region), when this machine's store has the blendshapes model: what is
left between that and FaceLandmarker is the landmark model, the rest is our region.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

import settings
from analyzers.face_models import blendshapes
from bench import metrics

REPO = Path(__file__).resolve().parents[1]


def landmarker_task() -> Path | None:
    for path in (settings.raw("FACE_LANDMARKER_TASK"),
                 REPO.parent / "shared" / "models" / "face_landmarker.task"):
        if path and Path(path).is_file():
            return Path(path)
    return None


def reference(images: list[np.ndarray], task: Path) -> tuple[list, list]:
    """MediaPipe's blendshapes of the largest face of each image and the 478 points of
    solutions.face_mesh's largest face (None: no face)."""
    from testkit import reference_envs

    with tempfile.TemporaryDirectory() as folder:
        jobs = []
        for index, image in enumerate(images):
            np.save(Path(folder) / f"{index}.npy", image)
            jobs.append({"image": str(Path(folder) / f"{index}.npy"), "model": str(task)})
        answers = reference_envs.run("mediapipe", "reference_mediapipe.py",
                                     {"face_landmarker": jobs, "face_mesh": jobs})

    def extent(points) -> float:
        return float(np.ptp(np.asarray(points)[:, :2], axis=0).prod())

    landmarker = [max(faces, key=lambda f: extent(f["points"]))["blendshapes"] if faces
                  else None for faces in answers["face_landmarker"]]
    meshes = [max(faces, key=extent) if faces else None for faces in answers["face_mesh"]]
    return landmarker, meshes


def on_points(points: list) -> list[dict | None] | None:
    """The stored blendshapes model (this machine's store) on each face's 478 points."""
    import bentoml

    try:
        folder = bentoml.models.get("face-blendshapes-mediapipe:latest").path
    except bentoml.exceptions.NotFound:
        return None
    model = blendshapes.Blendshapes.load(Path(folder))
    return [None if p is None else model.predict(blendshapes.model_input(np.asarray(p))[None])[0]
            for p in points]


def smile(scores: dict) -> float:
    return (scores["mouthSmileLeft"] + scores["mouthSmileRight"]) / 2


def compare(ours: list[dict], theirs: list[dict], happy: list[bool | None],
            legacy: list[dict] | None = None) -> dict:
    """ours[i] and theirs[i]: the same photo's 52 scores by name; legacy[i]: the model on
    solutions.face_mesh's points of the photo (or None throughout)."""
    if not ours:
        return {"photos_compared": 0, "reason": "no photo where both found a face"}
    names = list(blendshapes.NAMES)
    a = np.array([[o[n] for n in names] for o in ours], float)
    b = np.array([[t[n] for n in names] for t in theirs], float)
    diff = np.abs(a - b)

    def mae(values):
        return float(np.mean(values))

    per_score = {}
    for k, name in enumerate(names):
        column = diff[:, k]
        per_score[name] = {"mae": round(mae(column), 4),
                           "ci95": metrics._rounded(metrics.bootstrap(mae, column)),
                           "p95": round(float(np.percentile(column, 95)), 4),
                           "max": round(float(column.max()), 4)}
    report = {"photos_compared": len(ours),
              "mae_all": {"value": round(mae(diff), 4),
                          "ci95": metrics._rounded(metrics.bootstrap(
                              lambda rows: float(np.mean(rows)), diff.mean(axis=1)))},
              "per_score": per_score}
    kept = [k for k, scores in enumerate(legacy or []) if scores is not None]
    if kept:
        on_mesh = np.array([[legacy[k][n] for n in names] for k in kept], float)
        apart = np.abs(on_mesh - b[kept])
        report["legacy_mesh"] = {
            "photos": len(kept),
            "mae_all": {"value": round(mae(apart), 4), "ci95": metrics._rounded(
                metrics.bootstrap(lambda rows: float(np.mean(rows)), apart.mean(axis=1)))},
            "mae_ours_same_photos": round(mae(diff[kept]), 4)}
        for k, name in enumerate(names):
            per_score[name]["mae_legacy_mesh"] = round(float(apart[:, k].mean()), 4)
    smiles = [(smile(o), smile(t)) for o, t in zip(ours, theirs)]
    jaws = [(o["jawOpen"], t["jawOpen"]) for o, t in zip(ours, theirs)]
    report["smiling_agreement"] = metrics.proportion(
        sum((x >= blendshapes.SMILE_THRESHOLD) == (y >= blendshapes.SMILE_THRESHOLD)
            for x, y in smiles), len(smiles))
    report["mouth_open_agreement"] = metrics.proportion(
        sum((x >= blendshapes.MOUTH_OPEN_THRESHOLD) == (y >= blendshapes.MOUTH_OPEN_THRESHOLD)
            for x, y in jaws), len(jaws))
    labelled = [(s, h) for s, h in zip(smiles, happy) if h is not None]
    if len({h for _, h in labelled}) == 2:
        truth = np.array([h for _, h in labelled])
        for side, index in (("ours", 0), ("mediapipe", 1)):
            values = np.array([s[index] for s, _ in labelled])
            report[f"smile_auc_happy_{side}"] = {
                "value": round(metrics.roc_auc(values, truth), 4),
                "ci95": metrics._rounded(metrics.bootstrap(metrics.roc_auc, values, truth)),
                "n": len(labelled)}
    return report


def rows(report: dict) -> list[tuple[str, str, str]]:
    """bench/accuracy.py's markdown rows: field, measure, value."""
    if "mae_all" not in report:
        return [("blendshapes", "against mediapipe.tasks", report.get("reason", "n/a"))]

    def interval(entry):
        low, high = entry["ci95"] or (None, None)
        return "" if low is None else f" [{low:.3g}, {high:.3g}]"

    out = [("blendshapes", "mean |ours - mediapipe|, all 52 scores",
            f"{report['mae_all']['value']:.4f}{interval(report['mae_all'])} "
            f"(n={report['photos_compared']} photos; no face: ours "
            f"{report['no_face_ours']}, mediapipe {report['no_face_mediapipe']})")]
    for name in ("smiling", "mouth_open"):
        entry = report[f"{name}_agreement"]
        out.append(("blendshapes", f"{name} decision agrees with mediapipe's",
                    f"{entry['value']:.3f}{interval(entry)} (n={entry['n']})"))
    for side in ("ours", "mediapipe"):
        if f"smile_auc_happy_{side}" in report:
            entry = report[f"smile_auc_happy_{side}"]
            out.append(("blendshapes", f"smile score's ROC AUC for 'happy', {side}",
                        f"{entry['value']:.4f}{interval(entry)} (n={entry['n']})"))
    legacy = report.get("legacy_mesh")
    if legacy:
        out.append(("blendshapes", "mean |on solutions.face_mesh's points - mediapipe|, all 52",
                     f"{legacy['mae_all']['value']:.4f}{interval(legacy['mae_all'])} "
                     f"(n={legacy['photos']}; ours on the same photos "
                     f"{legacy['mae_ours_same_photos']:.4f})"))
    for name, entry in report["per_score"].items():
        out.append(("blendshapes", f"|difference| {name}: mean, p95, max"
                    + ("; mean on face_mesh's points" if legacy else ""),
                    f"{entry['mae']:.4f}{interval(entry)}, {entry['p95']:.3f}, "
                    f"{entry['max']:.3f}"
                    + (f"; {entry['mae_legacy_mesh']:.4f}" if legacy else "")))
    return out
