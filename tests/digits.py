"""Digit twins of a test table: the cases with Western digits again with Eastern Arabic and Persian digits."""

from __future__ import annotations

from typing import Any

WESTERN_DIGITS = "0123456789"
OTHER_DIGITS = {"eastern": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹"}  # U+0660.., U+06F0..


def _with_digits(value: Any, table: dict[int, str]) -> Any:
    if isinstance(value, str):
        return value.translate(table)
    if isinstance(value, list | tuple):
        return type(value)(_with_digits(v, table) for v in value)
    return value


def digit_twins(cases: list[Any]) -> list[Any]:
    """The cases with Western digits again with Eastern Arabic, then with Persian digits: every date,
    number and list rule must hold whichever digits the article uses."""
    twins = []
    for digits in OTHER_DIGITS.values():
        table = str.maketrans(WESTERN_DIGITS, digits)
        twins += [_with_digits(case, table) for case in cases if any(d in str(case) for d in WESTERN_DIGITS)]
    return twins
