"""Segmentation: long sentences cut at clauses, then words, then characters, losing nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tarjama.translate.segment import split_long
from tests.digits import digit_twins

# --- long sentences ------------------------------------------------------------------------------


def words(text: str) -> int:
    return len(text.split())


LONG = (
    "قال مساعد وزير الخارجية إن المحادثات مهمة جدا لرسم مستقبل العلاقات، وأضاف أن الوفد رفيع المستوى؛ "
    "وهو يضم ممثلين عن الإقليم ومختصين من مختلف الوزارات وممثلين عن الجيش والشرطة والأمن الوطني"
)


CLAUSES = [
    ("short one", 5, ["short one"]),
    ("a b; c d", 2, ["a b;", "c d"]),
    ("a b, c d; e f", 4, ["a b, c d;", "e f"]),
    ("a b، c d، e f", 2, ["a b،", "c d،", "e f"]),
    ("one two: three four — five six", 3, ["one two:", "three four —", "five six"]),
    ("ذهب الوفد وعاد الوزير وبقي الجنود", 3, ["ذهب الوفد", "وعاد الوزير", "وبقي الجنود"]),
    ("we left and they stayed but he went", 3, ["we left", "and they stayed", "but he went"]),
    ("a b c d e", 2, ["a b", "c d", "e"]),
    ("done. Next part here", 2, ["done.", "Next part", "here"]),
    ("2,5 and 3:30 stay whole", 1, ["2,5", "and", "3:30", "stay", "whole"]),
]


@pytest.mark.parametrize(("sentence", "max_units", "expected"), CLAUSES + digit_twins(CLAUSES))
def test_split_long_cuts_at_clauses(sentence: str, max_units: int, expected: list[str]) -> None:
    assert split_long(sentence, max_units, words) == expected


@pytest.mark.parametrize("max_units", [1, 3, 7, 12, 20, 40])
@pytest.mark.parametrize(("measure", "scale"), [(words, 1), (len, 8)], ids=["words", "chars"])
def test_split_long_loses_nothing_and_fits(max_units: int, measure: Callable[[str], int], scale: int) -> None:
    limit = max_units * scale
    parts = split_long(LONG, limit, measure)
    assert "".join(parts).replace(" ", "") == LONG.replace(" ", "")
    if all(measure(word) <= limit for word in LONG.split()):
        assert " ".join(parts) == LONG
    assert all(measure(p) <= limit for p in parts)
    assert len(parts) == 1 or measure(LONG) > limit


def test_split_long_prefers_the_semicolon() -> None:
    parts = split_long(LONG, 22, words)
    assert parts[0].endswith("؛")
    assert " ".join(parts) == LONG


@pytest.mark.parametrize(
    ("sentence", "max_units", "expected"),
    [
        ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
        ("ab " + "x" * 12 + " cd", 10, ["ab", "x" * 10, "xx", "cd"]),
        ("بِسْمِ" * 2, 3, ["بِ", "سْ", "مِ", "بِ", "سْ", "مِ"]),  # a letter keeps its marks
        ("ab" + "ّ" * 4, 2, ["a", "b" + "ّ" * 4]),  # a letter with its marks is never cut, even if over
    ],
)
def test_split_long_cuts_an_overlong_word_at_characters(
    sentence: str, max_units: int, expected: list[str]
) -> None:
    assert split_long(sentence, max_units, len) == expected


def test_split_long_rejects_a_zero_budget() -> None:
    with pytest.raises(ValueError, match="max_units"):
        split_long("a b", 0, len)
