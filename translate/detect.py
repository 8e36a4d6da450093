"""The language of a text or of each of its paragraphs (:mod:`translate.langid`), with the noise set aside."""

from __future__ import annotations

import re

from tarjama.inference.arabic import ARABIC_LETTERS, LATIN_LETTERS
from tarjama.translate.langid import CANDIDATES, Guess, default_identifier

__all__ = [
    "detect_language",
    "detect_language_confidence",
    "identify",
    "identify_paragraphs",
    "set_aside_noise",
]

# Latin-script noise that says nothing about the language of the prose around it: tags, URLs and e-mail
# addresses, as ``<[^<>\n]{1,200}>|\bhttps?://\S+|\bwww\.\S+|\S+@\S+\.\w+`` finds them. That pattern
# backtracks without end on a long word of "@"s; :func:`set_aside_noise` gives the same result in linear
# time. An address can only begin where a word begins or where a tag inside the word ends (anywhere else
# the same match would have begun earlier); it takes the first "@" possessively, and one greedy run back
# from the end of the word finds the last "." before a letter.
_TAG_OR_LINK = r"(?P<tag><[^<>\n]{1,200}>)|\bhttps?://\S+|\bwww\.\S+"
_EMAIL = r"\S[^\s@]*+@\S\S*\.\w+"
_NOISE = re.compile(rf"{_TAG_OR_LINK}|(?<!\S){_EMAIL}")
_TAG_OR_LINK_AT = re.compile(_TAG_OR_LINK)
_EMAIL_AT = re.compile(_EMAIL)
_WORD_REST = re.compile(r"\S*")
_NON_SPACE = re.compile(r"\S")
_LETTER = re.compile(r"[^\W\d_]")


def set_aside_noise(text: str) -> str:
    """``text`` with each HTML tag, URL and e-mail address replaced by a space (in linear time)."""
    pieces: list[str] = []
    position = 0
    no_address_until = 0  # the end of a word already known to hold no address
    while (found := _NOISE.search(text, position)) is not None:
        pieces += [text[position : found.start()], " "]
        position = found.end()
        if (
            found.lastgroup == "tag"
            and position >= no_address_until
            and _NON_SPACE.match(text, position)
            and not _TAG_OR_LINK_AT.match(text, position)
        ):
            address = _EMAIL_AT.match(text, position)
            if address is None:
                no_address_until = _WORD_REST.match(text, position).end()  # type: ignore[union-attr]
            else:
                pieces.append(" ")
                position = address.end()
    pieces.append(text[position:])
    return "".join(pieces)


def identify(text: str) -> Guess:
    """The language of ``text`` with its probability and the likeliest others (:mod:`translate.langid`).

    HTML tags, URLs and e-mail addresses are set aside first (when nothing else is left they are read too).
    A text of several paragraphs is the mixture of its paragraphs' guesses, each weighing its letters: a
    Sorani paragraph does not make an Arabic article Sorani. Raises
    :class:`~inference.errors.InvalidInputError` when the text has no Arabic-script or Latin letter.
    """
    prose = set_aside_noise(text)
    if not _has_letters(prose):
        prose = text
    paragraphs = [line for line in prose.split("\n") if _has_letters(line)]
    if len(paragraphs) < 2:
        return default_identifier().identify(prose)
    mixture: dict[str, float] = {}
    for paragraph in paragraphs:
        weight = len(_LETTER.findall(paragraph))
        for code, probability in default_identifier().identify(paragraph).candidates:
            mixture[code] = mixture.get(code, 0.0) + weight * probability
    total = sum(len(_LETTER.findall(paragraph)) for paragraph in paragraphs)
    ranked = sorted(((code, share / total) for code, share in mixture.items()), key=lambda item: -item[1])
    top = tuple(ranked[:CANDIDATES])
    return Guess(top[0][0], top[0][1], top)


def identify_paragraphs(text: str) -> list[Guess | None]:
    """The language of each line of ``text`` (a paragraph), ``None`` for a line with no letters."""
    return [identify(line) if _has_letters(line) else None for line in text.split("\n")]


def detect_language_confidence(text: str) -> tuple[str, float]:
    """``(language, probability)`` of ``text`` (see :func:`identify`)."""
    guess = identify(text)
    return guess.language, guess.confidence


def detect_language(text: str) -> str:
    """The language code of ``text``: ``ar``, ``en``, ``ckb``, ``fa`` ... (see :func:`identify`)."""
    return identify(text).language


def _has_letters(text: str) -> bool:
    return ARABIC_LETTERS.search(text) is not None or LATIN_LETTERS.search(text) is not None
