"""Arabic or English, from the script of the letters."""

from __future__ import annotations

import re

from inference.arabic import ARABIC_LETTERS, LATIN_LETTERS, arabic_ratio
from inference.errors import InvalidInputError

__all__ = ["detect_language", "detect_language_confidence"]

# Latin-script noise that says nothing about the language of the prose around it.
_NOT_PROSE = re.compile(r"<[^<>\n]{1,200}>|\bhttps?://\S+|\bwww\.\S+|\S+@\S+\.\w+")


def detect_language_confidence(text: str) -> tuple[str, float]:
    """``("ar" | "en", confidence)``: the script most letters are in, and their share of all letters.

    Arabic and Latin letters are counted after HTML tags, URLs and e-mail addresses are set aside (when
    nothing else is left they are counted too). A tie goes to Arabic. Raises
    :class:`~inference.errors.InvalidInputError` when the text has no Arabic or Latin letter.
    """
    prose = _NOT_PROSE.sub(" ", text)
    if not _has_letters(prose):
        prose = text
    if not _has_letters(prose):
        raise InvalidInputError(
            "cannot tell the language: the text has no Arabic or Latin letters; "
            "give the source language (ar or en) explicitly"
        )
    ratio = arabic_ratio(prose)
    return ("ar", ratio) if ratio >= 0.5 else ("en", 1.0 - ratio)


def detect_language(text: str) -> str:
    """``"ar"`` or ``"en"``, whichever script most letters of ``text`` are in (see
    :func:`detect_language_confidence`)."""
    return detect_language_confidence(text)[0]


def _has_letters(text: str) -> bool:
    return ARABIC_LETTERS.search(text) is not None or LATIN_LETTERS.search(text) is not None
