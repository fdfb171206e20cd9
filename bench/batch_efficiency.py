"""What adaptive batching can save inside a model: CPU ms per face at batch sizes 1,
4, 16 and 32 for each per-face model of the running set, in-process.

    python -m bench.batch_efficiency

Batching pays only when two things hold: the model runs a batch of n for less than
n single runs (this table), and calls from different requests reach the model
service at the same moment, which happens when that service, not the detector in
front of it, is what the requests wait for (`bench.benchmark` prints the batch
sizes seen). CPU time is measured, not latency, so the figures hold on a busy host.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import numpy as np

SIZES = (1, 4, 16, 32)


def crops_of(analysis, task: str, size: int) -> np.ndarray:
    """`size` crops of the task's input, cut from t1.jpg's six faces (repeated)."""
    from inputs.imageio import decode_image
    from testkit.photos import photo

    image = decode_image(photo("t1.jpg").read_bytes())
    faces = asyncio.run(analysis.detect(image))
    batch, _ = analysis.inputs(task, image, faces)
    return np.concatenate([batch] * (size // len(batch) + 1))[:size]


def measure(repeats: int) -> dict:
    from analyzers.face_analysis import FaceAnalysis
    from model_services import TASK_MODELS, load_in_process
    from models.registry import BY_NAME, wrapper_of

    predictors, tags = load_in_process()
    analysis = FaceAnalysis(predictors, tags)
    results = {}
    for task in sorted(predictors):
        if task in ("detection", "body", "segmentation"):  # whole images, not faces
            continue
        source = BY_NAME[TASK_MODELS[task]]
        import bentoml
        from pathlib import Path

        runner = wrapper_of(source).load(Path(bentoml.models.get(source.tag).path), threads=1)
        per_face = {}
        for size in SIZES:
            batch = crops_of(analysis, task, size)
            runner.run_batch(batch)  # warm
            used = []
            for _ in range(repeats):
                started = time.process_time()
                runner.run_batch(batch)
                used.append((time.process_time() - started) * 1000 / size)
            per_face[size] = float(np.median(used))
        results[task] = per_face
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    results = measure(args.repeats)
    print("CPU ms per face by batch size (one thread; ratio = batch 32 / batch 1):")
    for task, per_face in results.items():
        print(f"  {task:12s} " + "  ".join(f"{n:>2}: {ms:6.2f}" for n, ms in per_face.items())
              + f"   ratio {per_face[SIZES[-1]] / per_face[1]:.2f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
