"""The front's calls to the model services: one async predict(batch) per task.

A normal call (at most CALL_ITEMS items: the faces of an ordinary photo) goes as
it is. A larger one is bulk work (a crowd, up to FACE_MAX_FACES faces): it goes
in parts of `bulk_items` items (topology.bulk_items: what one worker of that
service runs in about 100 ms), one after the other, and only one bulk call runs
at a time in this process, whichever service and request it is for; among the
waiting ones, the one whose request has the earliest deadline goes next
(`BulkLane`).

Why: a model service runs one batch at a time, so a normal call waits behind at most
one part and bulk work holds about one core; a bulk call keeps the lane for all its
parts, so crowds finish one after the other rather than all late together (figures:
docs/benchmarks.md, "2026-12-07 moved from code comments").
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import math
import weakref

import aiohttp
import numpy as np

# A pooled keep-alive connection to a model service can be closed by that
# service just as a request goes out on it; predict is idempotent, so such a
# request is sent again on a fresh connection rather than failing the user's.
CONNECTION_RETRIES = 2


# Items a normal call carries at most: a larger batch is bulk, in parts well under the
# model timeout; half of FACE_MAX_BATCH_SIZE's default, so two normal calls can still
# merge (figures: docs/benchmarks.md, "2026-12-07 moved from code comments").
CALL_ITEMS = 16

#: The deadline (time.monotonic()) of the request this task works for; front/flows/plumbing.py
#: sets it when a request's work starts. Without one, a bulk part waits last.
REQUEST_DEADLINE: contextvars.ContextVar[float] = contextvars.ContextVar(
    "REQUEST_DEADLINE", default=math.inf)


class ModelTimeout(Exception):
    pass


class BulkLane:
    """One holder at a time; waiters go in order of their deadline, then arrival.

    A waiter that is cancelled (its request timed out) leaves the queue; one that
    was handed the lane as it was cancelled hands it on."""

    def __init__(self) -> None:
        self.busy = False
        self.waiting: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def turn(self, deadline: float):
        if self.busy or self.waiting:
            turn = asyncio.get_running_loop().create_future()
            heapq.heappush(self.waiting, (deadline, next(self._order), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():  # handed over, then cancelled
                    self._release()
                raise
        else:
            self.busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        while self.waiting:
            _, _, turn = heapq.heappop(self.waiting)
            if not turn.done():  # a cancelled waiter's future is done: skipped
                turn.set_result(None)  # the lane passes straight on: still busy
                return
        self.busy = False


# one lane per event loop (the front runs one; tests start several)
_LANES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bulk_lane() -> BulkLane:
    loop = asyncio.get_running_loop()
    lane = _LANES.get(loop)
    if lane is None:
        lane = _LANES[loop] = BulkLane()
    return lane


def remote_predict(client, timeout_s: float, bulk_items: int = CALL_ITEMS):
    """An async predict(batch) that calls `client`'s predict; `bulk_items`: the
    items of one part of a bulk call to this service (topology.bulk_items)."""
    async def attempts(batch):
        for attempt in range(CONNECTION_RETRIES + 1):
            try:
                # the client resolves its endpoints on first use, not in __init__
                return await client.to_async.predict(batch)
            except aiohttp.ClientConnectionError:
                if attempt == CONNECTION_RETRIES:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))

    async def call(batch):
        # A killed model worker's socket still accepts connections until the worker
        # is restarted: without a bound the call would wait for the request deadline.
        # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the answer
        # and drops the cancel when its request's deadline cancels it just as the
        # answer arrives, and the request then ran on: a crowd /templates/extract
        # answered 200 after 46.8 s, its deadline 30 s (bench/hostile_load.py).
        try:
            async with asyncio.timeout(timeout_s):
                return await attempts(batch)
        except TimeoutError:
            raise ModelTimeout(f"no answer within {timeout_s:g} s (FACE_MODEL_TIMEOUT_S)") \
                from None

    async def predict(batch):
        if len(batch) <= CALL_ITEMS:
            return await call(batch)
        parts = []
        async with bulk_lane().turn(REQUEST_DEADLINE.get()):
            for start in range(0, len(batch), bulk_items):
                parts.append(await call(batch[start:start + bulk_items]))
        if all(isinstance(part, np.ndarray) for part in parts):
            return np.concatenate(parts)
        return [item for part in parts for item in part]

    return predict
