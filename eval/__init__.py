"""Quality evaluation: sacrebleu and ROUGE metrics with signatures, bundled test sets, reports, a gate.

The names below are imported on first use, so a module that needs one part (the page's test-set names, a
score's type) does not load sacrebleu, ROUGE and NLTK with it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ArabicTokenizer": "tarjama.eval.rouge",
    "Change": "tarjama.eval.compare",
    "EascItem": "tarjama.eval.testsets",
    "Evaluation": "tarjama.eval.scores",
    "Interval": "tarjama.eval.scores",
    "MTItem": "tarjama.eval.testsets",
    "MTTestSet": "tarjama.eval.testsets",
    "MetricScore": "tarjama.eval.scores",
    "PairedComparison": "tarjama.eval.scores",
    "Regression": "tarjama.eval.compare",
    "Report": "tarjama.eval.report",
    "RunResult": "tarjama.eval.run",
    "SegmentationStats": "tarjama.eval.run",
    "SummaryItem": "tarjama.eval.testsets",
    "SystemScores": "tarjama.eval.scores",
    "changes": "tarjama.eval.compare",
    "check_parallel": "tarjama.eval.io",
    "compare_reports": "tarjama.eval.compare",
    "load_cnndm": "tarjama.eval.testsets",
    "load_easc": "tarjama.eval.testsets",
    "load_mt_testset": "tarjama.eval.testsets",
    "load_ntrex": "tarjama.eval.testsets",
    "load_report": "tarjama.eval.report",
    "load_summary_testset": "tarjama.eval.testsets",
    "load_tatoeba": "tarjama.eval.testsets",
    "load_xsum": "tarjama.eval.testsets",
    "read_lines": "tarjama.eval.io",
    "read_systems": "tarjama.eval.io",
    "run_summaries": "tarjama.eval.run",
    "run_translation": "tarjama.eval.run",
    "score_summaries": "tarjama.eval.rouge",
    "score_translations": "tarjama.eval.mt",
    "system_names": "tarjama.eval.io",
    "write_report": "tarjama.eval.report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """The public names, each imported from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tarjama.eval' has no attribute {name!r}")
    return getattr(import_module(module), name)
