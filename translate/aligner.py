"""Word alignments of given translations, for carrying inline formatting onto the translated words.

A translation (perhaps from the cache) is aligned to its source by one teacher-forced pass of the model of
that direction (:meth:`~inference.backends.Seq2SeqBackend.align`): the model is made to produce that very
translation and its cross-attention says which source word each output word attends to most. Attention is
a heuristic alignment, not a guarantee; callers check what they get. Alignments are cached like sentences
(task ``align``, keyed by the model, the direction, the source and the translation), so a repeated document
costs no model call at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.inference.alignment import hard_alignment
from tarjama.inference.batching import batches_by_tokens
from tarjama.inference.cache import CacheEntry, cache_key
from tarjama.translate.engine import Translator

TASK = "align"
Alignment = tuple[int, ...]
"""For each word of a translation (split at spaces), the index of the source word it is aligned to."""


def _stored(alignment: Alignment | None) -> str:
    return "" if alignment is None else " ".join(map(str, alignment))


def _read(stored: str) -> Alignment | None:
    return tuple(int(index) for index in stored.split()) if stored else None


def align_sentences(
    translator: Translator,
    sources: Sequence[str],
    translations: Sequence[str],
    *,
    source: str,
    target: str,
) -> list[Alignment | None]:
    """The word alignment of each ``(source sentence, translation)`` pair, by ``translator``'s model for
    ``source`` → ``target``; None for a pair the model cannot align (too long, no words, pieces that do
    not make up the words)."""
    if not sources:
        return []
    ref, model_source = translator.route(source, target)
    texts = [" ".join(sentence.split()) for sentence in sources]
    keys = [
        cache_key(task=TASK, **ref.identity, source=model_source, target=target, text=text, translation=out)
        for text, out in zip(texts, translations, strict=True)
    ]
    cache = translator.cache
    found = cache.get_many(keys) if cache is not None else {}
    first: dict[str, int] = {}  # each pair not in the cache, once
    for index, key in enumerate(keys):
        if key not in found:
            first.setdefault(key, index)
    todo = list(first.values())
    if todo:
        backend = ref.load()
        lengths = backend.token_lengths([texts[i] for i in todo], source=model_source, target=target)
        for batch in batches_by_tokens(lengths, translator.max_batch_tokens):
            pairs = [todo[b] for b in batch]
            hypotheses = backend.align(
                [texts[i] for i in pairs],
                [translations[i] for i in pairs],
                source=model_source,
                target=target,
            )
            entries = [
                CacheEntry(
                    keys[i], _stored(hard_alignment(h, len(texts[i].split()))), TASK, ref.resolved.name
                )
                for i, h in zip(pairs, hypotheses, strict=True)
            ]
            found.update((e.key, e.output) for e in entries)
            if cache is not None:
                cache.put_many(entries)
    return [_read(found[key]) for key in keys]


__all__ = ["Alignment", "align_sentences"]
