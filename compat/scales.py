"""Every mapping from a native value to a source system's scale or spelling, one
function each, so README can name them and the tests can check them alone.

Nothing here invents a value: each function is a change of scale or spelling of
a measured value; None stays None (the field is null, with its reason elsewhere).
"""

from __future__ import annotations

import math

# 3DiVi's emotion names for the seven classes of our emotion model (analyzers/face_models/emotion.py)
IMAGE_API_EMOTIONS = {"angry": "ANGRY", "disgust": "DISGUSTED", "fear": "SCARED",
                      "happy": "HAPPY", "neutral": "NEUTRAL", "sad": "SAD",
                      "surprise": "SURPRISED"}


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fraction_of_percent(value, digits: int = 4) -> float | None:
    """A 0-100 score (our quality totalScore) as 0..1 (InsightFace's `quality`)."""
    value = _finite(value)
    return None if value is None else round(min(max(value / 100.0, 0.0), 1.0), digits)


def percent(value, digits: int = 2) -> float | None:
    """A 0..1 share as a percentage (Scaleflex's emotions and races)."""
    value = _finite(value)
    return None if value is None else round(value * 100.0, digits)


def similarity_fraction(cosine) -> float | None:
    """A cosine of two embeddings (-1..1) as InsightFace's 0..1 similarity: the
    cosine itself, with negative values (vectors pointing apart, never a match)
    reported as 0. Below 0 no two faces of one person were seen, so nothing a
    threshold could use is lost; above 0 the number is the plain cosine."""
    value = _finite(cosine)
    return None if value is None else round(min(max(value, 0.0), 1.0), 6)


def distance_confidence(distance) -> float | None:
    """NSFAS's compare-faces `confidence`: (1 - distance) x 100, to 0.1, clipped to
    0..100 (its example: distance 0.42 -> 58.0). A rescaled distance, not a probability."""
    value = _finite(distance)
    return None if value is None else round(min(max((1.0 - value) * 100.0, 0.0), 100.0), 1)


def title_gender(value: str | None) -> str | None:
    """'male' -> 'Male' (InsightFace, Scaleflex; also a race label, 'asian' -> 'Asian')."""
    return value.capitalize() if isinstance(value, str) else None


def upper_gender(value: str | None) -> str | None:
    """'male' -> 'MALE' (3DiVi)."""
    return value.upper() if isinstance(value, str) else None


def age_bracket_years(bracket: str | None) -> str | None:
    """'20-29' -> '20-29 years old', '70+' -> '70+ years old' (InsightFace)."""
    return f"{bracket} years old" if isinstance(bracket, str) and bracket else None


def whole_years(age) -> int | None:
    """An estimated age in years (40.1) as a whole number (40), rounded (Scaleflex)."""
    value = _finite(age)
    return None if value is None else round(value)


def age_text(age) -> str | None:
    """An estimated age as 3DiVi's string of an integer: 40.1 -> '40'."""
    years = whole_years(age)
    return None if years is None else str(years)


def emotion_name(label: str) -> str:
    """Our emotion label as 3DiVi's: fear -> SCARED (IMAGE_API_EMOTIONS)."""
    return IMAGE_API_EMOTIONS[label]


def pixel_box(box) -> list[int]:
    """A float pixel box as whole pixels, rounded (Scaleflex's integer box)."""
    return [round(float(v)) for v in box]


# The checks of measures/quality.py that say whether the image of the face can be
# used at all (focus, exposure, resolution, sensor noise, head turn), as opposed to
# what the subject does (smiling, eyes, mask) or the scene (background, margins).
CAPTURE_CHECKS = ("sharpness", "illumination", "dynamicRange", "eyeDistance", "noise",
                  "rotation")


def capture_quality(quality: dict) -> float | None:
    """3DiVi's qaa `totalScore` (0-100) from our quality answer: the lowest score of
    the CAPTURE_CHECKS that could be computed.

    3DiVi's one figure decides whether a photo is good enough to judge (its liveness
    gate refuses below 30). Our native totalScore is the mean of up to 14 checks,
    where one failing check hardly moves it: a blurred copy of obama.jpg scored 72.6
    of 100 against the sharp photo's 76.8, so the gate could never refuse a real
    photo. The weakest capture check is what makes an image unusable: the sharp
    portrait scores 76 (eye distance), the blurred one 6 (sharpness)."""
    scores = [quality[name]["score"] for name in CAPTURE_CHECKS
              if isinstance(quality.get(name), dict)]
    return round(min(scores), 2) if scores else None
