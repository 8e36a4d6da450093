"""Abstractive summaries through the cached inference layer, with map-reduce for long articles.

An article that fits the model's input is summarised in one call. A longer one is cut into chunks of
whole sentences that each fit (a sentence longer than the limit is cut at clause punctuation, then at
spaces: :func:`translate.segment.split_long`); each chunk is summarised, the chunk summaries are joined
and summarised again, until one call covers everything (map-reduce). Nothing is truncated.

The finished summary of an article is stored in the sentence cache under its own key (task
``summarize-article``), so a rerun needs neither the model nor the chunking; the chunk summaries are
cached as well, so an interrupted run loses nothing already generated.

Many articles are summarised together (:meth:`AbstractiveSummarizer.summarize_many`): their rounds run
in lockstep, so the chunks of all of them share the model's length-sorted batches.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from tarjama.inference.cache import CacheEntry, SentenceCache, cache_key
from tarjama.inference.cached import CachedGenerator
from tarjama.inference.errors import InvalidInputError, LimitExceededError, TarjamaError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.pool import ModelRef
from tarjama.inference.settings import (
    DEFAULT_SUMMARY_LENGTH_PENALTY,
    DEFAULT_SUMMARY_MAX_ROUNDS,
    DEFAULT_SUMMARY_MAX_TOKENS,
    DEFAULT_SUMMARY_MIN_TOKENS,
    DEFAULT_SUMMARY_NO_REPEAT_NGRAM_SIZE,
    DEFAULT_SUMMARY_REPETITION_PENALTY,
    SUMMARY_TOKENS_PER_SENTENCE,
)
from tarjama.translate.segment import split_long, split_sentences

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
        result = self.summarize_many(
            [sentences], lang, sentences_wanted=sentences_wanted, ratio=ratio, settings=settings
        )[0]
        if isinstance(result, TarjamaError):
            raise result
        return result

    def summarize_many(
        self,
        articles: Sequence[Sequence[str]],
        lang: str,
        *,
        sentences_wanted: int | None = None,
        ratio: float | None = None,
        settings: GenerationSettings | None = None,
    ) -> list[AbstractiveResult | TarjamaError]:
        """Summaries of ``articles`` (each given as its sentences), in order, each as :meth:`summarize`
        would make it alone; an article that cannot be summarised gets its error in its place.

        Finished summaries are looked up in the cache all at once. The others run the map-reduce rounds
        in lockstep: in each round, the chunks of every unfinished article that share decoding settings
        go to the model in one :meth:`CachedGenerator.generate` call, batched by length across articles.
        An article with a chunk so short that its output cap would depend on its batch neighbours
        (:func:`_cap_is_fixed`) gets a call of its own, as it would alone. Identical articles are
        summarised once (both report ``cached=False``).

        The outputs are those of one-by-one calls as far as the backend's arithmetic is independent of
        the batch: measured so in float32 (transformers, CTranslate2 ``float32``); CTranslate2's int8
        decoding is not, and a few summaries can come out differently than alone (on a random 512-wide
        BART, 2 of 12), as the chunks of one article or the sentences of a translation already can.
        """
        request = {
            "version": CHUNKING_VERSION,
            "sentences": sentences_wanted,
            "ratio": ratio,
            "settings": settings.as_key() if settings is not None else None,
            "limit": self.limit,
            "rounds": self.max_rounds,
        }
        results: dict[int, AbstractiveResult | TarjamaError] = {}
        places: dict[str, list[int]] = {}  # article key -> positions of the articles with that key
        for index, sentences in enumerate(articles):
            text = " ".join(sentences)
            if not text.strip():
                results[index] = InvalidInputError("there is no text to summarize")
                continue
            key = cache_key(task=ARTICLE_TASK, **self.model.identity, lang=lang, request=request, text=text)
            places.setdefault(key, []).append(index)
        stored = self.cache.get_many(list(places)) if self.cache is not None and places else {}
        for key, payload in stored.items():
            data = json.loads(payload)
            for index in places[key]:
                results[index] = AbstractiveResult(data["text"], data["chunks"], data["rounds"], cached=True)
        todo = {key: list(articles[spots[0]]) for key, spots in places.items() if key not in stored}
        rounds = self._rounds(todo, lang, sentences_wanted, ratio, settings) if todo else iter(())
        for finished in rounds:
            entries = [
                CacheEntry(key, _payload(result), ARTICLE_TASK, self.name)
                for key, result in finished.items()
                if isinstance(result, AbstractiveResult)
            ]
            if self.cache is not None and entries:
                self.cache.put_many(entries)
            for key, result in finished.items():
                for index in places[key]:
                    results[index] = result
        return [results[index] for index in range(len(articles))]

    def _rounds(
        self,
        todo: dict[str, list[str]],
        lang: str,
        sentences_wanted: int | None,
        ratio: float | None,
        settings: GenerationSettings | None,
    ) -> Iterator[dict[str, AbstractiveResult | TarjamaError]]:
        """The articles of ``todo`` (key -> sentences) summarised round by round: yields after each round
        the articles it finished, then those still too long after the last round, with their error."""
        backend = self.model.load()
        limit = min(backend.max_input_tokens, self.limit or backend.max_input_tokens)

        def length(text: str) -> int:
            return backend.token_lengths([text], source=lang, target=lang)[0]

        finals: dict[str, GenerationSettings] = {}
        for key, sentences in todo.items():
            source_tokens = None
            if settings is None and sentences_wanted is None and ratio is not None:
                source_tokens = sum(backend.token_lengths(sentences, source=lang, target=lang))
            finals[key] = settings or summary_settings(
                sentences=sentences_wanted, ratio=ratio, source_tokens=source_tokens
            )
        first_chunks: dict[str, int] = {}
        active = dict(todo)
        for round_number in range(1, self.max_rounds + 1):
            # articles whose chunks' output caps depend on their batch neighbours get a call of their own
            calls: dict[tuple[GenerationSettings, str], list[tuple[str, list[str]]]] = {}
            for key, sentences in active.items():
                chunks = sentence_chunks(sentences, limit, length)
                first_chunks.setdefault(key, len(chunks))
                each = finals[key] if len(chunks) <= 1 else _chunk_settings(settings, limit, len(chunks))
                lengths = backend.token_lengths(chunks, source=lang, target=lang)
                shared = all(_cap_is_fixed(each, n) for n in lengths)
                calls.setdefault((each, "" if shared else key), []).append((key, chunks))
            finished: dict[str, AbstractiveResult | TarjamaError] = {}
            for (each, _), members in calls.items():
                texts = [chunk for _, chunks in members for chunk in chunks]
                outputs = iter(self.generator.generate(texts, each, task=TASK, source=lang, target=lang))
                for key, chunks in members:
                    mine = [next(outputs).output for _ in chunks]
                    if len(chunks) > 1:
                        active[key] = [s for output in mine for s in split_sentences(output, lang)]
                        continue
                    text = _trim_sentences(mine[0], lang, sentences_wanted) if mine else ""
                    finished[key] = AbstractiveResult(text, first_chunks[key], round_number, cached=False)
                    del active[key]
            yield finished
            if not active:
                return
        message = (
            f"the article is still longer than {self.name}'s input after {self.max_rounds} rounds of "
            "chunk summaries; summarise it in parts or with a model that reads longer inputs"
        )
        yield {key: LimitExceededError(message) for key in active}


def _chunk_settings(settings: GenerationSettings | None, limit: int, chunks: int) -> GenerationSettings:
    """Decoding settings for each of ``chunks`` chunk summaries (``settings`` = the caller's override)."""
    cap = chunk_cap(limit, chunks)
    if settings is None:
        return summary_settings(cap=cap)
    return replace(settings, max_new_tokens=min(settings.max_new_tokens or cap, cap))


def _cap_is_fixed(settings: GenerationSettings, tokens: int) -> bool:
    """Whether a text of ``tokens`` source tokens gets the same output cap in any batch.

    The backends cap a whole batch's outputs by its longest text (``max_length_ratio`` × tokens +
    ``length_slack``, at most ``max_new_tokens``), so a short text's cap, and its summary, grows with
    longer neighbours; a text long enough to reach ``max_new_tokens`` alone gets it in any batch.
    """
    if settings.max_new_tokens is None:
        return False
    return math.ceil(tokens * settings.max_length_ratio) + settings.length_slack >= settings.max_new_tokens


def _payload(result: AbstractiveResult) -> str:
    """A finished summary as stored in the cache."""
    return json.dumps({"text": result.text, "chunks": result.chunks, "rounds": result.rounds})


def _trim_sentences(text: str, lang: str, wanted: int | None) -> str:
    """At most ``wanted`` sentences of a generated summary (models overrun a token budget by a clause)."""
    if wanted is None:
        return text
    return " ".join(split_sentences(text, lang)[:wanted])
