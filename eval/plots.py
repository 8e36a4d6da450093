"""PNG plots for reports, drawn with matplotlib's Agg canvas (no pyplot, no global backend state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.eval.scores import Evaluation

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_WIDTH, _HEIGHT, _DPI = 7.0, 4.0, 110
MAX_RATIO = 3.0  # length ratios above this are drawn in the last bin


def _save(fig: Figure, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=_DPI, bbox_inches="tight")
    return path


def plot_scores(evaluation: Evaluation, path: Path) -> Path:
    """Grouped bars: each metric per system, with its 95% confidence interval as an error bar."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH, _HEIGHT))
    ax = fig.add_subplot()
    systems = evaluation.systems
    width = 0.8 / max(1, len(systems))
    for index, system in enumerate(systems):
        xs = [m + index * width for m in range(len(evaluation.metrics))]
        heights, below, above = [], [], []
        for metric in evaluation.metrics:
            score = system.scores[metric]
            heights.append(score.score)
            below.append(max(0.0, score.score - score.ci.low) if score.ci else 0.0)
            above.append(max(0.0, score.ci.high - score.score) if score.ci else 0.0)
        ax.bar(xs, heights, width, yerr=[below, above], capsize=3, label=system.name)
    ax.set_xticks([m + width * (len(systems) - 1) / 2 for m in range(len(evaluation.metrics))])
    labels = [f"{m} (lower is better)" if m in evaluation.lower_is_better else m for m in evaluation.metrics]
    ax.set_xticklabels(labels)
    ax.set_ylabel("score (0–100)")
    ax.set_title("Scores with 95% bootstrap confidence intervals")
    ax.legend(fontsize="small")
    return _save(fig, path)


def segment_metric(evaluation: Evaluation) -> str:
    """The per-item metric drawn as a distribution: sentence chrF++ for MT, ROUGE-L F1 for summaries."""
    return "chrf" if evaluation.kind == "mt" else "rougeL"


def plot_segment_scores(evaluation: Evaluation, path: Path) -> Path:
    """Histogram of the per-sentence (or per-summary) score of each system."""
    from matplotlib.figure import Figure

    metric = segment_metric(evaluation)
    fig = Figure(figsize=(_WIDTH, _HEIGHT))
    ax = fig.add_subplot()
    bins = [i * 5 for i in range(21)]
    for system in evaluation.systems:
        ax.hist(system.segments.get(metric, ()), bins=bins, histtype="step", linewidth=1.5, label=system.name)
    unit = "sentence" if evaluation.kind == "mt" else "summary"
    ax.set_xlabel(f"{unit}-level {'chrF++' if metric == 'chrf' else 'ROUGE-L F1'}")
    ax.set_ylabel(f"{unit}s")
    ax.set_title(f"Distribution of {unit}-level scores")
    ax.legend(fontsize="small")
    return _save(fig, path)


def plot_length_ratios(evaluation: Evaluation, path: Path) -> Path:
    """Histogram of output/reference length (words) per item; 1.0 marks equal length."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH, _HEIGHT))
    ax = fig.add_subplot()
    bins = [i * 0.1 for i in range(int(MAX_RATIO * 10) + 1)]
    for system in evaluation.systems:
        ratios = [min(r, MAX_RATIO) for r in system.length_ratios]
        ax.hist(ratios, bins=bins, histtype="step", linewidth=1.5, label=system.name)
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(f"output words / reference words (clipped at {MAX_RATIO:g})")
    ax.set_ylabel("items")
    ax.set_title("Output/reference length ratio")
    ax.legend(fontsize="small")
    return _save(fig, path)


PLOTS = {
    "scores.png": plot_scores,
    "segment_scores.png": plot_segment_scores,
    "length_ratio.png": plot_length_ratios,
}


def write_plots(evaluation: Evaluation, directory: Path) -> list[Path]:
    """All report plots as PNG files in ``directory``."""
    return [plot(evaluation, directory / name) for name, plot in PLOTS.items()]
