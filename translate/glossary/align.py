"""Putting a glossary's target term where the model's attention says the source term went."""

from __future__ import annotations


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
