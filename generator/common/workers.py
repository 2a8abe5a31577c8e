"""Sharing CPU-bound work out to forked worker processes.

Forked, not spawned: a worker inherits the parent's data (the knowledge base, MkDocs'
pages) instead of receiving a pickled copy, so only each item's result crosses processes.
Where the platform cannot fork (Windows), the work runs in the calling process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from multiprocessing.pool import Pool


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def count(items: int, minimum: int) -> int:
    """How many workers to fork for this many items; 1 means none, because there are
    fewer than `minimum` (forking would cost more than it saves) or no fork."""
    if items < minimum or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return usable_cores()


def fork_pool(workers: int) -> Pool:
    """A pool of `workers` forked processes."""
    # Frozen objects are left alone by the workers' garbage collector, which would
    # otherwise touch, and so copy, most of the parent's memory.
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(workers)
    finally:
        gc.unfreeze()
