"""Extractive summaries without a model: LexRank centrality mixed with a news position prior.

Each sentence becomes a TF-IDF vector of its content words (Arabic normalised and light-stemmed, stop
words dropped); sentences similar to many others are central (LexRank: a random walk on the cosine
similarity graph). News puts the gist first, so the score mixes centrality with a prior that falls
linearly with position and gives the first sentence a bonus. Sentences are then picked greedily, best
first, each penalised by its similarity to those already picked (maximal marginal relevance), and
near-repeats are never picked. The chosen sentences are returned in article order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tarjama.inference.errors import InvalidInputError
from tarjama.summarize.features import content_words, letter_words


@dataclass(frozen=True)
class ExtractiveOptions:
    """Tuning of the extractive method; the defaults were chosen on EASC and ANT (``bench/``)."""

    position_weight: float = 0.7  # share of the score that comes from position (0 = centrality only)
    lead_bonus: float = 0.3  # share of the position prior reserved for the first sentence
    damping: float = 0.85  # LexRank random walk: chance of following an edge rather than restarting
    iterations: int = 30  # power-iteration steps (news-length articles converge in far fewer)
    redundancy: float = 0.3  # weight of the similarity to sentences already picked
    duplicate_similarity: float = 0.8  # a sentence at least this similar to a picked one is a repeat
    min_words: int = 3  # sentences with fewer words in the article's script are page furniture

    def __post_init__(self) -> None:
        for name in ("position_weight", "lead_bonus", "redundancy"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InvalidInputError(f"{name} must be between 0 and 1")
        if not 0.0 < self.damping < 1.0:
            raise InvalidInputError("damping must be between 0 and 1 (exclusive)")
        if self.iterations < 1 or self.min_words < 0:
            raise InvalidInputError("iterations must be positive and min_words not negative")


@dataclass(frozen=True)
class SentenceScores:
    """Per-sentence scores of one article, indexed like its sentences."""

    centrality: tuple[float, ...]
    position: tuple[float, ...]
    score: tuple[float, ...]
    candidate: tuple[bool, ...]  # False for page furniture and exact repeats


def summary_length(total: int, *, sentences: int | None = None, ratio: float | None = None) -> int:
    """How many sentences a summary of a ``total``-sentence article gets (at least one, at most all)."""
    if sentences is not None and ratio is not None:
        raise InvalidInputError("give the length as a number of sentences or as a ratio, not both")
    if sentences is not None:
        if sentences < 1:
            raise InvalidInputError(f"the number of sentences must be at least 1, not {sentences}")
        wanted = sentences
    elif ratio is not None:
        if not 0.0 < ratio <= 1.0:
            raise InvalidInputError(f"the ratio must be above 0 and at most 1, not {ratio}")
        wanted = math.floor(ratio * total + 0.5)
    else:
        raise InvalidInputError("give the length as a number of sentences or as a ratio")
    return max(1, min(wanted, total))


def _tfidf_similarity(bags: Sequence[Sequence[str]]) -> np.ndarray:
    """Cosine similarity of the sentences' TF-IDF vectors (IDF over the article's sentences)."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, bag in enumerate(bags):
        for word in bag:
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    matrix = np.zeros((len(bags), max(1, len(vocabulary))), dtype=np.float64)
    np.add.at(matrix, (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)), 1.0)
    present = matrix > 0
    idf = np.log((1.0 + len(bags)) / (1.0 + present.sum(axis=0))) + 1.0
    matrix = np.where(present, 1.0 + np.log(np.maximum(matrix, 1.0)), 0.0) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, 0.0)
    return similarity


def _lexrank(similarity: np.ndarray, damping: float, iterations: int) -> np.ndarray:
    """Stationary distribution of the random walk on the similarity graph (continuous LexRank)."""
    n = similarity.shape[0]
    sums = similarity.sum(axis=1, keepdims=True)
    transition = np.divide(similarity, sums, out=np.full_like(similarity, 1.0 / n), where=sums > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1.0 - damping) / n + damping * (transition.T @ rank)
        if np.abs(updated - rank).sum() < 1e-9:
            return updated
        rank = updated
    return rank


def _scale(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Values divided by the largest among the masked ones (0 when there is none)."""
    top = float(values[mask].max()) if mask.any() else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _analyse(
    sentences: Sequence[str], lang: str, options: ExtractiveOptions
) -> tuple[SentenceScores, np.ndarray, np.ndarray]:
    """Scores, the similarity matrix of the candidate sentences, and the candidates' indices."""
    n = len(sentences)
    stems: dict[str, str] = {}
    bags = [content_words(s, lang, stems=stems) for s in sentences]
    seen: set[tuple[str, ...]] = set()
    candidate = np.zeros(n, dtype=bool)
    for i, (sentence, bag) in enumerate(zip(sentences, bags, strict=True)):
        key = tuple(bag)
        if bag and key not in seen and letter_words(sentence, lang) >= options.min_words:
            candidate[i] = True
        seen.add(key)
    if n and not candidate.any():  # nothing looks like prose: fall back to every non-empty sentence
        candidate = np.array([bool(s.strip()) for s in sentences])
    index = np.flatnonzero(candidate)
    similarity = _tfidf_similarity([bags[i] for i in index])
    centrality = np.zeros(n)
    if len(index) > 1:
        centrality[index] = _lexrank(similarity, options.damping, options.iterations)
    elif len(index) == 1:
        centrality[index] = 1.0
    rank = np.cumsum(candidate) - 1  # position among candidates: furniture does not push prose down
    linear = 1.0 - rank / max(1, len(index))
    lead = options.lead_bonus
    position = np.where(candidate, lead * (rank == 0) + (1.0 - lead) * linear, 0.0)
    w = options.position_weight
    score = np.where(candidate, (1.0 - w) * _scale(centrality, candidate) + w * position, 0.0)
    scores = SentenceScores(
        tuple(centrality.tolist()), tuple(position.tolist()), tuple(score.tolist()), tuple(candidate.tolist())
    )
    return scores, similarity, index


def score_sentences(
    sentences: Sequence[str], lang: str, options: ExtractiveOptions | None = None
) -> SentenceScores:
    """Centrality, position prior and their mix for each sentence of one article."""
    return _analyse(sentences, lang, options or ExtractiveOptions())[0]


def select_sentences(
    sentences: Sequence[str],
    lang: str,
    count: int,
    options: ExtractiveOptions | None = None,
) -> list[int]:
    """Indices of the ``count`` sentences that best summarise the article, in article order.

    Fewer are returned when the article has fewer distinct prose sentences.
    """
    options = options or ExtractiveOptions()
    if count < 1:
        raise InvalidInputError(f"the number of sentences must be at least 1, not {count}")
    scores, similarity, index = _analyse(sentences, lang, options)
    if not len(index):
        return []
    score = np.asarray(scores.score)[index]
    chosen: list[int] = []
    closest = np.zeros(len(index))  # similarity of each candidate to its nearest chosen sentence
    available = np.ones(len(index), dtype=bool)
    while len(chosen) < count and available.any():
        gain = np.where(available, score - options.redundancy * closest, -np.inf)
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
        closest = np.maximum(closest, similarity[best])
        available &= closest < options.duplicate_similarity
    return sorted(int(index[i]) for i in chosen)
