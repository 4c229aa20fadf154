"""Working calendars: convert between dates and working-time offsets at array speed.

The schedulers compute in *working days* counted from the calendar's origin (1 January of
``first_year``): offset ``k`` is the start of the k-th working day, which is the same instant as the
end of working day ``k - 1``. Keeping the arithmetic in that single float unit makes durations and
lags plain additions; the calendar alone knows weekends, holidays, exceptions and hours.

A precomputed working-day index (a cumulative count over every calendar day of the range) makes
date -> offset and offset -> date one ``searchsorted``/``take`` each, instead of
``numpy.busday_offset`` calls that cannot express extra working days on weekends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np


class CalendarError(ValueError):
    """A calendar definition is invalid, or a date falls outside the calendar's range."""


def _hours(t: time) -> float:
    return t.hour + t.minute / 60 + t.second / 3600


def _as_days(values: object) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _covered(exceptions: frozenset, first: np.datetime64, length: int) -> np.ndarray:
    """Mask of the ``length`` days from ``first`` that any of the dates or (first, last) ranges covers.

    Ranges become +1/-1 steps at their clipped ends and one cumulative sum: the cost follows the
    number of exceptions, never the number of days they span.
    """
    if not exceptions:
        return np.zeros(length, dtype=bool)
    spans = [(item, item) if isinstance(item, date) else tuple(item) for item in exceptions]
    if any(len(span) != 2 for span in spans):
        raise CalendarError("a dated exception is a date or a (first, last) pair of dates")
    lo = (_as_days([a for a, _ in spans]) - first).astype(np.int64)
    hi = (_as_days([b for _, b in spans]) - first).astype(np.int64)
    if (hi < lo).any():
        k = int(np.flatnonzero(hi < lo)[0])
        raise CalendarError(f"exception range {spans[k][0]}..{spans[k][1]} ends before it starts")
    steps = np.zeros(length + 1, dtype=np.int64)
    np.add.at(steps, np.clip(lo, 0, length), 1)
    np.add.at(steps, np.clip(hi + 1, 0, length), -1)
    return np.cumsum(steps[:length]) > 0


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Working weekdays and hours, public holidays and dated exceptions over ``first_year..last_year``.

    ``weekmask`` follows numpy (Monday first, "1" = working). ``working_times`` are the same on every
    working day; a ``time(0)`` end means midnight. ``non_working_days`` and ``working_days`` are
    dated exceptions: single dates or inclusive ``(first, last)`` date ranges, applied to the day
    index as ranges (a range of centuries costs what a single day does; the part outside
    ``first_year..last_year`` is ignored). Extra working days win over holidays and weekends.
    """

    weekmask: str = "1111100"
    working_times: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))
    country: str | None = None
    subdivision: str | None = None
    non_working_days: frozenset[date | tuple[date, date]] = frozenset()
    working_days: frozenset[date | tuple[date, date]] = frozenset()
    first_year: int = 2000
    last_year: int = 2060
    name: str = ""
    _working: np.ndarray = field(init=False, repr=False, compare=False)
    _cum: np.ndarray = field(init=False, repr=False, compare=False)
    _work_day: np.ndarray = field(init=False, repr=False, compare=False)
    _knots: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weekmask) != 7 or set(self.weekmask) - {"0", "1"}:
            raise CalendarError(f"weekmask must be 7 characters of 0/1 (Mon..Sun), got {self.weekmask!r}")
        if not self.first_year <= self.last_year:
            raise CalendarError(f"first_year {self.first_year} is after last_year {self.last_year}")
        object.__setattr__(self, "non_working_days", frozenset(self.non_working_days))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        object.__setattr__(self, "_knots", self._build_knots())
        self._build_index()

    def _build_knots(self) -> tuple[np.ndarray, np.ndarray]:
        """Clock hours of interval ends and the working hours done by then, for ``np.interp``."""
        if not self.working_times:
            raise CalendarError("a calendar needs at least one working time interval")
        clock, done = [0.0], [0.0]
        for start, end in self.working_times:
            lo, hi = _hours(start), _hours(end) or 24.0
            if not clock[-1] <= lo < hi:
                raise CalendarError(
                    f"working times must be ordered, non-overlapping and non-empty: {start}-{end}"
                )
            clock += [lo, hi]
            done += [done[-1], done[-1] + hi - lo]
        clock.append(24.0)
        done.append(done[-1])
        return np.asarray(clock), np.asarray(done)

    def _build_index(self) -> None:
        first, last = date(self.first_year, 1, 1), date(self.last_year + 1, 1, 1)
        days = np.arange(first, last, dtype="datetime64[D]")
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        working = np.array([c == "1" for c in self.weekmask])[weekday]
        closed = _covered(self.non_working_days, days[0], len(days))
        opened = _covered(self.working_days, days[0], len(days))
        both = np.flatnonzero(closed & opened)
        if both.size:
            raise CalendarError(f"dates both working and non-working: from {days[both[0]]} ({both.size} days)")
        if self.country:
            import holidays  # deferred: only calendars with public holidays pay for the import

            try:
                found = holidays.country_holidays(
                    self.country, subdiv=self.subdivision, years=range(self.first_year, self.last_year + 1)
                )
            except NotImplementedError as exc:
                raise CalendarError(f"unknown holiday country/subdivision: {exc}") from exc
            closed |= _covered(frozenset(found), days[0], len(days))
        working[closed] = False
        working[opened] = True
        if not working.any():
            raise CalendarError("the calendar has no working day in its range")
        cum = np.zeros(len(days) + 1, dtype=np.int64)
        np.cumsum(working, out=cum[1:])
        object.__setattr__(self, "_working", working)
        object.__setattr__(self, "_cum", cum)
        object.__setattr__(self, "_work_day", np.flatnonzero(working))

    # --- basic facts -------------------------------------------------------------------------------

    @property
    def origin(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def hours_per_day(self) -> float:
        return float(self._knots[1][-1])

    def is_working(self, day: date) -> bool:
        return bool(self._working[self._day_index(day)])

    def _day_index(self, day: date) -> int:
        index = (day - self.origin).days
        if not 0 <= index < len(self._working):
            raise CalendarError(f"{day} is outside the calendar range {self.first_year}-{self.last_year}")
        return index

    def _day_indices(self, days: np.ndarray) -> np.ndarray:
        index = (_as_days(days) - np.datetime64(self.origin, "D")).astype(np.int64)
        if index.size and (index.min() < 0 or index.max() >= len(self._working)):
            raise CalendarError(f"dates outside the calendar range {self.first_year}-{self.last_year}")
        return index

    # --- dates -> offsets --------------------------------------------------------------------------

    def offset(self, moment: date | datetime, *, finish: bool = False) -> float:
        """Working offset of a date (its start, or its end with ``finish``) or of an exact datetime."""
        if isinstance(moment, datetime):
            index = self._day_index(moment.date())
            hours = _hours(moment.time())
            return float(self._cum[index] + self._working[index] * self._done(hours) / self.hours_per_day)
        index = self._day_index(moment)
        return float(self._cum[index + 1] if finish else self._cum[index])

    def offsets(self, days: object, *, finish: bool = False) -> np.ndarray:
        """Vectorised :meth:`offset` for an array of dates (``datetime64[D]``-convertible)."""
        index = self._day_indices(days)
        return self._cum[index + 1 if finish else index].astype(np.float64)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``[start, end)``, like ``numpy.busday_count``."""
        return int(self._cum[self._day_index(end)] - self._cum[self._day_index(start)])

    def _done(self, hours: np.ndarray | float) -> np.ndarray | float:
        clock, done = self._knots
        return np.interp(hours, clock, done)

    # --- offsets -> dates --------------------------------------------------------------------------

    def _work_day_of(self, offsets: np.ndarray, finish: bool) -> tuple[np.ndarray, np.ndarray]:
        """Calendar-day index and fraction of that working day for each offset.

        A whole offset ``k`` read as a finish is the end of working day ``k - 1``, not the start of ``k``.
        """
        offsets = np.asarray(offsets, dtype=np.float64)
        k = np.ceil(offsets) - 1 if finish else np.floor(offsets)
        k = k.astype(np.int64)
        if k.size and (k.min() < 0 or k.max() >= len(self._work_day)):
            raise CalendarError(
                f"working offsets outside the calendar range {self.first_year}-{self.last_year}"
            )
        return self._work_day[k], offsets - k

    def dates(self, offsets: object, *, finish: bool = False) -> np.ndarray:
        """``datetime64[D]`` of each offset, read as a start (or as a finish with ``finish``)."""
        day, _ = self._work_day_of(np.asarray(offsets), finish)
        return np.datetime64(self.origin, "D") + day

    def date_of(self, offset: float, *, finish: bool = False) -> date:
        return self.dates(np.asarray([offset]), finish=finish)[0].item()

    def datetime_of(self, offset: float, *, finish: bool = False) -> datetime:
        """The instant of an offset: working fraction mapped onto the working times of its day."""
        day, frac = self._work_day_of(np.asarray([offset]), finish)
        hours = float(self._clock(frac * self.hours_per_day, finish)[0])
        return datetime.combine(self.origin + timedelta(days=int(day[0])), time()) + timedelta(hours=hours)

    def _clock(self, worked: np.ndarray, finish: bool) -> np.ndarray:
        """Clock hour at which ``worked`` hours of the day are done: the earliest such hour for a
        finish, the latest for a start (so a start never sits at 12:00 before a lunch break)."""
        clock, done = self._knots
        if finish:
            i = np.clip(np.searchsorted(done, worked, side="left"), 1, len(done) - 1)
        else:
            i = np.clip(np.searchsorted(done, worked, side="right"), 1, len(done) - 1)
            i = np.where(done[i] == done[i - 1], i - 1, i)  # on a break: its end is the start
            i = np.clip(i, 1, len(done) - 1)
        lo_c, hi_c, lo_d, hi_d = clock[i - 1], clock[i], done[i - 1], done[i]
        span = np.where(hi_d > lo_d, hi_d - lo_d, 1.0)
        return np.where(hi_d > lo_d, lo_c + (worked - lo_d) / span * (hi_c - lo_c), lo_c)

    # --- instants (minutes since 1970-01-01) ---------------------------------------------------------
    # The common time axis of runs with several calendars: an instant means the same on every calendar,
    # where a whole offset is both the end of one working day and the start of the next.

    def instants(self, offsets: object, *, finish: bool = False) -> np.ndarray:
        """Instant of each offset in minutes since 1970-01-01: the latest instant with that much work
        done (the next working start), or the earliest with ``finish`` (the end of the work)."""
        day, frac = self._work_day_of(np.asarray(offsets, dtype=np.float64), finish)
        clock, _ = self._knots
        # whole days (the common case) start at the first working time and end at the last
        hours = np.full(len(frac), clock[-2] if finish else clock[1])
        part = frac != (1.0 if finish else 0.0)
        if part.any():
            hours[part] = self._clock(frac[part] * self.hours_per_day, finish)
        return np.round((day + self._epoch_day) * 1440.0 + hours * 60.0, 6)

    def offsets_at(self, minutes: object) -> np.ndarray:
        """Working offset of each instant (minutes since 1970-01-01): the work done by then."""
        minutes = np.asarray(minutes, dtype=np.float64)
        whole = np.floor(minutes / 1440.0)
        index = whole.astype(np.int64) - self._epoch_day
        if index.size and (index.min() < 0 or index.max() >= len(self._working)):
            raise CalendarError(f"instants outside the calendar range {self.first_year}-{self.last_year}")
        worked = self._done((minutes - whole * 1440.0) / 60.0) / self.hours_per_day
        return self._cum[index] + self._working[index] * worked

    @property
    def _epoch_day(self) -> int:
        return (self.origin - date(1970, 1, 1)).days

    # --- elapsed time ------------------------------------------------------------------------------

    def add_elapsed(self, offsets: object, days: object, *, finish: bool = False) -> np.ndarray:
        """Offset reached ``days`` calendar days (24 h each, may be negative) after ``offsets``.

        ``finish`` says the starting offsets are finishes (a whole offset is then the end of the
        previous working day). The instant reached is mapped back to working time: inside
        non-working time it becomes the next working instant going forward, the previous going back.
        """
        offsets = np.asarray(offsets, dtype=np.float64)
        days = np.broadcast_to(np.asarray(days, dtype=np.float64), offsets.shape)
        day, frac = self._work_day_of(offsets, finish)
        # in seconds, rounded to the millisecond, so whole days stay whole
        clock = np.round(
            (day * 24.0 + self._clock(frac * self.hours_per_day, finish) + days * 24.0) * 3600, 3
        )
        whole = np.floor(clock / 86400)
        index = whole.astype(np.int64)
        if index.size and (index.min() < 0 or index.max() >= len(self._working)):
            raise CalendarError(
                f"elapsed time runs outside the calendar range {self.first_year}-{self.last_year}"
            )
        worked = self._done((clock - whole * 86400) / 3600) / self.hours_per_day
        return self._cum[index] + self._working[index] * worked
