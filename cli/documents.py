"""`tarjama translate FILE -o OUT` for documents: .docx, .pptx, .odt, .odp, .epub, .html, .md, .srt,
.vtt and .pdf (a .docx or, with ``-o OUT.txt``, text back)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tarjama.inference import InvalidInputError, ModelPool
from tarjama.inference.textio import write_bytes

TEXT_OUT = (".md", ".srt", ".vtt", ".html", ".htm", ".xhtml")  # formats that may go to standard output


def is_document(path: str) -> bool:
    """Whether ``path`` names a document format other than plain text."""
    from tarjama.translate.filetypes import FORMATS

    suffix = Path(path).suffix.lower()
    return suffix in FORMATS and suffix != ".txt"


def is_document_folder(path: str) -> bool:
    """Whether ``path`` is a folder of documents (``translate batch`` then writes files, not lines)."""
    from tarjama.translate.documents.batch import is_document_folder as holds_documents

    return holds_documents(path)


def translate_document_command(args: argparse.Namespace) -> int:
    """Translate the document ``args.inputs[0]`` to ``args.output`` (or stdout for text formats)."""
    from tarjama.translate import Translator, detect_language
    from tarjama.translate.documents import engine_aligner, engine_sentences, translate_document

    source_path = Path(args.inputs[0])
    if not args.output and source_path.suffix.lower() not in TEXT_OUT:
        raise InvalidInputError(f"say where to write the translated {source_path.suffix} file: -o OUT")
    if args.output and Path(args.output).resolve() == source_path.resolve():
        raise InvalidInputError("the output would overwrite the document itself: choose another -o")
    try:
        data = source_path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(f"{source_path} does not exist") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read {source_path}: {exc.strerror}") from None
    pool = ModelPool(
        backend=args.backend, device=args.device, quantization=args.quantization, threads=args.threads
    )
    translator = Translator(args.model, revision=args.revision, pool=pool, use_cache=not args.no_cache)
    result = translate_document(
        source_path.name,
        data,
        engine_sentences(translator, args.beam),
        source=args.source,
        target=args.target,
        detect=detect_language,
        article_only=args.article_only,
        pdf_as="txt" if args.output and args.output.lower().endswith(".txt") else "docx",
        align=engine_aligner(translator),
    )
    if args.output:
        write_bytes(args.output, result.data)
        print(
            f"{len(result.pairs)} sentences {result.source}→{result.target}: {args.output}", file=sys.stderr
        )
    else:
        sys.stdout.write(result.data.decode("utf-8"))
    return 0
