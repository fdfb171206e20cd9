"""The fitted attribute constants (models/calibration/face-gender-fusion.json,
face-emotion-fer.json) and the code applying them: on made-up answers where the arithmetic
is known, and the committed files against what their scripts promise."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from analyzers.face_models import emotion, gender_fusion
from training.calibration import gender as gender_fit

RULE = {"model": "face-gender-faceres:x", "combined_with": "face-age-gender-cydral:y",
        "constants": {"kind": "logistic", "intercept": 0.0, "faceres": 1.0, "cydral": 1.0,
                      "threshold": 0.5},
        "faceres_alone": {"kind": "logistic", "intercept": -1.0, "faceres": 1.0,
                          "threshold": 0.5}}


def answer(male: float) -> dict:
    return {"value": "male" if male > 0.5 else "female", "confidence": max(male, 1 - male),
            "scores": {"female": round(1 - male, 4), "male": male}}


def cydral(male: float) -> dict:
    return {"age": 40.0, "gender": answer(male)}


def test_fusion_weighs_both_models():
    # logit(0.7) + logit(0.1) = 0.847 - 2.197 < 0: the age model's confident "female" wins
    fused = gender_fusion.fuse(answer(0.7), "face-gender-faceres:a", cydral(0.1),
                               "face-age-gender-cydral:b", RULE)
    male = 1 / (1 + math.exp(-(math.log(0.7 / 0.3) + math.log(0.1 / 0.9))))
    assert fused["value"] == "female" and fused["scores"]["male"] == pytest.approx(male, abs=1e-4)
    assert fused["confidence"] == fused["scores"]["female"]
    assert sum(fused["scores"].values()) == pytest.approx(1.0, abs=1e-4)


def test_fusion_falls_back_and_leaves_other_models_alone():
    # no age model answer: FaceRes alone with its own intercept (-1 + logit(0.7) < 0)
    alone = gender_fusion.fuse(answer(0.7), "face-gender-faceres:a", None, None, RULE)
    assert alone["value"] == "female"
    # the age model is another one: its scores are not weighed with constants fitted on Cydral
    other = gender_fusion.fuse(answer(0.7), "face-gender-faceres:a", cydral(0.1),
                               "face-age-gender-gear:b", RULE)
    assert other == alone
    # the gender model is another one (the ViT): its answer as it is
    vit = answer(0.7)
    assert gender_fusion.fuse(vit, "face-gender-vit:c", cydral(0.1), "x", RULE) is vit


def test_threshold_rule_reads_half_at_its_threshold():
    rule = dict(RULE, constants={"kind": "threshold", "feature": "faceres", "threshold": 0.8})
    at = gender_fusion.fuse(answer(0.8), "face-gender-faceres:a", cydral(0.5), RULE["combined_with"],
                            rule)
    below = gender_fusion.fuse(answer(0.79), "face-gender-faceres:a", cydral(0.5),
                               RULE["combined_with"], rule)
    assert at["value"] == "male" and at["scores"]["male"] == pytest.approx(0.5, abs=1e-4)
    assert below["value"] == "female"


def test_logistic_fit_recovers_known_weights():
    generator = np.random.default_rng(0)
    x = generator.normal(size=(4000, 2))
    male = generator.random(4000) < 1 / (1 + np.exp(-(0.5 + 2 * x[:, 0] - x[:, 1])))
    w = gender_fit.fit_logistic(x, male)
    # balanced weights move the intercept, not the slopes
    assert w[1:] == pytest.approx([2.0, -1.0], abs=0.2)


def test_parity_threshold_equalises_errors():
    score = np.array([0.1, 0.2, 0.6, 0.7, 0.4, 0.8, 0.9, 0.95])
    male = np.array([False, False, False, False, True, True, True, True])
    t = gender_fit.parity_threshold(score, male)
    assert np.mean(score[~male] >= t) == np.mean(score[male] < t)


def test_committed_gender_constants_name_their_models_and_the_held_out_winner():
    data = gender_fusion.constants()
    assert data is not None, "models/calibration/face-gender-fusion.json is committed"
    assert data["model"].startswith("face-gender-faceres:")
    assert data["combined_with"].startswith("face-age-gender-cydral:")
    held_out = {name: c["held_out"]["balanced_accuracy"] for name, c in data["candidates"].items()}
    assert data["chosen"] == max(held_out, key=held_out.get)
    assert data["constants"] == data["candidates"][data["chosen"]]["constants"]


def test_emotion_prior_correction():
    p = np.array([[0.1, 0.05, 0.05, 0.2, 0.3, 0.1, 0.2]])
    assert emotion.corrected(p, None) is p
    assert np.allclose(emotion.corrected(p, np.zeros(7)), p)
    offsets = np.log(np.array([1, 1, 1, 1, 0.5, 1, 2.0]))  # halve sad, double neutral
    moved = emotion.corrected(p, offsets)[0]
    expected = p[0] * np.exp(offsets)
    assert np.allclose(moved, expected / expected.sum())
    assert emotion.LABELS[int(np.argmax(moved))] == "neutral"


def test_committed_emotion_offsets():
    data = json.loads(emotion.PRIORS.read_text())
    assert data["model"].startswith("face-emotion-fer:") and data["labels"] == list(emotion.LABELS)
    offsets = emotion.prior_offsets()
    assert offsets.shape == (7,) and offsets[emotion.LABELS.index("neutral")] == 0.0
    # the neutral target first, then the balanced accuracy (training/calibration/emotion.py)
    meeting = {name: c["held_out"]["balanced_accuracy"] for name, c in data["candidates"].items()
               if c["held_out"]["recall"]["neutral"]["value"] >= 0.6}
    assert data["chosen"] == max(meeting, key=meeting.get)
