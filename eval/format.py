"""Plain-text tables for the ``tarjama eval`` commands (``--json`` prints ``as_dict`` instead)."""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.eval.compare import Change
from tarjama.eval.run import RunResult
from tarjama.eval.scores import SIGNIFICANCE_NOTE, Evaluation


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return out


def format_evaluation(evaluation: Evaluation) -> str:
    """Scores with 95% intervals per system, paired tests against the first system, and the signatures."""
    metrics = evaluation.metrics
    header = [
        "system",
        *[f"{m}{' (lower=better)' if m in evaluation.lower_is_better else ''}" for m in metrics],
    ]
    rows = [header]
    for system in evaluation.systems:
        cells = [system.name]
        for metric in metrics:
            score = system.scores[metric]
            ci = f" [{score.ci.low:.2f}, {score.ci.high:.2f}]" if score.ci else ""
            cells.append(f"{score.score:.2f}{ci}")
        rows.append(cells)
    lines = [
        f"{evaluation.items} items, {evaluation.references} reference(s), language {evaluation.lang}",
        "",
    ]
    lines += _table(rows)
    if evaluation.significance:
        lines += ["", f"paired bootstrap resampling against {evaluation.systems[0].name}:"]
        sig_rows = [["system", "metric", "delta", "p-value", ""]]
        sig_rows += [
            [c.system, c.metric, f"{c.delta:+.2f}", f"{c.p_value:.4f}", c.mark]
            for c in evaluation.significance
        ]
        lines += [*_table(sig_rows), f"({SIGNIFICANCE_NOTE})"]
    lines += ["", "signatures:"]
    by_signature: dict[str, list[str]] = {}
    for metric in metrics:
        by_signature.setdefault(evaluation.systems[0].scores[metric].signature, []).append(metric)
    names = {signature: ", ".join(group) for signature, group in by_signature.items()}
    width = max(len(n) for n in names.values())
    lines += [f"  {name.ljust(width)}  {signature}" for signature, name in names.items()]
    return "\n".join(lines)


def format_run(run: RunResult) -> str:
    """A run's header (test set, model, time), its scores and, for documents, the segmentation figures."""
    head = (
        f"{run.testset} {run.source_lang}→{run.target_lang}"
        if run.source_lang != run.target_lang
        else run.testset
    )
    lines = [f"{head}  model {run.model or '-'} ({run.revision or '-'})  {run.seconds:.1f} s", ""]
    lines.append(format_evaluation(run.evaluation))
    seg = run.notes.get("segmentation")
    if seg:
        lines += [
            "",
            f"whole-document segmentation: {seg['matched']} of {seg['lines']} reference lines kept their own "
            f"sentences; {seg['merged']} shared a sentence with a neighbour ({seg['empty']} left empty)",
        ]
    return "\n".join(lines)


def format_changes(changes: Sequence[Change]) -> str:
    """One line per metric, then the verdict."""
    regressions = [c for c in changes if c.regressed]
    lines = [c.describe() for c in changes]
    lines.append(f"{len(regressions)} regression(s)" if regressions else "no regressions")
    return "\n".join(lines)
