"""Library results as HTML and tables for the web page: pure functions, no Gradio.

Every value that comes from a person or a model is HTML-escaped here; ``app.py`` only places the strings.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from tarjama.eval.scores import SIGNIFICANCE_NOTE, Evaluation
from tarjama.inference.cache import CacheStatus
from tarjama.inference.hub import split_direction
from tarjama.inference.jobs import JobReport
from tarjama.inference.registry import ModelSpec, describe_directions, describe_model
from tarjama.inference.state import ModelState
from tarjama.summarize import Summary
from tarjama.translate import Segment, Translation
from tarjama.translate.guards import missing_numbers
from tarjama.web.downloads import show_bidi
from tarjama.web.languages import LANGUAGE_NAMES
from tarjama.web.security import hide_paths

FLAG_TEXT = {
    "untranslated": "not translated",
    "numbers_missing": "number missing",
    "length": "length looks wrong",
    "repetition": "repeats itself",
    "copied": "kept as is (nothing to translate)",
    "other_language": "in another language: copied",
    "wrong_language": "not in the source language chosen",
    "glossary": "glossary term missing",
}
WARNING_FLAGS = frozenset(
    {"untranslated", "numbers_missing", "length", "repetition", "wrong_language", "glossary"}
)

PAGE_CSS = """
.tj-help { color: var(--body-text-color-subdued); }
.tj-bidi textarea { unicode-bidi: plaintext; text-align: start; font-size: 1.05rem; line-height: 1.7; }
.tj-status { font-size: 0.95rem; }
.tj-notice { border-left: 4px solid #d98c00; padding-left: 0.6em; }
.tj-error { border: 1px solid #d33; background: #fff1f0; color: #8a1f11; border-radius: 8px;
  padding: 0.7em 1em; white-space: pre-wrap; }
.tj-error strong { display: block; margin-bottom: 0.2em; }
.tj-align { width: 100%; border-collapse: collapse; font-size: 0.98rem; line-height: 1.6; }
.tj-align th { text-align: start; background: var(--background-fill-secondary); padding: 0.4em 0.6em;
  position: sticky; top: 0; }
.tj-align, .tj-align tr, .tj-align th, .tj-align td { border: none !important; }
.tj-align td { border-top: 1px solid var(--border-color-primary) !important; padding: 0.45em 0.6em;
  vertical-align: top; text-align: start; }
.tj-pairs { table-layout: fixed; }
.tj-pairs th.tj-n { width: 2.5em; }
.tj-pairs th.tj-notes { width: 11em; }
.tj-pairs td { overflow-wrap: anywhere; unicode-bidi: plaintext; }
.tj-pairs .tj-badge { white-space: normal; }  /* a long note wraps inside its column */
.tj-align td.tj-n { color: var(--body-text-color-subdued); width: 2.5em; text-align: center; }
.tj-align td.tj-notes { width: 13em; font-size: 0.85rem; }
.tj-align tr.tj-para td { border-top: 2px solid #8a8fa3 !important; }
.tj-align tr.tj-flagged td { background: #fff7e0; }
.tj-badge { display: inline-block; border-radius: 4px; padding: 0 0.45em; margin: 0.1em 0.2em 0.1em 0;
  font-size: 0.8rem; white-space: nowrap; }
.tj-badge.tj-cache { background: #e3f1ff; color: #0b4f8a; }
.tj-badge.tj-warn { background: #ffe1b3; color: #7a3e00; font-weight: 600; }
.tj-badge.tj-copy { background: #eee; color: #555; }
.tj-summary { line-height: 1.9; font-size: 1.02rem; }
.tj-summary mark { background: #fff2a8; padding: 0.1em 0.15em; border-radius: 3px; }
#tj-examples .gallery-item > div, #tj-sum-examples .gallery-item > div { unicode-bidi: plaintext;
  text-align: start; }
.tj-legend { font-size: 0.85rem; color: var(--body-text-color-subdued); margin: 0.3em 0; }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _dir(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 sentence``, ``2 sentences``: a number with its noun in the right form."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def error_box(message: str, title: str = "Could not do that") -> str:
    """A readable error panel (never a traceback or a server path): a short title and the library's
    message."""
    message = show_bidi(hide_paths(message))
    message = message[:1].upper() + message[1:]
    return f'<div class="tj-error" role="alert"><strong>{_esc(title)}</strong>{_esc(message)}</div>'


def model_label(model: str) -> str:
    """A model's name for people: a local folder is shown by its last part (``ar-en=`` kept)."""
    direction, where = split_direction(model)
    prefix = f"{direction[0]}-{direction[1]}=" if direction else ""
    return prefix + (Path(where).name if where.startswith(("/", ".", "~")) else where)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at the last word that fits ``limit`` characters, with ``…`` at its (logical) end."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ،,:؛;") + "…"


def model_choice(name: str, spec: ModelSpec, state: ModelState) -> str:
    """A translation model as the dropdowns and the server's start-up list it: name, directions, what it
    is, and what of it is on this machine (``not downloaded``, ``downloaded, 312 MB, converted ...``)."""
    return f"{model_label(name)} — {describe_directions(spec)}, {describe_model(spec)} ({state.describe()})"


def direction_label(source: str, target: str) -> str:
    """``Arabic → English``."""
    return f"{LANGUAGE_NAMES.get(source, source)} → {LANGUAGE_NAMES.get(target, target)}"


def cache_notice(status: CacheStatus | None) -> str:
    """A line of HTML telling the visitor that the sentence cache is not working (empty when it is)."""
    if status is None or not status.degraded:
        return ""
    doing = "results are read from it but not stored" if status.reads else "everything is translated anew"
    return (
        f'<p class="tj-status tj-notice" role="status"><strong>Notice:</strong> {_esc(status.reason or "")}; '
        f"{doing}. The results are the same, only slower.</p>"
    )


def downloads_notice() -> str:
    """A line of HTML telling the visitor that the result is shown but its downloads could not be
    written."""
    return (
        '<p class="tj-status tj-notice" role="status"><strong>Notice:</strong> the downloads could not be '
        "written: the server's disk is full. Copy the result from the page.</p>"
    )


def translation_status(result: Translation, *, detected: bool) -> str:
    """One line of HTML: direction (and whether it was detected), model, sentences, cache hits, time."""
    stats = result.stats
    flagged = sum(1 for s in result.segments if WARNING_FLAGS.intersection(s.flags))
    how = " (detected)" if detected else ""
    parts = [
        f"<strong>{_esc(direction_label(result.source, result.target))}</strong>{how}",
        f"model <code>{_esc(model_label(result.model))}</code>",
        f"{count(stats.segments, 'sentence')}, {stats.cached} from the cache",
        f"{stats.seconds:.1f} s",
    ]
    if flagged:
        parts.append(f'<span class="tj-badge tj-warn">{flagged} to check</span> (highlighted below)')
    return f'<p class="tj-status">{" · ".join(parts)}</p>'


def _notes(segment: Segment) -> str:
    badges = []
    if segment.cached:
        badges.append('<span class="tj-badge tj-cache" title="found in the sentence cache">cached</span>')
    for flag in segment.flags:
        kind = "tj-warn" if flag in WARNING_FLAGS else "tj-copy"
        text = FLAG_TEXT.get(flag, flag)
        if flag == "numbers_missing":
            missing = missing_numbers(segment.source, segment.translation)
            text = f"missing number{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
        if flag == "other_language" and segment.model:  # not copied: the model that reads it translated it
            text = f"in another language: translated by {model_label(segment.model)}"
        badges.append(f'<span class="tj-badge {kind}">{_esc(text)}</span>')
    return "".join(badges)


def alignment_table(result: Translation) -> str:
    """The sentence-aligned side-by-side view: one row per sentence, a heavier line between paragraphs,
    cached sentences and flagged ones marked."""
    src, tgt = result.source, result.target
    rows = []
    previous = -1
    for number, segment in enumerate(result.segments, 1):
        classes = []
        if segment.paragraph != previous and number > 1:
            classes.append("tj-para")
        if WARNING_FLAGS.intersection(segment.flags):
            classes.append("tj-flagged")
        previous = segment.paragraph
        rows.append(
            f'<tr class="{" ".join(classes)}" data-flags="{_esc(",".join(segment.flags))}"'
            f' data-cached="{str(segment.cached).lower()}">'
            f'<td class="tj-n">{number}</td>'
            f'<td dir="auto" lang="{src}">{_esc(segment.source)}</td>'
            f'<td dir="auto" lang="{tgt}">{_esc(segment.translation)}</td>'
            f'<td class="tj-notes">{_notes(segment)}</td></tr>'
        )
    header = (
        f'<tr><th class="tj-n">#</th><th>{LANGUAGE_NAMES.get(src, src)} (source)</th>'
        f'<th>{LANGUAGE_NAMES.get(tgt, tgt)} (translation)</th><th class="tj-notes">Notes</th></tr>'
    )
    legend = (
        '<p class="tj-legend">Rows in <span class="tj-badge tj-warn">orange</span> need a human check; '
        '<span class="tj-badge tj-cache">cached</span> sentences were translated before and cost nothing.</p>'
    )
    table = f'<table class="tj-align tj-pairs"><thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>'
    return legend + table


def summary_status(summary: Summary) -> str:
    """One line of HTML: method, length, languages, models and time of a summary."""
    parts = [f"<strong>{summary.method.capitalize()} summary</strong>"]
    if total := summary.article_sentence_count:
        parts.append(f"{count(len(summary.sentences), 'sentence')} from an article of {total}")
    langs = LANGUAGE_NAMES.get(summary.lang, summary.lang)
    if summary.to != summary.lang:
        langs = direction_label(summary.lang, summary.to)
    parts.append(langs)
    if summary.model:
        parts.append(f"model <code>{_esc(model_label(summary.model))}</code>")
    if summary.translation_model:
        parts.append(f"translated with <code>{_esc(model_label(summary.translation_model))}</code>")
    parts.append(f"{summary.timings.total:.1f} s")
    return f'<p class="tj-status">{" · ".join(parts)}</p>'


def batch_status(report: JobReport, done: str = "summarised") -> str:
    """What a batch run did, in one line of HTML; the reasons for errors in a short list."""
    parts = [
        f"<strong>{report.written} of {count(report.records, 'article')} {done}</strong>",
        f"{report.errors} with errors" if report.errors else "no errors",
    ]
    sentences = report.counts.get("sentences")
    if sentences:
        repeated = report.counts.get("repeated", 0)
        parts.append(f"{sentences:,} sentences, {repeated / sentences:.0%} repeated in the corpus")
    parts.append(f"{report.seconds:.1f} s")
    reasons = "".join(
        f"<li>{_esc(show_bidi(hide_paths(reason)))}: {count}</li>"
        for reason, count in sorted(report.error_reasons.items())
    )
    listing = f'<ul class="tj-legend">{reasons}</ul>' if reasons else ""
    return f'<p class="tj-status">{" · ".join(parts)}</p>{listing}'


def summary_html(
    sentences: Sequence[str], chosen: Iterable[int], lang: str, paragraphs: Sequence[int] = ()
) -> str:
    """The article's sentences, paragraph by paragraph, with the ``chosen`` ones (indices) highlighted:
    where an extractive summary came from."""
    picked = set(chosen)
    blocks: list[list[str]] = []
    for index, sentence in enumerate(sentences):
        if not blocks or (paragraphs and index and paragraphs[index] != paragraphs[index - 1]):
            blocks.append([])
        text = _esc(sentence)
        blocks[-1].append(f'<mark data-index="{index}">{text}</mark>' if index in picked else text)
    body = "".join(f"<p>{' '.join(block)}</p>" for block in blocks)
    legend = (
        f'<p class="tj-legend">Where the summary comes from: the {len(picked)} highlighted sentences '
        "of the article.</p>"
    )
    return f'{legend}<div class="tj-summary" dir="{_dir(lang)}" lang="{lang}">{body}</div>'


def scores_table(evaluation: Evaluation, note: str = "") -> str:
    """The scores as an HTML table: one row per system, each score with its 95% bootstrap interval, the
    paired-bootstrap p-values, ``note`` (how the run was made) and each metric's signature."""
    head = "".join(
        f"<th>{_esc(m)}{' ↓' if m in evaluation.lower_is_better else ''}</th>" for m in evaluation.metrics
    )
    rows = []
    for system in evaluation.systems:
        cells = []
        for metric in evaluation.metrics:
            score = system.scores[metric]
            interval = f" <small>[{score.ci.low:.1f}–{score.ci.high:.1f}]</small>" if score.ci else ""
            cells.append(f"<td>{score.score:.2f}{interval}</td>")
        rows.append(f"<tr><td>{_esc(system.name)}</td>{''.join(cells)}</tr>")
    first = evaluation.systems[0] if evaluation.systems else None
    signatures = (
        "".join(f"<li><code>{_esc(first.scores[m].signature)}</code></li>" for m in evaluation.metrics)
        if first
        else ""
    )
    what = "translation" if evaluation.kind == "mt" else "summary"
    noted = f'<p class="tj-legend tj-note">{_esc(note)}</p>' if note else ""
    sizes = f"{count(evaluation.items, 'item')}, {count(evaluation.references, 'reference')}"
    return (
        f'<p class="tj-status">{sizes}, {what} metrics in {_esc(evaluation.lang)}; ↓ = lower is better; '
        "[95% bootstrap interval].</p>"
        f'<table class="tj-align"><thead><tr><th>system</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{_significance(evaluation)}{noted}"
        f'<ul class="tj-legend">{signatures}</ul>'
    )


def _significance(evaluation: Evaluation) -> str:
    """The paired-bootstrap comparisons with the first system: delta, p-value and the mark explained."""
    if not evaluation.significance:
        return ""
    rows = "".join(
        f"<tr><td>{_esc(c.system)}</td><td>{_esc(c.metric)}</td><td>{c.delta:+.2f}</td>"
        f"<td>{c.p_value:.4f}</td><td>{_esc(c.mark)}</td></tr>"
        for c in evaluation.significance
    )
    return (
        f'<p class="tj-status">Paired bootstrap resampling against {_esc(evaluation.systems[0].name)}:</p>'
        '<table class="tj-align tj-significance"><thead><tr><th>system</th><th>metric</th><th>delta</th>'
        f"<th>p-value</th><th>significant</th></tr></thead><tbody>{rows}</tbody></table>"
        f'<p class="tj-legend">{_esc(SIGNIFICANCE_NOTE)}</p>'
    )


__all__ = [
    "FLAG_TEXT",
    "PAGE_CSS",
    "alignment_table",
    "batch_status",
    "count",
    "direction_label",
    "error_box",
    "model_choice",
    "model_label",
    "scores_table",
    "shorten",
    "summary_html",
    "summary_status",
    "translation_status",
]
