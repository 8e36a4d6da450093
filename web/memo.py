"""Whole answers of ``/translate`` kept for an identical repeat (the fully cached repeat of an article).

A repeat still passes the gate (keys, rate limits) and every parameter check; only then is the answer looked
up. It is kept only when it can be given again unchanged:

- the key is the canonical JSON of the route and every parsed parameter (texts, whether ``q`` was a list,
  source, target, format, model, quality, dialect, the glossary's content hash);
- the answer is stored with the model pool's :meth:`~inference.pool.ModelPool.fingerprint` (each model
  reference's key, resolved revision, backend and precision), taken before and after the translation and
  equal both times; a lookup whose pool differs now (a model dropped, loaded or resolved again) misses;
- every translation it made came whole from the sentence cache (so the same request again would read the
  same sentences), no ``alternatives`` were asked for (they are not cached), and the server has a cache;
- the translations it made are told again to the service's listeners (``/metrics``) on each repeat, as a
  repeat through the cache would.

Bounded by entries and bytes (its bodies and translations' texts; least recently used dropped first). The
memo lives in the server's memory, so another server option is another process with its own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Response
from fastapi.responses import JSONResponse

from tarjama.inference.settings import ANSWER_MEMO_BYTES, ANSWER_MEMO_ENTRIES
from tarjama.translate import Translation

if TYPE_CHECKING:
    from tarjama.web.service import TarjamaService


@dataclass(frozen=True)
class Kept:
    """One kept answer: its body and the translations it made (told again to the listeners)."""

    fingerprint: frozenset[tuple[Any, ...]]
    body: bytes
    heard: tuple[Translation, ...]

    @property
    def size(self) -> int:
        """About what it holds, in bytes: its body and the texts of its translations."""
        texts = sum(len(s.source) + len(s.translation) for t in self.heard for s in t.segments)
        return len(self.body) + 2 * texts


class AnswerMemo:
    """The last answers of one service, keyed by everything that changes them (see the module)."""

    def __init__(
        self, service: TarjamaService, *, entries: int = ANSWER_MEMO_ENTRIES, size: int = ANSWER_MEMO_BYTES
    ) -> None:
        self.service = service
        self.entries = entries
        self.size = size
        self._kept: OrderedDict[str, Kept] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        service.translation_listeners.append(self._heard)

    @staticmethod
    def key(route: str, **params: Any) -> str:
        """The memo key of a request to ``route`` with these parsed parameters."""
        canonical = json.dumps([route, params], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def usable(self) -> bool:
        """Whether answers may be kept: only where outputs come from the sentence cache."""
        return self.entries > 0 and self.service.cache is not None

    def get(self, key: str) -> Response | None:
        """The kept answer for ``key`` (its translations told to the listeners again), else ``None``."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept.fingerprint != self.service.pool.fingerprint():
                self._drop(key)
                return None
            self._kept.move_to_end(key)
        for result in kept.heard:
            self.service.heard(result)
        return Response(kept.body, media_type=JSONResponse.media_type)

    @contextmanager
    def recording(self) -> Iterator[list[Translation]]:
        """Collect the translations this thread makes inside the block (call it inside the worker thread)."""
        made: list[Translation] = []
        self._local.made = made
        try:
            yield made
        finally:
            self._local.made = None

    def run(self, call: Callable[..., Any], *args: Any) -> tuple[Any, tuple[Translation, ...]]:
        """``call(*args)`` and the translations it made (run it in the worker thread)."""
        with self.recording() as made:
            return call(*args), tuple(made)

    def fingerprint(self) -> frozenset[tuple[Any, ...]]:
        """The service's model pool now."""
        return self.service.pool.fingerprint()

    def keep(
        self,
        key: str,
        answer: dict[str, Any],
        heard: tuple[Translation, ...],
        before: frozenset[tuple[Any, ...]],
    ) -> JSONResponse:
        """The response for ``answer``, kept under ``key`` if it can be given again unchanged."""
        response = JSONResponse(answer)
        whole = all(result.stats.cached == result.stats.segments for result in heard)
        kept = Kept(before, bytes(response.body), heard)
        if not whole or before != self.fingerprint() or kept.size > self.size:
            return response
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = kept
            self._bytes += kept.size
            while len(self._kept) > self.entries or self._bytes > self.size:
                self._drop(next(iter(self._kept)))
        return response

    def _heard(self, result: Translation) -> None:
        made = getattr(self._local, "made", None)
        if made is not None:
            made.append(result)

    def _drop(self, key: str) -> None:
        self._bytes -= self._kept.pop(key).size

    def __len__(self) -> int:
        return len(self._kept)


__all__ = ["AnswerMemo", "Kept"]
