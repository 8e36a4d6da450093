"""Quality evaluation: sacrebleu and ROUGE metrics with signatures, bundled test sets, reports, a gate."""

from tarjama.eval.compare import Change, Regression, changes, compare_reports
from tarjama.eval.io import check_parallel, read_lines, read_systems, system_names
from tarjama.eval.mt import score_translations
from tarjama.eval.report import Report, load_report, write_report
from tarjama.eval.rouge import ArabicTokenizer, score_summaries
from tarjama.eval.run import RunResult, SegmentationStats, run_summaries, run_translation
from tarjama.eval.scores import Evaluation, Interval, MetricScore, PairedComparison, SystemScores
from tarjama.eval.testsets import (
    EascItem,
    MTItem,
    MTTestSet,
    SummaryItem,
    load_cnndm,
    load_easc,
    load_mt_testset,
    load_ntrex,
    load_summary_testset,
    load_tatoeba,
    load_xsum,
)

__all__ = [
    "ArabicTokenizer",
    "Change",
    "EascItem",
    "Evaluation",
    "Interval",
    "MTItem",
    "MTTestSet",
    "MetricScore",
    "PairedComparison",
    "Regression",
    "Report",
    "RunResult",
    "SegmentationStats",
    "SummaryItem",
    "SystemScores",
    "changes",
    "check_parallel",
    "compare_reports",
    "load_cnndm",
    "load_easc",
    "load_mt_testset",
    "load_ntrex",
    "load_report",
    "load_summary_testset",
    "load_tatoeba",
    "load_xsum",
    "read_lines",
    "read_systems",
    "run_summaries",
    "run_translation",
    "score_summaries",
    "score_translations",
    "system_names",
    "write_report",
]
