"""The page's side of language identification and routing: the Translate tab's directions (with the Arabic
dialects and Sorani), the quality choice in its model list, and the notice that says which language was
detected and what was done with text in another language. No Gradio here: ``ui.py`` lays these out.

The dialect and the quality ride in the existing Direction and Model values (``acm-en``, ``quality:best``),
so the ``translate`` event keeps its three inputs and Gradio API clients keep working.
"""

from __future__ import annotations

import html
from collections import Counter

from tarjama.translate import Translation
from tarjama.translate.guards import OTHER_LANGUAGE
from tarjama.translate.langid import language_name
from tarjama.translate.routing import DIALECT_MODEL, DIALECT_NAMES
from tarjama.web.presenters import model_label
from tarjama.web.service import Routing

QUALITY_PREFIX = "quality:"
TRANSLATE_DIRECTIONS: dict[str, tuple[str, str, str | None]] = {  # value → (source, target, dialect)
    "ar-en": ("ar", "en", None),
    "acm-en": ("ar", "en", "acm"),
    "apc-en": ("ar", "en", "apc"),
    "arz-en": ("ar", "en", "arz"),
    "ckb-en": ("ckb", "en", None),
    "en-ar": ("en", "ar", None),
    "en-ckb": ("en", "ckb", None),
}
TRANSLATE_DIRECTION_CHOICES = (
    ("Arabic (Modern Standard) → English", "ar-en"),
    *((f"{DIALECT_NAMES[d]} → English (NLLB-200 1.3B)", f"{d}-en") for d in ("acm", "apc", "arz")),
    ("Central Kurdish (Sorani) → English (NLLB-200 1.3B)", "ckb-en"),
    ("English → Arabic", "en-ar"),
    ("English → Central Kurdish (Sorani) (NLLB-200 1.3B)", "en-ckb"),
)
QUALITY_CHOICES = (  # the labels name no model: a model's own entry follows in the same list
    ("Best quality: OPUS-MT transformer-big (slower on a CPU)", f"{QUALITY_PREFIX}best"),
    ("Fast: OPUS-MT base", f"{QUALITY_PREFIX}fast"),
)

__all__ = [
    "DIALECT_MODEL",
    "QUALITY_CHOICES",
    "TRANSLATE_DIRECTIONS",
    "TRANSLATE_DIRECTION_CHOICES",
    "language_notice",
    "page_request",
]


def page_request(direction: str, model: str | None) -> tuple[str, str | None, str | None, Routing]:
    """``(source, target, model, routing)`` from the Translate tab's Direction and Model values."""
    source, target, dialect = TRANSLATE_DIRECTIONS.get(direction, ("auto", None, None))
    quality = None
    if model and model.startswith(QUALITY_PREFIX):
        quality, model = model[len(QUALITY_PREFIX) :], None
    return source, target, model or None, Routing(quality, dialect)


def language_notice(result: Translation) -> str:
    """HTML: the language detected for the text (and how sure), a warning when it is not the source it was
    translated as, the paragraphs in another language that another model translated (which), and those
    copied because no model here could."""
    parts = []
    if result.detected is not None:
        found = result.detected
        parts.append(f"detected language: <strong>{_esc(found.name)}</strong> ({found.confidence:.0%})")
    if result.wrong_language:
        parts.append(
            f'<span class="tj-badge tj-warn">this looks like {_esc(language_name(result.wrong_language))}, '
            f"not {_esc(language_name(result.source))}</span>: translated as asked; choose the right "
            "direction (or Detect automatically) if it is not"
        )
    for (language, model), count in Counter((p.language, p.model) for p in result.foreign if p.model).items():
        parts.append(
            f'<span class="tj-badge tj-copy">{count} paragraph{"s" if count > 1 else ""} in '
            f"{_esc(language_name(language))} translated by {_esc(model_label(model))}</span>"
        )
    copied = sorted({s.paragraph for s in result.segments if OTHER_LANGUAGE in s.flags and not s.model})
    if copied:
        parts.append(
            f'<span class="tj-badge tj-copy">{len(copied)} paragraph{"s" if len(copied) > 1 else ""} in '
            "another language copied, not translated</span>"
        )
    return f'<p class="tj-status tj-language">{" · ".join(parts)}</p>' if parts else ""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
