"""Oracles for portfolio selection: brute force over every subset of random instances (up to 18
candidates, 2**18 subsets, vectorised), hand-worked cases for the rules, and the scoring model by hand."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest

from pmo.engine.selection import (
    Candidate,
    Criteria,
    SelectionError,
    Status,
    Weights,
    frontier,
    greedy,
    scores,
    select,
    strategic_fit,
)


def random_instance(seed: int, n: int) -> tuple[list[Candidate], list[Decimal]]:
    """Candidates with costs over 1-4 years (some years free), values that are mostly positive and roughly
    follow cost, some mandatory, dependencies (cycles allowed) and a few exclusions; budgets between a
    quarter and three quarters of the yearly demand, sometimes below what the mandatory ones need."""
    rng = random.Random(seed)
    years = rng.randint(1, 4)
    ids = [f"P{k}" for k in range(n)]
    candidates = []
    for k in range(n):
        costs = [Decimal(rng.choice([0, rng.randint(1, 50_000)])).scaleb(-2) for _ in range(rng.randint(1, years))]
        value = Decimal(int(sum(costs) * 100 * Decimal(rng.uniform(-0.3, 2.5)))).scaleb(-2)
        requires = rng.sample([i for i in ids if i != ids[k]], k=min(n - 1, rng.choice([0, 0, 1, 2])))
        candidates.append(Candidate(ids[k], value, costs, mandatory=rng.random() < 0.06, requires=tuple(requires)))
    for _ in range(rng.randint(0, n // 4)):
        a, b = rng.sample(range(n), 2) if n > 1 else (0, 0)
        if a != b:
            c = candidates[a]
            candidates[a] = Candidate(c.id, c.value, c.costs, c.mandatory, c.requires, (*c.excludes, ids[b]))
    demand = [sum(c.costs[y] for c in candidates if y < len(c.costs)) for y in range(years)]
    budgets = [(d * Decimal(rng.uniform(0.25, 0.75))).quantize(Decimal("0.01")) for d in demand]
    return candidates, budgets


def brute_force(candidates: list[Candidate], budgets: list[Decimal]) -> tuple[np.ndarray, np.ndarray]:
    """The value (in cents) of every subset and whether it is valid; subset ``m`` holds candidate ``k``
    when bit ``k`` of ``m`` is set."""
    n, index = len(candidates), {c.id: k for k, c in enumerate(candidates)}
    bits = ((np.arange(2**n, dtype=np.int64)[:, None] >> np.arange(n)) & 1).astype(bool)
    cost = np.array([[int(c.costs[y] * 100) if y < len(c.costs) else 0 for y in range(len(budgets))]
                     for c in candidates], np.int64).reshape(n, len(budgets))
    value = np.array([int(c.value * 100) for c in candidates], np.int64)
    valid = ((bits.astype(np.int64) @ cost) <= np.array([int(b * 100) for b in budgets])).all(axis=1)
    for k, c in enumerate(candidates):
        if c.mandatory:
            valid &= bits[:, k]
        for other in c.requires:
            valid &= ~bits[:, k] | bits[:, index[other]]
        for other in c.excludes:
            valid &= ~(bits[:, k] & bits[:, index[other]])
    return bits.astype(np.int64) @ value, valid


def subset_of(candidates: list[Candidate], chosen: tuple[str, ...]) -> int:
    return sum(1 << k for k, c in enumerate(candidates) if c.id in chosen)


@pytest.mark.parametrize("seed", range(72))
def test_select_equals_brute_force(seed):
    n = seed // 4 + 1  # four instances of each size 1..18
    candidates, budgets = random_instance(seed, n)
    value, valid = brute_force(candidates, budgets)
    if not valid.any():
        with pytest.raises(SelectionError) as error:
            select(candidates, budgets, workers=1)
        assert error.value.item is not None and error.value.item in str(error.value)
        return
    best = int(value[valid].max())
    result = select(candidates, budgets, workers=1, time_limit=30)
    assert result.status is Status.OPTIMAL and result.gap == 0.0
    assert result.objective == result.bound == Decimal(best).scaleb(-2)
    mask = subset_of(candidates, result.chosen)
    assert valid[mask] and value[mask] == best
    rule = greedy(candidates, budgets)
    assert valid[subset_of(candidates, rule.chosen)] and rule.objective <= result.objective


def test_frontier_equals_brute_force_at_each_budget_level():
    candidates, budgets = random_instance(7, 12)
    candidates = [Candidate(c.id, c.value, c.costs, False, c.requires, c.excludes) for c in candidates]
    candidates[0] = Candidate("P0", 10, [budgets[0] / 2] + [0] * (len(budgets) - 1), mandatory=True)
    points = frontier(candidates, budgets, factors=[1.5, 0.2, 0.6, 1.0], workers=1)
    assert [p.factor for p in points] == [0.2, 0.6, 1.0, 1.5]
    for point in points:
        value, valid = brute_force(candidates, list(point.budgets))
        if point.status is Status.INFEASIBLE:
            assert not valid.any() and point.objective is None
        else:
            assert point.status is Status.OPTIMAL and point.objective == Decimal(int(value[valid].max())).scaleb(-2)
    assert points[0].status is Status.INFEASIBLE  # a fifth of the budget cannot carry half of it, mandatory
    feasible = [p.objective for p in points if p.objective is not None]
    assert feasible == sorted(feasible)
    assert points[2].objective == select(candidates, budgets, workers=1).objective


def test_hand_example():
    """Budget 100 in one year: A (60, value 50), B (50, value 40), C (40, value 35). A+C = 85 of value fits
    (100); A+B does not (110). D (value 30, cost 0) requires C and excludes B."""
    candidates = [Candidate("A", 50, [60]), Candidate("B", 40, [50]), Candidate("C", 35, [40]),
                  Candidate("D", 30, [0], requires=("C",), excludes=("B",))]
    result = select(candidates, [100])
    assert result.chosen == ("A", "C", "D") and result.objective == Decimal("115.00")
    assert result.costs == (Decimal("100.00"),)
    assert select(candidates[:3], [100]).chosen == ("A", "C")


def test_mandatory_and_dependencies_are_obeyed():
    """B is forced in at a loss; C is worth taking with its loss-making prerequisite E (50 - 20 = 30), more
    than A (20), and both do not fit beside B (105 of 100)."""
    candidates = [Candidate("A", 20, [10]), Candidate("B", -5, [60], mandatory=True),
                  Candidate("C", 50, [30], requires=("E",)), Candidate("E", -20, [5])]
    result = select(candidates, [100])
    assert result.chosen == ("B", "C", "E") and result.objective == Decimal("25.00")


def test_cycles_are_all_or_nothing():
    candidates = [Candidate("A", 30, [50], requires=("B",)), Candidate("B", 30, [50], requires=("A",)),
                  Candidate("C", 40, [60])]
    assert select(candidates, [100]).chosen == ("A", "B")
    assert select(candidates, [99]).chosen == ("C",)
    assert select(candidates, [49]).chosen == ()


def test_errors_name_the_candidate():
    cases = [
        ([Candidate("A", 1, [1], requires=("A",))], [10], "'A' depends on itself"),
        ([Candidate("A", 1, [1], excludes=("A",))], [10], "'A' excludes itself"),
        ([Candidate("A", 1, [1], requires=("Z",))], [10], "'A' requires 'Z', which is not a candidate"),
        ([Candidate("A", 1, [1]), Candidate("A", 2, [1])], [10], "'A' appears twice"),
        ([Candidate("A", 1, [1, 2])], [10], "'A' has costs for 2 years"),
        ([Candidate("A", 1, [-1])], [10], "'A': cost in year 0 is negative"),
        ([Candidate("A", 1, ["0.001"])], [10], "'A': cost in year 0 is not a whole number of cents"),
        ([Candidate("A", 1, [1], requires="B"), Candidate("B", 1)], [10], "'A': requires must be a list"),
        ([Candidate("A", 1, [6], mandatory=True), Candidate("B", 1, [0, 3], mandatory=True)], [5, 5],
         "mandatory candidates 'A', 'B' cost 6.00 in year 0, over its budget of 5.00"),
        ([Candidate("A", 1, [2], mandatory=True, requires=("B",)), Candidate("B", 1, [4])], [5],
         "mandatory candidates 'A' \\(with 'B', which they require\\) cost 6.00"),
        ([Candidate("A", 1, mandatory=True, requires=("B",)), Candidate("B", 1),
          Candidate("C", 1, mandatory=True, excludes=("B",))], [5], "'B' and 'C' exclude each other"),
    ]
    for candidates, budgets, message in cases:
        with pytest.raises(SelectionError, match=message) as error:
            select(candidates, budgets, workers=1)
        assert error.value.item in {c.id for c in candidates}
    with pytest.raises(SelectionError, match="budgets: year 0 is negative"):
        select([], [-1])
    with pytest.raises(SelectionError, match="time_limit"):
        select([], [1], time_limit=0)
    with pytest.raises(SelectionError, match="workers"):
        select([], [1], workers=0)


def test_empty_and_unconstrained():
    assert select([], [100]).chosen == ()
    everything = select([Candidate("A", 1, [10]), Candidate("B", 2, [20])], [30])
    assert everything.chosen == ("A", "B") and everything.status is Status.OPTIMAL


def test_scores_by_hand():
    """Weights 40/30/20/10. NPVs 100, 300, 500 normalise to 0, 0.5, 1; exposures 10, 30, 50 to 1, 0.5, 0
    (least exposed best); urgencies 1, 3, 5 to 0, 0.5, 1. A: 40*0.5 + 0 + 20*1 + 0 = 40; B: 40*1 + 15 + 10
    + 5 = 70; C: 0 + 30 + 0 + 10 = 40."""
    criteria = [Criteria("A", 0.5, 100, 10, 1), Criteria("B", 1.0, 300, 30, 3), Criteria("C", 0.0, 500, 50, 5)]
    assert scores(criteria) == {"A": Decimal("40.00"), "B": Decimal("70.00"), "C": Decimal("40.00")}
    assert scores(criteria, Weights(fit=1, npv=0, risk=0, urgency=0))["A"] == Decimal("50.00")
    same = scores([Criteria("A", 1.0, 7, 7, 5), Criteria("B", 1.0, 7, 7, 5)])
    assert same == {"A": Decimal("100.00"), "B": Decimal("100.00")}
    with pytest.raises(SelectionError, match="urgency 6"):
        scores([Criteria("A", 1.0, 0, 0, 6)])


def test_strategic_fit_by_objective_weights():
    weights = {"grow": 3, "save": 1, "comply": 1}
    assert strategic_fit({"grow": 1.0}, weights) == pytest.approx(0.6)
    assert strategic_fit({"grow": 1.0, "save": 0.5, "comply": 1.0}, weights) == pytest.approx(0.9)
    assert strategic_fit({}, weights) == 0.0
    with pytest.raises(SelectionError, match="'other', which is not an objective"):
        strategic_fit({"other": 1.0}, weights)
