"""A client of HCP Face Analysis, written the way it documents it: GET / (service
info), GET /health, a multipart POST to /analyze (`file`) and a JSON POST to
/analyze-base64 (`image`), on real photos (README, "Replacing HCP Face Analysis")."""

from __future__ import annotations

import base64

import pytest

from testkit.photos import photo

pytestmark = pytest.mark.usefixtures("server")


def test_service_info_and_health(client):
    info = client.get("/").json()
    assert info["service"] == "face-analysis" and info["version"]
    assert client.get("/health").json()["status"] == "ok"


def test_analyze_both_ways_answer_the_same(client):
    data = photo("obama.jpg").read_bytes()
    by_file = client.post("/analyze", files={"file": ("obama.jpg", data)})
    by_json = client.post("/analyze-base64", json={"image": base64.b64encode(data).decode()})
    assert by_file.status_code == by_json.status_code == 200
    first, second = by_file.json()["faces"][0], by_json.json()["faces"][0]
    for key in ("age", "gender", "emotion", "skin_tone", "pose", "eyes_open", "hair_colour"):
        assert first[key] == second[key] and first[key] is not None, key
    # HCP's chopped_score and embedding are opt-in here (README, Replacing HCP)
    full = client.post("/analyze", files={"file": ("obama.jpg", data)},
                       data={"attributes": "all", "return_embedding": "true"}).json()
    assert isinstance(full["faces"][0]["chopped_score"]["value"], float)
    assert len(full["faces"][0]["embedding"]) == 128
