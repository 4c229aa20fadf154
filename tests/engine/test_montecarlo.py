"""Oracles for the Monte Carlo engine. Each test states where its expected value comes from.

Tolerances are k standard errors of the estimator at the test's iteration count (k = 4 or 5,
seeds fixed): a correct engine fails with probability < 1e-4 per check, a biased one by more
than ~5 SE always fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.montecarlo import (
    MAX_ITERATIONS,
    SEED_RANGE,
    RiskEvent,
    SimActivity,
    SimLink,
    SimulationInput,
    SimulationInputError,
    Target,
    simulate,
)


def fixed(activity_id: str, days: float, **kwargs: object) -> SimActivity:
    return SimActivity(activity_id, days, days, days, **kwargs)


def chain(activities: list[SimActivity]) -> list[SimLink]:
    return [SimLink(a.id, b.id) for a, b in zip(activities, activities[1:], strict=False)]


def triangular_variance(a: float, m: float, b: float) -> float:
    return (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0


# 1. Chain of triangular tasks ------------------------------------------------------------------


def test_chain_mean_is_sum_of_triangular_means() -> None:
    """E[sum] = sum of (a + m + b) / 3; SE of the sample mean = sqrt(sum of variances / N)."""
    estimates = [(2, 5, 11), (1, 3, 8), (4, 4, 10), (0, 2, 3), (5, 7, 9)]
    acts = [SimActivity(f"T{i}", *e) for i, e in enumerate(estimates)]
    n = 40_000
    result = simulate(SimulationInput(acts, chain(acts), iterations=n, seed=11))
    expected = sum(sum(e) / 3 for e in estimates)  # 6 + 4 + 6 + 5/3 + 7 = 24.667
    variance = sum(triangular_variance(*e) for e in estimates)
    assert result.finish.mean == pytest.approx(expected, abs=4 * math.sqrt(variance / n))
    # SE of a sample variance ~ var * sqrt(2 / N) for a near-normal sum (x1.25 margin for kurtosis)
    assert result.finish.std**2 == pytest.approx(variance, abs=4 * 1.25 * variance * math.sqrt(2 / n))
    assert result.finish.deterministic == sum(e[1] for e in estimates)


# 2. Merge bias ---------------------------------------------------------------------------------


MERGE = [(1, 100.00, 107.35), (2, 104.69, 110.81), (4, 108.72, 113.41)]


@pytest.mark.parametrize(("k", "p50", "p80"), MERGE)
def test_merge_bias_of_parallel_triangular_tasks(k: int, p50: float, p80: float) -> None:
    """k parallel Triangular(80, 100, 120) into one milestone: P(finish <= x) = F(x)^k with
    F(x) = 1 - (120 - x)^2 / 800 for x >= 100, so x_q = 120 - sqrt(800 (1 - q^(1/k))).
    SE of a sample quantile = sqrt(q (1 - q) / N) / f(x_q) with f = k F^(k-1) (120 - x) / 400."""
    n = 100_000
    acts = [SimActivity(f"T{i}", 80, 100, 120) for i in range(k)] + [fixed("M", 0)]
    links = [SimLink(f"T{i}", "M") for i in range(k)]
    result = simulate(SimulationInput(acts, links, iterations=n, seed=k, milestones=("M",)))
    milestone = result.milestones["M"]
    for q, expected, measured in ((0.5, p50, milestone.p50), (0.8, p80, milestone.p80)):
        x = 120 - math.sqrt(800 * (1 - q ** (1 / k)))
        assert x == pytest.approx(expected, abs=0.005)  # the brief's rounded values
        density = k * (1 - (120 - x) ** 2 / 800) ** (k - 1) * (120 - x) / 400
        assert measured == pytest.approx(x, abs=4 * math.sqrt(q * (1 - q) / n) / density)
    assert milestone.deterministic == 100.0
    # the most-likely plan is met only with probability 0.5^k: merge bias
    assert milestone.deterministic_probability == pytest.approx(0.5**k, abs=4 * math.sqrt(0.25 / n))


# 3. PERT-beta ----------------------------------------------------------------------------------


def test_classic_pert_chain_uses_the_beta_variance() -> None:
    """(5, 8, 17), (3, 5, 7), (4, 6, 8), (3, 4, 5) in series. PERT-beta on [a, b] with
    alpha = 1 + 4 (m - a) / (b - a) has mean (a + 4m + b) / 6 and variance (mean - a)(b - mean) / 7
    (alpha beta / ((alpha + beta)^2 (alpha + beta + 1)) with alpha + beta = 6): means 9 + 5 + 6 + 4
    = 24, variances 32/7 + 4/7 + 4/7 + 1/7 = 41/7 = 5.857, not the textbook ((b - a) / 6)^2 sum of 5."""
    estimates = [(5, 8, 17), (3, 5, 7), (4, 6, 8), (3, 4, 5)]
    acts = [SimActivity(f"T{i}", *e, distribution="pert") for i, e in enumerate(estimates)]
    n = 100_000
    result = simulate(SimulationInput(acts, chain(acts), iterations=n, seed=3))
    variance = 41 / 7
    assert result.finish.mean == pytest.approx(24.0, abs=4 * math.sqrt(variance / n))
    assert result.finish.std**2 == pytest.approx(variance, abs=4 * 1.25 * variance * math.sqrt(2 / n))
    assert abs(result.finish.std**2 - 5.0) > 0.5


# 4. Risk event ---------------------------------------------------------------------------------


def test_single_risk_gives_a_two_point_finish() -> None:
    """Fixed chain of 10 + 20 days; a threat with p = 0.3 adds exactly 10 days to B. The finish is
    30 with probability 0.7 and 40 with probability 0.3, so P10 = P50 = 30 (0.7 >= 0.5) and
    P80 = P90 = 40 (0.7 < 0.8); the mean is 33. Its cost impact (fixed 1,000) lands with it."""
    acts = [fixed("A", 10, fixed_cost=100.0), fixed("B", 20, fixed_cost=200.0)]
    risk = RiskEvent("R", 0.3, ("B",), 10, 10, 10, 1000, 1000, 1000)
    n = 50_000
    result = simulate(
        SimulationInput(acts, chain(acts), [risk], iterations=n, seed=4, targets=(Target(35.0),))
    )
    finish = result.finish
    assert (finish.p10, finish.p50, finish.p80, finish.p90) == (30.0, 30.0, 40.0, 40.0)
    assert set(np.unique(finish.values).tolist()) == {30.0, 40.0}
    occurred = float(np.mean(finish.values == 40.0))
    assert occurred == pytest.approx(0.3, abs=4 * math.sqrt(0.21 / n))
    assert finish.mean == pytest.approx(30 + 10 * occurred)
    assert finish.deterministic == 30.0
    assert finish.deterministic_probability == pytest.approx(1 - occurred)
    assert finish.targets == ((35.0, pytest.approx(1 - occurred)),)
    np.testing.assert_array_equal(result.cost.values, np.where(finish.values == 40.0, 1300.0, 300.0))
    assert result.cost.deterministic == 300.0


def test_opportunity_reduces_duration_but_not_below_zero() -> None:
    """An opportunity of 5 days with p = 1 on a 3-day task leaves 0 days (never negative); its saving
    of 50 on work that costs nothing leaves a cost of 0, not -50."""
    acts = [fixed("A", 3), fixed("B", 4)]
    risk = RiskEvent("O", 1.0, ("A",), 5, 5, 5, 50, 50, 50, kind="opportunity")
    result = simulate(SimulationInput(acts, chain(acts), [risk], iterations=300, seed=1))
    assert set(result.finish.values.tolist()) == {4.0}
    assert set(result.cost.values.tolist()) == {0.0}


def test_an_opportunity_larger_than_the_planned_cost_never_makes_the_cost_negative() -> None:
    """Work costing 1,000 and an opportunity saving 1,500-3,000 half the time: the iterations where
    it occurs cost 0 (floored), the others the planned 1,000, so P10 = 0 and P90 = 1,000."""
    acts = [fixed("A", 3, fixed_cost=1000.0)]
    risk = RiskEvent("O", 0.5, (), cost_min=1500, cost_most_likely=2000, cost_max=3000, kind="opportunity")
    result = simulate(SimulationInput(acts, (), [risk], iterations=2_000, seed=2))
    assert float(result.cost.sorted[0]) == 0.0 and result.cost.p10 == 0.0 and result.cost.p90 == 1000.0
    assert result.cost.deterministic == 1000.0


def test_threats_add_to_the_planned_cost_of_the_work() -> None:
    """With threats only, every P-value is at least the planned cost of the tasks."""
    acts = [fixed("A", 3, fixed_cost=800.0), fixed("B", 2, fixed_cost=200.0)]
    risk = RiskEvent("R", 0.3, (), cost_min=100, cost_most_likely=200, cost_max=900)
    result = simulate(SimulationInput(acts, chain(acts), [risk], iterations=2_000, seed=3))
    assert result.cost.deterministic == 1000.0
    assert 1000.0 == result.cost.p10 <= result.cost.p50 <= result.cost.p80 <= result.cost.p90
    assert result.cost.p90 > 1000.0 and float(result.cost.sorted[0]) >= 1000.0


def test_a_run_without_a_seed_reports_a_short_one_that_repeats_it() -> None:
    acts = [SimActivity("A", 1, 2, 4)]
    result = simulate(SimulationInput(acts, iterations=300))
    assert 0 <= result.seed < SEED_RANGE
    again = simulate(SimulationInput(acts, iterations=300, seed=result.seed))
    assert np.array_equal(result.finish.values, again.finish.values)


# 5. Criticality index --------------------------------------------------------------------------


def test_criticality_index_of_two_parallel_paths() -> None:
    """A fixed at 10 days and B ~ Triangular(6, 8, 14) both feed milestone M. Primavera Risk
    Analysis: the criticality index is the share of iterations in which the activity is critical
    (total float <= 0). B is critical when B > 10: P = (14 - 10)^2 / ((14 - 6)(14 - 8)) = 1/3;
    A when B <= 10: 2/3; M always. SE = sqrt(p (1 - p) / N)."""
    acts = [fixed("A", 10), SimActivity("B", 6, 8, 14), fixed("M", 0)]
    links = [SimLink("A", "M"), SimLink("B", "M")]
    n = 30_000
    result = simulate(SimulationInput(acts, links, iterations=n, seed=5))
    tol = 4 * math.sqrt(2 / 9 / n)
    assert result.criticality["B"] == pytest.approx(1 / 3, abs=tol)
    assert result.criticality["A"] == pytest.approx(2 / 3, abs=tol)
    assert result.criticality["A"] + result.criticality["B"] == pytest.approx(1.0)
    assert result.criticality["M"] == 1.0


def test_all_link_types_against_a_hand_computed_schedule() -> None:
    """A 5d; A SS+2 B 3d; A FF+1 C 4d; A SF+4 D 2d; B FS-1 E 1d. By hand: B 2-5, C 2-6, D 2-4,
    E 4-5, finish 6. Backward: LF_A = min(LF_C - 1 = 5, LS_B - 2 + 5 = 6, LF_D - 4 + 5 = 7) = 5,
    so A and C are critical, B (float 1), D (2) and E (1) are not."""
    acts = [fixed("A", 5), fixed("B", 3), fixed("C", 4), fixed("D", 2), fixed("E", 1)]
    links = [
        SimLink("A", "B", "SS", 2),
        SimLink("A", "C", "FF", 1),
        SimLink("A", "D", "SF", 4),
        SimLink("B", "E", "FS", -1),
    ]
    result = simulate(
        SimulationInput(acts, links, iterations=10, seed=0, milestones=("A", "B", "C", "D", "E"))
    )
    finishes = {m: d.p50 for m, d in result.milestones.items()}
    assert finishes == {"A": 5.0, "B": 5.0, "C": 6.0, "D": 4.0, "E": 5.0}
    assert result.finish.p50 == 6.0
    assert result.criticality == {"A": 1.0, "B": 0.0, "C": 1.0, "D": 0.0, "E": 0.0}


def test_negative_lag_never_starts_before_the_project_start() -> None:
    """A SS-5 B: B's early start is max(0, 0 - 5) = 0, as in P6 (no work before the project start)."""
    acts = [fixed("A", 2), fixed("B", 3)]
    result = simulate(
        SimulationInput(acts, [SimLink("A", "B", "SS", -5)], iterations=5, seed=0, milestones=("B",))
    )
    assert result.milestones["B"].p50 == 3.0


def naive_cpm(durations: dict[str, float], links: list[SimLink]) -> tuple[dict[str, float], float, set[str]]:
    """Textbook scalar CPM (repeated relaxation, no ordering tricks): early finishes, finish, critical set."""
    es = dict.fromkeys(durations, 0.0)
    for _ in durations:
        for link in links:
            p, s, lag = link.pred, link.succ, link.lag
            ef_p, d_s = es[p] + durations[p], durations[s]
            bound = {"FS": ef_p + lag, "SS": es[p] + lag, "FF": ef_p + lag - d_s, "SF": es[p] + lag - d_s}
            es[s] = max(es[s], bound[link.type])
    ef = {a: es[a] + durations[a] for a in durations}
    finish = max(ef.values())
    lf = dict.fromkeys(durations, finish)
    for _ in durations:
        for link in links:
            p, s, lag = link.pred, link.succ, link.lag
            ls_s, d_p = lf[s] - durations[s], durations[p]
            bound = {"FS": ls_s - lag, "SS": ls_s - lag + d_p, "FF": lf[s] - lag, "SF": lf[s] - lag + d_p}
            lf[p] = min(lf[p], bound[link.type])
    return ef, finish, {a for a in durations if lf[a] - ef[a] <= 1e-9}


@st.composite
def networks(draw: st.DrawFn) -> tuple[dict[str, float], list[SimLink]]:
    n = draw(st.integers(1, 12))
    durations = {f"A{i}": float(draw(st.integers(0, 9))) for i in range(n)}
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = [
        SimLink(
            f"A{p}", f"A{s}", draw(st.sampled_from(["FS", "SS", "FF", "SF"])), float(draw(st.integers(-3, 4)))
        )
        for p, s in sorted(pairs)
        if p < s
    ]
    return durations, links


@settings(max_examples=150, deadline=None)
@given(networks())
def test_vectorised_passes_match_a_scalar_cpm(network: tuple[dict[str, float], list[SimLink]]) -> None:
    """Fixed durations make every iteration the deterministic CPM, which must equal the naive one."""
    durations, links = network
    acts = [fixed(a, d) for a, d in durations.items()]
    result = simulate(SimulationInput(acts, links, iterations=3, seed=0, milestones=tuple(durations)))
    ef, finish, critical = naive_cpm(durations, links)
    assert result.finish.p50 == finish
    assert {m: d.p50 for m, d in result.milestones.items()} == ef
    assert {a for a, c in result.criticality.items() if c == 1.0} == critical
    assert set(result.criticality.values()) <= {0.0, 1.0}


@settings(max_examples=40, deadline=None)
@given(networks(), st.integers(0, 2**32 - 1))
def test_vectorised_passes_match_a_scalar_cpm_per_iteration(
    network: tuple[dict[str, float], list[SimLink]], seed: int
) -> None:
    """Many iterations of random real-valued durations through the engine's passes (internal API),
    each iteration checked against the naive CPM: early finishes, finish and the critical set."""
    durations, links = network
    inp = SimulationInput([fixed(a, d) for a, d in durations.items()], links, iterations=1)
    net = inp._network
    ids = [inp.activities[i].id for i in net.order.tolist()]
    sampled = np.random.default_rng(seed).uniform(0.0, 10.0, (len(ids), 16))
    early_finish = net.forward(sampled)[net.n :]
    finish = early_finish.max(axis=0)
    total_float = net.backward(sampled, finish)[net.n :] - early_finish
    for it in range(sampled.shape[1]):
        ef, expected_finish, critical = naive_cpm(dict(zip(ids, sampled[:, it].tolist(), strict=True)), links)
        assert finish[it] == pytest.approx(expected_finish, abs=1e-9)
        assert early_finish[:, it].tolist() == pytest.approx([ef[i] for i in ids], abs=1e-9)
        assert {i for i, f in zip(ids, total_float[:, it].tolist(), strict=True) if f <= 1e-9} == critical


# 6. Reproducibility ----------------------------------------------------------------------------


def risky_network(seed: int | None, correlation: float = 0.3) -> SimulationInput:
    acts = [
        SimActivity("A", 2, 4, 9, cost_min=10, cost_most_likely=20, cost_max=40),
        SimActivity("B", 1, 3, 4, distribution="pert"),
        SimActivity("C", 3, 3, 8),
        fixed("M", 0),
    ]
    links = [SimLink("A", "B"), SimLink("A", "C", "SS", 1), SimLink("B", "M"), SimLink("C", "M", "FF")]
    risks = [RiskEvent("R1", 0.4, ("B", "C"), 1, 2, 5, 5, 8, 20), RiskEvent("R2", 0.2, ("A",), 0, 1, 2)]
    return SimulationInput(
        acts, links, risks, iterations=3_000, seed=seed, correlation=correlation, milestones=("B",)
    )


def snapshot(inp: SimulationInput, **kwargs: object) -> tuple:
    r = simulate(inp, **kwargs)
    return (r.finish.values, r.milestones["B"].values, r.cost.values, r.criticality, r.tornado)


def assert_same(a: tuple, b: tuple) -> None:
    for x, y in zip(a, b, strict=True):
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


def test_same_seed_same_results_different_seed_different() -> None:
    first = snapshot(risky_network(42))
    assert_same(first, snapshot(risky_network(42)))
    other = snapshot(risky_network(43))
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[2], other[2])


def test_results_do_not_depend_on_the_chunk_size() -> None:
    """Random numbers come in fixed blocks per (seed, block), so memory tuning cannot change the
    samples; the tornado's float32 sums are only regrouped, so it agrees to float32 rounding."""
    inp = risky_network(7)
    *reference, bars = snapshot(inp)
    for chunk_size in (1, 256, 700, 3_000):
        *other, other_bars = snapshot(inp, chunk_size=chunk_size)
        assert_same(reference, other)
        assert [(b.kind, b.id) for b in bars] == [(b.kind, b.id) for b in other_bars]
        np.testing.assert_allclose([b.rho for b in bars], [b.rho for b in other_bars], rtol=1e-6)


def test_seed_none_reports_the_seed_that_reproduces_the_run() -> None:
    result = simulate(risky_network(None))
    again = simulate(risky_network(result.seed))
    np.testing.assert_array_equal(result.finish.values, again.finish.values)


# 7. Correlation --------------------------------------------------------------------------------


SAME_SHAPE = [(0, 2, 6), (10, 11, 13), (5, 9, 17)]  # all with mode at 1/3 of the range


@pytest.mark.parametrize("distribution", ["triangular", "pert"])
def test_correlation_one_adds_standard_deviations_zero_adds_variances(distribution: str) -> None:
    """Correlation 1 makes the durations comonotonic; with equal shapes each is an affine function
    of the same quantile, so Var(sum) = (sum of sd)^2 exactly. Correlation 0: sum of variances.
    SE of a sample variance ~ var sqrt(2 / N) (x1.25 for non-normal kurtosis)."""
    acts = [SimActivity(f"T{i}", *e, distribution=distribution) for i, e in enumerate(SAME_SHAPE)]
    if distribution == "triangular":
        variances = [triangular_variance(*e) for e in SAME_SHAPE]
    else:
        variances = [((a + 4 * m + b) / 6 - a) * (b - (a + 4 * m + b) / 6) / 7 for a, m, b in SAME_SHAPE]
    n = 50_000
    for correlation, expected in ((1.0, sum(map(math.sqrt, variances)) ** 2), (0.0, sum(variances))):
        result = simulate(SimulationInput(acts, chain(acts), iterations=n, seed=9, correlation=correlation))
        tol = 5 * 1.25 * expected * math.sqrt(2 / n)
        assert result.finish.std**2 == pytest.approx(expected, abs=tol), correlation


def test_partial_correlation_lies_between() -> None:
    acts = [SimActivity(f"T{i}", *e) for i, e in enumerate(SAME_SHAPE)]
    variance = [
        simulate(SimulationInput(acts, chain(acts), iterations=20_000, seed=2, correlation=c)).finish.std ** 2
        for c in (0.0, 0.5, 1.0)
    ]
    assert variance[0] < variance[1] < variance[2]


# Tornado ----------------------------------------------------------------------------------------


def test_tornado_ranks_drivers_and_signs_opportunities() -> None:
    """When the finish is a strictly increasing function of one input, Spearman's rho is 1; an
    opportunity that shortens the only varying path gets rho = -1. Fixed inputs have no bar."""
    acts = [SimActivity("A", 1, 5, 30), fixed("B", 2), fixed("C", 1)]
    bars = simulate(SimulationInput(acts, chain(acts), iterations=5_000, seed=1)).tornado
    assert [(b.kind, b.id) for b in bars] == [("activity", "A")]
    assert bars[0].rho == pytest.approx(1.0, abs=2e-3)

    risk = RiskEvent("O", 0.4, ("B",), 1, 1, 1, kind="opportunity")
    bars = simulate(SimulationInput(acts[1:], chain(acts[1:]), [risk], iterations=5_000, seed=1)).tornado
    assert [(b.kind, b.id) for b in bars] == [("risk", "O")]
    # float32 ranks: exactly -1 on one machine, -0.999999 on another (issue 7, item 1)
    assert bars[0].rho == pytest.approx(-1.0, abs=1e-4)


def test_tornado_matches_exact_spearman_and_orders_by_magnitude() -> None:
    """Grades vs mid-ranks agree with the textbook Spearman (ranks of both samples) to O(1/sqrt N):
    for a series of a wide and a narrow task, reconstruct the durations from the milestones."""
    acts = [SimActivity("W", 0, 10, 40), SimActivity("N", 5, 6, 9)]
    n = 20_000
    result = simulate(SimulationInput(acts, chain(acts), iterations=n, seed=8, milestones=("W",)))
    wide = result.milestones["W"].values
    narrow = result.finish.values - wide

    def rank(x: np.ndarray) -> np.ndarray:
        return np.argsort(np.argsort(x)).astype(float)

    exact = {
        i: np.corrcoef(rank(x), rank(result.finish.values))[0, 1] for i, x in (("W", wide), ("N", narrow))
    }
    assert [b.id for b in result.tornado] == ["W", "N"]
    for bar in result.tornado:
        assert bar.rho == pytest.approx(exact[bar.id], abs=5 / math.sqrt(n))


# Costs, targets and progress ------------------------------------------------------------------


def test_cost_distribution_sums_activity_and_risk_costs() -> None:
    """E[cost] = fixed + triangular means + p * mean cost impact = 100 + 30 + 20 + 0.25 * 60 = 165;
    Var adds the triangular variances and Var(occurrence x impact) = p E[C^2] - (p E[C])^2. A risk
    with no schedule impact needs no activities and has no tornado bar."""
    acts = [
        SimActivity("A", 1, 2, 3, cost_min=10, cost_most_likely=20, cost_max=60, fixed_cost=100),
        SimActivity("B", 1, 1, 1, cost_min=0, cost_most_likely=30, cost_max=30),
    ]
    risk = RiskEvent("R", 0.25, (), cost_min=40, cost_most_likely=40, cost_max=100)
    n = 40_000
    result = simulate(SimulationInput(acts, chain(acts), [risk], iterations=n, seed=6))
    expected = 100 + 90 / 3 + 60 / 3 + 0.25 * 180 / 3
    variance = (
        triangular_variance(10, 20, 60)
        + triangular_variance(0, 30, 30)
        + (0.25 * (triangular_variance(40, 40, 100) + 60**2) - (0.25 * 60) ** 2)
    )
    assert result.cost.mean == pytest.approx(expected, abs=4 * math.sqrt(variance / n))
    assert expected == 165.0
    assert result.cost.deterministic == 150.0  # fixed + most likely costs, no risks
    assert [bar.id for bar in result.tornado] == ["A"]
    assert result.cost.p10 <= result.cost.p50 <= result.cost.p80 <= result.cost.p90


def test_distribution_summary_helpers() -> None:
    acts = [SimActivity("A", 0, 5, 10), fixed("M", 0)]
    inp = SimulationInput(
        acts,
        chain(acts),
        iterations=4_000,
        seed=1,
        milestones=("M",),
        targets=(Target(5.0, "M"), Target(8.0)),
    )
    result = simulate(inp)
    milestone = result.milestones["M"]
    assert milestone.targets == ((5.0, milestone.probability_by(5.0)),)
    assert result.finish.targets == ((8.0, result.finish.probability_by(8.0)),)
    assert milestone.probability_by(5.0) == pytest.approx(0.5, abs=0.04)
    edges, counts, cdf = milestone.histogram(bins=20)
    assert counts.sum() == 4_000 and cdf[-1] == pytest.approx(1.0) and edges.size == 21
    assert (
        milestone.percentile(100) == milestone.sorted[-1] and milestone.percentile(0) == milestone.sorted[0]
    )
    assert not milestone.values.flags.writeable


def test_progress_is_reported_per_chunk() -> None:
    calls: list[tuple[int, int]] = []
    acts = [SimActivity("A", 1, 2, 3)]
    simulate(
        SimulationInput(acts, iterations=1_000, seed=0),
        progress=lambda d, t: calls.append((d, t)),
        chunk_size=256,
    )
    assert calls == [(256, 1_000), (512, 1_000), (768, 1_000), (1_000, 1_000)]


# 8. Bad input ----------------------------------------------------------------------------------

A = SimActivity("A", 1, 2, 3)


@pytest.mark.parametrize(
    ("build", "field", "words"),
    [
        (lambda: SimActivity("X", 5, 4, 6), "min", ["'X'", "greater than most_likely"]),
        (lambda: SimActivity("X", 1, 7, 6), "most_likely", ["'X'", "greater than max"]),
        (lambda: SimActivity("X", -1, 2, 3), "min", ["'X'", ">= 0"]),
        (lambda: SimActivity("X", 1, float("nan"), 3), "most_likely", ["finite"]),
        (lambda: SimActivity("X", 1, 2, 3, distribution="normal"), "distribution", ["'normal'"]),
        (lambda: SimActivity("X", 1, 2, 3, cost_min=5), "cost_min", ["together"]),
        (lambda: SimActivity("X", 1, 2, 3, cost_min=5, cost_most_likely=4, cost_max=9), "cost_min", ["'X'"]),
        (lambda: SimActivity("", 1, 2, 3), "id", ["non-empty"]),
        (lambda: SimLink("A", "B", "XF"), "type", ["'XF'"]),
        (lambda: SimLink("A", "A"), "succ", ["itself"]),
        (lambda: RiskEvent("R", 1.5, ("A",), 1, 2, 3), "probability", ["'R'", "fraction", "percentage"]),
        (lambda: RiskEvent("R", 30, ("A",), 1, 2, 3), "probability", ["'R'"]),
        (lambda: RiskEvent("R", 0.3, (), 1, 2, 3), "activity_ids", ["'R'"]),
        (lambda: RiskEvent("R", 0.3, "A", 1, 2, 3), "activity_ids", ["list or tuple"]),
        (lambda: RiskEvent("R", 0.3, ("A",), 3, 2, 1), "schedule_min", ["'R'"]),
        (lambda: RiskEvent("R", 0.3, ("A",), 1, 2, 3, kind="boon"), "kind", ["'boon'"]),
        (lambda: SimulationInput([]), "activities", ["at least one"]),
        (lambda: SimulationInput([A, A]), "activities", ["'A'", "twice"]),
        (lambda: SimulationInput([A], [SimLink("A", "Z")]), "succ", ["'Z'"]),
        (
            lambda: SimulationInput([A], risks=[RiskEvent("R", 0.1, ("Q",), 1, 1, 1)]),
            "activity_ids",
            ["'Q'", "'R'"],
        ),
        (lambda: SimulationInput([A], iterations=0), "iterations", ["between 1 and 1,000,000"]),
        (lambda: SimulationInput([A], iterations=MAX_ITERATIONS + 1), "iterations", ["1,000,001"]),
        (lambda: SimulationInput([A], iterations=2.5), "iterations", ["integer"]),
        (lambda: SimulationInput([A], seed=-1), "seed", ["non-negative"]),
        (lambda: SimulationInput([A], correlation=1.2), "correlation", ["[0, 1]"]),
        (lambda: SimulationInput([A], milestones=("Z",)), "milestones", ["'Z'"]),
        (lambda: SimulationInput([A], targets=(Target(3, "A"),)), "targets[0].milestone", ["'A'"]),
        (lambda: Target(float("inf")), "offset", ["finite"]),
        (lambda: SimulationInput({A}), "activities", ["list or tuple"]),
        (lambda: SimulationInput([A], links=[("A", "B")]), "links[0]", ["SimLink"]),
    ],
)
def test_bad_input_names_the_field(build, field: str, words: list[str]) -> None:
    with pytest.raises(SimulationInputError) as caught:
        build()
    assert caught.value.field == field
    for word in words:
        assert word in str(caught.value)


def test_cycle_is_an_input_error_naming_the_cycle() -> None:
    acts = [A, SimActivity("B", 1, 1, 1), SimActivity("C", 1, 1, 1)]
    links = [SimLink("A", "B"), SimLink("B", "C"), SimLink("C", "A", "SS")]
    with pytest.raises(SimulationInputError) as caught:
        SimulationInput(acts, links)
    assert caught.value.field == "links"
    assert "->" in str(caught.value) and all(x in str(caught.value) for x in "ABC")


def test_input_is_frozen_and_normalised() -> None:
    risk = RiskEvent("R", 0.5, ["A"], 1, 1, 1)
    inp = SimulationInput([A], risks=[risk], milestones=["A"])
    assert inp.activities == (A,) and inp.milestones == ("A",) and risk.activity_ids == ("A",)
    with pytest.raises(AttributeError):
        inp.iterations = 5  # type: ignore[misc]
