"""The languages a request names and the language detected in a text, in LibreTranslate's shapes."""

from __future__ import annotations

from dataclasses import dataclass

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.registry import DIALECTS
from tarjama.translate import LANGUAGES
from tarjama.translate.detect import identify
from tarjama.translate.langid import language_name

LANGUAGE_NAMES = {code: language_name(code) for code in (*LANGUAGES, *DIALECTS)}


@dataclass(frozen=True)
class Detection:
    """A detected language, LibreTranslate's confidence figure (0–100) and the likeliest candidates."""

    language: str
    confidence: float
    candidates: tuple[tuple[str, float], ...] = ()

    def as_dict(self) -> dict[str, float | str]:
        """The LibreTranslate shape: ``{"confidence": 97.0, "language": "ar"}``."""
        return {"confidence": self.confidence, "language": self.language}

    def candidate_dicts(self) -> list[dict[str, float | str]]:
        """Up to three candidates, likeliest first, in LibreTranslate's ``/detect`` shape."""
        return [{"confidence": confidence, "language": code} for code, confidence in self.candidates]


def detect(text: str) -> Detection:
    """The language of ``text`` with its probability in % (see :func:`translate.detect.identify`)."""
    guess = identify(text)
    candidates = tuple((code, round(100.0 * p, 1)) for code, p in guess.candidates)
    return Detection(guess.language, round(100.0 * guess.confidence, 1), candidates)


def check_language(code: str, what: str) -> str:
    """``code`` if tarjama translates it, else :class:`InvalidInputError` naming the parameter."""
    if code not in LANGUAGES:
        supported = ", ".join(f"{c} ({LANGUAGE_NAMES[c]})" for c in LANGUAGES)
        raise InvalidInputError(f"{what} language {code!r} is not supported; use one of {supported}")
    return code


def other_language(code: str) -> str:
    """The default target: English, or Arabic for English."""
    return "ar" if code == "en" else "en"
