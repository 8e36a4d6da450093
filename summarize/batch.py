"""Batch summaries: many articles in, one JSON line each out, on the shared job runner
(:mod:`inference.jobs`: resumable, safe to kill, never touching a file that is not its output).

This module gives the runner only the task: a group of records in, one summary line per record out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from tarjama.inference.errors import TarjamaError
from tarjama.inference.jobs import GroupResult, JobReport, Progress, Record, error_line, run_job
from tarjama.inference.settings import DEFAULT_BACKEND, DEFAULT_DEVICE, DEFAULT_SUMMARY_METHOD
from tarjama.summarize.engine import Summarizer
from tarjama.summarize.summary import Summary

GROUP_SIZE = 8  # records summarised together (one summarize_many call), and per task sent to a worker


@dataclass(frozen=True)
class SummaryOptions:
    """The options of each ``Summarizer.summarize_many`` call in a batch."""

    lang: str = "auto"
    to: str | None = None
    method: str = DEFAULT_SUMMARY_METHOD
    sentences: int | None = None
    ratio: float | None = None
    model: str | None = None
    order: str = "auto"


@dataclass(frozen=True)
class SummarizerConfig:
    """How each worker builds its :class:`~summarize.engine.Summarizer` (plain data, so it can travel)."""

    translation_model: str | tuple[str, ...] | None = None  # several: each for its directions
    backend: str = DEFAULT_BACKEND
    device: str = DEFAULT_DEVICE
    quantization: str | None = None
    use_cache: bool = True
    local_files_only: bool | None = None
    max_input_tokens: int | None = None

    def build(self) -> Summarizer:
        """A new summarizer with this configuration."""
        return Summarizer(**asdict(self))


@lru_cache(maxsize=2)
def worker_summarizer(config: SummarizerConfig) -> Summarizer:
    """One summarizer per process and configuration, kept so models load once per process."""
    return config.build()


@dataclass(frozen=True)
class SummaryTask:
    """The summary job for :func:`~inference.jobs.run_job`: a group of records summarised together
    (:meth:`~summarize.engine.Summarizer.summarize_many`: abstractive summaries share the model's batches).

    A line is ``{"id", "summary", "method", "model", "lang", "to", "seconds"}``; ``model`` is the
    summarisation model (``None`` for the extractive method); a summary in another language also names
    its ``translation_model``. ``seconds`` is the record's share of the group's time
    (:class:`~summarize.summary.Timings`).
    """

    options: SummaryOptions = SummaryOptions()
    config: SummarizerConfig = SummarizerConfig()
    what: ClassVar[str] = "summaries"
    result_key: ClassVar[str] = "summary"
    group_size: ClassVar[int] = GROUP_SIZE

    def run(self, records: Sequence[Record]) -> GroupResult:
        """The summary lines for ``records``."""
        summarizer = worker_summarizer(self.config)
        outcomes = summarizer.summarize_many([r.text for r in records], **asdict(self.options))
        return GroupResult([_line(r, o) for r, o in zip(records, outcomes, strict=True)])


def _line(record: Record, outcome: Summary | TarjamaError) -> dict[str, Any]:
    if isinstance(outcome, TarjamaError):
        return error_line(record, str(outcome))
    line = {
        "id": record.id,
        "summary": outcome.summary,
        "method": outcome.method,
        "model": outcome.model,
        "lang": outcome.lang,
        "to": outcome.to,
        "seconds": round(outcome.timings.total, 4),
    }
    if outcome.translation_model is not None:
        line["translation_model"] = outcome.translation_model
    return line


def run_batch(
    input_path: str | Path,
    output: str | Path,
    *,
    options: SummaryOptions | None = None,
    config: SummarizerConfig | None = None,
    workers: int = 1,
    engine: str = "local",
    progress: Progress | None = None,
) -> JobReport:
    """Summarise every record of ``input_path`` into ``output`` (JSONL), skipping ids already there
    (:func:`~inference.jobs.run_job` says how, and what it refuses)."""
    task = SummaryTask(options or SummaryOptions(), config or SummarizerConfig())
    return run_job(input_path, output, task, workers=workers, engine=engine, progress=progress)
