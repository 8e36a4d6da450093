"""Checks on each translated segment; a flag marks output a reader should look at."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from tarjama.inference.arabic import ARABIC_LETTERS, LATIN_LETTERS

UNTRANSLATED = "untranslated"  # the output is still (mostly) in the source script
NUMBERS_MISSING = "numbers_missing"  # a number of the source is not in the output
LENGTH = "length"  # the output is far shorter or longer than the source
REPETITION = "repetition"  # the output repeats itself
COPIED = "copied"  # the segment has no words to translate (a date line, "logo") and was kept as it is
GLOSSARY = "glossary"  # a glossary term of the source whose target term the output still lacks

OTHER_LANGUAGE = (
    "other_language"  # a paragraph in another language than the article's: copied, not translated
)
WRONG_LANGUAGE = "wrong_language"  # the text is clearly in another language than the source it was given as
FLAGS = (
    UNTRANSLATED, NUMBERS_MISSING, LENGTH, REPETITION, COPIED, OTHER_LANGUAGE, WRONG_LANGUAGE, GLOSSARY
)  # fmt: skip

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_FOLDED_DIGIT = re.compile("[٠-٩۰-۹]")
_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_WORD = re.compile(r"\w+")
_MIN_CHARS_FOR_LENGTH = 20
_LENGTH_BOUNDS = (0.25, 4.0)


def has_words(text: str, lang: str) -> bool:
    """Whether ``text`` has letters of ``lang``'s script, i.e. anything for a model to translate."""
    pattern = ARABIC_LETTERS if lang == "ar" else LATIN_LETTERS
    return pattern.search(text) is not None


def _numbers(text: str) -> list[tuple[str, str]]:
    """Each number of ``text`` as (its digits, separators dropped and Eastern digits folded; as written)."""
    # one character for one, so spans line up with ``text``; a text without such digits stays as it is
    folded = text.translate(_DIGITS) if _FOLDED_DIGIT.search(text) else text
    return [(re.sub(r"\D", "", m.group()), text[m.start() : m.end()]) for m in _NUMBER.finditer(folded)]


def missing_numbers(source: str, output: str) -> list[str]:
    """Numbers of ``source`` that ``output`` does not have, named as the source writes them.

    Numbers are compared whole (``1`` is not in ``2021``), by their digits: separators are ignored (``2,5``
    matches ``2.5``, ``200,000`` matches ``200000``) and Arabic-Indic and Persian digits count as their
    Western values.
    """
    found = {digits for digits, _ in _numbers(output)}
    return [written for digits, written in _numbers(source) if digits not in found]


def is_repetitive(text: str) -> bool:
    """A word four times in a row, or a three-word phrase three times."""
    words = _WORD.findall(text.lower())
    if any(len(set(words[i : i + 4])) == 1 for i in range(len(words) - 3)):
        return True
    trigrams = Counter(tuple(words[i : i + 3]) for i in range(len(words) - 2))
    return any(count >= 3 for count in trigrams.values())


def still_in_script(output: str, lang: str) -> bool:
    """Whether the output is empty or written mostly in ``lang``'s script."""
    if not output.strip():
        return True
    arabic, latin = len(ARABIC_LETTERS.findall(output)), len(LATIN_LETTERS.findall(output))
    if arabic + latin == 0:
        return False
    return arabic > latin if lang == "ar" else latin > arabic


@lru_cache(maxsize=2048)  # a repeated article's segments are checked again: the flags depend on these alone
def check(source: str, output: str, *, source_lang: str) -> tuple[str, ...]:
    """The flags for one translated segment, in the order of :data:`FLAGS`."""
    flags: list[str] = []
    if still_in_script(output, source_lang):
        flags.append(UNTRANSLATED)
    if missing_numbers(source, output):
        flags.append(NUMBERS_MISSING)
    if len(source) >= _MIN_CHARS_FOR_LENGTH:
        ratio = len(output) / len(source)
        if not _LENGTH_BOUNDS[0] <= ratio <= _LENGTH_BOUNDS[1]:
            flags.append(LENGTH)
    if is_repetitive(output):
        flags.append(REPETITION)
    return tuple(flags)


def check_early(source_lang: str, sources: list[str], outputs: list[str]) -> None:
    """:func:`check` each translated segment of a batch that has words, as soon as the batch is made: the
    flags are kept, so the checks of a text's last batch are all that is left once its decoding ends."""
    for source, output in zip(sources, outputs, strict=True):
        if has_words(source, source_lang):
            check(source, output, source_lang=source_lang)
