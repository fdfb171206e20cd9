"""NSFAS face extraction's field meanings on /extract-face and /compare-faces.

Those two native routes were built after NSFAS's, so its documented meanings are
theirs (README, "Replacing NSFAS face extraction"): compare-faces `confidence` is
(1 - distance) x 100 (compat/scales.distance_confidence), and extract-face
`metadata.confidence` the selected face's combined score in percent
(responses/shapes.extract_face). The scores they replaced stay under other keys:
`decision_confidence` and `detector_confidence`.
"""

from __future__ import annotations

from compat import scales


def compare_fields(result: dict) -> dict:
    """analyzers.embedding.compare's result with NSFAS's `confidence`."""
    return {**result, "confidence": scales.distance_confidence(result["distance"]),
            "decision_confidence": result["confidence"]}
