"""front/compact_client.py: the compact topology's one call per image's tasks."""

from __future__ import annotations

import asyncio

import pytest

from front.compact_client import TaskFailed, compact_clients, task_clients
from front.model_clients import remote_predict


class CompactService:
    """Answers {task: batch} as the compact model service does, and records its calls."""

    def __init__(self, fail: bool = False, failing: tuple[str, ...] = ()):
        self.to_async, self.calls, self.fail, self.failing = self, [], fail, failing

    async def predict(self, calls: dict) -> dict:
        self.calls.append(sorted(calls))
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("model service down")
        return {"answers": {task: [f"{task}:{item}" for item in batch]
                            for task, batch in calls.items() if task not in self.failing},
                "errors": {task: f"RuntimeError: {task} broke" for task in calls
                           if task in self.failing}}


def test_an_images_tasks_leave_in_one_call_and_each_gets_its_answer():
    service = CompactService()
    clients = task_clients(service, ["age_gender", "emotion", "mesh"])
    predictors = {task: remote_predict(client, 5.0) for task, client in clients.items()}

    async def image():
        return await asyncio.gather(*(predictors[t]([1, 2]) for t in ("mesh", "emotion",
                                                                       "age_gender")))

    answers = asyncio.run(image())
    assert service.calls == [["age_gender", "emotion", "mesh"]]
    assert answers == [["mesh:1", "mesh:2"], ["emotion:1", "emotion:2"],
                       ["age_gender:1", "age_gender:2"]]


def test_a_task_asked_twice_at_once_goes_in_the_next_call():
    service = CompactService()
    clients = task_clients(service, ["mesh"])

    async def two():
        return await asyncio.gather(clients["mesh"].predict([1]), clients["mesh"].predict([2]))

    assert asyncio.run(two()) == [["mesh:1"], ["mesh:2"]]
    assert service.calls == [["mesh"], ["mesh"]]


def test_a_failed_call_reaches_every_task_in_it():
    clients = task_clients(CompactService(fail=True), ["mesh", "emotion"])

    async def image():
        return await asyncio.gather(*(c.predict([1]) for c in clients.values()),
                                    return_exceptions=True)

    assert [str(e) for e in asyncio.run(image())] == ["model service down"] * 2
    with pytest.raises(RuntimeError):
        asyncio.run(clients["mesh"].predict([1]))


def test_a_failed_task_fails_only_itself():
    service = CompactService(failing=("mesh",))
    clients = task_clients(service, ["detection", "mesh"])

    async def image():
        return await asyncio.gather(*(c.predict([1]) for c in clients.values()),
                                    return_exceptions=True)

    detection, mesh = asyncio.run(image())
    assert service.calls == [["detection", "mesh"]]
    assert detection == ["detection:1"]
    assert isinstance(mesh, TaskFailed) and str(mesh) == "RuntimeError: mesh broke"


def test_detection_goes_to_the_compact_detector_and_the_rest_together():
    detector, models = CompactService(), CompactService()
    front = type("Front", (), {"model_compact": models, "model_compact_detector": detector})()
    clients = compact_clients(front, ["detection", "mesh", "emotion"])

    async def image():
        faces = await clients["detection"].predict(["image"])
        return faces, await asyncio.gather(clients["mesh"].predict([1]),
                                           clients["emotion"].predict([1]))

    assert asyncio.run(image()) == (["detection:image"], [["mesh:1"], ["emotion:1"]])
    assert detector.calls == [["detection"]] and models.calls == [["emotion", "mesh"]]
