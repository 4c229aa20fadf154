"""Risk-driven Monte Carlo schedule and cost simulation over an activity network.

Everything is in working days from the project start (floats); the caller maps offsets to dates
with its calendar. One iteration samples every activity's duration from its three-point estimate,
lets each risk event occur with its probability (adding its sampled impact to the durations of the
activities it affects), and runs a CPM forward and backward pass. Iterations are processed in
chunks, and each pass is a loop over the network's *levels* whose body is a numpy operation over
all links into (or out of) that level for every iteration of the chunk: the Python overhead is
O(levels x chunks), the memory O(activities x chunk).

Example::

    acts = [SimActivity("A", 2, 3, 6), SimActivity("B", 1, 2, 3, distribution="pert")]
    inp = SimulationInput(acts, links=[SimLink("A", "B")], risks=[RiskEvent("R1", 0.3, ("B",), 1, 2, 4)],
                          iterations=10_000, seed=7, milestones=("A",), targets=(Target(8.0),))
    result = simulate(inp)
    result.finish.p80, result.finish.targets, result.criticality["A"], result.tornado[:5]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from pmo.engine.distributions import DISTRIBUTIONS, PERT, normal_cdf, ppf
from pmo.engine.network import CycleError, topological_levels

MAX_ITERATIONS = 1_000_000
LINK_TYPES = ("FS", "SS", "FF", "SF")
THREAT = "threat"
OPPORTUNITY = "opportunity"

# Random numbers are drawn in fixed blocks of iterations, each from its own stream derived from
# (seed, block), so results do not depend on the chunk size chosen to bound memory.
BLOCK = 256
# Default chunk: about _CELL_BUDGET (activity, iteration) cells per matrix (8 MiB of float64), which
# keeps the working set near the CPU caches (1,000 tasks: 1.2x faster than 4x larger chunks); but at
# least 1,024 iterations while that stays under _CELL_CAP cells (128 MiB), because a deep network
# pays its per-level Python overhead once per chunk (10,000 tasks: 1.6x faster than 256).
_CELL_BUDGET = 1 << 20
_CELL_CAP = 1 << 24
# A seed drawn for a run without one is below this: short enough to read out and type back in.
SEED_RANGE = 1_000_000
# Stream numbers inside a block.
_DURATIONS, _COSTS, _RISKS = 0, 1, 2

Progress = Callable[[int, int], object]


class SimulationInputError(ValueError):
    """Bad simulation input; ``field`` names the offending field, ``subject`` the activity/risk."""

    def __init__(self, field: str, message: str, subject: str | None = None):
        self.field = field
        self.subject = subject
        super().__init__(f"{subject}: {field}: {message}" if subject else f"{field}: {message}")


def _number(value: object, name: str, subject: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise SimulationInputError(name, f"must be a number, got {value!r}", subject)
    number = float(value)
    if not math.isfinite(number):
        raise SimulationInputError(name, f"must be finite, got {number}", subject)
    if minimum is not None and number < minimum:
        raise SimulationInputError(name, f"must be >= {minimum:g}, got {number:g}", subject)
    return number


def _three_point(obj: object, names: tuple[str, str, str], subject: str) -> None:
    """Check an estimate low <= most likely <= high, all finite and non-negative."""
    low, likely, high = (_number(getattr(obj, name), name, subject, minimum=0.0) for name in names)
    if low > likely:
        raise SimulationInputError(names[0], f"{low:g} is greater than {names[1]} {likely:g}", subject)
    if likely > high:
        raise SimulationInputError(names[1], f"{likely:g} is greater than {names[2]} {high:g}", subject)


def _identifier(value: object, name: str, subject: str) -> None:
    if not isinstance(value, str) or not value:
        raise SimulationInputError(name, f"must be a non-empty string, got {value!r}", subject)


def _distribution(value: object, subject: str) -> None:
    if value not in DISTRIBUTIONS:
        raise SimulationInputError("distribution", f"must be one of {DISTRIBUTIONS}, got {value!r}", subject)


def _as_tuple(obj: object, name: str, subject: str) -> tuple:
    """Freeze a list/tuple field. Sets are refused: their order, hence the random stream each
    activity gets, would change from one process to the next."""
    value = getattr(obj, name)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise SimulationInputError(name, f"must be a list or tuple, got {value!r}", subject)
    items = tuple(value)
    object.__setattr__(obj, name, items)
    return items


@dataclass(frozen=True, slots=True)
class SimActivity:
    """An activity's duration estimate (working days) and optional cost estimate.

    Cost = ``fixed_cost`` + a sample of (cost_min, cost_most_likely, cost_max) when given, drawn
    from the same distribution family as the duration but independently of it.
    """

    id: str
    min: float
    most_likely: float
    max: float
    distribution: str = "triangular"
    cost_min: float | None = None
    cost_most_likely: float | None = None
    cost_max: float | None = None
    fixed_cost: float = 0.0

    def __post_init__(self) -> None:
        _identifier(self.id, "id", "activity")
        subject = f"activity {self.id!r}"
        _three_point(self, ("min", "most_likely", "max"), subject)
        _distribution(self.distribution, subject)
        costs = (self.cost_min, self.cost_most_likely, self.cost_max)
        if any(c is not None for c in costs):
            if any(c is None for c in costs):
                raise SimulationInputError(
                    "cost_min", "give cost_min, cost_most_likely and cost_max together, or none", subject
                )
            _three_point(self, ("cost_min", "cost_most_likely", "cost_max"), subject)
        _number(self.fixed_cost, "fixed_cost", subject, minimum=0.0)

    @property
    def has_cost_range(self) -> bool:
        return self.cost_min is not None


@dataclass(frozen=True, slots=True)
class SimLink:
    """A dependency ``pred -> succ`` of type FS/SS/FF/SF with a lag in working days (may be negative)."""

    pred: str
    succ: str
    type: str = "FS"
    lag: float = 0.0

    def __post_init__(self) -> None:
        _identifier(self.pred, "pred", "link")
        _identifier(self.succ, "succ", "link")
        subject = f"link {self.pred!r} -> {self.succ!r}"
        if self.pred == self.succ:
            raise SimulationInputError("succ", "an activity cannot depend on itself", subject)
        if self.type not in LINK_TYPES:
            raise SimulationInputError("type", f"must be one of {LINK_TYPES}, got {self.type!r}", subject)
        _number(self.lag, "lag", subject)


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """A risk that occurs in an iteration with ``probability`` (a fraction in [0, 1], not percent).

    When it occurs, one schedule impact is sampled from (schedule_min, schedule_most_likely,
    schedule_max) and added to the duration of *each* affected activity (a threat) or subtracted
    from it, never below zero (an opportunity); the cost impact is added (subtracted) once, and an
    iteration's total cost never goes below zero. Both impacts use the same uniform: a severe
    occurrence is severe in time and in money.
    """

    id: str
    probability: float
    activity_ids: tuple[str, ...] = ()
    schedule_min: float = 0.0
    schedule_most_likely: float = 0.0
    schedule_max: float = 0.0
    cost_min: float = 0.0
    cost_most_likely: float = 0.0
    cost_max: float = 0.0
    kind: str = THREAT
    distribution: str = "triangular"

    def __post_init__(self) -> None:
        _identifier(self.id, "id", "risk")
        subject = f"risk {self.id!r}"
        probability = _number(self.probability, "probability", subject)
        if not 0.0 <= probability <= 1.0:
            raise SimulationInputError(
                "probability",
                f"must be a fraction in [0, 1] (not a percentage), got {probability:g}",
                subject,
            )
        ids = _as_tuple(self, "activity_ids", subject)
        for activity_id in ids:
            _identifier(activity_id, "activity_ids", subject)
        if len(set(ids)) != len(ids):
            raise SimulationInputError("activity_ids", "lists an activity more than once", subject)
        _three_point(self, ("schedule_min", "schedule_most_likely", "schedule_max"), subject)
        _three_point(self, ("cost_min", "cost_most_likely", "cost_max"), subject)
        if self.schedule_max > 0 and not ids:
            raise SimulationInputError("activity_ids", "a schedule impact needs affected activities", subject)
        if self.kind not in (THREAT, OPPORTUNITY):
            raise SimulationInputError(
                "kind", f"must be {THREAT!r} or {OPPORTUNITY!r}, got {self.kind!r}", subject
            )
        _distribution(self.distribution, subject)


@dataclass(frozen=True, slots=True)
class Target:
    """A target offset (working days) for the project finish (``milestone=None``) or a milestone."""

    offset: float
    milestone: str | None = None

    def __post_init__(self) -> None:
        _number(self.offset, "offset", "target")
        if self.milestone is not None:
            _identifier(self.milestone, "milestone", "target")


@dataclass(frozen=True, slots=True)
class SimulationInput:
    """Everything one simulation needs; validated (ids, estimates, cycles) on construction.

    ``correlation`` in [0, 1] couples all activity durations through a one-factor Gaussian
    copula: normal scores ``sqrt(c) W + sqrt(1 - c) E_j`` with a common ``W``; 1 makes durations
    comonotonic, 0 independent. Risk impacts and costs are not correlated. ``seed=None`` draws a
    seed below :data:`SEED_RANGE`, reported as ``SimulationResult.seed`` so the run can be repeated.
    """

    activities: tuple[SimActivity, ...]
    links: tuple[SimLink, ...] = ()
    risks: tuple[RiskEvent, ...] = ()
    iterations: int = 10_000
    seed: int | None = None
    correlation: float = 0.0
    milestones: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    _network: _Network = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        subject = "simulation"
        activities = _as_tuple(self, "activities", subject)
        links = _as_tuple(self, "links", subject)
        risks = _as_tuple(self, "risks", subject)
        milestones = _as_tuple(self, "milestones", subject)
        targets = _as_tuple(self, "targets", subject)
        for name, items, kind in (
            ("activities", activities, SimActivity),
            ("links", links, SimLink),
            ("risks", risks, RiskEvent),
            ("targets", targets, Target),
        ):
            for position, item in enumerate(items):
                if not isinstance(item, kind):
                    raise SimulationInputError(f"{name}[{position}]", f"must be a {kind.__name__}", subject)
        if not activities:
            raise SimulationInputError("activities", "at least one activity is needed", subject)
        index: dict[str, int] = {}
        for position, activity in enumerate(activities):
            if index.setdefault(activity.id, position) != position:
                raise SimulationInputError(
                    "activities", f"activity id {activity.id!r} appears twice", subject
                )
        for link in links:
            for end in ("pred", "succ"):
                if getattr(link, end) not in index:
                    raise SimulationInputError(
                        end,
                        f"unknown activity {getattr(link, end)!r}",
                        f"link {link.pred!r} -> {link.succ!r}",
                    )
        for risk in risks:
            for activity_id in risk.activity_ids:
                if activity_id not in index:
                    raise SimulationInputError(
                        "activity_ids", f"unknown activity {activity_id!r}", f"risk {risk.id!r}"
                    )
        if len({risk.id for risk in risks}) != len(risks):
            raise SimulationInputError("risks", "risk ids must be unique", subject)
        if isinstance(self.iterations, bool) or not isinstance(self.iterations, int | np.integer):
            raise SimulationInputError("iterations", f"must be an integer, got {self.iterations!r}", subject)
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise SimulationInputError(
                "iterations", f"must be between 1 and {MAX_ITERATIONS:,}, got {self.iterations:,}", subject
            )
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer) or self.seed < 0
        ):
            raise SimulationInputError(
                "seed", f"must be a non-negative integer or None, got {self.seed!r}", subject
            )
        correlation = _number(self.correlation, "correlation", subject)
        if not 0.0 <= correlation <= 1.0:
            raise SimulationInputError("correlation", f"must be in [0, 1], got {correlation:g}", subject)
        for milestone in milestones:
            if milestone not in index:
                raise SimulationInputError("milestones", f"unknown activity {milestone!r}", subject)
        for position, target in enumerate(targets):
            if target.milestone is not None and target.milestone not in milestones:
                raise SimulationInputError(
                    f"targets[{position}].milestone",
                    f"{target.milestone!r} is not among the milestones",
                    subject,
                )
        try:
            network = _Network.build(activities, links, index)
        except CycleError as exc:
            raise SimulationInputError("links", str(exc), subject) from exc
        object.__setattr__(self, "_network", network)


@dataclass(frozen=True, slots=True, eq=False)
class Distribution:
    """A simulated quantity (finish offset or cost): per-iteration values and their summary.

    Percentiles are sample values (``P80`` is the smallest value that at least 80% of the
    iterations do not exceed), so a P-date is always a date some iteration produced.
    """

    values: np.ndarray
    sorted: np.ndarray
    deterministic: float
    targets: tuple[tuple[float, float], ...]

    @classmethod
    def of(cls, values: np.ndarray, deterministic: float, targets: Sequence[float] = ()) -> Distribution:
        values = np.ascontiguousarray(values, dtype=np.float64)
        ordered = np.sort(values)
        values.setflags(write=False)
        ordered.setflags(write=False)
        made = cls(values, ordered, float(deterministic), ())
        object.__setattr__(made, "targets", tuple((float(t), made.probability_by(t)) for t in targets))
        return made

    def percentile(self, q: float) -> float:
        """Smallest sampled value with at least ``q`` percent of the iterations at or below it."""
        rank = max(math.ceil(q / 100.0 * self.sorted.size), 1)
        return float(self.sorted[min(rank, self.sorted.size) - 1])

    def probability_by(self, value: float) -> float:
        """Share of iterations finishing at or before ``value`` (with a 1e-9 relative tolerance)."""
        limit = value + 1e-9 * max(1.0, abs(value))
        return float(np.searchsorted(self.sorted, limit, side="right")) / self.sorted.size

    def histogram(self, bins: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(edges, counts, cdf)``: ``cdf[i]`` is the share of iterations <= ``edges[i + 1]``."""
        counts, edges = np.histogram(self.sorted, bins=bins)
        return edges, counts, np.cumsum(counts) / self.sorted.size

    @property
    def mean(self) -> float:
        return float(self.sorted.mean())

    @property
    def std(self) -> float:
        return float(self.sorted.std(ddof=1)) if self.sorted.size > 1 else 0.0

    @property
    def p10(self) -> float:
        return self.percentile(10)

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p80(self) -> float:
        return self.percentile(80)

    @property
    def p90(self) -> float:
        return self.percentile(90)

    @property
    def deterministic_probability(self) -> float:
        """Probability of meeting the deterministic (most-likely, risk-free) plan."""
        return self.probability_by(self.deterministic)


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """One tornado bar: Spearman's rho between an input and the project finish."""

    kind: str  # "activity" (its own sampled duration) or "risk" (occurrence x schedule impact)
    id: str
    rho: float


@dataclass(frozen=True, slots=True, eq=False)
class SimulationResult:
    """Outcome of :func:`simulate`. ``criticality`` is a fraction in [0, 1] per activity id."""

    iterations: int
    seed: int
    finish: Distribution
    milestones: Mapping[str, Distribution]
    cost: Distribution
    criticality: Mapping[str, float]
    tornado: tuple[Sensitivity, ...]


@dataclass(frozen=True, slots=True, eq=False)
class _Level:
    """One network level, pre-indexed so that each pass step is a few whole-matrix numpy calls.

    Activities are renumbered level by level (``lo:hi``), within a level by falling in-degree.
    The in-links are stored slot-major: slot 0 holds the first in-link of every member, slot j
    the (j+1)-th in-link of the ``counts[j]`` members that have one, so the maximum over a
    member's links is a running ``np.maximum`` over contiguous slices (``ufunc.reduceat`` along
    axis 0 is ~50x slower). ``src`` are rows of the stacked [ES; EF] matrix. The backward pass
    does the same with out-links over the members that have successors (``with_succ``, by
    falling out-degree) and rows of [LS; LF].
    """

    lo: int
    hi: int
    src: np.ndarray
    lag: np.ndarray
    finish_pos: np.ndarray  # in-links (FF, SF) that constrain the successor's finish
    finish_succ: np.ndarray
    counts: tuple[int, ...]
    with_succ: np.ndarray
    without_succ: np.ndarray
    back_src: np.ndarray
    back_lag: np.ndarray
    start_pos: np.ndarray  # out-links (SS, SF) that constrain the predecessor's start
    start_pred: np.ndarray
    back_counts: tuple[int, ...]


@dataclass(frozen=True, slots=True, eq=False)
class _Network:
    """The links compiled for vectorised CPM; ``order[k]`` is the input index of internal row k."""

    n: int
    order: np.ndarray
    levels: tuple[_Level, ...]

    @classmethod
    def build(
        cls, activities: Sequence[SimActivity], links: Sequence[SimLink], index: Mapping[str, int]
    ) -> _Network:
        n = len(activities)
        pred = np.array([index[link.pred] for link in links], dtype=np.intp)
        succ = np.array([index[link.succ] for link in links], dtype=np.intp)
        kind = np.array([LINK_TYPES.index(link.type) for link in links], dtype=np.intp)
        lag = np.array([float(link.lag) for link in links], dtype=np.float64)
        level = topological_levels(n, pred, succ, [a.id for a in activities])
        in_degree = np.bincount(succ, minlength=n)
        out_degree = np.bincount(pred, minlength=n)
        order = np.lexsort((np.arange(n), -in_degree, level))
        internal = np.empty(n, dtype=np.intp)
        internal[order] = np.arange(n)
        pred, succ, level = internal[pred], internal[succ], level[order]
        out_degree = out_degree[order]
        back_rank = np.empty(n, dtype=np.intp)
        back_rank[np.lexsort((np.arange(n), -out_degree, level))] = np.arange(n)
        from_finish = (kind == 0) | (kind == 2)  # FS, FF read the predecessor's finish
        to_finish = (kind == 2) | (kind == 3)  # FF, SF constrain the successor's finish
        from_start = (kind == 1) | (kind == 3)  # SS, SF constrain the predecessor's start
        in_slot, out_slot = _slots(succ), _slots(pred)
        forward = np.lexsort((succ, in_slot, level[succ]))
        backward = np.lexsort((back_rank[pred], out_slot, level[pred]))
        top = int(level[-1]) + 2
        bounds = np.searchsorted(level, np.arange(top))
        fwd_bounds = np.searchsorted(level[succ][forward], np.arange(top))
        back_bounds = np.searchsorted(level[pred][backward], np.arange(top))
        levels = []
        for lv in range(top - 1):
            lo, hi = int(bounds[lv]), int(bounds[lv + 1])
            f = forward[fwd_bounds[lv] : fwd_bounds[lv + 1]]
            b = backward[back_bounds[lv] : back_bounds[lv + 1]]
            members = np.arange(lo, hi)
            with_succ = members[out_degree[lo:hi] > 0]
            with_succ = with_succ[np.argsort(back_rank[with_succ])]
            levels.append(
                _Level(
                    lo=lo,
                    hi=hi,
                    src=pred[f] + n * from_finish[f],
                    lag=lag[f][:, None],
                    finish_pos=np.flatnonzero(to_finish[f]),
                    finish_succ=succ[f][to_finish[f]],
                    counts=tuple(np.bincount(in_slot[f]).tolist()),
                    with_succ=with_succ,
                    without_succ=members[out_degree[lo:hi] == 0],
                    back_src=succ[b] + n * to_finish[b],
                    back_lag=lag[b][:, None],
                    start_pos=np.flatnonzero(from_start[b]),
                    start_pred=pred[b][from_start[b]],
                    back_counts=tuple(np.bincount(out_slot[b]).tolist()),
                )
            )
        return cls(n, order, tuple(levels))

    def forward(self, durations: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Early dates: the stacked [ES; EF] matrix, shape (2n, iterations), internal order."""
        n = self.n
        dates = np.empty((2 * n, durations.shape[1])) if out is None else out
        for level in self.levels:
            lo, hi = level.lo, level.hi
            if not level.counts:
                dates[lo:hi] = 0.0
                dates[n + lo : n + hi] = durations[lo:hi]
                continue
            bound = dates[level.src]
            bound += level.lag
            if level.finish_pos.size:
                bound[level.finish_pos] -= durations[level.finish_succ]
            start = _running(np.maximum, bound, level.counts)
            np.maximum(start, 0.0, out=start)  # nothing starts before the project start
            dates[lo:hi] = start
            np.add(start, durations[lo:hi], out=dates[n + lo : n + hi])
        return dates

    def backward(
        self, durations: np.ndarray, finish: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Late dates against ``finish`` per iteration: the stacked [LS; LF] matrix."""
        n = self.n
        dates = np.empty((2 * n, durations.shape[1])) if out is None else out
        late_finish = dates[n:]
        for level in reversed(self.levels):
            if level.without_succ.size:
                late_finish[level.without_succ] = finish
            if level.with_succ.size:
                bound = dates[level.back_src]
                bound -= level.back_lag
                if level.start_pos.size:
                    bound[level.start_pos] += durations[level.start_pred]
                end = _running(np.minimum, bound, level.back_counts)
                np.minimum(end, finish, out=end)  # nothing may finish after the project finish
                late_finish[level.with_succ] = end
            np.subtract(
                late_finish[level.lo : level.hi],
                durations[level.lo : level.hi],
                out=dates[level.lo : level.hi],
            )
        return dates


def _running(ufunc: np.ufunc, bound: np.ndarray, counts: tuple[int, ...]) -> np.ndarray:
    """Reduce slot-major rows: slot 0 has ``counts[0]`` rows, slot j the first ``counts[j]`` of them."""
    out = bound[: counts[0]]
    offset = counts[0]
    for count in counts[1:]:
        ufunc(out[:count], bound[offset : offset + count], out=out[:count])
        offset += count
    return out


def _slots(keys: np.ndarray) -> np.ndarray:
    """For each link, how many earlier links (in input order) share its key: 0, 1, 2, ..."""
    by_key = np.argsort(keys, kind="stable")
    ordered = keys[by_key]
    slot = np.empty_like(keys)
    slot[by_key] = np.arange(keys.size) - np.searchsorted(ordered, ordered)
    return slot


@dataclass(frozen=True, slots=True, eq=False)
class _Estimates:
    """Three-point estimates as column vectors: value = low + width * standard_ppf(u, mode).

    The standard quantile is computed in float32 (3x faster than float64 and far finer than
    any estimate); ``low + width * q`` in float64, so a fixed estimate is reproduced exactly.
    """

    low: np.ndarray
    likely: np.ndarray
    width: np.ndarray
    mode: np.ndarray  # float32
    pert: np.ndarray

    @classmethod
    def of(cls, triples: Sequence[tuple[float, float, float]], distributions: Sequence[str]) -> _Estimates:
        values = np.asarray(triples, dtype=np.float64).reshape(-1, 3)
        low, likely, high = values[:, 0:1], values[:, 1:2], values[:, 2:3]
        width = high - low
        safe = np.where(width > 0, width, 1.0)
        mode = np.where(width > 0, (likely - low) / safe, 0.5).astype(np.float32)
        return cls(low, likely, width, mode, np.array([d == PERT for d in distributions], dtype=bool))

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return ppf(u, self.mode, self.pert)

    def sample(self, u: np.ndarray) -> np.ndarray:
        values = self.width * self.quantiles(u)
        values += self.low
        return values


@dataclass(frozen=True, slots=True, eq=False)
class _Model:
    """The input compiled to arrays: what one chunk of iterations needs to be sampled."""

    entropy: int
    correlation: float
    durations: _Estimates
    varying: np.ndarray  # activities whose duration is uncertain (tornado candidates)
    delaying: np.ndarray  # risks with a schedule impact (tornado candidates)
    cost_rows: np.ndarray  # activities with a cost range
    costs: _Estimates
    fixed_cost: float
    probability: np.ndarray  # (risks, 1)
    schedule: _Estimates
    risk_cost: _Estimates
    sign: np.ndarray  # (risks, 1): +1 threat, -1 opportunity
    hit: np.ndarray  # activities some risk affects
    risk_rows: tuple[np.ndarray, ...]  # per risk, the activities it affects

    @classmethod
    def of(cls, inp: SimulationInput, acts: Sequence[SimActivity], entropy: int) -> _Model:
        """Compile ``inp`` with its activities in the network's internal order ``acts``."""
        risks = inp.risks
        index = {a.id: i for i, a in enumerate(acts)}
        cost_acts = [a for a in acts if a.has_cost_range]
        risk_rows = tuple(
            np.array([index[aid] for aid in risk.activity_ids], dtype=np.intp) for risk in risks
        )
        risk_dists = [r.distribution for r in risks]
        return cls(
            entropy=entropy,
            correlation=float(inp.correlation),
            durations=_Estimates.of(
                [(a.min, a.most_likely, a.max) for a in acts], [a.distribution for a in acts]
            ),
            varying=np.array([i for i, a in enumerate(acts) if a.max > a.min], dtype=np.intp),
            delaying=np.array([i for i, r in enumerate(risks) if r.schedule_max > 0], dtype=np.intp),
            cost_rows=np.array([index[a.id] for a in cost_acts], dtype=np.intp),
            costs=_Estimates.of(
                [(a.cost_min, a.cost_most_likely, a.cost_max) for a in cost_acts],
                [a.distribution for a in cost_acts],
            ),
            fixed_cost=float(sum(a.fixed_cost for a in acts)),
            probability=np.array([[float(r.probability)] for r in risks]).reshape(-1, 1),
            schedule=_Estimates.of(
                [(r.schedule_min, r.schedule_most_likely, r.schedule_max) for r in risks], risk_dists
            ),
            risk_cost=_Estimates.of(
                [(r.cost_min, r.cost_most_likely, r.cost_max) for r in risks], risk_dists
            ),
            sign=np.array([[1.0 if r.kind == THREAT else -1.0] for r in risks]).reshape(-1, 1),
            hit=np.unique(np.concatenate([np.zeros(0, dtype=np.intp), *risk_rows])),
            risk_rows=risk_rows,
        )

    def deterministic_cost(self) -> float:
        return self.fixed_cost + float(self.costs.likely.sum())

    def _rng(self, block: int, stream: int) -> np.random.Generator:
        seed = np.random.SeedSequence(self.entropy, spawn_key=(block, stream))
        return np.random.Generator(np.random.PCG64(seed))

    def uniforms(self, blocks: range, size: int, stream: int, rows: int) -> np.ndarray:
        """(rows, size) float32 uniforms for the iterations of ``blocks``, identical however chunked."""
        out = np.empty((rows, size), dtype=np.float32)
        if stream == _DURATIONS and self.correlation > 0.0:
            load, spread = math.sqrt(self.correlation), math.sqrt(1.0 - self.correlation)
        for first, block in zip(range(0, size, BLOCK), blocks, strict=True):
            width = min(BLOCK, size - first)
            rng = self._rng(block, stream)
            if stream == _DURATIONS and self.correlation > 0.0:
                normals = rng.standard_normal((rows, width), dtype=np.float32)
                normals *= spread
                normals += load * rng.standard_normal(width, dtype=np.float32)
                out[:, first : first + width] = normals
            else:
                out[:, first : first + width] = rng.random((rows, width), dtype=np.float32)
        if stream == _DURATIONS and self.correlation > 0.0:
            out = normal_cdf(out)
        return out

    def risk_draws(self, blocks: range, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Occurrence (bool) and severity uniform per (risk, iteration)."""
        draws = self.uniforms(blocks, size, _RISKS, 2 * self.probability.shape[0])
        occurs, severity = np.split(draws, 2)
        return occurs < self.probability, severity

    def sample(self, blocks: range, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Durations (activities, size) including risk impacts, and total cost per iteration."""
        durations = self.durations.sample(
            self.uniforms(blocks, size, _DURATIONS, self.durations.low.shape[0])
        )
        cost = np.full(size, self.fixed_cost)
        if self.cost_rows.size:  # sum of low + width * q over rows, as one matrix-vector product
            q = self.costs.quantiles(self.uniforms(blocks, size, _COSTS, self.cost_rows.size))
            # einsum, not `@`: a vector-matrix product goes to threaded BLAS, 30x slower here
            cost += float(self.costs.low.sum()) + np.einsum(
                "i,ij->j", self.costs.width[:, 0].astype(np.float32), q
            )
        if self.probability.size:
            occurs, severity = self.risk_draws(blocks, size)
            signed = occurs * self.sign
            cost += (self.risk_cost.sample(severity) * signed).sum(axis=0)
            np.maximum(cost, 0.0, out=cost)  # opportunities save at most what the work costs
            if self.hit.size:  # each activity gets the sum of the impacts of its risks, floored at 0
                impact = self.schedule.sample(severity) * signed
                for rows, row_impact in zip(self.risk_rows, impact, strict=True):
                    durations[rows] += row_impact
                durations[self.hit] = np.maximum(durations[self.hit], 0.0)
        return durations, cost

    def grades(self, blocks: range, size: int) -> np.ndarray:
        """Mid-rank grades of the tornado inputs: varying activities, then delaying risks.

        An activity's duration is a strictly increasing function of its copula uniform, so that
        uniform *is* its exact CDF value (the population version of rank / n). A risk's input
        is occurrence x severity: 0 with probability 1 - p (mid-grade (1 - p) / 2), otherwise
        ranked by severity within the top p (all tied at the middle if the impact is fixed).
        """
        u = self.uniforms(blocks, size, _DURATIONS, self.durations.low.shape[0])[self.varying]
        if not self.delaying.size:
            return u
        occurs, severity = self.risk_draws(blocks, size)
        occurs, severity = occurs[self.delaying], severity[self.delaying]
        p = self.probability[self.delaying]
        severity[self.schedule.width[self.delaying, 0] == 0] = 0.5
        risk = np.where(occurs, (1.0 - p) + p * severity, (1.0 - p) / 2.0).astype(np.float32)
        return np.concatenate([u, risk])


def simulate(
    inp: SimulationInput, *, progress: Progress | None = None, chunk_size: int | None = None
) -> SimulationResult:
    """Run the Monte Carlo simulation described by ``inp``.

    ``progress(done, total)`` is called after each chunk of the CPM passes (the tornado pass
    that follows is ~10% of the run); raise from it to abandon the run. ``chunk_size``
    (iterations per chunk, rounded to a multiple of :data:`BLOCK`) only trades memory for
    Python overhead: the samples are identical for any value, the tornado equal to float32
    rounding.
    """
    network = inp._network
    n = network.n
    entropy = int(inp.seed) if inp.seed is not None else int(np.random.SeedSequence().entropy) % SEED_RANGE
    acts = [inp.activities[i] for i in network.order.tolist()]
    model = _Model.of(inp, acts, entropy)
    index = {a.id: i for i, a in enumerate(acts)}
    milestone_rows = np.array([index[m] for m in inp.milestones], dtype=np.intp)
    total = int(inp.iterations)
    if chunk_size is None:
        chunk_size = max(_CELL_BUDGET // n, min(1024, _CELL_CAP // n))
    blocks_per_chunk = max(1, round(int(chunk_size) / BLOCK))

    finish = np.empty(total)
    milestone_finish = np.empty((milestone_rows.size, total))
    cost = np.empty(total)
    critical = np.zeros(n, dtype=np.int64)
    chunks = []
    # reused between chunks: fresh 2n x chunk matrices would be page-faulted in every time
    early_buffer = np.empty((2 * n, min(blocks_per_chunk * BLOCK, total)))
    late_buffer = np.empty_like(early_buffer)
    for first_block in range(0, -(-total // BLOCK), blocks_per_chunk):
        start = first_block * BLOCK
        size = min(blocks_per_chunk * BLOCK, total - start)
        blocks = range(first_block, first_block + -(-size // BLOCK))
        chunks.append((blocks, start, size))
        durations, cost[start : start + size] = model.sample(blocks, size)
        full = size == early_buffer.shape[1]
        early = network.forward(durations, early_buffer if full else None)
        early_finish = early[n:]
        end = early_finish.max(axis=0)
        late_finish = network.backward(durations, end, late_buffer if full else None)[n:]
        late_finish -= early_finish  # total float
        tolerance = 1e-9 * max(1.0, float(np.abs(end).max()))
        critical += np.count_nonzero(late_finish <= tolerance, axis=1)
        finish[start : start + size] = end
        milestone_finish[:, start : start + size] = early_finish[milestone_rows]
        del durations, early, early_finish, late_finish
        if progress is not None:
            progress(start + size, total)

    plan = network.forward(model.durations.likely)[n:, 0]
    targets: dict[str | None, list[float]] = {}
    for target in inp.targets:
        targets.setdefault(target.milestone, []).append(float(target.offset))
    ids = [a.id for a in acts]
    share = dict(zip(ids, (critical / total).tolist(), strict=True))
    return SimulationResult(
        iterations=total,
        seed=entropy,
        finish=Distribution.of(finish, plan.max(), targets.get(None, ())),
        milestones={
            m: Distribution.of(milestone_finish[k], plan[row], targets.get(m, ()))
            for k, (m, row) in enumerate(zip(inp.milestones, milestone_rows.tolist(), strict=True))
        },
        cost=Distribution.of(cost, model.deterministic_cost()),
        criticality={a.id: share[a.id] for a in inp.activities},
        tornado=_tornado(model, chunks, finish, ids, [r.id for r in inp.risks]),
    )


def _tornado(
    model: _Model,
    chunks: Sequence[tuple[range, int, int]],
    finish: np.ndarray,
    ids: list[str],
    risk_ids: list[str],
) -> tuple[Sensitivity, ...]:
    """Spearman's rho of each input with the project finish, largest |rho| first.

    rho is the Pearson correlation of mid-rank grades. The finish's grades are its mid-ranks;
    the inputs' grades are their exact CDF values (:meth:`_Model.grades`), regenerated chunk by
    chunk from the same random streams, so no (inputs x iterations) matrix is ever held and no
    per-input sort is needed. The two agree with the all-ranks formula to O(1/sqrt(n)).
    """
    labels = [("activity", ids[i]) for i in model.varying.tolist()]
    labels += [("risk", risk_ids[i]) for i in model.delaying.tolist()]
    if not labels or finish.size < 2:
        return ()
    _, inverse, counts = np.unique(finish, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]
    ranks -= ranks.mean()
    rank_variance = float(ranks @ ranks) / finish.size
    ranks = ranks.astype(np.float32)  # grades are float32; the sums are accumulated in float64
    sum_g = np.zeros(len(labels))
    sum_gg = np.zeros(len(labels))
    sum_gr = np.zeros(len(labels))
    for blocks, start, size in chunks:
        grades = model.grades(blocks, size)
        sum_g += np.einsum("ij->i", grades, dtype=np.float64)
        sum_gr += grades @ ranks[start : start + size]
        sum_gg += np.einsum("ij,ij->i", grades, grades, dtype=np.float64)
    total = finish.size
    variance = sum_gg / total - (sum_g / total) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.clip((sum_gr / total) / np.sqrt(variance * rank_variance), -1.0, 1.0)
    keep = (variance > 1e-12) & (rank_variance > 0)
    bars = [
        Sensitivity(kind, name, float(r)) for (kind, name), r, k in zip(labels, rho, keep, strict=True) if k
    ]
    bars.sort(key=lambda bar: -abs(bar.rho))
    return tuple(bars)
