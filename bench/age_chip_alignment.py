"""What the age model's answers would be with chips aligned on the detector's five
points instead of dlib's 5-point shape predictor (the predictor is the age_gender
stage's cost beyond its networks, docs/benchmarks.md): the same two networks on both
chips, against the labels.

    python -m bench.age_chip_alignment [--fit 160] [--ages 300] [--genders 500]

The detector's points (eye centres, nose tip, mouth corners) are not dlib's (eye
corners, nose base), so their place on dlib's 64 px chip is learnt: on --fit faces
(not reused below) each face's dlib chip transform is read off dlib itself (chips cut
from coordinate ramps) and the detector's points are mapped through it; the template
is their mean. A face's chip is then the least-squares similarity of its points onto
that template, cut by OpenCV from the 256 px crop (pyramid halvings first, as dlib's
chips are). Prints age MAE on FG-NET and the age model's gender accuracy on LFW, each
way on the same faces, and how far the two ways' answers are apart.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path

import cv2
import numpy as np

from bench.accuracy import Labels, default_data

RAMP = 256  # the square crop's side (analyzers.runtime.crops.FACE_CROP_SIZE)


def similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 2x3 least-squares similarity taking `source` points onto `target` (Umeyama)."""
    mean_s, mean_t = source.mean(0), target.mean(0)
    s, t = source - mean_s, target - mean_t
    u, d, vt = np.linalg.svd(t.T @ s / len(source))
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1
    rotation = u @ sign @ vt
    scale = (d * np.diag(sign)).sum() / s.var(0).sum()
    return np.hstack([scale * rotation, (mean_t - scale * rotation @ mean_s)[:, None]])


def chip(crop: np.ndarray, to_chip: np.ndarray, size: int) -> np.ndarray:
    scale, image, factor = np.sqrt(abs(np.linalg.det(to_chip[:, :2]))), crop, 1.0
    while scale * factor < 0.5:  # as dlib: halve first, then interpolate
        image, factor = cv2.pyrDown(image), factor * 2
    matrix = to_chip.copy()
    matrix[:, :2] *= factor
    return cv2.warpAffine(image, matrix, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", type=int, default=160, help="faces that place the template")
    parser.add_argument("--ages", type=int, default=300)
    parser.add_argument("--genders", type=int, default=500)
    args = parser.parse_args(argv)

    import bentoml
    import dlib

    from analyzers.face_models.age_gender import (
        AGE_CLASS_VALUES,
        CHIP_PADDING,
        AgeGender,
        _normalise,
    )
    from analyzers.runtime.crops import apply_affine, invert_affine, square_face
    from analyzers.face_models.dlib_faces import shape_in_crop
    from inputs.imageio import decode_image
    from model_services import load_in_process

    labels = Labels(default_data())
    rng = random.Random(1)
    ages = [(r["path"], float(r["label"])) for r in labels.of_kind("age")]
    genders = [(r["path"], r["label"]) for r in labels.of_kind("gender")
               if "muxspace" in r["source"]]
    rng.shuffle(ages)
    rng.shuffle(genders)
    model = AgeGender.load(Path(bentoml.models.get("face-age-gender-cydral").path))
    detect = load_in_process(tasks=("detection",))[0]["detection"]
    ramp_x = np.tile(np.arange(RAMP, dtype=np.float32), (RAMP, 1))
    ramp_y = np.ascontiguousarray(ramp_x.T)

    def face(path: str):
        image = decode_image((labels.folder / path).read_bytes())
        found = asyncio.run(detect([image]))[0]
        if not found:
            return None
        crop, back = square_face(image, found[0])
        return crop, apply_affine(np.asarray(found[0]["keypoints"], np.float64),
                                  invert_affine(back))

    def dlib_to_chip(shape) -> np.ndarray:
        details = [dlib.get_face_chip_details(shape, 64, CHIP_PADDING)]
        xs, ys = (dlib.extract_image_chips(ramp, details)[0] for ramp in (ramp_x, ramp_y))
        rows, cols = np.mgrid[8:56, 8:56]
        design = np.stack([cols.ravel(), rows.ravel(), np.ones(rows.size)], 1)
        found, *_ = np.linalg.lstsq(design, np.stack([xs[8:56, 8:56].ravel(),
                                                      ys[8:56, 8:56].ravel()], 1), rcond=None)
        return cv2.invertAffineTransform(found.T)

    placed = []
    for path, _ in ages[:args.fit // 2] + genders[:args.fit // 2]:
        found = face(path)
        if found is not None:
            placed.append(apply_affine(found[1], dlib_to_chip(shape_in_crop(model.shape5,
                                                                          found[0]))))
    template = np.mean(placed, 0)
    print(f"template on the 64 px chip from {len(placed)} faces: "
          f"{np.round(template, 1).tolist()}; spread (sd) "
          f"{np.round(np.std(placed, 0), 1).tolist()}")

    def both_ways(items):
        out = []
        for path, label in items:
            found = face(path)
            if found is None:
                continue
            crop, points = found
            started = time.thread_time()
            shape = shape_in_crop(model.shape5, crop)
            dlib_chips = dlib.extract_image_chips(crop, [
                dlib.get_face_chip_details(shape, size, CHIP_PADDING) for size in (64, 32)])
            middle = time.thread_time()
            to_chip = similarity(points, template)
            ours = [chip(crop, to_chip, 64), chip(crop, to_chip * 0.5, 32)]
            spent[0] += middle - started
            spent[1] += time.thread_time() - middle
            answers = []
            for age_chip, gender_chip in (dlib_chips, ours):
                probs = model.age.run(None, {"images": _normalise([age_chip])})[0][0]
                male = model.gender.run(None, {"images": _normalise([gender_chip])})[0][0][1]
                answers.append((float(probs @ AGE_CLASS_VALUES), float(male)))
            out.append((label, answers[0], answers[1]))
        return out

    skip, spent = args.fit // 2, [0.0, 0.0]
    found = both_ways(ages[skip:skip + args.ages])
    truth = np.array([label for label, _, _ in found])
    old = np.array([a[0] for _, a, _ in found])
    new = np.array([b[0] for _, _, b in found])
    print(f"age, FG-NET, {len(found)} faces: MAE dlib chips {np.abs(old - truth).mean():.2f}, "
          f"detector-point chips {np.abs(new - truth).mean():.2f}; the two apart: mean "
          f"{np.abs(old - new).mean():.2f}, largest {np.abs(old - new).max():.1f} years")
    found = both_ways(genders[skip:skip + args.genders])
    truth = np.array([label == "male" for label, _, _ in found])
    old = np.array([a[1] for _, a, _ in found]) > 0.5
    new = np.array([b[1] for _, _, b in found]) > 0.5
    print(f"the age model's gender, LFW, {len(found)} faces: accuracy dlib chips "
          f"{(old == truth).mean():.4f}, detector-point chips {(new == truth).mean():.4f}; "
          f"{int((old != new).sum())} answers differ")
    faces = args.ages + args.genders
    print(f"CPU ms a face to cut both chips (thread time, these runs): dlib's predictor and "
          f"chips {spent[0] / faces * 1000:.2f}, detector points {spent[1] / faces * 1000:.2f}")


if __name__ == "__main__":
    main()
