"""Extractive batch speed: articles per second through ``run_batch`` with the local engine.

    .venv/bin/python -m bench.summarize_speed [--articles 1000] [--workers 1 2] [--sentences 3]

The input is a JSONL file of ``--articles`` news articles, cycling through the 40 Arabic ANT articles and
the 6 English CNN/DailyMail articles vendored in ``tests/data/summarize`` (each copy with its own id). Each
run writes a fresh output file; the time is the whole ``run_batch`` call (reading and checking the input,
segmenting, scoring, writing and syncing every line), starting and stopping the worker processes included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tarjama.summarize.batch import SummaryOptions, run_batch

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "summarize"


def articles() -> list[str]:
    """The vendored news articles (Arabic first, then English)."""
    ant = [json.loads(line)["text"] for line in (DATA / "ant_one_sentence.jsonl").open(encoding="utf-8")]
    cnn = [json.loads(line)["article"] for line in (DATA / "cnndm_sample.jsonl").open(encoding="utf-8")]
    return ant + cnn


def write_input(path: Path, count: int) -> int:
    """A JSONL of ``count`` articles; returns their total number of words."""
    texts = articles()
    words = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = texts[i % len(texts)]
            words += len(text.split())
            out.write(json.dumps({"id": f"a{i:06d}", "text": text}, ensure_ascii=False) + "\n")
    return words


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sentences", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="runs per setting; the median is shown")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        words = write_input(source, args.articles)
        print(f"{args.articles} articles, {words / args.articles:.0f} words each on average")
        print("| engine | workers | articles/s (median) | runs |")
        print("|---|---:|---:|---|")
        for workers in args.workers:
            rates = []
            for run in range(args.repeats):
                out = Path(tmp) / f"out-{workers}-{run}.jsonl"
                started = time.perf_counter()
                report = run_batch(
                    source,
                    out,
                    options=SummaryOptions(method="extractive", sentences=args.sentences),
                    workers=workers,
                )
                seconds = time.perf_counter() - started
                if report.written != args.articles or report.errors:
                    raise SystemExit(f"expected {args.articles} summaries, got {report}")
                rates.append(args.articles / seconds)
            shown = ", ".join(f"{r:.0f}" for r in rates)
            print(f"| local | {workers} | {statistics.median(rates):.0f} | {shown} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
