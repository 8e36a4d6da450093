"""The summary engine: one class, two entry methods (one text, many texts), one result dataclass."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tarjama.inference.arabic import arabic_ratio
from tarjama.inference.cache import SentenceCache
from tarjama.inference.errors import InvalidInputError, LimitExceededError, TarjamaError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.pool import ModelPool
from tarjama.inference.registry import DEFAULT_SUMMARY_MODELS, get_spec
from tarjama.inference.settings import (
    DEFAULT_BACKEND,
    DEFAULT_DEVICE,
    DEFAULT_SUMMARY_METHOD,
    LANGID_REFUSE_CONFIDENCE,
    MAX_INPUT_CHARS,
)
from tarjama.summarize.abstractive import TASK, AbstractiveSummarizer
from tarjama.summarize.extractive import ExtractiveOptions
from tarjama.summarize.summary import Summary, Timings, extractive_summary
from tarjama.summarize.text import ArticleSentences, article_sentences
from tarjama.translate.detect import identify
from tarjama.translate.engine import Translation, Translator

LANGUAGES = ("ar", "en")
METHODS = ("extractive", "abstractive")
ORDERS = ("auto", "summarize-first", "translate-first")
ITEM_ERRORS = (InvalidInputError, LimitExceededError)  # errors of one text; any other stops the call


@dataclass(frozen=True)
class _Request:
    """What one call asks for, besides the texts and their languages."""

    method: str
    sentences: int | None
    ratio: float | None
    model: str | None
    settings: GenerationSettings | None


@dataclass(frozen=True)
class _Job:
    """One checked text: its position in the call, languages and (across languages) resolved order."""

    index: int
    text: str
    lang: str
    to: str
    order: str | None


class Summarizer:
    """Extractive (no model) and abstractive summaries of Arabic and English news, in either language.

    ``model`` is the abstractive model (short name, Hub id or folder; ``None`` = the default for the
    article's language) and ``translation_model`` the one used across languages. Models load on first
    use; the sentence cache is opened only when a model is needed (``use_cache=False`` bypasses it).
    ``max_input_tokens`` lowers the model's own input limit (longer articles are chunked). ``method`` is
    the default method of :meth:`summarize`. ``quantization`` is a CTranslate2 compute type (``None``:
    int8 on CPU); ``float32`` makes batched summaries bit-identical to one-by-one ones (see
    :meth:`summarize_many`).
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        translation_model: str | tuple[str, ...] | None = None,
        revision: str | None = None,
        backend: str = DEFAULT_BACKEND,
        device: str = DEFAULT_DEVICE,
        quantization: str | None = None,
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
        self.quantization = quantization
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
                backend=self.backend,
                device=self.device,
                local_files_only=self.local_files_only,
                quantization=self.quantization,
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

    # --- the entry methods ---------------------------------------------------------------------
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
        result = self.summarize_many(
            [text],
            lang=lang,
            to=to,
            method=method,
            sentences=sentences,
            ratio=ratio,
            model=model,
            order=order,
            settings=settings,
        )[0]
        if isinstance(result, TarjamaError):
            raise result
        return result

    def summarize_many(
        self,
        texts: Sequence[str],
        *,
        lang: str = "auto",
        to: str | None = None,
        method: str | None = None,
        sentences: int | None = None,
        ratio: float | None = None,
        model: str | None = None,
        order: str = "auto",
        settings: GenerationSettings | None = None,
    ) -> list[Summary | TarjamaError]:
        """Summaries of ``texts`` with the options of :meth:`summarize`, in order; a text that cannot be
        summarised (:class:`~inference.errors.InvalidInputError`,
        :class:`~inference.errors.LimitExceededError`) gets its error in its place, and the others go on.

        Each summary is the one :meth:`summarize` gives for that text alone (abstractive ones as far as
        the backend's arithmetic allows: see :meth:`AbstractiveSummarizer.summarize_many` on CTranslate2
        int8). Abstractive summaries of the texts that share a model and a language are made together
        (their chunks share the model's batches); across languages, ``translate-first`` translates each
        text and then summarises the translations together, ``summarize-first`` summarises together and
        then translates each summary. Timings of shared work are split equally
        (:class:`~summarize.summary.Timings`).
        """
        started = time.perf_counter()
        request = _Request(method or self.method, sentences, ratio, model, settings)
        outcomes: dict[int, Summary | TarjamaError] = {}
        jobs: list[_Job] = []
        for index, text in enumerate(texts):
            try:
                jobs.append(_check(index, text, lang, to, order, request))
            except ITEM_ERRORS as exc:
                outcomes[index] = exc
        translations: dict[int, tuple[Translation, float]] = {}
        sources: dict[int, tuple[str, str]] = {}  # text to summarise and its language, by position
        for job in jobs:
            if job.order == "translate-first":
                try:
                    translations[job.index] = self._translate(job.text, job.lang, job.to)
                except ITEM_ERRORS as exc:
                    outcomes[job.index] = exc
                    continue
                sources[job.index] = (translations[job.index][0].text, job.to)
            else:
                sources[job.index] = (job.text, job.lang)
        summaries = self._summarize_all(sources, request)
        for job in (j for j in jobs if j.index in summaries):
            result = summaries[job.index]
            if isinstance(result, Summary) and job.order == "translate-first":
                result = _translated_first(result, job, *translations[job.index])
            elif isinstance(result, Summary) and job.order == "summarize-first":
                try:
                    result = _summarized_first(
                        result, job, *self._translate("\n".join(result.sentences), job.lang, job.to)
                    )
                except ITEM_ERRORS as exc:
                    result = exc
            outcomes[job.index] = result
        return _with_totals([outcomes[index] for index in range(len(texts))], time.perf_counter() - started)

    # --- steps ---------------------------------------------------------------------------------
    def _translate(self, text: str, source: str, target: str) -> tuple[Translation, float]:
        tick = time.perf_counter()
        translation = self.translator.translate(text, source=source, target=target)
        return translation, time.perf_counter() - tick

    def _summarize_all(
        self, sources: dict[int, tuple[str, str]], request: _Request
    ) -> dict[int, Summary | TarjamaError]:
        """Same-language summaries of ``sources`` (position -> text, language); abstractive ones grouped
        by model and language."""
        done: dict[int, Summary | TarjamaError] = {}
        groups: dict[tuple[str, str], list[tuple[int, ArticleSentences, float]]] = {}
        for index, (text, lang) in sources.items():
            tick = time.perf_counter()
            article = article_sentences(text, lang)
            segmented = time.perf_counter() - tick
            if not article.sentences:
                done[index] = InvalidInputError("there is no text to summarize")
            elif request.method == "extractive":
                try:
                    done[index] = extractive_summary(
                        article,
                        lang,
                        sentences=request.sentences,
                        ratio=request.ratio,
                        options=self.extractive_options,
                        segment_seconds=segmented,
                    )
                except ITEM_ERRORS as exc:
                    done[index] = exc
            else:
                name = request.model or self.model or DEFAULT_SUMMARY_MODELS[lang]
                groups.setdefault((name, lang), []).append((index, article, segmented))
        for (name, lang), members in groups.items():
            done.update(self._abstractive(name, lang, members, request))
        return done

    def _abstractive(
        self, name: str, lang: str, members: list[tuple[int, ArticleSentences, float]], request: _Request
    ) -> dict[int, Summary | TarjamaError]:
        """Abstractive summaries of segmented articles in ``lang``, all by model ``name`` in one go."""
        spec = get_spec(name)
        if spec is not None and (spec.task != TASK or lang not in spec.languages):
            error = InvalidInputError(
                f"model {name} does not summarise {lang} text; use {DEFAULT_SUMMARY_MODELS[lang]}"
            )
            return {index: error for index, _, _ in members}
        engine = AbstractiveSummarizer(
            self.pool.get(name, task=TASK, revision=self.revision), self.cache, limit=self.max_input_tokens
        )
        tick = time.perf_counter()
        results = engine.summarize_many(
            [article.sentences for _, article, _ in members],
            lang,
            sentences_wanted=request.sentences,
            ratio=request.ratio,
            settings=request.settings,
        )
        share = (time.perf_counter() - tick) / len(members)
        done: dict[int, Summary | TarjamaError] = {}
        for (index, article, segmented), result in zip(members, results, strict=True):
            if isinstance(result, TarjamaError):
                done[index] = result
                continue
            done[index] = Summary(
                result.text,
                article_sentences(result.text, lang).sentences,
                "abstractive",
                name,
                lang,
                lang,
                Timings(segment=segmented, summarize=share),
                article_sentence_count=len(article.sentences),
                chunks=result.chunks,
                rounds=result.rounds,
                cached=result.cached,
            )
        return done


def _check(index: int, text: str, lang: str, to: str | None, order: str, request: _Request) -> _Job:
    """One text of a call checked against the call's options; raises the text's error."""
    if len(text) > MAX_INPUT_CHARS:
        raise LimitExceededError(f"the text has {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}")
    if not text.strip():
        raise InvalidInputError("there is no text to summarize")
    _check_choice("method", request.method, METHODS)
    _check_choice("order", order, ORDERS)
    if lang == "auto":
        guess = identify(text)
        lang = guess.language
        if lang not in LANGUAGES and guess.confidence < LANGID_REFUSE_CONFIDENCE:
            lang = "ar" if arabic_ratio(text) >= 0.5 else "en"  # unsure: the script decides
        if lang not in LANGUAGES:
            raise InvalidInputError(
                f"this looks like {guess.name} ({lang}, {guess.confidence:.0%} sure): tarjama summarises "
                "Arabic and English articles; if it is one of them after all, give the language explicitly"
            )
    _check_choice("language", lang, LANGUAGES)
    to = to or lang
    _check_choice("summary language", to, LANGUAGES)
    if request.sentences is not None and request.ratio is not None:
        raise InvalidInputError("give the length as a number of sentences or as a ratio, not both")
    return _Job(index, text, lang, to, None if to == lang else _resolve_order(order, request.method, to))


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


def _summarized_first(first: Summary, job: _Job, translation: Translation, spent: float) -> Summary:
    """A summary in the article's language, with its translation into ``job.to``."""
    outputs = tuple(segment.translation for segment in translation.segments)
    return replace(
        first,
        summary=" ".join(outputs),
        sentences=outputs,
        to=job.to,
        timings=Timings(first.timings.segment, first.timings.summarize, spent),
        cached=first.cached and all(s.cached for s in translation.segments),
        order=job.order,
        translation_model=translation.model,
    )


def _translated_first(second: Summary, job: _Job, translation: Translation, spent: float) -> Summary:
    """A summary of the article's translation, told as a summary of the article."""
    return replace(
        second,
        lang=job.lang,
        timings=Timings(second.timings.segment, second.timings.summarize, spent),
        indices=(),  # positions in the translation, not in the article
        cached=second.cached and all(s.cached for s in translation.segments),
        order=job.order,
        translation_model=translation.model,
    )


def _with_totals(outcomes: list[Summary | TarjamaError], wall: float) -> list[Summary | TarjamaError]:
    """Each summary's ``total``: its own steps plus an equal share of the rest of the call's ``wall`` time."""
    summaries = [o for o in outcomes if isinstance(o, Summary)]
    own = [s.timings.segment + s.timings.summarize + s.timings.translate for s in summaries]
    rest = max(0.0, wall - sum(own)) / len(summaries) if summaries else 0.0
    totals = iter(mine + rest for mine in own)
    return [
        replace(o, timings=replace(o.timings, total=next(totals))) if isinstance(o, Summary) else o
        for o in outcomes
    ]
