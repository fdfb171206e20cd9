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


def test_the_arena_cap_goes_to_the_workers_environment_unless_set(monkeypatch):
    monkeypatch.setenv("FACE_MALLOC_ARENAS", "2")
    environ = {}
    allocator.arenas_for_workers(environ)
    assert environ == {"MALLOC_ARENA_MAX": "2"}
    mine = {"MALLOC_ARENA_MAX": "4"}
    allocator.arenas_for_workers(mine)  # the operator's own value stays
    assert mine == {"MALLOC_ARENA_MAX": "4"}
    monkeypatch.delenv("FACE_MALLOC_ARENAS")
    default = {}
    allocator.arenas_for_workers(default)
    assert default == {"MALLOC_ARENA_MAX": "1"}
    monkeypatch.setenv("FACE_MALLOC_ARENAS", "0")
    off = {}
    allocator.arenas_for_workers(off)  # 0: glibc's own limit
    assert off == {}
