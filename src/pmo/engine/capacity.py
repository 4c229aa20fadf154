"""Capacity and load of a resource pool, per day, as numpy arrays (pure: no Django).

Each resource has a working pattern (weekmask), the public holidays of its country, leave ranges, hours per
day and maximum units: its *capacity* on a day is ``max_units x hours_per_day`` on its working days, 0 else.
Each assignment puts *load* on the working days of its resource within the task's dates: ``units x
hours_per_day`` per day when the duration is fixed, ``work / working days in the span`` when it is effort
driven (the hours are spread over the days the person actually works, so leave inside the span raises the
daily load). A day is *over-allocated* when its load exceeds its capacity.

Arrays are ``resources x days``; ranges (leave, task spans) become +1/-1 steps and one cumulative sum, so
the cost follows the number of rows, not the days they span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .calendar import WorkCalendar

#: a day's load counts as above capacity only past this many hours (rounding of decimal units)
EPSILON = 1e-6
#: the longest stretch of days one grid covers (windows and the task spans that reach into them)
MAX_GRID_DAYS = 366 * 12


@dataclass(frozen=True, slots=True)
class ResourceRow:
    id: int
    max_units: float
    hours_per_day: float
    weekmask: str = "1111100"
    country: str = ""
    subdivision: str = ""
    leave: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    id: int
    resource_id: int
    start: date
    finish: date  # inclusive, the task's last day
    units: float
    work: float
    effort_driven: bool = True


@dataclass
class Grid:
    """Per-day capacity and load (hours) of ``resource_ids`` over ``first .. first + days - 1``."""

    first: date
    resource_ids: list[int]
    working: np.ndarray  # bool, resources x days
    capacity: np.ndarray  # hours, resources x days
    load: np.ndarray  # hours, resources x days
    #: per assignment id: (resource row, first day index, last day index inclusive, hours per working day)
    spans: dict[int, tuple[int, int, int, float]] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return self.capacity.shape[1]

    def dates(self) -> np.ndarray:
        return np.arange(np.datetime64(self.first, "D"), np.datetime64(self.first, "D") + self.days)

    @property
    def over(self) -> np.ndarray:
        return self.load > self.capacity + EPSILON

    def hours_in(self, assignment_id: int, lo: int, hi: int) -> float:
        """Hours assignment ``assignment_id`` puts on days ``lo .. hi - 1`` of the grid."""
        row, start, finish, rate = self.spans[assignment_id]
        a, b = max(start, lo), min(finish + 1, hi)
        if a >= b:
            return 0.0
        return float(self.working[row, a:b].sum() * rate)


def _calendar(row: ResourceRow, first: date, last: date, cache: dict) -> WorkCalendar:
    key = (row.weekmask, row.country, row.subdivision)
    if key not in cache:
        cache[key] = WorkCalendar(weekmask=row.weekmask, country=row.country or None,
                                  subdivision=row.subdivision or None, first_year=first.year, last_year=last.year)
    return cache[key]


def _steps(length: int, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray, value: np.ndarray, height: int
           ) -> np.ndarray:
    """``height x length`` array with ``value[k]`` added on days ``lo[k] .. hi[k]`` (inclusive) of row ``rows[k]``."""
    steps = np.zeros((height, length + 1), dtype=np.float64)
    lo_c, hi_c = np.clip(lo, 0, length), np.clip(hi + 1, 0, length)
    keep = lo_c < hi_c
    np.add.at(steps, (rows[keep], lo_c[keep]), value[keep])
    np.add.at(steps, (rows[keep], hi_c[keep]), -value[keep])
    return np.cumsum(steps[:, :length], axis=1)


def grid(resources: Sequence[ResourceRow], assignments: Sequence[AssignmentRow], first: date, last: date) -> Grid:
    """Capacity and load of ``resources`` on every day ``first .. last`` (inclusive).

    Effort-driven assignments spread their work over the working days of their whole span, also the part
    outside the window (the grid is widened to the spans that reach into it, up to :data:`MAX_GRID_DAYS`).
    Assignments of resources not in ``resources`` are ignored.
    """
    if last < first:
        raise ValueError(f"the window ends ({last}) before it starts ({first})")
    index = {r.id: k for k, r in enumerate(resources)}
    relevant = [a for a in assignments if a.resource_id in index and a.start <= last and a.finish >= first
                and a.finish >= a.start]
    lo_date = min([first, *(a.start for a in relevant)])
    hi_date = max([last, *(a.finish for a in relevant)])
    lo_date = max(lo_date, first - timedelta(days=MAX_GRID_DAYS // 2))
    hi_date = min(hi_date, last + timedelta(days=MAX_GRID_DAYS // 2))
    length = (hi_date - lo_date).days + 1
    days = np.arange(np.datetime64(lo_date, "D"), np.datetime64(hi_date, "D") + 1)
    n = len(resources)
    working = np.zeros((n, length), dtype=bool)
    cache: dict = {}
    for k, row in enumerate(resources):
        calendar = _calendar(row, lo_date, hi_date, cache)
        working[k] = calendar.offsets(days, finish=True) > calendar.offsets(days)
    leave = [(index[r.id], s, f) for r in resources for s, f in r.leave]
    if leave:
        rows = np.array([k for k, _, _ in leave])
        lo = np.array([(s - lo_date).days for _, s, _ in leave])
        hi = np.array([(f - lo_date).days for _, _, f in leave])
        away = _steps(length, rows, lo, hi, np.ones(len(leave)), n) > 0
        working &= ~away
    per_day = np.array([r.max_units * r.hours_per_day for r in resources], dtype=np.float64)
    capacity = working * per_day[:, None]

    load = np.zeros((n, length))
    spans: dict[int, tuple[int, int, int, float]] = {}
    if relevant:
        rows = np.array([index[a.resource_id] for a in relevant])
        lo = np.array([(a.start - lo_date).days for a in relevant])
        hi = np.array([(a.finish - lo_date).days for a in relevant])
        cum = np.zeros((n, length + 1), dtype=np.int64)
        np.cumsum(working, axis=1, out=cum[:, 1:])
        lo_c, hi_c = np.clip(lo, 0, length - 1), np.clip(hi, 0, length - 1)
        n_days = cum[rows, hi_c + 1] - cum[rows, lo_c]
        hpd = np.array([resources[k].hours_per_day for k in rows])
        units = np.array([a.units for a in relevant])
        work = np.array([a.work for a in relevant])
        effort = np.array([a.effort_driven for a in relevant])
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(effort, np.where(n_days > 0, work / np.maximum(n_days, 1), 0.0), units * hpd)
        load = _steps(length, rows, lo, hi, rate, n) * working
        spans = {a.id: (int(r), int(s), int(f), float(q)) for a, r, s, f, q in zip(relevant, rows, lo, hi, rate,
                                                                                      strict=True)}
    cut = slice((first - lo_date).days, (last - lo_date).days + 1)
    offset = cut.start
    spans = {k: (r, s - offset, f - offset, q) for k, (r, s, f, q) in spans.items()}
    return Grid(first=first, resource_ids=[r.id for r in resources], working=working[:, cut],
                capacity=capacity[:, cut], load=load[:, cut], spans=spans)


def bucket_starts(first: date, last: date, grain: str) -> list[date]:
    """The first day of each week (Monday) or month from the one holding ``first`` through ``last``."""
    if grain == "week":
        start = first - timedelta(days=first.weekday())
        out = []
        while start <= last:
            out.append(start)
            start += timedelta(days=7)
        return out
    if grain == "month":
        start = first.replace(day=1)
        out = []
        while start <= last:
            out.append(start)
            start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out
    raise ValueError(f"grain must be week or month, not {grain!r}")


def by_bucket(values: np.ndarray, first: date, buckets: Sequence[date]) -> np.ndarray:
    """Sum ``values`` (rows x days from ``first``) into the buckets starting at ``buckets`` (the first may start
    before ``first``; days before it are not in ``values``)."""
    idx = np.array([max((b - first).days, 0) for b in buckets], dtype=np.int64)
    if values.shape[1] == 0:
        return np.zeros((values.shape[0], len(buckets)))
    return np.add.reduceat(values, idx, axis=1)
