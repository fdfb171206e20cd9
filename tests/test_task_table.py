"""The task table (analyzers/tasks.py) and the model wrappers the registry names:
what README's "Adding a model" promises, done here in-process."""

from __future__ import annotations

import asyncio
import dataclasses

import numpy as np
import pytest

from analyzers import tasks
from analyzers.detectors.detection import Detection
from analyzers.face_analysis import FaceAnalysis, Options
from analyzers.runtime.model_wrapper import ModelWrapper
from models import registry
from models.registry import BY_NAME, SOURCES, wrapper_of


def test_every_registry_model_names_a_wrapper_that_loads_prepares_and_runs():
    for source in SOURCES:
        wrapper = wrapper_of(source)
        assert issubclass(wrapper, ModelWrapper), source.name
        assert wrapper.load is not ModelWrapper.load, f"{source.name}: no load"


def test_the_table_covers_every_per_face_task_and_attribute():
    per_face = {s.task for s in SOURCES} - {"detection", "segmentation", "body", "antispoof",
                                           "liveness"}
    assert per_face == set(tasks.TASKS)
    filled = {a for task in tasks.TASKS.values() for a in task.fields}
    assert filled == set(tasks.ATTRIBUTES)
    assert set(tasks.OPTIONAL_ATTRIBUTES) == {"obstruction", "hair", "blendshapes"}


def test_race_is_opt_in_and_null_with_the_reason_when_its_model_is_missing():
    """ethnicity (race): GEAR answers it in the default set, only when asked for."""
    assert "ethnicity" not in Options().attributes
    assert "ethnicity" in Options.parse("all").attributes
    reason = "model face-race-gear is not in the BentoML model store"
    analysis = FaceAnalysis({"detection": detect}, {"detection": "face-detector-mtcnn:v1"},
                            unavailable={"ethnicity": reason})
    image = np.full((200, 160, 3), 128, np.uint8)
    [face] = asyncio.run(analysis.analyze(image, Options.parse("ethnicity")))["faces"]
    assert face["ethnicity"] is None and face["unavailable"]["ethnicity"] == reason
    [face] = asyncio.run(analysis.analyze(image, Options.parse("none")))["faces"]
    assert "ethnicity" not in face


def fake(answer):
    async def predict(batch):
        return [answer] * len(batch)
    return predict


async def detect(images):
    return [[{"box": (40, 40, 100, 110), "score": 0.99,
              "keypoints": np.array([[55, 65], [85, 65], [70, 80], [58, 95], [82, 95]])}]]


def detected() -> list[Detection]:
    """`detect`'s faces, as FaceAnalysis.detect hands them on."""
    return [Detection.from_answer(face) for face in asyncio.run(detect([None]))[0]]


def test_adding_an_optional_classifier_takes_an_entry_and_a_record(monkeypatch):
    """README, "Adding a model": one registry entry (reusing the ViT wrapper) and one
    task record make a new attribute answer, and its absence leave it out."""
    import model_services  # before the patch: imported under it, it kept the made-up entry

    source = dataclasses.replace(BY_NAME["face-ethnicity-vit"], name="face-age-vit",
                                 task="age_group", metadata={"labels": ["child", "adult"]})
    monkeypatch.setattr(registry, "SOURCES", (*SOURCES, source))
    monkeypatch.setitem(BY_NAME, source.name, source)
    record = tasks.FaceTask("age_group", {"age_group": ("age_group",)},
                            tasks._classified("age_group"), when_missing=tasks.OPTIONAL,
                            model_key="age_group")
    monkeypatch.setitem(tasks.TASKS, "age_group", record)
    monkeypatch.setattr(tasks, "ATTRIBUTES", (*tasks.ATTRIBUTES, "age_group"))
    monkeypatch.setattr(tasks, "OPTIONAL_ATTRIBUTES", (*tasks.OPTIONAL_ATTRIBUTES, "age_group"))
    seen = []

    async def classifier(batch):
        seen.append(np.asarray(batch).shape)
        return [{"label": "adult", "confidence": 0.7, "scores": {"child": 0.3, "adult": 0.7}}]

    image = np.full((200, 160, 3), 128, np.uint8)
    served = FaceAnalysis({"detection": detect, "age_group": classifier},
                          {"detection": "face-detector-mtcnn:v1", "age_group": "face-age-vit:v1"})
    result = asyncio.run(served.analyze(image, Options.parse("age_group")))
    [face] = result["faces"]
    assert face["age_group"] == {"dominant": "adult", "confidence": 0.7,
                                 "scores": {"child": 0.3, "adult": 0.7}}
    assert result["models"]["age_group"] == "face-age-vit:v1"
    assert seen == [(1, 256, 256, 3)]  # the ViT wrapper's square crop
    without = FaceAnalysis({"detection": detect}, {"detection": "face-detector-mtcnn:v1"})
    [face] = asyncio.run(without.analyze(image, Options.parse("age_group")))["faces"]
    assert "age_group" not in face and "unavailable" not in face
    # and its model service comes from the registry entry alone
    service = model_services.model_service(source.service_name, [source])
    assert service.name == "FaceAgeVitModel" and service.inner.source_name == "face-age-vit"
    assert service.apis["predict"].batchable == model_services.BATCHING


def test_models_sharing_a_crop_get_it_cut_once(monkeypatch):
    """embedding, age/gender and the 68 points of the default set take the same square
    crop: prepared once per face, not three times."""
    from analyzers.runtime import crops

    calls = []
    original = crops.square_face

    def counted(image, face, source=None):
        calls.append(1)
        return original(image, face, source)

    for name in ("analyzers.face_models.embedding.DlibEmbedder", "analyzers.face_models.age_gender.AgeGender",
                 "analyzers.face_models.landmarks68.Landmarks68"):
        module, cls = name.rsplit(".", 1)
        monkeypatch.setattr(getattr(__import__(module, fromlist=[cls]), cls), "prepare_face",
                            staticmethod(counted))
    tags = {"detection": "face-detector-mtcnn:v1", "embedding": "face-embedding-dlib:v1",
            "age_gender": "face-age-gender-cydral:v1", "landmarks68": "face-landmarks68-dlib:v1"}
    analysis = FaceAnalysis({"detection": detect}, tags)
    prepared = analysis._prepare(np.zeros((200, 160, 3), np.uint8),
                                 detected(),
                                 {"embedding", "age_gender", "landmarks68"})
    assert len(calls) == 1 and set(prepared) == {"embedding", "age_gender", "landmarks68"}


def test_gears_two_tasks_share_one_crop(monkeypatch):
    """face-race-gear and face-age-gender-gear are one model on one crop: cut once."""
    from analyzers.face_models import gear, human_faces

    calls = []

    def counted(image, face, source=None):
        calls.append(1)
        return human_faces.upright_face(image, face, source)

    monkeypatch.setattr(gear.Gear, "prepare_face", staticmethod(counted))
    tags = {"detection": "face-detector-mtcnn:v1", "ethnicity": "face-race-gear:v1",
            "age_gender": "face-age-gender-gear:v1"}
    analysis = FaceAnalysis({"detection": detect}, tags)
    prepared = analysis._prepare(np.zeros((200, 160, 3), np.uint8),
                                 detected(), {"ethnicity", "age_gender"})
    assert len(calls) == 1 and prepared["ethnicity"][0].shape == (1, 192, 192, 3)


@pytest.mark.parametrize("task, expected", [("emotion", (64, 64)), ("embedding", (256, 256, 3))])
def test_the_chosen_models_wrapper_prepares_its_input(task, expected):
    analysis = FaceAnalysis({}, {"emotion": "face-emotion-fer:v1",
                                 "embedding": "face-embedding-dlib:v1"})
    batch, _ = analysis.inputs(task, np.zeros((200, 160, 3), np.uint8),
                               detected())
    assert batch.shape[1:] == expected
    arcface = FaceAnalysis({}, {"embedding": "face-embedding-arcface:v1"})
    batch, _ = arcface.inputs("embedding", np.zeros((200, 160, 3), np.uint8),
                              detected())
    assert batch.shape[1:] == (112, 112, 3)


def mesh_answer(batch):
    """A mesh model's answer: 478 points in its crop, distinct per point."""
    points = np.stack([np.arange(478) % 23 * 8.0, np.arange(478) // 23 * 9.0,
                       np.zeros(478)], axis=1)
    return [{"points": points, "score": 0.9} for _ in batch]


def test_a_task_fed_another_tasks_answer_runs_after_it(monkeypatch):
    """blendshapes (analyzers/face_models/blendshapes.py) takes the mesh's points, not a crop: the
    mesh runs even when only blendshapes is asked for, and its answer feeds it."""
    from analyzers.face_models import blendshapes

    seen = []

    async def mesh(batch):
        return mesh_answer(batch)

    async def shapes(batch):
        seen.append(np.asarray(batch))
        return [dict.fromkeys(blendshapes.NAMES, 0.0) | {"jawOpen": 0.8,
                                                          "mouthSmileLeft": 0.9,
                                                          "mouthSmileRight": 0.7}] * len(batch)

    tags = {"detection": "face-detector-mtcnn:v1", "mesh": "face-mesh-mediapipe:v1",
            "blendshapes": "face-blendshapes-mediapipe:v1"}
    analysis = FaceAnalysis({"detection": detect, "mesh": mesh, "blendshapes": shapes}, tags)
    image = np.zeros((200, 160, 3), np.uint8)
    result = asyncio.run(analysis.analyze(image, Options.parse("blendshapes,expression")))
    [face] = result["faces"]
    [batch] = seen
    # the 146 points MediaPipe's graph keeps, in image pixels (the mesh crop's transform)
    face_input = analysis._prepare(image, detected(), {"mesh"})["mesh"]
    expected = blendshapes.model_input(tasks.mesh.to_image(
        mesh_answer([0])[0]["points"], face_input[1][0]))
    assert batch.shape == (1, 146, 2)
    np.testing.assert_allclose(batch[0], expected, rtol=1e-6)
    assert face["blendshapes"]["jawOpen"] == 0.8
    assert face["smiling"] == {"value": True, "score": 0.8, "threshold": 0.5,
                               "method": "blendshapes"}
    assert face["mouth_open"]["value"] is True and face["mouth_open"]["method"] == "blendshapes"
    assert result["models"]["blendshapes"] == result["models"]["smiling"] == tags["blendshapes"]
    # not asked for: it does not run, and smiling is the mesh's geometry
    [face] = asyncio.run(analysis.analyze(image, Options.parse("expression")))["faces"]
    assert len(seen) == 1 and "blendshapes" not in face and "method" not in face["smiling"]


def test_a_task_whose_feeding_task_failed_is_null_with_the_reason():
    async def broken(batch):
        raise RuntimeError("mesh exploded")

    async def shapes(batch):
        raise AssertionError("must not run without the mesh's answer")

    analysis = FaceAnalysis({"detection": detect, "mesh": broken, "blendshapes": shapes},
                            {"detection": "face-detector-mtcnn:v1",
                             "mesh": "face-mesh-mediapipe:v1",
                             "blendshapes": "face-blendshapes-mediapipe:v1"})
    [face] = asyncio.run(analysis.analyze(np.zeros((200, 160, 3), np.uint8),
                                          Options.parse("blendshapes")))["faces"]
    assert face["blendshapes"] is None
    assert "needs the mesh model" in face["unavailable"]["blendshapes"]
