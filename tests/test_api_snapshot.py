"""The API's answers on the test photos against snapshots committed in tests/snapshots/.

A change meant to keep behaviour (a refactor) must pass unchanged. A change meant to
alter an answer regenerates the snapshots with

    FACE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -q tests/test_api_snapshot.py

and says in its commit which answers changed and why. Timings and model versions are
left out (they differ from run to run and store to store); numbers are compared to
NUMBER_TOLERANCE, everything else exactly.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
from pathlib import Path

import httpx
import pytest
from PIL import Image

from testkit.photos import photo

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("FACE_UPDATE_SNAPSHOTS") == "1"
# The models are deterministic on one machine; between CPUs their float sums differ in
# the last bits, which moves a number rounded for the answer by at most one step of its
# last decimal (a fresh machine's mesh z values and eye openness did): that step is
# allowed beside the tolerance.
NUMBER_TOLERANCE = {"rel": 1e-3, "abs": 0.02}


def rounding_step(number: float) -> float:
    """One unit of a float's last decimal as written (0.1 for 12.3); 0 for an int."""
    if isinstance(number, int):
        return 0.0
    text = repr(number)
    if "e" in text or "." not in text:
        return 0.0
    return 10.0 ** -len(text.split(".")[1])

CASES = {
    "analyze-obama-all": ("/analyze", "obama.jpg", {"attributes": "all"}),
    "analyze-t1-all": ("/analyze", "t1.jpg", {"attributes": "all"}),
    "analyze-biden-default": ("/analyze", "biden.jpg", {}),
    "analyze-hopper-some": ("/analyze", "grace_hopper.jpg",
                            {"attributes": "age,gender,emotion,pose", "max_faces": "1"}),
    "analyze-astronaut-scaleflex": ("/analyze", "astronaut.png", {"output_format": "scaleflex"}),
    "quality-obama": ("/quality", "obama.jpg", {}),
    "quality-t1": ("/quality", "t1.jpg", {}),
    "extract-face-obama2": ("/extract-face", "obama2.jpg", {}),
    "extract-face-t1": ("/extract-face", "t1.jpg", {}),
}


def normalised(value, key: str = ""):
    """The answer without what legitimately varies between runs and stores."""
    if isinstance(value, dict):
        return {k: normalised(v, k) for k, v in value.items()
                if k not in ("timings_ms", "request_uuid")}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, str) and key == "face_image":  # a JPEG data URL: its pixel size
        data = base64.b64decode(value.split(",", 1)[1])
        return {"jpeg_size": list(Image.open(io.BytesIO(data)).size)}
    if isinstance(value, str) and ":" in value and value.split(":", 1)[0] in MODEL_NAMES:
        return value.split(":", 1)[0]  # a model tag: its name, not the store's version
    return value


def _model_names() -> set[str]:
    from models.registry import BY_NAME

    return set(BY_NAME)


MODEL_NAMES = _model_names()


def differences(expected, got, path: str = "$") -> list[str]:
    if isinstance(expected, bool) or isinstance(got, bool) or expected is None or got is None:
        return [] if expected == got and type(expected) is type(got) else \
            [f"{path}: {expected!r} != {got!r}"]
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        step = max(rounding_step(expected), rounding_step(got)) * 1.000001
        return [] if math.isclose(expected, got, rel_tol=NUMBER_TOLERANCE["rel"],
                                  abs_tol=max(NUMBER_TOLERANCE["abs"], step)) \
            else [f"{path}: {expected!r} != {got!r}"]
    if isinstance(expected, dict) and isinstance(got, dict):
        found = [f"{path}: keys {sorted(set(expected) ^ set(got))} differ"] \
            if set(expected) != set(got) else []
        for k in expected.keys() & got.keys():
            found += differences(expected[k], got[k], f"{path}.{k}")
        return found
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{path}: {len(expected)} items != {len(got)}"]
        return [d for i, (a, b) in enumerate(zip(expected, got))
                for d in differences(a, b, f"{path}[{i}]")]
    return [] if expected == got else [f"{path}: {expected!r} != {got!r}"]


@pytest.fixture(scope="module")
def compact_server(default_models):
    """A client of a compact-topology server (FACE_TOPOLOGY=compact): it must answer as the
    per-model one does."""
    from testkit.server import ROOT, Server

    with Server(env={"FACE_TOPOLOGY": "compact"},
                log_path=ROOT / ".pytest_cache" / "server-compact.log") as running, \
            httpx.Client(base_url=running.url, timeout=120) as http:
        yield http


@pytest.mark.parametrize("case", sorted(CASES))
def test_compact_topology_answers_as_the_snapshot(compact_server, case):
    if UPDATE:
        pytest.skip("the snapshots are written from the per-model server")
    check_case(compact_server, case)


@pytest.mark.parametrize("case", sorted(CASES))
def test_answer_matches_the_snapshot(client, case):
    check_case(client, case)


def check_case(client, case):
    route, name, fields = CASES[case]
    with open(photo(name), "rb") as handle:
        response = client.post(route, files={"file": (name, handle.read())}, data=fields)
    assert response.status_code == 200, response.text
    answer = {"status": response.status_code, "body": normalised(response.json())}
    stored = SNAPSHOTS / f"{case}.json"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        stored.write_text(json.dumps(answer, indent=1, sort_keys=True) + "\n")
    assert stored.is_file(), f"no snapshot {stored.name}: run with FACE_UPDATE_SNAPSHOTS=1"
    found = differences(json.loads(stored.read_text()), answer)
    assert not found, f"{case} differs from its snapshot:\n" + "\n".join(found[:30])


def test_numbers_may_differ_by_one_rounding_step_and_no_more():
    assert differences({"z": 12.3}, {"z": 12.4}) == []  # one step of a 1-decimal figure
    assert differences({"z": 12.3}, {"z": 12.5})
    assert differences({"c": 0.8561}, {"c": 0.8661}) == []  # within the tolerance
    assert differences({"c": 0.8561}, {"c": 0.9129})
    assert differences({"n": 24}, {"n": 25})  # counts: exact
