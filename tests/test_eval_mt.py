"""Translation metrics against sacrebleu itself, on the bundled NTREX-128 news sentences."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

from tarjama.eval import load_ntrex, score_translations
from tarjama.eval.mt import guess_lang
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_BOOTSTRAP_SAMPLES

N = 120  # NTREX lines per test: enough for stable bootstrap figures, fast enough for the suite
BOOTSTRAP = 200  # resamples where the test compares with sacrebleu at the same setting (its default: 1000)


def drop_words(lines: list[str], rate: float, seed: int) -> list[str]:
    """A degraded "system output": each word dropped with probability ``rate`` (deterministic)."""
    rng = random.Random(seed)
    return [" ".join(w for w in line.split() if rng.random() >= rate) or line.split()[0] for line in lines]


@pytest.fixture(scope="module")
def ntrex_en() -> list[str]:
    return [item.reference for item in load_ntrex("ar", "en").items[:N]]


@pytest.fixture(scope="module")
def ntrex_ar() -> list[str]:
    return [item.reference for item in load_ntrex("en", "ar").items[:N]]


def sacrebleu_scores(
    hyps: list[str], refs: list[list[str]], tokenize: str
) -> dict[str, tuple[float, float, float]]:
    """(score, bootstrap mean, half-width) per metric, straight from sacrebleu's corpus_score."""
    out = {}
    for key, metric in (("bleu", BLEU(tokenize=tokenize)), ("chrf", CHRF(word_order=2)), ("ter", TER())):
        score = metric.corpus_score(hyps, refs, n_bootstrap=BOOTSTRAP)
        out[key] = (score.score, score._mean, score._ci)
    return out


@pytest.mark.parametrize(
    ("lang", "rate", "n_refs", "tokenize"),
    [
        ("en", 0.1, 1, "13a"),
        ("en", 0.4, 1, "13a"),
        ("en", 0.2, 2, "13a"),
        ("ar", 0.1, 1, "intl"),
        ("ar", 0.3, 2, "intl"),
    ],
)
def test_scores_and_intervals_equal_sacrebleu(
    lang: str, rate: float, n_refs: int, tokenize: str, ntrex_en: list[str], ntrex_ar: list[str]
) -> None:
    refs_text = ntrex_en if lang == "en" else ntrex_ar
    refs = [refs_text] + [drop_words(refs_text, 0.05, seed=99)] * (n_refs - 1)
    hyps = drop_words(refs_text, rate, seed=1)
    result = score_translations({"sys": hyps}, refs, lang, n_bootstrap=BOOTSTRAP).systems[0]
    expected = sacrebleu_scores(hyps, refs, tokenize)
    for metric, (score, mean, half) in expected.items():
        got = result.scores[metric]
        assert got.score == pytest.approx(score, abs=1e-9), metric
        assert got.ci is not None
        assert got.ci.mean == pytest.approx(mean, abs=1e-4), metric
        assert got.ci.high - got.ci.low == pytest.approx(2 * half, abs=1e-4), metric
        assert f"nrefs:{n_refs}" in got.signature and f"bs:{BOOTSTRAP}" in got.signature
    assert f"tok:{tokenize}" in result.scores["bleu"].signature


@pytest.mark.parametrize(("lang", "n_refs"), [("en", 1), ("en", 2), ("ar", 1), ("ar", 2)])
def test_per_item_chrf_equals_sacrebleu_sentence_chrf_plus_plus(
    lang: str, n_refs: int, ntrex_en: list[str], ntrex_ar: list[str]
) -> None:
    refs_text = (ntrex_en if lang == "en" else ntrex_ar)[:40]
    refs = [refs_text] + [drop_words(refs_text, 0.2, seed=7)] * (n_refs - 1)
    hyps = drop_words(refs_text, 0.3, seed=3)
    system = score_translations({"sys": hyps}, refs, lang, n_bootstrap=10).systems[0]
    chrf_plus_plus = CHRF(word_order=2)  # the corpus chrF++ beside these figures
    expected = [
        chrf_plus_plus.sentence_score(h, list(row)).score
        for h, row in zip(hyps, zip(*refs, strict=True), strict=True)
    ]
    assert system.segments["chrf"] == pytest.approx(expected, abs=1e-9)
    assert system.as_dict(details=True)["segments"]["chrf"] == [round(v, 4) for v in expected]
    plain_chrf = [CHRF().sentence_score(h, [r]).score for h, r in zip(hyps, refs_text, strict=True)]
    assert expected != pytest.approx(plain_chrf)  # the data tells chrF from chrF++


FEW = [
    "the cat sat on the mat today",
    "a dog runs in the park",
    "we ate bread and cheese",
    "the sun is bright now",
    "he reads a long book",
]


@pytest.mark.parametrize(
    ("hyps", "metric", "floor", "ceiling"),
    [
        (["xyz qqq", *FEW[1:]], "chrf", 0.0, 100.0),  # sacrebleu: mean ± half reaches ~110
        (["xyz qqq", *FEW[1:]], "bleu", 0.0, 100.0),  # ~112
        (["xyz qqq", *FEW[1:]], "ter", 0.0, None),  # ~-10
        (["xyz qqq", "xyz qqq", *FEW[2:]], "chrf", 0.0, 100.0),  # ~100.3
    ],
)
def test_intervals_stay_within_the_metrics_range(
    hyps: list[str], metric: str, floor: float, ceiling: float | None
) -> None:
    """Four of five lines perfect: the resampled scores pile up at the bound, so sacrebleu's symmetric
    ``mean ± half-width`` leaves the range; tarjama clips it there and keeps sacrebleu's other end."""
    result = score_translations({"sys": hyps}, [FEW], "en", n_bootstrap=BOOTSTRAP).systems[0]
    ci = result.scores[metric].ci
    assert ci is not None
    _, mean, half = sacrebleu_scores(hyps, [FEW], "13a")[metric]
    raw_low, raw_high = mean - half, mean + half
    assert raw_low < floor or (ceiling is not None and raw_high > ceiling)  # the case is one that leaves it
    assert ci.low == pytest.approx(max(floor, raw_low), abs=1e-4)
    assert ci.high == pytest.approx(raw_high if ceiling is None else min(ceiling, raw_high), abs=1e-4)
    assert floor <= ci.low <= ci.mean <= ci.high


def test_paired_test_equals_sacrebleu_paired_bootstrap(ntrex_en: list[str]) -> None:
    systems = {
        "a": drop_words(ntrex_en, 0.1, 1),
        "b": drop_words(ntrex_en, 0.15, 2),
        "c": drop_words(ntrex_en, 0.5, 3),
    }
    evaluation = score_translations(systems, [ntrex_en], "en", n_bootstrap=BOOTSTRAP)
    metrics = {"bleu": BLEU(tokenize="13a"), "chrf": CHRF(word_order=2), "ter": TER()}
    _, table = PairedTest(list(systems.items()), metrics, [ntrex_en], test_type="bs", n_samples=BOOTSTRAP)()
    names = {"bleu": "BLEU", "chrf": "chrF2++", "ter": "TER"}
    by_pair = {(c.system, c.metric): c for c in evaluation.significance}
    assert len(by_pair) == 6
    for index, system in enumerate(["b", "c"], 1):
        for metric, sacre in names.items():
            assert by_pair[system, metric].p_value == pytest.approx(table[sacre][index].p_value)
            assert by_pair[system, metric].score == pytest.approx(table[sacre][index].score)


def _cli_numbers(output: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d{4}", output)]


def test_same_numbers_as_the_sacrebleu_command_on_the_same_files(tmp_path: Path, ntrex_ar: list[str]) -> None:
    ref, base, other = tmp_path / "ref.ar", tmp_path / "base.ar", tmp_path / "other.ar"
    ref.write_text("\n".join(ntrex_ar) + "\n", encoding="utf-8")
    base.write_text("\n".join(drop_words(ntrex_ar, 0.1, 5)) + "\n", encoding="utf-8")
    other.write_text("\n".join(drop_words(ntrex_ar, 0.2, 6)) + "\n", encoding="utf-8")
    options = ["-m", "bleu", "chrf", "ter", "--chrf-word-order", "2", "-tok", "intl", "--paired-bs"]
    options += ["--paired-bs-n", str(BOOTSTRAP), "-w", "4", "-f", "text"]
    command = [sys.executable, "-m", "sacrebleu", str(ref), "-i", str(base), str(other), *options]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    numbers = _cli_numbers(output.split("Paired bootstrap")[0])
    hyps = {"base": base.read_text().splitlines(), "other": other.read_text().splitlines()}
    evaluation = score_translations(hyps, [ref.read_text().splitlines()], "ar", n_bootstrap=BOOTSTRAP)
    ours: list[float] = []
    for index, system in enumerate(evaluation.systems):
        for metric in ("bleu", "chrf", "ter"):
            score = system.scores[metric]
            assert score.ci is not None
            ours += [score.score, score.ci.mean, (score.ci.high - score.ci.low) / 2]
        if index:
            ours += [c.p_value for c in evaluation.significance if c.system == system.name]
    # baseline row, second system's row, then its three p-values on the line below (4 decimals)
    assert ours == pytest.approx(numbers[:21], abs=6e-5)


@pytest.mark.parametrize(
    ("hyp", "ref", "bleu"),
    [
        (
            "قال الرئيس، في بيان: «لن نتراجع»؛ هل هذا صحيح؟",
            "قال الرئيس ، في بيان : « لن نتراجع » ؛ هل هذا صحيح ؟",
            100.0,
        ),
        (
            "قال الرئيس، في بيان: «لن نتراجع»؛ هل هذا صحيح؟",
            "قال الرئيس، في بيان: «لن نتراجع»؛ هل هذا صحيح؟",
            100.0,
        ),
    ],
)
def test_arabic_punctuation_is_split_off_words(hyp: str, ref: str, bleu: float) -> None:
    system = score_translations({"s": [hyp]}, [[ref]], "ar", n_bootstrap=10).systems[0]
    assert system.scores["bleu"].score == pytest.approx(bleu)
    assert BLEU(tokenize="13a").corpus_score([hyp], [[ref]]).score < 50 or hyp == ref


def test_known_winner_is_significant_and_a_copy_is_not(ntrex_en: list[str]) -> None:
    worse = drop_words(ntrex_en, 0.35, 11)
    better = drop_words(ntrex_en, 0.05, 12)
    evaluation = score_translations({"worse": worse, "copy": list(worse), "better": better}, [ntrex_en], "en")
    result = {(c.system, c.metric): c for c in evaluation.significance}
    for metric in ("bleu", "chrf", "ter"):
        assert result["better", metric].significant
        assert result["better", metric].p_value < 0.01
        assert result["copy", metric].delta == 0
        assert not result["copy", metric].significant  # though sacrebleu's p is 1/1001 here
    assert result["better", "bleu"].delta > 10
    assert result["better", "ter"].delta < 0  # TER: lower is better


def test_folding_arabic_spelling_is_optional_and_signed() -> None:
    hyps, refs = ["اعلن احمد ان الاجتماع الى موعد اخر"], [["أعلن أحمد أن الاجتماع إلى موعد آخر"]]
    plain = score_translations({"s": hyps}, refs, "ar", n_bootstrap=10).systems[0].scores["bleu"]
    folded = score_translations({"s": hyps}, refs, "ar", n_bootstrap=10, fold_arabic=True).systems[0]
    assert plain.score < 20
    assert folded.scores["bleu"].score == pytest.approx(100.0)
    assert all("fold:ar-orth" in s.signature for s in folded.scores.values())
    assert "fold" not in plain.signature


@pytest.mark.parametrize(("lines", "lang"), [(["The talks ended."], "en"), (["انتهت المحادثات."], "ar")])
def test_target_language_is_guessed_from_references(lines: list[str], lang: str) -> None:
    assert guess_lang([lines]) == lang
    assert score_translations({"s": lines}, [lines], n_bootstrap=10).lang == lang


@pytest.mark.parametrize(
    ("hyps", "refs", "message"),
    [
        ({"hyp.txt": ["a", "b"]}, [["a", "b", "c"]], "hyp.txt has 2 lines but the references have 3"),
        ({"hyp.txt": ["a"]}, [["a"], ["a", "b"]], "reference 2 has 2 lines but reference 1 has 1"),
        ({}, [["a"]], "no hypotheses"),
        ({"hyp.txt": ["a"]}, [], "no references"),
    ],
)
def test_bad_shapes_raise_one_clear_error(
    hyps: dict[str, list[str]], refs: list[list[str]], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        score_translations(hyps, refs, "en")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="'fr'"):
        score_translations({"s": ["a"]}, [["a"]], "fr")


def test_bootstrap_default_is_sacrebleus() -> None:
    assert PairedTest._DEFAULT_SAMPLES["bs"] == DEFAULT_BOOTSTRAP_SAMPLES


@pytest.mark.parametrize(
    ("hyp", "refs", "ratio"),
    [
        ("a b c d", ["a b c d"], 1.0),
        ("a b c d", ["a b", "a b c d e f"], 1.0),  # against the mean length of the references
        ("a b", ["a b c d", "a b c d", "a b c d"], 0.5),
        ("a b", ["a b c d", ""], 1.0),  # an empty reference counts as one of no words
    ],
)
def test_length_ratio_is_over_the_mean_reference_length(hyp: str, refs: list[str], ratio: float) -> None:
    system = score_translations({"s": [hyp]}, [[r] for r in refs], "en", n_bootstrap=10).systems[0]
    assert system.length_ratios == (pytest.approx(ratio),)
    assert system.as_dict()["length_ratio"] == pytest.approx(ratio)
