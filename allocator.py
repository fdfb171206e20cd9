"""glibc malloc's thresholds for the server's processes (and the in-process benchmark).

By default glibc serves each large buffer (a decoded photo, an image on its way to
the detector, Pillow's 16 MiB pixel blocks) from a fresh mmap and returns it to the
system when freed, so the next request's buffer is faulted in again page by page.
Fresh pages are slow on small virtual machines (figures: docs/benchmarks.md, "2026-12-07
moved from code comments").
`keep_freed_memory` makes buffers up to FACE_MALLOC_KEEP_MB come from the heap and
lets that much freed memory stay there for reuse before glibc trims it, so a process
holds at most that much more than it uses. 0 keeps glibc's own behaviour.

What a burst of large requests leaves behind is given back by `trim_every`: every
FACE_MALLOC_TRIM_S seconds a daemon thread calls malloc_trim(0), which returns the
free pages of every arena (not only the top of the heap) to the system.

`arenas_for_workers` caps glibc's malloc arenas at FACE_MALLOC_ARENAS in the processes
`bentoml serve` starts: glibc gives each thread that meets a busy arena one of its own
(up to 8 per core), and what each holds stays apart from the others'. glibc reads the
cap (MALLOC_ARENA_MAX) once, when a process starts, so service.py sets it in the
environment the serving process hands its workers; mallopt in a running worker came
too late: glibc fixes its arena limit when a process first needs a second arena. One
arena holds less memory at the same speed; two kept most of it (figures: docs/benchmarks.md,
"2026-12-07 moved from code comments").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading

import settings

log = logging.getLogger("face_analysis")

# mallopt(3) parameters
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# glibc refuses an mmap threshold above HEAP_MAX_SIZE / 2: 32 MiB on 64-bit systems
MMAP_THRESHOLD_MAX_MB = 32


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def keep_freed_memory(megabytes: int | None = None) -> bool:
    """Apply FACE_MALLOC_KEEP_MB (or `megabytes`) to this process; False where the C
    library is not glibc (e.g. musl) or the value is 0, and nothing changed."""
    if megabytes is None:
        megabytes = int(settings.read("FACE_MALLOC_KEEP_MB"))
    if megabytes <= 0:
        return False
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    size = min(megabytes, MMAP_THRESHOLD_MAX_MB) << 20
    done = mallopt(M_MMAP_THRESHOLD, size) == 1
    done = mallopt(M_TRIM_THRESHOLD, megabytes << 20) == 1 and done
    if not done:
        log.warning("mallopt refused FACE_MALLOC_KEEP_MB=%s; glibc's defaults stay", megabytes)
    return done


def trim_now() -> bool:
    """Give the free pages of every arena back to the system now (malloc_trim(0));
    False where there is no malloc_trim."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return False
    trim(0)
    return True


_trimmer: threading.Thread | None = None


def trim_every(seconds: float | None = None) -> bool:
    """Start (once per process) the daemon thread that gives freed memory back every
    FACE_MALLOC_TRIM_S seconds; False where there is no malloc_trim or it is 0."""
    global _trimmer
    if seconds is None:
        seconds = float(settings.read("FACE_MALLOC_TRIM_S"))
    trim = getattr(_libc(), "malloc_trim", None)
    if seconds <= 0 or trim is None:
        return False
    if _trimmer is None:
        def loop():
            while True:
                threading.Event().wait(seconds)
                trim(0)

        _trimmer = threading.Thread(target=loop, name="malloc-trim", daemon=True)
        _trimmer.start()
    return True


def arenas_for_workers(environ=os.environ) -> None:
    """MALLOC_ARENA_MAX=FACE_MALLOC_ARENAS in `environ` (the environment the processes
    started from here inherit), unless it is set there already or the setting is 0."""
    arenas = int(settings.read("FACE_MALLOC_ARENAS"))
    if arenas > 0:
        environ.setdefault("MALLOC_ARENA_MAX", str(arenas))


def tune() -> None:
    """Both, for a server process at start (service.py, model_services.py)."""
    keep_freed_memory()
    trim_every()
