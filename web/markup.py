"""HTML as pieces of markup and of text to translate, found in linear time whatever the input. No Gradio."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

_ASCII_LETTERS = frozenset(string.ascii_letters)
_RAW_TEXT_TAG = re.compile(r"<(script|style|code|pre|textarea)\b", re.IGNORECASE)


class _NextFind:
    """``text.find(needle, start)`` for rising ``start``s, each character looked at about once."""

    def __init__(self, text: str, needle: str) -> None:
        self.text = text
        self.needle = needle
        self.start = 0
        self.found = text.find(needle)

    def at(self, start: int) -> int:
        """The index of the first ``needle`` at or after ``start`` (-1: none)."""
        if start < self.start or (self.found != -1 and self.found < start):
            self.start, self.found = start, self.text.find(self.needle, start)
        return self.found


def markup_spans(markup: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each tag, comment, doctype and processing instruction, left to right, as
    ``re.finditer(r"<!--.*?-->|<![^>]*>|<\\?[^>]*>|</?[A-Za-z][^>]*>", markup, re.DOTALL)`` finds them,
    but in linear time (that pattern takes quadratic time when the closing ``>`` or ``-->`` is missing)."""
    closing, comment_end = _NextFind(markup, ">"), _NextFind(markup, "-->")
    position = 0
    while (start := markup.find("<", position)) != -1:
        end = -1
        if markup.startswith("<!--", start) and (found := comment_end.at(start + 4)) != -1:
            end = found + 3
        elif markup.startswith(("<!", "<?"), start) and (found := closing.at(start + 2)) != -1:
            end = found + 1
        else:
            name = start + 2 if markup.startswith("</", start) else start + 1
            if markup[name : name + 1] in _ASCII_LETTERS and (found := closing.at(name + 1)) != -1:
                end = found + 1
        if end == -1:
            position = start + 1
            continue
        yield start, end
        position = end


def split_markup(markup: str) -> list[tuple[bool, str]]:
    """``markup`` as ``(is_text, piece)`` pieces whose concatenation is ``markup``: tags, comments, doctype
    and processing instructions, and the text between them; raw-text elements' content (scripts, styles,
    code) counts as markup."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    raw_until: re.Pattern[str] | None = None
    for start, end in markup_spans(markup):
        between = markup[position:start]
        if between:
            pieces.append((raw_until is None, between))
        tag = markup[start:end]
        pieces.append((False, tag))
        position = end
        if raw_until is not None:
            if raw_until.match(tag):
                raw_until = None
        elif opener := _RAW_TEXT_TAG.match(tag):
            raw_until = re.compile(rf"</{opener.group(1)}\s*>", re.IGNORECASE)
    if position < len(markup):
        pieces.append((raw_until is None, markup[position:]))
    return pieces


__all__ = ["markup_spans", "split_markup"]
