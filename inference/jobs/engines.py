"""The local engine: groups of records run in this process, or in a pool of worker processes that end
when their parent ends, however it ends (``kill -9`` included)."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from logging.handlers import QueueHandler, QueueListener
from multiprocessing import get_context
from multiprocessing.queues import Queue

from tarjama.inference.errors import TarjamaError
from tarjama.inference.jobs.records import Record
from tarjama.inference.jobs.task import GroupResult, JobTask

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 0.5  # how often a worker checks that its parent is alive
IN_FLIGHT_PER_WORKER = 4  # groups queued per worker: enough to keep it busy, little lost to a kill
LIBRARY_LOGGER = "tarjama.inference"  # the workers' notices (a failing cache) go to the parent's logger


def groups(records: Sequence[Record], size: int) -> Iterator[list[Record]]:
    """``records`` in order, ``size`` at a time."""
    return (list(records[i : i + size]) for i in range(0, len(records), size))


def local_results(todo: Sequence[Record], task: JobTask, workers: int) -> Iterator[GroupResult]:
    """Results for ``todo`` in input order, group by group: in this process for one worker, else from a
    pool of ``workers`` processes."""
    if workers == 1:
        return (task.run(group) for group in groups(todo, task.group_size))
    return _pool_results(todo, task, workers)


class OnceToParent(logging.Handler):
    """Hands the workers' log records to this process's loggers, each distinct message once: N workers
    that meet the same broken cache tell the user once, as the parent itself would."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[tuple[str, int, str]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        """Log ``record`` here unless the same message was already logged."""
        key = (record.name, record.levelno, record.getMessage())
        if key not in self._seen:
            self._seen.add(key)
            logging.getLogger(record.name).handle(record)


def _pool_results(todo: Sequence[Record], task: JobTask, workers: int) -> Iterator[GroupResult]:
    pending: deque[Future[GroupResult]] = deque()
    context = get_context("spawn")
    notices: Queue[logging.LogRecord] = context.Queue()
    listener = QueueListener(notices, OnceToParent())
    listener.start()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=start_worker, initargs=(os.getpid(), notices),
    )  # fmt: skip
    try:
        for group in groups(todo, task.group_size):
            pending.append(pool.submit(task.run, group))
            if len(pending) >= IN_FLIGHT_PER_WORKER * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        raise TarjamaError(
            "a worker process died (out of memory, or killed); run the same command again to go on, "
            "with fewer --workers if memory is short"
        ) from None
    finally:  # on an error (a full disk) the queued groups are dropped, not waited for
        pool.shutdown(wait=True, cancel_futures=True)
        listener.stop()


def start_worker(parent: int, notices: Queue[logging.LogRecord]) -> None:
    """A pool worker's start: it ends with ``parent`` (:func:`end_with_parent`) and its library notices go
    to the parent through ``notices``."""
    end_with_parent(parent)
    library = logging.getLogger(LIBRARY_LOGGER)
    library.addHandler(QueueHandler(notices))
    library.propagate = False


def end_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent`` ends: the kernel kills it (Linux's parent-death
    signal) and, everywhere, a watchdog thread exits when the parent is gone."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    threading.Thread(target=_watch, args=(parent,), name="tarjama-parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
