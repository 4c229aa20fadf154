"""Portfolio selection: which candidate projects to fund under yearly budgets, exactly (CP-SAT).

A :class:`Candidate` has a value (a score from :func:`scores`, or an NPV), a cost per budget year, and
may be mandatory, require other candidates (A requires B: A only with B) and exclude others (not both).
:func:`select` maximises the total value of the chosen set under every year's budget and reports the
status, the proven bound and the gap (a proposal for the Steering Committee, never a decision);
:func:`frontier` repeats it over a sweep of budget levels for the value-against-budget chart;
:func:`greedy` is the rule of thumb it is measured against, and its starting point.

Decisions:

- **Units.** Costs and budgets are money in whole cents (``Decimal``, int or decimal string). Values are
  counted in hundredths (cents of an NPV, hundredths of a score point), rounded half even: CP-SAT
  optimises integers, so the optimum is exact in those units.
- **Infeasible input raises** :class:`SelectionError` naming the candidate: an unknown or duplicate id, a
  candidate that requires or excludes itself, a negative cost, costs for more years than there are
  budgets, and mandatory candidates that cannot all be funded. Every candidate a mandatory one requires
  (transitively) is forced too; when those forced candidates fit every year's budget and exclude none of
  each other, the forced set is itself a valid selection, so nothing else can make the problem
  infeasible and the check names the culprits exactly.
- **Dependency cycles** (A requires B, B requires A) are allowed: they mean all or nothing, which is what
  the constraints ``x_A <= x_B <= x_A`` say. A candidate that requires one it excludes is never chosen
  (and is infeasible input if it is mandatory).

Example (the benefits app's shape: scored candidates over a five-year plan)::

    points = scores([Criteria("P1", fit=0.8, npv=Decimal("1.2e6"), risk_exposure=Decimal(90_000), urgency=4),
                     ...], Weights(fit=40, npv=30, risk=20, urgency=10))
    candidates = [Candidate("P1", value=points["P1"], costs=[Decimal(400_000), Decimal(250_000)],
                            requires=("P7",)), ...]
    result = select(candidates, budgets=[Decimal(2_000_000)] * 5, time_limit=10, workers=1)
    result.status, result.chosen, result.objective, result.bound, result.gap
    chart = frontier(candidates, [Decimal(2_000_000)] * 5, factors=[0.5, 0.75, 1, 1.25, 1.5])
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

import numpy as np

#: candidates of one selection, budget years, seconds and workers of one solve
MAX_CANDIDATES = 5_000
MAX_YEARS = 50
MAX_SECONDS = 600.0
MAX_WORKERS = 16
#: a value (in hundredths) or a cost or budget (in cents): a trillion in money, so that MAX_CANDIDATES
#: of them sum well inside the 64-bit integers CP-SAT works in
MAX_AMOUNT = 10**14
#: CP-SAT's full-problem strategies when it has several workers, the full LP relaxation (``max_lp``) first:
#: the budget rows' LP bound is what proves a selection optimal
_SUBSOLVERS = ("max_lp", "default_lp", "core", "quick_restart", "pseudo_costs", "no_lp")
#: the frontier's default budget levels, as factors of the yearly budgets
FACTORS = tuple(round(0.1 * k, 1) for k in range(1, 21))

Number = Decimal | int | float | str


class SelectionError(ValueError):
    """Input that has no valid selection or makes no sense; ``item`` is the candidate it names."""

    def __init__(self, message: str, item: str | None = None):
        super().__init__(message)
        self.item = item


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven: no selection has more value (bound == objective)
    FEASIBLE = "feasible"  # a valid selection, not proven best: see bound and gap
    INFEASIBLE = "infeasible"  # no valid selection (frontier points whose budgets the forced set exceeds)


@dataclass(frozen=True)
class Candidate:
    """A project or program that may be funded. ``costs[y]`` is its cost in budget year ``y``."""

    id: str
    value: Number
    costs: Sequence[Number] = ()
    mandatory: bool = False
    requires: Sequence[str] = ()
    excludes: Sequence[str] = ()


@dataclass(frozen=True)
class Selection:
    """The chosen candidates (in input order) and how good the choice is proven to be.

    ``bound`` is the solver's proven upper bound on the value of any valid selection (``None`` for the
    greedy rule, which proves nothing); ``gap`` is ``(bound - objective) / |objective|`` (0 when optimal,
    infinite when the objective is 0 and the bound is not). ``costs`` are the chosen set's cost per year."""

    status: Status
    chosen: tuple[str, ...]
    objective: Decimal
    bound: Decimal | None
    gap: float | None
    costs: tuple[Decimal, ...]
    seconds: float


@dataclass(frozen=True)
class FrontierPoint:
    """The best value at one budget level (``factor`` times each year's budget)."""

    factor: float
    budgets: tuple[Decimal, ...]
    status: Status
    objective: Decimal | None
    bound: Decimal | None
    chosen: tuple[str, ...]


# --- input -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Problem:
    ids: tuple[str, ...]
    value: np.ndarray  # int64 hundredths
    cost: np.ndarray  # int64 cents, candidates x years
    requires: tuple[tuple[int, int], ...]
    excludes: tuple[tuple[int, int], ...]
    mandatory: tuple[int, ...]
    forced: tuple[int, ...]  # the mandatory candidates and everything they require, transitively


def _integer(amount: Number, unit: str, what: str, item: str | None, *, exact: bool) -> int:
    try:
        scaled = Decimal(str(amount) if isinstance(amount, float) else amount) * 100
    except (ArithmeticError, TypeError, ValueError):
        raise SelectionError(f"{what} is not a number: {amount!r}", item) from None
    if not scaled.is_finite():
        raise SelectionError(f"{what} is not a number: {amount!r}", item)
    if exact and scaled != scaled.to_integral_value():
        raise SelectionError(f"{what} is not a whole number of {unit}: {amount}", item)
    whole = int(scaled.to_integral_value(ROUND_HALF_EVEN))
    if abs(whole) > MAX_AMOUNT:
        raise SelectionError(f"{what} is beyond the limit of {Decimal(MAX_AMOUNT).scaleb(-2)}", item)
    return whole


def _budgets(budgets: Sequence[Number]) -> np.ndarray:
    if not 1 <= len(budgets) <= MAX_YEARS:
        raise SelectionError(f"budgets: {len(budgets)} years, expected 1..{MAX_YEARS}")
    out = np.array([_integer(b, "cents", f"budgets: year {y}", None, exact=True) for y, b in enumerate(budgets)],
                   np.int64)
    if (out < 0).any():
        raise SelectionError(f"budgets: year {int(np.flatnonzero(out < 0)[0])} is negative")
    return out


def _problem(candidates: Sequence[Candidate], years: int) -> _Problem:
    if len(candidates) > MAX_CANDIDATES:
        raise SelectionError(f"{len(candidates)} candidates, more than the limit of {MAX_CANDIDATES}")
    index: dict[str, int] = {}
    for k, c in enumerate(candidates):
        if c.id in index:
            raise SelectionError(f"candidate {c.id!r} appears twice", c.id)
        index[c.id] = k
    value = np.array([_integer(c.value, "hundredths", f"candidate {c.id!r}: value", c.id, exact=False)
                      for c in candidates], np.int64)
    cost = np.zeros((len(candidates), years), np.int64)
    requires, excludes = [], set()
    for k, c in enumerate(candidates):
        if len(c.costs) > years:
            raise SelectionError(f"candidate {c.id!r} has costs for {len(c.costs)} years, the budgets cover {years}",
                                 c.id)
        for y, amount in enumerate(c.costs):
            cost[k, y] = _integer(amount, "cents", f"candidate {c.id!r}: cost in year {y}", c.id, exact=True)
            if cost[k, y] < 0:
                raise SelectionError(f"candidate {c.id!r}: cost in year {y} is negative", c.id)
        for kind, others in (("requires", c.requires), ("excludes", c.excludes)):
            if isinstance(others, str):
                raise SelectionError(f"candidate {c.id!r}: {kind} must be a list of ids, not one string", c.id)
            for other in others:
                if other == c.id:
                    verb = "depends on" if kind == "requires" else "excludes"
                    raise SelectionError(f"candidate {c.id!r} {verb} itself", c.id)
                if other not in index:
                    raise SelectionError(f"candidate {c.id!r} {kind} {other!r}, which is not a candidate", c.id)
                if kind == "requires":
                    requires.append((k, index[other]))
                else:
                    excludes.add((min(k, index[other]), max(k, index[other])))
    mandatory = tuple(k for k, c in enumerate(candidates) if c.mandatory)
    return _Problem(tuple(index), value, cost, tuple(requires), tuple(sorted(excludes)), mandatory,
                    _closure(mandatory, requires, len(candidates)))


def _closure(start: Sequence[int], requires: Sequence[tuple[int, int]], n: int) -> tuple[int, ...]:
    """``start`` and every candidate they require, transitively, in index order."""
    needs: list[list[int]] = [[] for _ in range(n)]
    for a, b in requires:
        needs[a].append(b)
    seen, stack = set(start), list(start)
    while stack:
        for b in needs[stack.pop()]:
            if b not in seen:
                seen.add(b)
                stack.append(b)
    return tuple(sorted(seen))


def _exclusion_conflict(problem: _Problem) -> SelectionError | None:
    """Two forced candidates that exclude each other, or ``None``."""
    forced = set(problem.forced)
    for a, b in problem.excludes:
        if a in forced and b in forced:
            return SelectionError(f"candidates {problem.ids[a]!r} and {problem.ids[b]!r} exclude each other, but "
                                  "both are mandatory or required by a mandatory candidate", problem.ids[a])
    return None


def _budget_conflict(problem: _Problem, budgets: np.ndarray) -> SelectionError | None:
    """A year whose budget the forced candidates exceed, or ``None``."""
    spend = problem.cost[list(problem.forced)].sum(axis=0)
    for y in np.flatnonzero(spend > budgets).tolist():
        ids = problem.ids
        names = ", ".join(repr(ids[k]) for k in problem.mandatory)
        pulled = [ids[k] for k in problem.forced if k not in problem.mandatory]
        also = f" (with {', '.join(map(repr, pulled))}, which they require)" if pulled else ""
        return SelectionError(
            f"mandatory candidates {names}{also} cost {_money(spend[y])} in year {y}, over its budget of "
            f"{_money(budgets[y])}", ids[problem.mandatory[0]])
    return None


def _valid(candidates: Sequence[Candidate], budgets: Sequence[Number]) -> tuple[_Problem, np.ndarray]:
    """The checked problem and its budgets in cents; raises when the forced candidates are no valid selection
    (then nothing else is: see the module docstring)."""
    limits = _budgets(budgets)
    problem = _problem(candidates, len(limits))
    if (conflict := _exclusion_conflict(problem) or _budget_conflict(problem, limits)) is not None:
        raise conflict
    return problem, limits


def _money(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _check_solver(time_limit: float, workers: int) -> None:
    if not 0 < time_limit <= MAX_SECONDS:
        raise SelectionError(f"time_limit: {time_limit} is outside (0, {MAX_SECONDS}] seconds")
    if not 1 <= workers <= MAX_WORKERS:
        raise SelectionError(f"workers: {workers} is outside 1..{MAX_WORKERS}")


# --- solving ---------------------------------------------------------------------------------------------


def _greedy(problem: _Problem, budgets: np.ndarray) -> np.ndarray:
    """The forced set, then candidates by value per share of the budgets (``value / sum(cost_y /
    budget_y)``), each with what it requires, as long as they fit and exclude nothing chosen."""
    n = len(problem.ids)
    chosen = np.zeros(n, bool)
    chosen[list(problem.forced)] = True
    spend = problem.cost[chosen].sum(axis=0)
    share = (problem.cost / np.maximum(budgets, 1)).sum(axis=1)
    ratio = np.where(share > 0, problem.value / np.maximum(share, 1e-300), np.inf)
    rivals: list[set[int]] = [set() for _ in range(n)]
    for a, b in problem.excludes:
        rivals[a].add(b)
        rivals[b].add(a)
    taken = set(problem.forced)
    for k in sorted(np.flatnonzero(problem.value > 0).tolist(), key=lambda k: -ratio[k]):
        if k in taken:
            continue
        package = [j for j in _closure([k], problem.requires, n) if j not in taken]
        if any(rivals[j] & (taken | set(package)) for j in package):
            continue
        extra = problem.cost[package].sum(axis=0)
        if problem.value[package].sum() > 0 and (spend + extra <= budgets).all():
            chosen[package] = True
            taken.update(package)
            spend += extra
    return chosen


def _selection(problem: _Problem, chosen: np.ndarray, status: Status, bound: int | None,
               seconds: float) -> Selection:
    objective = int(problem.value[chosen].sum())
    if bound is None:
        gap = None
    elif bound == objective:
        gap = 0.0
    else:
        gap = (bound - objective) / abs(objective) if objective else math.inf
    return Selection(
        status=status,
        chosen=tuple(problem.ids[k] for k in np.flatnonzero(chosen)),
        objective=_money(objective),
        bound=None if bound is None else _money(bound),
        gap=gap,
        costs=tuple(_money(c) for c in problem.cost[chosen].sum(axis=0)),
        seconds=seconds,
    )


def _solve(problem: _Problem, budgets: np.ndarray, hint: np.ndarray, time_limit: float, workers: int,
           seed: int) -> Selection:
    """CP-SAT on a problem whose forced set fits ``budgets`` (so it has a solution: ``hint`` is one)."""
    from ortools.sat.python import cp_model  # noqa: PLC0415 - the solver loads only when a selection runs

    t0 = time.perf_counter()
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(problem.ids))]
    for k in problem.forced:
        model.add(x[k] == 1)
    for a, b in problem.requires:
        model.add_implication(x[a], x[b])
    for a, b in problem.excludes:
        model.add_bool_or([x[a].Not(), x[b].Not()])
    for y in range(len(budgets)):
        column = problem.cost[:, y]
        if column.sum() > budgets[y]:  # a year no selection can overspend needs no constraint
            model.add(cp_model.LinearExpr.weighted_sum(x, column.tolist()) <= int(budgets[y]))
    model.maximize(cp_model.LinearExpr.weighted_sum(x, problem.value.tolist()))
    for var, on in zip(x, hint.tolist(), strict=True):
        model.add_hint(var, on)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - t0), 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2  # one worker: the full LP relaxation (see _SUBSOLVERS)
    if workers > 1:
        solver.parameters.subsolvers.extend(_SUBSOLVERS)
    code = solver.solve(model)
    seconds = time.perf_counter() - t0
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in x], bool)
        status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
    elif code == cp_model.UNKNOWN:  # no solution in time: the hint is valid, and so is a bound without budgets
        chosen, status = hint, Status.FEASIBLE
    else:
        raise RuntimeError(f"CP-SAT answered {solver.status_name(code)} on a model with a valid hint")
    objective = int(problem.value[chosen].sum())
    if status is Status.OPTIMAL:
        bound = objective
    elif math.isfinite(solver.best_objective_bound):
        bound = max(objective, math.floor(solver.best_objective_bound + 1e-6))
    else:
        free = np.ones(len(x), bool)
        free[list(problem.forced)] = False
        bound = int(problem.value[~free].sum() + problem.value[free & (problem.value > 0)].sum())
    return _selection(problem, chosen, status, bound, seconds)


# --- public API ------------------------------------------------------------------------------------------


def select(candidates: Sequence[Candidate], budgets: Sequence[Number], *, time_limit: float = 10.0,
           workers: int = 1, seed: int = 0) -> Selection:
    """The selection of most value within every year's budget, proven optimal or with its bound and gap.

    Stops after ``time_limit`` seconds (model building included) with the best selection found
    (``FEASIBLE``). ``workers`` are CP-SAT's parallel workers: one, running the full LP relaxation, proves
    300 candidates over 5 years in about a second on a busy 2-core machine (``benchmarks/bench_selection.py``),
    faster than two there; more add other strategies beside it, for harder portfolios and free cores.
    Raises :class:`SelectionError` for infeasible or invalid input (module docstring).
    """
    _check_solver(time_limit, workers)
    problem, limits = _valid(candidates, budgets)
    return _solve(problem, limits, _greedy(problem, limits), time_limit, workers, seed)


def greedy(candidates: Sequence[Candidate], budgets: Sequence[Number]) -> Selection:
    """The rule of thumb: after the forced candidates, take candidates by value per share of the budgets,
    each with what it requires, while they fit. Valid, never proven (``FEASIBLE``, no bound)."""
    t0 = time.perf_counter()
    problem, limits = _valid(candidates, budgets)
    return _selection(problem, _greedy(problem, limits), Status.FEASIBLE, None, time.perf_counter() - t0)


def frontier(candidates: Sequence[Candidate], budgets: Sequence[Number], factors: Sequence[float] = FACTORS, *,
             time_limit: float = 2.0, workers: int = 1, seed: int = 0) -> tuple[FrontierPoint, ...]:
    """The efficient frontier: the best value at each budget level, every year's budget scaled by the
    same factor (rounded down to the cent), lowest factor first.

    ``time_limit`` is per point. A level at which the mandatory candidates do not fit is an ``INFEASIBLE``
    point with no value (other invalid input raises, as in :func:`select`); each point starts from the
    previous point's selection, which still fits.
    """
    _check_solver(time_limit, workers)
    if not factors or len(factors) > 100 or any(not 0 <= f <= 100 for f in factors):
        raise SelectionError("factors: expected 1..100 budget factors, each within 0..100")
    limits = _budgets(budgets)
    problem = _problem(candidates, len(limits))
    if (conflict := _exclusion_conflict(problem)) is not None:
        raise conflict
    points, previous = [], None
    for factor in sorted(set(factors)):
        scaled = np.array([int(b * Decimal(str(factor))) for b in limits.tolist()], np.int64)
        money = tuple(_money(b) for b in scaled)
        if _budget_conflict(problem, scaled) is not None:
            points.append(FrontierPoint(factor, money, Status.INFEASIBLE, None, None, ()))
            continue
        hint = _greedy(problem, scaled)
        if previous is not None and problem.value[previous].sum() > problem.value[hint].sum():
            hint = previous
        result = _solve(problem, scaled, hint, time_limit, workers, seed)
        previous = np.isin(problem.ids, result.chosen)
        points.append(FrontierPoint(factor, money, result.status, result.objective, result.bound, result.chosen))
    return tuple(points)


# --- scoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    """One candidate's measures for :func:`scores`.

    ``fit`` is its strategic fit in 0..1 (:func:`strategic_fit`), ``npv`` its net present value,
    ``risk_exposure`` the money its risks put at stake (probability x impact summed, as the RAID log
    reports it), ``urgency`` 1 (can wait) .. 5 (now)."""

    id: str
    fit: float
    npv: Number
    risk_exposure: Number
    urgency: int


@dataclass(frozen=True)
class Weights:
    """The weight of each criterion (any non-negative numbers; only their proportions matter)."""

    fit: float = 40
    npv: float = 30
    risk: float = 20
    urgency: float = 10


def strategic_fit(contributions: Mapping[str, float], objective_weights: Mapping[str, float]) -> float:
    """How well a candidate serves the portfolio's objectives, 0..1: ``sum(w_o * c_o) / sum(w_o)`` over
    every objective ``o`` of the portfolio, ``c_o`` in 0..1 the candidate's contribution to ``o`` (0 for
    objectives it does not serve; the benefits map gives it, e.g. high 1, medium 2/3, low 1/3)."""
    if any(w < 0 for w in objective_weights.values()) or sum(objective_weights.values()) <= 0:
        raise SelectionError("objective weights: expected non-negative weights with a positive sum")
    for objective, c in contributions.items():
        if objective not in objective_weights:
            raise SelectionError(f"contribution to {objective!r}, which is not an objective of the portfolio")
        if not 0 <= c <= 1:
            raise SelectionError(f"contribution to {objective!r}: {c} is outside 0..1")
    total = sum(objective_weights.values())
    return sum(w * contributions.get(o, 0.0) for o, w in objective_weights.items()) / total


def scores(criteria: Sequence[Criteria], weights: Weights = Weights()) -> dict[str, Decimal]:
    """A 0..100 score per candidate (two decimals): ``100 * sum(w_k * n_k) / sum(w_k)`` over the
    criteria, each normalised to 0..1 with 1 the best:

    - fit as given (already 0..1 against the portfolio's objectives);
    - NPV min-max over the candidates scored together: ``(npv - min) / (max - min)``;
    - risk exposure min-max, reversed (the least exposed gets 1);
    - urgency ``(u - 1) / 4``.

    Min-max makes NPV and risk relative to the set: adding a candidate can change the others' scores
    (never their order on that criterion). A criterion on which all candidates are equal gives each 1.
    """
    w = (weights.fit, weights.npv, weights.risk, weights.urgency)
    if any(x < 0 for x in w) or sum(w) <= 0:
        raise SelectionError("weights: expected non-negative weights with a positive sum")
    for c in criteria:
        if not 0 <= c.fit <= 1:
            raise SelectionError(f"candidate {c.id!r}: fit {c.fit} is outside 0..1", c.id)
        if c.urgency not in range(1, 6):
            raise SelectionError(f"candidate {c.id!r}: urgency {c.urgency} is outside 1..5", c.id)
    npv = [float(Decimal(str(c.npv))) for c in criteria]
    risk = [float(Decimal(str(c.risk_exposure))) for c in criteria]

    def unit(values: list[float], x: float, *, best: float) -> float:
        low, high = min(values), max(values)
        return 1.0 if high == low else 1.0 - abs(best - x) / (high - low)

    out = {}
    for c, v, r in zip(criteria, npv, risk, strict=True):
        parts = (c.fit, unit(npv, v, best=max(npv)), unit(risk, r, best=min(risk)), (c.urgency - 1) / 4)
        score = 100 * sum(wk * nk for wk, nk in zip(w, parts, strict=True)) / sum(w)
        out[c.id] = Decimal(repr(score)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    return out
