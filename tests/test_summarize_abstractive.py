"""Abstractive and cross-language summaries on the stand-in models (tiny BART, mT5 and Marian built by
the tests), and the chunking that keeps long articles whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference import InvalidInputError, ModelPool, ModelUnavailableError, SentenceCache
from summarize import Summarizer, article_sentences, pack_chunks, sentence_chunks
from summarize import abstractive as abstractive_module
from summarize.abstractive import summary_settings

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
