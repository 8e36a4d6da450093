"""The cache wrapped around a model: look up, de-duplicate, split, batch, generate, store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tarjama.inference.backends import Seq2SeqBackend
from tarjama.inference.batching import batches_by_tokens
from tarjama.inference.cache import CacheEntry, SentenceCache, cache_key
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.pool import ModelRef
from tarjama.inference.settings import DEFAULT_MAX_BATCH_TOKENS

Progress = Callable[[int, int], None]
BatchHook = Callable[[list[str], list[str]], None]  # on_batch(texts, outputs): a batch just generated
# splitter(text, max_tokens, length) -> parts whose " ".join is text, each within max_tokens if possible
Splitter = Callable[[str, int, Callable[[str], int]], list[str]]


@dataclass(frozen=True)
class Generated:
    """One output, whether it came from the persistent cache, and in how many parts it was made."""

    output: str
    cached: bool
    parts: int = 1


class CachedGenerator:
    """Generates each distinct text once per model, revision, backend and settings.

    The model is loaded only when something is missing from the cache. A text over the model's input
    limit is split by ``splitter`` and its parts' outputs are joined, never truncated. Outputs are
    stored batch by batch, so an interrupted job loses nothing already generated.
    """

    def __init__(
        self,
        model: ModelRef,
        cache: SentenceCache | None,
        *,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        splitter: Splitter | None = None,
        passthrough: Callable[[str], bool] | None = None,
    ) -> None:
        self.model = model
        self.cache = cache
        self.max_batch_tokens = max_batch_tokens
        self.splitter = splitter
        self.passthrough = passthrough

    def key(self, text: str, settings: GenerationSettings, *, task: str, source: str, target: str) -> str:
        """The cache key of one text under these settings."""
        return self.keys([text], settings, task=task, source=source, target=target)[0]

    def keys(
        self, texts: Sequence[str], settings: GenerationSettings, *, task: str, source: str, target: str
    ) -> list[str]:
        """The cache keys of ``texts`` under these settings (what they share is gathered once)."""
        common = {**self.model.identity, "settings": settings.as_key(), "source": source, "target": target}
        return [cache_key(task=task, **common, text=text) for text in texts]

    def generate(
        self,
        texts: Sequence[str],
        settings: GenerationSettings,
        *,
        task: str,
        source: str,
        target: str,
        progress: Progress | None = None,
        on_batch: BatchHook | None = None,
    ) -> list[Generated]:
        """Outputs for ``texts`` in order; ``progress(done, total)`` after each batch, and ``on_batch(texts,
        outputs)`` with the texts it generated (texts or, for a text over the input limit, its parts), so
        that a caller can work on them while the next batches decode."""
        keys = self.keys(texts, settings, task=task, source=source, target=target)
        found = self.cache.get_many(keys) if self.cache is not None else {}
        hits = set(found)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if self.passthrough is not None:
            copies = [
                CacheEntry(k, t, task, self.model.resolved.name)
                for k, t in missing.items()
                if self.passthrough(t)
            ]
            self._store(copies, found)
            for entry in copies:
                del missing[entry.key]
        parts_of: dict[str, list[str]] = {}
        if missing:
            backend = self.model.load()
            parts_of = self._split(backend, missing, source, target)
            part_texts = list(dict.fromkeys(p for parts in parts_of.values() for p in parts))
            part_keys = dict(
                zip(
                    part_texts,
                    self.keys(part_texts, settings, task=task, source=source, target=target),
                    strict=True,
                )
            )
            known = self._generate(
                backend, part_texts, part_keys, settings, task, source, target, progress, set(keys), on_batch
            )
            joined = [
                CacheEntry(k, " ".join(known[part_keys[p]] for p in parts), task, self.model.resolved.name)
                for k, parts in parts_of.items()
                if len(parts) > 1
            ]
            found.update(known)
            self._store(joined, found)
        return [Generated(found[k], k in hits, len(parts_of.get(k, [""]))) for k in keys]

    def _store(self, entries: list[CacheEntry], into: dict[str, str]) -> None:
        into.update((e.key, e.output) for e in entries)
        if self.cache is not None:
            self.cache.put_many(entries)

    def _split(
        self, backend: Seq2SeqBackend, missing: dict[str, str], source: str, target: str
    ) -> dict[str, list[str]]:
        items = list(missing.items())
        lengths = backend.token_lengths([t for _, t in items], source=source, target=target)
        limit = backend.max_input_tokens
        parts: dict[str, list[str]] = {}
        for (key, text), length in zip(items, lengths, strict=True):
            if length <= limit or self.splitter is None:
                parts[key] = [text]
            else:
                parts[key] = self.splitter(
                    text, limit, lambda s: backend.token_lengths([s], source=source, target=target)[0]
                )
        return parts

    def _generate(
        self,
        backend: Seq2SeqBackend,
        texts: list[str],
        keys: dict[str, str],
        settings: GenerationSettings,
        task: str,
        source: str,
        target: str,
        progress: Progress | None,
        looked_up: set[str],
        on_batch: BatchHook | None = None,
    ) -> dict[str, str]:
        new_keys = [k for k in keys.values() if k not in looked_up]  # split parts not yet looked up
        known = self.cache.get_many(new_keys) if self.cache is not None and new_keys else {}
        todo = [t for t in texts if keys[t] not in known]
        lengths = backend.token_lengths(todo, source=source, target=target)
        scheduler = self.model.scheduler
        if scheduler is not None:
            made = scheduler.run(
                backend,
                todo,
                lengths,
                settings,
                source=source,
                target=target,
                max_tokens=self.max_batch_tokens,
            )
        else:
            batches = batches_by_tokens(lengths, self.max_batch_tokens) if todo else []
            outputs_by_batch = backend.generate_batches(
                ([todo[i] for i in batch] for batch in batches), settings, source=source, target=target
            )
            made = zip(batches, outputs_by_batch, strict=True)
        done = 0
        for batch, outputs in made:
            entries = [
                CacheEntry(keys[todo[i]], out, task, self.model.resolved.name)
                for i, out in zip(batch, outputs, strict=True)
            ]
            self._store(entries, known)
            if on_batch is not None:
                on_batch([todo[i] for i in batch], list(outputs))
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
        return known
