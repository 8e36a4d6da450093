"""ROUGE against rouge-score on the bundled CNN/DailyMail, XSum and EASC data, and Arabic tokenisation."""

from __future__ import annotations

import numpy as np
import pytest
from rouge_score.rouge_scorer import RougeScorer

from tarjama.eval import load_cnndm, load_easc, load_xsum, score_summaries
from tarjama.eval.rouge import ROUGE_TYPES, ArabicTokenizer, bootstrap_interval, split_summary_sentences
from tarjama.eval.run import lead
from tarjama.inference.errors import InvalidInputError

N = 30  # items per data set: rouge-score is pure Python


def lead_baseline(name: str) -> tuple[list[str], list[str]]:
    """The lead-N summaries (3 sentences for CNN/DM, 1 for XSum) and the gold references of ``name``."""
    items = {"cnndm": load_cnndm, "xsum": load_xsum}[name]()[:N]
    sentences = 3 if name == "cnndm" else 1
    return [lead(item.article, sentences) for item in items], [item.references[0] for item in items]


@pytest.mark.parametrize("dataset", ["cnndm", "xsum"])
@pytest.mark.parametrize("stem", [True, False])
def test_english_equals_rouge_score(dataset: str, stem: bool) -> None:
    hyps, refs = lead_baseline(dataset)
    system = score_summaries({"lead": hyps}, [refs], "en", stem=stem, n_bootstrap=100).systems[0]
    scorer = RougeScorer(list(ROUGE_TYPES), use_stemmer=stem)
    for rouge_type in ROUGE_TYPES:
        expected = [scorer.score(r, h)[rouge_type].fmeasure for h, r in zip(hyps, refs, strict=True)]
        assert np.allclose(np.array(system.segments[rouge_type]) / 100, expected, atol=1e-6, rtol=0)
        assert system.scores[rouge_type].score / 100 == pytest.approx(np.mean(expected), abs=1e-6)
    assert (
        "stem:porter" in system.scores["rouge1"].signature
        if stem
        else "stem:no" in system.scores["rouge1"].signature
    )


def test_lead_3_on_cnndm_is_in_the_published_range() -> None:
    hyps, refs = lead_baseline("cnndm")
    scores = score_summaries({"lead-3": hyps}, [refs], "en", n_bootstrap=100).systems[0].scores
    # Lead-3 on the full CNN/DM test set: ROUGE-1/2/L(sum) about 40.3/17.7/36.6 (See et al. 2017).
    assert 33 < scores["rouge1"].score < 48
    assert 12 < scores["rouge2"].score < 25
    assert scores["rougeL"].score < scores["rougeLsum"].score < scores["rouge1"].score


def test_several_references_take_the_best_per_item() -> None:
    items = load_easc()[:8]
    refs = [[item.references[k] for item in items] for k in range(5)]
    hyps = [lead(item.article, 3) for item in items]
    system = score_summaries({"lead": hyps}, refs, "ar", n_bootstrap=50).systems[0]
    scorer = RougeScorer(list(ROUGE_TYPES), tokenizer=ArabicTokenizer(stem=True))
    for index, (hyp, item) in enumerate(zip(hyps, items, strict=True)):
        targets = [split_summary_sentences(r) for r in item.references]
        best = scorer.score_multi(targets, split_summary_sentences(hyp))
        for rouge_type in ROUGE_TYPES:
            assert system.segments[rouge_type][index] / 100 == pytest.approx(
                best[rouge_type].fmeasure, abs=1e-9
            )
            single = scorer.score(targets[0], split_summary_sentences(hyp))[rouge_type].fmeasure
            assert best[rouge_type].fmeasure >= single


@pytest.mark.parametrize(
    ("hyp", "ref", "stem", "rouge1"),
    [
        ("كَتَبَ الوَلَدُ الدَّرْسَ", "كتب الولد الدرس", False, 100.0),  # diacritics
        ("كـــتب الولـــد", "كتب الولد", False, 100.0),  # tatweel
        ("أعلن أحمد إلغاء الاجتماع", "اعلن احمد الغاء الاجتماع", False, 100.0),  # hamza forms of alef
        ("مشى على الطريق", "مشي علي الطريق", False, 100.0),  # alef maqsura
        ("المدرسة الجديدة", "المدرسه الجديده", False, 100.0),  # ta marbuta
        ("والكتاب للطلاب", "كتاب طلاب", True, 100.0),  # clitics, with light stemming
        ("والكتاب للطلاب", "كتاب طلاب", False, 0.0),  # ... and without
        ("عام ٢٠١٩", "عام 2019", False, 100.0),  # Arabic-Indic digits
        ("ذهب الولد إلى المدرسة", "ذهب الولد", False, 2 * 0.5 * 1.0 / 1.5 * 100),  # P=2/4, R=2/2
    ],
)
def test_arabic_normalisation_table(hyp: str, ref: str, stem: bool, rouge1: float) -> None:
    system = score_summaries({"s": [hyp]}, [[ref]], "ar", stem=stem, n_bootstrap=10).systems[0]
    assert system.scores["rouge1"].score == pytest.approx(rouge1)


def test_default_rouge_score_tokenizer_erases_arabic() -> None:
    default = RougeScorer(["rouge1"])
    text = "أعلنت وزارة البيشمركة أن وفداً عسكرياً شارك في الحوار عام 2021"
    assert default._tokenizer.tokenize(text) == ["2021"]  # only the digits survive
    assert default.score("وصل الوفد إلى بغداد", "وصل الوفد إلى بغداد")["rouge1"].fmeasure == 0.0
    item = load_easc()[3]
    ours = score_summaries({"s": [item.references[0]]}, [[item.references[0]]], "ar", n_bootstrap=10)
    assert ours.systems[0].score("rouge1") == 100.0


def test_identical_arabic_scores_100_and_unrelated_near_0() -> None:
    refs = [item.references[0] for item in load_easc()[:20]]
    unrelated = refs[7:] + refs[:7]
    evaluation = score_summaries({"same": refs, "unrelated": unrelated}, [refs], "ar", n_bootstrap=100)
    assert all(evaluation.system("same").score(t) == pytest.approx(100.0) for t in ROUGE_TYPES)
    other = evaluation.system("unrelated")
    assert other.score("rouge2") < 2
    assert other.score("rouge1") < 15  # shared function words only


def test_rouge_lsum_uses_sentences() -> None:
    ref = "The cat sat on the mat. The dog barked."
    swapped = "The dog barked. The cat sat on the mat."
    scores = score_summaries({"s": [swapped]}, [[ref]], "en", n_bootstrap=10).systems[0]
    assert scores.score("rougeLsum") == pytest.approx(100.0)
    assert scores.score("rougeL") < 100.0
    assert split_summary_sentences("Hello there. Is it you? Yes!") == "Hello there.\nIs it you?\nYes!"
    assert split_summary_sentences("جاء. ثم ذهب؟ نعم") == "جاء.\nثم ذهب؟\nنعم"
    assert split_summary_sentences("line one\nline two") == "line one\nline two"


def test_bootstrap_interval_is_seeded_and_contains_the_mean() -> None:
    values = [float(v) for v in range(100)]
    first = bootstrap_interval(values, n_bootstrap=500, seed=1)
    assert first == bootstrap_interval(values, n_bootstrap=500, seed=1)
    assert first.low < 49.5 < first.high
    for seed in range(3):  # the 2.5-97.5 percentiles: ±1.96 standard errors (5-95 would be ±1.645)
        interval = bootstrap_interval(values, n_bootstrap=4000, seed=seed)
        assert interval.high - interval.low == pytest.approx(2 * 1.96 * np.std(values) / 10, rel=0.05)
        assert (interval.high + interval.low) / 2 == pytest.approx(49.5, abs=0.3)


@pytest.mark.parametrize(
    ("hyps", "refs", "lang", "message"),
    [
        ({"h": ["a", "b"]}, [["a"]], "en", "h has 2 items but reference 1 has 1"),
        ({"h": ["a"]}, [[""]], "en", "item 1 has no reference"),
        ({"h": ["a"]}, [["a"]], "fr", "'fr'"),
        ({}, [["a"]], "en", "at least one hypothesis"),
    ],
)
def test_bad_input_raises_one_clear_error(
    hyps: dict[str, list[str]], refs: list[list[str]], lang: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        score_summaries(hyps, refs, lang)
