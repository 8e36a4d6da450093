"""Summaries of Arabic and English news: extractive (no model), abstractive (cached models), across
languages, one article or a resumable batch."""

from tarjama.summarize.abstractive import (
    AbstractiveResult,
    AbstractiveSummarizer,
    pack_chunks,
    sentence_chunks,
)
from tarjama.summarize.batch import SummarizerConfig, SummaryOptions, SummaryTask, run_batch
from tarjama.summarize.engine import LANGUAGES, METHODS, ORDERS, Summarizer
from tarjama.summarize.extractive import (
    ExtractiveOptions,
    SentenceScores,
    score_sentences,
    select_sentences,
    summary_length,
)
from tarjama.summarize.features import content_words
from tarjama.summarize.stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS, stop_words
from tarjama.summarize.summary import Summary, Timings
from tarjama.summarize.text import ArticleSentences, article_sentences, unwrap_lines

__all__ = [
    "ARABIC_STOP_WORDS",
    "ENGLISH_STOP_WORDS",
    "LANGUAGES",
    "METHODS",
    "ORDERS",
    "AbstractiveResult",
    "AbstractiveSummarizer",
    "ArticleSentences",
    "ExtractiveOptions",
    "SentenceScores",
    "Summarizer",
    "SummarizerConfig",
    "Summary",
    "SummaryOptions",
    "SummaryTask",
    "Timings",
    "article_sentences",
    "content_words",
    "pack_chunks",
    "run_batch",
    "score_sentences",
    "select_sentences",
    "sentence_chunks",
    "stop_words",
    "summary_length",
    "unwrap_lines",
]
