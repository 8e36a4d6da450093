"""Which reader and writer serve a file name, and a whole document translated in one call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import Protocol

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.settings import DEFAULT_BEAM_SIZE
from tarjama.translate.aligner import align_sentences
from tarjama.translate.documents.epub import EpubDocument
from tarjama.translate.documents.html import HtmlDocument
from tarjama.translate.documents.office import OfficeDocument
from tarjama.translate.documents.opendoc import OpenDocument
from tarjama.translate.documents.pdf import PdfDocument
from tarjama.translate.documents.safety import decode_text
from tarjama.translate.documents.text import LineDocument
from tarjama.translate.documents.units import (
    SentenceAlign,
    SentencePair,
    SentenceTranslate,
    Unit,
    translate_units,
)
from tarjama.translate.engine import Translation, Translator
from tarjama.translate.filetypes import FORMATS, MEDIA_TYPES

DirectionTranslate = Callable[[str, str], SentenceTranslate]
"""``(source, target)`` → the sentence translator for that direction."""

DirectionAlign = Callable[[str, str], SentenceAlign]
"""``(source, target)`` → the aligner of that direction's sentences and translations."""


class _Document(Protocol):
    units: list[Unit]


@dataclass(frozen=True)
class TranslatedDocument:
    """A translated file: its name, bytes and media type, and the sentences that were translated."""

    name: str
    data: bytes
    media_type: str
    source: str
    target: str
    pairs: list[SentencePair]


def extension_of(name: str) -> str:
    """``name``'s format (``docx``, ``html``, ...); :class:`InvalidInputError` listing the formats."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in MEDIA_TYPES:
        raise InvalidInputError(
            f"{PurePath(name).name or 'the file'}: tarjama translates {', '.join(FORMATS)} files, not "
            f"{'.' + extension if extension else 'files without an extension'}"
        )
    return extension


def article_html(markup: str, name: str) -> str:
    """The article body of a saved web page (trafilatura), as HTML; menus, dates and site names go."""
    import trafilatura

    body = trafilatura.extract(markup, output_format="html", include_comments=False, include_images=True)
    if not body:
        raise InvalidInputError(f"{name}: no article body was found in this page")
    return body


def read_document(name: str, data: bytes, *, article_only: bool = False) -> tuple[str, _Document]:
    """``(format, document)`` for the file ``name`` with content ``data``; a file whose content does not
    match its name is an :class:`InvalidInputError` naming the problem."""
    kind = extension_of(name)
    if kind in ("docx", "pptx"):
        return kind, OfficeDocument(data, name, kind)
    if kind in ("odt", "odp"):
        return kind, OpenDocument(data, name, kind)
    if kind == "epub":
        return kind, EpubDocument(data, name)
    if kind == "pdf":
        return kind, PdfDocument(data, name)
    text = decode_text(data, name)
    if kind in ("html", "htm", "xhtml"):
        if article_only:
            return kind, HtmlDocument(article_html(text, name), name=name)
        return kind, HtmlDocument(text, xml=kind == "xhtml", name=name)
    if kind in ("srt", "vtt") and "-->" not in text:
        raise InvalidInputError(f"{name} is not a subtitle file: it has no cue timings (-->)")
    return kind, LineDocument(text, kind)


def document_text(document: _Document) -> str:
    """All the text of ``document``'s units, a line each (for language detection and limits)."""
    return "\n".join(" ".join(unit.text.split()) for unit in document.units)


def translate_document(
    name: str,
    data: bytes,
    translate: DirectionTranslate,
    *,
    source: str,
    target: str | None,
    detect: Callable[[str], str] | None = None,
    check: Callable[[str], None] | None = None,
    article_only: bool = False,
    pdf_as: str = "docx",
    align: DirectionAlign | None = None,
) -> TranslatedDocument:
    """Translate the file ``name`` (content ``data``) from ``source`` to ``target``.

    ``translate(source, target)`` gives the sentence translator (the cached path pasted text takes);
    ``detect`` finds the source language when ``source`` is ``auto`` (no ``target``: the other
    language); ``check`` sees the document's text
    first (the request limits). Text goes back at its anchors, direction and language tags turn to the
    target, everything else is kept. ``align(source, target)``, when given, aligns the sentences whose
    words cross runs, so that their formatting follows the aligned words (:mod:`.inline`).
    """
    kind, document = read_document(name, data, article_only=article_only)
    text = document_text(document)
    if not text.strip():
        raise InvalidInputError(f"{PurePath(name).name} has no text to translate")
    if check is not None:
        check(text)
    if source == "auto":
        if detect is None:
            raise InvalidInputError("say which language the document is in (source)")
        source = detect(text)
    target = target or ("en" if source == "ar" else "ar")
    if source == target:
        raise InvalidInputError(f"{PurePath(name).name} is already in the target language ({target})")
    aligner = align(source, target) if align is not None else None
    result = translate_units(document.units, translate(source, target), source, aligner)
    stem = PurePath(name).stem or "document"
    out_kind = kind
    if isinstance(document, PdfDocument):
        out_kind = "txt" if pdf_as == "txt" else "docx"
        out = document.text().encode("utf-8") if out_kind == "txt" else document.docx(target)
    elif isinstance(document, HtmlDocument | LineDocument):
        if isinstance(document, HtmlDocument):
            document.set_direction(target)
            document.declare_utf8()
        out = document.text().encode("utf-8")
    else:
        document.set_direction(target)
        out = document.data()
    return TranslatedDocument(
        f"{stem}.{target}.{out_kind}", out, MEDIA_TYPES[out_kind], source, target, result.pairs
    )


def engine_sentences(
    translator: Translator,
    beam_size: int = DEFAULT_BEAM_SIZE,
    heard: Callable[[Translation], None] | None = None,
    settings: GenerationSettings | None = None,
) -> DirectionTranslate:
    """The sentence translator of a :class:`~translate.Translator` for each direction: one call, one line
    per sentence; ``heard`` sees each :class:`~translate.Translation` (its segments, cached and flagged);
    ``settings``, when given, are the whole decoding settings (``beam_size`` is then theirs)."""

    def for_direction(source: str, target: str) -> SentenceTranslate:
        def run(sentences: Sequence[str]) -> list[str]:
            text = "\n".join(" ".join(sentence.split()) for sentence in sentences)
            result = translator.translate(
                text, source=source, target=target, beam_size=beam_size, settings=settings
            )
            if heard is not None:
                heard(result)
            if result.paragraphs == len(sentences):
                lines: list[list[str]] = [[] for _ in sentences]
                for segment in result.segments:
                    lines[segment.paragraph].append(segment.translation)
                return [" ".join(line) for line in lines]
            return [
                translator.translate(
                    s, source=source, target=target, beam_size=beam_size, settings=settings
                ).text
                for s in sentences
            ]

        return run

    return for_direction


def engine_aligner(translator: Translator) -> DirectionAlign:
    """The aligner of a :class:`~translate.Translator` for each direction (its model's attention, cached:
    :func:`translate.aligner.align_sentences`)."""

    def for_direction(source: str, target: str) -> SentenceAlign:
        return partial(align_sentences, translator, source=source, target=target)

    return for_direction


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "DirectionAlign",
    "DirectionTranslate",
    "TranslatedDocument",
    "article_html",
    "document_text",
    "engine_aligner",
    "engine_sentences",
    "extension_of",
    "read_document",
    "translate_document",
]
