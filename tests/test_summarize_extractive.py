"""The extractive method on real news (tests/data/summarize, see SOURCE.md there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.eval.testsets import load_easc
from tarjama.inference.errors import InvalidInputError
from tarjama.summarize import (
    ExtractiveOptions,
    Summarizer,
    article_sentences,
    content_words,
    score_sentences,
    select_sentences,
    stop_words,
    summary_length,
    unwrap_lines,
)

DATA = Path(__file__).parent / "data" / "summarize"
ANT = [json.loads(line) for line in (DATA / "ant_one_sentence.jsonl").read_text("utf-8").splitlines()]
CNN = [json.loads(line) for line in (DATA / "cnndm_sample.jsonl").read_text("utf-8").splitlines()]
ARTICLES = [(r["text"], "ar") for r in ANT[::5]] + [(r["article"], "en") for r in CNN]
FURNITURE = "• Thursday, 23 January 2025\nlogo\n\n"


@pytest.fixture(scope="module")
def summarizer() -> Summarizer:
    return Summarizer(use_cache=False)


@pytest.mark.parametrize(("text", "lang"), ARTICLES)
@pytest.mark.parametrize("count", [1, 3, 5])
def test_length_order_and_no_repeats(summarizer: Summarizer, text: str, lang: str, count: int) -> None:
    result = summarizer.summarize(text, lang=lang, sentences=count)
    sentences = article_sentences(text, lang).sentences
    assert len(result.sentences) == min(count, len(sentences))
    assert list(result.indices) == sorted(set(result.indices))  # article order, each sentence once
    assert result.sentences == tuple(sentences[i] for i in result.indices)
    assert len({" ".join(content_words(s, lang)) for s in result.sentences}) == len(result.sentences)
    assert result.method == "extractive" and result.model is None and result.lang == result.to == lang


@pytest.mark.parametrize(("text", "lang"), ARTICLES[:4])
@pytest.mark.parametrize("ratio", [0.1, 0.3, 0.5, 1.0])
def test_ratio(summarizer: Summarizer, text: str, lang: str, ratio: float) -> None:
    sentences = article_sentences(text, lang).sentences
    prose = sum(score_sentences(sentences, lang).candidate)  # distinct sentences that are not furniture
    result = summarizer.summarize(text, lang=lang, ratio=ratio)
    assert len(result.sentences) == min(prose, max(1, int(ratio * len(sentences) + 0.5)))
    assert result.article_sentence_count == len(sentences)


@pytest.mark.parametrize(
    ("total", "sentences", "ratio", "expected"),
    [(10, 3, None, 3), (2, 3, None, 2), (10, None, 0.25, 3), (10, None, 0.04, 1), (7, None, 1.0, 7)],
)
def test_summary_length(total: int, sentences: int | None, ratio: float | None, expected: int) -> None:
    assert summary_length(total, sentences=sentences, ratio=ratio) == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentences": 0}, "at least 1"),
        ({"ratio": 0.0}, "ratio"),
        ({"ratio": 1.5}, "ratio"),
        ({"sentences": 2, "ratio": 0.5}, "not both"),
        ({"method": "magic"}, "method"),
        ({"lang": "fr"}, "language"),
    ],
)
def test_bad_options(summarizer: Summarizer, kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        summarizer.summarize(ANT[0]["text"], **kwargs)


@pytest.mark.parametrize("text", ["", "   \n\n ", "\u200b\n"])
def test_empty_text(summarizer: Summarizer, text: str) -> None:
    with pytest.raises(InvalidInputError, match="no text"):
        summarizer.summarize(text, lang="ar")


def test_furniture_and_doubled_headline_are_skipped(summarizer: Summarizer) -> None:
    record = ANT[0]
    text = f"{FURNITURE}{record['title']}\n\n{record['title']}\n\n{record['text']}\n\nTop"
    result = summarizer.summarize(text, lang="ar", sentences=4)
    assert result.sentences[0] == record["title"]  # the headline, once
    assert result.sentences.count(record["title"]) == 1
    assert not {"logo", "Top", "• Thursday, 23 January 2025"} & set(result.sentences)
    assert result.summary.startswith(record["title"] + "\n")  # a headline stays on its own line


def test_one_sentence_is_the_lead_on_news() -> None:
    """News puts the gist first: on every vendored article the one-sentence summary is the first."""
    picked = [select_sentences(article_sentences(r["text"], "ar").sentences, "ar", 1) for r in ANT]
    assert picked == [[0]] * len(ANT)


def test_centrality_alone_prefers_the_sentence_about_the_topic() -> None:
    sentences = [
        "The weather was mild on Tuesday.",
        "Kurdish leaders met in Erbil to discuss the budget dispute with Baghdad.",
        "The budget dispute between Erbil and Baghdad has delayed salaries.",
        "Baghdad says the Erbil budget talks will resume next week.",
        "A cat was seen on the roof.",
    ]
    scores = score_sentences(sentences, "en", ExtractiveOptions(position_weight=0.0))
    assert max(range(5), key=lambda i: scores.centrality[i]) in (1, 2, 3)
    assert scores.centrality[0] < min(scores.centrality[1:4]) and scores.centrality[4] < min(
        scores.centrality[1:4]
    )
    assert select_sentences(sentences, "en", 2, ExtractiveOptions(position_weight=0.0)) != [0, 4]


def test_redundancy_skips_a_near_copy() -> None:
    sentences = [
        "The Kurdistan Region held parliamentary elections on Sunday.",
        "The Kurdistan Region held its parliamentary elections on Sunday.",
        "Turnout was lower than in 2013, officials in Erbil said.",
        "Results are expected within ten days.",
    ]
    assert select_sentences(sentences, "en", 2) == [0, 2]


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("الْمَدْرَسَةُ", "المدرسة"),  # diacritics
        ("المـــدرسة", "المدرسة"),  # tatweel
        ("أحمد إلى آخر", "احمد الي اخر"),  # hamza forms of alef, alef maqsura
        ("مدرسة", "مدرسه"),  # ta marbuta
        ("عام ٢٠١٨ الانتخابات", "عام 2018 الانتخابات"),  # Arabic-Indic digits
    ],
)
def test_arabic_spelling_variants_are_the_same_words(variant: str, plain: str) -> None:
    assert content_words(variant, "ar") == content_words(plain, "ar")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("ذهب الرئيس إلى أربيل في هذا اليوم", ["ذهب", "رئيس", "اربيل", "يوم"]),
        ("والانتخابات البرلمانية للحكومة", ["انتخاب", "برلمان", "حكوم"]),
        ("وهذا الذي كان فيه", []),
    ],
)
def test_arabic_stop_words_and_light_stemming(sentence: str, expected: list[str]) -> None:
    assert content_words(sentence, "ar") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The talks were delayed by the elections", ["talk", "delay", "election"]),
        ("Officials said it would be announced", ["official", "announc"]),
    ],
)
def test_english_stop_words_and_stemming(sentence: str, expected: list[str]) -> None:
    assert content_words(sentence, "en") == expected


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_stop_word_lists_are_normalised(lang: str) -> None:
    words = stop_words(lang)
    assert len(words) > 100
    assert all(content_words(w, lang, stem=False) == [] for w in words)


LINES = ["قدم المصمم اللبناني", "عرضه السابع في روما،", "بعد عروض ناجحة أقامها", "في بيروت، وانتقد هجرة"]
WRAPPED = "\n".join([*LINES, "المصممين العرب.", "وقال إن"])
UNWRAPPED = " ".join([*LINES, "المصممين العرب."])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WRAPPED, UNWRAPPED + "\nوقال إن"),  # hard-wrapped newspaper lines are joined
        ("قصير\nجدا\nهنا.", "قصير\nجدا\nهنا."),  # too few lines to call it wrapped
        ("الجملة الأولى.\nالجملة الثانية.\nالجملة الثالثة.\nالرابعة.", None),  # one sentence per line
        ("عنوان الخبر\n\nالجملة الأولى.\nالجملة الثانية.", None),  # a headline apart from the text
    ],
)
def test_unwrap_lines(text: str, expected: str | None) -> None:
    assert unwrap_lines(text) == (text if expected is None else expected)


def _article(article_id: str) -> list[str]:
    """The sentences of an EASC article (``eval/data/easc``) or of a vendored ANT one, by id."""
    texts = {item.id: item.article for item in load_easc()} | {r["id"]: r["text"] for r in ANT}
    return list(article_sentences(texts[article_id], "ar").sentences)


@pytest.mark.parametrize(
    ("article_id", "chosen", "outranking", "restated"),
    [
        # Sentence 3 (Iran struck the KDP-I headquarters) outscores sentence 2 on centrality and position,
        # but it restates the lead (TF-IDF similarity 0.40 with sentence 0): the penalty takes 2 instead.
        ("CN-middleEast-1321-20180908", [0, 1, 2], 3, 0),
        # Sentence 4 ("physics is the science of nature ...") outscores sentence 2 but repeats sentence 1's
        # definition (similarity 0.20); without the penalty it would be the third pick.
        ("Topic15", [0, 1, 2], 4, 1),
        # Sentence 2 (earthquakes crack the ground) outscores sentence 4 (the Lisbon earthquake) by 0.013 and
        # shares the lead's words (similarity 0.08): the penalty of 0.024 lets the new fact in.
        ("Topic23", [0, 1, 4], 2, 0),
    ],
)
def test_three_sentences_avoid_restating_what_is_picked(
    article_id: str, chosen: list[int], outranking: int, restated: int
) -> None:
    """The redundancy penalty (maximal marginal relevance) decides the third sentence of these articles."""
    sentences = _article(article_id)
    scores = score_sentences(sentences, "ar")
    picked_last = max(set(chosen) - {0, restated})
    assert scores.score[outranking] > scores.score[picked_last]  # by score alone, it would be picked
    assert select_sentences(sentences, "ar", 3) == chosen
    assert outranking not in select_sentences(sentences, "ar", 3)


@pytest.mark.parametrize(
    ("article_id", "k", "chosen"),
    [
        # The third pick hangs on small centrality margins, which degree centrality (the sum of a sentence's
        # similarities, no random walk) tips the other way: [0, 1, 4], [0, 3, 4], [0, 3, 5], [0, 1, 4].
        ("Topic15", 3, [0, 1, 2]),
        ("Topic26", 3, [0, 1, 3]),
        ("Topic98", 3, [0, 2, 3]),
        ("SK-middleEast-380-20180319", 3, [0, 1, 3]),
    ],
)
def test_lexrank_centrality_decides_these_choices(article_id: str, k: int, chosen: list[int]) -> None:
    assert select_sentences(_article(article_id), "ar", k) == chosen
