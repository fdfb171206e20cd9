"""The front's calls in the compact topology (FACE_TOPOLOGY=compact): the per-task calls
one image's analysis makes together (asyncio.gather) leave as one call to the model
service of the per-face models, which answers every task of it; the detector's go to
the compact detector service."""

from __future__ import annotations

import asyncio


class TaskFailed(RuntimeError):
    """One task of a compact call failed (the model service's message); the call's
    other tasks, perhaps another request's, have their answers."""


class Coalescer:
    """Per-task calls made in the same turn of the event loop, sent as one
    `predict({task: batch})` to `client`."""

    def __init__(self, client):
        self.client = client
        self.pending: dict[str, list[tuple[object, asyncio.Future]]] = {}
        self.scheduled = False

    async def call(self, task: str, batch):
        future = asyncio.get_running_loop().create_future()
        self.pending.setdefault(task, []).append((batch, future))
        if not self.scheduled:
            self.scheduled = True
            asyncio.get_running_loop().call_soon(self._send)
        return await future

    def _send(self) -> None:
        pending, self.pending, self.scheduled = self.pending, {}, False
        # a task asked twice in one turn (two images' crops) waits for the next call
        first = {task: calls[0] for task, calls in pending.items()}
        for task, calls in pending.items():
            for batch, future in calls[1:]:
                asyncio.ensure_future(self._again(task, batch, future))
        asyncio.ensure_future(self._answer(first))

    async def _again(self, task, batch, future) -> None:
        try:
            future.set_result(await self.call(task, batch))
        except Exception as error:  # noqa: BLE001 - handed to the caller
            if not future.done():
                future.set_exception(error)

    async def _answer(self, calls: dict) -> None:
        try:
            answers = await self.client.to_async.predict({t: b for t, (b, _) in calls.items()})
        except BaseException as error:  # noqa: BLE001 - every waiting caller gets it
            for _, future in calls.values():
                if not future.done():
                    future.set_exception(error)
            return
        for task, (_, future) in calls.items():
            if future.done():
                continue
            if task in answers["errors"]:
                future.set_exception(TaskFailed(answers["errors"][task]))
            else:
                future.set_result(answers["answers"][task])


class TaskClient:
    """One task's view of the coalescer, shaped as a BentoML client (`to_async.predict`)
    so that front/model_clients.py's timeout, retries and bulk parts apply unchanged."""

    def __init__(self, coalescer: Coalescer, task: str):
        self.to_async = self
        self.coalescer, self.task = coalescer, task

    async def predict(self, batch):
        return await self.coalescer.call(self.task, batch)


def task_clients(client, tasks) -> dict[str, TaskClient]:
    """{task: its client} over one coalescer of `client` (the compact model service)."""
    coalescer = Coalescer(client)
    return {task: TaskClient(coalescer, task) for task in tasks}


def compact_clients(front, tasks) -> dict[str, TaskClient]:
    """{task: its client} for the front service `front` (model_services.model_dependencies):
    the detection task's through `model_compact_detector`, every other task's over one
    coalescer of `model_compact`."""
    others = [task for task in tasks if task != "detection"]
    clients = task_clients(front.model_compact, others) if others else {}
    if "detection" in tasks:
        clients.update(task_clients(front.model_compact_detector, ["detection"]))
    return clients
