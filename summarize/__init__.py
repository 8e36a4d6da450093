"""Summaries of Arabic and English news: extractive (no model), abstractive (cached models), across
languages, one article or a resumable batch."""

from summarize.abstractive import AbstractiveResult, AbstractiveSummarizer, pack_chunks, sentence_chunks
from summarize.batch import (
    ENGINES,
    BatchReport,
    SummarizerConfig,
    SummaryOptions,
    errors_path,
    run_batch,
)
from summarize.engine import LANGUAGES, METHODS, ORDERS, Summarizer
from summarize.extractive import (
    ExtractiveOptions,
    SentenceScores,
    score_sentences,
    select_sentences,
    summary_length,
)
from summarize.features import content_words
from summarize.records import BadRecord, Record, read_records
from summarize.stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS, stop_words
from summarize.summary import Summary, Timings
from summarize.text import ArticleSentences, article_sentences, unwrap_lines

__all__ = [
    "ARABIC_STOP_WORDS",
    "ENGINES",
    "ENGLISH_STOP_WORDS",
    "LANGUAGES",
    "METHODS",
    "ORDERS",
    "AbstractiveResult",
    "AbstractiveSummarizer",
    "ArticleSentences",
    "BadRecord",
    "BatchReport",
    "ExtractiveOptions",
    "Record",
    "SentenceScores",
    "Summarizer",
    "SummarizerConfig",
    "Summary",
    "SummaryOptions",
    "Timings",
    "article_sentences",
    "content_words",
    "errors_path",
    "pack_chunks",
    "read_records",
    "run_batch",
    "score_sentences",
    "select_sentences",
    "sentence_chunks",
    "stop_words",
    "summary_length",
    "unwrap_lines",
]
