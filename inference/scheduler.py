"""Cross-request batching: sentences waiting from every request for one model and settings share batches.

A server gives all its requests one :class:`BatchScheduler` (through its :class:`~inference.pool.ModelPool`).
A request's uncached sentences join the lane of their model, settings and direction; one worker thread per
busy lane collects for ``window`` seconds, then cuts batches by token budget as
:func:`inference.batching.batches_by_tokens` does, taking one sentence from each waiting request in turn, so
a long article never starves a one-sentence request. Each request gets its outputs back batch by batch in
its own thread. At most ``concurrency`` model calls run at once, whichever lanes they come from.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from tarjama.inference.backends import Seq2SeqBackend
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.settings import DEFAULT_BATCH_WINDOW_MS, DEFAULT_CONCURRENCY, DEFAULT_MAX_BATCH_TOKENS

Done = tuple[list[int], list[str]]  # indices into a request's texts, and their outputs


@dataclass(frozen=True)
class BatchEvent:
    """One model call: whose sentences it held, its padded size and how long its sentences waited."""

    model: str
    requests: tuple[int, ...]  # the request id of each sentence, in batch order
    tokens: int  # padded source tokens: sentences × the longest
    waited: tuple[float, ...]  # seconds each sentence spent in the queue
    seconds: float  # the model call itself


Listener = Callable[[BatchEvent], None]


@dataclass(eq=False)
class _Request:
    id: int
    pending: deque[tuple[int, str, int]]  # (index, text, tokens), longest first
    queued: float
    results: queue.SimpleQueue[Done | BaseException] = field(default_factory=queue.SimpleQueue)
    cancelled: bool = False


@dataclass(frozen=True)
class _LaneKey:
    backend: int  # id() of the loaded backend: one lane per loaded model
    settings: GenerationSettings
    source: str
    target: str
    max_tokens: int


@dataclass(eq=False)
class _Lane:
    backend: Seq2SeqBackend
    waiting: deque[_Request] = field(default_factory=deque)  # requests with pending sentences, in turn


class BatchScheduler:
    """Shares model calls between concurrent requests; thread-safe, no threads while idle.

    ``window`` is how long (seconds) a lane waits for more requests before its first batch;
    ``listeners`` are called after each model call (from the worker thread) with a :class:`BatchEvent`.
    """

    def __init__(
        self,
        *,
        window: float = DEFAULT_BATCH_WINDOW_MS / 1000,
        concurrency: int = DEFAULT_CONCURRENCY,
        listeners: Sequence[Listener] = (),
    ) -> None:
        if window < 0:
            raise ValueError("window must not be negative")
        self.window = window
        self.listeners = list(listeners)
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lanes: dict[_LaneKey, _Lane] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the ``concurrency`` model slots, for model work that does not go through a lane."""
        with self._slots:
            yield

    def queue_depth(self) -> int:
        """Sentences waiting for a model call, all lanes together."""
        with self._lock:
            return sum(len(r.pending) for lane in self._lanes.values() for r in lane.waiting)

    def run(
        self,
        backend: Seq2SeqBackend,
        texts: Sequence[str],
        lengths: Sequence[int],
        settings: GenerationSettings,
        *,
        source: str,
        target: str,
        max_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
    ) -> Iterator[Done]:
        """Outputs of ``texts`` (of ``lengths`` tokens) as their batches finish: ``(indices, outputs)``.

        A model error is raised here, in the caller's thread; closing the iterator early withdraws the
        sentences still waiting.
        """
        if max_tokens < 1:
            raise ValueError("max_tokens must be positive")
        if not texts:
            return
        order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))
        request = _Request(next(self._ids), deque((i, texts[i], lengths[i]) for i in order), time.monotonic())
        key = _LaneKey(id(backend), settings, source, target, max_tokens)
        with self._lock:
            lane = self._lanes.get(key)
            start = lane is None
            if lane is None:
                lane = self._lanes[key] = _Lane(backend)
            lane.waiting.append(request)
        if start:
            threading.Thread(target=self._work, args=(key, lane), daemon=True, name="tarjama-batch").start()
        remaining = len(texts)
        try:
            while remaining:
                done = request.results.get()
                if isinstance(done, BaseException):
                    raise done
                remaining -= len(done[0])
                yield done
        finally:
            with self._lock:
                request.cancelled = True
                request.pending.clear()

    def _work(self, key: _LaneKey, lane: _Lane) -> None:
        """One lane's worker: batches until no request waits, then the lane is closed."""
        time.sleep(self.window)
        try:
            while True:
                with self._lock:
                    batch = self._cut(lane, key.max_tokens)
                    if not batch:
                        del self._lanes[key]
                        return
                self._call(key, lane.backend, batch)
        except BaseException as exc:  # a failing listener: no request may wait on a lane with no worker
            with self._lock:
                self._lanes.pop(key, None)
                for request in lane.waiting:
                    request.results.put(exc)
            raise

    def _cut(self, lane: _Lane, max_tokens: int) -> list[tuple[_Request, int, str, int]]:
        """The next batch: one sentence from each waiting request in turn while the padded size fits."""
        batch: list[tuple[_Request, int, str, int]] = []
        longest = 0
        while lane.waiting:
            request = lane.waiting[0]
            if request.cancelled or not request.pending:
                lane.waiting.popleft()
                continue
            index, text, length = request.pending[0]
            size = max(1, length)
            if batch and (len(batch) + 1) * max(longest, size) > max_tokens:
                break
            request.pending.popleft()
            batch.append((request, index, text, length))
            longest = max(longest, size)
            if request.pending:
                lane.waiting.rotate(-1)
            else:
                lane.waiting.popleft()
        return batch

    def _call(
        self, key: _LaneKey, backend: Seq2SeqBackend, batch: list[tuple[_Request, int, str, int]]
    ) -> None:
        """Run one batch and hand each request its part, or the error."""
        dequeued = time.monotonic()
        with self._slots:
            started = time.monotonic()
            try:
                outputs = backend.generate(
                    [text for _, _, text, _ in batch], key.settings, source=key.source, target=key.target
                )
            except Exception as exc:  # handed to every request in the batch, raised in its thread
                self._fail(batch, exc)
                return
            seconds = time.monotonic() - started
        parts: dict[int, tuple[_Request, list[int], list[str]]] = {}
        for (request, index, _, _), output in zip(batch, outputs, strict=True):
            part = parts.setdefault(request.id, (request, [], []))
            part[1].append(index)
            part[2].append(output)
        for request, indices, texts in parts.values():
            request.results.put((indices, texts))
        event = BatchEvent(
            model=backend.model_id,
            requests=tuple(request.id for request, _, _, _ in batch),
            tokens=len(batch) * max(max(1, length) for _, _, _, length in batch),
            waited=tuple(dequeued - request.queued for request, _, _, _ in batch),
            seconds=seconds,
        )
        for listener in self.listeners:
            listener(event)

    def _fail(self, batch: list[tuple[_Request, int, str, int]], exc: Exception) -> None:
        with self._lock:
            for request in {id(r): r for r, _, _, _ in batch}.values():
                request.cancelled = True
                request.pending.clear()
                request.results.put(exc)


__all__ = ["BatchEvent", "BatchScheduler", "Listener"]
