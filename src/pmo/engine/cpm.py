"""Critical path method over an activity network, vectorised by topological level.

With one :class:`~pmo.engine.calendar.WorkCalendar` all arithmetic is in working days on it (offsets
from its origin); dates appear only at the edges. The network is split into topological levels once,
then every level is one batch of numpy operations in each pass, so the Python overhead grows with the
depth of the network, not with its size.

Activities may have their own calendars (MS Project's task calendars). The passes then run on one
time axis of instants (minutes since 1970) and convert per activity: its duration is worked on its
calendar, the lag of a link into it is counted on its calendar, and it starts at the next working
instant of its calendar (a milestone may stay at the end of a working period), as MS Project and
MPXJ's MicrosoftScheduler do. Floats are working days of each activity's own calendar. Offsets would
not do as the common axis: the end of Friday's work and the start of Monday's are one offset on a
Monday-Friday calendar but two instants for a calendar that works on Saturday.

Summary tasks become two zero-duration nodes, *summary start* and *summary finish*: links into the
summary hold its start node, which every child follows (SS 0); every child feeds its finish node
(FF 0), which links out of the summary leave from. That is how MS Project applies summary links to
the children, including the "min of child starts" an SS link out of a summary needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import numpy as np

from pmo.engine.calendar import WorkCalendar
from pmo.engine.network import CycleError, topological_levels

Moment = date | datetime

EPS = 1e-9


class ScheduleError(ValueError):
    """The activities or links cannot form a schedulable network (unknown ids, bad summary links...)."""


class LinkType(StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class Constraint(StrEnum):
    ASAP = "ASAP"
    ALAP = "ALAP"
    SNET = "SNET"
    SNLT = "SNLT"
    FNET = "FNET"
    FNLT = "FNLT"
    MSO = "MSO"
    MFO = "MFO"


_DATED = {Constraint.SNET, Constraint.SNLT, Constraint.FNET, Constraint.FNLT, Constraint.MSO, Constraint.MFO}
_FINISH_CONSTRAINTS = {Constraint.FNET, Constraint.FNLT, Constraint.MFO}
# code >= 2: the link leaves from the predecessor's finish; odd code: it lands on the successor's finish
_TYPE_CODE = {LinkType.SS: 0, LinkType.SF: 1, LinkType.FS: 2, LinkType.FF: 3}
_TYPE_NAMES = np.array(["SS", "SF", "FS", "FF"])


def _finite(value: float, what: str, owner: str) -> None:
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ScheduleError(f"{owner}: {what} must be a finite number, got {value!r}")


@dataclass(frozen=True, slots=True)
class Activity:
    """A task, milestone (duration 0) or summary (any activity that is someone's ``parent``).

    ``duration`` and ``remaining`` are working days of the calendar, or calendar days when
    ``elapsed``. ``percent_complete`` > 0 needs ``actual_start``; ``actual_finish`` completes it.
    ``calendar`` is the activity's own calendar (default: the run's).
    """

    id: str
    duration: float = 0.0
    elapsed: bool = False
    parent: str | None = None
    constraint: Constraint = Constraint.ASAP
    constraint_date: Moment | None = None
    deadline: Moment | None = None
    actual_start: Moment | None = None
    actual_finish: Moment | None = None
    percent_complete: float = 0.0
    remaining: float | None = None
    calendar: WorkCalendar | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ScheduleError(f"activity id must be a non-empty string, got {self.id!r}")
        _finite(self.duration, "duration", self.id)
        if self.duration < 0:
            raise ScheduleError(f"{self.id}: duration must be >= 0, got {self.duration}")
        try:
            object.__setattr__(self, "constraint", Constraint(self.constraint))
        except ValueError as exc:
            raise ScheduleError(f"{self.id}: unknown constraint {self.constraint!r}") from exc
        if (self.constraint in _DATED) != (self.constraint_date is not None):
            raise ScheduleError(
                f"{self.id}: constraint {self.constraint} "
                + ("needs a constraint_date" if self.constraint in _DATED else "takes no constraint_date")
            )
        _finite(self.percent_complete, "percent_complete", self.id)
        if not 0 <= self.percent_complete <= 100:
            raise ScheduleError(
                f"{self.id}: percent_complete must be within 0..100, got {self.percent_complete}"
            )
        if self.remaining is not None:
            _finite(self.remaining, "remaining", self.id)
            if self.remaining < 0:
                raise ScheduleError(f"{self.id}: remaining must be >= 0, got {self.remaining}")
        if (self.percent_complete > 0 or self.actual_finish is not None) and self.actual_start is None:
            raise ScheduleError(
                f"{self.id}: progress (percent complete or actual finish) needs an actual_start"
            )
        if self.actual_finish is not None and _key(self.actual_finish) < _key(self.actual_start):
            raise ScheduleError(f"{self.id}: actual_finish {self.actual_finish} is before actual_start")
        if self.parent == self.id:
            raise ScheduleError(f"{self.id}: an activity cannot be its own parent")

    @property
    def complete(self) -> bool:
        return self.actual_finish is not None or self.percent_complete >= 100


def _key(moment: Moment | None) -> datetime:
    return moment if isinstance(moment, datetime) else datetime.combine(moment, datetime.min.time())


@dataclass(frozen=True, slots=True)
class Link:
    """``pred`` -> ``succ`` of ``type``; ``lag`` in working days (calendar days when ``elapsed``)."""

    pred: str
    succ: str
    type: LinkType = LinkType.FS
    lag: float = 0.0
    elapsed: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "type", LinkType(self.type))
        except ValueError as exc:
            raise ScheduleError(f"link {self.pred}->{self.succ}: unknown type {self.type!r}") from exc
        _finite(self.lag, "lag", f"link {self.pred}->{self.succ}")
        if self.pred == self.succ:
            raise ScheduleError(f"link {self.pred}->{self.succ}: an activity cannot depend on itself")


@dataclass(frozen=True, slots=True)
class ActivityTimes:
    """One activity's row of a :class:`Schedule`: offsets in working days and their dates."""

    id: str
    early_start: float
    early_finish: float
    late_start: float
    late_finish: float
    start: float
    finish: float
    total_float: float
    free_float: float
    critical: bool
    summary: bool
    start_date: date
    finish_date: date


@dataclass(frozen=True, slots=True, eq=False)
class Schedule:
    """CPM result: arrays aligned with ``ids`` (sorted, so independent of input order), ``index``
    maps an id to its row. Times are working-day offsets on ``calendar`` (a whole offset is the start
    of a working day and the end of the previous one); floats are in working days. ``start`` and
    ``finish`` are the scheduled dates (early, or late for ALAP). Links are aligned with the input.

    With task calendars, ``calendar_index`` gives each activity's calendar in ``calendars`` (the first
    is ``calendar``); its times and floats are offsets and working days of that calendar, and
    ``start_offsets`` holds the project start on each calendar."""

    calendar: WorkCalendar
    ids: tuple[str, ...]
    index: dict[str, int]
    duration: np.ndarray
    early_start: np.ndarray
    early_finish: np.ndarray
    late_start: np.ndarray
    late_finish: np.ndarray
    start: np.ndarray
    finish: np.ndarray
    total_float: np.ndarray
    free_float: np.ndarray
    critical: np.ndarray
    summary: np.ndarray
    link_pred: np.ndarray
    link_succ: np.ndarray
    link_type: np.ndarray  # "FS"/"SS"/"FF"/"SF" per link
    driving: np.ndarray
    project_start: float
    project_finish: float
    status: float | None = None
    calendars: tuple[WorkCalendar, ...] = ()
    calendar_index: np.ndarray | None = None
    start_offsets: np.ndarray | None = None

    def __getitem__(self, activity_id: str) -> ActivityTimes:
        i = self.index[activity_id]
        row = np.array([i])
        start, finish = self.start_dates(rows=row)[0], self.finish_dates(rows=row)[0]
        return ActivityTimes(
            activity_id,
            *(float(a[i]) for a in (self.early_start, self.early_finish, self.late_start, self.late_finish)),
            float(self.start[i]),
            float(self.finish[i]),
            float(self.total_float[i]),
            float(self.free_float[i]),
            bool(self.critical[i]),
            bool(self.summary[i]),
            start.item(),
            finish.item(),
        )

    def start_dates(self, field: str = "start", rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Dates of a start field (``start``, ``early_start``, ``late_start``) as ``datetime64[D]``.

        A milestone on a day boundary after the project start shows on the day whose work led to it
        (MS Project's 17:00 milestone), not on the next working day.
        """
        offsets = getattr(self, field)[rows]
        whole = np.abs(offsets - np.round(offsets)) < EPS
        milestone = (self.duration[rows] == 0) & ~self.summary[rows]
        as_finish = milestone & whole & (offsets > self._project_start(rows) + EPS)
        return self._dates(np.where(as_finish, np.round(offsets), offsets), as_finish, rows)

    def finish_dates(self, field: str = "finish", rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Dates of a finish field: the working day each finish ends (a milestone at the project
        start stays on the start day)."""
        offsets = getattr(self, field)[rows]
        at_start = (self.duration[rows] == 0) & ~self.summary[rows] & (offsets <= self._project_start(rows) + EPS)
        return self._dates(offsets, ~at_start, rows)

    def _project_start(self, rows: np.ndarray | slice) -> np.ndarray | float:
        if self.calendar_index is None:
            return self.project_start
        return self.start_offsets[self.calendar_index[rows]]

    def _dates(self, offsets: np.ndarray, finish: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
        """Dates of offsets on each row's calendar, read as finishes where ``finish``."""
        out = np.empty(len(offsets), dtype="datetime64[D]")
        index = np.zeros(len(offsets), np.int64) if self.calendar_index is None else self.calendar_index[rows]
        for k in np.unique(index).tolist():
            calendar = self.calendars[k] if self.calendars else self.calendar
            for flag in (False, True):
                m = (index == k) & (finish == flag)
                out[m] = calendar.dates(offsets[m], finish=flag)
        return out

    def driving_predecessors(self, activity_id: str) -> tuple[str, ...]:
        """Predecessors whose link sets this activity's early start (all of them on a tie), sorted."""
        i = self.index[activity_id]
        found = self.link_pred[(self.link_succ == i) & self.driving]
        return tuple(sorted(self.ids[p] for p in set(found.tolist())))

    def critical_path(self) -> tuple[str, ...]:
        """Critical non-summary activities ordered by early start, then id."""
        rows = np.flatnonzero(self.critical & ~self.summary)
        when = self.early_start[rows]
        if self.calendar_index is not None:  # offsets of different calendars: compare the instants
            index = self.calendar_index[rows]
            for k in np.unique(index).tolist():
                when[index == k] = self.calendars[k].instants(when[index == k])
        rows = rows[np.lexsort((rows, when))]
        return tuple(self.ids[i] for i in rows.tolist())


@dataclass(slots=True)
class _Net:
    """Compiled network: sorted activities plus two marker nodes per summary, and link arrays."""

    ids: list[str]
    n_act: int
    dur: np.ndarray
    elapsed: np.ndarray
    lower: np.ndarray  # earliest start
    upper: np.ndarray  # latest start the constraints allow the forward pass (SNLT/FNLT/...)
    fixed_start: np.ndarray  # NaN unless MSO/MFO/progress pins the start
    fixed_finish: np.ndarray
    late_cap: np.ndarray  # latest finish from constraints and deadlines
    alap: np.ndarray
    done: np.ndarray
    pred: np.ndarray
    succ: np.ndarray
    from_finish: np.ndarray
    to_finish: np.ndarray
    lag: np.ndarray
    lag_elapsed: np.ndarray
    user_links: int
    summary_of: dict[int, int]  # summary activity index -> its finish marker node
    rollup: tuple[np.ndarray, np.ndarray]  # (summary index, leaf index) pairs
    clock: _Offsets | _Instants  # what the times are: offsets on one calendar, or instants
    start_at: float
    status: float | None


def schedule(
    activities: Iterable[Activity],
    links: Iterable[Link],
    calendar: WorkCalendar,
    *,
    start: Moment,
    status_date: Moment | None = None,
    finish: Moment | None = None,
) -> Schedule:
    """Forward and backward pass over the network.

    ``start`` is the project start; nothing starts before it. With ``status_date`` no remaining work
    is scheduled before it: unstarted activities start on or after it, and started ones resume their
    remaining duration there (progress override: their actual start is kept and predecessors no
    longer move them). Completed activities keep their actual dates and have no float. ``finish``
    fixes the project finish for the backward pass (default: the latest early finish).

    Constraints win over links, as in MS Project: a date the links cannot meet shows as negative
    float on the chain that misses it. ALAP activities are scheduled on their late dates.

    An activity with its own ``calendar`` is scheduled on it (module docstring).

    The objects become columns in one pass each (see :func:`schedule_columns`, which callers that
    already hold columns can use directly and skip the objects altogether).
    """
    acts = list(activities)
    if not acts:
        raise ScheduleError("nothing to schedule: no activities")
    links = list(links)
    ids = [a.id for a in acts]
    pos = dict(zip(ids, range(len(ids)), strict=True))
    if len(pos) != len(ids):
        seen: set[str] = set()
        dup = next(i for i in ids if i in seen or seen.add(i))
        raise ScheduleError(f"duplicate activity id {dup!r}")
    m = len(links)
    try:
        pred = np.fromiter(map(pos.__getitem__, [link.pred for link in links]), np.int64, m)
        succ = np.fromiter(map(pos.__getitem__, [link.succ for link in links]), np.int64, m)
    except KeyError as exc:
        raise ScheduleError(f"a link names an unknown activity {exc.args[0]!r}") from None
    details = [
        (pos[a.id], a)
        for a in acts
        if a.parent is not None or a.constraint is not Constraint.ASAP or a.deadline or a.actual_start
    ]
    calendars: dict[WorkCalendar, int] = {calendar: 0}
    calendar_index = None
    if any(a.calendar is not None and a.calendar != calendar for a in acts):
        calendar_index = np.fromiter(
            (calendars.setdefault(a.calendar, len(calendars)) if a.calendar is not None else 0 for a in acts),
            np.int64, len(acts),
        )
    parent = None
    if any(a.parent is not None for _, a in details):
        parent = np.full(len(acts), -1, dtype=np.int64)
        for k, a in details:
            if a.parent is not None:
                if a.parent not in pos:
                    raise ScheduleError(f"{a.id}: unknown parent {a.parent!r}")
                parent[k] = pos[a.parent]
    columns = _Columns(
        ids=np.array(ids),
        duration=np.fromiter([a.duration for a in acts], np.float64, len(acts)),
        elapsed=np.fromiter([a.elapsed for a in acts], bool, len(acts)),
        parent=parent,
        details=details,
        pred=pred,
        succ=succ,
        code=np.fromiter(map(_TYPE_CODE.__getitem__, [link.type for link in links]), np.int64, m),
        lag=np.fromiter([link.lag for link in links], np.float64, m),
        lag_elapsed=np.fromiter([link.elapsed for link in links], bool, m),
        calendars=tuple(calendars),
        calendar_index=calendar_index,
    )
    return _schedule(columns, start=start, status_date=status_date, finish=finish)


def schedule_columns(
    ids: Sequence[str] | np.ndarray,
    duration: Sequence[float] | np.ndarray,
    link_pred: Sequence[int] | np.ndarray,
    link_succ: Sequence[int] | np.ndarray,
    calendar: WorkCalendar,
    *,
    start: Moment,
    link_type: Sequence[str] | np.ndarray | None = None,
    link_lag: Sequence[float] | np.ndarray | None = None,
    elapsed: Sequence[bool] | np.ndarray | None = None,
    link_elapsed: Sequence[bool] | np.ndarray | None = None,
    parent: Sequence[int] | np.ndarray | None = None,
    details: Iterable[Activity] = (),
    calendars: Sequence[WorkCalendar] = (),
    calendar_index: Sequence[int] | np.ndarray | None = None,
    status_date: Moment | None = None,
    finish: Moment | None = None,
) -> Schedule:
    """:func:`schedule` from columns: the fast entry point for large networks.

    ``ids`` and ``duration`` (and ``elapsed``, ``parent``) are aligned per activity; ``link_pred`` and
    ``link_succ`` are *positions* in ``ids`` (not ids), aligned with ``link_type`` ("FS", "SS", "FF",
    "SF"; default FS), ``link_lag`` (default 0) and ``link_elapsed``. ``parent`` gives each activity's
    parent position, -1 for none. ``details`` are :class:`Activity` objects for the activities that
    carry a constraint, deadline or progress, matched by id; their duration, elapsed flag and parent
    are taken from the columns, not from the objects (and so is the calendar). ``calendar_index`` gives
    each activity's own calendar as a position in ``calendars``, -1 for ``calendar``. The result is the
    same as :func:`schedule` of the equivalent objects.
    """
    id_array = np.asarray(ids)
    n = len(id_array)
    if not n:
        raise ScheduleError("nothing to schedule: no activities")
    if id_array.dtype.kind != "U" or (id_array == "").any():
        raise ScheduleError("activity ids must be non-empty strings")
    dur = np.asarray(duration, dtype=np.float64)
    if dur.shape != (n,):
        raise ScheduleError(f"duration: expected {n} values, got {dur.shape}")
    bad = ~np.isfinite(dur) | (dur < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ScheduleError(f"{id_array[k]}: duration must be a finite number >= 0, got {dur[k]}")
    pred = np.asarray(link_pred, dtype=np.int64)
    succ = np.asarray(link_succ, dtype=np.int64)
    m = len(pred)
    if succ.shape != (m,):
        raise ScheduleError("link_pred and link_succ must have the same length")
    outside = (pred < 0) | (pred >= n) | (succ < 0) | (succ >= n)
    if outside.any():
        k = int(np.flatnonzero(outside)[0])
        raise ScheduleError(f"link {k}: position {pred[k]}->{succ[k]} is not an activity")
    loop = pred == succ
    if loop.any():
        k = id_array[pred[np.flatnonzero(loop)[0]]]
        raise ScheduleError(f"link {k}->{k}: an activity cannot depend on itself")
    if link_type is None:
        code = np.full(m, _TYPE_CODE[LinkType.FS], dtype=np.int64)
    else:
        names = np.asarray(link_type).astype(str)
        code = np.full(m, -1, dtype=np.int64)
        for kind, value in _TYPE_CODE.items():
            code[names == kind.value] = value
        if (code < 0).any():
            raise ScheduleError(f"unknown link type {str(names[np.flatnonzero(code < 0)[0]])!r}")
    lag = np.zeros(m) if link_lag is None else np.asarray(link_lag, dtype=np.float64)
    if not np.isfinite(lag).all():
        raise ScheduleError("link lags must be finite numbers")
    parent_pos = None
    if parent is not None:
        parent_pos = np.asarray(parent, dtype=np.int64)
        if ((parent_pos < -1) | (parent_pos >= n)).any():
            raise ScheduleError("parent positions must be -1 or an activity's position")
        if (parent_pos == np.arange(n)).any():
            k = int(np.flatnonzero(parent_pos == np.arange(n))[0])
            raise ScheduleError(f"{id_array[k]}: an activity cannot be its own parent")
        if not (parent_pos >= 0).any():
            parent_pos = None
    details = list(details)
    found: list[tuple[int, Activity]] = []
    if details:
        order = np.argsort(id_array)
        wanted = np.array([a.id for a in details])
        at = np.minimum(np.searchsorted(id_array[order], wanted), n - 1)
        missing = id_array[order][at] != wanted
        if missing.any():
            raise ScheduleError(f"details name an unknown activity {str(wanted[np.flatnonzero(missing)[0]])!r}")
        found = list(zip(order[at].tolist(), details, strict=True))
    index = None
    if calendar_index is not None:
        index = np.asarray(calendar_index, dtype=np.int64)
        if index.shape != (n,) or ((index < -1) | (index >= len(calendars))).any():
            raise ScheduleError(f"calendar_index: expected {n} positions in calendars (or -1)")
        index = index + 1
        if not index.any() or all(calendars[k - 1] == calendar for k in np.unique(index[index > 0]).tolist()):
            index = None  # every activity is on the run's calendar
    columns = _Columns(
        ids=id_array,
        duration=dur,
        elapsed=np.zeros(n, bool) if elapsed is None else np.asarray(elapsed, dtype=bool),
        parent=parent_pos,
        details=found,
        pred=pred,
        succ=succ,
        code=code,
        lag=lag,
        lag_elapsed=np.zeros(m, bool) if link_elapsed is None else np.asarray(link_elapsed, dtype=bool),
        calendars=(calendar, *calendars),
        calendar_index=index,
    )
    return _schedule(columns, start=start, status_date=status_date, finish=finish)


@dataclass(slots=True)
class _Columns:
    """Engine input by input position: activity columns, the activities with details, link columns."""

    ids: np.ndarray  # str
    duration: np.ndarray
    elapsed: np.ndarray
    parent: np.ndarray | None  # parent position or -1; None: no hierarchy
    details: list[tuple[int, Activity]]  # (position, activity) with a parent, constraint, deadline, progress
    pred: np.ndarray
    succ: np.ndarray
    code: np.ndarray  # _TYPE_CODE
    lag: np.ndarray
    lag_elapsed: np.ndarray
    calendars: tuple[WorkCalendar, ...]  # the run's calendar first
    calendar_index: np.ndarray | None  # each activity's position in calendars; None: all on the first


def _schedule(columns: _Columns, *, start: Moment, status_date: Moment | None, finish: Moment | None) -> Schedule:
    net = _compile(columns, start, status_date)
    levels = _levels(net)
    es, ef = _forward(net, levels)
    project_finish = float(ef.max()) if finish is None else net.clock.at(finish, finish=True)
    ls, lf = _backward(net, levels, es, ef, project_finish)
    return _result(net, es, ef, ls, lf, project_finish)


def _compile(cols: _Columns, start: Moment, status_date: Moment | None) -> _Net:
    order = np.argsort(cols.ids, kind="stable")  # activities are numbered by sorted id
    sorted_ids = cols.ids[order]
    n = len(sorted_ids)
    same = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
    if same.size:
        raise ScheduleError(f"duplicate activity id {str(sorted_ids[same[0]])!r}")
    ids = sorted_ids.tolist()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    special = [(int(rank[k]), a) for k, a in cols.details]
    parent = np.full(n, -1, dtype=np.int64)
    if cols.parent is not None:
        has = cols.parent >= 0
        parent[rank[has]] = rank[cols.parent[has]]
    _check_hierarchy(parent, ids)
    summaries = np.unique(parent[parent >= 0])
    summary_of = {int(s): n + j for j, s in enumerate(summaries.tolist())}
    n_nodes = n + len(summary_of)

    dur = np.zeros(n_nodes)
    dur[:n] = cols.duration[order]
    elapsed = np.zeros(n_nodes, dtype=bool)
    elapsed[:n] = cols.elapsed[order]
    if summary_of:
        dur[summaries] = 0.0
        elapsed[summaries] = False
    if cols.calendar_index is None:
        clock: _Offsets | _Instants = _Offsets(cols.calendars[0])
    else:
        node_calendar = np.zeros(n_nodes, dtype=np.int64)
        node_calendar[:n] = cols.calendar_index[order]
        node_calendar[n:] = node_calendar[summaries]  # a summary's finish marker keeps its calendar
        clock = _Instants(cols.calendars, node_calendar, dur == 0)
    start_at = clock.at(start)
    status = None if status_date is None else clock.at(status_date)
    lower = np.full(n_nodes, start_at)
    upper = np.full(n_nodes, np.inf)
    fixed_start = np.full(n_nodes, np.nan)
    fixed_finish = np.full(n_nodes, np.nan)
    late_cap = np.full(n_nodes, np.inf)
    alap = np.zeros(n_nodes, dtype=bool)
    done = np.zeros(n_nodes, dtype=bool)
    if status is not None:
        lower[:] = max(start_at, status)

    def shift(x: float, days: float, k: int, finish: bool = False) -> float:
        return float(clock.shift(np.array([x]), np.array([days]), elapsed[k : k + 1], finish, np.array([k]))[0])

    def fin(s: float, k: int) -> float:
        return shift(s, dur[k], k)

    def sta(f: float, k: int) -> float:
        return shift(f, -dur[k], k, finish=True)

    for k, a in special:
        node = k
        if k in summary_of and (a.constraint in _FINISH_CONSTRAINTS):
            node = summary_of[k]
        if a.deadline is not None:
            end = summary_of.get(k, k)
            late_cap[end] = min(late_cap[end], clock.at(a.deadline, end, finish=True))
        if a.constraint_date is not None:
            c = clock.at(a.constraint_date, node, finish=a.constraint in _FINISH_CONSTRAINTS)
            match a.constraint:
                case Constraint.SNET:
                    lower[node] = max(lower[node], c)
                case Constraint.FNET:
                    lower[node] = max(lower[node], sta(c, node))
                case Constraint.SNLT:
                    upper[node] = c
                    late_cap[node] = min(late_cap[node], fin(c, node))
                case Constraint.FNLT:
                    upper[node] = sta(c, node)
                    late_cap[node] = min(late_cap[node], c)
                case Constraint.MSO:
                    fixed_start[node] = c
                    late_cap[node] = min(late_cap[node], fin(c, node))
                case Constraint.MFO:
                    fixed_start[node] = sta(c, node)
                    fixed_finish[node] = c
                    late_cap[node] = min(late_cap[node], c)
        alap[k] = a.constraint is Constraint.ALAP
        if a.actual_start is not None and k not in summary_of:
            s = clock.at(a.actual_start, k)
            fixed_start[k] = s
            if a.complete:
                done[k] = True
                fixed_finish[k] = clock.at(a.actual_finish, k, finish=True) if a.actual_finish else fin(s, k)
            else:
                total = dur[k]
                worked = total * a.percent_complete / 100
                left = total - worked if a.remaining is None else a.remaining
                resume = shift(s, worked, k)
                if status is not None:
                    resume = max(resume, status)
                fixed_finish[k] = shift(resume, left, k)

    pred, succ, code = rank[cols.pred], rank[cols.succ], cols.code
    from_finish, to_finish = code >= 2, (code % 2) == 1
    lag, lag_elapsed = cols.lag, cols.lag_elapsed
    user_links = len(pred)

    rollup: tuple[np.ndarray, np.ndarray] = (np.empty(0, np.int64), np.empty(0, np.int64))
    if summary_of:
        is_summary = np.zeros(n, dtype=bool)
        is_summary[summaries] = True
        bad = is_summary[succ] & to_finish
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise ScheduleError(
                f"link {ids[pred[j]]}->{ids[succ[j]]}: a summary task cannot be the successor of an "
                f"{_TYPE_NAMES[code[j]]} link (MS Project allows only FS and SS into a summary)"
            )
        marker = np.arange(n_nodes)
        marker[summaries] = [summary_of[s] for s in summaries.tolist()]
        pred = np.where(from_finish & is_summary[pred], marker[pred], pred)
        children = np.flatnonzero(parent >= 0)
        child_end = np.where(np.isin(children, summaries), marker[children], children)
        pred = np.concatenate([pred, parent[children], child_end])
        succ = np.concatenate([succ, children, marker[parent[children]]])
        m = len(children)
        from_finish = np.concatenate([from_finish, np.zeros(m, bool), np.ones(m, bool)])
        to_finish = np.concatenate([to_finish, np.zeros(m, bool), np.ones(m, bool)])
        lag = np.concatenate([lag, np.zeros(2 * m)])
        lag_elapsed = np.concatenate([lag_elapsed, np.zeros(2 * m, bool)])
        rollup = _rollup_pairs(parent, is_summary)
    return _Net(
        ids, n, dur, elapsed, lower, upper, fixed_start, fixed_finish, late_cap, alap, done,
        pred, succ, from_finish, to_finish, lag, lag_elapsed, user_links, summary_of, rollup,
        clock, start_at, status,
    )  # fmt: skip


def _check_hierarchy(parent: np.ndarray, ids: list[str]) -> None:
    """Refuse a parent chain that comes back to itself, naming the activities on it."""
    parent_list = parent.tolist()
    cleared: set[int] = set()
    for k in np.flatnonzero(parent >= 0).tolist():
        chain: list[int] = []
        while k >= 0 and k not in cleared:
            if k in chain:
                loop = chain[chain.index(k) :]
                raise ScheduleError("summary hierarchy loops: " + " -> ".join(ids[i] for i in [*loop, k]))
            chain.append(k)
            k = parent_list[k]
        cleared.update(chain)


def _rollup_pairs(parent: np.ndarray, is_summary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(summary, leaf) for every leaf under every summary, grouped by summary (loops already refused)."""
    ancestors, leaves = [], []
    parent_list = parent.tolist()
    for leaf in np.flatnonzero(~is_summary & (parent >= 0)).tolist():
        up = parent_list[leaf]
        while up >= 0:
            ancestors.append(up)
            leaves.append(leaf)
            up = parent_list[up]
    a, b = np.asarray(ancestors, np.int64), np.asarray(leaves, np.int64)
    order = np.lexsort((b, a))
    return a[order], b[order]


@dataclass(slots=True)
class _Levels:
    nodes: np.ndarray  # nodes sorted by (level, index)
    node_bounds: list[int]
    fwd: np.ndarray  # link indices sorted by (level of succ, succ)
    fwd_bounds: list[int]
    fwd_groups: list[np.ndarray]  # reduceat starts within each level's slice
    bwd: np.ndarray  # link indices sorted by (level of pred, pred)
    bwd_bounds: list[int]
    bwd_groups: list[np.ndarray]
    bwd_heads: list[np.ndarray]  # pred node of each group


def _levels(net: _Net) -> _Levels:
    """Topological levels, and the links sorted so that each level's links are one contiguous slice."""
    n = len(net.dur)
    pred, succ = net.pred, net.succ
    level = topological_levels(n, pred, succ, _Names(net))
    depth = int(level.max()) + 1
    small = np.int16 if depth < np.iinfo(np.int16).max else np.int64  # a radix sort for small levels
    nodes = np.argsort(level.astype(small), kind="stable")
    node_bounds = np.searchsorted(level[nodes], np.arange(depth + 1)).tolist()

    def grouped(end: np.ndarray) -> tuple[np.ndarray, list[int], list[np.ndarray], list[np.ndarray]]:
        order = np.argsort(level[end] * n + end)  # the order within one end node's links does not matter
        sorted_end = end[order]
        bounds = np.searchsorted(level[sorted_end], np.arange(depth + 1)).tolist()
        first = np.flatnonzero(
            np.r_[True, sorted_end[1:] != sorted_end[:-1]]
        )  # a new end node starts a group
        cuts = np.searchsorted(first, bounds).tolist()
        groups = [first[cuts[d] : cuts[d + 1]] - bounds[d] for d in range(depth)]
        heads = [sorted_end[first[cuts[d] : cuts[d + 1]]] for d in range(depth)]
        return order, bounds, groups, heads

    fwd, fwd_bounds, fwd_groups, _ = grouped(succ)
    bwd, bwd_bounds, bwd_groups, bwd_heads = grouped(pred)
    return _Levels(nodes, node_bounds, fwd, fwd_bounds, fwd_groups, bwd, bwd_bounds, bwd_groups, bwd_heads)


class _Names:
    """Node names for cycle messages, built only when a cycle is reported."""

    def __init__(self, net: _Net):
        self.net = net

    def __getitem__(self, i: int) -> str:
        return _node_name(self.net, i)

    def __len__(self) -> int:
        return len(self.net.dur)


def _node_name(net: _Net, i: int) -> str:
    if i < net.n_act:
        return net.ids[i]
    summary = next(s for s, m in net.summary_of.items() if m == i)
    return f"{net.ids[summary]} (finish)"


def _shift(
    cal: WorkCalendar, x: np.ndarray, days: np.ndarray, elapsed: np.ndarray, finish: object
) -> np.ndarray:
    """``x + days``, in calendar days where ``elapsed`` (``finish`` says how to read whole offsets)."""
    out = x + days
    if elapsed.any():
        fin = np.broadcast_to(np.asarray(finish), x.shape)
        for flag in (False, True):
            m = elapsed & (fin == flag)
            if m.any():
                out[m] = cal.add_elapsed(x[m], days[m], finish=flag)
    return out


class _Offsets:
    """One calendar: times are its working offsets, durations and lags plain additions."""

    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar

    def at(self, moment: Moment, node: int | None = None, *, finish: bool = False) -> float:
        return self.calendar.offset(moment, finish=finish)

    def shift(self, x: np.ndarray, days: np.ndarray, elapsed: np.ndarray, finish: object, nodes: np.ndarray):
        return _shift(self.calendar, x, days, elapsed, finish)

    def starts(self, x: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        return x

    finishes = offsets = starts

    def forward(self, src, lag, lag_elapsed, from_finish, back, back_elapsed, pred, succ) -> np.ndarray:
        """Start candidate of each link's successor (``back``: its duration, for finish-landing links)."""
        if not (lag_elapsed.any() or back_elapsed.any()):
            return src + lag - back
        cand = _shift(self.calendar, src, lag, lag_elapsed, from_finish)
        return _shift(self.calendar, cand, -back, back_elapsed, True)

    def backward(self, tgt, lag, lag_elapsed, from_finish, to_finish, ahead, ahead_elapsed, pred, succ) -> np.ndarray:
        """Finish bound of each link's predecessor (``ahead``: its duration, for start-leaving links)."""
        if not (lag_elapsed.any() or ahead_elapsed.any()):
            return tgt - lag + ahead
        cand = _shift(self.calendar, tgt, -lag, lag_elapsed, to_finish)
        return _shift(self.calendar, cand, ahead, ahead_elapsed, False)

    def link_slack(self, src, tgt, lag, lag_elapsed, from_finish, pred, succ) -> tuple[np.ndarray, np.ndarray]:
        """(free slack, driving gap) of each link: how far its successor end sits beyond what it demands."""
        slack = tgt - _shift(self.calendar, src, lag, lag_elapsed, from_finish)
        return slack, slack

    def result(self, start_at: float, status: float | None) -> dict:
        return {"calendar": self.calendar, "project_start": start_at, "status": status}


class _Instants:
    """Several calendars: times are instants (minutes since 1970) and each node works on its own calendar.

    This follows MPXJ's MicrosoftScheduler, which reproduces MS Project: a duration is added on the
    task's calendar, a link's lag on its successor's, and a task starts at the next working instant of its
    calendar (a milestone may stay at the end of a working period). Adding working time ends at the
    earliest instant that much work is done, subtracting it at the latest, and adding nothing keeps the
    instant; elapsed days are plain 24-hour days.
    """

    def __init__(self, calendars: tuple[WorkCalendar, ...], node_calendar: np.ndarray, milestone: np.ndarray):
        self.calendars = calendars
        self.node_calendar = node_calendar
        self.milestone = milestone

    def _groups(self, nodes: np.ndarray):
        """(calendar, selection) for the calendars of ``nodes``."""
        index = self.node_calendar[nodes]
        present = np.flatnonzero(np.bincount(index, minlength=len(self.calendars)))
        if len(present) == 1:
            yield self.calendars[int(present[0])], slice(None)
            return
        for k in present.tolist():
            yield self.calendars[k], index == k

    def offsets(self, x: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Working offset of each instant on its node's calendar."""
        out = np.empty(len(x))
        for calendar, m in self._groups(nodes):
            out[m] = calendar.offsets_at(x[m])
        return out

    def _instants(self, offsets: np.ndarray, nodes: np.ndarray, finish: np.ndarray | bool) -> np.ndarray:
        if not isinstance(finish, np.ndarray):
            out = np.empty(len(offsets))
            for calendar, m in self._groups(nodes):
                out[m] = calendar.instants(offsets[m], finish=finish)
            return out
        out = self._instants(offsets, nodes, False)
        if finish.any():
            out[finish] = self._instants(offsets[finish], nodes[finish], True)
        return out

    def at(self, moment: Moment, node: int | None = None, *, finish: bool = False) -> float:
        """A date's instant on a node's calendar (its start, or its end with ``finish``); without a node, on
        the run's calendar (the project start is its first working instant, as with one calendar)."""
        calendar = self.calendars[0 if node is None else int(self.node_calendar[node])]
        return float(calendar.instants([calendar.offset(moment, finish=finish)], finish=finish)[0])

    def shift(self, x: np.ndarray, days: np.ndarray, elapsed: np.ndarray, finish: object, nodes: np.ndarray):
        x = np.asarray(x, dtype=np.float64)
        days = np.broadcast_to(np.asarray(days, dtype=np.float64), x.shape)
        elapsed = np.broadcast_to(np.asarray(elapsed, dtype=bool), x.shape)
        out = np.where(elapsed, x + days * 1440.0, x)
        work = np.flatnonzero(~elapsed & (days != 0))
        if work.size:
            d, on = days[work], nodes[work]
            out[work] = self._instants(self.offsets(x[work], on) + d, on, d > 0)
        return out

    def starts(self, x: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """The next working instant of each node's calendar; a milestone stays at the end of a working period."""
        o = self.offsets(x, nodes)
        out = self._instants(o, nodes, False)
        milestone = self.milestone[nodes]
        if milestone.any():
            end = self._instants(o[milestone], nodes[milestone], True)
            out[milestone] = np.where(np.abs(end - x[milestone]) < 1e-6, x[milestone], out[milestone])
        return out

    def finishes(self, x: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """The end of the last work before each instant on its node's calendar."""
        return self._instants(self.offsets(x, nodes), nodes, True)

    def forward(self, src, lag, lag_elapsed, from_finish, back, back_elapsed, pred, succ) -> np.ndarray:
        cand = self.shift(src, -back, back_elapsed, True, succ)  # the successor's duration first, then the lag
        return self.shift(cand, lag, lag_elapsed, from_finish, succ)

    def backward(self, tgt, lag, lag_elapsed, from_finish, to_finish, ahead, ahead_elapsed, pred, succ) -> np.ndarray:
        out = np.asarray(tgt, dtype=np.float64).copy()
        start_start = ~from_finish & ~to_finish
        start_finish = ~from_finish & to_finish
        if start_start.any():  # SS: from the successor's late start, at the next working instant of the predecessor
            k = pred[start_start]
            out[start_start] = self._instants(self.offsets(out[start_start], k), k, False)
        if start_finish.any():  # SF: the predecessor's duration first, then the lag
            out[start_finish] = self.shift(out[start_finish], ahead[start_finish], ahead_elapsed[start_finish], False,
                                           pred[start_finish])
        out = self.shift(out, -lag, lag_elapsed, to_finish, succ)
        if start_start.any():
            out[start_start] = self.shift(out[start_start], ahead[start_start], ahead_elapsed[start_start], False,
                                          pred[start_start])
        return out

    def link_slack(self, src, tgt, lag, lag_elapsed, from_finish, pred, succ) -> tuple[np.ndarray, np.ndarray]:
        """Free slack is counted on the predecessor's calendar, less the lag (MS Project); the driving gap on
        the successor's, where the link's demand was computed."""
        reached = np.where(lag_elapsed, src + lag * 1440.0, src)
        free = self.offsets(tgt, pred) - self.offsets(reached, pred) - np.where(lag_elapsed, 0.0, lag)
        gap = self.offsets(tgt, succ) - self.offsets(self.shift(src, lag, lag_elapsed, from_finish, succ), succ)
        return free, gap

    def result(self, start_at: float, status: float | None) -> dict:
        first = self.calendars[0]
        return {
            "calendar": first,
            "project_start": float(first.offsets_at([start_at])[0]),
            "status": None if status is None else float(first.offsets_at([status])[0]),
            "calendars": self.calendars,
            "start_offsets": np.array([float(c.offsets_at([start_at])[0]) for c in self.calendars]),
        }


def _forward(net: _Net, lv: _Levels) -> tuple[np.ndarray, np.ndarray]:
    clock = net.clock
    es = net.lower.copy()
    ef = np.zeros_like(es)
    pinned_start = ~np.isnan(net.fixed_start)
    pinned_finish = ~np.isnan(net.fixed_finish)
    fwd = lv.fwd
    pred, succ = net.pred[fwd], net.succ[fwd]
    from_finish, to_finish = net.from_finish[fwd], net.to_finish[fwd]
    lag, lag_elapsed = net.lag[fwd], net.lag_elapsed[fwd]
    back = np.where(to_finish, net.dur[succ], 0.0)  # finish-landing links become start candidates
    back_elapsed = net.elapsed[succ] & to_finish
    for d in range(len(lv.node_bounds) - 1):
        nodes = lv.nodes[lv.node_bounds[d] : lv.node_bounds[d + 1]]
        a, b = lv.fwd_bounds[d], lv.fwd_bounds[d + 1]
        s = es[nodes]
        if b > a:
            p = pred[a:b]
            src = np.where(from_finish[a:b], ef[p], es[p])
            cand = clock.forward(src, lag[a:b], lag_elapsed[a:b], from_finish[a:b], back[a:b], back_elapsed[a:b],
                                 p, succ[a:b])
            s = np.maximum(s, np.maximum.reduceat(cand, lv.fwd_groups[d]))
        # a "no later than" constraint beats the links, but nothing starts before the project start
        s = clock.starts(np.maximum(np.minimum(s, net.upper[nodes]), net.lower[nodes]), nodes)
        s = np.where(pinned_start[nodes], net.fixed_start[nodes], s)
        es[nodes] = s
        f = clock.shift(s, net.dur[nodes], net.elapsed[nodes], False, nodes)
        ef[nodes] = np.where(pinned_finish[nodes], net.fixed_finish[nodes], f)
    return es, ef


def _backward(
    net: _Net, lv: _Levels, es: np.ndarray, ef: np.ndarray, project_finish: float
) -> tuple[np.ndarray, np.ndarray]:
    clock = net.clock
    lf = np.minimum(net.late_cap, project_finish)
    ls = np.zeros_like(lf)
    bwd = lv.bwd
    pred, succ = net.pred[bwd], net.succ[bwd]
    from_finish, to_finish = net.from_finish[bwd], net.to_finish[bwd]
    lag, lag_elapsed = net.lag[bwd], net.lag_elapsed[bwd]
    ahead = np.where(from_finish, 0.0, net.dur[pred])  # start-leaving links bound the finish by dur
    ahead_elapsed = net.elapsed[pred] & ~from_finish
    for d in range(len(lv.node_bounds) - 2, -1, -1):
        nodes = lv.nodes[lv.node_bounds[d] : lv.node_bounds[d + 1]]
        a, b = lv.bwd_bounds[d], lv.bwd_bounds[d + 1]
        if b > a:
            s = succ[a:b]
            tgt = np.where(to_finish[a:b], lf[s], ls[s])
            cand = clock.backward(tgt, lag[a:b], lag_elapsed[a:b], from_finish[a:b], to_finish[a:b], ahead[a:b],
                                  ahead_elapsed[a:b], pred[a:b], s)
            heads = lv.bwd_heads[d]
            lf[heads] = np.minimum(lf[heads], np.minimum.reduceat(cand, lv.bwd_groups[d]))
        f = clock.finishes(lf[nodes], nodes)
        lf[nodes] = f
        ls[nodes] = clock.shift(f, -net.dur[nodes], net.elapsed[nodes], True, nodes)
    return ls, lf


def _result(net: _Net, es: np.ndarray, ef: np.ndarray, ls: np.ndarray, lf: np.ndarray, project_finish: float
            ) -> Schedule:
    n = net.n_act
    clock = net.clock
    nodes = np.arange(len(es))
    # finished work has no float left: its late dates are its actual dates (as MS Project reports)
    ls, lf = np.where(net.done, es, ls), np.where(net.done, ef, lf)
    # floats in working days of each activity's calendar
    total = np.minimum(
        clock.offsets(ls, nodes) - clock.offsets(es, nodes), clock.offsets(lf, nodes) - clock.offsets(ef, nodes)
    )
    # link slack: how far each link's successor end sits beyond what the link demands
    p, s = net.pred, net.succ
    src = np.where(net.from_finish, ef[p], es[p])
    tgt = np.where(net.to_finish, ef[s], es[s])
    slack, gap = clock.link_slack(src, tgt, net.lag, net.lag_elapsed, net.from_finish, p, s)
    keep = np.arange(net.user_links)  # the summary scaffolding links say nothing about free float
    link_min = np.full(len(es), np.inf)
    np.minimum.at(link_min, p[keep], slack[keep])
    free = np.minimum(link_min, total)
    free = np.maximum(free, np.minimum(total, 0.0))
    pinned = ~np.isnan(net.fixed_start)
    driving = (np.abs(gap) < 1e-7) & ~pinned[s]

    start, finish = es.copy(), ef.copy()
    start[net.alap], finish[net.alap] = ls[net.alap], lf[net.alap]
    summary = np.zeros(n, dtype=bool)
    if net.summary_of:
        heads, leaves = net.rollup
        cuts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
        sums = heads[cuts]
        summary[sums] = True
        for arr in (es, ls, start, total, free):
            arr[sums] = np.minimum.reduceat(arr[leaves], cuts)
        for arr in (ef, lf, finish):
            arr[sums] = np.maximum.reduceat(arr[leaves], cuts)
    es, ef, ls, lf, start, finish = (clock.offsets(x[:n], nodes[:n]) for x in (es, ef, ls, lf, start, finish))
    total, free = total[:n], free[:n]
    done = net.done[:n]
    if net.summary_of:
        heads, leaves = net.rollup
        all_done = np.ones(n, dtype=bool)
        np.logical_and.at(all_done, heads, done[leaves])
        done = np.where(summary, all_done, done)
    critical = (total <= EPS) & ~done

    # a link out of a summary leaves from its finish marker: report it against the summary
    pred_ids = p[keep].copy()
    for summary_index, marker in net.summary_of.items():
        pred_ids[pred_ids == marker] = summary_index
    timing = clock.result(net.start_at, net.status)
    if isinstance(clock, _Instants):
        timing["calendar_index"] = clock.node_calendar[:n]
        project_finish = float(timing["calendar"].offsets_at([project_finish])[0])
    return Schedule(
        ids=tuple(net.ids),
        index=dict(zip(net.ids, range(n), strict=True)),
        duration=net.dur[:n].copy(),
        early_start=es,
        early_finish=ef,
        late_start=ls,
        late_finish=lf,
        start=start,
        finish=finish,
        total_float=total,
        free_float=free,
        critical=critical,
        summary=summary,
        link_pred=pred_ids,
        link_succ=s[keep],
        link_type=_TYPE_NAMES[net.from_finish[keep] * 2 + net.to_finish[keep]],
        driving=driving[keep],
        project_finish=project_finish,
        **timing,
    )


__all__ = ["Activity", "ActivityTimes", "Constraint", "CycleError", "Link", "LinkType", "Schedule",
           "ScheduleError", "schedule", "schedule_columns"]  # fmt: skip
