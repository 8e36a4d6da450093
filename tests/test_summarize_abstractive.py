"""Abstractive and cross-language summaries on the stand-in models (tiny BART, mT5 and Marian built by
the tests), and the chunking that keeps long articles whole."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from tarjama.inference import InvalidInputError, ModelPool, ModelUnavailableError, SentenceCache
from tarjama.inference.errors import LimitExceededError, TarjamaError
from tarjama.summarize import (
    AbstractiveResult,
    AbstractiveSummarizer,
    Summarizer,
    Summary,
    Timings,
    article_sentences,
    pack_chunks,
    sentence_chunks,
)
from tarjama.summarize import abstractive as abstractive_module
from tarjama.summarize.abstractive import summary_settings
from tests.spies import record_batches

DATA = Path(__file__).parent / "data" / "summarize"
CNN = [json.loads(line) for line in (DATA / "cnndm_sample.jsonl").read_text("utf-8").splitlines()]
ANT = [json.loads(line) for line in (DATA / "ant_one_sentence.jsonl").read_text("utf-8").splitlines()]
SHORT_EN = "The talks in Erbil ended on Sunday. Both sides agreed to meet again next month."


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    ("lengths", "limit", "expected"),
    [
        ([3, 3, 3], 6, [[0, 1], [2]]),
        ([5, 1, 1, 5], 7, [[0, 1, 2], [3]]),
        ([9, 2], 5, [[0], [1]]),  # an item over the limit travels alone
        ([], 5, []),
    ],
)
def test_pack_chunks(lengths: list[int], limit: int, expected: list[list[int]]) -> None:
    assert pack_chunks(lengths, limit) == expected


@pytest.mark.parametrize("limit", [20, 60, 200])
def test_sentence_chunks_keep_every_word_within_the_limit(limit: int) -> None:
    sentences = article_sentences(CNN[0]["article"], "en").sentences
    chunks = sentence_chunks(sentences, limit, words)
    assert " ".join(chunks).split() == " ".join(sentences).split()  # nothing dropped, order kept
    assert all(words(c) <= limit for c in chunks)


@pytest.mark.parametrize("limit", [60, 200])  # the longest sentence has 55 words
def test_sentence_chunks_are_whole_sentences(limit: int) -> None:
    sentences = article_sentences(CNN[0]["article"], "en").sentences
    chunks = sentence_chunks(sentences, limit, words)
    starts = {i for i in range(len(sentences)) if any(c.startswith(sentences[i]) for c in chunks)}
    assert len(starts) == len(chunks) > (1 if limit == 60 else 0)
    bounds = sorted(starts)
    rebuilt = [" ".join(sentences[a:b]) for a, b in zip(bounds, [*bounds[1:], None], strict=True)]
    assert rebuilt == chunks


def test_an_over_long_sentence_is_cut_not_truncated() -> None:
    sentence = "word, " * 30 + "end."
    chunks = sentence_chunks([sentence], 8, words)
    assert len(chunks) > 1 and " ".join(chunks) == sentence.strip()


@pytest.mark.parametrize(
    ("kwargs", "high", "low"),
    [({}, 142, 30), ({"sentences": 1}, 40, 20), ({"ratio": 0.1, "source_tokens": 1000}, 100, 30)],
)
def test_length_settings(kwargs: dict, high: int, low: int) -> None:
    settings = summary_settings(**kwargs)
    assert (settings.max_new_tokens, settings.min_new_tokens) == (high, low)
    assert settings.no_repeat_ngram_size == 3 and settings.repetition_penalty > 1.0


def test_long_article_is_chunked_and_combined(bart_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    original = abstractive_module.CachedGenerator.generate

    def spy(self, texts, settings, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(texts))
        return original(self, texts, settings, **kwargs)

    monkeypatch.setattr(abstractive_module.CachedGenerator, "generate", spy)
    text = CNN[0]["article"]
    summarizer = Summarizer(str(bart_en), max_input_tokens=128)
    result = summarizer.summarize(text, lang="en", method="abstractive")
    assert result.chunks == len(calls[0]) > 1 and result.rounds == len(calls) >= 2
    assert len(calls[-1]) == 1 and result.summary  # the last round is one call over the combined text
    sentences = article_sentences(text, "en").sentences
    assert " ".join(calls[0]).split() == " ".join(sentences).split()  # the whole article went in
    backend = summarizer.pool.get(str(bart_en), task="summarize").load()
    assert max(backend.token_lengths(calls[0], source="en")) <= 128
    assert result.model == str(bart_en) and result.method == "abstractive"


def test_a_short_article_is_one_call(bart_en: Path) -> None:
    result = Summarizer(str(bart_en)).summarize(SHORT_EN, method="abstractive")
    assert (result.chunks, result.rounds, result.cached) == (1, 1, False)
    assert result.lang == result.to == "en"


def test_rerun_is_a_cache_hit_without_loading_the_model(bart_en: Path) -> None:
    text = CNN[1]["article"]
    first = Summarizer(str(bart_en), max_input_tokens=256).summarize(text, method="abstractive")
    pool = ModelPool()
    second = Summarizer(str(bart_en), max_input_tokens=256, pool=pool).summarize(text, method="abstractive")
    assert second.cached and not first.cached
    assert (second.summary, second.chunks, second.rounds) == (first.summary, first.chunks, first.rounds)
    assert not pool.get(str(bart_en), task="summarize").loaded
    assert SentenceCache.open_default().stats().hits >= 1


def test_length_options_change_the_cache_key(bart_en: Path) -> None:
    summarizer = Summarizer(str(bart_en))
    summarizer.summarize(SHORT_EN, method="abstractive")
    assert not summarizer.summarize(SHORT_EN, method="abstractive", sentences=1).cached
    assert summarizer.summarize(SHORT_EN, method="abstractive", sentences=1).cached


def test_no_cache_writes_nothing(bart_en: Path) -> None:
    Summarizer(str(bart_en), use_cache=False).summarize(SHORT_EN, method="abstractive")
    assert SentenceCache.open_default().stats().entries == 0


def test_multilingual_t5_summarises_arabic_to_the_asked_length(t5_multi: Path) -> None:
    result = Summarizer(str(t5_multi), max_input_tokens=128).summarize(
        ANT[0]["text"], method="abstractive", sentences=1
    )
    assert result.lang == "ar" and result.chunks > 1
    assert len(result.sentences) <= 1


@pytest.mark.parametrize(("lang", "model"), [("en", "distilbart-cnn-12-6"), ("ar", "mt5-xlsum")])
def test_offline_error_names_the_default_model(lang: str, model: str) -> None:
    text = SHORT_EN if lang == "en" else ANT[0]["text"]
    with pytest.raises(ModelUnavailableError, match=model) as info:
        Summarizer().summarize(text, method="abstractive")
    assert info.value.model == model


def test_an_english_model_refuses_arabic() -> None:
    with pytest.raises(InvalidInputError, match="does not summarise ar"):
        Summarizer("bart-large-cnn").summarize(ANT[0]["text"], method="abstractive")


# --- many articles at once ---------------------------------------------------------------------
def sentences_of(text: str, first: int | None = None) -> tuple[str, ...]:
    return article_sentences(text, "en").sentences[:first]


# The first two sentences of each CNN/DailyMail article (74–179 tokens): one chunk each, long enough
# (over 44 tokens) that a batch neighbour cannot raise their output cap; SHORT_EN (25 tokens) is not.
OPENINGS = [sentences_of(a["article"], 2) for a in CNN]


def exact_pool() -> ModelPool:
    """CTranslate2 in float32: its int8 decoding is not bit-identical across batch compositions (see
    AbstractiveSummarizer.summarize_many), and these tests compare batched with one-by-one outputs."""
    return ModelPool(backend="ctranslate2", quantization="float32")


def engine(model: Path, cache: SentenceCache | None, **kwargs: int) -> AbstractiveSummarizer:
    return AbstractiveSummarizer(exact_pool().get(str(model), task="summarize"), cache, **kwargs)


def cache_rows(cache: SentenceCache) -> list[tuple[str, str, str]]:
    with sqlite3.connect(cache.location) as db:
        return db.execute("SELECT key, output, task FROM entries ORDER BY key").fetchall()


def spy_on_backend(summarizer: AbstractiveSummarizer, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The texts of each batch the loaded backend decodes."""
    return record_batches(summarizer.model.load(), monkeypatch)


@pytest.mark.parametrize(
    ("max_rounds", "options"),
    [
        (1, {}),  # the long article fails: its error comes back in its place only
        (4, {}),
        (4, {"sentences_wanted": 1}),
        (4, {"ratio": 0.2}),  # every article gets its own final settings
    ],
)
def test_summarize_many_equals_summarize_article_by_article(
    bart_en: Path, tmp_path: Path, max_rounds: int, options: dict
) -> None:
    # with limit=128: one chunk, one chunk (short), several chunks, one chunk, nothing
    articles = [OPENINGS[0], sentences_of(SHORT_EN), sentences_of(CNN[0]["article"]), OPENINGS[2], ()]
    caches = [SentenceCache(tmp_path / "alone.sqlite3"), SentenceCache(tmp_path / "many.sqlite3")]
    alone = engine(bart_en, caches[0], limit=128, max_rounds=max_rounds)
    expected: list[object] = []
    for article in articles:
        try:
            expected.append(alone.summarize(article, "en", **options))
        except TarjamaError as exc:
            expected.append(exc)
    together = engine(bart_en, caches[1], limit=128, max_rounds=max_rounds)
    got = together.summarize_many(articles, "en", **options)
    assert [type(g) for g in got] == [type(e) for e in expected]
    assert [str(g) if isinstance(g, TarjamaError) else g for g in got] == [
        str(e) if isinstance(e, TarjamaError) else e for e in expected
    ]
    assert isinstance(got[-1], InvalidInputError)
    if max_rounds == 1:
        assert isinstance(got[2], LimitExceededError)
    else:
        assert isinstance(got[2], AbstractiveResult) and got[2].chunks > 1
    assert cache_rows(caches[1]) == cache_rows(caches[0])


def test_each_article_gets_the_models_own_summary_of_it(bart_en: Path) -> None:
    """An independent expectation for summarize and summarize_many (which summarize calls): an article that
    fits the model is summarised in one model call on the whole article, with the default summary settings."""
    articles = [OPENINGS[0], OPENINGS[2], OPENINGS[4]]
    summarizer = engine(bart_en, None)
    backend = summarizer.model.load()
    expected = [
        backend.generate([" ".join(article)], summary_settings(), source="en", target="en")[0]
        for article in articles
    ]
    assert len(set(expected)) == len(articles)  # the stand-in answers each article differently
    assert [r.text for r in results_only(summarizer.summarize_many(articles, "en"))] == expected
    assert [summarizer.summarize(article, "en").text for article in articles] == expected


def test_articles_share_the_model_calls(bart_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = engine(bart_en, None)
    calls = spy_on_backend(alone, monkeypatch)
    one_by_one = [alone.summarize(article, "en") for article in OPENINGS]
    assert len(calls) == len(OPENINGS)
    calls.clear()
    articles = [*OPENINGS, sentences_of(SHORT_EN), OPENINGS[0]]  # a short one and a repeat
    together = alone.summarize_many(articles, "en")
    assert together[: len(OPENINGS)] == one_by_one and together[-1] == together[0]
    # the openings in one call (656 tokens fit one 4096-token batch); the short article alone
    assert sorted(map(len, calls)) == [1, len(OPENINGS)]
    assert sorted(calls, key=len)[0] == [SHORT_EN]


def test_summarize_many_again_is_cached_without_loading_the_model(bart_en: Path) -> None:
    articles = [OPENINGS[0], sentences_of(CNN[3]["article"]), OPENINGS[4]]
    first = results_only(
        engine(bart_en, SentenceCache.open_default(), limit=128).summarize_many(articles, "en")
    )
    again = engine(bart_en, SentenceCache.open_default(), limit=128)
    second = results_only(again.summarize_many(articles, "en"))
    assert not again.model.loaded
    assert [replace(r, cached=True) for r in first] == second
    assert not any(r.cached for r in first) and all(r.cached for r in second)
    assert max(r.chunks for r in first) > 1


def results_only(outcomes: Sequence[AbstractiveResult | TarjamaError]) -> list[AbstractiveResult]:
    results = [r for r in outcomes if isinstance(r, AbstractiveResult)]
    assert len(results) == len(outcomes)
    return results


def without_timings(result: Summary | TarjamaError) -> object:
    return replace(result, timings=Timings()) if isinstance(result, Summary) else str(result)


def test_summarizer_many_keeps_errors_per_text(bart_en: Path) -> None:
    summarizer = Summarizer(
        str(bart_en), method="abstractive", use_cache=False, max_input_tokens=256, pool=exact_pool()
    )
    texts = [CNN[1]["article"], "12345 67890", "   ", CNN[2]["article"]]
    results = summarizer.summarize_many(texts)
    assert [type(r) for r in results] == [Summary, InvalidInputError, InvalidInputError, Summary]
    assert "cannot tell the language" in str(results[1])
    assert [without_timings(r) for r in results[::3]] == [
        without_timings(summarizer.summarize(t)) for t in texts[::3]
    ]
    totals = [r.timings.total for r in results if isinstance(r, Summary)]
    assert all(t > 0 for t in totals)


# --- across languages ----------------------------------------------------------------------------
def memorised_article(pairs: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """Twelve memorised Arabic sentences as a three-paragraph article, and each one's English."""
    chosen = pairs[:12]
    paragraphs = [" ".join(a for a, _ in chosen[i : i + 4]) for i in range(0, 12, 4)]
    return "\n\n".join(paragraphs), dict(chosen)


def test_arabic_article_to_english_summary_summarise_first(memorised_ar_en: Path, memorised_pairs) -> None:
    text, english = memorised_article(memorised_pairs)
    summarizer = Summarizer(translation_model=str(memorised_ar_en))
    result = summarizer.summarize(text, lang="ar", to="en", sentences=3)
    same_language = summarizer.summarize(text, lang="ar", sentences=3)
    assert result.order == "summarize-first" and (result.lang, result.to) == ("ar", "en")
    assert result.sentences == tuple(english[s] for s in same_language.sentences)
    assert result.translation_model == str(memorised_ar_en) and result.timings.translate > 0


def test_arabic_article_to_english_summary_translate_first(memorised_ar_en: Path, memorised_pairs) -> None:
    text, english = memorised_article(memorised_pairs)
    summarizer = Summarizer(translation_model=str(memorised_ar_en))
    result = summarizer.summarize(text, lang="ar", to="en", sentences=3, order="translate-first")
    assert result.order == "translate-first" and len(result.sentences) == 3
    assert set(result.sentences) <= set(english.values())  # chosen among the translated sentences


def test_abstractive_across_languages_summarises_in_english(
    bart_en: Path, memorised_ar_en: Path, memorised_pairs
) -> None:
    text, _ = memorised_article(memorised_pairs)
    summarizer = Summarizer(str(bart_en), translation_model=str(memorised_ar_en))
    result = summarizer.summarize(text, lang="ar", to="en", method="abstractive")
    assert result.order == "translate-first" and result.model == str(bart_en)
    assert result.summary and result.to == "en"


@pytest.mark.parametrize(
    ("method", "order"),
    [("abstractive", "translate-first"), ("abstractive", "summarize-first"), ("extractive", "auto")],
)
def test_summarize_many_across_languages_equals_one_by_one(
    bart_en: Path, memorised_ar_en: Path, memorised_pairs, method: str, order: str
) -> None:
    texts = [memorised_article(memorised_pairs[i : i + 12])[0] for i in (0, 12, 24)]
    texts.insert(1, "  \n ")
    models = {"model": str(bart_en), "translation_model": str(memorised_ar_en), "method": method}
    summarizer = Summarizer(**models, pool=exact_pool())
    options = {"lang": "ar", "to": "en", "order": order, "sentences": 2}
    together = summarizer.summarize_many(texts, **options)
    alone = Summarizer(**models, use_cache=False, pool=exact_pool())
    expected = []
    for text in texts:
        try:
            expected.append(alone.summarize(text, **options))
        except InvalidInputError as exc:
            expected.append(exc)
    assert [without_timings(r) for r in together] == [without_timings(r) for r in expected]
    assert all(r.to == "en" and r.translation_model for r in together if isinstance(r, Summary))


def test_a_summary_translated_afterwards_is_cached_only_when_both_steps_were(
    bart_en: Path, memorised_ar_en: Path, marian_ar_en: Path, memorised_pairs, tmp_path: Path
) -> None:
    text, _ = memorised_article(memorised_pairs)
    cache = SentenceCache(tmp_path / "cache.sqlite3")
    options = {"lang": "ar", "to": "en", "method": "abstractive", "order": "summarize-first", "sentences": 2}
    memorised = Summarizer(str(bart_en), translation_model=str(memorised_ar_en), cache=cache)
    assert [memorised.summarize(text, **options).cached for _ in range(2)] == [False, True]
    other = Summarizer(str(bart_en), translation_model=str(marian_ar_en), cache=cache)
    result = other.summarize(text, **options)  # the same summary from the cache, translated by another model
    assert result.order == "summarize-first" and not result.cached
