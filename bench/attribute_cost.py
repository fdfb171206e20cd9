"""Time per face of each age / gender, race, embedding and emotion model, side by side.

    BENTOML_DO_NOT_TRACK=true .venv/bin/python -m bench.attribute_cost [--repeats 30]

In-process, one thread per model (FACE_MODEL_THREADS, as the services run them): every
stored model of those fields (models/priority.py's choices) prepares its input from
the same detected face (the largest of obama.jpg) and answers it, the models taking
turns round after round so that a busy machine slows them alike. Prints, per model,
the median milliseconds of one face (input preparation + model run) and its ratio to
the model of BASE; --json writes them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import bentoml
import numpy as np
from PIL import Image

from models.priority import ROLES
from models.registry import BY_NAME, TASKS, wrapper_of
from testkit.photos import photo

FIELDS = ("age_gender", "gender", "ethnicity", "embedding", "emotion")
# what each field's models are compared with: the default set's model of the field, or,
# for gender and race, the age model that answered gender before (and whose cost a face
# pays anyway)
BASE = {"age_gender": "face-age-gender-cydral", "gender": "face-age-gender-cydral",
        "ethnicity": "face-age-gender-cydral", "embedding": "face-embedding-dlib",
        "emotion": "face-emotion-fer"}


def stored(name: str) -> Path | None:
    try:
        return Path(bentoml.models.get(BY_NAME[name].tag).path)
    except bentoml.exceptions.NotFound:
        return None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from analyzers.face_analysis import FaceAnalysis
    from model_services import THREADS, load_in_process

    predictors, tags = load_in_process(tasks=("detection",))
    image = np.asarray(Image.open(photo("obama.jpg")).convert("RGB"))
    face = asyncio.run(FaceAnalysis(predictors, tags).detect(image))[0]
    models = {}
    for field in FIELDS:
        for name in ROLES[field].choices.values():
            folder = stored(name) if name else None
            if folder is not None:
                wrapper = wrapper_of(BY_NAME[name])
                models[name] = (field, wrapper, wrapper.load(folder, threads=THREADS))
    times = {name: [] for name in models}
    for round_ in range(args.repeats + 2):  # two warm-up rounds
        for name, (_, wrapper, model) in models.items():
            started = time.perf_counter()
            crop, _ = wrapper.prepare_face(image, face, BY_NAME[name])
            model.run_batch(crop[None])
            if round_ >= 2:
                times[name].append(1000 * (time.perf_counter() - started))
    median = {name: statistics.median(values) for name, values in times.items()}
    rows = []
    for name, (field, _, _) in models.items():
        base = median.get(BASE[field])
        rows.append({"field": field, "model": name, "ms_per_face": round(median[name], 2),
                     "ratio": round(median[name] / base, 2) if base else None,
                     "to": BASE[field], "default_set": TASKS.get(field) is BY_NAME[name]})
    for row in rows:
        print(f"{row['field']:<11} {row['model']:<32} {row['ms_per_face']:>8.2f} ms"
              f"   x{row['ratio']} of {row['to']}")
    if args.json:
        args.json.write_text(json.dumps({"repeats": args.repeats, "threads": THREADS,
                                         "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
