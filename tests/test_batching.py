"""Batching by token budget."""

from __future__ import annotations

import random

import pytest

from tarjama.inference.batching import batches_by_tokens, even_runs


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


def _largest_run(costs: list[int], runs: list[list[int]]) -> int:
    return max((sum(costs[i] for i in run) for run in runs), default=0)


@pytest.mark.parametrize(
    ("lengths", "costs", "parts", "runs"),
    [
        ([], [], 2, []),
        ([3], [3], 4, [[0]]),
        ([1, 1, 1, 1], [1, 1, 1, 1], 2, [[0, 1], [2, 3]]),
        ([9, 1, 5], [9, 1, 5], 2, [[1, 2], [0]]),  # sorted by length, then cut
        ([1, 2, 3, 4], [1, 1, 1, 9], 3, [[0, 1, 2], [3]]),  # a heavy item alone; no run split needlessly
        ([5, 5, 5], [0, 0, 0], 2, [[0, 1, 2]]),  # no work to share: one run
    ],
)
def test_even_runs_table(lengths: list[int], costs: list[int], parts: int, runs: list[list[int]]) -> None:
    assert even_runs(lengths, costs, parts) == runs


def test_even_runs_are_the_best_cut() -> None:
    """Against every cut of the length order into at most ``parts`` runs, on random inputs."""
    from itertools import combinations

    rng = random.Random(11)
    for _ in range(200):
        count = rng.randint(1, 9)
        lengths = [rng.randint(1, 60) for _ in range(count)]
        costs = [n + rng.randint(0, 50) for n in lengths]
        parts = rng.randint(1, 4)
        runs = even_runs(lengths, costs, parts)
        order = sorted(range(count), key=lambda i: (lengths[i], i))
        assert [i for run in runs for i in run] == order and all(runs) and len(runs) <= parts
        best = min(
            _largest_run(costs, [order[a:b] for a, b in zip((0, *cuts), (*cuts, count), strict=True)])
            for k in range(min(parts, count))
            for cuts in combinations(range(1, count), k)
        )
        assert _largest_run(costs, runs) == best


def test_even_runs_bad_parts() -> None:
    with pytest.raises(ValueError, match="positive"):
        even_runs([1], [1], 0)
