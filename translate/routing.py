"""Which registered model translates a text: by direction, the quality asked for, and the Arabic dialect.

- ar↔en: ``quality`` ``best`` is opus-mt-tc-big, ``fast`` the OPUS-MT base model; without a choice, ``best``
  on CUDA and :data:`~inference.settings.DEFAULT_CPU_QUALITY` on a CPU.
- A dialect (``acm`` Iraqi, ``apc`` Levantine, ``arz`` Egyptian) goes to NLLB-200 distilled-1.3B with that
  source code; ``msa`` (Modern Standard) is plain ``ar``. Detection never guesses a dialect.
- Sorani (``ckb``) ↔ English goes to NLLB-200 distilled-1.3B (the registry's default).
"""

from __future__ import annotations

from dataclasses import dataclass

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.registry import (
    DEFAULT_TRANSLATION_MODELS,
    MODELS,
    QUALITY_MODELS,
    default_translation_model,
    supports,
)
from tarjama.inference.settings import DEFAULT_CPU_QUALITY
from tarjama.translate.langid import Guess, language_name

__all__ = [
    "DIALECT_MODEL",
    "DIALECT_NAMES",
    "QUALITIES",
    "QUALITY_MODELS",
    "Route",
    "UnsupportedLanguageError",
    "check_dialect",
    "check_quality",
    "default_quality",
    "route",
    "translatable",
    "translation_languages",
    "unsupported",
]

QUALITIES = ("best", "fast")
DIALECT_MODEL = "nllb-200-distilled-1.3B"
DIALECT_NAMES = {
    "msa": "Modern Standard Arabic",
    "acm": "Iraqi Arabic",
    "apc": "Levantine Arabic",
    "arz": "Egyptian Arabic",
}
_DIALECT_WORDS = {
    "arb": "msa",
    "modern standard": "msa",
    "standard": "msa",
    "iraqi": "acm",
    "levantine": "apc",
    "egyptian": "arz",
}
# NLLB-200's codes of languages readers meet that no direction here is offered for (said in a refusal).
_NLLB_READS = {"fa": "pes_Arab", "ps": "pbt_Arab", "ur": "urd_Arab", "sd": "snd_Arab", "ug": "uig_Arab",
               "ku": "kmr_Latn"}  # fmt: skip


class UnsupportedLanguageError(InvalidInputError):
    """The text is in a language no model here translates into the target."""


@dataclass(frozen=True)
class Route:
    """The model for a request and the source code it is given (``acm`` for Iraqi Arabic, else the
    language)."""

    model: str
    source: str


def check_quality(quality: str | None) -> str | None:
    """``best``, ``fast`` or ``None`` (the default); :class:`InvalidInputError` for anything else."""
    if quality is None or quality == "":
        return None
    if quality not in QUALITIES:
        raise InvalidInputError(f"quality {quality!r} is not one of {', '.join(QUALITIES)}")
    return quality


def check_dialect(dialect: str | None) -> str | None:
    """The dialect's code (``msa``, ``acm``, ``apc``, ``arz``; the words ``iraqi``, ``levantine``,
    ``egyptian``, ``modern standard`` too) or ``None``; :class:`InvalidInputError` for anything else."""
    if dialect is None or not dialect.strip():
        return None
    code = dialect.strip().lower()
    code = _DIALECT_WORDS.get(code, code)
    if code not in DIALECT_NAMES:
        choices = ", ".join(f"{c} ({name})" for c, name in DIALECT_NAMES.items())
        raise InvalidInputError(f"Arabic dialect {dialect!r} is not one of {choices}")
    return code


def default_quality(device: str) -> str:
    """``best`` on CUDA, :data:`DEFAULT_CPU_QUALITY` on a CPU."""
    return "best" if device == "cuda" else DEFAULT_CPU_QUALITY


def route(
    source: str, target: str, *, quality: str | None = None, dialect: str | None = None, device: str = "cpu"
) -> Route:
    """The registered model for ``source`` → ``target`` (see the module's doc)."""
    if dialect not in (None, "msa"):
        if source != "ar":
            raise InvalidInputError(f"a dialect is a choice for Arabic text, not for source {source!r}")
        return Route(DIALECT_MODEL, dialect)
    choices = QUALITY_MODELS.get((source, target))
    if choices is not None:
        return Route(choices[quality or default_quality(device)], source)
    if (source, target) in DEFAULT_TRANSLATION_MODELS:
        return Route(DEFAULT_TRANSLATION_MODELS[(source, target)], source)
    can = (name for name, spec in MODELS.items() if supports(spec, source, target))
    return Route(next(can, None) or default_translation_model(source, target), source)


def translation_languages() -> tuple[str, ...]:
    """The languages some direction is offered for, in the registry's order."""
    codes: list[str] = []
    for spec in MODELS.values():
        for pair in spec.directions:
            codes += [c for c in pair if c not in codes]
    return tuple(codes)


def translatable(language: str, target: str) -> bool:
    """Whether a registered model translates ``language`` → ``target``."""
    return any(supports(spec, language, target) for spec in MODELS.values())


def unsupported(guess: Guess, target: str) -> UnsupportedLanguageError:
    """The refusal of a text in ``guess``'s language: what it looks like and what would translate it."""
    languages = translation_languages()
    offered = ", ".join(
        f"{language_name(s)} → {language_name(t)}"
        for s in languages
        for t in languages
        if s != t and translatable(s, t)
    )
    nllb = _NLLB_READS.get(guess.language)
    needs = (
        f"NLLB-200 reads it (as {nllb}), but tarjama does not offer it: translate it with a "
        f"{language_name(guess.language)} model"
        if nllb
        else f"a model that reads {language_name(guess.language)}"
    )
    return UnsupportedLanguageError(
        f"this looks like {language_name(guess.language)} ({guess.language}, {guess.confidence:.0%} sure), "
        f"not a language any model here translates into {language_name(target)}; tarjama translates "
        f"{offered}. {needs[0].upper()}{needs[1:]}. If the text is Arabic or English after all, give the "
        "source language explicitly"
    )
