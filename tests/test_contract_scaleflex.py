"""A client of Scaleflex's face analysis, written the way it documents it: a
multipart POST of the photo with output_format=scaleflex, on real photos (README,
"Replacing Scaleflex face analysis")."""

from __future__ import annotations

import uuid

import pytest

from testkit.photos import photo

pytestmark = pytest.mark.usefixtures("server")
EMOTIONS = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"}
RACES = {"white", "black", "asian", "indian", "other"}


def test_scaleflex_answer(client):
    response = client.post("/analyze", files={"file": ("t1.jpg", photo("t1.jpg").read_bytes())},
                           data={"output_format": "scaleflex"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success" and isinstance(body["version"], str)
    uuid.UUID(body["request_uuid"])
    assert list(body["faces"]) == [f"face_{i}" for i in range(6)]
    for face in body["faces"].values():
        assert len(face["box"]) == 4 and all(type(v) is int for v in face["box"])
        assert set(face["emotions"]) == EMOTIONS
        assert all(isinstance(v, (int, float)) for v in face["emotions"].values())
        assert sum(face["emotions"].values()) == pytest.approx(100.0, abs=0.1)
        assert face["dominant_emotion"] in EMOTIONS
        assert type(face["age"]) is int and face["gender"] in ("Male", "Female")
        # GEAR answers races in the default set (Scaleflex's shape asks for them)
        assert set(face["races"]) == RACES
        assert sum(face["races"].values()) == pytest.approx(100.0, abs=0.1)
        assert face["dominant_race"] == max(face["races"], key=face["races"].get)
        assert "races" not in face["unavailable"]
    again = client.post("/analyze", files={"file": ("t1.jpg", photo("t1.jpg").read_bytes())},
                        data={"output_format": "scaleflex"}).json()
    assert again["request_uuid"] != body["request_uuid"]


def test_native_answer_is_unchanged_without_output_format(client):
    response = client.post("/analyze",
                           files={"file": ("obama.jpg", photo("obama.jpg").read_bytes())})
    face = response.json()["faces"][0]
    assert isinstance(face["bbox"][0], float) and isinstance(face["age"], float)
    assert face["gender"]["value"] == "male" and "status" not in response.json()
    assert "ethnicity" not in face  # race is opt-in in the native answer
