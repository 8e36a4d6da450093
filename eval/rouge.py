"""Summary metrics: ROUGE-1, -2, -L and -Lsum F1 from ``rouge-score``, with bootstrap intervals.

English is scored exactly as ``rouge_score.rouge_scorer.RougeScorer(types, use_stemmer=True)`` scores it.
Arabic gets its own tokenizer: rouge-score's default one keeps only ``[a-z0-9]`` and so turns Arabic
text into no tokens at all, which scores every Arabic summary 0 (or, in some published tables, scores
only the Latin names and numbers in it). :class:`ArabicTokenizer` folds diacritics, tatweel, hamza
forms of alef, alef maqsura and ta marbuta and can strip common clitics (light stemming).

Several references per item: each ROUGE type takes the reference with the best F1 for that item
(``RougeScorer.score_multi``); the corpus score is the mean F1 over items, times 100. The interval is
the 2.5–97.5 percentile range of the mean over seeded bootstrap resamples of the items. ROUGE-Lsum
needs sentences: line breaks inside an item are kept as sentence breaks, and an item without any is
split after ``. ! ? ؟`` followed by whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib.metadata import version

import numpy as np
from rouge_score.rouge_scorer import RougeScorer

from tarjama.eval.scores import (
    Evaluation,
    Interval,
    MetricScore,
    SystemScores,
    check_bootstrap_samples,
    length_ratio,
)
from tarjama.inference.arabic import tokenize_arabic
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
LANGUAGES = ("ar", "en")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+(?=\S)")


class ArabicTokenizer:
    """A rouge-score tokenizer for Arabic: normalised word tokens, optionally light-stemmed."""

    def __init__(self, *, stem: bool = True) -> None:
        self.stem = stem

    def tokenize(self, text: str) -> list[str]:
        """The tokens rouge-score counts (the ``tokenize`` method its scorer calls)."""
        return tokenize_arabic(text, stem=self.stem)


def make_scorer(lang: str, *, stem: bool = True) -> RougeScorer:
    """The rouge-score scorer: Porter stemming for English, :class:`ArabicTokenizer` for Arabic."""
    if lang == "en":
        return RougeScorer(list(ROUGE_TYPES), use_stemmer=stem)
    if lang == "ar":
        return RougeScorer(list(ROUGE_TYPES), tokenizer=ArabicTokenizer(stem=stem))
    raise InvalidInputError(f"cannot score summaries in {lang!r}; use one of: {', '.join(LANGUAGES)}")


def rouge_signature(lang: str, *, stem: bool, n_bootstrap: int, seed: int) -> str:
    """A sacrebleu-style signature that pins down how the ROUGE numbers were made."""
    tokenizer = "rouge-score" if lang == "en" else "tarjama-ar"
    stemmer = ("porter" if lang == "en" else "light") if stem else "no"
    fold = "|fold:diac+tatweel+alef+ya+ta+digits" if lang == "ar" else ""
    return (
        f"lang:{lang}|tok:{tokenizer}{fold}|stem:{stemmer}|multiref:max-f1|agg:mean|"
        f"bs:{n_bootstrap}|seed:{seed}|lsum:newline|version:rouge-score-{version('rouge-score')}"
    )


def split_summary_sentences(text: str) -> str:
    """``text`` with one sentence per line, as ROUGE-Lsum expects; existing line breaks are kept."""
    if "\n" in text.strip():
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())
    return "\n".join(_SENTENCE_END.split(text.strip()))


def bootstrap_interval(values: Sequence[float], *, n_bootstrap: int, seed: int) -> Interval:
    """Mean and 2.5–97.5 percentile range of the mean over ``n_bootstrap`` resamples of ``values``."""
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(n_bootstrap, len(data)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Interval(float(means.mean()), float(low), float(high))


def score_items(
    scorer: RougeScorer, hyps: Sequence[str], refs: Sequence[Sequence[str]]
) -> dict[str, list[float]]:
    """Per-item F1 (0–1) for each ROUGE type; ``refs`` holds the references of each item."""
    per_type: dict[str, list[float]] = {t: [] for t in ROUGE_TYPES}
    for hyp, item_refs in zip(hyps, refs, strict=True):
        scores = scorer.score_multi(
            [split_summary_sentences(r) for r in item_refs], split_summary_sentences(hyp)
        )
        for rouge_type in ROUGE_TYPES:
            per_type[rouge_type].append(scores[rouge_type].fmeasure)
    return per_type


def score_summaries(
    hyps: Mapping[str, Sequence[str]],
    refs: Sequence[Sequence[str]],
    lang: str,
    *,
    stem: bool = True,
    n_bootstrap: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_BOOTSTRAP_SEED,
) -> Evaluation:
    """ROUGE F1 (0–100) with 95% intervals for every system in ``hyps`` (name -> one summary per item).

    ``refs`` is a list of reference streams (``--ref A --ref B``), each as long as the hypotheses;
    an empty string in a stream means that item has one reference fewer.
    """
    if not hyps or not refs:
        raise InvalidInputError("need at least one hypothesis and one reference file")
    check_bootstrap_samples(n_bootstrap)
    n = len(refs[0])
    for name, lines in [*((f"reference {i}", s) for i, s in enumerate(refs, 1)), *hyps.items()]:
        if len(lines) != n:
            raise InvalidInputError(f"{name} has {len(lines)} items but reference 1 has {n}")
    item_refs = [[r for r in row if r.strip()] for row in zip(*refs, strict=True)]
    for number, row in enumerate(item_refs, 1):
        if not row:
            raise InvalidInputError(f"item {number} has no reference")
    scorer = make_scorer(lang, stem=stem)
    signature = rouge_signature(lang, stem=stem, n_bootstrap=n_bootstrap, seed=seed)
    systems = []
    for name, lines in hyps.items():
        per_type = score_items(scorer, lines, item_refs)
        scores = {}
        for rouge_type, values in per_type.items():
            ci = bootstrap_interval([100 * v for v in values], n_bootstrap=n_bootstrap, seed=seed)
            scores[rouge_type] = MetricScore(rouge_type, 100 * float(np.mean(values)), signature, ci)
        segments = {t: tuple(100 * v for v in values) for t, values in per_type.items()}
        ratios = tuple(length_ratio(h, r) for h, r in zip(lines, item_refs, strict=True))
        systems.append(SystemScores(name, scores, segments, ratios))
    return Evaluation(
        kind="summary",
        lang=lang,
        items=n,
        references=len(refs),
        metrics=ROUGE_TYPES,
        systems=tuple(systems),
    )
