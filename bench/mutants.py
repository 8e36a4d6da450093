"""Mutation testing by hand: plant each bug of a table in a copy of the tree and run the tests that cover it.

    .venv/bin/python -m bench.mutants [--only NAME ...] [--list] [--timeout 600] [--json OUT]

Each mutant is one plausible bug: a file, a snippet of today's code and what the bug turns it into. The
tracked files are copied once into a temporary folder; each mutant is applied there alone, its covering
tests run (``pytest -x``), and the file is put back. A mutant is *killed* when a test fails (or hangs past
``--timeout``), *survived* when every test passes. A survivor marked ``equivalent`` changes no behaviour
anyone can observe (the reason is in the table); any other survivor is a blind spot of the tests, and the
script exits 1. Stand-in models come from ``$TARJAMA_STANDINS`` (default: this repository's
``.standins/``), so the copy builds nothing that was built before.
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

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    """One planted bug: ``original`` (found exactly once in ``file``) becomes ``mutated``."""

    name: str
    file: str
    original: str
    mutated: str
    tests: tuple[str, ...]  # pytest arguments: files, node ids, -k expressions
    equivalent: str = ""  # why no test can tell it apart, when that is so

    def apply(self, root: Path) -> str:
        """Plant the bug under ``root``; returns the file's original text (to put back)."""
        path = root / self.file
        text = path.read_text(encoding="utf-8")
        if text.count(self.original) != 1:
            raise ValueError(
                f"{self.name}: the original snippet is in {self.file} {text.count(self.original)} times"
            )
        path.write_text(text.replace(self.original, self.mutated), encoding="utf-8")
        return text


MUTANTS = [
    # --- the twelve of issue 20 -------------------------------------------------------------------------
    Mutant(
        "scheduler ignores its window",
        "inference/scheduler.py",
        "time.sleep(self.window)",
        "time.sleep(0)",
        ("tests/test_scheduler.py", "-k", "window"),
    ),
    Mutant(
        "scheduler admits one sentence too many",
        "inference/scheduler.py",
        "(len(batch) + 1) * max(longest, size) > max_tokens",
        "len(batch) * max(longest, size) > max_tokens",
        ("tests/test_scheduler.py", "-k", "budget"),
    ),
    Mutant(
        "Retry-After rounded down",
        "web/limits.py",
        "str(int(wait) + 1)",
        "str(int(wait))",
        ("tests/test_limits.py",),
    ),
    Mutant(
        "noise pattern loses its tag bound",
        "translate/detect.py",
        r"(?P<tag><[^<>\n]{1,200}>)",
        r"(?P<tag><[^<>\n]+>)",
        ("tests/test_linear_patterns.py", "-k", "not worst"),
    ),
    Mutant(
        "numbers forget Eastern Arabic digits",
        "translate/abbreviations.py",
        r'NUMBER = re.compile(r"[0-9\u0660-\u0669\u06F0-\u06F9]+")',
        'NUMBER = re.compile(r"[0-9]+")',
        ("tests/test_segment.py", "-k", "sentences"),
    ),
    Mutant(
        "ROUGE signature says porter for Arabic",
        "eval/rouge.py",
        '("porter" if lang == "en" else "light")',
        '"porter"',
        ("tests/test_eval_signatures.py",),
    ),
    Mutant(
        "per-item chrF without word n-grams",
        "eval/mt.py",
        "sentence_chrf = CHRF(word_order=2)",
        "sentence_chrf = CHRF()",
        ("tests/test_eval_mt.py", "-k", "per_item"),
    ),
    Mutant(
        "cache check --json exits 0",
        "cli/cache.py",
        "        print_json(asdict(found))\n",
        "        print_json(asdict(found))\n        return 0\n",
        ("tests/test_cli_json.py", "-k", "cache"),
    ),
    Mutant(
        "translate-first summary says lang=en",
        "summarize/engine.py",
        "        second,\n        lang=job.lang,\n",
        "        second,\n",
        ("tests/test_translate_first.py", "-k", "many"),
    ),
    Mutant(
        "/summarize skips the key and limit gate",
        "web/api.py",
        'other language."""\n        params = await read_params(request)\n        admit(request, params)\n',
        'other language."""\n        params = await read_params(request)\n',
        ("tests/test_ways_in.py", "-k", "needs_a_key"),
    ),
    Mutant(
        "upload ledger keeps expired uploads",
        "web/uploads.py",
        "            self._forget(self.clock())\n",
        "",
        ("tests/test_upload_ledger.py",),
    ),
    Mutant(
        "upload request limit ten times too large",
        "inference/settings.py",
        "MAX_UPLOAD_REQUEST_BYTES = 4 * MAX_UPLOAD_BYTES",
        "MAX_UPLOAD_REQUEST_BYTES = 40 * MAX_UPLOAD_BYTES",
        ("tests/test_ways_in.py", "-k", "declared"),
    ),
    # --- inference ---------------------------------------------------------------------------------------
    Mutant(
        "batches admit one sentence too many",
        "inference/batching.py",
        "(len(current) + 1) * max(longest, size) > max_tokens",
        "len(current) * max(longest, size) > max_tokens",
        ("tests/test_batching.py",),
    ),
    Mutant(
        "scheduler lets a long article go first",
        "inference/scheduler.py",
        "            if request.pending:\n                lane.waiting.rotate(-1)\n            else:\n",
        "            if not request.pending:\n",
        ("tests/test_scheduler.py", "-k", "stuck"),
    ),
    Mutant(
        "cache key forgets the target language",
        "inference/cached.py",
        "            target=target,\n            text=text,",
        "            text=text,",
        ("tests/test_cache_key.py",),
    ),
    Mutant(
        "alef forms no longer folded",
        "inference/arabic.py",
        "text = text.translate(_ALEF_FORMS)",
        "text = text",
        ("tests/test_eval_rouge.py", "tests/test_eval_mt.py", "-k", "fold or alef or hamza or arabic"),
    ),
    # --- translate ---------------------------------------------------------------------------------------
    Mutant(
        "an article's language is its least likely paragraph mixture",
        "translate/detect.py",
        "key=lambda item: -item[1])",
        "key=lambda item: item[1])",
        ("tests/test_detect.py", "tests/test_langid_routes.py"),
    ),
    Mutant(
        "«...» قال no longer keeps the quote",
        "translate/segment.py",
        'if closed_quote and word.rstrip("،,:.") in _ARABIC_ATTRIBUTION:',
        "if False:",
        ("tests/test_segment.py", "-k", "sentences"),
    ),
    Mutant(
        "an initial after a full stop ends a sentence",
        "translate/segment.py",
        'return bool(before) and not (before[0].isupper() or before.endswith("."))',
        "return bool(before) and not before[0].isupper()",
        ("tests/test_segment.py", "-k", "sentences"),
    ),
    Mutant(
        "Persian digits not folded when numbers are checked",
        "translate/guards.py",
        '"٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789"',
        '"٠١٢٣٤٥٦٧٨٩", "0123456789"',
        ("tests/test_guards.py",),
    ),
    Mutant(
        "a phrase must repeat four times to be flagged",
        "translate/guards.py",
        "trigrams.count(t) >= 3",
        "trigrams.count(t) > 3",
        ("tests/test_guards.py",),
    ),
    # --- summarize ---------------------------------------------------------------------------------------
    Mutant(
        "no lead bonus for the first sentence",
        "summarize/extractive.py",
        "lead * (rank == 0) + (1.0 - lead) * linear",
        "(1.0 - lead) * linear",
        ("tests/test_summarize_extractive.py",),
    ),
    Mutant(
        "summarise-first drops the translation's cache state",
        "summarize/engine.py",
        "cached=first.cached and all(s.cached for s in translation.segments)",
        "cached=first.cached",
        ("tests/test_summarize_abstractive.py", "tests/test_summarize_batch.py", "-k", "cache"),
    ),
    # --- eval --------------------------------------------------------------------------------------------
    Mutant(
        "ROUGE interval from the 5-95 percentiles",
        "eval/rouge.py",
        "np.percentile(means, [2.5, 97.5])",
        "np.percentile(means, [5, 95])",
        ("tests/test_eval_rouge.py",),
    ),
    Mutant(
        "a zero difference counts as significant",
        "eval/scores.py",
        "return self.p_value < SIGNIFICANCE_LEVEL and self.delta != 0",
        "return self.p_value < SIGNIFICANCE_LEVEL",
        ("tests/test_eval_mt.py", "-k", "winner"),
    ),
    Mutant(
        "compare refuses reports of another sacrebleu version",
        "eval/compare.py",
        'if not p.startswith("version:")',
        "if p",
        ("tests/test_eval_report.py",),
    ),
    Mutant(
        "folded scores not signed",
        "eval/mt.py",
        '            signatures[sacre].update("fold", FOLD_SIGNATURE)\n',
        "            pass\n",
        ("tests/test_eval_signatures.py",),
    ),
    Mutant(
        "TER treated as higher-is-better",
        "eval/mt.py",
        'LOWER_IS_BETTER = frozenset({"ter"})',
        "LOWER_IS_BETTER = frozenset()",
        ("tests/test_eval_report.py", "tests/test_eval_cli.py"),
    ),
    Mutant(
        "ROUGE-Lsum does not end a sentence at ؟",
        "eval/rouge.py",
        r'_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+(?=\S)")',
        r'_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")',
        ("tests/test_eval_rouge.py",),
    ),
    Mutant(
        "length ratio over the references' summed words",
        "eval/scores.py",
        "/ max(1, len(references))",
        "/ 1",
        ("tests/test_eval_mt.py", "-k", "length_ratio"),
    ),
    Mutant(
        "a limited run takes the first items of a sorted set",
        "eval/run.py",
        "items[i * len(items) // limit]",
        "items[i]",
        ("tests/test_eval_cli.py", "-k", "limit"),
    ),
    Mutant(
        "cache keys in call-site order",
        "inference/cache_store.py",
        "sort_keys=True",
        "sort_keys=False",
        ("tests/test_cache_key.py", "tests/test_cache.py"),
    ),
    # --- web/limits.py -----------------------------------------------------------------------------------
    Mutant(
        "a request exactly one window old still counts",
        "web/limits.py",
        "while seen and seen[0] <= now - window:",
        "while seen and seen[0] < now - window:",
        ("tests/test_limits.py",),
    ),
    Mutant(
        "the limit admits one request too many",
        "web/limits.py",
        "if len(seen) >= limit:",
        "if len(seen) > limit:",
        ("tests/test_limits.py",),
    ),
    Mutant(
        "a key's own limit is ignored",
        "web/limits.py",
        'return f"key:{api_key}", self.keys[api_key]',
        'return f"key:{api_key}", self.req_limit',
        ("tests/test_limits.py", "tests/test_web_parts.py"),
    ),
    Mutant(
        "a key without a limit gets none",
        "web/limits.py",
        "int(fields[1]) if len(fields) == 2 else default_limit",
        "int(fields[1]) if len(fields) == 2 else 0",
        ("tests/test_limits.py", "tests/test_web_parts.py"),
    ),
    Mutant(
        "a limit of 0 refuses everyone",
        "web/limits.py",
        "if limit <= 0:",
        "if limit < 0:",
        ("tests/test_limits.py", "tests/test_web_parts.py"),
    ),
    Mutant(
        "a wait under a second is let through",
        "web/limits.py",
        "if wait > 0:",
        "if wait > 1:",
        ("tests/test_limits.py",),
    ),
    Mutant(
        "the wait is not clamped at zero",
        "web/limits.py",
        "return max(0.0, seen[0] + window - now)",
        "return seen[0] + window - now",
        ("tests/test_limits.py", "tests/test_web_parts.py"),
        equivalent="requests at or before now - window were just forgotten, so the oldest one left is "
        "younger than the window and the wait is already positive",
    ),
]


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
