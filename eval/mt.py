"""Translation metrics: sacrebleu's BLEU, chrF++ and TER with bootstrap intervals and paired significance.

Every number is sacrebleu's own: its metric classes score the corpus and its ``PairedTest`` (paired
bootstrap resampling, Koehn 2004) gives the 95% intervals and p-values, so ``sacrebleu REF -i HYP ...
-m bleu chrf ter --chrf-word-order 2 --paired-bs`` with the options in the signature prints the same.

Tokenisation follows the target language. English uses sacrebleu's default ``13a``. Arabic uses ``intl``:
``13a`` splits only ASCII punctuation, so ``،`` ``؛`` ``؟`` and ``«»`` stay glued to words and every
Arabic clause boundary costs n-gram matches; ``intl`` splits on all Unicode punctuation and symbols and
needs no download (the ``flores200`` SentencePiece tokenisers do). chrF++ and TER are the same for both
languages. ``fold_arabic`` optionally folds spelling variants (diacritics, tatweel, hamza forms of alef,
alef maqsura, Arabic-Indic digits) in hypotheses and references first; the signature then says
``fold:ar-orth`` and the numbers no longer match plain sacrebleu on the raw files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric
from sacrebleu.significance import PairedTest, Result

from tarjama.eval.scores import (
    Evaluation,
    Interval,
    MetricScore,
    PairedComparison,
    SystemScores,
    check_bootstrap_samples,
    length_ratio,
)
from tarjama.inference.arabic import arabic_ratio, normalize_arabic
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_BOOTSTRAP_SAMPLES

METRICS = ("bleu", "chrf", "ter")
LOWER_IS_BETTER = frozenset({"ter"})
# The values each metric can take: BLEU and chrF++ 0-100, TER 0 and up (an output longer than its
# reference can need more edits than the reference has words).
METRIC_RANGES = {"bleu": (0.0, 100.0), "chrf": (0.0, 100.0), "ter": (0.0, float("inf"))}
BLEU_TOKENIZERS = {"en": "13a", "ar": "intl"}
FOLD_SIGNATURE = "ar-orth"


def make_metrics(lang: str) -> dict[str, Metric]:
    """Fresh sacrebleu metric objects for a target language: BLEU, chrF++ (word order 2) and TER."""
    if lang not in BLEU_TOKENIZERS:
        raise InvalidInputError(f"cannot score target language {lang!r}; use one of: ar, en")
    return {"bleu": BLEU(tokenize=BLEU_TOKENIZERS[lang]), "chrf": CHRF(word_order=2), "ter": TER()}


def guess_lang(references: Sequence[Sequence[str]]) -> str:
    """``ar`` when most letters of the first reference stream are Arabic, else ``en``."""
    sample = " ".join(references[0][:200]) if references else ""
    return "ar" if arabic_ratio(sample) > 0.5 else "en"


def fold(text: str) -> str:
    """Arabic spelling folding used by ``fold_arabic``; ta marbuta is kept (it changes words)."""
    return normalize_arabic(text, ta_marbuta=False)


def _check_shapes(hyps: Mapping[str, Sequence[str]], refs: Sequence[Sequence[str]]) -> int:
    if not hyps:
        raise InvalidInputError("no hypotheses to score")
    if not refs:
        raise InvalidInputError("no references to score against")
    n = len(refs[0])
    if n == 0:
        raise InvalidInputError("the references are empty")
    for index, stream in enumerate(refs[1:], 2):
        if len(stream) != n:
            raise InvalidInputError(f"reference {index} has {len(stream)} lines but reference 1 has {n}")
    for name, lines in hyps.items():
        if len(lines) != n:
            raise InvalidInputError(f"{name} has {len(lines)} lines but the references have {n}")
    return n


def score_translations(
    hyps: Mapping[str, Sequence[str]],
    refs: Sequence[Sequence[str]],
    lang: str | None = None,
    *,
    n_bootstrap: int = DEFAULT_BOOTSTRAP_SAMPLES,
    fold_arabic: bool = False,
) -> Evaluation:
    """BLEU, chrF++ and TER for every system in ``hyps`` (name -> lines), in order.

    ``refs`` is a list of reference streams, each as long as every hypothesis list. ``lang`` is the
    target language (guessed from the references when ``None``). Each system gets a 95% bootstrap
    interval; every system after the first is compared with the first by paired bootstrap resampling.
    """
    n = _check_shapes(hyps, refs)
    check_bootstrap_samples(n_bootstrap)
    lang = lang or guess_lang(refs)
    if fold_arabic:
        hyps = {name: [fold(line) for line in lines] for name, lines in hyps.items()}
        refs = [[fold(line) for line in stream] for stream in refs]
    metrics = make_metrics(lang)
    named = [(name, list(lines)) for name, lines in hyps.items()]
    test = PairedTest(named, metrics, [list(s) for s in refs], test_type="bs", n_samples=n_bootstrap)
    signatures, table = test()
    # PairedTest names metrics by their score names ("chrF2++"); map them back to ours.
    key_of = {
        sacre: key for sacre, metric in test.metrics.items() for key, m in metrics.items() if m is metric
    }
    results: dict[str, list[Result]] = {}
    signature_of: dict[str, str] = {}
    for sacre, key in key_of.items():
        results[key] = [r for r in table[sacre] if isinstance(r, Result)]
        if fold_arabic:
            signatures[sacre].update("fold", FOLD_SIGNATURE)
        signature_of[key] = signatures[sacre].format()

    sentence_chrf = CHRF(word_order=2)
    ref_rows = [list(row) for row in zip(*refs, strict=True)]
    systems: list[SystemScores] = []
    comparisons: list[PairedComparison] = []
    baseline = named[0][0]
    for index, (name, lines) in enumerate(named):
        scores = {}
        for key in METRICS:
            result = results[key][index]
            scores[key] = MetricScore(key, float(result.score), signature_of[key], _interval(result, key))
            if index > 0:
                base, p_value = float(results[key][0].score), float(result.p_value or 0.0)
                comparisons.append(PairedComparison(name, baseline, key, float(result.score), base, p_value))
        chrf = tuple(
            sentence_chrf.sentence_score(h, row).score for h, row in zip(lines, ref_rows, strict=True)
        )
        ratios = tuple(length_ratio(h, row) for h, row in zip(lines, ref_rows, strict=True))
        systems.append(SystemScores(name, scores, {"chrf": chrf}, ratios))
    return Evaluation(
        kind="mt",
        lang=lang,
        items=n,
        references=len(refs),
        metrics=METRICS,
        systems=tuple(systems),
        significance=tuple(comparisons),
        lower_is_better=LOWER_IS_BETTER,
    )


def _interval(result: Result, metric: str) -> Interval | None:
    """sacrebleu reports ``mean ± half-width`` of the 2.5–97.5 percentile range: symmetric, so a skewed
    resampling near a bound reaches past it (chrF 102, TER −9). Its numbers are kept, clipped to the
    metric's range (``METRIC_RANGES``)."""
    if result.mean is None or result.ci is None:
        return None
    mean, half = float(result.mean), float(result.ci)
    floor, ceiling = METRIC_RANGES[metric]
    return Interval(mean, max(floor, mean - half), min(ceiling, mean + half))
