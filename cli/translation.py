"""`tarjama translate | segment | models`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from tarjama.cli.batch import add_batch_options, run_batch_command
from tarjama.cli.common import add_engine_options, emit, print_json
from tarjama.cli.documents import is_document, is_document_folder, translate_document_command
from tarjama.inference import (
    MODELS,
    InvalidInputError,
    ModelPool,
    ModelUnavailableError,
    get_spec,
    pull_model,
)
from tarjama.inference.hub import ResolvedModel
from tarjama.inference.settings import DEFAULT_BACKEND, DEFAULT_BEAM_SIZE, DEFAULT_CPU_QUALITY, DEFAULT_DEVICE
from tarjama.inference.textio import read_text
from tarjama.translate.routing import DIALECT_NAMES, QUALITIES, translation_languages

LANGUAGES = translation_languages()

# --- translate, segment ------------------------------------------------------------------------
_TRANSLATE_USAGE = """tarjama translate [FILE|-] [options]
       tarjama translate batch INPUT -o OUT.jsonl [options] [--sentences]
         [--workers N] [--engine local|ray]"""


def _add_translate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "translate",
        help="translate a text file or standard input, or a batch of articles (translate batch INPUT -o OUT)",
        usage=_TRANSLATE_USAGE,
        description="Translate one text (FILE, or stdin) or document (.docx .pptx .odt .odp .epub .html .md "
        ".srt .vtt .pdf, written to -o OUT), or with `batch` every article of INPUT: a folder "
        "of .txt files (id = file name), a JSONL file or a CSV file with id and text.",
    )
    p.add_argument(
        "inputs",
        nargs="*",
        metavar="FILE|-",
        help="text file or document (default: stdin), or: batch INPUT",
    )
    p.add_argument("--from", dest="source", default="auto", choices=[*LANGUAGES, "auto"])
    p.add_argument("--to", dest="target", choices=LANGUAGES, help="default: English, or Arabic from English")
    p.add_argument("--model", help="short name, Hub id or local folder (default: per direction)")
    add_routing_options(p)
    p.add_argument("--revision", help="Hub revision (branch, tag or commit)")
    p.add_argument("--beam", type=int, default=DEFAULT_BEAM_SIZE, help="beam size (default %(default)s)")
    p.add_argument("--glossary", metavar="FILE", help="glossary file (TSV or CSV: source term, target term)")
    add_engine_options(p)
    p.add_argument("--threads", type=int, help="CPU threads (default: $TARJAMA_THREADS or the usable CPUs)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the sentence cache")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout (batch: OUT.jsonl)")
    p.add_argument("--json", action="store_true", help="print text, segments, model and stats as JSON")
    p.add_argument("--sentences", action="store_true", help="batch: each line also holds its sentences")
    p.add_argument(
        "--article-only", action="store_true", help="a saved web page: translate only its article body"
    )
    add_batch_options(p)
    p.set_defaults(handler=_translate)

    p = sub.add_parser("segment", help="print one sentence per line, a blank line between paragraphs")
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    p.add_argument("--lang", default="auto", choices=["ar", "en", "auto"])
    p.set_defaults(handler=_segment)


def add_routing_options(p: argparse.ArgumentParser) -> None:
    """``--quality`` and ``--dialect``: which model a direction goes to when ``--model`` is not given."""
    default = "best" if DEFAULT_CPU_QUALITY == "best" else f"best on CUDA, {DEFAULT_CPU_QUALITY} on a CPU"
    p.add_argument(
        "--quality", choices=QUALITIES,
        help=f"ar↔en: best = opus-mt-tc-big (slower on a CPU), fast = OPUS-MT base (default: {default})",
    )  # fmt: skip
    p.add_argument(
        "--dialect", choices=[*DIALECT_NAMES, "iraqi", "levantine", "egyptian"],
        help="the Arabic source's dialect: acm/iraqi, apc/levantine, arz/egyptian go to NLLB-200 1.3B; "
        "msa (Modern Standard, the default) to the ar→en model",
    )  # fmt: skip


def _translate(args: argparse.Namespace) -> int:
    from tarjama.translate import Translator
    from tarjama.translate.glossary import read_glossary
    from tarjama.translate.plans import language_notes

    if args.inputs[:1] == ["batch"]:
        return _translate_batch(args)
    if len(args.inputs) > 1:
        raise InvalidInputError("translate takes one FILE (or `batch INPUT -o OUT.jsonl` for many)")
    if args.workers is not None or args.engine is not None or args.sentences:
        raise InvalidInputError("--workers, --engine and --sentences apply to `tarjama translate batch` only")
    if args.inputs and is_document(args.inputs[0]):
        return translate_document_command(args)
    if args.article_only:
        raise InvalidInputError("--article-only applies to a saved web page (.html, .htm, .xhtml)")
    text = read_text(args.inputs[0] if args.inputs else "-")
    pool = ModelPool(
        backend=args.backend, device=args.device, quantization=args.quantization, threads=args.threads
    )
    translator = Translator(
        args.model, revision=args.revision, pool=pool, use_cache=not args.no_cache,
        quality=args.quality, dialect=args.dialect,
    )  # fmt: skip
    glossary = read_glossary(args.glossary) if args.glossary else None
    result = translator.translate(
        text, source=args.source, target=args.target, beam_size=args.beam, glossary=glossary
    )
    if args.json:
        emit(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), args.output)
    else:
        emit(result.text, args.output)
        for note in language_notes(result):
            print(f"tarjama: note: {note}", file=sys.stderr)
    return 0


def _translate_batch(args: argparse.Namespace) -> int:
    from tarjama.translate import TranslationOptions, TranslatorConfig, run_translation_batch
    from tarjama.translate.glossary import read_glossary

    glossary = read_glossary(args.glossary) if args.glossary else None
    options = TranslationOptions(args.source, args.target, args.beam, args.sentences, glossary=glossary)
    config = TranslatorConfig(
        model=args.model, revision=args.revision, backend=args.backend, device=args.device,
        quantization=args.quantization, threads=args.threads, use_cache=not args.no_cache,
        quality=args.quality, dialect=args.dialect,
    )  # fmt: skip
    if len(args.inputs) == 2 and is_document_folder(args.inputs[1]):  # written to OUT.files/
        from tarjama.translate.documents.batch import run_document_batch

        return run_batch_command(
            args,
            run_document_batch,
            "documents",
            options=options,
            config=config,
            article_only=args.article_only,
        )
    if args.article_only:
        raise InvalidInputError("--article-only applies to saved web pages (.html, .htm, .xhtml)")
    return run_batch_command(args, run_translation_batch, "translations", options=options, config=config)


def _segment(args: argparse.Namespace) -> int:
    from tarjama.translate import detect_language, normalize_input, segment
    from tarjama.translate.sources import script_language

    text = normalize_input(read_text(args.file))
    lang = script_language(detect_language(text)) if args.lang == "auto" else args.lang
    print("\n\n".join("\n".join(p.sentences) for p in segment(text, lang)))
    return 0


# --- models -------------------------------------------------------------------------------------
def _add_models(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="list or pre-fetch models").add_subparsers(
        dest="models_command", required=True, metavar="ACTION"
    )
    p = models.add_parser("list", help="the registered models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_models_list)
    p = models.add_parser("pull", help="download a model so it can be used offline")
    p.add_argument("name", help="short name or Hub id")
    p.add_argument("--revision")
    p.set_defaults(handler=_models_pull)
    p = models.add_parser(
        "import", help="register a model copied in by hand (folder or .tar/.zip), for use without the Hub"
    )
    p.add_argument("source", metavar="FOLDER_OR_ARCHIVE", help="a Hub snapshot folder, or a .tar/.zip of one")
    p.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="registered name or Hub id (default: read from the source)",
    )
    p.set_defaults(handler=_models_import)


def _models_list(args: argparse.Namespace) -> int:
    from tarjama.inference.registry import describe_directions, describe_model
    from tarjama.inference.state import model_state

    states = {name: model_state(name) for name in MODELS}
    if args.json:
        rows = [
            {
                **asdict(spec),
                "directions": [list(d) for d in spec.directions],
                "state": states[name].as_dict(),
            }
            for name, spec in MODELS.items()
        ]
        print_json(rows)
        return 0
    for name, spec in MODELS.items():
        langs = describe_directions(spec) if spec.task == "translate" else ",".join(spec.languages)
        print(f"{name:<24} {spec.task:<10} {langs:<13} {spec.repo_id:<36} {states[name].describe()}")
        print(f"{'':<24} {describe_model(spec)}")
    return 0


def _models_pull(args: argparse.Namespace) -> int:
    spec = get_spec(args.name)
    resolved = pull_model(args.name, task=spec.task if spec else "translate", revision=args.revision)
    print(f"{args.name}: {resolved.path} (revision {resolved.revision})")
    _convert_for_serving(resolved)
    return 0


# --- glossary -----------------------------------------------------------------------------------
def _add_glossary(sub: argparse._SubParsersAction) -> None:
    glossary = sub.add_parser("glossary", help="check and list glossary files").add_subparsers(
        dest="glossary_command", required=True, metavar="ACTION"
    )
    p = glossary.add_parser("list", help="each glossary's name, direction and entries (default: the sample)")
    p.add_argument("files", nargs="*", metavar="[NAME=]FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_glossary_list)


def _glossary_list(args: argparse.Namespace) -> int:
    from tarjama.translate.glossary import GlossaryShelf, sample_glossary

    specs = [f if "=" in f else f"{Path(f).stem}={f}" for f in args.files]
    rows = GlossaryShelf.from_specs(specs).describe() if specs else [sample_glossary().describe()]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row['name']:<24} {row['source']}-{row['target']}  {row['entries']:>6} entries")
    return 0


def _models_import(args: argparse.Namespace) -> int:
    from tarjama.inference.importer import import_model

    imported = import_model(Path(args.source), args.as_name)
    print(f"{imported.name}: imported as {imported.repo_id} (revision {imported.revision}); it now works "
          "without the Hub")  # fmt: skip
    return 0


def _convert_for_serving(resolved: ResolvedModel) -> None:
    """Convert a pulled model for CTranslate2 now (in a process of its own) when this machine would serve
    it with CTranslate2, so no server or command converts it on first use."""
    from tarjama.inference.backends import choose_backend
    from tarjama.inference.backends.ct2_models import converted_model

    choice = choose_backend(DEFAULT_BACKEND, DEFAULT_DEVICE)
    if choice.name != "ctranslate2":
        return
    try:
        path = converted_model(resolved, choice.quantization)
    except ModelUnavailableError as exc:
        print(f"{resolved.name}: not converted to CTranslate2: {exc.reason}", file=sys.stderr)
        return
    print(f"{resolved.name}: converted to CTranslate2 {choice.quantization} ({path})")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register translate, segment and models."""
    for add in (_add_translate, _add_models, _add_glossary):
        add(sub)
