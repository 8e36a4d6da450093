"""Arabic and English text normalisation and tokenisation shared by summaries and evaluation."""

from __future__ import annotations

import re
import unicodedata

ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
LATIN_LETTERS = re.compile(r"[A-Za-z\u00C0-\u024F]")
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]")
_TATWEEL = "\u0640"
_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_YA_FORMS = str.maketrans({"ى": "ي"})
_TA_MARBUTA = str.maketrans({"ة": "ه"})
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TOKEN = re.compile(r"[\w\u0621-\u064A\u0671-\u06D3]+", re.UNICODE)

# Longest first, so that "وال" is tried before "و".
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def strip_diacritics(text: str) -> str:
    """Remove Arabic short vowels, shadda, sukun, tanwin and Quranic marks."""
    return _DIACRITICS.sub("", text)


def normalize_arabic(
    text: str,
    *,
    diacritics: bool = True,
    tatweel: bool = True,
    alef: bool = True,
    ya: bool = True,
    ta_marbuta: bool = True,
    digits: bool = True,
) -> str:
    """Fold the spelling variants that Arabic writers use interchangeably.

    Each switch removes one source of spurious mismatch: diacritics, tatweel (kashida), the hamza
    forms of alef (أ إ آ ٱ → ا), alef maqsura (ى → ي), ta marbuta (ة → ه) and Arabic-Indic digits.
    """
    text = unicodedata.normalize("NFKC", text) if digits else text
    if diacritics:
        text = strip_diacritics(text)
    if tatweel:
        text = text.replace(_TATWEEL, "")
    if alef:
        text = text.translate(_ALEF_FORMS)
    if ya:
        text = text.translate(_YA_FORMS)
    if ta_marbuta:
        text = text.translate(_TA_MARBUTA)
    if digits:
        text = text.translate(_ARABIC_DIGITS)
    return text


def light_stem(token: str) -> str:
    """Strip one common prefix and one common suffix, keeping a stem of at least three letters."""
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            token = token[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)]
            break
    return token


def tokenize_arabic(text: str, *, stem: bool = False) -> list[str]:
    """Normalised Arabic word tokens (Latin words and numbers kept, lower-cased)."""
    tokens = _TOKEN.findall(normalize_arabic(text).lower())
    return [light_stem(t) for t in tokens] if stem else tokens


def arabic_ratio(text: str) -> float:
    """Share of letters in ``text`` that are Arabic (0.0 when it has no letters)."""
    arabic = len(ARABIC_LETTERS.findall(text))
    latin = len(LATIN_LETTERS.findall(text))
    return arabic / (arabic + latin) if arabic + latin else 0.0
