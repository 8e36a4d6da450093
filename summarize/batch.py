"""Batch summaries: many articles in, one JSON line each out, resumable and safe to kill at any moment.

Each result is appended to ``OUT.jsonl`` as one whole line with a single write and flushed, so a
process killed at any moment leaves whole lines, plus at most one partial last line. A rerun cuts
that partial line off, reads the ids already written and skips them, so every id ends up in the
output exactly once. Bad records go to ``OUT.errors.jsonl`` with the reason and the run goes on.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from inference.errors import InvalidInputError, TarjamaError
from inference.settings import DEFAULT_BACKEND, DEFAULT_DEVICE, DEFAULT_SUMMARY_METHOD
from summarize.engine import Summarizer
from summarize.records import BadRecord, Record, read_records
from summarize.summary import Summary

ENGINES = ("local", "ray")
GROUP_SIZE = 8  # records summarised together (one summarize_many call), and per task sent to a worker
FSYNC_EVERY = 32  # lines between fsyncs (a flush after every line is enough against a killed process)
Progress = Callable[[int, int], None]  # (records done, records in the input)


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


@dataclass(frozen=True)
class BatchReport:
    """What one batch run did."""

    records: int  # records in the input, bad ones included
    written: int  # summaries written by this run
    skipped: int  # ids already in the output from an earlier run
    errors: int  # bad records and failed summaries reported by this run
    seconds: float
    output: str
    errors_path: str
    error_reasons: dict[str, int] = field(default_factory=dict)


def errors_path(output: Path) -> Path:
    """``OUT.errors.jsonl`` next to ``OUT.jsonl``."""
    name = output.name.removesuffix(".jsonl")
    return output.with_name(f"{name}.errors.jsonl")


def result_lines(
    records: Sequence[Record], summarizer: Summarizer, options: SummaryOptions
) -> list[dict[str, Any]]:
    """The output objects for ``records`` in order, summarised together
    (:meth:`~summarize.engine.Summarizer.summarize_many`: abstractive summaries share the model's batches).

    A record that cannot be summarised gives ``{"id", "where", "reason"}``. ``model`` is the
    summarisation model (``None`` for the extractive method); a summary in another language also names
    its ``translation_model``. ``seconds`` is the record's share of the group's time
    (:class:`~summarize.summary.Timings`).
    """
    outcomes = summarizer.summarize_many([record.text for record in records], **asdict(options))
    return [_line(record, outcome) for record, outcome in zip(records, outcomes, strict=True)]


def _line(record: Record, outcome: Summary | TarjamaError) -> dict[str, Any]:
    if isinstance(outcome, TarjamaError):
        return {"id": record.id, "where": record.where, "reason": str(outcome)}
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


@lru_cache(maxsize=2)
def worker_summarizer(config: SummarizerConfig) -> Summarizer:
    """One summarizer per worker process and configuration, kept so models load once per process."""
    return config.build()


def summarize_group(
    records: Sequence[Record], config: SummarizerConfig, options: SummaryOptions
) -> list[dict[str, Any]]:
    """Output objects for ``records`` (runs in a worker process)."""
    return result_lines(records, worker_summarizer(config), options)


class JsonlAppender:
    """Appends whole JSON lines to a file, each with one ``write``; repairs a cut-off last line first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._unsynced = 0

    def existing(self) -> list[dict[str, Any]]:
        """The objects already in the file, after cutting off a partial last line left by a killed run."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            os.truncate(self.path, end)
        rows = []
        for number, line in enumerate(data[:end].splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError:
                raise InvalidInputError(
                    f"{self.path} line {number} is not valid JSON; it was not written by tarjama "
                    "(move the file away or fix that line)"
                ) from None
        return rows

    def append(self, row: dict[str, Any]) -> None:
        """Write ``row`` as one line and hand it to the operating system."""
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        data = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        while data:
            data = data[os.write(self._fd, data) :]
        self._unsynced += 1
        if self._unsynced >= FSYNC_EVERY:
            self.sync()

    def sync(self) -> None:
        """Flush the file to disk."""
        if self._fd is not None and self._unsynced:
            os.fsync(self._fd)
            self._unsynced = 0

    def close(self) -> None:
        """Sync and close."""
        if self._fd is not None:
            self.sync()
            os.close(self._fd)
            self._fd = None


def run_batch(
    input_path: str | Path,
    output: str | Path,
    *,
    options: SummaryOptions | None = None,
    config: SummarizerConfig | None = None,
    workers: int = 1,
    engine: str = "local",
    progress: Progress | None = None,
) -> BatchReport:
    """Summarise every record of ``input_path`` into ``output`` (JSONL), skipping ids already there.

    ``engine="local"`` runs in this process (``workers=1``) or in a pool of ``workers`` processes;
    ``engine="ray"`` runs the same job on Ray Data (a local Ray, or the cluster in ``RAY_ADDRESS``).
    Output lines come in input order for a fresh run.
    """
    if engine not in ENGINES:
        raise InvalidInputError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if workers < 1:
        raise InvalidInputError(f"workers must be at least 1, not {workers}")
    started = time.perf_counter()
    options = options or SummaryOptions()
    config = config or SummarizerConfig()
    output = Path(output)
    records = read_records(input_path)
    out, errs = JsonlAppender(output), JsonlAppender(errors_path(output))
    done_ids = {str(row.get("id")) for row in out.existing()}
    reported = {str(row.get("where")) for row in errs.existing()}
    todo = [r for r in records if isinstance(r, Record) and r.id not in done_ids]
    skipped = sum(1 for r in records if isinstance(r, Record) and r.id in done_ids)
    reasons: dict[str, int] = {}

    def report(row: dict[str, Any]) -> None:
        if row["where"] not in reported:
            errs.append(row)
            reported.add(row["where"])
        reason = row["reason"].split(" (")[0]
        reasons[reason] = reasons.get(reason, 0) + 1

    finished = len(records) - len(todo)
    written = 0
    try:
        for bad in (r for r in records if isinstance(r, BadRecord)):
            report({"id": bad.id, "where": bad.where, "reason": bad.reason})
        if progress is not None:
            progress(finished, len(records))
        for row in _results(todo, options, config, workers, engine):
            if "reason" in row:
                report(row)
            else:
                out.append(row)
                written += 1
            finished += 1
            if progress is not None:
                progress(finished, len(records))
    finally:
        out.close()
        errs.close()
    return BatchReport(
        records=len(records),
        written=written,
        skipped=skipped,
        errors=sum(reasons.values()),
        seconds=time.perf_counter() - started,
        output=str(output),
        errors_path=str(errors_path(output)),
        error_reasons=reasons,
    )


def _results(
    todo: list[Record], options: SummaryOptions, config: SummarizerConfig, workers: int, engine: str
) -> Iterator[dict[str, Any]]:
    if not todo:
        return iter(())
    if engine == "ray":
        from summarize.ray_engine import ray_results

        return ray_results(todo, options, config, workers)
    if workers == 1:
        summarizer = config.build()
        return (row for group in _groups(todo) for row in result_lines(group, summarizer, options))
    return _pool_results(todo, options, config, workers)


def _groups(todo: list[Record]) -> Iterator[list[Record]]:
    """``todo`` in input order, :data:`GROUP_SIZE` records at a time."""
    return (todo[i : i + GROUP_SIZE] for i in range(0, len(todo), GROUP_SIZE))


def _pool_results(
    todo: list[Record], options: SummaryOptions, config: SummarizerConfig, workers: int
) -> Iterator[dict[str, Any]]:
    """Results in input order from a process pool, with a bounded number of groups in flight."""
    pending: deque[Future[list[dict[str, Any]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        for group in _groups(todo):
            pending.append(pool.submit(summarize_group, group, config, options))
            if len(pending) >= 4 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
