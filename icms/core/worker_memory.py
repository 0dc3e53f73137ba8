"""A worker child gives back the memory its task freed (issue 16, item 7).

A render (WeasyPrint, pikepdf) peaks well above what a child keeps between tasks.
glibc's ``free`` keeps most of that peak inside the process: freed chunks below the
heap's top stay mapped, so the child's resident size sits at the high-water mark of
every render it has done and steps up whenever one peaks higher. That looks like a
leak, and it makes ``worker_max_memory_per_child`` replace children for memory they
no longer use. ``malloc_trim(0)`` after each task hands the free pages back (about
1.5 ms; measured with bench/worker_memory.py, docs/operations.md "A worker's memory").

Imported by ``icms/celery.py`` before Django is set up: nothing here may import Django.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from typing import Any


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    try:
        libc = ctypes.CDLL(None)  # the C library this interpreter already uses
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    function: Callable[[int], int] = trim
    return function


def freed_memory_release(sender: Any = None, **_kwargs: Any) -> bool:
    """Celery's ``task_postrun`` receiver: return the task's freed memory to the system.

    Skipped for eager tasks (the tests, a web process), where the caller goes on with the
    memory it has. Returns True when memory was trimmed.
    """
    request = getattr(sender, "request", None)
    if getattr(request, "is_eager", False):
        return False
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
