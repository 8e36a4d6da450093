"""Glossaries: files and request pairs, term matching that survives Arabic spelling, and enforcement."""

from tarjama.translate.glossary.apply import PROTECTED, Termed, TermTranslator
from tarjama.translate.glossary.files import (
    Glossary,
    GlossaryError,
    build_glossary,
    glossary_from_pairs,
    parse_glossary,
    read_glossary,
)
from tarjama.translate.glossary.shelf import GlossaryShelf, sample_glossary
from tarjama.translate.glossary.terms import Match, TermFinder

__all__ = [
    "PROTECTED",
    "Glossary",
    "GlossaryError",
    "GlossaryShelf",
    "Match",
    "TermFinder",
    "TermTranslator",
    "Termed",
    "build_glossary",
    "glossary_from_pairs",
    "parse_glossary",
    "read_glossary",
    "sample_glossary",
]
