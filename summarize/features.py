"""What a sentence is about: normalised, stop-word-free, lightly stemmed content words."""

from __future__ import annotations

import re

from tarjama.inference.arabic import ARABIC_LETTERS, LATIN_LETTERS, light_stem, tokenize_arabic
from tarjama.summarize.stopwords import stop_words

_ARABIC_CONJUNCTIONS = ("و", "ف")
_ENGLISH_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Longest first; each keeps a stem of at least three letters.
_ENGLISH_SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ies",
    "ed",
    "es",
    "s",
)


def english_stem(token: str) -> str:
    """Strip one common English inflection (``reports`` → ``report``, ``talks`` → ``talk``)."""
    if token.endswith("'s"):
        token = token[:-2]
    for suffix in _ENGLISH_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def content_words(
    sentence: str, lang: str, *, stem: bool = True, stems: dict[str, str] | None = None
) -> list[str]:
    """The content words of ``sentence``: normalised, lower-cased, stop words removed, stemmed.

    Arabic is normalised with :func:`inference.arabic.normalize_arabic` (diacritics, tatweel, alef, ya,
    ta marbuta, digits) and light-stemmed; Latin words in Arabic text and English words are lower-cased
    and lightly stemmed. Single letters and bare numbers are not content words. ``stems`` memoises the
    stemmer across calls (pass one dict for all the sentences of an article).
    """
    stops = stop_words(lang)
    tokens = tokenize_arabic(sentence) if lang == "ar" else _ENGLISH_TOKEN.findall(sentence.lower())
    memo = stems if stems is not None else {}
    words: list[str] = []
    for token in tokens:
        if len(token) < 2 or token.isdigit() or token in stops:
            continue
        if token[0] in _ARABIC_CONJUNCTIONS and token[1:] in stops:  # و / ف glued to a stop word
            continue
        if stem:
            stemmed = memo.get(token)
            if stemmed is None:
                stemmed = light_stem(token) if ARABIC_LETTERS.match(token) else english_stem(token)
                memo[token] = stemmed
            token = stemmed
        words.append(token)
    return words


def letter_words(sentence: str, lang: str) -> int:
    """How many words of ``sentence`` are written in ``lang``'s script (page furniture has few)."""
    pattern = ARABIC_LETTERS if lang == "ar" else LATIN_LETTERS
    return sum(1 for word in sentence.split() if pattern.search(word))
