"""The job runner, one for every batch task: records in, one JSON line per record out, resumable, safe to
kill at any moment, and never harming a file it was not given to write.

``run_job`` reads the input (:mod:`inference.jobs.records`), takes the locks of the output and of its
errors file (on their real paths: a link to a file another run writes is that file) and checks that an
existing output is this job's (:mod:`inference.jobs.output`), skips the ids already written (removing any
written twice), and hands the rest to an engine (:mod:`inference.jobs.engines`, or Ray Data) group by
group. Result lines go to ``OUT.jsonl`` and bad records to ``OUT.errors.jsonl``, each as it comes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.inference.errors import InvalidInputError, OutputError
from tarjama.inference.jobs.engines import local_results
from tarjama.inference.jobs.output import JsonlOutput, OutputLock, first_of_each
from tarjama.inference.jobs.records import BadRecord, Record, read_records
from tarjama.inference.jobs.task import GroupResult, JobTask

ENGINES = ("local", "ray")
ERROR_KEYS = ("id", "where", "reason")


@dataclass(frozen=True)
class JobProgress:
    """Where a run is: records done (skipped and failed included) of those in the input, and the task's
    tallies so far (e.g. ``sentences``)."""

    done: int
    total: int
    counts: dict[str, int] = field(default_factory=dict)


Progress = Callable[[JobProgress], None]


@dataclass(frozen=True)
class JobReport:
    """What one run did. ``errors_path`` is ``None`` when there is no errors file."""

    records: int  # records in the input, bad ones included
    written: int  # lines written by this run
    skipped: int  # ids already in the output from an earlier run
    errors: int  # bad records and failed records of this run
    repaired: int  # repeated lines removed from an earlier output
    seconds: float
    output: str
    errors_path: str | None
    error_reasons: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def errors_path(output: Path) -> Path:
    """``OUT.errors.jsonl`` next to ``OUT.jsonl``."""
    name = output.name.removesuffix(".jsonl")
    return output.with_name(f"{name}.errors.jsonl")


def run_job(
    input_path: str | Path,
    output: str | Path,
    task: JobTask,
    *,
    workers: int = 1,
    engine: str = "local",
    progress: Progress | None = None,
    reader: Callable[[str | Path], list[Record | BadRecord]] = read_records,
) -> JobReport:
    """Run ``task`` on every record of ``input_path`` (as ``reader`` reads it) into ``output`` (JSONL),
    skipping ids already there.

    ``engine="local"`` runs in this process (``workers=1``) or in a pool of ``workers`` processes;
    ``engine="ray"`` runs the same groups on Ray Data (a local Ray, or the cluster in ``RAY_ADDRESS``).
    Lines come in input order for a fresh run. Raises :class:`~inference.errors.InvalidInputError` for
    unusable input and options, :class:`~inference.errors.OutputError` for an output that is another
    file, held by another run, or cannot be written (a full disk: rerun the command to resume).
    """
    if engine not in ENGINES:
        raise InvalidInputError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if workers < 1:
        raise InvalidInputError(f"workers must be at least 1, not {workers}")
    started = time.perf_counter()
    output = real_path(output)  # a link (or a linked folder) names the file it leads to: one lock, one owner
    if output.is_dir():
        raise OutputError(f"{output.name} is a folder; give a file name such as {task.what}.jsonl")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder of {output.name}: {exc.strerror}") from None
    errors_file = real_path(errors_path(output))
    if errors_file == output:
        raise OutputError(f"{errors_path(output).name} is a link to {output.name}; remove the link")
    locks = [OutputLock(output), OutputLock(errors_file)]
    _acquire(locks)
    try:
        records = reader(input_path)
        out = JsonlOutput(output, ("id", task.result_key), task.what)
        errs = JsonlOutput(errors_file, ERROR_KEYS, f"{task.what} errors")
        done, reported = _resume(out, "id"), _resume(errs, "where")
        run = _Run(records, done, reported, out, errs, progress)
        try:
            run.go(_results(run.todo, task, workers, engine))
        finally:
            out.close()
            errs.close()
    finally:
        for lock in reversed(locks):
            lock.release()
    return JobReport(
        records=len(records),
        written=out.written,
        skipped=len(records) - len(run.todo) - sum(isinstance(r, BadRecord) for r in records),
        errors=sum(run.reasons.values()),
        repaired=done.repaired + reported.repaired,
        seconds=time.perf_counter() - started,
        output=str(output),
        errors_path=str(errors_file) if errors_file.exists() and errors_file.stat().st_size else None,
        error_reasons=run.reasons,
        counts=run.counts,
    )


def real_path(path: str | Path) -> Path:
    """``path`` with every symbolic link on the way resolved (a link that leads nowhere yet: its target)."""
    return Path(os.path.realpath(path))


def _acquire(locks: Sequence[OutputLock]) -> None:
    """Take every lock of ``locks`` in order, or none (those taken are let go when one is held)."""
    for taken, lock in enumerate(locks):
        try:
            lock.acquire()
        except OutputError:
            for earlier in reversed(locks[:taken]):
                earlier.release()
            raise


@dataclass
class _Seen:
    values: set[str]
    repaired: int


def _resume(file: JsonlOutput, key: str) -> _Seen:
    """The ``key`` values already in ``file``; lines that repeat one are removed from the file."""
    rows = file.existing()
    kept = first_of_each(rows, key)
    if len(kept) < len(rows):
        file.rewrite(kept)
    return _Seen({str(row[key]) for row in kept}, len(rows) - len(kept))


class _Run:
    """The bookkeeping of one run: what is left to do, what was reported, the tallies."""

    def __init__(
        self,
        records: list[Record | BadRecord],
        done: _Seen,
        reported: _Seen,
        out: JsonlOutput,
        errs: JsonlOutput,
        progress: Progress | None,
    ) -> None:
        self.records = records
        self.todo = [r for r in records if isinstance(r, Record) and r.id not in done.values]
        self.reported = reported.values
        self.out, self.errs = out, errs
        self.progress = progress
        self.reasons: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.finished = len(records) - len(self.todo)

    def report(self, row: dict[str, object]) -> None:
        where = str(row["where"])
        if where not in self.reported:
            self.errs.append(row)
            self.reported.add(where)
        reason = str(row["reason"]).split(" (")[0]
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def go(self, results: Iterator[GroupResult]) -> None:
        for bad in (r for r in self.records if isinstance(r, BadRecord)):
            self.report({"id": bad.id, "where": bad.where, "reason": bad.reason})
        self._tell()
        for result in results:
            for row in result.lines:
                if "reason" in row:
                    self.report(row)
                else:
                    self.out.append(row)
                self.finished += 1
            for name, value in result.counts.items():
                self.counts[name] = self.counts.get(name, 0) + value
            self._tell()

    def _tell(self) -> None:
        if self.progress is not None:
            self.progress(JobProgress(self.finished, len(self.records), dict(self.counts)))


def _results(todo: Sequence[Record], task: JobTask, workers: int, engine: str) -> Iterator[GroupResult]:
    if not todo:
        return iter(())
    if engine == "ray":
        from tarjama.inference.jobs.ray_engine import ray_results

        return ray_results(todo, task, workers)
    return local_results(todo, task, workers)
