"""The bugs ``python -m bench.mutants`` plants: each a file, a snippet of today's code, what the bug turns it
into and the tests that should catch it (``tests/test_mutants.py`` checks that each can still be planted)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
        ("tests/test_segment_sentences.py",),
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
        '"source": source, "target": target}',
        '"source": source}',
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
        ("tests/test_segment_sentences.py",),
    ),
    Mutant(
        "an initial after a full stop ends a sentence",
        "translate/segment.py",
        'return bool(before) and not (before[0].isupper() or before.endswith("."))',
        "return bool(before) and not before[0].isupper()",
        ("tests/test_segment_sentences.py",),
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
        "any(count >= 3 for count in trigrams.values())",
        "any(count > 3 for count in trigrams.values())",
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
