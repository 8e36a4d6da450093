"""Putting a glossary's target term where the model's attention says the source term went."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.inference.backends.base import Hypothesis

_SPECIAL = re.compile(r"<[^<>\s]*>|>>[^<>\s]*<<|__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}")
_WORD_START = "▁"


def _word_of_pieces(pieces: Sequence[str]) -> list[int | None]:
    """The word index of each piece (``▁`` starts a word; special tokens belong to none)."""
    index, out = -1, []
    for piece in pieces:
        if _SPECIAL.fullmatch(piece):
            out.append(None)
            continue
        if piece.startswith(_WORD_START) or index < 0:
            index += 1
        out.append(index)
    return out


def word_alignment(hypothesis: Hypothesis, source_words: int) -> list[list[float]] | None:
    """Attention summed by words: a row per word of the output, a weight per source word; None when the
    pieces do not make up the words of the texts (a tokenizer that does not mark words with ``▁``)."""
    target_of = _word_of_pieces(hypothesis.target_tokens)
    source_of = _word_of_pieces(hypothesis.source_tokens)
    target_words = len(hypothesis.text.split())
    if max((i for i in source_of if i is not None), default=-1) + 1 != source_words:
        return None
    if max((i for i in target_of if i is not None), default=-1) + 1 != target_words:
        return None
    matrix = [[0.0] * source_words for _ in range(target_words)]
    for t, row in zip(target_of, hypothesis.attention, strict=False):
        if t is None:
            continue
        for s, weight in zip(source_of, row, strict=False):
            if s is not None:
                matrix[t][s] += weight
    return matrix


def aligned_run(matrix: list[list[float]], source: set[int]) -> tuple[int, int] | None:
    """The output words ``[start, end)`` that attend most to the ``source`` words: of the runs of output
    words whose strongest source word is one of them, the run with the most weight on them."""
    best: tuple[float, int, int] | None = None
    start = None
    for t, row in enumerate([*matrix, None]):
        inside = row is not None and max(range(len(row)), key=row.__getitem__) in source
        if inside and start is None:
            start = t
        elif not inside and start is not None:
            mass = sum(matrix[i][s] for i in range(start, t) for s in source)
            if best is None or mass > best[0]:
                best = (mass, start, t)
            start = None
    return None if best is None else (best[1], best[2])


def replace_words(text: str, start: int, end: int, term: str) -> str:
    """``text`` with its words ``[start, end)`` replaced by ``term``; the punctuation around them stays."""
    words = text.split()
    first, last = words[start], words[end - 1]
    lead = next((i for i, c in enumerate(first) if c.isalnum()), len(first))
    trail = next((i for i, c in enumerate(reversed(last)) if c.isalnum()), len(last))
    before, after = first[:lead], last[len(last) - trail :] if trail else ""
    return " ".join([*words[:start], f"{before}{term}{after}", *words[end:]])
