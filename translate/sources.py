"""Which language a text is in, and so which source it is translated from: ``source=auto`` resolved, the
pair checked, and the paragraphs of an article that are in another language of the same script."""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.inference.arabic import arabic_ratio
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.registry import DIALECTS
from tarjama.inference.settings import LANGID_FLAG_CONFIDENCE, LANGID_REFUSE_CONFIDENCE
from tarjama.translate.detect import identify
from tarjama.translate.langid import Guess
from tarjama.translate.routing import translatable, translation_languages, unsupported
from tarjama.translate.segment import Paragraph

LANGUAGES = translation_languages()  # ("ar", "en", "ckb")


def script_language(code: str) -> str:
    """``en`` for a language in the Latin script, ``ar`` for one in the Arabic script (segmentation and
    checks go by script)."""
    return "en" if code in ("en", "ku") else "ar"


def language_of(code: str) -> str:
    """The language a source code belongs to: an Arabic dialect is ``ar``."""
    return "ar" if code in DIALECTS else code


def source_and_target(text: str, source: str, target: str | None, guess: Guess | None) -> tuple[str, str]:
    """``(source, target)`` of ``text``: ``auto`` chosen by :func:`choose_source`, the target by default
    English (Arabic for English); :class:`InvalidInputError` for a pair no model translates."""
    if source == "auto":
        source = choose_source(text, target, guess)  # no letters: identify() says so
    target = target or ("ar" if source == "en" else "en")
    if source not in LANGUAGES or target not in LANGUAGES or source == target:
        pairs = ", ".join(f"{s}→{t}" for s in LANGUAGES for t in LANGUAGES if translatable(s, t))
        raise InvalidInputError(f"cannot translate {source}→{target}; use one of {pairs}")
    return source, target


def choose_source(text: str, target: str | None, guess: Guess | None = None) -> str:
    """The source language of ``text`` for ``source=auto``: the identified language when a model
    translates it into ``target``; :class:`~translate.routing.UnsupportedLanguageError` naming it when it
    clearly is one no model translates; else, when unsure, the language of its script (``ar`` or ``en``)."""
    guess = guess or identify(text)
    language = guess.language
    wanted = target or ("ar" if language == "en" else "en")
    if language == wanted or translatable(language, wanted):
        return language
    if guess.confidence >= LANGID_REFUSE_CONFIDENCE:
        raise unsupported(guess, wanted)
    return "ar" if arabic_ratio(text) >= 0.5 else "en"


def identify_or_none(text: str) -> Guess | None:
    """The language of ``text``, ``None`` when it has no letters to tell it by."""
    try:
        return identify(text)
    except InvalidInputError:
        return None


def foreign_paragraphs(paragraphs: Sequence[Paragraph], source: str) -> dict[int, str]:
    """The paragraphs of a text of several that are clearly in another language than ``source`` written in
    the same script (a Sorani paragraph in an Arabic article): the model would read them as its own. A
    paragraph in the other script (an English quotation in an Arabic article) has nothing for the model to
    translate and is copied anyway."""
    if len(paragraphs) < 2:
        return {}
    foreign: dict[int, str] = {}
    for index, paragraph in enumerate(paragraphs):
        guess = identify_or_none(" ".join(paragraph.sentences))
        if (
            guess
            and language_of(guess.language) != language_of(source)
            and script_language(guess.language) == script_language(source)
            and guess.confidence >= LANGID_FLAG_CONFIDENCE
        ):
            foreign[index] = guess.language
    return foreign
