"""`tarjama eval mt | summary | run | summarize | compare`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from tarjama.cli.common import add_engine_options, print_json
from tarjama.inference import ModelPool


# --- eval ----------------------------------------------------------------------------------------
def add_commands(sub: argparse._SubParsersAction) -> None:
    from tarjama.inference import settings as cfg

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
    add_engine_options(p)
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
    from tarjama.eval import write_report

    if args.report:
        write_report(report, args.report)
    if args.json:
        print_json(report.as_dict(details=False))
    else:
        print(text + (f"\n\nreport written to {args.report}" if args.report else ""))
    return 0


def _eval_mt(args: argparse.Namespace) -> int:
    from tarjama.eval import Report, read_systems, score_translations
    from tarjama.eval.format import format_evaluation

    hyps, refs = read_systems(args.hyp, args.ref, allow_empty=args.allow_empty)
    evaluation = score_translations(
        hyps, refs, args.lang, n_bootstrap=args.bootstrap, fold_arabic=args.fold_arabic
    )
    report = Report(evaluation, notes={"hypotheses": args.hyp, "references": args.ref})
    return _eval_done(args, report, format_evaluation(evaluation))


def _eval_summary(args: argparse.Namespace) -> int:
    from tarjama.eval import Report, read_systems, score_summaries
    from tarjama.eval.format import format_evaluation

    hyps, refs = read_systems(args.hyp, args.ref)
    evaluation = score_summaries(hyps, refs, args.lang, stem=not args.no_stem, n_bootstrap=args.bootstrap)
    report = Report(evaluation, notes={"hypotheses": args.hyp, "references": args.ref})
    return _eval_done(args, report, format_evaluation(evaluation))


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _eval_run(args: argparse.Namespace) -> int:
    from tarjama.eval import Report, load_mt_testset, run_translation
    from tarjama.eval.format import format_run
    from tarjama.translate import Translator

    target = args.target or ("en" if args.source == "ar" else "ar")
    testset = load_mt_testset(args.testset, args.source, target)
    pool = ModelPool(backend=args.backend, device=args.device, quantization=args.quantization)
    translator = Translator(args.model, revision=args.revision, pool=pool, use_cache=not args.no_cache)

    def translate(text: str) -> Any:
        return translator.translate(text, source=args.source, target=target, beam_size=args.beam)

    run = run_translation(
        testset, translate, limit=args.limit, n_bootstrap=args.bootstrap, progress=_progress
    )
    report = Report.from_run(run, beam=args.beam, backend=args.backend, cache=not args.no_cache)
    return _eval_done(args, report, format_run(run))


def _eval_summarize(args: argparse.Namespace) -> int:
    from tarjama.eval import Report, load_summary_testset, run_summaries
    from tarjama.eval.format import format_run
    from tarjama.summarize import Summarizer

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
    from tarjama.eval import changes, load_report
    from tarjama.eval.format import format_changes

    rows = changes(load_report(args.new), load_report(args.baseline), args.max_drop)
    if args.json:
        print_json([{**asdict(r), "drop": r.drop, "regressed": r.regressed} for r in rows])
    else:
        print(format_changes(rows))
    return 1 if any(r.regressed for r in rows) else 0
