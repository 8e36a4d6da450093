"""Summaries of Arabic and English news: extractive (no model), abstractive (cached models), across
languages, one article or a resumable batch."""

from summarize.abstractive import AbstractiveResult, AbstractiveSummarizer, pack_chunks, sentence_chunks
from summarize.batch import SummarizerConfig, SummaryOptions, SummaryTask, run_batch
from summarize.engine import LANGUAGES, METHODS, ORDERS, Summarizer
from summarize.extractive import (
    ExtractiveOptions,
    SentenceScores,
    score_sentences,
    select_sentences,
    summary_length,
)
from summarize.features import content_words
from summarize.stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS, stop_words
from summarize.summary import Summary, Timings
from summarize.text import ArticleSentences, article_sentences, unwrap_lines

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
