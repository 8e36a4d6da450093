"""Recording what a loaded backend is asked to decode, without changing what it does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pytest


def record_batches(backend: Any, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The texts of each batch ``backend.generate_batches`` is handed from now on, in order."""
    calls: list[list[str]] = []
    original = backend.generate_batches

    def recording(batches: Iterable[Sequence[str]], *args: Any, **kwargs: Any) -> Iterator[list[str]]:
        def seen() -> Iterator[Sequence[str]]:
            for batch in batches:
                calls.append(list(batch))
                yield batch

        return original(seen(), *args, **kwargs)

    monkeypatch.setattr(backend, "generate_batches", recording)
    return calls
