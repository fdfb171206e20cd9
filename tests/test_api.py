"""The four APIs against a real `bentoml serve`, on real photos."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from schemas import AnalyzeResponse, CompareResponse, ExtractFaceResponse
from testkit.photos import photo

pytestmark = pytest.mark.usefixtures("server")


def jpeg_bytes(image: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def analyze(client, name: str, **options) -> dict:
    response = client.post("/analyze", files={"file": (name, photo(name).read_bytes())},
                           data={k: str(v).lower() if isinstance(v, bool) else str(v)
                                 for k, v in options.items()})
    assert response.status_code == 200, response.text
    AnalyzeResponse.model_validate(response.json())
    return response.json()


def compare(client, selfie: bytes, id_photo: bytes, **data) -> dict:
    response = client.post("/compare-faces", files={"selfie": ("a.jpg", selfie),
                                                    "id_photo": ("b.jpg", id_photo)},
                           data={k: str(v) for k, v in data.items()})
    assert response.status_code == 200, response.text
    CompareResponse.model_validate(response.json())
    return response.json()


def id_card() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A card with a large portrait (obama) on the left and a small second face (biden)."""
    card = Image.new("RGB", (1200, 760), (232, 236, 240))
    portrait = Image.open(photo("obama.jpg")).convert("RGB")
    portrait = portrait.resize((340, int(340 * portrait.height / portrait.width)))
    portrait = portrait.crop((0, 0, 340, 430))
    card.paste(portrait, (60, 150))
    small = Image.open(photo("biden.jpg")).convert("RGB")
    small = small.crop((0, 0, small.width, small.width)).resize((150, 150))
    card.paste(small, (980, 560))
    return card, (60, 150, 400, 580)


# ----------------------------------------------------------------- /analyze
def test_single_face_has_every_attribute(client):
    result = analyze(client, "obama.jpg", return_embedding=True, return_landmarks=True)
    assert result["face_count"] == 1
    face = result["faces"][0]
    assert face["confidence"] > 0.95
    x1, y1, x2, y2 = face["bbox"]
    assert 0 <= x1 < x2 <= result["image"]["width"] and 0 <= y1 < y2 <= result["image"]["height"]
    assert all(0.0 <= v <= 1.0 for v in face["bbox_normalized"])
    assert set(face["landmarks"]) == {"left_eye", "right_eye", "nose", "mouth_left", "mouth_right"}
    assert len(face["landmarks_mesh"]) == 478 and len(face["landmarks_mesh"][0]) == 3
    assert len(face["landmarks_68"]) == 68
    for x, y in face["landmarks_68"]:
        assert x1 - 40 < x < x2 + 40 and y1 - 40 < y < y2 + 40
    assert face["gender"]["value"] == "male"
    assert 30 <= face["age"] <= 60 and face["age_bracket"]
    assert set(face["emotion"]["scores"]) == {
        "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"}
    assert abs(sum(face["emotion"]["scores"].values()) - 1.0) < 0.01
    assert {"yaw", "pitch", "roll"} <= set(face["pose"])
    assert abs(face["pose"]["yaw"]) < 25 and abs(face["pose"]["roll"]) < 15
    assert face["eyes_open"]["left"]["open"] and face["eyes_open"]["right"]["open"]
    assert face["skin_tone"]["hex"].startswith("#")
    assert len(face["embedding"]) == 128
    assert abs(np.linalg.norm(face["embedding"]) - 1.0) < 1e-3
    assert "unavailable" not in face
    assert result["models"]["age"].startswith("face-age-gender-cydral:")
    assert result["models"]["embedding"].startswith("face-embedding-dlib:")
    assert result["timings_ms"]["total"] > 0


def test_group_photo_yields_all_faces_largest_first(client):
    result = analyze(client, "t1.jpg", attributes="age,gender")
    assert result["face_count"] == 6
    areas = [(f["bbox"][2] - f["bbox"][0]) * (f["bbox"][3] - f["bbox"][1])
             for f in result["faces"]]
    assert areas == sorted(areas, reverse=True)
    assert all("emotion" not in f for f in result["faces"])
    assert all(f["gender"]["value"] in ("female", "male") for f in result["faces"])


def test_max_faces_keeps_the_most_prominent(client):
    result = analyze(client, "t1.jpg", attributes="age", max_faces=2)
    assert result["face_count"] == 2 and result["faces_detected"] == 6


def test_smiling_astronaut_is_a_happy_woman(client):
    face = analyze(client, "astronaut.png")["faces"][0]
    assert face["emotion"]["dominant"] == "happy"
    assert face["gender"]["value"] == "female"
    assert face["smiling"]["value"] is True


def test_analyze_base64_flat_json_and_data_url(client):
    raw = photo("obama.jpg").read_bytes()
    for image in (base64.b64encode(raw).decode(),
                  "data:image/jpeg;base64," + base64.b64encode(raw).decode()):
        response = client.post("/analyze-base64", json={"image": image, "attributes": ["age"]})
        assert response.status_code == 200, response.text
        assert response.json()["face_count"] == 1
        assert "age" in response.json()["faces"][0]


def test_unknown_attribute_is_a_client_error(client):
    response = client.post("/analyze", files={"file": ("a.jpg", photo("obama.jpg").read_bytes())},
                           data={"attributes": "age,horoscope"})
    assert response.status_code == 422
    assert "horoscope" in response.json()["detail"]


def test_photo_without_faces_is_an_empty_list(client):
    noise = Image.fromarray(np.full((300, 400, 3), 128, np.uint8))
    response = client.post("/analyze", files={"file": ("grey.jpg", jpeg_bytes(noise))})
    assert response.status_code == 200
    assert response.json()["faces"] == []


# ----------------------------------------------------------- /compare-faces
def test_same_person_matches(client):
    result = compare(client, photo("obama.jpg").read_bytes(), photo("obama2.jpg").read_bytes())
    assert result["match"] is True
    assert result["distance"] < result["threshold"] == 0.6
    # confidence has NSFAS's meaning, (1 - distance) x 100 (issue 17); the logistic
    # score it held before is decision_confidence
    assert result["confidence"] == pytest.approx((1 - result["distance"]) * 100, abs=0.06)
    assert result["decision_confidence"] > 50 and result["similarity"] > 0.9


def test_different_people_do_not_match(client):
    result = compare(client, photo("obama.jpg").read_bytes(), photo("biden.jpg").read_bytes())
    assert result["match"] is False
    assert result["distance"] > result["threshold"]
    assert result["selfie_face"]["bbox"] and result["id_face"]["bbox"]


def test_threshold_is_overridable(client):
    result = compare(client, photo("obama.jpg").read_bytes(), photo("biden.jpg").read_bytes(),
                     threshold=1.5)
    assert result["threshold"] == 1.5 and result["match"] is True


def test_compare_without_a_face_says_which_side(client):
    blank = jpeg_bytes(Image.new("RGB", (200, 200), (200, 200, 200)))
    response = client.post("/compare-faces", files={
        "selfie": ("a.jpg", photo("obama.jpg").read_bytes()), "id_photo": ("b.jpg", blank)})
    assert response.status_code == 422
    assert "id_photo" in response.json()["detail"]


# ------------------------------------------------------------ /extract-face
def _check_extracted(result: dict, portrait_box) -> None:
    ExtractFaceResponse.model_validate(result)
    assert result["success"] is True
    meta = result["metadata"]
    assert meta["total_faces"] == 2
    x1, y1, x2, y2 = meta["bbox"]
    px1, py1, px2, py2 = portrait_box
    assert px1 <= (x1 + x2) / 2 <= px2 and py1 <= (y1 + y2) / 2 <= py2
    assert meta["combined_score"] == max(f["combined_score"] for f in meta["all_faces"])
    assert meta["size_score"] == 100.0
    header, data = result["face_image"].split(",", 1)
    assert header == "data:image/jpeg;base64"
    crop = Image.open(io.BytesIO(base64.b64decode(data)))
    assert crop.width >= meta["face_size"]["width"]


def test_extract_face_from_id_card_picks_the_large_portrait(client):
    card, portrait_box = id_card()
    response = client.post("/extract-face", files={"file": ("card.jpg", jpeg_bytes(card))})
    assert response.status_code == 200, response.text
    _check_extracted(response.json(), portrait_box)


def test_extract_face_from_pdf(client):
    card, portrait_box = id_card()
    buffer = io.BytesIO()
    # a 6 x 3.8 inch page with the photo embedded; the service renders PDFs at
    # 200 dpi, so page pixels equal the card's pixels
    card.save(buffer, "PDF", resolution=200.0)
    response = client.post("/extract-face", files={"file": ("card.pdf", buffer.getvalue())})
    assert response.status_code == 200, response.text
    _check_extracted(response.json(), portrait_box)


def test_extract_face_without_face_is_404(client):
    blank = jpeg_bytes(Image.new("RGB", (600, 400), (250, 250, 250)))
    response = client.post("/extract-face", files={"file": ("blank.jpg", blank)})
    assert response.status_code == 404
    assert "no face" in response.json()["detail"]


# ------------------------------------------------------------- health, spec
def test_health_lists_loaded_models(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert set(body["models"]) == {"detection", "mesh", "landmarks68", "embedding",
                                   "age_gender", "gender", "emotion", "ethnicity",
                                   "segmentation", "antispoof", "liveness", "body"}
    assert body["models"]["gender"].startswith("face-gender-faceres:")
    assert body["models"]["ethnicity"].startswith("face-race-gear:")
    assert client.get("/readyz").status_code == 200


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/docs.json").json()["paths"]
    for path in ("/analyze", "/analyze-base64", "/extract-face", "/compare-faces",
                 "/fitter", "/quality", "/liveness", "/mask", "/body", "/templates/extract",
                 "/templates/verify", "/v1/models/insightface:detect",
                 "/v1/models/insightface:compare"):
        assert path in paths
        response = paths[path]["post"]["responses"]["200"]["content"]["application/json"]
        assert response["schema"], path  # a documented response model, not a bare object


# ---------------------------------------------------------------- bad input
def png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


BAD_UPLOADS = {
    "empty file": ("/analyze", b"", 400, "empty"),
    "not an image": ("/analyze", b"hello, this is text and not a photo", 415, "format"),
    "truncated jpeg": ("/analyze", None, 400, ""),
    "decompression bomb": ("/analyze", png_header_only(20000, 20000), 413, "MP"),
    "zero-byte pdf": ("/extract-face", b"", 400, "empty"),
    "over the size limit": ("/analyze", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), 413, "limit"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_upload_is_a_json_4xx_and_the_server_survives(client, case):
    path, body, status, words = BAD_UPLOADS[case]
    if body is None:
        body = photo("obama.jpg").read_bytes()[:20000]
    response = client.post(path, files={"file": ("x.jpg", body)})
    assert response.status_code == status, response.text
    assert words.lower() in response.json()["detail"].lower()
    assert client.post("/analyze", files={"file": ("ok.jpg", photo("obama.jpg").read_bytes())},
                       data={"attributes": "age"}).status_code == 200


def test_missing_file_field_is_400_with_detail(client):
    response = client.post("/analyze", data={"max_faces": "3"})
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("image", ["%%% not base64 %%%", "data:image/png;base64,@@@@"])
def test_wrong_base64_is_400(client, image):
    response = client.post("/analyze-base64", json={"image": image})
    assert response.status_code == 400
    assert "base64" in response.json()["detail"].lower()
