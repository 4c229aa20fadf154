"""Resource leveling: hand-checkable instances with proven optima, every link type and lag, deadlines,
earliest starts, per-period capacity, priorities, within-float leveling, determinism, cancel and progress,
bad input, and PSPLIB j30/j120 instances against their published optima (skipped without the data).

Every schedule is checked by :mod:`pmo.engine.rcpsp_check`, which shares no code with the solver.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo.engine.cpm import LinkType
from pmo.engine.leveling import (
    Activity,
    LevelingError,
    Link,
    Problem,
    Resource,
    Result,
    Status,
    level,
    single_pass,
)
from pmo.engine.psplib import read_reference, read_sm
from pmo.engine.rcpsp_check import violations

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"  # shared/ sits beside the repo
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"PSPLIB data not found at {DATA}")

BOTH = pytest.mark.parametrize("mode", ["heuristic", "exact"])
FAST = {"time_limit": 10.0, "max_schedules": 400, "workers": 1}  # schedule budget binds: deterministic


def checked(problem: Problem, result: Result, *, capacities: bool = True) -> Result:
    assert violations(problem, result.starts, capacities=capacities, deadlines=not result.late) == []
    assert result.finishes == {a.id: result.starts[a.id] + a.duration for a in problem.activities}
    assert result.makespan == max(result.finishes.values())
    assert result.lower_bound <= result.makespan or result.late
    return result


def packing() -> Problem:
    """One resource of 3 units. A (3 periods x 2 units) and B (2 x 2) cannot overlap; E needs all 3 units and
    follows A and B. The work is 6 + 4 + 2 + 3 + 3 = 18 unit-periods, so no schedule is shorter than 18 / 3 = 6,
    and 6 needs a perfect packing: A and D in 0..2, B and C in 3..4, E in 5."""
    return Problem(
        activities=[
            Activity("A", 3, {"R": 2}),
            Activity("B", 2, {"R": 2}),
            Activity("C", 2, {"R": 1}),
            Activity("D", 3, {"R": 1}),
            Activity("E", 1, {"R": 3}),
        ],
        links=[Link("A", "E"), Link("B", "E")],
        resources=[Resource("R", 3)],
    )


@BOTH
def test_perfect_packing_reaches_the_energy_bound(mode):
    result = checked(packing(), level(packing(), mode=mode, **FAST))
    assert result.makespan == 6
    assert result.lower_bound == 6 and result.gap == 0.0 and result.status is Status.OPTIMAL
    assert result.unleveled_makespan == 4  # A then E
    assert result.starts["E"] == 5


def two_that_cannot_overlap() -> Problem:
    """A and B each need 2 of 3 units for 3 periods: they cannot overlap, so the optimum is 6, above both the
    critical path (3) and the energy bound (ceil(12 / 3) = 4). Only a search can prove it."""
    return Problem(
        activities=[Activity("A", 3, {"R": 2}), Activity("B", 3, {"R": 2})],
        resources=[Resource("R", 3)],
    )


def test_exact_mode_proves_an_optimum_above_the_simple_bounds():
    problem = two_that_cannot_overlap()
    heuristic = checked(problem, level(problem, **FAST))
    assert heuristic.makespan == 6 and heuristic.lower_bound == 4 and heuristic.status is Status.FEASIBLE
    assert heuristic.gap == pytest.approx(0.5)
    exact = checked(problem, level(problem, mode="exact", **FAST))
    assert exact.makespan == 6 and exact.lower_bound == 6 and exact.status is Status.OPTIMAL
    assert exact.gap == 0.0


def pair(kind: LinkType, lag: int, shared: bool) -> Problem:
    """P (4 periods) -> S (2 periods) with one link; on one resource of 1 unit when ``shared``."""
    requests = {"R": 1} if shared else {}
    return Problem(
        activities=[Activity("P", 4, requests, earliest_start=2), Activity("S", 2, requests)],
        links=[Link("P", "S", kind, lag)],
        resources=[Resource("R", 1)],
    )


# (type, lag) -> S's earliest start with P in 2..5: FS P.finish(6)+lag; SS P.start(2)+lag; FF: S.finish >=
# P.finish(6)+lag; SF: S.finish >= P.start(2)+lag (and S may start at 0)
EARLIEST = {
    (LinkType.FS, 0): 6, (LinkType.FS, 3): 9, (LinkType.FS, -2): 4,
    (LinkType.SS, 0): 2, (LinkType.SS, 1): 3, (LinkType.SS, -2): 0,
    (LinkType.FF, 0): 4, (LinkType.FF, 2): 6, (LinkType.FF, -3): 1,
    (LinkType.SF, 0): 0, (LinkType.SF, 5): 5, (LinkType.SF, -1): 0,
}


@BOTH
@pytest.mark.parametrize(("kind", "lag"), list(EARLIEST), ids=[f"{k}{g:+d}" for k, g in EARLIEST])
def test_every_link_type_and_lag(kind, lag, mode):
    free = checked(pair(kind, lag, False), level(pair(kind, lag, False), mode=mode, **FAST))
    assert free.starts == {"P": 2, "S": EARLIEST[kind, lag]}
    assert free.status is Status.OPTIMAL
    # on one unit the two cannot overlap: S goes after P (from 6) unless it fits entirely before P starts
    shared = checked(pair(kind, lag, True), level(pair(kind, lag, True), mode=mode, **FAST))
    s = EARLIEST[kind, lag]
    expected_s = s if s + 2 <= 2 else max(s, 6)
    assert shared.starts == {"P": 2, "S": expected_s}
    assert shared.status is Status.OPTIMAL or (mode == "heuristic" and shared.status is Status.FEASIBLE)


def chain() -> Problem:
    """X (critical, 4 periods) and three free activities competing for resources."""
    return Problem(
        activities=[
            Activity("X", 4, {"crew": 1}),
            Activity("Y", 2, {"crew": 1}),  # float 2, but X holds the crew for all of 0..3
            Activity("Z", 1, {"rig": 1}),
            Activity("W", 1, {"rig": 1}),  # Z and W share one rig: one can wait a period
        ],
        resources=[Resource("crew", 1), Resource("rig", 1)],
    )


@BOTH
def test_within_float_keeps_the_finish_and_reports_what_remains(mode):
    problem = chain()
    result = checked(problem, level(problem, mode=mode, within_float=True, **FAST), capacities=False)
    assert result.makespan == 4 == result.unleveled_makespan
    assert violations(problem, result.starts) == [
        f"crew in period {t}: load 2 above capacity 1" for t in range(result.starts["Y"], result.starts["Y"] + 2)
    ]
    [over] = result.over_allocations
    assert (over.resource, over.finish - over.start, over.peak, over.capacity) == ("crew", 2, 2, 1)
    assert set(over.activities) == {"X", "Y"}
    assert result.starts["Z"] != result.starts["W"]  # the rig is resolved within float
    assert result.status is (Status.OPTIMAL if mode == "exact" else Status.FEASIBLE)
    # without the float limit everything is resolved, at the cost of the finish
    full = checked(problem, level(problem, mode=mode, **FAST))
    assert full.makespan == 6 and full.over_allocations == ()


@BOTH
def test_deadlines_are_met_when_possible(mode):
    problem = Problem(
        activities=[Activity("A", 3, {"R": 1}), Activity("B", 3, {"R": 1}, deadline=3), Activity("C", 1)],
        links=[Link("A", "C")],
        resources=[Resource("R", 1)],
    )
    result = checked(problem, level(problem, mode=mode, **FAST))
    assert result.starts["B"] == 0 and result.starts["A"] == 3 and result.late == ()


def test_an_impossible_deadline():
    problem = Problem(
        activities=[Activity("A", 3, {"R": 1}, deadline=3), Activity("B", 3, {"R": 1}, deadline=3)],
        resources=[Resource("R", 1)],
    )
    heuristic = checked(problem, level(problem, **FAST))
    assert heuristic.status is Status.UNKNOWN and len(heuristic.late) == 1
    exact = checked(problem, level(problem, mode="exact", **FAST))
    assert exact.status is Status.INFEASIBLE and len(exact.late) == 1
    # a deadline before the earliest finish is infeasible even without resources
    tight = Problem(activities=[Activity("A", 3, earliest_start=2, deadline=4)])
    assert level(tight, mode="exact", **FAST).status is Status.INFEASIBLE


@BOTH
def test_earliest_starts_and_capacity_that_varies_per_period(mode):
    problem = Problem(
        activities=[Activity("A", 2, {"R": 2}), Activity("B", 2, {"R": 1}, earliest_start=1)],
        resources=[Resource("R", [0, 0, 0, 2, 3])],  # nothing before period 3, then 2, then 3 for ever
    )
    result = checked(problem, level(problem, mode=mode, **FAST))
    assert result.starts == {"A": 3, "B": 4}  # A takes both units in 3; B fits beside it from 4
    assert result.makespan == 6


@BOTH
def test_priorities_break_ties_between_equally_short_schedules(mode):
    problem = Problem(
        activities=[Activity("low", 2, {"R": 1}, priority=100), Activity("high", 2, {"R": 1}, priority=900)],
        resources=[Resource("R", 1)],
    )
    result = checked(problem, level(problem, mode=mode, **FAST))
    assert result.starts == {"high": 0, "low": 2}
    # ... but never at the cost of the makespan: the long tail behind "low" must start first
    problem = Problem(
        activities=[*problem.activities, Activity("tail", 5)],
        links=[Link("low", "tail")],
        resources=problem.resources,
    )
    result = checked(problem, level(problem, mode=mode, **FAST))
    assert result.starts["low"] == 0 and result.makespan == 7


def test_single_passes_serial_and_parallel():
    problem = packing()
    for scheme in ("serial", "parallel"):
        result = checked(problem, single_pass(problem, "LFT", scheme=scheme))
        assert result.schedules == 1 and result.makespan >= 6
    with pytest.raises(LevelingError, match="scheme"):
        single_pass(problem, scheme="diagonal")


def test_determinism_by_seed():
    problem = random_problem(60, seed=3)
    runs = [level(problem, seed=7, time_limit=60, max_schedules=600) for _ in range(2)]
    assert runs[0].starts == runs[1].starts and runs[0].schedules == runs[1].schedules <= 600
    checked(problem, runs[0])


def test_cancel_returns_the_best_so_far_and_progress_is_reported():
    problem = random_problem(60, seed=4)
    calls = []
    result = level(problem, time_limit=60, cancel=lambda: len(calls) > 0, progress=lambda f, m: calls.append((f, m)))
    assert result.cancelled and result.elapsed < 30
    checked(problem, result)
    assert calls[-1][0] == 1.0 and all(0.0 <= f <= 1.0 for f, _ in calls)
    exact = level(problem, mode="exact", time_limit=60, cancel=lambda: True)
    assert exact.cancelled
    checked(problem, exact)


def random_problem(n: int, seed: int) -> Problem:
    """A random network of all link types (lags -2..3) on three resources, one with a varying capacity."""
    import random  # noqa: PLC0415

    rng = random.Random(seed)
    activities = [
        Activity(f"a{k}", rng.randint(0, 6), {r: rng.randint(0, 3) for r in ("R1", "R2", "R3") if rng.random() < 0.6},
                 earliest_start=rng.choice([0, 0, 0, 5]), priority=rng.choice([0, 1]))
        for k in range(n)
    ]
    links = [
        Link(f"a{i}", f"a{j}", rng.choice(list(LinkType)), rng.randint(-2, 3))
        for j in range(1, n) for i in rng.sample(range(j), min(j, rng.randint(0, 3)))
    ]
    resources = [Resource("R1", 4), Resource("R2", 3), Resource("R3", [3, 3, 4, 4, 4, 5] * 3 + [6])]
    return Problem(activities, links, resources)


@BOTH
@pytest.mark.parametrize("seed", [1, 2])
def test_random_networks_of_every_link_type_are_feasible(seed, mode):
    problem = random_problem(40, seed)
    result = checked(problem, level(problem, mode=mode, time_limit=10, max_schedules=300, workers=1))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    within = level(problem, mode=mode, within_float=True, time_limit=10, max_schedules=300, workers=1)
    checked(problem, within, capacities=False)
    assert within.makespan == within.unleveled_makespan


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (Problem([Activity("A", 1), Activity("A", 2)]), "activity 'A' appears twice"),
        (Problem([Activity("A", -1)]), "duration must be >= 0"),
        (Problem([Activity("A", 1.5)]), "duration must be an integer"),
        (Problem([Activity("A", 1, {"R": 1})]), "unknown resource 'R'"),
        (Problem([Activity("A", 1, {"R": 3})], resources=[Resource("R", [5, 2])]), "above its capacity 2"),
        (Problem([Activity("A", 1)], [Link("A", "B")]), "unknown activity 'B'"),
        (Problem([Activity("A", 1), Activity("B", 1)], [Link("A", "B"), Link("B", "A", LinkType.SS)]),
         "the links form a cycle: (A -> B -> A|B -> A -> B)"),
        (Problem([Activity("A", 1)], [Link("A", "A")]), "links an activity to itself"),
        (Problem([Activity("A", 1)], resources=[Resource("R", -1)]), "capacity must be >= 0"),
        (Problem([]), "no activities"),
    ],
)
def test_bad_input_names_the_item(problem, message):
    with pytest.raises(LevelingError, match=message):
        level(problem)


# ---------------------------------------------------------------------------------------------- PSPLIB

# 20 j30 instances, one from every other parameter set (instance = set mod 10 + 1); j30opt.sm has the optima
J30_SAMPLE = [(p, p % 10 + 1) for p in range(1, 41, 2)]


@needs_data
def test_exact_mode_reaches_the_j30_optimum():
    optimum = read_reference(DATA / "j30opt.sm")
    for p, i in J30_SAMPLE:
        problem = read_sm(DATA / "j30" / f"j30{p}_{i}.sm").to_leveling()
        result = checked(problem, level(problem, mode="exact", time_limit=20, workers=1, max_schedules=200))
        assert result.makespan == optimum[p, i].upper, (p, i)
        assert result.lower_bound <= optimum[p, i].upper
        if result.status is Status.OPTIMAL:
            assert result.lower_bound == optimum[p, i].upper


@needs_data
def test_heuristic_gap_on_j30():
    optimum = read_reference(DATA / "j30opt.sm")
    gaps, single = [], []
    for p, i in J30_SAMPLE[::2]:
        problem = read_sm(DATA / "j30" / f"j30{p}_{i}.sm").to_leveling()
        result = checked(problem, level(problem, time_limit=60, max_schedules=1000))
        best = optimum[p, i].upper
        assert result.makespan >= best
        gaps.append(result.makespan / best - 1)
        single.append(checked(problem, single_pass(problem)).makespan / best - 1)
    assert sum(gaps) / len(gaps) < 0.03  # 1000 schedules: within 3 % of the optima on average
    assert sum(gaps) < sum(single)


@needs_data
def test_heuristic_on_j120_beats_single_pass_and_stays_above_the_best_known():
    best = read_reference(DATA / "j120hrs.sm")
    for p in (1, 21, 41):
        problem = read_sm(DATA / "j120" / f"j120{p}_1.sm").to_leveling()
        result = checked(problem, level(problem, time_limit=60, max_schedules=600))
        assert best[p, 1].upper <= result.makespan <= single_pass(problem).makespan
        assert result.lower_bound <= best[p, 1].upper
