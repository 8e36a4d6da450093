"""Text units and how their translations go back into their runs. No file formats here.

A :class:`Unit` is one paragraph of a document as the runs that hold its text (a Word run, an HTML text
node, a subtitle cue's line); its ``write`` callback puts new run texts back at the unit's anchor. A
paragraph is translated sentence by sentence: a run that holds whole sentences keeps them (in the target
language) and so keeps its formatting exactly. A sentence whose words lie in several runs (a bold word, a
link) is cut across those runs by the word alignment of its translation (:mod:`.inline`) when an aligner
is given and the alignment allows it; otherwise it goes, whole, to the run that held most of it, and the
other runs of that sentence are left empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tarjama.translate.documents.inline import SentenceAlign, split_sentence, word_runs
from tarjama.translate.segment import normalize_input, split_sentences

SentenceTranslate = Callable[[Sequence[str]], list[str]]
"""Translates sentences, one output per input, in order (the service's ``translate_lines``)."""

_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Unit:
    """One paragraph of a document: the texts of its runs and where to write their translations."""

    runs: list[str]
    write: Callable[[list[str]], None]
    anchor: str = ""  # where the unit sits in the file, for messages and the sentence table

    @property
    def text(self) -> str:
        return "".join(self.runs)


@dataclass(frozen=True)
class SentencePair:
    """One sentence of a document and its translation (a row of the sentence table)."""

    source: str
    translation: str
    anchor: str


@dataclass
class UnitsResult:
    """What :func:`translate_units` did: the sentences it translated, in document order."""

    pairs: list[SentencePair] = field(default_factory=list)


def _sentence_spans(text: str, lang: str) -> list[tuple[int, int, str]]:
    """``(start, end, sentence)`` for each sentence of ``text``, located in ``text`` itself."""
    spans: list[tuple[int, int, str]] = []
    position = 0
    for sentence in split_sentences(text, lang):
        pattern = r"\s+".join(re.escape(word) for word in sentence.split())
        found = re.compile(pattern).search(text, position)
        if found is None:
            return []
        spans.append((found.start(), found.end(), sentence))
        position = found.end()
    return spans


@dataclass(frozen=True)
class _Sentence:
    """A sentence's span in the concatenation of its unit's runs, the run that receives it whole, and
    whether its words lie in more than one run."""

    start: int
    end: int
    text: str
    owner: int
    crossing: bool


@dataclass(frozen=True)
class _Plan:
    """A unit's normalised runs, their ``[begin, end)`` offsets in their concatenation, its sentences."""

    runs: list[str]
    bounds: list[tuple[int, int]]
    sentences: list[_Sentence]


def _plan(unit: Unit, lang: str) -> _Plan:
    runs = [normalize_input(run).replace("\n", " ") for run in unit.runs]
    text = "".join(runs)
    bounds, start = [], 0
    for run in runs:
        bounds.append((start, start + len(run)))
        start += len(run)
    if not _LETTER.search(text):
        return _Plan(runs, bounds, [])
    spans = _sentence_spans(text, lang)
    if not spans:  # a sentence not found again in its own text: the paragraph is one sentence
        first = len(text) - len(text.lstrip())
        spans = [(first, len(text.rstrip()), " ".join(text.split()))]
    sentences = []
    for a, b, sentence in spans:
        overlaps = [max(0, min(b, end) - max(a, begin)) for begin, end in bounds]
        crossing = len(set(word_runs(bounds, text, a, b))) > 1
        sentences.append(_Sentence(a, b, sentence, overlaps.index(max(overlaps)), crossing))
    return _Plan(runs, bounds, sentences)


def _rebuild(plan: _Plan, parts: Sequence[dict[int, str]]) -> list[str]:
    """The runs again: text outside sentences kept where it was, each sentence's part for a run where the
    run's share of the sentence began (a run with no part loses its share)."""
    out = []
    for index, (run, (start, end)) in enumerate(zip(plan.runs, plan.bounds, strict=True)):
        pieces, position = [], start
        for sentence, part in zip(plan.sentences, parts, strict=True):
            if sentence.end <= start or sentence.start >= end:
                continue
            if sentence.start > position:
                pieces.append(run[position - start : sentence.start - start])
            pieces.append(part.get(index, ""))
            position = max(position, min(sentence.end, end))
        pieces.append(run[position - start :])
        out.append("".join(pieces))
    return out


def _parts(
    plans: Sequence[_Plan], translations: Sequence[str], align: SentenceAlign | None
) -> list[list[dict[int, str]]]:
    """Each sentence's part for each of its runs: cut by the alignment where its words cross runs and the
    alignment allows it, else the whole translation for its owner."""
    located = [(plan, sentence) for plan in plans for sentence in plan.sentences]
    crossing = [i for i, (_, sentence) in enumerate(located) if sentence.crossing]
    alignments: dict[int, Sequence[int] | None] = {}
    if align is not None and crossing:
        found = align([located[i][1].text for i in crossing], [translations[i] for i in crossing])
        alignments = dict(zip(crossing, found, strict=True))
    parts = []
    for i, ((plan, sentence), translation) in enumerate(zip(located, translations, strict=True)):
        cut = None
        if i in alignments:
            span = (sentence.start, sentence.end)
            cut = split_sentence(plan.bounds, "".join(plan.runs), span, translation, alignments[i])
        parts.append(cut or {sentence.owner: translation})
    out, position = [], 0
    for plan in plans:
        out.append(parts[position : position + len(plan.sentences)])
        position += len(plan.sentences)
    return out


def translate_units(
    units: Sequence[Unit], translate: SentenceTranslate, lang: str, align: SentenceAlign | None = None
) -> UnitsResult:
    """Translate ``units`` (in ``lang``) in one call of ``translate`` and write each back through its
    ``write``; a unit with no letters is left as it is. With ``align``, a sentence whose words cross runs
    is cut across them by its alignment (one call, for those sentences only). The API for any caller with
    text units (the document formats, HTML, a glossary's own units)."""
    plans = [_plan(unit, lang) for unit in units]
    sentences = [sentence.text for plan in plans for sentence in plan.sentences]
    translations = translate(sentences) if sentences else []
    result = UnitsResult()
    done = iter(translations)
    for unit, plan, parts in zip(units, plans, _parts(plans, translations, align), strict=True):
        if not plan.sentences:
            continue
        unit.write(_rebuild(plan, parts))
        for sentence in plan.sentences:
            result.pairs.append(SentencePair(sentence.text, next(done), unit.anchor))
    return result


__all__ = ["SentenceAlign", "SentencePair", "SentenceTranslate", "Unit", "UnitsResult", "translate_units"]
