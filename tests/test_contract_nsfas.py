"""A client of NSFAS face extraction, written the way it documents it: GET / for the
status and version, multipart POSTs to /extract-face (`file`) and /compare-faces
(`selfie`, `id_photo`), on real photos (README, "Replacing NSFAS face extraction")."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from testkit.photos import photo
from tests import hostile

pytestmark = pytest.mark.usefixtures("server")


def test_status_and_version(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok" and isinstance(body["version"], str) and body["version"]
    # a browser still gets the Swagger page at the same path
    page = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_extract_face(client):
    response = client.post("/extract-face",
                           files={"file": ("t1.jpg", photo("t1.jpg").read_bytes(), "image/jpeg")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["face_image"].startswith("data:image/jpeg;base64,")
    meta = body["metadata"]
    assert meta["total_faces"] == 6 and isinstance(meta["selected_index"], int)
    assert set(meta["face_size"]) == {"width", "height"}
    for key in ("position_score", "size_score", "combined_score", "confidence"):
        assert isinstance(meta[key], float) and 0.0 <= meta[key] <= 100.0
    # NSFAS's meaning: the selection's percentage, equal to combined_score
    assert meta["confidence"] == meta["combined_score"]
    assert meta["combined_score"] == pytest.approx(
        0.7 * meta["size_score"] + 0.3 * meta["position_score"], abs=0.02)
    assert meta["combined_score"] == max(f["combined_score"] for f in meta["all_faces"])
    assert len(meta["all_faces"]) == 6 and 0.9 < meta["detector_confidence"] <= 1.0


def test_extract_face_errors(client):
    blank = io.BytesIO()
    Image.new("RGB", (600, 400), (250, 250, 250)).save(blank, "JPEG")
    response = client.post("/extract-face", files={"file": ("blank.jpg", blank.getvalue())})
    assert response.status_code == 404 and response.json()["detail"]
    response = client.post("/extract-face", files={"file": ("empty.jpg", b"")})
    assert response.status_code == 400 and response.json()["detail"]
    # NSFAS documents 400 for every bad file: at most 10 MB, JPEG / PNG / PDF, and a
    # PDF this server will not open (encrypted); the body's `code` says which
    bad_files = {
        "big.jpg": (b"\xff\xd8\xff" + bytes(10 * 1024 * 1024), "too_large", "limit"),
        "notes.txt": (b"hello, I am a text file", "unsupported_format", "text"),
        "locked.pdf": (hostile.encrypted_pdf(), "pdf_encrypted", "encrypted"),
    }
    for name, (data, code, words) in bad_files.items():
        response = client.post("/extract-face", files={"file": (name, data)})
        assert response.status_code == 400, (name, response.text[:300])
        body = response.json()
        assert body["code"] == code and words in body["detail"].lower(), (name, body)
    # the same files on a native route keep their finer statuses
    response = client.post("/analyze", files={"file": ("notes.txt", b"hello, I am a text file")})
    assert response.status_code == 415
    # no face is not a bad file: 404, as NSFAS documents
    assert client.post("/extract-face", files={"file": ("blank.jpg", blank.getvalue())}
                       ).json()["code"] == "no_face"


def test_compare_faces(client):
    def compare(selfie, id_photo):
        response = client.post("/compare-faces", files={
            "selfie": (selfie, photo(selfie).read_bytes(), "image/jpeg"),
            "id_photo": (id_photo, photo(id_photo).read_bytes(), "image/jpeg")})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True and isinstance(body["match"], bool)
        assert isinstance(body["distance"], float) and body["threshold"] == 0.6
        # NSFAS's meaning: (1 - distance) x 100
        assert body["confidence"] == pytest.approx((1 - body["distance"]) * 100, abs=0.06)
        return body

    same, other = compare("obama.jpg", "obama2.jpg"), compare("obama.jpg", "biden.jpg")
    assert same["match"] is True and other["match"] is False
    assert same["confidence"] > other["confidence"]
    # the score this field held before is kept under another key
    assert same["decision_confidence"] > 50 and other["decision_confidence"] > 50
