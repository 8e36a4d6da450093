"""Models resolved cheaply, loaded lazily and once, and shared: the pool behind every engine."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tarjama.inference.backends import BackendChoice, Seq2SeqBackend, choose_backend, load_backend
from tarjama.inference.hub import ResolvedModel, resolve_model
from tarjama.inference.registry import Task
from tarjama.inference.settings import DEFAULT_BACKEND, DEFAULT_DEVICE

if TYPE_CHECKING:
    from tarjama.inference.scheduler import BatchScheduler

LoadListener = Callable[[str, float], None]  # (model name, seconds spent loading it)


class ModelRef:
    """A model whose identity is known (for cache keys) but whose weights load only on first need."""

    def __init__(
        self,
        resolved: ResolvedModel,
        choice: BackendChoice,
        *,
        threads: int | None = None,
        scheduler: BatchScheduler | None = None,
        on_load: LoadListener | None = None,
    ) -> None:
        self.resolved = resolved
        self.choice = choice
        self.threads = threads  # CPU threads when loaded; None = inference.backends.resolve_threads()
        self.scheduler = scheduler  # shares model calls with other requests; None = each caller calls alone
        self.on_load = on_load
        self._backend: Seq2SeqBackend | None = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> dict[str, Any]:
        """What distinguishes this model's outputs: name, revision, backend and precision."""
        return {
            "model": self.resolved.name,
            "revision": self.resolved.revision,
            "backend": self.choice.name,
            "quantization": self.choice.quantization,
        }

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    @property
    def loading(self) -> bool:
        """True while the weights are being loaded (the first caller holds the lock until they are)."""
        return self._backend is None and self._lock.locked()

    def load(self) -> Seq2SeqBackend:
        """The backend, loading the weights the first time."""
        with self._lock:
            if self._backend is None:
                started = time.perf_counter()
                self._backend = load_backend(self.resolved, self.choice, threads=self.threads)
                if self.on_load is not None:
                    self.on_load(self.resolved.name, time.perf_counter() - started)
            return self._backend


class ModelPool:
    """Model references keyed by name, revision and task; the least recently used is dropped first.

    Thread-safe: the web UI shares one pool between all visitors. With a ``scheduler``, every model call
    through this pool's references shares batches with concurrent callers; ``on_load`` hears of each load.
    """

    def __init__(
        self,
        *,
        backend: str = DEFAULT_BACKEND,
        device: str = DEFAULT_DEVICE,
        local_files_only: bool | None = None,
        max_loaded: int = 2,
        quantization: str | None = None,
        threads: int | None = None,
        scheduler: BatchScheduler | None = None,
        on_load: LoadListener | None = None,
    ) -> None:
        self.choice = choose_backend(backend, device, quantization)
        self.threads = threads
        self.scheduler = scheduler
        self.on_load = on_load
        self.local_files_only = local_files_only
        self.max_loaded = max(1, max_loaded)
        self._refs: OrderedDict[tuple[str, str | None, Task], ModelRef] = OrderedDict()
        self._lock = threading.Lock()

    def loaded_models(self) -> list[str]:
        """The names of the models whose weights are in memory now."""
        with self._lock:
            return [ref.resolved.name for ref in self._refs.values() if ref.loaded]

    def loading_models(self) -> list[str]:
        """The names of the models whose weights are being loaded now."""
        with self._lock:
            return [ref.resolved.name for ref in self._refs.values() if ref.loading]

    def fingerprint(self) -> frozenset[tuple[Any, ...]]:
        """What each model reference in the pool is now (its key and resolved identity): a change means a
        model was dropped, added or resolved again, so an answer kept from before may be stale."""
        with self._lock:
            return frozenset((*key, *ref.identity.values()) for key, ref in self._refs.items())

    def get(self, name: str, *, task: Task, revision: str | None = None) -> ModelRef:
        """A reference to ``name``; resolving it may raise ``ModelUnavailableError``."""
        key = (name, revision, task)
        with self._lock:
            if key in self._refs:
                self._refs.move_to_end(key)
                return self._refs[key]
        resolved = resolve_model(name, task=task, revision=revision, local_files_only=self.local_files_only)
        with self._lock:
            ref = self._refs.setdefault(
                key,
                ModelRef(
                    resolved,
                    self.choice,
                    threads=self.threads,
                    scheduler=self.scheduler,
                    on_load=self.on_load,
                ),
            )
            self._refs.move_to_end(key)
            while len(self._refs) > self.max_loaded:
                self._refs.popitem(last=False)
            return ref
