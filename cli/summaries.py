"""`tarjama summarize` and `tarjama summarize batch`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager

from tarjama.cli.batch import add_batch_options, run_batch_command
from tarjama.cli.common import add_engine_options, emit
from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.registry import DEFAULT_TRANSLATION_MODELS
from tarjama.inference.textio import read_text

# --- summarize -----------------------------------------------------------------------------------
_SUMMARIZE_USAGE = """tarjama summarize [FILE|-] [options]
       tarjama summarize batch INPUT -o OUT.jsonl [options] [--workers N] [--engine local|ray]"""


def add_commands(sub: argparse._SubParsersAction) -> None:
    from tarjama.inference import settings as cfg

    p = sub.add_parser(
        "summarize",
        help="summarise an article, or a batch of them (summarize batch INPUT -o OUT.jsonl)",
        usage=_SUMMARIZE_USAGE,
        description="Summarise one article (FILE, or stdin), or with `batch` every article of INPUT: "
        "a folder of .txt files (id = file name), a JSONL file or a CSV file with id and text.",
    )
    p.add_argument("inputs", nargs="*", metavar="FILE|-", help="article (default: stdin), or: batch INPUT")
    p.add_argument("--lang", default="auto", choices=["ar", "en", "auto"], help="language of the article")
    p.add_argument("--to", choices=["ar", "en"], help="language of the summary (default: the article's)")
    p.add_argument("--method", default=cfg.DEFAULT_SUMMARY_METHOD, choices=["extractive", "abstractive"])
    length = p.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=int, metavar="N", help="summary length in sentences")
    length.add_argument("--ratio", type=float, metavar="R", help="summary length as a share of the article")
    p.add_argument("--model", help="abstractive model: short name, Hub id or folder (default: per language)")
    p.add_argument("--translation-model", help="model used when --to differs from the article's language")
    p.add_argument("--order", default="auto", choices=["auto", "summarize-first", "translate-first"])
    add_engine_options(p)
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the sentence cache")
    p.add_argument("--json", action="store_true", help="print the summary and how it was made as JSON")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout (batch: OUT.jsonl)")
    add_batch_options(p)
    p.set_defaults(handler=_summarize)


def _summarize(args: argparse.Namespace) -> int:
    from tarjama.summarize import Summarizer

    if args.inputs[:1] == ["batch"]:
        return _summarize_batch(args)
    if len(args.inputs) > 1:
        raise InvalidInputError("summarize takes one FILE (or `batch INPUT -o OUT.jsonl` for many)")
    if args.workers is not None or args.engine is not None:
        raise InvalidInputError("--workers and --engine apply to `tarjama summarize batch` only")
    text = read_text(args.inputs[0] if args.inputs else "-")
    summarizer = Summarizer(
        translation_model=args.translation_model,
        backend=args.backend,
        device=args.device,
        quantization=args.quantization,
        use_cache=not args.no_cache,
        method=args.method,
    )
    with _crossing_model_hint(args):
        result = summarizer.summarize(
            text, lang=args.lang, to=args.to, sentences=args.sentences, ratio=args.ratio, model=args.model,
            order=args.order,
        )  # fmt: skip
    shown = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if args.json else result.summary
    emit(shown, args.output)
    return 0


def _summarize_batch(args: argparse.Namespace) -> int:
    from tarjama.summarize import SummarizerConfig, SummaryOptions, run_batch

    options = SummaryOptions(
        lang=args.lang, to=args.to, method=args.method, sentences=args.sentences, ratio=args.ratio,
        model=args.model, order=args.order,
    )  # fmt: skip
    config = SummarizerConfig(
        translation_model=args.translation_model,
        backend=args.backend,
        device=args.device,
        quantization=args.quantization,
        use_cache=not args.no_cache,
    )
    with _crossing_model_hint(args):
        return run_batch_command(args, run_batch, "summaries", options=options, config=config)


@contextmanager
def _crossing_model_hint(args: argparse.Namespace) -> Iterator[None]:
    """A default translation model that is missing while summarising across languages: the error also
    points at ``--translation-model``, for one article and for a batch alike."""
    try:
        yield
    except ModelUnavailableError as exc:
        if args.translation_model or exc.model not in DEFAULT_TRANSLATION_MODELS.values():
            raise
        fix = f"{exc.fix}; or choose the model that crosses languages with --translation-model NAME_OR_DIR"
        raise ModelUnavailableError(exc.model, exc.reason, fix) from exc
