"""Flags on translated segments."""

from __future__ import annotations

import pytest

from translate import guards


@pytest.mark.parametrize(
    ("source", "output", "lang", "expected"),
    [
        ("ذهب الرجل إلى السوق.", "The man went to the market.", "ar", ()),
        ("ذهب الرجل إلى السوق.", "ذهب الرجل إلى السوق.", "ar", ("untranslated",)),
        ("ذهب الرجل إلى السوق.", "", "ar", ("untranslated", "length")),
        ("The man went to the market.", "The man went to the market.", "en", ("untranslated",)),
        ("The man went to the market.", "ذهب الرجل إلى السوق.", "en", ()),
        ("وصل 2,5 ألف جندي عام 2021.", "2.5 thousand soldiers arrived in 2021.", "ar", ()),
        ("وصل ٢٠ جندياً.", "20 soldiers arrived.", "ar", ()),
        ("وصل 2,5 ألف جندي عام 2021.", "Soldiers arrived.", "ar", ("numbers_missing",)),
        ("قال الوزير إن المحادثات مهمة جدا لمستقبل العلاقات.", "Yes.", "ar", ("length",)),
        ("قال الوزير.", "the the the the minister", "ar", ("repetition",)),
        ("قال الوزير.", "he said that he said that he said that", "ar", ("repetition",)),  # short: no length
    ],
)
def test_flags(source: str, output: str, lang: str, expected: tuple[str, ...]) -> None:
    assert guards.check(source, output, source_lang=lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("logo", "ar", False),
        ("Top", "ar", False),
        ("باسنيوز", "ar", True),
        ("• 23/07/2021", "en", False),
        ("Hello", "en", True),
        ("مرحبا", "en", False),
    ],
)
def test_has_words(text: str, lang: str, expected: bool) -> None:
    assert guards.has_words(text, lang) is expected
