"""What `summarize batch` and `translate batch` share: the progress bar and the closing line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tarjama.cli.common import print_json
from tarjama.inference.errors import InvalidInputError, TarjamaError
from tarjama.inference.jobs import JobProgress, JobReport, Progress, errors_path
from tarjama.inference.settings import DEFAULT_BATCH_WORKERS


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """``--workers`` and ``--engine``."""
    batch = parser.add_argument_group("batch only")
    workers_help = f"processes or Ray actors (default {DEFAULT_BATCH_WORKERS})"
    batch.add_argument("--workers", type=int, metavar="N", help=workers_help)
    batch.add_argument("--engine", choices=["local", "ray"], help="local processes (default) or Ray Data")


def workers(args: argparse.Namespace) -> int:
    """``--workers`` as given (0 and below are refused by the runner), or the default."""
    return DEFAULT_BATCH_WORKERS if args.workers is None else args.workers


def run_with_bar(run: Callable[[Progress], JobReport]) -> JobReport:
    """``run(progress)`` with a progress bar of articles (and sentences, when the task counts them) on
    standard error."""
    from tqdm import tqdm

    with tqdm(unit="article", file=sys.stderr, mininterval=0.5, delay=0.1, dynamic_ncols=True) as bar:

        def progress(where: JobProgress) -> None:
            bar.total = where.total
            if "sentences" in where.counts:
                bar.set_postfix_str(f"{where.counts['sentences']:,} sentences", refresh=False)
            bar.update(where.done - bar.n)

        return run(progress)


def closing_line(report: JobReport, noun: str) -> str:
    """One line saying what the run did; it names the errors file only when there is one."""
    parts = [f"{report.written} {noun} written", f"{report.skipped} already done"]
    if report.errors:
        parts.append(f"{report.errors} errors ({report.errors_path})")
    else:
        parts.append("no errors")
    if report.repaired:
        parts.append(f"{report.repaired} repeated lines removed from the earlier output")
    sentences = report.counts.get("sentences")
    if sentences:
        counts = report.counts
        parts.append(
            f"{sentences:,} sentences: {counts.get('repeated', 0) / sentences:.0%} repeated in the corpus, "
            f"{counts.get('cached', 0):,} from the cache, {counts.get('translated', 0):,} translated"
        )
    return f"{', '.join(parts)} in {report.seconds:.1f} s"


def _size(file: Path) -> int:
    return file.stat().st_size if file.is_file() else -1


def _lines(file: Path) -> int:
    with file.open("rb") as handle:
        return sum(1 for _ in handle)


def run_batch_command(
    args: argparse.Namespace, run: Callable[..., JobReport], noun: str, **settings: Any
) -> int:
    """``run(INPUT, OUT, workers=..., engine=..., progress=..., **settings)`` with a progress bar, then the
    report as JSON (``--json``) or the closing line on stderr."""
    if len(args.inputs) != 2 or not args.output:
        raise InvalidInputError(f"usage: tarjama {args.command} batch INPUT -o OUT.jsonl")
    files = (Path(args.output), errors_path(Path(args.output)))
    before = {file: _size(file) for file in files}
    try:
        report = run_with_bar(
            lambda progress: run(
                args.inputs[1],
                args.output,
                workers=workers(args),
                engine=args.engine or "local",
                progress=progress,
                **settings,
            )
        )
    except TarjamaError as exc:
        grown = [file for file in files if _size(file) > before[file] and file.name not in str(exc)]
        written = [f"{file} ({_lines(file)} lines)" for file in grown]
        if written:  # a run that stopped names what it left behind (unless its message already does)
            exc.args = (f"{exc} (written before it stopped: {', '.join(written)})",)
        raise
    if args.json:
        print_json(asdict(report))
    else:
        print(closing_line(report, noun), file=sys.stderr)
    return 0
