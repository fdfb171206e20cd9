"""Separate, bounded thread pools for the front's blocking work, one per kind.

On one shared pool, slow image_url downloads held every thread and normal photos
waited to be decoded; here a kind of work only waits for its own kind (figures:
docs/benchmarks.md, "2026-12-07 moved from code comments"):

* ``decode`` - image decoding, CPU-bound: one thread per core. Each decode is
  bounded (FACE_MAX_PIXELS, and inputs/budget.py's scan budget for JPEGs).
  Threads rather than a child process per decode: a child's start costs far more
  than a decode.
* ``decode_large`` - images over LARGE_PIXELS (header read first), one thread, so
  large photos never take the threads normal photos decode on.
* ``fetch`` - image_url downloads, waiting on the network: many threads, each
  fetch under its own deadline (inputs/sources.py).
* ``document`` - PDF pages, each rendered by a child process that is killed at
  its time limit (inputs/pdf_worker.py); the thread only waits for it.

Work still queued when its request's deadline passes is dropped before it
starts: `asyncio.wait_for` cancels the awaiting future, and a cancelled future
of a ThreadPoolExecutor never runs. Running work finishes within its own bound.

A decoded large image (a 40 MP photo is a 120 MB array) then stays in memory for
the rest of its request, so at most LARGE_IN_FLIGHT requests hold one at a time
(`large_slots`, taken before the decode, given back when the request ends;
front/flows/plumbing.py); the others wait with their compressed bytes only. When the
last one ends, the freed heap is handed back to the system (`return_memory`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import weakref
from concurrent.futures import ThreadPoolExecutor

import allocator

log = logging.getLogger(__name__)

CORES = os.cpu_count() or 1
SIZES = {
    "decode": max(2, CORES),
    "decode_large": 1,
    # a slow upstream holds a fetch thread for up to FACE_URL_TIMEOUT_S
    "fetch": 16,
    # inputs/imageio.py runs at most min(4, cores) PDF children at once
    "document": max(1, min(4, CORES)),
}
#: Above this many pixels an image decodes on the decode_large pool: a 12 MP
#: phone photo is still a normal one.
LARGE_PIXELS = 16_000_000
#: Requests holding a decoded large image at once: one decoding (decode_large has
#: one thread) while one is analysed; it bounds the front's peak memory (bench/huge_images.py).
LARGE_IN_FLIGHT = 2
_POOLS = {kind: ThreadPoolExecutor(size, thread_name_prefix=f"front-{kind}")
          for kind, size in SIZES.items()}


async def run(kind: str, function, *args):
    """`function(*args)` on `kind`'s pool; cancelling the await drops it if it has
    not started yet."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOLS[kind], functools.partial(function, *args))


class LargeSlots:
    """LARGE_IN_FLIGHT slots; `held` counts the ones taken."""

    def __init__(self, size: int = LARGE_IN_FLIGHT):
        self._semaphore = asyncio.Semaphore(size)
        self.held = 0

    async def take(self) -> "LargeSlots":
        await self._semaphore.acquire()
        self.held += 1  # no await in between: a cancel cannot lose the slot
        return self

    def give_back(self) -> None:
        self.held -= 1
        self._semaphore.release()


def give_back(claim: asyncio.Future) -> int | None:
    """End a request's claim (a task of LargeSlots.take): the slot goes back if it
    was taken, a claim still waiting is cancelled. The slots still held after, or
    None when this claim held none."""
    if not claim.done():
        claim.cancel()
        return None
    if claim.cancelled() or claim.exception() is not None:
        return None
    slots = claim.result()
    slots.give_back()
    return slots.held


# one set of slots per event loop (the front runs one; tests start several)
_SLOTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def large_slots() -> LargeSlots:
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = LargeSlots()
    return slots


def return_memory() -> bool:
    """Give the heap's free pages back to the system (allocator.trim_now): the
    buffers of a large image are freed to the allocator, which otherwise keeps
    them. False where there is no malloc_trim."""
    return allocator.trim_now()
