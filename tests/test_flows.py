"""front/flows.py without BentoML: the request deadline, the face limit and a whole
flow on the real models in-process."""

from __future__ import annotations

import asyncio

import pytest

from analyzers.face_analysis import FaceAnalysis
from front.flows import Flows
from inputs.imageio import InputError, Limits
from inputs.sources import FetchPolicy
from measures.quality import DEFAULT_THRESHOLDS
from security import Settings
from testkit.local_models import TAGS, predictors
from testkit.photos import photo


def flows(**settings) -> Flows:
    analysis = FaceAnalysis(predictors(), TAGS)
    return Flows(analysis, Limits(), Settings(**settings), FetchPolicy(), DEFAULT_THRESHOLDS)


def test_a_flow_past_the_deadline_is_a_504():
    async def slow():
        await asyncio.sleep(5)

    with pytest.raises(InputError) as raised:
        asyncio.run(flows(request_deadline_s=0.05).within_deadline(slow()))
    assert raised.value.status == 504 and "FACE_REQUEST_DEADLINE_S" in raised.value.detail


def test_the_face_limit_defaults_and_caps():
    front = flows(max_faces=3)
    assert front.face_limit(None) == 3 and front.face_limit(2) == 2
    with pytest.raises(InputError) as raised:
        front.face_limit(4)
    assert raised.value.status == 422


def test_the_fitter_flow_on_a_real_photo():
    image, fitted, total = asyncio.run(flows().fit(photo("t1.jpg").read_bytes(), 2))
    assert image.shape[2] == 3 and total == 6 and len(fitted) == 2
    assert all(record["points"].shape == (478, 3) for record in fitted)
