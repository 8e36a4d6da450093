"""Text units and how their translations go back into their runs. No file formats here.

A :class:`Unit` is one paragraph of a document as the runs that hold its text (a Word run, an HTML text
node, a subtitle cue's line); its ``write`` callback puts new run texts back at the unit's anchor. A
paragraph is translated sentence by sentence: a run that holds whole sentences keeps them (in the target
language) and so keeps its formatting exactly; a sentence that crosses runs goes, whole, to the run that
held most of it, and the other runs of that sentence are left empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
class _Plan:
    """A unit's normalised runs, and each sentence's span in their concatenation with its owning run."""

    runs: list[str]
    sentences: list[tuple[int, int, str, int]]  # start, end, sentence, run that receives it


def _plan(unit: Unit, lang: str) -> _Plan:
    runs = [normalize_input(run).replace("\n", " ") for run in unit.runs]
    text = "".join(runs)
    bounds, start = [], 0
    for run in runs:
        bounds.append((start, start + len(run)))
        start += len(run)
    if not _LETTER.search(text):
        return _Plan(runs, [])
    spans = _sentence_spans(text, lang)
    if not spans:  # a sentence not found again in its own text: the paragraph is one sentence
        first = len(text) - len(text.lstrip())
        spans = [(first, len(text.rstrip()), " ".join(text.split()))]
    sentences = []
    for a, b, sentence in spans:
        overlaps = [max(0, min(b, end) - max(a, begin)) for begin, end in bounds]
        sentences.append((a, b, sentence, overlaps.index(max(overlaps))))
    return _Plan(runs, sentences)


def _rebuild(plan: _Plan, translations: Sequence[str]) -> list[str]:
    """The runs again: text outside sentences kept where it was, each translation where its run's share
    of the sentence began, the rest of a sentence dropped."""
    out, start = [], 0
    for index, run in enumerate(plan.runs):
        end, pieces, position = start + len(run), [], start
        for (a, b, _, owner), translation in zip(plan.sentences, translations, strict=True):
            if b <= start or a >= end:
                continue
            if a > position:
                pieces.append(plan.runs[index][position - start : a - start])
            if owner == index:
                pieces.append(translation)
            position = max(position, min(b, end))
        pieces.append(run[position - start :])
        out.append("".join(pieces))
        start = end
    return out


def translate_units(units: Sequence[Unit], translate: SentenceTranslate, lang: str) -> UnitsResult:
    """Translate ``units`` (in ``lang``) in one call of ``translate`` and write each back through its
    ``write``; a unit with no letters is left as it is. The API for any caller with text units (the
    document formats, HTML, a glossary's own units)."""
    plans = [_plan(unit, lang) for unit in units]
    sentences = [sentence for plan in plans for _, _, sentence, _ in plan.sentences]
    translations = translate(sentences) if sentences else []
    result, position = UnitsResult(), 0
    for unit, plan in zip(units, plans, strict=True):
        if not plan.sentences:
            continue
        done = translations[position : position + len(plan.sentences)]
        position += len(plan.sentences)
        unit.write(_rebuild(plan, done))
        for (_, _, sentence, _), translation in zip(plan.sentences, done, strict=True):
            result.pairs.append(SentencePair(sentence, translation, unit.anchor))
    return result


__all__ = ["SentencePair", "SentenceTranslate", "Unit", "UnitsResult", "translate_units"]
