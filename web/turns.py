"""One running job of a kind per visitor: a second one from the same visitor is refused at once, so that
visitors' jobs can run side by side without one visitor filling every place. No Gradio here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tarjama.inference.errors import LimitExceededError


class OnePerVisitor:
    """Who is running a job of this kind now (thread-safe); ``what`` names the job in the refusal."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._running: set[str] = set()
        self._lock = threading.Lock()

    @contextmanager
    def turn(self, visitor: str) -> Iterator[None]:
        """Hold ``visitor``'s one place for the block; :class:`LimitExceededError` when it is taken."""
        with self._lock:
            if visitor in self._running:
                raise LimitExceededError(f"your previous {self.what} is still running; wait for it to finish")
            self._running.add(visitor)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(visitor)


__all__ = ["OnePerVisitor"]
