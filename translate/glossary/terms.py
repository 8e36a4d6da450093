"""Finding a glossary's terms in text, in time linear in the text.

Words are runs of letters, digits and Arabic marks, found by one simple pattern. Arabic words are compared
folded: no diacritics or tatweel, one alef, ya for alef maqsura, ha for ta marbuta; a text word may carry
the clitics و ف ب ك ل and the article ال in front (بالبيشمركة holds البيشمركة, وأربيل holds أربيل).
English words are compared case-insensitively, whole words only. Each text word is looked up in a table
of the terms' words, a handful of clitic readings each, so the cost is the text's length times a constant
(the longest term's word count).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tarjama.inference.arabic import normalize_arabic

_WORD = re.compile(r"[\w\u0610-\u061A\u064B-\u065F\u0670\u0640]+")
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
_ARTICLE = "ال"
_MIN_STEM = 2  # letters left after the clitics come off


@dataclass(frozen=True)
class Match:
    """One term found in a text: the entry's index and the characters ``start:end`` it covers."""

    entry: int
    start: int
    end: int


def fold(word: str, lang: str) -> str:
    """A word as it is compared: Arabic spelling variants folded, English lower-cased."""
    if lang == "ar":
        return normalize_arabic(word, digits=False).casefold()
    return word.casefold()


def words(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of each word of ``text``."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def readings(word: str) -> set[str]:
    """A folded Arabic word and the words it can be with its leading clitics taken off.

    و/ف, then ب/ك/ل, then ال, each optional; ``لل`` is ل with the article's alef dropped (للبيشمركة).
    """
    found = {word}
    for conj in ("", *_CONJUNCTIONS):
        if not word.startswith(conj):
            continue
        rest = word[len(conj) :]
        for prep in ("", *_PREPOSITIONS):
            if not rest.startswith(prep):
                continue
            stem = rest[len(prep) :]
            found.add(stem)
            if prep == "ل" and stem.startswith("ل"):
                found.add(_ARTICLE + stem[1:])
                found.add(stem[1:])
            if stem.startswith(_ARTICLE):
                found.add(stem[len(_ARTICLE) :])
    return {w for w in found if len(w) >= _MIN_STEM}


def _term_forms(term: str, lang: str) -> list[tuple[str, ...]]:
    folded = tuple(fold(w, lang) for _, _, w in words(term))
    if not folded:
        return []
    forms = [folded]
    if lang == "ar" and folded[0].startswith(_ARTICLE) and len(folded[0]) - len(_ARTICLE) >= _MIN_STEM:
        forms.append((folded[0][len(_ARTICLE) :], *folded[1:]))  # matched after ب + ال, or لل
    return forms


class TermFinder:
    """Finds the ``terms`` (in language ``lang``) in texts; a longer term wins over one it overlaps."""

    def __init__(self, terms: Sequence[str], lang: str) -> None:
        self.lang = lang
        self._table: dict[tuple[str, ...], int] = {}
        self._longest = 0
        for index, term in enumerate(terms):
            for form in _term_forms(term, lang):
                self._table.setdefault(form, index)
                self._longest = max(self._longest, len(form))
        self._firsts = {form[0] for form in self._table}

    def _first_readings(self, word: str) -> list[str]:
        folded = fold(word, self.lang)
        if self.lang != "ar":
            return [folded] if folded in self._firsts else []
        return [r for r in readings(folded) if r in self._firsts]

    def find(self, text: str) -> list[Match]:
        """The terms in ``text``, left to right, not overlapping."""
        if not self._table:
            return []
        found = words(text)
        folded: list[str | None] = [None] * len(found)
        matches: list[Match] = []
        i = 0
        while i < len(found):
            best: tuple[int, int] | None = None  # (words, entry)
            for first in self._first_readings(found[i][2]):
                for size in range(1, min(self._longest, len(found) - i) + 1):
                    rest = []
                    for j in range(i + 1, i + size):
                        if folded[j] is None:
                            folded[j] = fold(found[j][2], self.lang)
                        rest.append(folded[j])
                    entry = self._table.get((first, *rest))
                    if entry is not None and (best is None or size > best[0]):
                        best = (size, entry)
            if best is None:
                i += 1
                continue
            size, entry = best
            matches.append(Match(entry, found[i][0], found[i + size - 1][1]))
            i += size
        return matches

    def contains(self, text: str, term: int) -> bool:
        """Whether ``text`` has term number ``term``."""
        return any(m.entry == term for m in self.find(text))
