"""Gender from FaceRes and the age model's gender together: a logistic regression on the
two models' logits (or FaceRes's alone where the age model gave no answer), with the
constants training/calibration/gender.py fitted on one part of the labelled photos and
checked on another (models/calibration/face-gender-fusion.json; docs/accuracy.md).

Why: FaceRes calls women male more often than men female, Cydral's age model the other
way round; weighed together their errors cancel in part. The constants apply only to
the two models they were fitted on (by registry name); any other pair answers as the
gender model alone.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

CALIBRATION = Path(__file__).resolve().parents[2] / "models" / "calibration" / \
    "face-gender-fusion.json"
CLIP = 1e-4  # the served scores are rounded to 4 decimals


@lru_cache(maxsize=None)
def constants(path: str = str(CALIBRATION)) -> dict | None:
    file = Path(path)
    return json.loads(file.read_text()) if file.is_file() else None


def _name(tag: str | None) -> str:
    return (tag or "").split(":")[0]


def _logit(p: float) -> float:
    p = min(max(float(p), CLIP), 1 - CLIP)
    return math.log(p / (1 - p))


def fuses(gender_model: str | None, age_model: str | None,
          calibration: dict | None = None) -> bool:
    """Whether `fuse` reads the age model's gender beside this gender model's."""
    calibration = constants() if calibration is None else calibration
    return bool(calibration) and _name(gender_model) == _name(calibration["model"]) \
        and _name(age_model) == _name(calibration["combined_with"])


def male_probability(rule: dict, faceres_male: float, other_male: float | None) -> float:
    if rule["kind"] == "mean":
        return (faceres_male + other_male) / 2
    if rule["kind"] == "threshold":
        return faceres_male if rule["feature"] == "faceres" else other_male
    z = rule["intercept"] + rule["faceres"] * _logit(faceres_male)
    if "cydral" in rule:
        z += rule["cydral"] * _logit(other_male)
    return 1 / (1 + math.exp(-z))


def fuse(answer: dict, gender_tag: str | None, age_gender: dict | None,
         age_gender_tag: str | None, calibration: dict | None = None) -> dict:
    """answer: the gender model's {value, confidence, scores}; age_gender: the age model's
    answer for the same face (None when it did not run). The fused answer in the same
    shape, or `answer` itself where no constants were fitted for these models."""
    calibration = constants() if calibration is None else calibration
    if not calibration or _name(gender_tag) != _name(calibration["model"]):
        return answer
    other = (age_gender or {}).get("gender") if isinstance(age_gender, dict) else None
    if other and _name(age_gender_tag) == _name(calibration["combined_with"]):
        rule, other_male = calibration["constants"], other["scores"]["male"]
    else:
        rule, other_male = calibration["faceres_alone"], None
    if rule.get("feature") == "cydral" and other_male is None:
        rule = calibration["faceres_alone"]
    male = male_probability(rule, answer["scores"]["male"], other_male)
    threshold = rule.get("threshold", 0.5)
    # the scores are put on a scale where the rule's threshold reads 0.5
    shifted = 1 / (1 + math.exp(-(_logit(male) - _logit(threshold))))
    scores = {"female": round(1 - shifted, 4), "male": round(shifted, 4)}
    value = "male" if male >= threshold else "female"
    return {"value": value, "confidence": scores[value], "scores": scores}
