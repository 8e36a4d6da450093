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
