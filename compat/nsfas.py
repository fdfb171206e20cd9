"""NSFAS face extraction's field meanings on /extract-face and /compare-faces.

Those two native routes were built after NSFAS's, so its documented meanings are
theirs (README, "Replacing NSFAS face extraction"): compare-faces `confidence` is
(1 - distance) x 100 (compat/scales.distance_confidence), and extract-face
`metadata.confidence` the selected face's combined score in percent
(responses/shapes.extract_face). The scores they replaced stay under other keys:
`decision_confidence` and `detector_confidence`.

NSFAS documents one status for every bad file, 400 ("bad file"), beside 404 for no
face: `bad_file_is_400` gives those two routes that status for any problem with an
uploaded file (too large, not an image, a PDF that cannot be read safely), with the
finer reason kept in the body's `code`; the other routes keep 413 / 415 / 422.
"""

from __future__ import annotations

import functools

from compat import scales
from errors import InputError

# statuses of a problem with the uploaded file itself on the other routes
FILE_STATUSES = (413, 415, 422)
# a readable file with no face in it is not a bad file: 404 / 422 as documented
NOT_FILE_PROBLEMS = ("no_face",)


def compare_fields(result: dict) -> dict:
    """The native comparison (front/flows/comparison.py `compared`) with NSFAS's
    `confidence`; the decision's own confidence kept as `decision_confidence`."""
    return {**result, "confidence": scales.distance_confidence(result["distance"]),
            "decision_confidence": result["confidence"]}


def bad_file_is_400(endpoint):
    """The endpoint's file problems answer 400, as NSFAS documents (module docstring).

    Wraps inside `front.http.json_errors`, which turns the InputError into its JSON
    answer; functools.wraps keeps the signature BentoML reads."""

    @functools.wraps(endpoint)
    async def answer(*args, **kwargs):
        try:
            return await endpoint(*args, **kwargs)
        except InputError as problem:
            if problem.status in FILE_STATUSES and problem.code not in NOT_FILE_PROBLEMS:
                raise InputError(400, problem.detail, problem.code) from problem
            raise

    return answer
