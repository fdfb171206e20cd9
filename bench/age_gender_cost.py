"""The age model's CPU per call with and without its gender chip and net (which it
skips where a gender model of its own answers gender), side by side in rounds.

    python -m bench.age_gender_cost [--rounds 5] [--calls 100]

Thread CPU ms of AgeGender.predict on the square crops of obama.jpg (1 face) and
multi_face.jpg (5 faces); the ages must be the same both ways. Then the 1-face call
part by part (dlib's shape predictor, the chip, the normalising, the age net), timed
inside one predict-like loop, and the shape predictor alone.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import numpy as np


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args(argv)

    import bentoml

    from analyzers.face_models.age_gender import AgeGender
    from analyzers.runtime.crops import square_face
    from inputs.imageio import decode_image
    from model_services import load_in_process
    from testkit.photos import photo

    folder = Path(bentoml.models.get("face-age-gender-cydral").path)
    both, age = AgeGender.load(folder), AgeGender.load(folder)
    age.skip_gender()
    detect = load_in_process(tasks=("detection",))[0]["detection"]
    for name in ("obama.jpg", "multi_face.jpg"):
        image = decode_image(photo(name).read_bytes())
        faces = asyncio.run(detect([image]))[0]
        crops = np.stack([square_face(image, face)[0] for face in faces])
        assert [r["age"] for r in both.predict(crops)] == [r["age"] for r in age.predict(crops)]

        def cpu_ms(model) -> float:
            model.predict(crops)
            started = time.thread_time()
            for _ in range(args.calls):
                model.predict(crops)
            return (time.thread_time() - started) / args.calls * 1000

        rounds = [(cpu_ms(both), cpu_ms(age)) for _ in range(args.rounds)]
        ratios = [without / with_gender for with_gender, without in rounds]
        print(f"{name}, {len(faces)} faces: CPU ms a call with the gender net "
              f"{statistics.median(r[0] for r in rounds):.2f}, without "
              f"{statistics.median(r[1] for r in rounds):.2f}; without / with: median "
              f"{statistics.median(ratios):.2f}, worst {max(ratios):.2f} over {args.rounds} "
              "rounds; the same ages")
        if len(faces) == 1:
            parts(age, crops, args.calls)


def parts(model, crops, calls: int) -> None:
    """Thread CPU ms of each part of the age model's call, and of the shape predictor
    called alone on the same crop."""
    import dlib

    from analyzers.face_models.age_gender import AGE_CHIP, CHIP_PADDING, _normalise
    from analyzers.face_models.dlib_faces import shape_in_crop

    spent = dict.fromkeys(("shape predictor", "chip", "normalise", "age net"), 0.0)
    clock = time.thread_time
    for _ in range(calls):
        chips = []
        for crop in crops:
            crop = np.ascontiguousarray(crop)
            started = clock()
            shape = shape_in_crop(model.shape5, crop)
            middle = clock()
            chips.append(dlib.get_face_chip(crop, shape, size=AGE_CHIP, padding=CHIP_PADDING))
            spent["shape predictor"] += middle - started
            spent["chip"] += clock() - middle
        started = clock()
        batch = _normalise(chips)
        middle = clock()
        model.age.run(None, {"images": batch})
        spent["normalise"] += middle - started
        spent["age net"] += clock() - middle
    crop = np.ascontiguousarray(crops[0])
    started = clock()
    for _ in range(calls):
        shape_in_crop(model.shape5, crop)
    alone = (clock() - started) / calls * 1000
    print("1 face, CPU ms a call by part: " + ", ".join(
        f"{name} {seconds / calls * 1000:.2f}" for name, seconds in spent.items())
        + f"; the shape predictor called alone {alone:.2f}")


if __name__ == "__main__":
    main()
