"""allocator.py: glibc's thresholds are set, the trimming thread starts once, and 0
turns either off (issue 15)."""

from __future__ import annotations

import threading

import allocator


def test_keep_freed_memory_sets_glibc_thresholds():
    assert allocator.keep_freed_memory(32) is True  # this machine's C library is glibc
    assert allocator.keep_freed_memory(0) is False  # glibc's defaults stay


def test_trim_thread_starts_once_and_not_at_zero():
    assert allocator.trim_every(0) is False
    assert allocator.trim_every(3600) is True
    assert allocator.trim_every(3600) is True
    trimmers = [t for t in threading.enumerate() if t.name == "malloc-trim"]
    assert len(trimmers) == 1 and trimmers[0].daemon
