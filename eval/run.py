"""Run a test set through the real engines and score it.

The engines come in as plain callables (``translate(text) -> Translation``, ``summarize(text) -> str``)
so this package depends on ``inference`` only; the CLI builds them from ``translate.Translator`` and
``summarize.Summarizer``.

NTREX is translated twice, both times as whole documents rebuilt from ``DOCUMENT_IDS.tsv``:
``sentences`` keeps each reference line as its own paragraph (gold sentence boundaries); ``document``
gives the document as an article would come, the headline (first line) on its own line and the rest as
running text, so the translator's own segmenter decides the sentences. The ``document`` output is mapped
back to the reference lines by the position of each translated sentence in the source text; a sentence
that spans two lines is scored against the line holding most of it and leaves the other line empty.
The paired test between the two systems shows what segmentation costs. With the sentence cache on,
sentences found in both runs are translated once.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tarjama.eval.mt import score_translations
from tarjama.eval.rouge import score_summaries, split_summary_sentences
from tarjama.eval.scores import Evaluation, check_bootstrap_samples
from tarjama.eval.testsets import MTItem, MTTestSet, SummaryItem
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_BOOTSTRAP_SAMPLES

Progress = Callable[[int, int], None]
CHUNK_LINES = 100  # lines per translate() call for sets without documents


class SegmentLike(Protocol):
    """What the runner reads from a translated segment (``translate.Segment``)."""

    @property
    def source(self) -> str: ...
    @property
    def translation(self) -> str: ...
    @property
    def paragraph(self) -> int: ...


class TranslationLike(Protocol):
    """What the runner reads from a translation (``translate.Translation``)."""

    @property
    def segments(self) -> Sequence[SegmentLike]: ...
    @property
    def model(self) -> str: ...
    @property
    def revision(self) -> str: ...


Translate = Callable[[str], TranslationLike]


@dataclass(frozen=True)
class SegmentationStats:
    """How the translator's sentence split of whole documents compared with the reference lines."""

    lines: int
    matched: int  # lines translated as exactly one sentence or as several sentences of their own
    merged: int  # lines that shared a translated sentence with a neighbour
    empty: int  # lines left without output because their sentence went to a neighbour

    def as_dict(self) -> dict[str, int]:
        """Plain JSON numbers."""
        return {"lines": self.lines, "matched": self.matched, "merged": self.merged, "empty": self.empty}


@dataclass(frozen=True)
class RunResult:
    """A scored run: the evaluation, the outputs per system, and what produced them."""

    testset: str
    source_lang: str
    target_lang: str
    evaluation: Evaluation
    outputs: dict[str, list[str]]
    model: str = ""
    revision: str = ""
    seconds: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


REFERENCE_LENGTH_RULE = (
    "k = the mean sentence count of the item's references (rounded, at least 1), the same k for the summary "
    "and for the lead-k baseline"
)


def clean_line(text: str) -> str:
    """One line of source text as one paragraph: all whitespace runs (line separators too) become a space."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def select(items: Sequence[Any], limit: int | None, *, spread: bool) -> list[Any]:
    """``limit`` items: the first ones, or (``spread``) evenly spaced ones for sets sorted by content."""
    if limit is None or limit >= len(items):
        return list(items)
    if limit < 1:
        raise InvalidInputError("--limit must be at least 1")
    if not spread:
        return list(items[:limit])
    return [items[i * len(items) // limit] for i in range(limit)]


def as_article(lines: Sequence[str]) -> str:
    """A document as a news article: the first line (the headline) on its own, the rest as running text."""
    return lines[0] + "\n" + " ".join(lines[1:]) if len(lines) > 1 else lines[0]


def _by_paragraph(result: TranslationLike, paragraphs: int) -> list[str]:
    parts: list[list[str]] = [[] for _ in range(paragraphs)]
    for segment in result.segments:
        if segment.paragraph >= paragraphs:
            raise InvalidInputError(
                f"the translator returned {segment.paragraph + 1}+ paragraphs for {paragraphs}"
            )
        parts[segment.paragraph].append(segment.translation)
    return [" ".join(p) for p in parts]


def _realign(lines: Sequence[str], result: TranslationLike) -> tuple[list[str], int, int]:
    """Map the sentences of a translated running document back onto its ``lines``."""
    text = " ".join(lines)
    bounds, start = [], 0
    for line in lines:
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    assigned: list[list[str]] = [[] for _ in lines]
    spans: list[list[int]] = [[] for _ in lines]  # sentences touching each line, by index
    cursor = 0
    for number, segment in enumerate(result.segments):
        found = text.find(segment.source, cursor)
        begin, end = (
            (found, found + len(segment.source)) if found >= 0 else (cursor, cursor + len(segment.source))
        )
        cursor = max(cursor, end)
        overlap = [max(0, min(end, hi) - max(begin, lo)) for lo, hi in bounds]
        best = max(range(len(lines)), key=lambda i: overlap[i])
        assigned[best].append(segment.translation)
        for i, chars in enumerate(overlap):
            if chars:
                spans[i].append(number)
    touched_by = [set(s) for s in spans]
    merged = sum(
        1 for i, s in enumerate(touched_by) if any(s & t for j, t in enumerate(touched_by) if j != i)
    )
    empty = sum(1 for a in assigned if not a)
    return [" ".join(a) for a in assigned], merged, empty


def _translate_sentences(
    items: Sequence[MTItem], groups: list[list[int]], translate: Translate, step: Callable[[], None]
) -> tuple[list[str], TranslationLike]:
    outputs = [""] * len(items)
    for group in groups:
        last = translate("\n".join(clean_line(items[i].source) for i in group))
        for index, text in zip(group, _by_paragraph(last, len(group)), strict=True):
            outputs[index] = text
        step()
    return outputs, last


def _translate_documents(
    items: Sequence[MTItem], groups: list[list[int]], translate: Translate, step: Callable[[], None]
) -> tuple[list[str], SegmentationStats]:
    outputs = [""] * len(items)
    merged = empty = 0
    for group in groups:
        lines = [clean_line(items[i].source) for i in group]
        texts, group_merged, group_empty = _realign(lines, translate(as_article(lines)))
        merged, empty = merged + group_merged, empty + group_empty
        for index, text in zip(group, texts, strict=True):
            outputs[index] = text
        step()
    return outputs, SegmentationStats(len(items), len(items) - merged, merged, empty)


def run_translation(
    testset: MTTestSet,
    translate: Translate,
    *,
    limit: int | None = None,
    n_bootstrap: int = DEFAULT_BOOTSTRAP_SAMPLES,
    progress: Progress | None = None,
) -> RunResult:
    """Translate ``testset`` (as whole documents where it has them) and score the output."""
    check_bootstrap_samples(n_bootstrap)
    started = time.perf_counter()
    items = select(testset.items, limit, spread=not testset.has_documents)
    if not items:
        raise InvalidInputError(f"test set {testset.name} has no items")
    subset = MTTestSet(testset.name, testset.source_lang, testset.target_lang, tuple(items))
    if subset.has_documents:
        groups = [indices for _, indices in subset.documents()]
    else:
        groups = [list(range(i, min(i + CHUNK_LINES, len(items)))) for i in range(0, len(items), CHUNK_LINES)]
    calls = len(groups) * (2 if subset.has_documents else 1)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, calls)

    outputs: dict[str, list[str]] = {}
    outputs["sentences"], last = _translate_sentences(items, groups, translate, step)
    notes: dict[str, Any] = {}
    if subset.has_documents:
        outputs["document"], stats = _translate_documents(items, groups, translate, step)
        notes = {"segmentation": stats.as_dict(), "documents": len(groups)}
    references = [[item.reference for item in items]]
    evaluation = score_translations(outputs, references, testset.target_lang, n_bootstrap=n_bootstrap)
    return RunResult(
        testset.name, testset.source_lang, testset.target_lang, evaluation, outputs,
        model=last.model, revision=last.revision,
        seconds=time.perf_counter() - started, notes=notes,
    )  # fmt: skip


def lead(article: str, sentences: int) -> str:
    """The first ``sentences`` sentences of ``article`` (the lead-N baseline), one per line."""
    return "\n".join(split_summary_sentences(article).split("\n")[:sentences])


def reference_length(item: SummaryItem) -> int:
    """``k`` for an item under :data:`REFERENCE_LENGTH_RULE`: its references' mean sentence count."""
    counts = [len(split_summary_sentences(r).split("\n")) for r in item.references if r.strip()]
    return max(1, round(sum(counts) / len(counts))) if counts else 1


def run_summaries(
    items: Sequence[SummaryItem],
    summarize: Callable[..., str],
    lang: str,
    *,
    name: str = "summary",
    testset: str = "",
    model: str = "",
    limit: int | None = None,
    lead_sentences: int | None = 3,
    sentences_for: Callable[[SummaryItem], int] | None = None,
    n_bootstrap: int = DEFAULT_BOOTSTRAP_SAMPLES,
    progress: Progress | None = None,
) -> RunResult:
    """Summarise each article, score against its references; ``lead_sentences`` adds a lead-N baseline.

    ``summarize(article)`` makes a summary of its own length; with ``sentences_for`` (e.g.
    :func:`reference_length`) each item gets its own ``k``, ``summarize(article, k)`` is called and the
    baseline is ``lead-k`` of the same ``k`` (the rule is kept in the result's notes).
    """
    check_bootstrap_samples(n_bootstrap)
    started = time.perf_counter()
    chosen: list[SummaryItem] = select(items, limit, spread=False)
    if not chosen:
        raise InvalidInputError("the summary test set has no items")
    lengths = [sentences_for(item) for item in chosen] if sentences_for else None
    outputs: dict[str, list[str]] = {name: []}
    for done, item in enumerate(chosen, 1):
        k = lengths[done - 1] if lengths else None
        outputs[name].append(summarize(item.article) if k is None else summarize(item.article, k))
        if progress:
            progress(done, len(chosen))
    notes: dict[str, Any] = {}
    if lengths:
        outputs["lead-k"] = [lead(item.article, k) for item, k in zip(chosen, lengths, strict=True)]
        notes["length rule"] = REFERENCE_LENGTH_RULE
    elif lead_sentences:
        outputs[f"lead-{lead_sentences}"] = [lead(item.article, lead_sentences) for item in chosen]
    most = max(len(item.references) for item in chosen)
    refs = [[item.references[k] if k < len(item.references) else "" for item in chosen] for k in range(most)]
    evaluation = score_summaries(outputs, refs, lang, n_bootstrap=n_bootstrap)
    seconds = time.perf_counter() - started
    return RunResult(testset, lang, lang, evaluation, outputs, model=model, seconds=seconds, notes=notes)
