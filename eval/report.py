"""Evaluation reports: ``report.json`` (every number), ``report.md`` and ``report.html`` with PNG plots."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tarjama import __version__
from tarjama.eval.plots import write_plots
from tarjama.eval.run import RunResult
from tarjama.eval.scores import Evaluation
from tarjama.inference.errors import InvalidInputError

REPORT_FORMAT = 1
_PLOT_CAPTIONS = {
    "scores.png": "Scores per system with 95% confidence intervals",
    "segment_scores.png": "Distribution of item-level scores",
    "length_ratio.png": "Output/reference length ratio",
}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Report:
    """An evaluation with what was evaluated: test set, model and revision, direction, date."""

    evaluation: Evaluation
    testset: str = ""
    model: str = ""
    revision: str = ""
    source_lang: str = ""
    target_lang: str = ""
    created: str = field(default_factory=_now)
    notes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_run(cls, run: RunResult, **notes: Any) -> Report:
        """The report of an ``eval run`` / ``eval summarize`` result; ``notes`` add settings worth keeping."""
        return cls(
            run.evaluation, run.testset, run.model, run.revision, run.source_lang, run.target_lang,
            notes={**run.notes, "seconds": round(run.seconds, 1), **notes},
        )  # fmt: skip

    def as_dict(self, *, details: bool = True) -> dict[str, Any]:
        """The content of ``report.json``: metadata, then every score and signature; ``details`` adds the
        per-item figures the plots are drawn from."""
        return {
            "format": REPORT_FORMAT,
            "tarjama_version": __version__,
            "created": self.created,
            "testset": self.testset,
            "model": self.model,
            "revision": self.revision,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "notes": dict(self.notes),
            **self.evaluation.as_dict(details=details),
        }


def load_report(path: str | Path) -> dict[str, Any]:
    """A ``report.json`` (or the folder holding one) as a dictionary."""
    file = Path(path)
    if file.is_dir():
        file = file / "report.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"{file} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{file} is not a tarjama report.json: {exc}") from None
    if not isinstance(data, dict) or "systems" not in data:
        raise InvalidInputError(f"{file} is not a tarjama report.json (no 'systems')")
    return data


def write_report(report: Report, directory: str | Path) -> list[Path]:
    """Write ``report.json``, ``report.md``, ``report.html`` and the PNG plots into ``directory``."""
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInputError(f"cannot create report folder {folder}: {exc.strerror}") from None
    data = report.as_dict()
    plots = write_plots(report.evaluation, folder)
    written = [folder / "report.json", folder / "report.md", folder / "report.html"]
    written[0].write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written[1].write_text(render_markdown(data, [p.name for p in plots]), encoding="utf-8")
    written[2].write_text(render_html(data, [p.name for p in plots]), encoding="utf-8")
    return written + plots


# --- rendering -----------------------------------------------------------------------------------


def _metadata_rows(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    direction = f"{data['source_lang']}→{data['target_lang']}" if data.get("source_lang") else data["lang"]
    rows = [
        ("test set", data.get("testset") or "(files)"),
        ("items", f"{data['items']} ({data['references']} reference stream(s))"),
        ("language", direction),
        ("model", data.get("model") or "-"),
        ("revision", data.get("revision") or "-"),
        ("created", data["created"]),
        ("tarjama", data["tarjama_version"]),
    ]
    rows += [(str(k), json.dumps(v, ensure_ascii=False)) for k, v in data.get("notes", {}).items()]
    return rows


def _score_cell(system: Mapping[str, Any], metric: str) -> str:
    ci = system["ci"].get(metric)
    score = f"{system[metric]:.2f}"
    return f"{score} [{ci['low']:.2f}, {ci['high']:.2f}]" if ci else score


def _tables(
    data: Mapping[str, Any],
) -> tuple[list[str], list[list[str]], list[list[str]], list[tuple[str, str]]]:
    metrics = data["metrics"]
    header = ["system", *[f"{m} ↓" if m in data["lower_is_better"] else m for m in metrics]]
    rows = [[s["name"], *[_score_cell(s, m) for m in metrics]] for s in data["systems"]]
    significance = [
        [c["system"], c["baseline"], c["metric"], f"{c['delta']:+.2f}", f"{c['p_value']:.4f}",
         "yes" if c["significant"] else "no"]
        for c in data.get("significance", [])
    ]  # fmt: skip
    signatures: dict[str, str] = {}
    for system in data["systems"]:
        signatures.update(system["signatures"])
    return header, rows, significance, list(signatures.items())


_SIG_HEADER = ["system", "baseline", "metric", "delta", "p-value", "significant (p < 0.05)"]


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return out


def render_markdown(data: Mapping[str, Any], plots: list[str]) -> str:
    """``report.md``: metadata, the score table with 95% intervals, significance, signatures, plots."""
    header, rows, significance, signatures = _tables(data)
    title = "Translation" if data["kind"] == "mt" else "Summary"
    lines = [f"# {title} evaluation: {data.get('testset') or 'files'}", ""]
    lines += [*_md_table(["", ""], [[k, v] for k, v in _metadata_rows(data)]), ""]
    lines += ["## Scores (95% bootstrap confidence interval)", "", *_md_table(header, rows), ""]
    if significance:
        lines += ["## Paired bootstrap resampling against the first system", ""]
        lines += [*_md_table(_SIG_HEADER, significance), ""]
    lines += ["## Signatures", ""] + [f"- **{m}** `{s}`" for m, s in signatures] + [""]
    lines += ["## Plots", ""] + [f"![{_PLOT_CAPTIONS.get(p, p)}]({p})" for p in plots] + [""]
    return "\n".join(lines)


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: Mapping[str, Any], plots: list[str]) -> str:
    """``report.html``: the same content as the Markdown, with the PNG plots shown inline."""
    header, rows, significance, signatures = _tables(data)
    title = html.escape(f"{'Translation' if data['kind'] == 'mt' else 'Summary'} evaluation: "
                        f"{data.get('testset') or 'files'}")  # fmt: skip
    parts = [
        "<!doctype html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>',
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem}"
        "code{font-size:.85em}img{max-width:100%}</style></head><body>",
        f"<h1>{title}</h1>",
        _html_table(["", ""], [[k, v] for k, v in _metadata_rows(data)]),
        "<h2>Scores (95% bootstrap confidence interval)</h2>",
        _html_table(header, rows),
    ]
    if significance:
        parts += ["<h2>Paired bootstrap resampling against the first system</h2>",
                  _html_table(_SIG_HEADER, significance)]  # fmt: skip
    parts.append("<h2>Signatures</h2><ul>")
    parts += [f"<li><b>{html.escape(m)}</b> <code>{html.escape(s)}</code></li>" for m, s in signatures]
    parts.append("</ul><h2>Plots</h2>")
    parts += [
        f'<figure><img src="{html.escape(p)}" alt="{html.escape(_PLOT_CAPTIONS.get(p, p))}">'
        f"<figcaption>{html.escape(_PLOT_CAPTIONS.get(p, p))}</figcaption></figure>"
        for p in plots
    ]
    parts.append("</body></html>\n")
    return "\n".join(parts)
