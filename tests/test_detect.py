"""Language detection from the script of the letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.errors import InvalidInputError
from translate.detect import detect_language, detect_language_confidence


@pytest.mark.parametrize(
    ("text", "lang", "confidence"),
    [
        ("أعلنت وزارة البيشمركة في حكومة إقليم كوردستان", "ar", 1.0),
        ("The Peshmerga ministry announced a delegation.", "en", 1.0),
        ("قال مسؤول في CNN", "ar", 10 / 13),  # 10 Arabic letters, 3 Latin
        ("ab cd ج", "en", 4 / 5),
        ("ab جد", "ar", 0.5),  # a tie goes to Arabic
        ("Café déjà vu", "en", 1.0),  # accented Latin letters count as Latin
        ("مُحَمَّد", "ar", 1.0),  # diacritics are not letters
        ("١٢٣ نص 456", "ar", 1.0),  # digits are not letters
        ("زوروا https://www.example.com/news/article-about-kurdistan", "ar", 1.0),
        ("راسلونا info@example.org", "ar", 1.0),
        ("<p class='headline'>عنوان</p>", "ar", 1.0),
        ("https://example.com/path", "en", 1.0),  # nothing but a URL: its letters are all there is
    ],
)
def test_detect_language_confidence(text: str, lang: str, confidence: float) -> None:
    detected, share = detect_language_confidence(text)
    assert detected == lang
    assert share == pytest.approx(confidence)
    assert detect_language(text) == lang


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
    lang, share = detect_language_confidence(text)
    assert lang == "ar"
    assert 0.9 < share < 1.0  # the page furniture ("logo", "Top", "CNN") is Latin
