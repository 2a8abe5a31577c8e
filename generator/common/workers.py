"""Sharing CPU-bound work out to forked worker processes.

Forked, not spawned: a worker inherits the parent's data (the knowledge base, MkDocs'
pages) instead of receiving a pickled copy, so only each item's result crosses processes.
Where the platform cannot fork (Windows), the work runs in the calling process.

A worker that dies (the system's out-of-memory killer, say) fails the run at once with
`WorkerDied`: `concurrent.futures` notices a child that is gone, where
`multiprocessing.Pool` would wait for its results for ever.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import TypeVar

from .errors import FactsheetsError

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerDied(FactsheetsError):
    """A worker process ended before it sent its results."""

    exit_code = 1


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


class Workers:
    """Forked worker processes working for one stage of a run (`stage` names it in the
    error a dead worker causes, followed by `consequence`)."""

    def __init__(self, workers: int, stage: str, consequence: str) -> None:
        self._stage = stage
        self._consequence = consequence
        self._executor = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork")
        )
        # Frozen objects are left alone by the workers' garbage collector, which would
        # otherwise touch, and so copy, most of the parent's memory.
        gc.freeze()
        try:
            # With fork, the first task forks every worker, here and now: while the
            # caller's data for them is in place (and frozen).
            self._executor.submit(int)
        except OSError as error:  # the system's limit on processes, or memory
            self._executor.shutdown(wait=False, cancel_futures=True)
            raise FactsheetsError(
                f"could not start the worker processes of {stage}: {error.strerror}; {consequence}"
            ) from None
        finally:
            gc.unfreeze()
        # Kept to tell how a worker died: the executor forgets its workers once one has.
        self._processes: list[BaseProcess] = list(
            getattr(self._executor, "_processes", {}).values()
        )

    def map(
        self, function: Callable[[Item], Result], items: Iterable[Item], chunksize: int = 1
    ) -> Iterator[Result]:
        """`function` of each item, in order, as the workers return them (in chunks of
        `chunksize` items, each sent to a worker at once), as `Pool.imap` does."""
        results = self._executor.map(function, items, chunksize=chunksize)
        while True:
            try:
                result = next(results)
            except StopIteration:
                return
            except BrokenProcessPool:
                raise self._died() from None
            yield result

    def close(self) -> None:
        """Stops the workers, at once, whatever they are doing."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in self._processes:
            with contextlib.suppress(OSError, ValueError):  # already gone
                process.terminate()
        self._executor.shutdown(wait=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self._executor.shutdown(wait=True)  # every task is done: the workers just exit
        else:
            self.close()

    def _died(self) -> WorkerDied:
        for process in self._processes:
            process.join(1)  # the executor has ended the others: reap them all
        codes = [process.exitcode for process in self._processes]
        for _ in range(20):
            if all(code is not None for code in codes):
                break
            # The executor's own thread may have reaped a worker a moment before us, and
            # not yet recorded how it ended: look again.
            time.sleep(0.05)
            codes = [process.exitcode for process in self._processes]
        # The others were ended by the executor, with SIGTERM, once it saw one gone.
        own = [code for code in codes if code is not None and code != -signal.SIGTERM]
        code = own[0] if own else (-signal.SIGTERM if -signal.SIGTERM in codes else None)
        if code is None:
            how = "it ended abruptly"
        elif code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else "?"
            memory = ": out of memory?" if -code == signal.SIGKILL else ""
            how = f"killed by signal {-code}, {name}{memory}"
        elif code == 0:
            how = "it exited before it was done"
        else:
            how = f"it exited with status {code}"
        return WorkerDied(f"a worker process of {self._stage} died ({how}); {self._consequence}")


def fork_pool(workers: int, stage: str, consequence: str = "nothing was written") -> Workers:
    """`workers` forked processes working for `stage` (e.g. "rendering pages")."""
    return Workers(workers, stage, consequence)
