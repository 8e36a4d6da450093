"""Word alignments from a model's cross-attention: which source words each output word attends to."""

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


def hard_alignment(hypothesis: Hypothesis, source_words: int) -> tuple[int, ...] | None:
    """For each word of the output, the source word it attends to most; None where :func:`word_alignment`
    finds no word alignment or the output has no words."""
    matrix = word_alignment(hypothesis, source_words)
    if not matrix or not source_words:
        return None
    return tuple(max(range(source_words), key=row.__getitem__) for row in matrix)
