"""`tarjama translate | segment | models`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from cli.batch import add_batch_options, run_batch_command
from cli.common import add_engine_options, emit, print_json
from inference import MODELS, InvalidInputError, ModelPool, ModelUnavailableError, get_spec, pull_model
from inference.hub import ResolvedModel
from inference.settings import DEFAULT_BACKEND, DEFAULT_BEAM_SIZE, DEFAULT_DEVICE
from inference.textio import read_text

# --- translate, segment ------------------------------------------------------------------------
_TRANSLATE_USAGE = """tarjama translate [FILE|-] [options]
       tarjama translate batch INPUT -o OUT.jsonl [options] [--sentences]
         [--workers N] [--engine local|ray]"""


def _add_translate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "translate",
        help="translate a text file or standard input, or a batch of articles (translate batch INPUT -o OUT)",
        usage=_TRANSLATE_USAGE,
        description="Translate one text (FILE, or stdin), or with `batch` every article of INPUT: a folder "
        "of .txt files (id = file name), a JSONL file or a CSV file with id and text.",
    )
    p.add_argument(
        "inputs", nargs="*", metavar="FILE|-", help="UTF-8 text file (default: stdin), or: batch INPUT"
    )
    p.add_argument("--from", dest="source", default="auto", choices=["ar", "en", "auto"])
    p.add_argument("--to", dest="target", choices=["ar", "en"], help="default: the other language")
    p.add_argument("--model", help="short name, Hub id or local folder (default: per direction)")
    p.add_argument("--revision", help="Hub revision (branch, tag or commit)")
    p.add_argument("--beam", type=int, default=DEFAULT_BEAM_SIZE, help="beam size (default %(default)s)")
    add_engine_options(p)
    p.add_argument("--threads", type=int, help="CPU threads (default: $TARJAMA_THREADS or the usable CPUs)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the sentence cache")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout (batch: OUT.jsonl)")
    p.add_argument("--json", action="store_true", help="print text, segments, model and stats as JSON")
    p.add_argument("--sentences", action="store_true", help="batch: each line also holds its sentences")
    add_batch_options(p)
    p.set_defaults(handler=_translate)

    p = sub.add_parser("segment", help="print one sentence per line, a blank line between paragraphs")
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    p.add_argument("--lang", default="auto", choices=["ar", "en", "auto"])
    p.set_defaults(handler=_segment)


def _translate(args: argparse.Namespace) -> int:
    from translate import Translator

    if args.inputs[:1] == ["batch"]:
        return _translate_batch(args)
    if len(args.inputs) > 1:
        raise InvalidInputError("translate takes one FILE (or `batch INPUT -o OUT.jsonl` for many)")
    if args.workers is not None or args.engine is not None or args.sentences:
        raise InvalidInputError("--workers, --engine and --sentences apply to `tarjama translate batch` only")
    text = read_text(args.inputs[0] if args.inputs else "-")
    pool = ModelPool(
        backend=args.backend, device=args.device, quantization=args.quantization, threads=args.threads
    )
    translator = Translator(args.model, revision=args.revision, pool=pool, use_cache=not args.no_cache)
    result = translator.translate(text, source=args.source, target=args.target, beam_size=args.beam)
    if args.json:
        emit(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), args.output)
    else:
        emit(result.text, args.output)
    return 0


def _translate_batch(args: argparse.Namespace) -> int:
    from translate import TranslationOptions, TranslatorConfig, run_translation_batch

    options = TranslationOptions(args.source, args.target, args.beam, args.sentences)
    config = TranslatorConfig(
        model=args.model, revision=args.revision, backend=args.backend, device=args.device,
        quantization=args.quantization, threads=args.threads, use_cache=not args.no_cache,
    )  # fmt: skip
    return run_batch_command(args, run_translation_batch, "translations", options=options, config=config)


def _segment(args: argparse.Namespace) -> int:
    from translate import detect_language, normalize_input, segment

    text = normalize_input(read_text(args.file))
    lang = detect_language(text) if args.lang == "auto" else args.lang
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


def _models_list(args: argparse.Namespace) -> int:
    from inference.registry import describe_directions
    from inference.state import model_state

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
        print(f"{'':<24} {spec.description}")
    return 0


def _models_pull(args: argparse.Namespace) -> int:
    spec = get_spec(args.name)
    resolved = pull_model(args.name, task=spec.task if spec else "translate", revision=args.revision)
    print(f"{args.name}: {resolved.path} (revision {resolved.revision})")
    _convert_for_serving(resolved)
    return 0


def _convert_for_serving(resolved: ResolvedModel) -> None:
    """Convert a pulled model for CTranslate2 now (in a process of its own) when this machine would serve
    it with CTranslate2, so no server or command converts it on first use."""
    from inference.backends import choose_backend
    from inference.backends.ctranslate2_backend import converted_model

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
    for add in (_add_translate, _add_models):
        add(sub)
