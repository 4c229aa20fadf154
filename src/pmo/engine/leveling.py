"""Resource leveling: schedule activities within the capacity of renewable resources, keeping every link.

This is the resource-constrained project scheduling problem (RCPSP) with generalised precedences: FS, SS,
FF and SF links with integer lags (negative too), earliest starts, deadlines and priorities. Time is in
integer periods from the project start at 0 (working days of the project calendar: the caller converts
dates to offsets and back). An activity started at ``s`` with duration ``d`` occupies periods ``s .. s+d-1``
and uses its request of each resource in each of them; a resource's capacity may vary per period.

Two modes, both under a time limit and a cancel callback:

* **heuristic**: priority-rule passes of the serial and the parallel schedule generation scheme (SGS), then
  a biased random-key genetic algorithm (Gonçalves, Resende & Mendes 2011) whose individuals are decoded by
  the serial SGS and improved by forward-backward justification (Valls, Ballestín & Quintanilla 2005).
  Every pass decodes a batch of schedules at once in numpy: a step picks one activity per schedule and
  finds its earliest resource-feasible start on a ``schedules x resources x periods`` profile, so the
  Python overhead is paid per step, not per schedule. Deterministic for a given ``seed`` and
  ``max_schedules``; under a time limit alone a faster machine evaluates more schedules.
* **exact**: a CP-SAT model (an interval per activity, a cumulative per resource, the links as linear
  inequalities), warm-started with the heuristic's best schedule as a hint and its makespan as the
  horizon. It reports the status, the proven lower bound and the gap.

**Within float** (``within_float=True``) keeps the unleveled finish: no activity may finish after its late
finish in the critical path method, so only activities with float move. Over-allocations that cannot be
resolved that way remain and are reported: the heuristic places an activity that fits nowhere in its
window where it adds the least overload; the exact mode minimises the work (request x duration) of the
activities it has to leave outside the capacity.

**Priorities** (higher first) decide which of the competing activities the priority-rule passes schedule
first, and break ties between schedules of equal makespan (the sum of priority-weighted starts is
minimised). They never lengthen the project: the makespan is the objective.
"""

from __future__ import annotations

import itertools
import math
import operator
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from pmo.engine.cpm import LinkType
from pmo.engine.network import CycleError, topological_order

#: ``progress(fraction_done, message)``, called from the caller's thread at most every ``PROGRESS_EVERY`` s
Progress = Callable[[float, str], None]
#: ``cancel()`` returns True to stop: the best schedule so far comes back with ``cancelled=True``
Cancel = Callable[[], bool]
PROGRESS_EVERY = 0.5

_NEVER = np.iinfo(np.int64).max // 4  # "no deadline": beyond any horizon, yet safe to add to
_NEAR = 24  # periods after its earliest start where the serial SGS looks for a fit first
_POPULATION, _ELITE, _MUTANTS, _INHERIT = 32, 6, 4, 0.7  # the genetic algorithm
# exact mode: the warm start gets a tenth of the time limit, at most 1 s, and stops after 2 generations
# without a better schedule
_WARM_SHARE, _WARM_SECONDS, _WARM_STALL = 0.1, 1.0, 2


class Mode(StrEnum):
    HEURISTIC = "heuristic"
    EXACT = "exact"


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven: the makespan equals the lower bound (within float: the least overload)
    FEASIBLE = "feasible"  # meets every constraint, not proven optimal
    INFEASIBLE = "infeasible"  # proven: no schedule meets the deadlines (the one returned misses some)
    UNKNOWN = "unknown"  # no schedule meeting the deadlines was found (the one returned misses some)


class Rule(StrEnum):
    """Priority rules of the single passes (Kolisch 1996): which eligible activity goes next."""

    LFT = "LFT"  # latest finish time first
    LST = "LST"  # latest start time first
    MSLK = "MSLK"  # minimum slack (total float) first
    MTS = "MTS"  # most total successors first
    GRPW = "GRPW"  # greatest rank positional weight: own duration plus the immediate successors'
    GRD = "GRD"  # greatest resource demand: duration x requests
    SPT = "SPT"  # shortest processing time first


class LevelingError(ValueError):
    """The problem is malformed (unknown ids, negative values, a cycle) or cannot be resourced at all."""


class _Stopped(Exception):
    """A batch of schedules abandoned half-way: the time is up or the run was cancelled."""


@dataclass(frozen=True, slots=True)
class Activity:
    """``duration`` periods, using ``requests`` units of each resource (by id) in each of them.

    ``earliest_start`` is a start-no-earlier-than (a constraint or the status date); ``deadline`` the period
    by which it must have finished (finish = start + duration <= deadline).
    """

    id: str
    duration: int
    requests: Mapping[str, int] = field(default_factory=dict)
    earliest_start: int = 0
    deadline: int | None = None
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Link:
    """``succ`` depends on ``pred``: FS (succ starts after pred finishes), SS, FF, SF, plus ``lag`` periods."""

    pred: str
    succ: str
    type: LinkType = LinkType.FS
    lag: int = 0


@dataclass(frozen=True, slots=True)
class Resource:
    """``capacity`` units per period, or one value per period from 0 on; the last value holds after the
    sequence, and every request must fit within it."""

    id: str
    capacity: int | Sequence[int]


@dataclass(frozen=True, slots=True)
class Problem:
    activities: Sequence[Activity]
    links: Sequence[Link] = ()
    resources: Sequence[Resource] = ()


@dataclass(frozen=True, slots=True)
class OverAllocation:
    """Periods ``start .. finish-1`` in which ``resource`` is loaded above its capacity."""

    resource: str
    start: int
    finish: int
    peak: int
    capacity: int  # in the period of the peak
    activities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """A leveling proposal.

    ``lower_bound`` is proven (critical path, resource work, in exact mode the solver's bound) and
    ``gap = (makespan - lower_bound) / lower_bound``: the makespan is at most that far above the optimum.
    ``schedules`` counts the heuristic's schedules (each SGS pass is one); ``solver_time`` is CP-SAT's part
    of ``elapsed``. ``over_allocations`` remain only within float; ``late`` lists activities past their
    deadline (then the status is ``infeasible`` or ``unknown``).
    """

    starts: dict[str, int]
    finishes: dict[str, int]
    makespan: int
    status: Status
    lower_bound: int
    gap: float
    unleveled_makespan: int
    schedules: int
    elapsed: float
    solver_time: float = 0.0
    over_allocations: tuple[OverAllocation, ...] = ()
    late: tuple[str, ...] = ()
    cancelled: bool = False


def level(
    problem: Problem,
    *,
    mode: Mode | str = Mode.HEURISTIC,
    within_float: bool = False,
    time_limit: float = 10.0,
    max_schedules: int | None = None,
    workers: int = 2,
    seed: int = 0,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Result:
    """Level ``problem`` (see the module docstring).

    ``time_limit`` (seconds) bounds the whole run, ``max_schedules`` the heuristic's schedules (in exact
    mode too). ``workers`` is CP-SAT's number of threads. Raises :class:`LevelingError` for a malformed
    problem.
    """
    mode = Mode(mode)
    if not time_limit > 0 or (max_schedules is not None and max_schedules < 1) or workers < 1:
        raise LevelingError("time_limit must be > 0, max_schedules and workers >= 1")
    clock = _Clock(time_limit, progress, cancel)
    net = _Network(problem)
    search = _Search(net, seed, clock, max_schedules, within_float)
    if mode is Mode.HEURISTIC:
        search.run(time_limit)
        return search.result()
    search.run(min(_WARM_SHARE * time_limit, _WARM_SECONDS), stall=_WARM_STALL)
    return _exact(search, workers, seed)


def single_pass(problem: Problem, rule: Rule | str = Rule.LFT, *, scheme: str = "serial") -> Result:
    """One pass of the serial or the parallel SGS with one priority rule: how desktop tools level, and the
    benchmark's naive baseline."""
    net = _Network(problem)
    search = _Search(net, 0, _Clock(math.inf, None, None), 1, within_float=False)
    keys = search.rule_keys([Rule(rule)])
    if scheme == "serial":
        starts = search.forward.serial(keys, horizon=search.horizon())
    elif scheme == "parallel":
        starts = search.forward.parallel(keys, horizon=search.horizon())
    else:
        raise LevelingError(f"scheme must be 'serial' or 'parallel', not {scheme!r}")
    search.consider(starts)
    return search.result()


# ------------------------------------------------------------------------------------------------ network


class _Network:
    """The problem as arrays; every link becomes a start-to-start bound ``start[j] >= start[i] + delta``."""

    def __init__(self, problem: Problem):
        acts = list(problem.activities)
        if not acts:
            raise LevelingError("no activities to level")
        self.ids = [a.id for a in acts]
        self.index = {a: k for k, a in enumerate(self.ids)}
        if len(self.index) != len(self.ids):
            seen: set[str] = set()
            raise LevelingError(f"activity {next(a for a in self.ids if a in seen or seen.add(a))!r} appears twice")
        self.n = len(acts)
        self.dur = np.array([_count(a.duration, f"activity {a.id!r}: duration") for a in acts], dtype=np.int64)
        self.release = np.array(
            [_count(a.earliest_start, f"activity {a.id!r}: earliest_start") for a in acts], dtype=np.int64
        )
        self.deadline = np.array(
            [_NEVER if a.deadline is None else _count(a.deadline, f"activity {a.id!r}: deadline") for a in acts],
            dtype=np.int64,
        )
        self.priority = np.array([operator.index(a.priority) for a in acts], dtype=np.int64)
        self._resources(list(problem.resources), acts)
        self._links(problem.links)

    def _resources(self, resources: list[Resource], acts: list[Activity]) -> None:
        self.resource_ids = [r.id for r in resources]
        where = {r: k for k, r in enumerate(self.resource_ids)}
        if len(where) != len(resources):
            raise LevelingError("a resource id appears twice")
        profiles = []
        for r in resources:
            values = [r.capacity] if isinstance(r.capacity, int | np.integer) else list(r.capacity)
            if not values:
                raise LevelingError(f"resource {r.id!r}: no capacity")
            profiles.append([_count(v, f"resource {r.id!r}: capacity") for v in values])
        length = max((len(p) for p in profiles), default=1)
        # capacity[r, t] for t < length; the last column holds for ever after
        self.capacity = np.array([p + p[-1:] * (length - len(p)) for p in profiles], dtype=np.int64)
        self.capacity = self.capacity.reshape(len(profiles), length)
        self.req = np.zeros((self.n, len(profiles)), dtype=np.int64)
        for k, a in enumerate(acts):
            for rid, units in a.requests.items():
                if rid not in where:
                    raise LevelingError(f"activity {a.id!r} requests unknown resource {rid!r}")
                self.req[k, where[rid]] = _count(units, f"activity {a.id!r}: request of {rid!r}")
        tail = self.capacity[:, -1]
        over = np.argwhere((self.req > tail[None, :]) & (self.dur[:, None] > 0))
        if len(over):
            k, r = over[0].tolist()
            raise LevelingError(
                f"activity {self.ids[k]!r} requests {self.req[k, r]} of {self.resource_ids[r]!r}, above its "
                f"capacity {tail[r]}: no schedule can resource it"
            )
        self.work = (self.req * self.dur[:, None]).sum(axis=1)

    def _links(self, links: Sequence[Link]) -> None:
        best: dict[tuple[int, int], int] = {}
        for link in links:
            try:
                i, j = self.index[link.pred], self.index[link.succ]
            except KeyError as exc:
                raise LevelingError(f"link {link.pred!r} -> {link.succ!r}: unknown activity {exc.args[0]!r}") from None
            if i == j:
                raise LevelingError(f"link {link.pred!r} -> {link.succ!r} links an activity to itself")
            lag = operator.index(link.lag)
            di, dj = int(self.dur[i]), int(self.dur[j])
            kind = LinkType(link.type)
            delta = {LinkType.FS: di + lag, LinkType.SS: lag, LinkType.FF: di + lag - dj, LinkType.SF: lag - dj}[kind]
            best[i, j] = max(delta, best.get((i, j), delta))
        pairs = sorted(best)
        self.pred = np.array([p for p, _ in pairs], dtype=np.int64)
        self.succ = np.array([s for _, s in pairs], dtype=np.int64)
        self.delta = np.array([best[p] for p in pairs], dtype=np.int64)
        try:
            self.order = topological_order(self.n, self.pred, self.succ, self.ids)
        except CycleError as exc:
            raise LevelingError(f"the links form a cycle: {' -> '.join([*exc.cycle, exc.cycle[0]])}") from None

    def early_starts(self) -> np.ndarray:
        """Earliest starts by the critical path method (links and earliest starts, no resources)."""
        es = self.release.copy()
        out = _adjacency(self.n, self.pred, self.succ, self.delta)
        for i in self.order.tolist():
            for j, d in out(i):
                es[j] = max(es[j], es[i] + d)
        return es

    def late_starts(self, horizon: int) -> np.ndarray:
        """Latest starts with every activity finished by ``horizon`` and by its deadline."""
        ls = np.minimum(self.deadline, horizon) - self.dur
        into = _adjacency(self.n, self.succ, self.pred, self.delta)
        for j in self.order[::-1].tolist():
            for i, d in into(j):
                ls[i] = min(ls[i], ls[j] - d)
        return ls

    def profile(self, first: int, last: int) -> np.ndarray:
        """Capacity (resources x periods) of periods ``first .. last-1`` (before 0: period 0's)."""
        return self.capacity[:, np.clip(np.arange(first, last), 0, self.capacity.shape[1] - 1)]

    def resource_bound(self) -> int:
        """The first period by which each resource could have done all its work (the energy bound)."""
        bound = 0
        for r in range(self.req.shape[1]):
            work = int((self.req[:, r] * self.dur).sum())
            if work:
                done = np.cumsum(self.capacity[r])
                if done[-1] >= work:
                    bound = max(bound, int(np.searchsorted(done, work)) + 1)
                else:
                    bound = max(bound, len(done) + math.ceil((work - done[-1]) / self.capacity[r, -1]))
        return bound


def _count(value: object, what: str) -> int:
    try:
        number = operator.index(value)
    except TypeError:
        raise LevelingError(f"{what} must be an integer, got {value!r}") from None
    if number < 0:
        raise LevelingError(f"{what} must be >= 0, got {number}")
    return number


def _adjacency(n: int, src: np.ndarray, dst: np.ndarray, val: np.ndarray) -> Callable[[int], list]:
    """``out(i)``: the ``(dst, val)`` pairs of the arcs leaving ``i``."""
    lists: list[list] = [[] for _ in range(n)]
    for s, d, v in zip(src.tolist(), dst.tolist(), val.tolist(), strict=True):
        lists[s].append((d, v))
    return lists.__getitem__


# ------------------------------------------------------------------------------------------------ decoder


class _Decoder:
    """Batched schedule generation: keys (schedules x activities) in, starts (schedules x activities) out.

    Each schedule takes, among its eligible activities (every predecessor scheduled), the one with the
    highest key. ``reverse=True`` decodes the mirrored problem (links reversed, time running backwards from
    each schedule's makespan): the backward pass of the justification.
    """

    def __init__(self, net: _Network, *, reverse: bool):
        self.net = net
        if reverse:  # start'[i] >= start'[j] + delta + d[j] - d[i] for a link i -> j, in mirrored time
            src, dst, delta = net.succ, net.pred, net.delta + net.dur[net.succ] - net.dur[net.pred]
        else:
            src, dst, delta = net.pred, net.succ, net.delta
        order = np.argsort(src, kind="stable")
        self.out_succ, self.out_delta = dst[order], delta[order]
        self.out_start = np.searchsorted(src[order], np.arange(net.n + 1))
        self.out_deg = np.diff(self.out_start)
        self.indeg = np.bincount(dst, minlength=net.n)
        self.dur = net.dur
        self.busy = (net.dur > 0) & net.req.any(axis=1)  # the activities that need capacity
        dtype = np.int32 if net.capacity.max(initial=0) < 2**30 else np.int64
        self.req = net.req.astype(dtype)
        self.near = _NEAR + int(net.dur.max())  # width of the windows `_near` looks at
        self.stop: Callable[[], bool] = lambda: False  # polled every 64 steps: True abandons the batch

    # ---- capacity profiles (schedules x resources x periods)

    def _columns(self, first: int, last: int, ends: np.ndarray | None) -> np.ndarray:
        """Capacity of periods ``first .. last-1``, mirrored per schedule when ``ends`` (makespans) is given."""
        cap = self.net.capacity
        if ends is None or cap.shape[1] == 1:
            return self.net.profile(first, last)[None].astype(self.req.dtype)
        t = np.clip(ends[:, None] - 1 - np.arange(first, last)[None, :], 0, cap.shape[1] - 1)
        return np.transpose(cap[:, t], (1, 0, 2)).astype(self.req.dtype)

    def _avail(self, k: int, horizon: int, ends: np.ndarray | None) -> np.ndarray:
        return np.broadcast_to(self._columns(0, horizon, ends), (k, self.req.shape[1], horizon)).copy()

    def _grow(self, avail: np.ndarray, need: int, ends: np.ndarray | None) -> np.ndarray:
        k, resources, horizon = avail.shape
        longer = max(need, 2 * horizon)
        extra = np.broadcast_to(self._columns(horizon, longer, ends), (k, resources, longer - horizon))
        return np.concatenate([avail, extra], axis=2)

    # ---- the serial SGS

    def serial(
        self,
        keys: np.ndarray,
        *,
        horizon: int,
        release: np.ndarray | None = None,
        latest: np.ndarray | None = None,
        regret: tuple[np.ndarray, np.random.Generator] | None = None,
        ends: np.ndarray | None = None,
    ) -> np.ndarray:
        """Serial SGS: one activity at a time, each at its earliest precedence- and resource-feasible start.

        ``release`` (K x n) replaces the earliest starts; ``latest`` (K x n) bounds the starts (within
        float): an activity that fits nowhere by then goes where it adds the least overload. ``regret`` =
        (a rule's values, lower first; a generator) draws each next activity with a probability growing
        with its regret (Drexl 1991); ``keys`` then only rank priority classes. ``ends`` are the makespans
        of the schedules a reverse pass mirrors.
        """
        k, n = keys.shape
        rows = np.arange(k)
        es = np.broadcast_to(self.net.release if release is None else release, (k, n)).copy()
        waiting = np.broadcast_to(self.indeg, (k, n)).copy()
        eligible = waiting == 0
        starts = np.zeros((k, n), dtype=np.int64)
        avail = self._avail(k, max(horizon, self.near + 1), ends)
        windows = _windows(avail, self.near)
        for step in range(n):
            if step % 64 == 63 and self.stop():
                raise _Stopped
            score = np.where(eligible, keys, -np.inf)
            if regret is not None:
                value, rng = regret
                worst = np.where(eligible, value, -np.inf).max(axis=1, keepdims=True)
                regrets = np.log1p(np.maximum(worst - value, 0))  # Gumbel-max: drawn in proportion to 1 + regret
                score = np.where(eligible, score * 1e6 + regrets + rng.gumbel(size=(k, n)), -np.inf)
            j = score.argmax(axis=1)
            lo = es[rows, j]
            hi = None if latest is None else np.maximum(latest[rows, j], lo)
            s, grown = self._earliest(avail, windows, j, lo, hi, ends)
            if grown is not avail:
                avail, windows = grown, _windows(grown, self.near)
            starts[rows, j] = s
            eligible[rows, j] = False
            self._release(rows, j, s, es, waiting, eligible)
        return starts

    def _earliest(self, avail, windows, j, lo, hi, ends) -> tuple[np.ndarray, np.ndarray]:
        """Earliest start >= ``lo`` (<= ``hi`` when given) where activity ``j[k]`` fits, booked into ``avail``;
        returns the starts and ``avail``, a longer copy when the horizon was too short."""
        busy = self.busy[j]
        if busy.all():
            s, kk = lo, np.arange(len(j))
        elif not busy.any():
            return lo, avail
        else:
            s, kk = lo.copy(), np.flatnonzero(busy)
            j, lo = j[kk], lo[kk]
            hi = None if hi is None else hi[kk]
        d, q_all = self.dur[j], self.req[j]
        used = np.flatnonzero(q_all.any(axis=0))
        q = q_all[:, used]
        start, found = self._near(windows, kk, used, q, d, lo, hi)
        if not found.all():
            miss = np.flatnonzero(~found)
            start[miss], avail = self._anywhere(
                avail, kk[miss], used, q[miss], d[miss], lo[miss], None if hi is None else hi[miss], ends
            )
        _book(avail, kk, q_all, start, d)
        if len(kk) == len(s):
            return start, avail
        s[kk] = start
        return s, avail

    def _near(self, windows, kk, used, q, d, lo, hi) -> tuple[np.ndarray, np.ndarray]:
        """First fit within ``_NEAR`` periods of each earliest start, where most activities fit: a gather of
        those windows is much less work than a scan of the whole horizon. Returns starts and which fit."""
        width = self.near
        if int(lo.max()) >= windows.shape[2]:
            return lo.copy(), np.zeros(len(lo), bool)
        window = windows[kk[:, None], used[None, :], lo[:, None]]  # (K, used resources, width)
        ok = (window >= q[:, :, None]).all(axis=1)
        t = np.arange(width)
        next_bad = np.minimum.accumulate(np.where(ok, width, t)[:, ::-1], axis=1)[:, ::-1]
        fits = (next_bad - t >= d[:, None]) & (t <= _NEAR)
        if hi is not None:
            fits &= t <= (hi - lo)[:, None]
        return lo + fits.argmax(axis=1), fits.any(axis=1)

    def _anywhere(self, avail, kk, used, q, d, lo, hi, ends) -> tuple[np.ndarray, np.ndarray]:
        """First fit from each earliest start on, growing the horizon when needed; within float, where the
        activity adds the least overload when it fits nowhere by ``hi``."""
        while True:
            horizon = avail.shape[2]
            first = int(min(lo.min(), horizon - 1))
            window = avail[kk[:, None], used[None, :], first:]
            width = window.shape[2]
            ok = (window >= q[:, :, None]).all(axis=1)
            t = np.arange(width)
            next_bad = np.minimum.accumulate(np.where(ok, width, t)[:, ::-1], axis=1)[:, ::-1]
            fits = ((next_bad - t >= d[:, None]) | (next_bad == width)) & (t >= (lo - first)[:, None])
            if hi is not None:
                fits &= t <= (hi - first)[:, None]
            start = fits.argmax(axis=1) + first
            found = fits.any(axis=1)
            if hi is not None and not found.all():
                miss = ~found
                start[miss] = first + _least_overload(window[miss], q[miss], d[miss], lo[miss] - first,
                                                      hi[miss] - first)
                found[:] = True
            if found.all() and (start + d).max() <= horizon:
                return start, avail
            avail = self._grow(avail, int(max((start + d).max(), lo.max() + d.max())) + 1, ends)

    def _release(self, rows, j, s, es, waiting, eligible) -> None:
        """Activities ``j`` started at ``s``: raise their successors' earliest starts and count them down."""
        count = self.out_deg[j]
        total = int(count.sum())
        if not total:
            return
        r = np.repeat(rows, count)
        pos = np.repeat(self.out_start[j] - (np.cumsum(count) - count), count) + np.arange(total)
        c = self.out_succ[pos]
        es[r, c] = np.maximum(es[r, c], np.repeat(s, count) + self.out_delta[pos])
        waiting[r, c] -= 1
        eligible[r, c] = waiting[r, c] == 0

    # ---- the parallel SGS

    def parallel(self, keys: np.ndarray, *, horizon: int) -> np.ndarray:
        """Parallel SGS: at each decision time start every eligible activity that fits, highest key first,
        then move on to the next finish, earliest start or capacity change (non-delay schedules)."""
        net = self.net
        k, n = keys.shape
        rows = np.arange(k)
        es = np.broadcast_to(net.release, (k, n)).copy()
        waiting = np.broadcast_to(self.indeg, (k, n)).copy()
        eligible = waiting == 0
        starts = np.zeros((k, n), dtype=np.int64)
        finish = np.full((k, n), -1, dtype=np.int64)
        left = np.full(k, n)
        now = np.zeros(k, dtype=np.int64)
        changes = np.flatnonzero((np.diff(net.capacity, axis=1) != 0).any(axis=0)) + 1
        span = max(int(self.dur.max()), 1)
        last_period = np.maximum(self.dur - 1, 0)
        demand = self.req.T[None]  # (1, R, n)
        avail = self._avail(k, horizon, None)
        resources = np.arange(avail.shape[1])
        for step in itertools.count():
            if not (left > 0).any():
                break
            if step % 64 == 63 and self.stop():
                raise _Stopped
            if now.max() + span > avail.shape[2]:
                avail = self._grow(avail, int(now.max()) + span + 1, None)
            window = avail[rows[:, None, None], resources[None, :, None], now[:, None, None] + np.arange(span)]
            lowest = np.minimum.accumulate(window, axis=2)[:, :, last_period]  # (K, R, n): least over d
            fits = (lowest >= demand).all(axis=1) | ~self.busy[None, :]
            candidate = eligible & (es <= now[:, None]) & fits
            go = candidate.any(axis=1)
            if go.any():
                kk = np.flatnonzero(go)
                j = np.where(candidate[kk], keys[kk], -np.inf).argmax(axis=1)
                s = now[kk]
                _book(avail, kk, self.req[j], s, self.dur[j] * self.busy[j])
                starts[kk, j] = s
                finish[kk, j] = s + self.dur[j]
                eligible[kk, j] = False
                left[kk] -= 1
                self._release(kk, j, s, es, waiting, eligible)
            wait = np.flatnonzero((left > 0) & ~go)
            if len(wait):
                t = now[wait, None]
                nxt = np.minimum(
                    np.where(finish[wait] > t, finish[wait], _NEVER).min(axis=1),
                    np.where(eligible[wait] & (es[wait] > t), es[wait], _NEVER).min(axis=1),
                )
                if len(changes):
                    change = changes[np.searchsorted(changes, now[wait], side="right").clip(max=len(changes) - 1)]
                    nxt = np.minimum(nxt, np.where(change > now[wait], change, _NEVER))
                now[wait] = nxt
        return starts


def _windows(avail: np.ndarray, width: int) -> np.ndarray:
    """``avail`` (K, R, T) seen as (K, R, T-width+1, width): ``windows[k, r, t] = avail[k, r, t:t+width]``."""
    return np.lib.stride_tricks.sliding_window_view(avail, width, axis=2)


def _book(avail: np.ndarray, rows: np.ndarray, q: np.ndarray, start: np.ndarray, d: np.ndarray) -> None:
    """Take ``q[k]`` units of each resource from schedule ``rows[k]`` in periods ``start[k] .. +d[k]-1``: one
    subtraction over the flat indices of exactly those cells."""
    _, resources, horizon = avail.shape
    pk, pr = np.nonzero((q > 0) & (d > 0)[:, None])
    count = d[pk]
    base = (rows[pk] * resources + pr) * horizon + start[pk]
    cells = np.repeat(base - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    avail.reshape(-1)[cells] -= np.repeat(q[pk, pr], count)


def _least_overload(window, q, d, lo, hi) -> np.ndarray:
    """Start in ``lo .. hi`` where the activity adds the least load above capacity (ties: the earliest)."""
    extra = np.maximum(q[:, :, None] - np.maximum(window, 0), 0).sum(axis=1)
    cum = np.concatenate([np.zeros((len(extra), 1), extra.dtype), np.cumsum(extra, axis=1)], axis=1)
    t = np.arange(extra.shape[1])
    end = np.minimum(t[None, :] + d[:, None], extra.shape[1])
    cost = (np.take_along_axis(cum, end, axis=1) - cum[:, :-1]).astype(float)
    cost[(t[None, :] < lo[:, None]) | (t[None, :] > hi[:, None])] = np.inf
    return cost.argmin(axis=1)


# ------------------------------------------------------------------------------------------------ heuristic


class _Clock:
    """Elapsed time, the cancel callback and rate-limited progress reports."""

    def __init__(self, limit: float, progress: Progress | None, cancel: Cancel | None):
        self.t0 = time.perf_counter()
        self.limit = limit
        self.progress = progress
        self.cancel = cancel
        self.cancelled = False
        self._reported = -math.inf

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def stop(self) -> bool:
        """True once the time limit has passed or ``cancel()`` said so."""
        if not self.cancelled and self.cancel is not None and self.cancel():
            self.cancelled = True
        return self.cancelled or self.elapsed() >= self.limit

    def report(self, message: str, *, final: bool = False) -> None:
        now = self.elapsed()
        if self.progress is not None and (final or now - self._reported >= PROGRESS_EVERY):
            self._reported = now
            self.progress(1.0 if final else min(now / self.limit, 1.0), message)


class _Search:
    """Priority-rule passes, then a biased random-key genetic algorithm with forward-backward improvement
    (within float: regret-biased sampling inside the float windows instead). Keeps the best schedule."""

    def __init__(self, net: _Network, seed: int, clock: _Clock, max_schedules: int | None, within_float: bool):
        self.net = net
        self.rng = np.random.default_rng(seed)
        self.clock = clock
        self.until = clock.limit  # seconds of the clock the current run may take
        self.max_schedules = max_schedules
        self.within_float = within_float
        self.forward = _Decoder(net, reverse=False)
        self.backward = _Decoder(net, reverse=True)
        self.stepping = False  # batches may be abandoned only within `step`, once there is a schedule
        self.forward.stop = self.backward.stop = lambda: self.stepping and self.best_score is not None and self.done()
        self.es = net.early_starts()
        self.cpm_makespan = int((self.es + net.dur).max())
        self.ls = net.late_starts(self.cpm_makespan)
        self.lower_bound = max(self.cpm_makespan, net.resource_bound())
        self.priority_class = np.unique(net.priority, return_inverse=True)[1].reshape(-1).astype(float)
        self.weight = net.priority - net.priority.min() + 1  # of the starts, for ties between equal makespans
        self.schedules = 0
        self.best = np.zeros(net.n, dtype=np.int64)
        self.best_score: tuple[int, ...] | None = None
        self.keys: np.ndarray | None = None  # the GA's next generation, and its elite with their scores
        self.elite = self.elite_scores = None

    # ---- scores: (late periods, overload, makespan, weighted starts), lower is better, in that order

    def scores(self, starts: np.ndarray) -> np.ndarray:
        net = self.net
        finish = starts + net.dur
        late = np.maximum(finish - net.deadline, 0).sum(axis=1)
        overload = _overload(net, starts) if self.within_float else np.zeros(len(starts), dtype=np.int64)
        return np.stack([late, overload, finish.max(axis=1), (starts * self.weight).sum(axis=1)], axis=1)

    def consider(self, starts: np.ndarray) -> np.ndarray:
        """Count ``starts`` as evaluated and keep the best of them; returns their scores."""
        self.schedules += len(starts)
        scores = self.scores(starts)
        k = int(np.lexsort(scores.T[::-1])[0])
        score = tuple(scores[k].tolist())
        if self.best_score is None or score < self.best_score:
            self.best, self.best_score = starts[k].copy(), score
        return scores

    def solved(self) -> bool:
        """The best schedule cannot be beaten: no lateness or overload, the makespan at the lower bound (within
        float it cannot move), and no priorities to weigh."""
        if self.best_score is None:
            return False
        late, overload, makespan, _ = self.best_score
        short = self.within_float or makespan <= self.lower_bound
        return late == 0 and overload == 0 and short and bool((self.weight == 1).all())

    def done(self) -> bool:
        if self.solved() or (self.max_schedules is not None and self.schedules >= self.max_schedules):
            return True
        return self.clock.stop() or self.clock.elapsed() >= self.until

    def room(self, wanted: int) -> int:
        """How many of ``wanted`` schedules ``max_schedules`` still allows."""
        if self.max_schedules is None:
            return wanted
        return max(0, min(wanted, self.max_schedules - self.schedules))

    def horizon(self) -> int:
        """A profile length most schedules fit in (the decoders grow it when one does not)."""
        makespan = self.best_score[2] if self.best_score is not None else 2 * self.lower_bound
        return int(max(makespan, self.lower_bound) * 5 // 4) + int(self.net.dur.max()) + 1

    # ---- keys

    def rule_keys(self, rules: Sequence[Rule]) -> np.ndarray:
        """One row of keys per rule: the priority class first, the rule's value (scaled into [0, 1)) next."""
        net = self.net
        values = {
            Rule.LFT: -(self.ls + net.dur),
            Rule.LST: -self.ls,
            Rule.MSLK: -(self.ls - self.es),
            Rule.MTS: self.total_successors(),
            Rule.GRPW: net.dur + np.bincount(net.pred, weights=net.dur[net.succ], minlength=net.n),
            Rule.GRD: net.work,
            Rule.SPT: -net.dur,
        }
        rows = []
        for rule in rules:
            v = values[rule].astype(float)
            rows.append(2 * self.priority_class + (v - v.min()) / (v.max() - v.min() + 1))
        return np.array(rows)

    def total_successors(self) -> np.ndarray:
        """How many activities follow each one, directly or not (bitsets as Python integers)."""
        net = self.net
        out = _adjacency(net.n, net.pred, net.succ, net.delta)
        reach = [0] * net.n
        for i in net.order[::-1].tolist():
            for j, _ in out(i):
                reach[i] |= reach[j] | (1 << j)
        return np.array([bits.bit_count() for bits in reach], dtype=float)

    # ---- the search

    def run(self, until: float, stall: int | None = None) -> None:
        """Search until ``until`` seconds of the clock, the schedule budget or a cancel; with ``stall``, stop
        after that many batches without a better schedule. A second run goes on where the first stopped."""
        self.until = until
        if self.best_score is None:
            self.step()  # the priority-rule passes run whatever the budget: there is always a schedule
        stalled = 0
        while not self.done() and (stall is None or stalled < stall):
            before = self.best_score
            if not self.step():
                break
            stalled = 0 if before is None or self.best_score < before else stalled + 1

    def step(self) -> bool:
        """One batch: the priority-rule passes first, then a GA generation (within float: random samples).
        False when the schedule budget leaves no room for it, or the time ran out in the middle of it."""
        self.stepping = True
        try:
            return self._step()
        except _Stopped:
            return False
        finally:
            self.stepping = False

    def _step(self) -> bool:
        if self.best_score is None:
            keys = self.rule_keys(list(Rule))
            latest = np.broadcast_to(self.ls, keys.shape) if self.within_float else None
            self.consider(self.forward.serial(keys, horizon=self.horizon(), latest=latest))
            self.keys = np.concatenate([keys, self.rng.random((_POPULATION - len(keys), self.net.n))])
            parallel = self.rule_keys([Rule.LFT, Rule.MSLK, Rule.MTS, Rule.GRPW])[: self.room(4)]
            if not self.within_float and len(parallel) and not self.done():
                self.consider(self.forward.parallel(parallel, horizon=self.horizon()))
        elif self.within_float:
            if not self.room(1):
                return False
            self._sample()
        elif not self._generation():
            return False
        self.clock.report(self.message())
        return True

    def _sample(self) -> None:
        """Within float: a batch of regret-biased random samples on the latest finish, inside the float windows."""
        k = self.room(32)
        keys = np.broadcast_to(self.priority_class, (k, self.net.n))
        latest = np.broadcast_to(self.ls, keys.shape)
        lf = (self.ls + self.net.dur).astype(float)
        self.consider(self.forward.serial(keys, horizon=self.horizon(), latest=latest, regret=(lf, self.rng)))

    def _generation(self) -> bool:
        """One generation of the biased random-key GA: the elite survives, children take each key from an
        elite parent with probability 0.7 and from a non-elite one otherwise, random newcomers join. Each
        individual is decoded by the serial SGS and justified, and its keys become its justified start order.
        False when the schedule budget leaves no room for it."""
        k = self.room(3 * len(self.keys)) // 3
        if k == 0:
            return False
        justified = self._justify(self.forward.serial(self.keys[:k], horizon=self.horizon()))
        scores = self.scores(justified)
        keys = -justified / (justified.max(axis=1, keepdims=True) + 1.0)
        if self.elite is not None:
            keys, scores = np.concatenate([self.elite, keys]), np.concatenate([self.elite_scores, scores])
        order = np.lexsort(scores.T[::-1])
        self.elite, self.elite_scores = keys[order[:_ELITE]], scores[order[:_ELITE]]
        others = keys[order[_ELITE:]] if len(order) > _ELITE else self.elite
        children = _POPULATION - _ELITE - _MUTANTS
        a = self.elite[self.rng.integers(0, len(self.elite), children)]
        b = others[self.rng.integers(0, len(others), children)]
        inherit = self.rng.random(a.shape) < _INHERIT
        self.keys = np.concatenate([np.where(inherit, a, b), self.rng.random((_MUTANTS, self.net.n))])
        return True

    def _justify(self, starts: np.ndarray) -> np.ndarray:
        """Forward-backward improvement: right-justify in order of finish, then left-justify in order of start.
        No activity's slot is taken by one justified before it, so the makespan does not grow."""
        net = self.net
        self.consider(starts)
        finish = starts + net.dur
        ends = finish.max(axis=1)
        release = np.clip(ends[:, None] - np.maximum(net.deadline, finish), 0, None)  # deadlines, mirrored
        mirrored = self.backward.serial(finish.astype(float), horizon=int(ends.max()) + 1, release=release,
                                        ends=ends)
        right = ends[:, None] - mirrored - net.dur
        self.consider(right)
        left = self.forward.serial(-right.astype(float), horizon=int(ends.max()) + 1)
        self.consider(left)
        return left

    def message(self) -> str:
        return f"heuristic: makespan {self.best_score[2]}, lower bound {self.lower_bound}, {self.schedules} schedules"

    # ---- the result

    def result(self, starts: np.ndarray | None = None, *, status: Status | None = None, lower_bound: int = 0,
               solver_time: float = 0.0) -> Result:
        """The best schedule (or ``starts``) as a :class:`Result`; the status follows from the schedule unless
        given (a proof from the solver)."""
        net = self.net
        starts = self.best if starts is None else starts
        finish = starts + net.dur
        makespan = int(finish.max())
        late = tuple(net.ids[k] for k in np.flatnonzero(finish > net.deadline).tolist())
        over = _over_allocations(net, starts)
        bound = max(self.lower_bound, lower_bound)
        if status is None:
            if late:
                status = Status.UNKNOWN
            elif makespan <= bound and not over:
                status = Status.OPTIMAL
            else:
                status = Status.FEASIBLE
        if not late:
            bound = min(bound, makespan)
        self.clock.report(f"{status}: makespan {makespan}, lower bound {bound}", final=True)
        return Result(
            starts=dict(zip(net.ids, starts.tolist(), strict=True)),
            finishes=dict(zip(net.ids, finish.tolist(), strict=True)),
            makespan=makespan,
            status=status,
            lower_bound=bound,
            gap=(makespan - bound) / bound if bound else 0.0,
            unleveled_makespan=self.cpm_makespan,
            schedules=self.schedules,
            elapsed=self.clock.elapsed(),
            solver_time=solver_time,
            over_allocations=over,
            late=late,
            cancelled=self.clock.cancelled,
        )


def _load(net: _Network, starts: np.ndarray) -> np.ndarray:
    """Load (schedules x resources x periods) of ``starts`` (schedules x activities)."""
    k = len(starts)
    horizon = int((starts + net.dur).max()) + 1
    diff = np.zeros((k, net.req.shape[1], horizon + 1), dtype=np.int64)
    rows = np.repeat(np.arange(k), net.n)
    for r in range(net.req.shape[1]):
        q = np.tile(net.req[:, r], k)
        np.add.at(diff[:, r, :], (rows, starts.ravel()), q)
        np.add.at(diff[:, r, :], (rows, (starts + net.dur).ravel()), -q)
    return np.cumsum(diff, axis=2)[:, :, :horizon]


def _overload(net: _Network, starts: np.ndarray) -> np.ndarray:
    """Units above capacity summed over resources and periods, per schedule."""
    load = _load(net, starts)
    return np.maximum(load - net.profile(0, load.shape[2])[None], 0).sum(axis=(1, 2))


def _over_allocations(net: _Network, starts: np.ndarray) -> tuple[OverAllocation, ...]:
    load = _load(net, starts[None])[0]
    cap = net.profile(0, load.shape[1])
    found = []
    for r in range(load.shape[0]):
        over = np.concatenate([[0], (load[r] > cap[r]).astype(np.int8), [0]])
        edges = np.flatnonzero(np.diff(over))
        for a, b in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True):
            peak = a + int(np.argmax(load[r, a:b] - cap[r, a:b]))
            users = np.flatnonzero((net.req[:, r] > 0) & (starts < b) & (starts + net.dur > a))
            found.append(OverAllocation(net.resource_ids[r], a, b, int(load[r, peak]), int(cap[r, peak]),
                                        tuple(net.ids[j] for j in users.tolist())))
    return tuple(found)


# ------------------------------------------------------------------------------------------------ exact mode


def _exact(search: _Search, workers: int, seed: int) -> Result:
    """CP-SAT from the heuristic's best schedule (the hint; its makespan is the horizon), while the GA goes on
    in this thread: on large instances it improves a schedule faster than the solver, which proves the bound.
    The better schedule wins. Within float the solver's objective differs from the heuristic's, so it alone
    searches."""
    net, clock = search.net, search.clock
    late, _, makespan, _ = search.best_score
    if clock.stop() or search.solved():
        return search.result()
    within = search.within_float
    horizon = search.cpm_makespan if within else makespan if not late else _safe_horizon(net)
    ls = search.ls if within else net.late_starts(horizon)
    if (ls < search.es).any():  # the deadlines cannot all be met, whatever the resources
        return search.result(status=Status.INFEASIBLE)
    model = _CpSat(search, horizon, ls, workers, seed)
    search.until = clock.limit
    found = model.solve(search.best, clock.limit - clock.elapsed(),
                        beside=None if within else lambda: not search.done() and search.step())
    if model.infeasible:
        return search.result(status=Status.INFEASIBLE, solver_time=model.time)
    if found is not None and within:
        search.best = found
    elif found is not None:
        search.consider(found[None])
    starts = _left_justify(search, search.best)
    if not within and (search.weight > 1).any() and not clock.stop():
        starts = model.prefer(starts, search.weight, clock.limit - clock.elapsed())
    if within:
        overload = search.scores(starts[None])[0, 1]
        status = Status.OPTIMAL if model.proven or not overload else Status.FEASIBLE
        return search.result(starts, status=status, solver_time=model.time)
    status = Status.OPTIMAL if model.proven else Status.FEASIBLE
    return search.result(starts, status=status, lower_bound=model.bound, solver_time=model.time)


class _CpSat:
    """The CP-SAT model of a search's problem: an interval per activity that needs capacity, a cumulative per
    resource, the links as linear inequalities, the makespan to minimise (within float: first the work left
    outside the capacity). Solvable several times from different hints."""

    def __init__(self, search: _Search, horizon: int, ls: np.ndarray, workers: int, seed: int):
        from ortools.sat.python import cp_model  # noqa: PLC0415 (loaded only when the exact mode runs)

        self.cp_model = cp_model
        self.search = search
        net = search.net
        within = search.within_float
        model = self.model = cp_model.CpModel()
        start = self.start = [model.new_int_var(int(a), int(b), f"s{j}") for j, (a, b) in enumerate(
            zip(search.es, ls, strict=True))]
        for i, j, d in zip(net.pred.tolist(), net.succ.tolist(), net.delta.tolist(), strict=True):
            model.add(start[j] >= start[i] + d)
        end = self.end = model.new_int_var(0 if within else search.lower_bound, horizon, "makespan")
        for j in range(net.n):
            model.add(end >= start[j] + int(net.dur[j]))
        busy = np.flatnonzero(search.forward.busy).tolist()
        self.fits = {j: model.new_bool_var(f"fits{j}") for j in busy} if within else {}
        intervals = {
            j: model.new_optional_fixed_size_interval_var(start[j], int(net.dur[j]), self.fits[j], f"i{j}")
            if within else model.new_fixed_size_interval_var(start[j], int(net.dur[j]), f"i{j}")
            for j in busy
        }
        # the makespan as an interval filling every resource from the end: cumulative reasoning then bounds it
        tail = model.new_interval_var(end, model.new_int_var(0, horizon, "tail"), horizon, "after")
        for r in range(net.req.shape[1]):
            users = [j for j in busy if net.req[j, r]]
            if not users:
                continue
            top = int(net.capacity[r].max())
            tasks = [intervals[j] for j in users] + [tail]
            demands = [int(net.req[j, r]) for j in users] + [top]
            for a, b, c in _capacity_runs(net.capacity[r], horizon):
                if c < top:  # less capacity in periods a .. b-1: a fixed task takes the difference
                    tasks.append(model.new_fixed_size_interval_var(a, b - a, f"cap{r}_{a}"))
                    demands.append(top - c)
            model.add_cumulative(tasks, demands, top)
        if within:
            outside = sum((1 - fit) * int(net.work[j]) for j, fit in self.fits.items())
            model.minimize(outside * (horizon + 1) + end)
        else:
            model.minimize(end)
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = workers
        self.solver.parameters.random_seed = seed
        self.solver.parameters.push_all_tasks_toward_start = True
        self.time = 0.0
        self.bound = 0
        self.proven = self.infeasible = False

    def solve(self, hint: np.ndarray, seconds: float, beside: Callable[[], bool] | None = None) -> np.ndarray | None:
        """The solver's best schedule within ``seconds``, or None; keeps its bound and whether it proved it.
        ``beside()`` runs in this thread meanwhile, as long as it returns True."""
        cp_model, model = self.cp_model, self.model
        model.clear_hints()
        for var, value in zip(self.start, hint.tolist(), strict=True):
            model.add_hint(var, value)
        if self.fits:
            for j, fit in _fitting(self.search.net, hint).items():
                model.add_hint(self.fits[j], fit)
        self.solver.parameters.max_time_in_seconds = max(seconds, 0.001)
        code, taken = _solve(self.solver, model, self.search.clock, beside)
        self.time += taken
        self.infeasible = code == cp_model.INFEASIBLE
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        self.proven = code == cp_model.OPTIMAL
        if not self.search.within_float:
            self.bound = max(self.bound, math.ceil(self.solver.best_objective_bound - 1e-6))
        return np.array([self.solver.value(s) for s in self.start], dtype=np.int64)

    def prefer(self, starts: np.ndarray, weight: np.ndarray, seconds: float) -> np.ndarray:
        """Priorities: the same makespan, high-priority activities as early as possible."""
        net = self.search.net
        self.model.add(self.end <= int((starts + net.dur).max()))
        self.model.minimize(sum(int(w) * s for w, s in zip(weight, self.start, strict=True)))
        proven, bound = self.proven, self.bound  # of the makespan, which this solve does not change
        found = self.solve(starts, seconds)
        self.proven, self.bound = proven, bound
        return starts if found is None else found


def _solve(solver, model, clock: _Clock, beside: Callable[[], bool] | None) -> tuple[int, float]:
    """Solve in a thread (CP-SAT releases the GIL) while this thread runs ``beside()``, polls ``cancel`` and
    reports progress, so the caller's callbacks run in the caller's thread. Returns the status code and the
    seconds taken."""
    outcome = {}
    t0 = time.perf_counter()
    thread = threading.Thread(target=lambda: outcome.update(code=solver.solve(model)), daemon=True)
    thread.start()
    while thread.is_alive():
        if beside is None or not beside():
            beside = None
            thread.join(0.05)
        if thread.is_alive():
            if clock.stop():
                solver.stop_search()
            clock.report("exact: CP-SAT searching")
    return outcome["code"], time.perf_counter() - t0


def _left_justify(search: _Search, starts: np.ndarray) -> np.ndarray:
    """Move every activity as early as the ones before it allow, in the order of the solver's starts (a solver
    leaves activities anywhere in their slack); kept only when no worse."""
    net = search.net
    latest = np.broadcast_to(search.ls, (1, net.n)) if search.within_float else None
    shifted = search.forward.serial(-starts[None].astype(float), horizon=int((starts + net.dur).max()) + 1,
                                    latest=latest)[0]
    before, after = search.scores(np.stack([starts, shifted])).tolist()
    return shifted if after <= before else starts


def _fitting(net: _Network, starts: np.ndarray) -> dict[int, bool]:
    """Which busy activities of a schedule fit within the capacity, greedily in order of start."""
    cap = net.profile(0, int((starts + net.dur).max()) + 1).copy()
    fits = {}
    for j in np.argsort(starts, kind="stable").tolist():
        if net.dur[j] and net.req[j].any():
            a, b = int(starts[j]), int(starts[j] + net.dur[j])
            fits[j] = bool((cap[:, a:b] >= net.req[j][:, None]).all())
            if fits[j]:
                cap[:, a:b] -= net.req[j][:, None]
    return fits


def _capacity_runs(capacity: np.ndarray, horizon: int) -> list[tuple[int, int, int]]:
    """Maximal runs ``(first, end, capacity)`` of equal capacity over periods ``0 .. horizon-1``."""
    values = capacity[np.clip(np.arange(max(horizon, 1)), 0, len(capacity) - 1)]
    bounds = [0, *(np.flatnonzero(np.diff(values)) + 1).tolist(), len(values)]
    return [(a, b, int(values[a])) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _safe_horizon(net: _Network) -> int:
    """A makespan no serial schedule exceeds: all activities one after another, after the latest release,
    every positive lag waited out, past the end of the capacity profile."""
    return int(net.release.max() + net.dur.sum() + np.maximum(net.delta, 0).sum() + net.capacity.shape[1])
