"""The page's Documents tab without Gradio: translate an uploaded file, show its sentences, offer the
translated file for download."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from html import escape
from pathlib import Path

from tarjama.inference.errors import InvalidInputError, TarjamaError
from tarjama.translate import Translation
from tarjama.translate.documents import (
    SentenceAlign,
    SentenceTranslate,
    engine_aligner,
    engine_sentences,
    translate_document,
)
from tarjama.web import presenters
from tarjama.web.handlers import DIRECTIONS, Page
from tarjama.web.languages import detect

DocumentOutputs = tuple[str, str, str | None]


def _merged(results: Sequence[Translation]) -> Translation:
    """One translation of all ``results``' segments (a document is usually one call, sometimes more)."""
    first = results[0]
    segments = [segment for result in results for segment in result.segments]
    return Translation(
        "\n".join(r.text for r in results), segments, first.model, first.revision, first.backend,
        first.source, first.target, first.stats, sum(r.paragraphs for r in results), first.quantization,
    )  # fmt: skip


def _sentences(
    page: Page, model: str | None, heard: list[Translation], source: str, target: str
) -> SentenceTranslate:
    translator = page.service.translator(source, target, model)
    return engine_sentences(translator, heard=heard.append)(source, target)


def _aligner(page: Page, model: str | None, source: str, target: str) -> SentenceAlign:
    return engine_aligner(page.service.translator(source, target, model))(source, target)


def translate_upload(
    page: Page, file: str | None, direction: str, model: str | None, article_only: bool, visitor: str
) -> DocumentOutputs:
    """``(status, sentence table, translated file)`` for the visitor's uploaded document ``file``."""
    service = page.service
    source, target = DIRECTIONS.get(direction, ("auto", None))
    heard: list[Translation] = []
    try:
        if not file:
            raise InvalidInputError("upload a document first")
        (path,) = page.uploads.check(visitor, [file])
        upload = Path(path)
        service.limits.check_upload(upload.stat().st_size, upload.name)
        document = translate_document(
            upload.name, upload.read_bytes(), partial(_sentences, page, model or None, heard),
            source=source, target=target, detect=lambda text: detect(text).language,
            check=lambda text: service.limits.check_texts([text]), article_only=article_only,
            align=partial(_aligner, page, model or None),
        )  # fmt: skip
    except TarjamaError as exc:
        return presenters.error_box(str(exc), "Could not translate the document"), "", None
    out = page.folder() / document.name
    out.write_bytes(document.data)
    done = presenters.count(len(document.pairs), "sentence")
    status = f"<p><strong>{done}</strong> translated into {escape(document.name)}</p>"
    table = presenters.alignment_table(_merged(heard)) if heard else ""
    return status + page.cache_notice(), table, str(out)
