"""The open-set decision of identify and verify: a distance threshold chosen from
the embedding model's FAR calibration table (models/calibration/, written by
training/calibration/calibrate.py), and the FAR it was chosen for named in the
answer.

A 1:N search compares a probe with every subject, so the chance that some
impostor falls under the threshold grows with the gallery: for N subjects it is
at most N x FAR (the union bound), answered as `fpir_bound`. The FNIR/FPIR
actually measured on LFW are in docs/benchmarks.md (bench/gallery.py).
"""

from __future__ import annotations

from analyzers.face_models.embedding import metric_for
from responses import templates

DEFAULT_FAR = 1e-3


class OperatingPointError(ValueError):
    pass


def parse_far(value, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        far = float(value)
    except (TypeError, ValueError):
        raise OperatingPointError(f"far must be a number, not {str(value)[:40]!r}") from None
    if not 0.0 < far < 1.0:
        raise OperatingPointError("far must be between 0 and 1 (e.g. 0.001)")
    return far


def operating_point(model: str, far: float, subjects: int | None = None) -> dict:
    """{threshold, far, operating_point_far, operating_point_frr, fpir_bound,
    calibration} for `model` at the asked false-accept rate; without a table for
    the model: the model's own threshold and the rates null, with the reason."""
    calibration = templates.load_calibration(model)
    metric = metric_for(model)
    if calibration is None:
        reason = f"no FAR calibration table for {model.split(':')[0]} in models/calibration/"
        return {"threshold": metric.threshold, "far": None, "operating_point_far": None,
                "operating_point_frr": None, "fpir_bound": None, "calibration": None,
                "unavailable": {"far": reason, "operating_point_far": reason,
                                "fpir_bound": reason},
                "rule": "the model's own threshold"}
    threshold = calibration.threshold_for_far(far)
    at_far, at_frr = calibration.rates(threshold)
    answer = {"threshold": round(threshold, 6), "far": far,
              "operating_point_far": round(at_far, 9), "operating_point_frr": round(at_frr, 6),
              "fpir_bound": None if subjects is None else round(min(1.0, subjects * at_far), 6),
              "calibration": calibration.summary(),
              "rule": "unknown when the nearest subject's distance is at or above threshold"}
    if calibration.model != model:
        answer["calibration"]["note"] = (f"table measured with {calibration.model}, "
                                         f"templates from {model}")
    return answer


def rates_at(model: str, distance: float) -> dict:
    calibration = templates.load_calibration(model)
    if calibration is None:
        return {"fa_r": None, "fr_r": None}
    fa_r, fr_r = calibration.rates(distance)
    return {"fa_r": round(fa_r, 9), "fr_r": round(fr_r, 6)}
