"""Batching by token budget: long sentences travel in small batches, short ones in large."""

from __future__ import annotations

from collections.abc import Sequence


def batches_by_tokens(lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Group item indices so that each batch's padded size (count × longest) stays within ``max_tokens``.

    Items are sorted longest first, so padding is small; an item longer than the budget travels alone.
    The caller restores the original order from the indices.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        size = max(1, lengths[index])
        if current and (len(current) + 1) * max(longest, size) > max_tokens:
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, size)
    if current:
        batches.append(current)
    return batches


def even_runs(lengths: Sequence[int], costs: Sequence[int], parts: int) -> list[list[int]]:
    """Item indices sorted by length and cut into at most ``parts`` runs of neighbours whose summed
    ``costs`` are as even as possible: the largest run cost is the least any such cut can give.

    Runs of neighbours in length order keep padding small; even costs keep parallel workers finishing
    together. Runs come shortest items first; an empty input gives no runs.
    """
    if parts < 1:
        raise ValueError("parts must be positive")
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    weights = [max(0, costs[i]) for i in order]

    def cut(cap: int) -> list[list[int]]:
        runs: list[list[int]] = []
        total = cap + 1
        for index, weight in zip(order, weights, strict=True):
            if total + weight > cap:
                runs.append([])
                total = 0
            runs[-1].append(index)
            total += weight
        return runs

    low, high = max(weights, default=0), sum(weights)
    while low < high:  # the least cap that needs no more than `parts` runs
        middle = (low + high) // 2
        if len(cut(middle)) <= parts:
            high = middle
        else:
            low = middle + 1
    return cut(low) if order else []
