"""The beauty heuristics (measures/beauty.py) on real photos, and the beauty
attribute of FaceAnalysis with and without a learned score."""

from __future__ import annotations

import asyncio
from functools import lru_cache

import cv2
import numpy as np
import pytest

from analyzers.face_analysis import FaceAnalysis, Options
from analyzers.face_models.mesh_mirror import MIRROR
from measures import beauty
from testkit import local_models as lm
from testkit.local_models import predictors
from testkit.photos import photo


def mesh_of(image: np.ndarray) -> np.ndarray:
    fitted, _ = asyncio.run(FaceAnalysis(predictors(), {}).fit(image, 1))
    assert fitted, "no face found"
    return fitted[0]["points"]


@lru_cache(maxsize=None)
def obama() -> tuple[np.ndarray, np.ndarray]:
    image = lm.load("obama.jpg")
    return image, mesh_of(image)


def test_mirror_table_is_an_involution():
    assert len(MIRROR) == 478
    assert all(MIRROR[MIRROR[i]] == i for i in range(478))
    assert MIRROR[33] == 263 and MIRROR[133] == 362 and MIRROR[61] == 291
    assert MIRROR[1] == 1 and MIRROR[152] == 152  # nose tip, chin: on the midline
    assert MIRROR[468] == 473  # iris centres


def test_a_perfectly_mirrored_mesh_has_no_asymmetry():
    _, points = obama()
    # the mesh averaged with its own mirror image (partners swapped, x negated)
    mirrored = points[list(MIRROR)] * np.array([-1.0, 1.0, 1.0])
    mirrored[:, 0] += 2 * points[:, 0].mean()
    symmetric = (points + mirrored) / 2
    assert beauty.asymmetry(symmetric) < 1e-9
    assert beauty.symmetry(symmetric)["score"] == 100.0


def test_mirrored_photo_is_as_symmetric():
    image, points = obama()
    flipped = mesh_of(np.ascontiguousarray(image[:, ::-1]))
    original, mirrored = beauty.asymmetry(points), beauty.asymmetry(flipped)
    assert original < 0.03
    # the pipeline is not exactly mirror-symmetric either: MTCNN's box (as facenet-pytorch's,
    # tests/test_reference_mtcnn.py) lands 4-8 px elsewhere on the mirrored photo and the
    # one mesh pass follows it: 0.011 vs 0.025 here (0.012 vs 0.013 after three ROI
    # passes)
    assert abs(original - mirrored) < 0.02


def test_a_face_with_one_half_warped_is_less_symmetric():
    image, points = obama()
    height, width = image.shape[:2]
    centre = points[1, 0]  # nose tip
    eye_distance = np.linalg.norm(points[33, :2] - points[263, :2])
    # pull the image's right half of the face down: by up to 0.25 eye distances
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    shift = np.clip((xs - centre) / eye_distance, 0, 1) * 0.25 * eye_distance
    warped = cv2.remap(image, xs, ys - shift, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    skewed = beauty.asymmetry(mesh_of(warped))
    assert skewed > 2 * beauty.asymmetry(points)
    assert beauty.symmetry(mesh_of(warped))["score"] < beauty.symmetry(points)["score"]


def test_proportions_score_each_canon_by_its_ratio():
    _, points = obama()
    result = beauty.proportions(points)
    assert set(result["canons"]) == {"orbital", "naso_ocular", "naso_oral", "lower_thirds"}
    assert 0 <= result["score"] <= 100
    # move the mouth corners so that the mouth is exactly 1.5 nose widths
    moved = points.copy()
    nose = beauty.measurements(points)["nose_width"]
    left, right = moved[61].copy(), moved[291].copy()
    middle, direction = (left + right) / 2, (right - left) / np.linalg.norm(right - left)
    moved[61], moved[291] = middle - direction * 0.75 * nose, middle + direction * 0.75 * nose
    canon = beauty.proportions(moved)["canons"]["naso_oral"]
    assert canon["ratio"] == pytest.approx(1.5, abs=1e-3) and canon["score"] == 100.0
    # twice as wide: beyond 1.5x the canon, 0
    moved[61], moved[291] = middle - direction * 1.5 * nose, middle + direction * 1.5 * nose
    assert beauty.proportions(moved)["canons"]["naso_oral"]["score"] == 0.0


def test_noisy_skin_is_less_even():
    image, points = obama()
    noise = np.random.default_rng(0).normal(0, 12, image.shape)
    noisy = np.clip(image + noise, 0, 255).astype(np.uint8)
    clean, rough = beauty.skin_evenness(image, points), beauty.skin_evenness(noisy, points)
    assert rough["spread"] > clean["spread"] + 5
    assert rough["score"] < clean["score"]


def test_chopped_score_with_and_without_a_learned_score():
    image, points = obama()
    alone = beauty.chopped_score(image, points)
    assert alone["beauty_model"] is None and "heuristics only" in alone["note"]
    assert alone["value"] == alone["heuristic"]
    assert set(alone["components"]) == {"symmetry", "proportions", "skin_evenness"}
    learned = beauty.chopped_score(image, points, 5.0, "face-beauty-resnet50:abc")
    assert learned["beauty_model"] == "face-beauty-resnet50:abc"
    assert learned["value"] == pytest.approx(0.5 * 100 + 0.5 * alone["heuristic"], abs=0.1)
    assert learned["components"]["beauty_model"]["beauty_score"] == 5.0


def test_beauty_attribute_in_face_analysis():
    image, _ = obama()
    options = Options.parse("beauty")
    without = asyncio.run(FaceAnalysis(predictors(), {}).analyze(image, options))
    [face] = without["faces"]
    assert face["beauty_score"] is None and "beauty_score" in face["unavailable"]
    assert 0 <= face["chopped_score"]["value"] <= 100
    assert face["chopped_score"]["beauty_model"] is None

    seen = []

    async def fake_beauty(batch):
        seen.append(np.asarray(batch).shape)
        return [4.0] * len(batch)

    service = FaceAnalysis(predictors(beauty=fake_beauty), {"beauty": "face-beauty-resnet50:x"})
    [face] = asyncio.run(service.analyze(image, options))["faces"]
    assert seen == [(1, 224, 224, 3)]
    assert face["beauty_score"] == 4.0
    assert face["chopped_score"]["beauty_model"] == "face-beauty-resnet50:x"
    assert "beauty" not in Options.parse(None).attributes


def test_server_chopped_score_on_the_default_set(client):
    """The shared server on the default models: heuristics only, and said so."""
    response = client.post("/analyze", data={"attributes": "beauty"},
                           files={"file": ("o.jpg", photo("obama.jpg").read_bytes())})
    assert response.status_code == 200, response.text
    body = response.json()
    [face] = body["faces"]
    chopped = face["chopped_score"]
    assert 0 <= chopped["value"] <= 100 and chopped["value"] == chopped["heuristic"]
    assert chopped["beauty_model"] is None and "heuristics only" in chopped["note"]
    assert chopped["components"]["symmetry"]["asymmetry"] < 0.05
    assert face["beauty_score"] is None
    assert "face-beauty-resnet50" in face["unavailable"]["beauty_score"]
    assert body["models"]["chopped_score"].startswith("face-mesh-mediapipe:")
    default = client.post("/analyze", files={"file": ("o.jpg", photo("obama.jpg").read_bytes())})
    assert "chopped_score" not in default.json()["faces"][0] or \
        default.json()["faces"][0]["chopped_score"] is None
