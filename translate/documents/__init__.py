"""Documents in, documents out: a reader and a writer per format, the path pasted text takes between.

Each reader turns a file into :class:`Unit` s (a paragraph's runs with an anchor back into the file);
:func:`translate_units` translates them sentence by sentence through any :data:`SentenceTranslate`
(and, given a :data:`SentenceAlign`, carries formatting inside a sentence to the aligned words);
the writer puts each translation back at its anchor, turns direction and language tags to the target and
keeps everything else.
"""

from tarjama.translate.documents.formats import (
    FORMATS,
    MEDIA_TYPES,
    DirectionAlign,
    DirectionTranslate,
    TranslatedDocument,
    article_html,
    document_text,
    engine_aligner,
    engine_sentences,
    extension_of,
    read_document,
    translate_document,
)
from tarjama.translate.documents.html import HtmlDocument
from tarjama.translate.documents.units import (
    SentenceAlign,
    SentencePair,
    SentenceTranslate,
    Unit,
    UnitsResult,
    translate_units,
)

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "DirectionAlign",
    "DirectionTranslate",
    "HtmlDocument",
    "SentenceAlign",
    "SentencePair",
    "SentenceTranslate",
    "TranslatedDocument",
    "Unit",
    "UnitsResult",
    "article_html",
    "document_text",
    "engine_aligner",
    "engine_sentences",
    "extension_of",
    "read_document",
    "translate_document",
    "translate_units",
]
