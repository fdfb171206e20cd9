"""FaceAnalysis (the /analyze orchestration) with the real models run in-process.

Each task gets a local async `predict(batch)` around the real analyzer, shaped
like the model services in model_services.py; no server is started.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from analyzers.face_models import emotion
from analyzers.runtime import crops
from analyzers.face_models.embedding import compare, normalise
from analyzers.face_analysis import ATTRIBUTES, FaceAnalysis, ModelUnavailable, Options
from testkit import local_models as lm
from testkit.local_models import TAGS, predictors


def analysis(**replace) -> FaceAnalysis:
    tasks = predictors(**replace)
    return FaceAnalysis(tasks, {t: TAGS[t] for t in tasks})


def analyze(name_or_image, attributes=None, service: FaceAnalysis | None = None, **options):
    image = lm.load(name_or_image) if isinstance(name_or_image, str) else name_or_image
    return asyncio.run((service or analysis()).analyze(image, Options.parse(attributes, **options)))


def area(face: dict) -> float:
    x1, y1, x2, y2 = face["bbox"]
    return (x2 - x1) * (y2 - y1)


@pytest.fixture(scope="module")
def group() -> dict:
    """t1.jpg with the default attributes and every model."""
    return analyze("t1.jpg")


# ---------------------------------------------------------------- Options
def test_default_options():
    options = Options.parse(None)
    assert options == Options.parse("") == Options.parse("default") == Options()
    assert set(options.attributes) == set(ATTRIBUTES) - {"embedding", "landmarks", "beauty",
                                                         "ethnicity", "blendshapes"}
    assert not options.return_embedding and not options.return_landmarks
    assert options.max_faces >= 1


def test_all_attributes():
    options = Options.parse("all")
    assert options.attributes == ATTRIBUTES
    assert options.return_embedding and options.return_landmarks
    assert Options.parse(["age", "all"]).attributes == ATTRIBUTES


def test_comma_string_and_list():
    options = Options.parse(" gender , age,, emotion ")
    assert set(options.attributes) == {"age", "gender", "emotion"}
    # kept in the canonical order, whatever order they were asked in
    assert options.attributes == tuple(a for a in ATTRIBUTES if a in options.attributes)
    assert Options.parse(["emotion", "age", "gender"]).attributes == options.attributes


def test_return_flags_add_their_attributes():
    options = Options.parse("age", return_embedding=True, return_landmarks=True)
    assert set(options.attributes) == {"age", "embedding", "landmarks"}
    # and asking for the attributes sets the flags
    options = Options.parse("embedding,landmarks")
    assert options.return_embedding and options.return_landmarks


def test_unknown_attribute_is_named():
    with pytest.raises(ValueError, match="horoscope"):
        Options.parse("age,horoscope")
    with pytest.raises(ValueError, match="shoe_size"):
        Options(attributes=("shoe_size",))


@pytest.mark.parametrize("max_faces", [0, -3])
def test_max_faces_must_be_positive(max_faces):
    with pytest.raises(ValueError, match="max_faces"):
        Options.parse("age", max_faces=max_faces)


# ---------------------------------------------------------------- full analysis
def test_group_photo_every_face_annotated_largest_first(group):
    assert group["face_count"] == group["faces_detected"] == len(group["faces"]) == 6
    height, width = lm.load("t1.jpg").shape[:2]
    assert group["image"] == {"width": width, "height": height}
    areas = [area(f) for f in group["faces"]]
    assert areas == sorted(areas, reverse=True)
    for face in group["faces"]:
        assert "unavailable" not in face
        assert face["confidence"] > 0.9
        x1, y1, x2, y2 = face["bbox"]
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
        np.testing.assert_allclose(face["bbox_normalized"],
                                   [x1 / width, y1 / height, x2 / width, y2 / height], atol=1e-4)
        assert set(face["landmarks"]) == {"left_eye", "right_eye", "nose",
                                          "mouth_left", "mouth_right"}
        for x, y in face["landmarks"].values():
            assert x1 <= x <= x2 and y1 <= y <= y2
        assert 0 < face["age"] <= 80 and face["age_bracket"]
        assert face["gender"]["value"] in ("female", "male")
        assert face["emotion"]["dominant"] in emotion.LABELS
        assert face["pose"]["method"] == "mesh"
        assert {"yaw", "pitch", "roll"} <= set(face["pose"])
        assert isinstance(face["smiling"]["value"], bool)
        assert isinstance(face["mouth_open"]["value"], bool)
        assert set(face["eyes_open"]) == {"left", "right"}
        for field in ("skin_tone", "hair_colour", "eye_colour", "lip_colour"):
            assert field in face
        assert 0.0 <= face["mesh_score"] <= 1.0
        # not asked for
        assert "embedding" not in face and "landmarks_68" not in face
        assert "landmarks_mesh" not in face
    models = group["models"]
    assert models["detection"] == TAGS["detection"]
    assert models["age"] == models["gender"] == TAGS["age_gender"]
    assert models["emotion"] == TAGS["emotion"]
    assert models["pose"] == models["smiling"] == models["skin_tone"] == TAGS["mesh"]
    assert "embedding" not in models and "landmarks_68" not in models
    for step in ("detection", "crops", "age_gender", "emotion", "mesh", "total"):
        assert group["timings_ms"][step] >= 0


def test_each_face_gets_its_own_results(group):
    """Each record holds the models' answer for that face's own crop."""
    image = lm.load("t1.jpg")
    detections = []
    for face in group["faces"]:  # the unrounded detector box behind each record
        found = [d for d in lm.faces_in("t1.jpg")
                 if np.allclose(d.box, face["bbox"], atol=0.051)]
        assert len(found) == 1
        detections.append(found[0])
    squares = np.stack([crops.square_crop(image, d.box, crops.FACE_CROP_SIZE)[0]
                        for d in detections])
    ages = lm.age_gender().predict(squares)
    moods = lm.emotion_model().predict(
        np.stack([emotion.prepare(image, d.box) for d in detections]))
    for face, age, mood in zip(group["faces"], ages, moods):
        assert face["age"] == age["age"]
        assert face["gender"] == age["gender"]
        assert face["emotion"]["scores"] == pytest.approx(mood["scores"], abs=1e-4)
        assert face["emotion"]["dominant"] == mood["dominant"]
    # and the faces differ, so a shuffled merge would not pass
    assert len({face["age"] for face in group["faces"]}) > 3


def test_faces_go_to_each_model_in_one_batch_and_models_run_concurrently():
    calls: dict[str, list[int]] = {}
    running: set[str] = set()
    together: list[set[str]] = []

    def watched(task, predict):
        async def run(batch):
            calls.setdefault(task, []).append(len(batch))
            running.add(task)
            await asyncio.sleep(0.05)  # let the other tasks start
            together.append(set(running))
            try:
                return await predict(batch)
            finally:
                running.discard(task)
        return run

    tasks = {t: watched(t, p) for t, p in predictors().items()}
    result = analyze("t1.jpg", "all", service=FaceAnalysis(tasks, TAGS))
    assert result["face_count"] == 6
    assert calls["detection"] == [1]
    for task in ("mesh", "landmarks68", "embedding", "age_gender", "emotion"):
        assert calls[task] == [6], task
    # all five task models were in flight at the same time
    assert any(len(tasks_at_once) == 5 for tasks_at_once in together)


def test_max_faces_keeps_the_largest(group):
    result = analyze("t1.jpg", "age", max_faces=2)
    assert result["face_count"] == 2 and result["faces_detected"] == 6
    assert [f["bbox"] for f in result["faces"]] == [f["bbox"] for f in group["faces"][:2]]


def test_only_asked_attributes_are_filled():
    result = analyze("t1.jpg", "age,gender")
    for face in result["faces"]:
        assert "age" in face and "gender" in face
        for field in ("emotion", "pose", "smiling", "skin_tone", "embedding", "landmarks_68"):
            assert field not in face
    assert set(result["models"]) == {"detection", "age", "age_bracket", "gender"}


def test_return_landmarks_and_embedding():
    result = analyze("obama.jpg", "age", return_landmarks=True, return_embedding=True)
    face = result["faces"][0]
    assert len(face["landmarks_68"]) == 68
    assert all(len(p) == 2 for p in face["landmarks_68"])
    assert len(face["landmarks_mesh"]) == 478
    assert all(len(p) == 3 for p in face["landmarks_mesh"])
    x1, y1, x2, y2 = face["bbox"]
    w, h = x2 - x1, y2 - y1
    for points in (np.array(face["landmarks_68"]), np.array(face["landmarks_mesh"])[:, :2]):
        assert np.all((points[:, 0] > x1 - 0.2 * w) & (points[:, 0] < x2 + 0.2 * w))
        assert np.all((points[:, 1] > y1 - 0.3 * h) & (points[:, 1] < y2 + 0.2 * h))
    assert result["models"]["landmarks_68"] == TAGS["landmarks68"]
    assert result["models"]["landmarks_mesh"] == TAGS["mesh"]
    # the embedding is the model's raw vector, unit-normalised
    assert len(face["embedding"]) == 128
    assert np.linalg.norm(face["embedding"]) == pytest.approx(1.0, abs=1e-4)
    crop = crops.square_crop(lm.load("obama.jpg"), lm.faces_in("obama.jpg")[0].box,
                             crops.FACE_CROP_SIZE)[0]
    direct = normalise(lm.embedder().predict(crop[None])[0])
    assert float(np.dot(face["embedding"], direct)) > 0.999


# ---------------------------------------------------------------- missing or failing models
def test_missing_emotion_model_is_reported_per_face():
    tasks = predictors(emotion=None)
    service = FaceAnalysis(tasks, {t: TAGS[t] for t in tasks},
                           unavailable={"emotion": "reason text"})
    result = analyze("t1.jpg", "age,gender,emotion", service=service)
    assert result["face_count"] == 6
    for face in result["faces"]:
        assert face["emotion"] is None
        assert face["unavailable"] == {"emotion": "reason text"}
        assert face["age"] is not None and face["gender"]["value"] in ("female", "male")
    assert "emotion" not in result["models"]
    assert result["models"]["age"] == TAGS["age_gender"]


def test_missing_model_without_a_reason_still_says_why():
    result = analyze("obama.jpg", "emotion", service=analysis(emotion=None))
    face = result["faces"][0]
    assert face["emotion"] is None and face["unavailable"]["emotion"]


def test_failing_model_sinks_only_its_own_fields():
    async def broken(batch):
        raise RuntimeError("boom")

    result = analyze("t1.jpg", service=analysis(age_gender=broken))
    assert result["face_count"] == 6
    for face in result["faces"]:
        assert face["age"] is None and face["age_bracket"] is None and face["gender"] is None
        assert set(face["unavailable"]) == {"age", "age_bracket", "gender"}
        assert all("boom" in reason for reason in face["unavailable"].values())
        assert face["emotion"]["dominant"] in emotion.LABELS
        assert face["pose"]["method"] == "mesh"
        assert isinstance(face["smiling"]["value"], bool)
    assert "age" not in result["models"] and "gender" not in result["models"]
    assert result["models"]["emotion"] == TAGS["emotion"]


def test_without_mesh_pose_falls_back_to_five_points():
    result = analyze("obama.jpg", "pose,expression,age", service=analysis(mesh=None))
    face = result["faces"][0]
    assert "coarse" in face["pose"]["method"]
    assert {"yaw", "pitch", "roll"} <= set(face["pose"])
    assert abs(face["pose"]["yaw"]) < 30 and abs(face["pose"]["roll"]) < 20  # a frontal portrait
    assert "coarse" in result["models"]["pose"]
    assert result["models"]["pose"].startswith(TAGS["detection"])
    # the mesh-only fields have no fallback
    for field in ("smiling", "mouth_open", "eyes_open"):
        assert face[field] is None and face["unavailable"][field]
    assert face["age"] is not None
    assert "mesh_score" not in face
    assert "pose" not in face.get("unavailable", {})  # it has a (coarse) value


def test_without_mesh_the_missing_mesh_landmarks_say_why():
    result = analyze("obama.jpg", "landmarks", service=analysis(mesh=None))
    face = result["faces"][0]
    assert len(face["landmarks_68"]) == 68
    assert face["landmarks_mesh"] is None and face["unavailable"]["landmarks_mesh"]


def test_failing_mesh_also_falls_back_to_five_points():
    async def broken(batch):
        raise RuntimeError("mesh down")

    result = analyze("obama.jpg", "pose", service=analysis(mesh=broken))
    face = result["faces"][0]
    assert "coarse" in face["pose"]["method"]
    assert "coarse" in result["models"]["pose"]
    assert "pose" not in face.get("unavailable", {})


def test_no_detector_raises_model_unavailable():
    tasks = predictors(detection=None)
    service = FaceAnalysis(tasks, TAGS, unavailable={"detection": "not imported"})
    with pytest.raises(ModelUnavailable) as raised:
        analyze("obama.jpg", service=service)
    assert raised.value.task == "detection" and raised.value.reason == "not imported"


def test_failing_detector_raises_model_unavailable():
    async def broken(images):
        raise RuntimeError("detector crashed")

    with pytest.raises(ModelUnavailable, match="detector crashed"):
        analyze("obama.jpg", service=analysis(detection=broken))


def test_image_without_faces():
    blank = np.full((480, 640, 3), 128, np.uint8)
    result = analyze(blank, "all")
    assert result["faces"] == [] and result["face_count"] == 0
    assert result["faces_detected"] == 0
    assert result["image"] == {"width": 640, "height": 480}
    assert result["models"]["detection"] == TAGS["detection"]


# ---------------------------------------------------------------- embed_pair
def face_of(name: str):
    service = analysis()
    image = lm.load(name)
    return image, asyncio.run(service.detect(image))[0]


def test_embed_pair_same_and_different_people():
    service = analysis()
    obama, obama2, biden = face_of("obama.jpg"), face_of("obama2.jpg"), face_of("biden.jpg")
    vectors = asyncio.run(service.embed_pair(obama, obama2, biden))
    assert vectors.shape == (3, 128)
    assert compare(vectors[0], vectors[1])["distance"] < 0.6
    assert compare(vectors[0], vectors[2])["distance"] > 0.6
    pair = asyncio.run(service.embed_pair(obama, obama2))
    assert pair.shape == (2, 128)
    np.testing.assert_allclose(pair, vectors[:2], atol=1e-4)


def test_embed_pair_without_model():
    service = analysis(embedding=None)
    with pytest.raises(ModelUnavailable) as raised:
        asyncio.run(service.embed_pair(face_of("obama.jpg"), face_of("obama2.jpg")))
    assert raised.value.task == "embedding"
