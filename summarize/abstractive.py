"""Abstractive summaries through the cached inference layer, with map-reduce for long articles.

An article that fits the model's input is summarised in one call. A longer one is cut into chunks of
whole sentences that each fit (a sentence longer than the limit is cut at clause punctuation, then at
spaces: :func:`translate.segment.split_long`); each chunk is summarised, the chunk summaries are joined
and summarised again, until one call covers everything (map-reduce). Nothing is truncated.

The finished summary of an article is stored in the sentence cache under its own key (task
``summarize-article``), so a rerun needs neither the model nor the chunking; the chunk summaries are
cached as well, so an interrupted run loses nothing already generated.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from inference.cache import CacheEntry, SentenceCache, cache_key
from inference.cached import CachedGenerator
from inference.errors import InvalidInputError, LimitExceededError
from inference.generation import GenerationSettings
from inference.pool import ModelRef
from inference.settings import (
    DEFAULT_SUMMARY_LENGTH_PENALTY,
    DEFAULT_SUMMARY_MAX_ROUNDS,
    DEFAULT_SUMMARY_MAX_TOKENS,
    DEFAULT_SUMMARY_MIN_TOKENS,
    DEFAULT_SUMMARY_NO_REPEAT_NGRAM_SIZE,
    DEFAULT_SUMMARY_REPETITION_PENALTY,
    SUMMARY_TOKENS_PER_SENTENCE,
)
from translate.segment import split_long, split_sentences

TASK = "summarize"
ARTICLE_TASK = "summarize-article"
MIN_SUMMARY_TOKENS = 16
CHUNKING_VERSION = 1  # part of each finished summary's cache key: bump it when chunking or rounds change
Length = Callable[[str], int]


@dataclass(frozen=True)
class AbstractiveResult:
    """A generated summary and how it was made."""

    text: str
    chunks: int  # chunks of the article in the first round (1 when it fitted the model)
    rounds: int  # model passes over the text (1 when it fitted)
    cached: bool  # the whole summary came from the cache


def summary_settings(
    *,
    sentences: int | None = None,
    ratio: float | None = None,
    source_tokens: int | None = None,
    cap: int | None = None,
    beam_size: int = 4,
) -> GenerationSettings:
    """Decoding settings for a summary of ``sentences`` sentences, or ``ratio`` of the source's tokens.

    Without either, the summary is 30–142 tokens (BART-CNN's own range); ``cap`` lowers the maximum.
    Repeated trigrams are banned and repeated tokens penalised (defaults in :mod:`inference.settings`).
    """
    if sentences is not None:
        high = sentences * SUMMARY_TOKENS_PER_SENTENCE
    elif ratio is not None:
        if source_tokens is None:
            raise InvalidInputError("a length ratio needs the number of source tokens")
        high = max(MIN_SUMMARY_TOKENS, math.ceil(ratio * source_tokens))
    else:
        high = DEFAULT_SUMMARY_MAX_TOKENS
    if cap is not None:
        high = max(1, min(high, cap))
    return GenerationSettings(
        beam_size=beam_size,
        max_new_tokens=high,
        min_new_tokens=min(DEFAULT_SUMMARY_MIN_TOKENS, high // 2),
        repetition_penalty=DEFAULT_SUMMARY_REPETITION_PENALTY,
        no_repeat_ngram_size=DEFAULT_SUMMARY_NO_REPEAT_NGRAM_SIZE,
        length_penalty=DEFAULT_SUMMARY_LENGTH_PENALTY,
    )


def chunk_cap(limit: int, chunks: int) -> int:
    """Output tokens for each of ``chunks`` chunk summaries: together they take at most half of one
    input of ``limit`` tokens (the other half absorbs special tokens and re-tokenisation), so the
    next round usually needs a single call, and every round shrinks the text."""
    return max(MIN_SUMMARY_TOKENS, min(DEFAULT_SUMMARY_MAX_TOKENS, limit // (2 * max(2, chunks))))


def pack_chunks(lengths: Sequence[int], limit: int) -> list[list[int]]:
    """Group consecutive item indices so that each group's summed length stays within ``limit``.

    An item longer than ``limit`` travels alone (the caller cuts it first).
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[list[int]] = []
    total = 0
    for index, length in enumerate(lengths):
        if chunks and total + length <= limit:
            chunks[-1].append(index)
            total += length
        else:
            chunks.append([index])
            total = length
    return chunks


def sentence_chunks(sentences: Sequence[str], limit: int, length: Length) -> list[str]:
    """The text cut at sentence ends into pieces of at most ``limit`` units as measured by ``length``.

    Sentences longer than ``limit`` are cut first (:func:`translate.segment.split_long`). Each chunk is
    measured again once joined (tokenizers add special tokens per call, so the sum over-counts slightly;
    a chunk that still comes out too long is halved).
    """
    units = [part for sentence in sentences for part in split_long(sentence, limit, length)]
    chunks: list[str] = []
    for group in pack_chunks([length(u) for u in units], limit):
        stack = [[units[i] for i in group]]
        while stack:
            part = stack.pop()
            if len(part) > 1 and length(" ".join(part)) > limit:
                middle = len(part) // 2
                stack.extend([part[middle:], part[:middle]])
            else:
                chunks.append(" ".join(part))
    return chunks


class AbstractiveSummarizer:
    """Summaries from one seq2seq model, cached; ``limit`` caps the model's own input length."""

    def __init__(
        self,
        model: ModelRef,
        cache: SentenceCache | None,
        *,
        limit: int | None = None,
        max_rounds: int = DEFAULT_SUMMARY_MAX_ROUNDS,
    ) -> None:
        self.model = model
        self.cache = cache
        self.limit = limit
        self.max_rounds = max_rounds
        self.generator = CachedGenerator(model, cache)

    @property
    def name(self) -> str:
        """The model's name as the user gave it (short name, Hub id or folder)."""
        return self.model.resolved.name

    def summarize(
        self,
        sentences: Sequence[str],
        lang: str,
        *,
        sentences_wanted: int | None = None,
        ratio: float | None = None,
        settings: GenerationSettings | None = None,
    ) -> AbstractiveResult:
        """Summarise an article given as its sentences; ``settings`` overrides the length options."""
        text = " ".join(sentences)
        if not text.strip():
            raise InvalidInputError("there is no text to summarize")
        request = {
            "version": CHUNKING_VERSION,
            "sentences": sentences_wanted,
            "ratio": ratio,
            "settings": settings.as_key() if settings is not None else None,
            "limit": self.limit,
            "rounds": self.max_rounds,
        }
        identity = self.model.identity
        article_key = cache_key(task=ARTICLE_TASK, **identity, lang=lang, request=request, text=text)
        if self.cache is not None:
            stored = self.cache.get_many([article_key]).get(article_key)
            if stored is not None:
                data = json.loads(stored)
                return AbstractiveResult(data["text"], data["chunks"], data["rounds"], cached=True)
        result = self._generate(list(sentences), lang, sentences_wanted, ratio, settings)
        if self.cache is not None:
            payload = json.dumps({"text": result.text, "chunks": result.chunks, "rounds": result.rounds})
            self.cache.put_many([CacheEntry(article_key, payload, ARTICLE_TASK, self.name)])
        return result

    def _generate(
        self,
        sentences: list[str],
        lang: str,
        sentences_wanted: int | None,
        ratio: float | None,
        settings: GenerationSettings | None,
    ) -> AbstractiveResult:
        backend = self.model.load()
        limit = min(backend.max_input_tokens, self.limit or backend.max_input_tokens)

        def length(text: str) -> int:
            return backend.token_lengths([text], source=lang, target=lang)[0]

        source_tokens = sum(backend.token_lengths(sentences, source=lang, target=lang))
        final = settings or summary_settings(
            sentences=sentences_wanted, ratio=ratio, source_tokens=source_tokens
        )
        first_chunks = 0
        for round_number in range(1, self.max_rounds + 1):
            chunks = sentence_chunks(sentences, limit, length)
            first_chunks = first_chunks or len(chunks)
            if len(chunks) <= 1:
                outputs = self.generator.generate(chunks, final, task=TASK, source=lang, target=lang)
                text = _trim_sentences(outputs[0].output, lang, sentences_wanted) if outputs else ""
                return AbstractiveResult(text, first_chunks, round_number, cached=False)
            cap = chunk_cap(limit, len(chunks))
            if settings is None:
                each = summary_settings(cap=cap)
            else:
                each = replace(settings, max_new_tokens=min(settings.max_new_tokens or cap, cap))
            outputs = self.generator.generate(chunks, each, task=TASK, source=lang, target=lang)
            sentences = [s for o in outputs for s in split_sentences(o.output, lang)]
        raise LimitExceededError(
            f"the article is still longer than {self.name}'s input after {self.max_rounds} rounds of "
            "chunk summaries; summarise it in parts or with a model that reads longer inputs"
        )


def _trim_sentences(text: str, lang: str, wanted: int | None) -> str:
    """At most ``wanted`` sentences of a generated summary (models overrun a token budget by a clause)."""
    if wanted is None:
        return text
    return " ".join(split_sentences(text, lang)[:wanted])
