"""`tarjama` command line: a thin layer that parses arguments and calls library functions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from inference import MODELS, ModelPool, SentenceCache, pull_model
from inference.backends import BACKENDS
from inference.errors import InvalidInputError, TarjamaError
from inference.settings import DEFAULT_BACKEND, DEFAULT_BEAM_SIZE, DEFAULT_DEVICE
from inference.textio import read_text, write_text

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree; each area adds its sub-commands below."""
    parser = argparse.ArgumentParser(
        prog="tarjama", description="Arabic <-> English news translation, summaries and evaluation."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (
        _add_translate_commands,
        _add_summarize_commands,
        _add_model_commands,
        _add_cache_commands,
        _add_eval_commands,
    ):
        add(sub)
    return parser


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _emit(text: str, output: str | None) -> None:
    if output:
        write_text(output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --- translate, segment ------------------------------------------------------------------------
def _add_translate_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate a text file or standard input")
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-", help="UTF-8 text file (default: stdin)")
    p.add_argument("--from", dest="source", default="auto", choices=["ar", "en", "auto"])
    p.add_argument("--to", dest="target", choices=["ar", "en"], help="default: the other language")
    p.add_argument("--model", help="short name, Hub id or local folder (default: per direction)")
    p.add_argument("--revision", help="Hub revision (branch, tag or commit)")
    p.add_argument("--beam", type=int, default=DEFAULT_BEAM_SIZE, help="beam size (default %(default)s)")
    p.add_argument("--backend", default=DEFAULT_BACKEND, choices=BACKENDS)
    p.add_argument("--device", default=DEFAULT_DEVICE, choices=["auto", "cpu", "cuda"])
    p.add_argument("--threads", type=int, help="CPU threads (default: $TARJAMA_THREADS or the usable CPUs)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the sentence cache")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    p.add_argument("--json", action="store_true", help="print text, segments, model and stats as JSON")
    p.set_defaults(handler=_translate)

    p = sub.add_parser("segment", help="print one sentence per line, a blank line between paragraphs")
    p.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    p.add_argument("--lang", default="auto", choices=["ar", "en", "auto"])
    p.set_defaults(handler=_segment)


def _translate(args: argparse.Namespace) -> int:
    from translate import Translator

    text = read_text(args.file)
    pool = ModelPool(backend=args.backend, device=args.device, threads=args.threads)
    translator = Translator(args.model, revision=args.revision, pool=pool, use_cache=not args.no_cache)
    result = translator.translate(text, source=args.source, target=args.target, beam_size=args.beam)
    if args.json:
        _emit(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), args.output)
    else:
        _emit(result.text, args.output)
    return 0


def _segment(args: argparse.Namespace) -> int:
    from translate import detect_language, normalize_input, segment

    text = normalize_input(read_text(args.file))
    lang = detect_language(text) if args.lang == "auto" else args.lang
    print("\n\n".join("\n".join(p.sentences) for p in segment(text, lang)))
    return 0


# --- models, cache -------------------------------------------------------------------------------
def _add_model_commands(sub: argparse._SubParsersAction) -> None:
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
    rows = [asdict(spec) for spec in MODELS.values()]
    if args.json:
        _print_json(rows)
        return 0
    for spec in MODELS.values():
        langs = "→".join(spec.languages) if spec.task == "translate" else ",".join(spec.languages)
        print(f"{spec.name:<26} {spec.task:<10} {langs:<6} {spec.repo_id:<38} {spec.description}")
    return 0


def _models_pull(args: argparse.Namespace) -> int:
    spec = MODELS.get(args.name)
    resolved = pull_model(args.name, task=spec.task if spec else "translate", revision=args.revision)
    print(f"{args.name}: {resolved.path} (revision {resolved.revision})")
    return 0


def _add_cache_commands(sub: argparse._SubParsersAction) -> None:
    cache = sub.add_parser("cache", help="sentence cache statistics and clearing").add_subparsers(
        dest="cache_command", required=True, metavar="ACTION"
    )
    p = cache.add_parser("stats", help="entries, size, hits and misses")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_cache_stats)
    cache.add_parser("clear", help="delete every cached sentence").set_defaults(handler=_cache_clear)


def _cache_stats(args: argparse.Namespace) -> int:
    stats = SentenceCache.open_default().stats()
    if args.json:
        _print_json(asdict(stats))
    else:
        print(f"path     {stats.path}\nentries  {stats.entries}\nsize     {stats.size_bytes:,} bytes")
        print(f"hits     {stats.hits}\nmisses   {stats.misses}")
    return 0


def _cache_clear(args: argparse.Namespace) -> int:
    removed = SentenceCache.open_default().clear()
    print(f"removed {removed} entries")
    return 0


# --- eval ----------------------------------------------------------------------------------------
def _add_eval_commands(sub: argparse._SubParsersAction) -> None:
    from inference import settings as cfg

    evals = sub.add_parser("eval", help="score translations and summaries, run test sets, compare reports")
    actions = evals.add_subparsers(dest="eval_command", required=True, metavar="ACTION")
    p = actions.add_parser("mt", help="BLEU, chrF++ and TER (sacrebleu) of hypothesis files")
    hyp_help = "one system per file, one item per line; repeat for more (the first is the baseline)"
    p.add_argument("--hyp", action="append", required=True, metavar="FILE", help=hyp_help)
    p.add_argument("--ref", action="append", required=True, metavar="FILE", help="repeat for more references")
    p.add_argument("--lang", choices=["ar", "en"], help="target language (default: guessed from --ref)")
    p.add_argument("--fold-arabic", action="store_true", help="fold Arabic spelling variants first")
    p.add_argument("--allow-empty", action="store_true", help="accept empty hypothesis lines")
    p.set_defaults(handler=_eval_mt)
    p = actions.add_parser("summary", help="ROUGE-1/2/L/Lsum F1 of summary files (one summary per line)")
    p.add_argument("--hyp", action="append", required=True, metavar="FILE", help=hyp_help)
    p.add_argument("--ref", action="append", required=True, metavar="FILE", help="repeat for more references")
    p.add_argument("--lang", choices=["ar", "en"], required=True)
    p.add_argument("--no-stem", action="store_true", help="no Porter (en) or light (ar) stemming")
    p.set_defaults(handler=_eval_summary)
    p = actions.add_parser("run", help="translate a bundled test set (or a TSV/JSONL file) and score it")
    p.add_argument("--testset", required=True, metavar="ntrex|tatoeba|PATH")
    p.add_argument("--from", dest="source", default="ar", choices=["ar", "en"])
    p.add_argument("--to", dest="target", choices=["ar", "en"], help="default: the other language")
    p.add_argument("--model", help="short name, Hub id or local folder (default: per direction)")
    p.add_argument("--revision")
    p.add_argument("--beam", type=int, default=cfg.DEFAULT_BEAM_SIZE)
    p.add_argument("--backend", default=cfg.DEFAULT_BACKEND, choices=BACKENDS)
    p.add_argument("--device", default=cfg.DEFAULT_DEVICE, choices=["auto", "cpu", "cuda"])
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the sentence cache")
    p.set_defaults(handler=_eval_run)
    p = actions.add_parser(
        "summarize", help="summarise a bundled test set (or a JSONL/TSV file) and score it"
    )
    p.add_argument("--testset", required=True, metavar="easc|cnndm|xsum|PATH")
    p.add_argument("--method", default=cfg.DEFAULT_SUMMARY_METHOD)
    p.add_argument("--sentences", type=int, default=cfg.DEFAULT_SUMMARY_SENTENCES)
    p.add_argument("--model", help="summary model (abstractive methods)")
    p.add_argument("--lang", choices=["ar", "en"], help="language of a PATH test set (default: guessed)")
    p.add_argument("--no-lead", action="store_true", help="do not add the lead-N baseline")
    p.set_defaults(handler=_eval_summarize)
    for p in (actions.choices["run"], actions.choices["summarize"]):
        p.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="only N items: the first N (sentence sets: N evenly spaced)",
        )
    for p in actions.choices.values():
        p.add_argument("--bootstrap", type=int, default=cfg.DEFAULT_BOOTSTRAP_SAMPLES, metavar="N")
        p.add_argument("--report", metavar="DIR", help="write report.json, report.md, report.html, plots")
        p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p = actions.add_parser(
        "compare", help="exit 1 when a metric dropped more than allowed against a baseline"
    )
    p.add_argument("new", metavar="NEW.json", help="report.json (or its folder) to check")
    p.add_argument("--baseline", required=True, metavar="OLD.json")
    p.add_argument(
        "--max-drop", type=float, default=cfg.DEFAULT_MAX_DROP, help="points (default %(default)s)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_eval_compare)


def _eval_done(args: argparse.Namespace, report: Any, text: str) -> int:
    from eval import write_report

    if args.report:
        write_report(report, args.report)
    if args.json:
        _print_json(report.as_dict(details=False))
    else:
        print(text + (f"\n\nreport written to {args.report}" if args.report else ""))
    return 0


def _eval_mt(args: argparse.Namespace) -> int:
    from eval import Report, read_systems, score_translations
    from eval.format import format_evaluation

    hyps, refs = read_systems(args.hyp, args.ref, allow_empty=args.allow_empty)
    evaluation = score_translations(
        hyps, refs, args.lang, n_bootstrap=args.bootstrap, fold_arabic=args.fold_arabic
    )
    report = Report(evaluation, notes={"hypotheses": args.hyp, "references": args.ref})
    return _eval_done(args, report, format_evaluation(evaluation))


def _eval_summary(args: argparse.Namespace) -> int:
    from eval import Report, read_systems, score_summaries
    from eval.format import format_evaluation

    hyps, refs = read_systems(args.hyp, args.ref)
    evaluation = score_summaries(hyps, refs, args.lang, stem=not args.no_stem, n_bootstrap=args.bootstrap)
    report = Report(evaluation, notes={"hypotheses": args.hyp, "references": args.ref})
    return _eval_done(args, report, format_evaluation(evaluation))


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _eval_run(args: argparse.Namespace) -> int:
    from eval import Report, load_mt_testset, run_translation
    from eval.format import format_run
    from translate import Translator

    target = args.target or ("en" if args.source == "ar" else "ar")
    testset = load_mt_testset(args.testset, args.source, target)
    translator = Translator(
        args.model,
        revision=args.revision,
        backend=args.backend,
        device=args.device,
        use_cache=not args.no_cache,
    )

    def translate(text: str) -> Any:
        return translator.translate(text, source=args.source, target=target, beam_size=args.beam)

    run = run_translation(
        testset, translate, limit=args.limit, n_bootstrap=args.bootstrap, progress=_progress
    )
    report = Report.from_run(run, beam=args.beam, backend=args.backend, cache=not args.no_cache)
    return _eval_done(args, report, format_run(run))


def _eval_summarize(args: argparse.Namespace) -> int:
    from eval import Report, load_summary_testset, run_summaries
    from eval.format import format_run
    from summarize import Summarizer

    items, lang = load_summary_testset(args.testset)
    lang = args.lang or lang
    summarizer = Summarizer(args.model, method=args.method)

    def summarize(text: str) -> str:  # one sentence per line, for ROUGE-Lsum
        return "\n".join(summarizer.summarize(text, lang=lang, to=lang, sentences=args.sentences).sentences)

    lead = None if args.no_lead else args.sentences
    run = run_summaries(
        items, summarize, lang, name=args.method, testset=args.testset, model=args.model or "",
        limit=args.limit, lead_sentences=lead, n_bootstrap=args.bootstrap, progress=_progress,
    )  # fmt: skip
    report = Report.from_run(run, method=args.method, sentences=args.sentences)
    return _eval_done(args, report, format_run(run))


def _eval_compare(args: argparse.Namespace) -> int:
    from eval import changes, load_report
    from eval.format import format_changes

    rows = changes(load_report(args.new), load_report(args.baseline), args.max_drop)
    if args.json:
        _print_json([{**asdict(r), "drop": r.drop, "regressed": r.regressed} for r in rows])
    else:
        print(format_changes(rows))
    return 1 if any(r.regressed for r in rows) else 0


# --- summarize -----------------------------------------------------------------------------------
_SUMMARIZE_USAGE = """tarjama summarize [FILE|-] [options]
       tarjama summarize batch INPUT -o OUT.jsonl [options] [--workers N] [--engine local|ray]"""


def _add_summarize_commands(sub: argparse._SubParsersAction) -> None:
    from inference import settings as cfg

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
    p.add_argument("--backend", default=cfg.DEFAULT_BACKEND, choices=BACKENDS)
    p.add_argument("--device", default=cfg.DEFAULT_DEVICE, choices=["auto", "cpu", "cuda"])
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the sentence cache")
    p.add_argument("--json", action="store_true", help="print the summary and how it was made as JSON")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout (batch: OUT.jsonl)")
    batch = p.add_argument_group("batch only")
    workers_help = f"processes (default {cfg.DEFAULT_BATCH_WORKERS})"
    batch.add_argument("--workers", type=int, metavar="N", help=workers_help)
    batch.add_argument("--engine", choices=["local", "ray"], help="local processes (default) or Ray Data")
    p.set_defaults(handler=_summarize)


def _summarize(args: argparse.Namespace) -> int:
    from summarize import Summarizer

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
        use_cache=not args.no_cache,
        method=args.method,
    )
    result = summarizer.summarize(
        text, lang=args.lang, to=args.to, sentences=args.sentences, ratio=args.ratio, model=args.model,
        order=args.order,
    )  # fmt: skip
    shown = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if args.json else result.summary
    _emit(shown, args.output)
    return 0


def _summarize_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from inference.settings import DEFAULT_BATCH_WORKERS
    from summarize import SummarizerConfig, SummaryOptions, run_batch

    if len(args.inputs) != 2 or not args.output:
        raise InvalidInputError("usage: tarjama summarize batch INPUT -o OUT.jsonl")
    options = SummaryOptions(
        lang=args.lang, to=args.to, method=args.method, sentences=args.sentences, ratio=args.ratio,
        model=args.model, order=args.order,
    )  # fmt: skip
    config = SummarizerConfig(
        translation_model=args.translation_model,
        backend=args.backend,
        device=args.device,
        use_cache=not args.no_cache,
    )
    with tqdm(unit="article", file=sys.stderr, mininterval=0.5, delay=0.1, dynamic_ncols=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = run_batch(
            args.inputs[1], args.output, options=options, config=config,
            workers=args.workers or DEFAULT_BATCH_WORKERS, engine=args.engine or "local", progress=progress,
        )  # fmt: skip
    if args.json:
        _print_json(asdict(report))
    else:
        print(
            f"{report.written} written, {report.skipped} already done, {report.errors} errors "
            f"({report.errors_path}) in {report.seconds:.1f} s",
            file=sys.stderr,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tarjama` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except TarjamaError as exc:
        print(f"tarjama: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tarjama: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
