"""A translated sentence split across the runs its source crossed, by a word alignment.

A sentence whose words lie in several runs (one bold word, a link over two words, an italic phrase) gives
each of those runs the translated words aligned to its own words: the translation is cut into one
contiguous span per run, in the runs' order, so that as many output words as possible fall in the run of
the source word they are aligned to. The cut is refused (None: the caller gives the whole sentence to one
run) when there is no alignment, or when in some run's span fewer than :data:`MIN_AGREEMENT` of the words
are aligned to that run (an empty span, or an order the runs cannot keep: a reordered phrase). The
spaces between the spans go where the source had them: a run's trailing space stays trailing, a leading
one leading, a run of spaces alone keeps its space.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

SentenceAlign = Callable[[Sequence[str], Sequence[str]], Sequence[Sequence[int] | None]]
"""``(sentences, translations)`` → for each pair, the source word of each translated word (words split at
spaces), or None where there is no alignment (:func:`translate.aligner.align_sentences`)."""

MIN_AGREEMENT = 0.6
"""The share of each run's output words that must be aligned to a source word of that run."""

_WORD = re.compile(r"\S+")


def word_runs(bounds: Sequence[tuple[int, int]], text: str, start: int, end: int) -> list[int]:
    """The run of each word of ``text[start:end]``: the run (``bounds``, as ``[begin, end)`` offsets in
    ``text``) that holds most of the word's characters."""
    out = []
    for word in _WORD.finditer(text, start, end):
        overlaps = [max(0, min(word.end(), b) - max(word.start(), a)) for a, b in bounds]
        out.append(overlaps.index(max(overlaps)))
    return out


def _run_at(bounds: Sequence[tuple[int, int]], position: int) -> int:
    return next(i for i, (a, b) in enumerate(bounds) if a <= position < b)


def _monotone(wanted: Sequence[int], groups: int) -> list[int] | None:
    """The group of each item, never decreasing, every group non-empty, as many items as possible in the
    group they want; None when there are fewer items than groups."""
    count = len(wanted)
    if count < groups:
        return None
    lowest = float("-inf")
    placed = [[0] * (count + 1) for _ in range(groups)]  # placed[g][n]: items before n that want g
    for n, w in enumerate(wanted):
        for g in range(groups):
            placed[g][n + 1] = placed[g][n] + (w == g)
    # best[g][n]: the most items in place when the first n items fill groups 0..g
    best = [[lowest] * (count + 1) for _ in range(groups)]
    cut = [[0] * (count + 1) for _ in range(groups)]
    for g in range(groups):
        for n in range(g + 1, count + 1):
            for first in range(g, n):  # items first..n-1 are group g's
                before = best[g - 1][first] if g else (0 if first == 0 else lowest)
                score = before + placed[g][n] - placed[g][first]
                if score > best[g][n]:
                    best[g][n], cut[g][n] = score, first
    out, n = [0] * count, count
    for g in range(groups - 1, -1, -1):
        first = cut[g][n]
        out[first:n] = [g] * (n - first)
        n = first
    return out


def split_sentence(
    bounds: Sequence[tuple[int, int]],
    text: str,
    span: tuple[int, int],
    translation: str,
    alignment: Sequence[int] | None,
) -> dict[int, str] | None:
    """The translation of the sentence ``text[span]`` cut across its runs: run index → its part, the parts
    in run order making up ``translation`` exactly; None when the alignment does not allow it (see the
    module's docstring)."""
    runs_of = word_runs(bounds, text, *span)
    order = sorted(set(runs_of))
    words = list(_WORD.finditer(translation))
    if alignment is None or len(order) < 2 or len(alignment) != len(words):
        return None
    if any(not 0 <= source < len(runs_of) for source in alignment):
        return None
    wanted = [order.index(runs_of[source]) for source in alignment]
    groups = _monotone(wanted, len(order))
    if groups is None:
        return None
    for g in range(len(order)):
        mine = [w for group, w in zip(groups, wanted, strict=True) if group == g]
        if mine.count(g) < MIN_AGREEMENT * len(mine):
            return None
    sources = list(_WORD.finditer(text, *span))
    parts = {run: "" for run, (a, b) in enumerate(bounds) if a < span[1] and b > span[0]}
    parts[order[0]] = translation[: words[0].start()]
    for g, run in enumerate(order):
        first = groups.index(g)
        last = len(groups) - 1 - groups[::-1].index(g)
        parts[run] += translation[words[first].start() : words[last].end()]
        if g + 1 < len(order):  # the space after this run's words: in the run the source had it in
            gap = sources[max(i for i, r in enumerate(runs_of) if r == run)].end()
            parts[_run_at(bounds, gap)] += translation[words[last].end() : words[last + 1].start()]
    parts[order[-1]] += translation[words[-1].end() :]
    return parts


__all__ = ["MIN_AGREEMENT", "SentenceAlign", "split_sentence", "word_runs"]
