"""A worker child hands back the memory its task freed (icms/core/worker_memory.py)."""

from __future__ import annotations

import ctypes
import weakref
from types import SimpleNamespace

import pytest
from celery import signals

from icms.celery import app
from icms.core.worker_memory import _malloc_trim, freed_memory_release

glibc_only = pytest.mark.skipif(_malloc_trim() is None, reason="malloc_trim is glibc's")


def _rss_anon_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    raise AssertionError("no RssAnon")


def test_the_release_runs_after_every_task_of_the_portals_app() -> None:
    assert app.main == "icms"
    receivers = [r() if isinstance(r, weakref.ReferenceType) else r for _key, r in signals.task_postrun.receivers]
    assert freed_memory_release in receivers


def test_an_eager_task_keeps_its_memory() -> None:
    assert freed_memory_release(sender=SimpleNamespace(request=SimpleNamespace(is_eager=True))) is False


@glibc_only
def test_memory_freed_below_the_heaps_top_goes_back_to_the_system() -> None:
    # 64 MiB in 1 KiB blocks (malloc's heap, not pymalloc's arenas nor mmap), then one
    # block above them that stays: free() alone cannot shrink the heap past it.
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(1024) for _ in range(65536)]
    for block in blocks:
        ctypes.memset(block, 1, 1024)
    pinned = libc.malloc(1024)
    for block in blocks:
        libc.free(block)
    kept = _rss_anon_kib()

    assert freed_memory_release(sender=SimpleNamespace(request=SimpleNamespace(is_eager=False))) is True

    assert kept - _rss_anon_kib() > 32 * 1024
    libc.free(pinned)
