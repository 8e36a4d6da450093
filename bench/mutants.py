"""Mutation testing by hand: plant each bug of a table in a copy of the tree and run the tests that cover it.

    .venv/bin/python -m bench.mutants [--only NAME ...] [--list] [--timeout 600] [--json OUT]

Each mutant of the table (``bench/mutant_table.py``) is one plausible bug: a file, a snippet of today's
code and what the bug turns it into. The tracked files are copied once into a temporary folder; each mutant
is applied there alone, its covering tests run (``pytest -x``), and the file is put back. A mutant is
*killed* when a test fails (or hangs past ``--timeout``), *survived* when every test passes. A survivor
marked ``equivalent`` changes no behaviour anyone can observe (the reason is in the table); any other
survivor is a blind spot of the tests, and the script exits 1. Stand-in models come from
``$TARJAMA_STANDINS`` (default: this repository's ``.standins/``), so the copy builds nothing that was
built before.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.mutant_table import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Outcome:
    name: str
    file: str
    verdict: str  # killed | survived | equivalent | timeout | error
    seconds: float
    detail: str


def copy_tree(destination: Path) -> None:
    """The tracked files of this repository (as they are in the work tree) under ``destination``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in listed.decode("utf-8").split("\0"):
        source = ROOT / name
        if name and source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run_mutant(mutant: Mutant, tree: Path, timeout: float, env: dict[str, str]) -> Outcome:
    """Plant ``mutant`` in ``tree``, run its tests, put the file back."""
    original = mutant.apply(tree)
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        verdict, detail = "timeout", f"tests still running after {timeout:g} s"
    else:
        last = (done.stdout.strip().splitlines() or [""])[-1]
        failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
        if done.returncode == 0:
            verdict, detail = ("equivalent" if mutant.equivalent else "survived"), last
        elif done.returncode == 1:
            verdict, detail = "killed", failed[0].removeprefix("FAILED ") if failed else last
        else:
            verdict, detail = "error", f"pytest exit {done.returncode}: {last or done.stderr[-300:]}"
    finally:
        (tree / mutant.file).write_text(original, encoding="utf-8")
    return Outcome(mutant.name, mutant.file, verdict, time.monotonic() - started, detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="mutants whose name has NAME"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and their tests, run nothing")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant (default %(default)s)")
    parser.add_argument("--json", metavar="OUT", help="also write the outcomes here")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.only or any(o.lower() in m.name.lower() for o in args.only)]
    if args.list:
        for mutant in chosen:
            print(f"{mutant.name:<55} {mutant.file:<28} {' '.join(mutant.tests)}")
        return 0
    env = os.environ.copy()
    env.setdefault("TARJAMA_STANDINS", str(ROOT / ".standins"))
    outcomes: list[Outcome] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tarjama-mutants-") as folder:
        tree = Path(folder)
        copy_tree(tree)
        for number, mutant in enumerate(chosen, 1):
            outcome = run_mutant(mutant, tree, args.timeout, env)
            outcomes.append(outcome)
            print(f"{number:>3}/{len(chosen)} {outcome.verdict:<10} {outcome.seconds:6.1f} s  {mutant.name}"
                  f"  ({mutant.file}): {outcome.detail}", flush=True)  # fmt: skip
    counts = {
        v: sum(o.verdict == v for o in outcomes)
        for v in ("killed", "timeout", "equivalent", "survived", "error")
    }
    print(f"\n{len(outcomes)} mutants in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{n} {v}" for v, n in counts.items() if n))  # fmt: skip
    for outcome in outcomes:
        if outcome.verdict in ("survived", "error"):
            print(f"  {outcome.verdict}: {outcome.name} ({outcome.file})")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(o) for o in outcomes], indent=2), encoding="utf-8")
    return 1 if counts["survived"] or counts["error"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
