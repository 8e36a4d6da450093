"""Flags on translated segments."""

from __future__ import annotations

import pytest

from tarjama.translate import guards


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


@pytest.mark.parametrize(
    ("source", "output", "missing"),
    [
        # whole numbers only: a number inside another is not there
        ("وصل 1 جندي عام 2021.", "Soldiers arrived in 2021.", ["1"]),
        ("وصل 12 جندياً.", "120 soldiers arrived.", ["12"]),
        ("وصل 120 جندياً.", "12 soldiers arrived.", ["120"]),
        ("وصل 12 جندياً.", "12 soldiers arrived.", []),
        # decimal commas and points, thousands separators: the digits count, named as the source writes them
        ("وصل 2,5 ألف جندي عام 2021.", "2.5 thousand soldiers arrived in 2021.", []),
        ("وصل 2,5 ألف جندي عام 2021.", "Soldiers arrived in 2021.", ["2,5"]),
        ("بلغ العدد 200,000 شخص.", "The number reached 200000 people.", []),
        # Arabic-Indic (U+0660..) and Persian (U+06F0..) digits, and the Arabic decimal separator
        ("وصل ٢٠ جندياً عام ٢٠٢١.", "20 soldiers arrived in 2021.", []),
        ("وصل ٢ جندياً عام ٢٠٢١.", "Soldiers arrived in 2021.", ["٢"]),
        ("بلغت النسبة ٢٫٥ بالمئة.", "The rate reached 2.5 percent.", []),
        ("بلغت النسبة ٢٫٥ بالمئة.", "The rate reached 25.5 percent.", ["٢٫٥"]),
        ("وصل ۱۲ جندياً.", "12 soldiers arrived.", []),
        ("وصل ۱۲ جندياً.", "120 soldiers arrived.", ["۱۲"]),
        # English to Arabic: the output may write the digits either way
        ("In 2021, 12 soldiers arrived.", "في عام ٢٠٢١ وصل ١٢ جندياً.", []),
        ("In 2021, 12 soldiers arrived.", "في عام ٢٠٢١ وصل ١٢٠ جندياً.", ["12"]),
        ("In 2021, 1 soldier arrived.", "في عام ۲۰۲۱ وصل جندي.", ["1"]),
        ("The rate was 2.5 percent.", "كانت النسبة ٢٫٥ بالمئة.", []),
        ("The rate was 2.5 percent.", "كانت النسبة ٢,٥ بالمئة.", []),
        ("The rate was 2.5 percent.", "كانت النسبة ٥ بالمئة.", ["2.5"]),
    ],
)
def test_missing_numbers_are_whole_numbers_named_as_written(
    source: str, output: str, missing: list[str]
) -> None:
    assert guards.missing_numbers(source, output) == missing
    lang = "ar" if guards.has_words(source, "ar") else "en"
    assert ("numbers_missing" in guards.check(source, output, source_lang=lang)) is bool(missing)
