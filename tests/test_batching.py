"""Batching by token budget."""

from __future__ import annotations

import random

import pytest

from inference.batching import batches_by_tokens


@pytest.mark.parametrize(
    ("lengths", "budget"),
    [
        ([], 10),
        ([5], 10),
        ([5, 5, 5, 5], 10),
        ([1, 50, 3, 7, 7, 20, 2], 40),
        ([100, 1, 1], 10),  # an item over the budget travels alone
        (list(range(1, 60)), 64),
    ],
)
def test_budget_order_and_cover(lengths: list[int], budget: int) -> None:
    batches = batches_by_tokens(lengths, budget)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))  # every item exactly once
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        assert padded <= budget or len(batch) == 1
    longest = [max(lengths[i] for i in b) for b in batches]
    assert longest == sorted(longest, reverse=True)  # sorted by length


def test_random_budgets_never_exceeded() -> None:
    rng = random.Random(7)
    for _ in range(200):
        lengths = [rng.randint(1, 80) for _ in range(rng.randint(1, 40))]
        budget = rng.randint(80, 400)
        for batch in batches_by_tokens(lengths, budget):
            assert len(batch) * max(lengths[i] for i in batch) <= budget


def test_bad_budget() -> None:
    with pytest.raises(ValueError, match="positive"):
        batches_by_tokens([1], 0)
