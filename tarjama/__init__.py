"""tarjama: Arabic ↔ English news translation and summarisation with a sentence cache, a web page, a
LibreTranslate-compatible API, batch jobs and sacrebleu-based evaluation.

One import name: the checkout's folders ``translate/``, ``summarize/``, ``eval/``, ``inference/``, ``web/``
and ``cli/`` are the subpackages ``tarjama.translate`` … (see ``pyproject.toml``). The engines are
importable from here; they load lazily, so ``import tarjama`` stays cheap (no torch).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

__version__ = "0.2.0"  # the one place: pyproject.toml, `tarjama --version`, /health and reports read it

_EXPORTS = {
    "Translator": "tarjama.translate",
    "TranslatorConfig": "tarjama.translate",
    "TranslationOptions": "tarjama.translate",
    "Translation": "tarjama.translate",
    "CorpusTranslator": "tarjama.translate",
    "Summarizer": "tarjama.summarize",
    "SummarizerConfig": "tarjama.summarize",
    "SummaryOptions": "tarjama.summarize",
    "Summary": "tarjama.summarize",
    "Report": "tarjama.eval",
    "SentenceCache": "tarjama.inference",
    "TarjamaError": "tarjama.inference",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

# In a checkout the subpackages are the folders beside this one (an install maps the same folders, see
# pyproject.toml): found from here, a copy of the checkout imports its own code, not the installed one's.
_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "inference" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))


def __getattr__(name: str) -> Any:
    """The public engines and types, imported on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tarjama' has no attribute {name!r}")
    return getattr(import_module(module), name)
