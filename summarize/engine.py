"""The summary engine: one class, one entry method, one result dataclass."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from inference.cache import SentenceCache
from inference.errors import InvalidInputError, LimitExceededError
from inference.generation import GenerationSettings
from inference.pool import ModelPool
from inference.registry import DEFAULT_SUMMARY_MODELS, get_spec
from inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_DEVICE,
    DEFAULT_SUMMARY_METHOD,
    DEFAULT_SUMMARY_SENTENCES,
    MAX_INPUT_CHARS,
)
from summarize.abstractive import TASK, AbstractiveSummarizer
from summarize.extractive import ExtractiveOptions, select_sentences, summary_length
from summarize.text import article_sentences
from translate.detect import detect_language
from translate.engine import Translator

LANGUAGES = ("ar", "en")
METHODS = ("extractive", "abstractive")
ORDERS = ("auto", "summarize-first", "translate-first")


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step of one summary."""

    segment: float = 0.0
    summarize: float = 0.0
    translate: float = 0.0
    total: float = 0.0


@dataclass(frozen=True)
class Summary:
    """A summary and what made it.

    ``sentences`` are the sentences chosen (extractive) or generated (abstractive), in the summary's
    language; ``indices`` are the chosen sentences' positions among the article's sentences (extractive,
    same language only). ``model`` is the summarisation model (``None`` for extractive) and
    ``translation_model`` the model that crossed languages (``None`` when ``lang == to``).
    """

    summary: str
    sentences: tuple[str, ...]
    method: str
    model: str | None
    lang: str
    to: str
    timings: Timings
    indices: tuple[int, ...] = ()
    article_sentence_count: int = 0
    chunks: int = 0
    rounds: int = 0
    cached: bool = False
    order: str | None = None
    translation_model: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class _Request:
    """What one ``summarize`` call asks for, besides the text and its languages."""

    method: str
    sentences: int | None
    ratio: float | None
    model: str | None
    settings: GenerationSettings | None


class Summarizer:
    """Extractive (no model) and abstractive summaries of Arabic and English news, in either language.

    ``model`` is the abstractive model (short name, Hub id or folder; ``None`` = the default for the
    article's language) and ``translation_model`` the one used across languages. Models load on first
    use; the sentence cache is opened only when a model is needed (``use_cache=False`` bypasses it).
    ``max_input_tokens`` lowers the model's own input limit (longer articles are chunked). ``method`` is
    the default method of :meth:`summarize`.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        translation_model: str | None = None,
        revision: str | None = None,
        backend: str = DEFAULT_BACKEND,
        device: str = DEFAULT_DEVICE,
        cache: SentenceCache | None = None,
        use_cache: bool = True,
        pool: ModelPool | None = None,
        local_files_only: bool | None = None,
        max_input_tokens: int | None = None,
        extractive_options: ExtractiveOptions | None = None,
        method: str = DEFAULT_SUMMARY_METHOD,
    ) -> None:
        _check_choice("method", method, METHODS)
        self.method = method
        self.model = model
        self.translation_model = translation_model
        self.revision = revision
        self.backend = backend
        self.device = device
        self.use_cache = use_cache
        self.local_files_only = local_files_only
        self.max_input_tokens = max_input_tokens
        self.extractive_options = extractive_options or ExtractiveOptions()
        self._cache = cache
        self._pool = pool
        self._translator: Translator | None = None

    # --- lazily made parts ---------------------------------------------------------------------
    @property
    def cache(self) -> SentenceCache | None:
        """The sentence cache (opened on first use), or ``None`` when caching is off."""
        if self.use_cache and self._cache is None:
            self._cache = SentenceCache.open_default()
        return self._cache if self.use_cache else None

    @property
    def pool(self) -> ModelPool:
        """The models, loaded on first use and shared with the translator."""
        if self._pool is None:
            self._pool = ModelPool(
                backend=self.backend, device=self.device, local_files_only=self.local_files_only
            )
        return self._pool

    @property
    def translator(self) -> Translator:
        """The translator used across languages (same pool and cache)."""
        if self._translator is None:
            self._translator = Translator(
                self.translation_model,
                revision=self.revision,
                cache=self.cache,
                use_cache=self.use_cache,
                pool=self.pool,
            )
        return self._translator

    # --- the entry method ----------------------------------------------------------------------
    def summarize(
        self,
        text: str,
        *,
        lang: str = "auto",
        to: str | None = None,
        method: str | None = None,
        sentences: int | None = None,
        ratio: float | None = None,
        model: str | None = None,
        order: str = "auto",
        settings: GenerationSettings | None = None,
    ) -> Summary:
        """Summarise ``text`` (an article in ``lang``) into ``to`` (default: the same language).

        ``method`` is ``extractive`` or ``abstractive`` (default: the summarizer's ``method``).

        Length: ``sentences`` sentences, or ``ratio`` of the article's sentences (extractive) or tokens
        (abstractive); by default :data:`~inference.settings.DEFAULT_SUMMARY_SENTENCES` sentences
        (extractive) or the model's usual range (abstractive). ``order`` picks how languages are
        crossed: ``summarize-first`` (summarise, then translate the summary) or ``translate-first``;
        ``auto`` summarises in the article's language for the extractive method (the sentences are
        chosen from the original, and only the summary is translated) and in English for the
        abstractive one (the English summarisers are the stronger models).
        """
        started = time.perf_counter()
        if len(text) > MAX_INPUT_CHARS:
            raise LimitExceededError(
                f"the text has {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}"
            )
        if not text.strip():
            raise InvalidInputError("there is no text to summarize")
        method = method or self.method
        _check_choice("method", method, METHODS)
        _check_choice("order", order, ORDERS)
        lang = detect_language(text) if lang == "auto" else lang
        _check_choice("language", lang, LANGUAGES)
        to = to or lang
        _check_choice("summary language", to, LANGUAGES)
        if sentences is not None and ratio is not None:
            raise InvalidInputError("give the length as a number of sentences or as a ratio, not both")
        request = _Request(method, sentences, ratio, model, settings)
        if to == lang:
            result = self._summarize(text, lang, request)
        else:
            result = self._across(text, lang, to, _resolve_order(order, method, to), request)
        return replace(result, timings=replace(result.timings, total=time.perf_counter() - started))

    # --- one language --------------------------------------------------------------------------
    def _summarize(self, text: str, lang: str, request: _Request) -> Summary:
        method, sentences, ratio = request.method, request.sentences, request.ratio
        tick = time.perf_counter()
        article = article_sentences(text, lang)
        if not article.sentences:
            raise InvalidInputError("there is no text to summarize")
        segmented = time.perf_counter()
        if method == "extractive":
            if sentences is None and ratio is None:
                sentences = DEFAULT_SUMMARY_SENTENCES
            count = summary_length(len(article.sentences), sentences=sentences, ratio=ratio)
            indices = select_sentences(article.sentences, lang, count, self.extractive_options)
            chosen = tuple(article.sentences[i] for i in indices)
            done = time.perf_counter()
            return Summary(
                _join(chosen, [article.paragraphs[i] for i in indices]),
                chosen,
                method,
                None,
                lang,
                lang,
                Timings(segment=segmented - tick, summarize=done - segmented),
                indices=tuple(indices),
                article_sentence_count=len(article.sentences),
            )
        name = request.model or self.model or DEFAULT_SUMMARY_MODELS[lang]
        spec = get_spec(name)
        if spec is not None and (spec.task != TASK or lang not in spec.languages):
            raise InvalidInputError(
                f"model {name} does not summarise {lang} text; use {DEFAULT_SUMMARY_MODELS[lang]}"
            )
        engine = AbstractiveSummarizer(
            self.pool.get(name, task=TASK, revision=self.revision), self.cache, limit=self.max_input_tokens
        )
        result = engine.summarize(
            article.sentences, lang, sentences_wanted=sentences, ratio=ratio, settings=request.settings
        )
        done = time.perf_counter()
        generated = article_sentences(result.text, lang).sentences
        return Summary(
            result.text,
            generated,
            method,
            name,
            lang,
            lang,
            Timings(segment=segmented - tick, summarize=done - segmented),
            article_sentence_count=len(article.sentences),
            chunks=result.chunks,
            rounds=result.rounds,
            cached=result.cached,
        )

    # --- across languages ----------------------------------------------------------------------
    def _across(self, text: str, lang: str, to: str, order: str, request: _Request) -> Summary:
        translator = self.translator
        method = request.method
        if order == "summarize-first":
            first = self._summarize(text, lang, request)
            tick = time.perf_counter()
            translation = translator.translate("\n".join(first.sentences), source=lang, target=to)
            spent = time.perf_counter() - tick
            outputs = tuple(segment.translation for segment in translation.segments)
            return replace(
                first,
                summary=" ".join(outputs),
                sentences=outputs,
                method=method,
                to=to,
                timings=Timings(first.timings.segment, first.timings.summarize, spent),
                cached=first.cached and all(s.cached for s in translation.segments),
                order=order,
                translation_model=translation.model,
            )
        tick = time.perf_counter()
        translation = translator.translate(text, source=lang, target=to)
        spent = time.perf_counter() - tick
        second = self._summarize(translation.text, to, request)
        return replace(
            second,
            method=method,
            lang=lang,
            timings=Timings(second.timings.segment, second.timings.summarize, spent),
            indices=(),  # positions in the translation, not in the article
            cached=second.cached and all(s.cached for s in translation.segments),
            order=order,
            translation_model=translation.model,
        )


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InvalidInputError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def _resolve_order(order: str, method: str, to: str) -> str:
    """``auto``: extractive picks from the original; abstractive summarises in English."""
    if order != "auto":
        return order
    if method == "extractive":
        return "summarize-first"
    return "translate-first" if to == "en" else "summarize-first"


def _join(sentences: Sequence[str], paragraphs: Sequence[int]) -> str:
    """Sentences of one paragraph joined by a space, paragraphs by a line break (a headline stays apart)."""
    parts: list[str] = []
    for i, sentence in enumerate(sentences):
        if i:
            parts.append(" " if paragraphs[i] == paragraphs[i - 1] else "\n")
        parts.append(sentence)
    return "".join(parts)
