"""Each labelled face's raw model outputs, kept in a JSON file so that fitting and
validating a combination of them (gender.py, emotion.py here) costs no model run.

    nice -n 10 .venv/bin/python -m training.calibration.face_outputs \
        --data ../shared/labelled-faces --out /tmp/face_outputs.json [--detections faces.json]

For every photo with a gender, age or emotion label: the largest face the served
detector finds (bench.accuracy.InProcess, the padded retry included) and, on it, the
answers of the gender model of its own (FaceRes: `gender` task), the age model
(Cydral: `age_gender`, whose gender the combination uses too) and the emotion model,
each prepared by its wrapper exactly as /analyze does (FaceAnalysis.inputs) and
answered by its wrapper's predict (so with the rounding the service answers with).
The model tags are recorded; a file written by other models is not reused.
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

TASKS = ("gender", "age_gender", "emotion")
KINDS = ("gender", "age", "emotion")


def photos(labels: Labels) -> list[str]:
    return sorted({r["path"] for r in labels.of_kind(*KINDS)})


def raw_emotion(backend: InProcess):
    """The emotion model's unrounded probabilities, where its wrapper can give them (fer's
    interpreter): a prior correction is fitted on these, as the wrapper applies it."""
    import bentoml

    from model_services import load_model
    from models.registry import BY_NAME

    name = (backend.tags.get("emotion") or "").split(":")[0]
    if name != "face-emotion-fer":
        return None
    model = load_model(BY_NAME[name], Path(bentoml.models.get(backend.tags["emotion"]).path))
    return lambda faces: model.run((np.asarray(faces, np.float32)[..., None] / 255.0 - 0.5) * 2.0)


async def outputs_of(backend: InProcess, path: Path, raw=None) -> dict | None:
    """{task: the model's answer for the largest face}, or None without a face."""
    image = backend._image(path)
    faces = await backend.detect(path, image)
    if not faces:
        return None
    found = {}
    for task in TASKS:
        if task not in backend.analysis.predictors:
            continue
        batch, _ = backend.analysis.inputs(task, image, faces[:1])
        found[task] = (await backend.analysis.predictors[task](batch))[0]
        if task == "emotion" and raw is not None:
            found["emotion_raw"] = [float(v) for v in raw(batch)[0]]
    return found


def collect(data: Path, out: Path, detections: Path | None, limit: int | None = None) -> dict:
    labels = Labels(data)
    backend = InProcess(detections)
    tags = {task: backend.tags.get(task) for task in TASKS}
    kept = json.loads(out.read_text()) if out.is_file() else {}
    faces = kept.get("faces", {}) if kept.get("models") == tags else {}
    chosen = photos(labels)[:limit]
    raw = raw_emotion(backend)
    for count, path in enumerate(chosen, 1):
        if path not in faces:
            faces[path] = asyncio.run(outputs_of(backend, labels.folder / path, raw))
        if count % 200 == 0:
            print(f"  {count} of {len(chosen)} photos", file=sys.stderr, flush=True)
            out.write_text(json.dumps({"models": tags, "faces": faces}))
            backend.save()
    backend.save()
    result = {"models": tags, "detector": backend.tags.get("detection"), "faces": faces}
    out.write_text(json.dumps(result))
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("/tmp/face_outputs.json"))
    parser.add_argument("--detections", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    data = args.data or default_data()
    result = collect(Path(data), args.out, args.detections, args.limit)
    answered = sum(v is not None for v in result["faces"].values())
    print(f"{answered} of {len(result['faces'])} photos with a face; models {result['models']}")


if __name__ == "__main__":
    main()


def fitting_parts(description: str, out: Path, samples, part_names, argv=None):
    """The command line of a fitting script (--data, --outputs, --write) and its rows:
    (args, the outputs file, rows, {part name: rows}), `samples(labels, faces)` making
    the rows."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--outputs", type=Path, default=Path("/tmp/face_outputs.json"))
    parser.add_argument("--write", action="store_true", help=f"write {out.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    labels = Labels(Path(args.data or default_data()))
    outputs = json.loads(args.outputs.read_text())
    rows = samples(labels, outputs["faces"])
    return args, outputs, rows, {name: [r for r in rows if r["part"] == name] for name in part_names}
