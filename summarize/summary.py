"""What a summary call returns (:class:`Summary`, :class:`Timings`) and the extractive step that makes one
without a model."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tarjama.inference.settings import DEFAULT_SUMMARY_SENTENCES
from tarjama.summarize.extractive import ExtractiveOptions, select_sentences, summary_length
from tarjama.summarize.text import ArticleSentences


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step of one summary.

    When several texts are summarised in one call (:meth:`~summarize.engine.Summarizer.summarize_many`),
    work done for several texts at once (an abstractive model's calls) is split equally among them, and
    each ``total`` is the text's own steps plus an equal share of the rest of the call, so the totals add
    up to the call's wall time; for one text, ``total`` is the call's wall time.
    """

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


def extractive_summary(
    article: ArticleSentences,
    lang: str,
    *,
    sentences: int | None,
    ratio: float | None,
    options: ExtractiveOptions,
    segment_seconds: float,
) -> Summary:
    """The extractive summary of a segmented article: ``sentences`` sentences or ``ratio`` of them
    (default :data:`~inference.settings.DEFAULT_SUMMARY_SENTENCES`), in article order."""
    tick = time.perf_counter()
    if sentences is None and ratio is None:
        sentences = DEFAULT_SUMMARY_SENTENCES
    count = summary_length(len(article.sentences), sentences=sentences, ratio=ratio)
    indices = select_sentences(article.sentences, lang, count, options)
    chosen = tuple(article.sentences[i] for i in indices)
    return Summary(
        _join(chosen, [article.paragraphs[i] for i in indices]),
        chosen,
        "extractive",
        None,
        lang,
        lang,
        Timings(segment=segment_seconds, summarize=time.perf_counter() - tick),
        indices=tuple(indices),
        article_sentence_count=len(article.sentences),
    )


def _join(sentences: Sequence[str], paragraphs: Sequence[int]) -> str:
    """Sentences of one paragraph joined by a space, paragraphs by a line break (a headline stays apart)."""
    parts: list[str] = []
    for i, sentence in enumerate(sentences):
        if i:
            parts.append(" " if paragraphs[i] == paragraphs[i - 1] else "\n")
        parts.append(sentence)
    return "".join(parts)
