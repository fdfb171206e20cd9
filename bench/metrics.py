"""Accuracy measures as pure functions on plain lists and arrays (bench/accuracy.py uses them).

Scores follow one convention: higher means "positive" (same person, live, masked). A
distance is turned into a score by negating it before it comes here. Every figure comes
with its sample size and a 95% interval: Wilson's for a proportion, a percentile bootstrap
(fixed seed, so a rerun gives the same interval) for everything else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Z95 = 1.959964  # two-sided 95% normal quantile


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion; None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(successes: int, n: int) -> dict:
    """{"value", "k", "n", "ci95"}: a rate with its Wilson interval (value None when n is 0)."""
    return {"value": successes / n if n else None, "k": int(successes), "n": int(n),
            "ci95": _rounded(wilson(successes, n))}


def bootstrap(statistic: Callable[..., float], *arrays: Sequence, resamples: int = 1000,
              seed: int = 0) -> tuple[float, float] | None:
    """Percentile 95% interval of statistic(*arrays) over resamples of the rows (the
    arrays are resampled together). None with fewer than 2 rows; resamples where the
    statistic is undefined (nan, e.g. one class missing) are dropped."""
    columns = [np.asarray(a) for a in arrays]
    n = len(columns[0])
    if n < 2:
        return None
    generator = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        rows = generator.integers(0, n, n)
        value = statistic(*(c[rows] for c in columns))
        if value is not None and not math.isnan(value):
            values.append(value)
    if not values:
        return None
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def roc(scores: Sequence[float], positive: Sequence[bool]) -> dict:
    """ROC curve at every distinct score, from the strictest threshold down.

    Returns {"thresholds", "fpr", "tpr"} (lists): at threshold t a sample is called
    positive when score >= t. The first point is (0, 0) at +inf."""
    scores, positive = np.asarray(scores, float), np.asarray(positive, bool)
    order = np.argsort(-scores, kind="stable")
    scores, positive = scores[order], positive[order]
    n_pos, n_neg = positive.sum(), (~positive).sum()
    # the last index of each run of equal scores: all of them switch together
    last = np.r_[np.nonzero(np.diff(scores))[0], len(scores) - 1] if len(scores) else []
    tp, fp = np.cumsum(positive), np.cumsum(~positive)
    thresholds = [math.inf] + [float(scores[i]) for i in last]
    tpr = [0.0] + [float(tp[i] / n_pos) if n_pos else math.nan for i in last]
    fpr = [0.0] + [float(fp[i] / n_neg) if n_neg else math.nan for i in last]
    return {"thresholds": thresholds, "fpr": fpr, "tpr": tpr}


def roc_auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """P(score of a random positive > score of a random negative), ties counting half
    (the Mann-Whitney form of the area under the ROC curve); nan without both classes."""
    scores, positive = np.asarray(scores, float), np.asarray(positive, bool)
    pos, neg = scores[positive], scores[~positive]
    if not len(pos) or not len(neg):
        return math.nan
    ranks = _average_ranks(np.concatenate([pos, neg]))
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2)
                 / (len(pos) * len(neg)))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or sorted_values[end] != sorted_values[start]:
            ranks[order[start:end]] = (start + 1 + end) / 2
            start = end
    return ranks


def eer(scores: Sequence[float], positive: Sequence[bool]) -> tuple[float, float]:
    """Equal error rate and its threshold: the ROC point where FAR (fpr) and FRR
    (1 - tpr) are closest, their mean as the rate; nan without both classes."""
    curve = roc(scores, positive)
    fpr, frr = np.asarray(curve["fpr"]), 1 - np.asarray(curve["tpr"])
    if np.isnan(fpr).any() or np.isnan(frr).any():
        return math.nan, math.nan
    best = int(np.argmin(np.abs(fpr - frr)))
    return float((fpr[best] + frr[best]) / 2), curve["thresholds"][best]


def tar_at_far(scores: Sequence[float], positive: Sequence[bool],
               far: float) -> tuple[float, float, float]:
    """(TAR, the FAR actually reached, threshold) at the most permissive threshold whose
    FAR does not exceed `far`. With n negatives a FAR below 1/n can only be 0."""
    curve = roc(scores, positive)
    best = max(i for i, f in enumerate(curve["fpr"]) if f <= far)
    return curve["tpr"][best], curve["fpr"][best], curve["thresholds"][best]


def apcer_bpcer(live_scores: Sequence[float], is_live: Sequence[bool],
                threshold: float) -> tuple[dict, dict]:
    """ISO/IEC 30107-3 rates at one threshold (live when score >= threshold): APCER, the
    attacks accepted as live; BPCER, the live (bona fide) samples rejected. Each a
    proportion() with its Wilson interval."""
    scores, live = np.asarray(live_scores, float), np.asarray(is_live, bool)
    attacks, bona_fide = scores[~live], scores[live]
    return (proportion(int((attacks >= threshold).sum()), len(attacks)),
            proportion(int((bona_fide < threshold).sum()), len(bona_fide)))


def accuracy(truth: Sequence, predicted: Sequence) -> dict:
    """proportion() of predicted == truth."""
    right = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p)
    return proportion(right, len(truth))


def confusion_matrix(truth: Sequence[str], predicted: Sequence[str],
                     labels: Sequence[str] | None = None) -> dict:
    """{"labels": [...], "rows": {truth: {predicted: count}}}, every label on both axes
    (the union of both sides when labels is None, sorted)."""
    labels = list(labels) if labels is not None else sorted(set(truth) | set(predicted))
    rows = {t: {p: 0 for p in labels} for t in labels}
    for t, p in zip(truth, predicted, strict=True):
        rows.setdefault(t, {q: 0 for q in labels})
        rows[t][p] = rows[t].get(p, 0) + 1
    return {"labels": labels, "rows": rows}


def mae(truth: Sequence[float], predicted: Sequence[float]) -> dict:
    """{"value", "n", "ci95"}: mean absolute error with a bootstrap interval."""
    truth, predicted = np.asarray(truth, float), np.asarray(predicted, float)
    if not len(truth):
        return {"value": None, "n": 0, "ci95": None}
    errors = np.abs(truth - predicted)
    return {"value": round(float(errors.mean()), 4), "n": len(errors),
            "ci95": _rounded(bootstrap(lambda e: float(e.mean()), errors))}


def mae_by_band(truth: Sequence[float], predicted: Sequence[float],
                bands: Sequence[tuple[str, float, float]]) -> dict:
    """mae() per (name, low, high) band of the true value, low <= truth < high."""
    truth, predicted = np.asarray(truth, float), np.asarray(predicted, float)
    return {name: mae(truth[(truth >= low) & (truth < high)],
                      predicted[(truth >= low) & (truth < high)])
            for name, low, high in bands}


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match_boxes(labelled: Sequence, found: Sequence, min_iou: float = 0.5) -> int:
    """How many labelled boxes a found box matches (IoU >= min_iou), each found box used
    once, best pairs first (greedy, as PASCAL VOC scores detections)."""
    pairs = sorted(((iou(a, b), i, j) for i, a in enumerate(labelled)
                    for j, b in enumerate(found)), reverse=True)
    used_a, used_b, matched = set(), set(), 0
    for overlap, i, j in pairs:
        if overlap < min_iou:
            break
        if i not in used_a and j not in used_b:
            used_a.add(i), used_b.add(j)
            matched += 1
    return matched


def _rounded(interval):
    return None if interval is None else [round(interval[0], 4), round(interval[1], 4)]
