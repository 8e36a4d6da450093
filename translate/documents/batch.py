"""Folders of documents on the shared job runner (:mod:`inference.jobs`): resumable, safe to kill.

``OUT.jsonl`` gets one line per document (``{"id", "document", "source", "target", "sentences"}``) and
the translated files go into the folder ``OUT.files`` beside it, each written whole or not at all; a
rerun skips the documents already listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from tarjama.inference.errors import InvalidInputError, TarjamaError
from tarjama.inference.jobs import BadRecord, GroupResult, JobReport, Progress, Record, error_line, run_job
from tarjama.inference.textio import write_bytes
from tarjama.translate.batch import TranslationOptions, TranslatorConfig, worker_translator
from tarjama.translate.detect import detect_language
from tarjama.translate.documents.formats import (
    FORMATS,
    engine_aligner,
    engine_sentences,
    translate_document,
)


def is_document_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a document that is not plain text (a .docx, .html, ...)."""
    folder = Path(path)
    documents = (p.suffix.lower() for p in folder.iterdir() if p.is_file()) if folder.is_dir() else ()
    return any(suffix in FORMATS and suffix != ".txt" for suffix in documents)


def document_records(path: str | Path) -> list[Record | BadRecord]:
    """The documents of the folder ``path`` by name; a record's ``text`` is the document's path."""
    folder = Path(path)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)
    if not files:
        raise InvalidInputError(f"{folder.name} holds no document ({', '.join(FORMATS)})")
    return [Record(file.name, str(file.resolve()), file.name) for file in files]


def files_folder(output: str | Path) -> Path:
    """Where the translated documents of the run writing ``output`` go: ``OUT.files`` beside it."""
    output = Path(output)
    return output.with_name(output.name.removesuffix(".jsonl") + ".files")


@dataclass(frozen=True)
class DocumentTask:
    """The documents job for :func:`~inference.jobs.run_job`: one document at a time."""

    out_dir: str
    options: TranslationOptions
    config: TranslatorConfig
    article_only: bool = False
    what: ClassVar[str] = "documents"
    result_key: ClassVar[str] = "document"
    group_size: ClassVar[int] = 1

    def run(self, records: list[Record]) -> GroupResult:
        """The lines for ``records``, each document translated and written into :attr:`out_dir`."""
        translator = worker_translator(self.config).translator
        lines, sentences = [], 0
        for record in records:
            try:
                source = Path(record.text)
                document = translate_document(
                    source.name, source.read_bytes(), engine_sentences(translator, self.options.beam_size),
                    source=self.options.source, target=self.options.target, detect=detect_language,
                    article_only=self.article_only, align=engine_aligner(translator),
                )  # fmt: skip
            except TarjamaError as exc:
                lines.append(error_line(record, str(exc)))
                continue
            except OSError as exc:
                lines.append(error_line(record, f"cannot read the file: {exc.strerror}"))
                continue
            name = document.name
            if Path(name).suffix != source.suffix.lower():  # a .pdf comes back as .docx: keep names apart
                name = f"{source.name}.{document.target}{Path(name).suffix}"
            out = Path(self.out_dir) / name
            write_bytes(out, document.data)
            sentences += len(document.pairs)
            line = {
                "id": record.id,
                "document": str(out),
                "source": document.source,
                "target": document.target,
            }
            lines.append(line | {"sentences": len(document.pairs)})
        return GroupResult(lines, {"sentences": sentences})


def run_document_batch(
    input_path: str | Path,
    output: str | Path,
    *,
    options: TranslationOptions | None = None,
    config: TranslatorConfig | None = None,
    article_only: bool = False,
    workers: int = 1,
    engine: str = "local",
    progress: Progress | None = None,
) -> JobReport:
    """Translate every document of the folder ``input_path``; see the module's docstring."""
    out_dir = files_folder(output)
    out_dir.mkdir(parents=True, exist_ok=True)
    task = DocumentTask(
        str(out_dir), options or TranslationOptions(), config or TranslatorConfig(), article_only
    )
    return run_job(
        input_path, output, task, workers=workers, engine=engine, progress=progress, reader=document_records
    )


__all__ = ["DocumentTask", "document_records", "files_folder", "is_document_folder", "run_document_batch"]
