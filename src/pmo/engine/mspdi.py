"""MS Project XML (MSPDI) reader: plain dataclasses for the CPM engine and for importers.

Parsing goes through ``defusedxml`` with DTDs forbidden, so entity bombs and external entities
fail before any entity is expanded, and the reader stays within :mod:`pmo.engine.limits` (tasks,
links, calendar exceptions, dates), refusing a file past them with the line. MSPDI stores durations
as working time (``PT8H0M0S``), lags and slack in tenths of a minute, and dates as local times; the
dataclasses keep MS Project's own units (minutes) so that nothing is lost, and :func:`to_network`
converts to the engine's working days on a :class:`~pmo.engine.calendar.WorkCalendar`. Calendar
exceptions stay date ranges throughout.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from pmo.engine import limits
from pmo.engine.calendar import CalendarError, WorkCalendar
from pmo.engine.cpm import Activity, Constraint, Link, LinkType

NS = "{http://schemas.microsoft.com/project}"

_LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
_CONSTRAINTS = {
    0: Constraint.ASAP, 1: Constraint.ALAP, 2: Constraint.MSO, 3: Constraint.MFO,
    4: Constraint.SNET, 5: Constraint.SNLT, 6: Constraint.FNET, 7: Constraint.FNLT,
}  # fmt: skip
# duration/lag format codes (+32 = estimated): elapsed units and percent lags
_ELAPSED_FORMATS = {4, 6, 8, 10, 12, 20}
_PERCENT_FORMATS = {19, 20}
_DURATION = re.compile(r"^-?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                       r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")  # fmt: skip
ONE_DAY = timedelta(days=1)
DateRange = tuple[date, date]  # inclusive


class MspdiError(ValueError):
    """The file is not a readable MSPDI project; ``line`` (1-based, when known) and ``reason`` say why."""

    def __init__(self, reason: str, line: int | None = None):
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass(frozen=True, slots=True)
class MspdiException:
    """Dated calendar exception as inclusive date ranges: one for a plain period, one per occurrence
    of MS Project's recurrence patterns (consecutive occurrences merged)."""

    name: str
    ranges: tuple[DateRange, ...]
    working: bool


@dataclass(frozen=True, slots=True)
class MspdiCalendar:
    """``weekdays`` maps MS Project day types (1 = Sunday .. 7 = Saturday) to working intervals
    (empty = non-working); days missing here come from ``base_uid``."""

    uid: int
    name: str
    is_base: bool
    base_uid: int | None
    weekdays: tuple[tuple[int, tuple[tuple[time, time], ...]], ...]
    exceptions: tuple[MspdiException, ...]

    def __post_init__(self) -> None:
        for day_type, _ in self.weekdays:
            if not 1 <= day_type <= 7:
                raise MspdiError(f"calendar {self.uid}: day type {day_type} is not 1..7")


@dataclass(frozen=True, slots=True)
class MspdiLink:
    """A predecessor link as stored: lag in minutes (working unless ``lag_elapsed``), or a percent
    of the predecessor's duration when ``lag_percent`` is set."""

    pred_uid: int
    type: LinkType
    lag_minutes: float
    lag_elapsed: bool
    lag_percent: float | None
    lag_format: int
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class MspdiTask:
    """One task row; the ``ms_*`` fields are MS Project's own computed results, kept for comparison."""

    uid: int
    id: int | None
    name: str
    outline_level: int
    outline_number: str
    parent_uid: int | None
    summary: bool
    milestone: bool
    manual: bool
    active: bool
    recurring: bool
    duration_minutes: float
    duration_elapsed: bool
    duration_format: int
    remaining_minutes: float | None
    constraint: Constraint
    constraint_date: datetime | None
    deadline: datetime | None
    percent_complete: float
    actual_start: datetime | None
    actual_finish: datetime | None
    calendar_uid: int | None
    predecessors: tuple[MspdiLink, ...]
    ms_start: datetime | None
    ms_finish: datetime | None
    ms_total_slack_minutes: float | None
    ms_free_slack_minutes: float | None
    ms_critical: bool | None
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.duration_minutes < 0:
            raise MspdiError(f"task UID {self.uid}: negative duration")
        if not 0 <= self.percent_complete <= 100:
            raise MspdiError(f"task UID {self.uid}: PercentComplete {self.percent_complete} is not 0..100")


@dataclass(frozen=True, slots=True)
class MspdiProject:
    name: str
    start: datetime
    finish: datetime | None
    status_date: datetime | None
    current_date: datetime | None
    schedule_from_start: bool
    minutes_per_day: float
    minutes_per_week: float
    calendar_uid: int | None
    calendars: tuple[MspdiCalendar, ...]
    tasks: tuple[MspdiTask, ...]

    def __post_init__(self) -> None:
        if self.minutes_per_day <= 0:
            raise MspdiError(f"MinutesPerDay must be positive, got {self.minutes_per_day}")
        uids = [t.uid for t in self.tasks]
        if len(set(uids)) != len(uids):
            dup = next(u for u, c in Counter(uids).items() if c > 1)
            raise MspdiError(f"task UID {dup} appears twice")
        known = set(uids)
        for task in self.tasks:
            for link in task.predecessors:
                if link.pred_uid not in known:
                    raise MspdiError(f"task UID {task.uid} {task.name!r}: its predecessor UID {link.pred_uid} "
                                     "does not exist in the file", link.line)

    def work_calendar(
        self, uid: int | None = None, *, first_year: int | None = None, last_year: int | None = None
    ) -> WorkCalendar:
        """The engine calendar for calendar ``uid`` (default: the project's), base calendars applied.

        The engine has one set of working times for every working day; when MS Project's days
        differ, the most common pattern is used (see :func:`uniform_hours`).
        """
        uid = self.calendar_uid if uid is None else uid
        days, levels = self._resolved(uid)
        year = self.start.year
        first_year = year - 2 if first_year is None else first_year
        last_year = year + 20 if last_year is None else last_year
        working = [times for _, times in sorted(days.items()) if times]
        if not working:
            raise MspdiError(f"calendar {uid} has no working weekday")
        times = Counter(working).most_common(1)[0][0]
        weekmask = "".join("1" if days.get(day_type) else "0" for day_type in (2, 3, 4, 5, 6, 7, 1))
        closed: list[DateRange] = []
        opened: list[DateRange] = []
        for level in levels:  # a calendar's exceptions replace its base calendar's on the dates they cover
            cover = _merged(r for e in level for r in e.ranges)
            closed = _merged([*_without(closed, cover), *(r for e in level if not e.working for r in e.ranges)])
            opened = _merged([*_without(opened, cover), *(r for e in level if e.working for r in e.ranges)])
        try:
            return WorkCalendar(
                weekmask=weekmask,
                working_times=times,
                non_working_days=frozenset(closed),
                working_days=frozenset(opened),
                first_year=first_year,
                last_year=last_year,
                name=self._calendar(uid).name,
            )
        except CalendarError as exc:
            raise MspdiError(f"calendar {uid}: {exc}") from exc

    def uniform_hours(self, uid: int | None = None) -> bool:
        """Whether every working weekday of the calendar has the same working times."""
        days, _ = self._resolved(self.calendar_uid if uid is None else uid)
        return len({times for times in days.values() if times}) <= 1

    def _calendar(self, uid: int | None) -> MspdiCalendar:
        for cal in self.calendars:
            if cal.uid == uid:
                return cal
        raise MspdiError(f"no calendar with UID {uid}")

    def _resolved(
        self, uid: int | None
    ) -> tuple[dict[int, tuple[tuple[time, time], ...]], list[tuple[MspdiException, ...]]]:
        """Weekdays after inheriting from the base calendar chain, and the exceptions of each
        calendar of the chain, base first."""
        chain, seen = [], set()
        cal: MspdiCalendar | None = self._calendar(uid)
        while cal is not None:
            if cal.uid in seen:
                raise MspdiError(f"calendar {uid}: base calendar chain loops")
            seen.add(cal.uid)
            chain.append(cal)
            cal = self._calendar(cal.base_uid) if cal.base_uid is not None else None
        days: dict[int, tuple[tuple[time, time], ...]] = {}
        for cal in reversed(chain):
            days.update(dict(cal.weekdays))
        return days, [cal.exceptions for cal in reversed(chain)]


@dataclass(frozen=True, slots=True)
class MspdiNetwork:
    """An MSPDI project as engine input: ``schedule(net.activities, net.links, net.calendar,
    start=net.start, status_date=net.status_date)``. Activity ids are task UIDs as strings."""

    activities: tuple[Activity, ...]
    links: tuple[Link, ...]
    calendar: WorkCalendar
    start: datetime
    status_date: datetime | None


# --- parsing -------------------------------------------------------------------------------------


_COUNTED = {NS + "Task": ("tasks", "MAX_TASKS"), NS + "PredecessorLink": ("predecessor links", "MAX_LINKS")}


class _LineParser(DefusedXMLParser):
    """Defused parser that remembers the line each element starts on, for error messages, and stops
    at the first task or link past :mod:`~pmo.engine.limits` (before the rest is read)."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.lines: dict[Element, int] = {}
        self.counts: Counter[str] = Counter()

    def _start(self, tag, attr_list):  # noqa: ANN001, ANN202 - expat callback signature
        element = super()._start(tag, attr_list)
        line = self.lines[element] = self.parser.CurrentLineNumber
        if element.tag in _COUNTED:
            what, name = _COUNTED[element.tag]
            self.counts[element.tag] += 1
            if self.counts[element.tag] > getattr(limits, name):
                raise MspdiError(f"more than {getattr(limits, name):,} {what} (the import limit)", line)
        return element


def parse_mspdi(source: str | Path | bytes | BinaryIO) -> MspdiProject:
    """Read an MSPDI file (path, bytes or binary file object)."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        data = source.read()
    parser = _LineParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise MspdiError(f"malformed XML: {exc.msg if hasattr(exc, 'msg') else exc}", line) from None
    except DefusedXmlException as exc:
        raise MspdiError(
            f"refused unsafe XML ({type(exc).__name__}: DTDs and entities are not allowed)",
            parser.parser.CurrentLineNumber,
        ) from None
    return _Reader(parser.lines).project(root)


class _Reader:
    def __init__(self, lines: dict[Element, int]):
        self.lines = lines
        self.occurrences = 0  # exception ranges read so far, all calendars (limits.MAX_FILE_EXCEPTIONS)

    def fail(self, element: Element | None, reason: str) -> MspdiError:
        return MspdiError(reason, self.lines.get(element) if element is not None else None)

    def text(self, element: Element, name: str) -> str | None:
        child = element.find(NS + name)
        return None if child is None or child.text is None else child.text.strip()

    def number(self, element: Element, name: str, default: float | None = None) -> float | None:
        raw = self.text(element, name)
        if raw is None or raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise self.fail(element.find(NS + name), f"{name} {raw!r} is not a number")
        return value

    def integer(self, element: Element, name: str, default: int | None = None) -> int | None:
        value = self.number(element, name)
        return default if value is None else int(value)

    def flag(self, element: Element, name: str) -> bool:
        return self.text(element, name) in ("1", "true")

    def moment(self, element: Element, name: str) -> datetime | None:
        raw = self.text(element, name)
        if not raw:
            return None
        try:
            value = datetime.fromisoformat(raw)
            limits.check_date(value.date(), name)
        except limits.LimitExceeded as exc:
            raise self.fail(element.find(NS + name), str(exc)) from None
        except ValueError:
            raise self.fail(element.find(NS + name), f"{name} {raw!r} is not a date-time") from None
        return value

    def clock(self, element: Element, name: str) -> time:
        raw = self.text(element, name) or ""
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise self.fail(element.find(NS + name), f"{name} {raw!r} is not a time of day") from None

    def minutes(self, element: Element, name: str) -> float | None:
        """An xs:duration such as ``PT8H0M0S`` in minutes."""
        raw = self.text(element, name)
        if not raw:
            return None
        match = _DURATION.match(raw)
        if not match:
            raise self.fail(element.find(NS + name), f"{name} {raw!r} is not an ISO 8601 duration")
        years, months, days, hours, mins, secs = (float(g) if g else 0.0 for g in match.groups())
        total = ((years * 365 + months * 30 + days) * 24 + hours) * 60 + mins + secs / 60
        return -total if raw.startswith("-") else total

    def project(self, root: Element) -> MspdiProject:
        if root.tag != NS + "Project":
            raise self.fail(root, f"the root element is {root.tag!r}, not an MS Project <Project>")
        start = self.moment(root, "StartDate")
        if start is None:
            raise self.fail(root, "the project has no StartDate")
        calendars = tuple(self.calendar(c) for c in root.iterfind(f"{NS}Calendars/{NS}Calendar"))
        tasks = self.tasks(root)
        return MspdiProject(
            name=self.text(root, "Name") or self.text(root, "Title") or "",
            start=start,
            finish=self.moment(root, "FinishDate"),
            status_date=self.moment(root, "StatusDate"),
            current_date=self.moment(root, "CurrentDate"),
            schedule_from_start=self.text(root, "ScheduleFromStart") != "0",
            minutes_per_day=self.number(root, "MinutesPerDay", 480.0),
            minutes_per_week=self.number(root, "MinutesPerWeek", 2400.0),
            calendar_uid=self.integer(root, "CalendarUID"),
            calendars=calendars,
            tasks=tasks,
        )

    def working_times(self, element: Element) -> tuple[tuple[time, time], ...]:
        return tuple(
            (self.clock(w, "FromTime"), self.clock(w, "ToTime"))
            for w in element.iterfind(f"{NS}WorkingTimes/{NS}WorkingTime")
            if self.text(w, "FromTime")
        )

    def calendar(self, element: Element) -> MspdiCalendar:
        uid = self.integer(element, "UID")
        if uid is None:
            raise self.fail(element, "a calendar has no UID")
        base = self.integer(element, "BaseCalendarUID")
        weekdays, exceptions = [], []
        for day in element.iterfind(f"{NS}WeekDays/{NS}WeekDay"):
            day_type = self.integer(day, "DayType")
            working = self.flag(day, "DayWorking")
            if day_type == 0:  # pre-2007 exception: a dated period
                period = day.find(NS + "TimePeriod")
                if period is not None:
                    exceptions.append(MspdiException("", (self.period(period, day),), working))
            elif day_type is not None:
                weekdays.append((day_type, self.working_times(day) if working else ()))
        if element.find(f"{NS}Exceptions/{NS}Exception") is not None:
            exceptions = [self.exception(e) for e in element.iterfind(f"{NS}Exceptions/{NS}Exception")]
        count = sum(len(e.ranges) for e in exceptions)
        if count > limits.MAX_CALENDAR_EXCEPTIONS:
            raise self.fail(element, f"calendar {uid} has {count:,} exception entries, more than the limit of "
                                     f"{limits.MAX_CALENDAR_EXCEPTIONS:,} per calendar")
        try:
            return MspdiCalendar(
                uid=uid,
                name=self.text(element, "Name") or "",
                is_base=self.flag(element, "IsBaseCalendar"),
                base_uid=None
                if base is None or base < 0 or base == uid or self.flag(element, "IsBaseCalendar")
                else base,
                weekdays=tuple(weekdays),
                exceptions=tuple(exceptions),
            )
        except MspdiError as exc:
            raise self.fail(element, exc.reason) from None

    def period(self, period: Element, owner: Element) -> DateRange:
        """The FromDate..ToDate days of a TimePeriod (within the limits' dates, in order)."""
        first, last = self.moment(period, "FromDate"), self.moment(period, "ToDate")
        if first is None or last is None:
            raise self.fail(owner, "a calendar exception needs FromDate and ToDate")
        if last < first:
            raise self.fail(owner, f"a calendar exception ends ({last.date()}) before it starts ({first.date()})")
        return first.date(), last.date()

    def exception(self, element: Element) -> MspdiException:
        period = element.find(NS + "TimePeriod")
        if period is None:
            raise self.fail(element, "a calendar exception has no TimePeriod")
        first, last = self.period(period, element)
        name = self.text(element, "Name") or ""
        occurrences = _occurrences(
            self.integer(element, "Type", 1),
            first,
            last,
            self.integer(element, "Occurrences"),
            period=self.integer(element, "Period", 1) or 1,
            days_of_week=self.integer(element, "DaysOfWeek", 0),
            month_day=self.integer(element, "MonthDay", 1),
            month_item=self.integer(element, "MonthItem", 0),
            month_position=self.integer(element, "MonthPosition", 0),
            month=self.integer(element, "Month", 0),
        )
        ranges: list[DateRange] = []
        while True:
            try:
                start, end = next(occurrences)
            except StopIteration:
                break
            except ValueError as exc:
                raise self.fail(element, f"calendar exception {name!r}: {exc}") from None
            self.occurrences += 1
            if self.occurrences > limits.MAX_FILE_EXCEPTIONS:
                raise self.fail(element, f"calendar exception {name!r}: more than {limits.MAX_FILE_EXCEPTIONS:,} "
                                         "exception dates in the file (the import limit)")
            if ranges and (start - ranges[-1][1]).days == 1:
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((start, end))
        return MspdiException(name, tuple(ranges), self.flag(element, "DayWorking"))

    def tasks(self, root: Element) -> tuple[MspdiTask, ...]:
        out, stack = [], []  # stack: (outline level, uid) of the open summaries
        for element in root.iterfind(f"{NS}Tasks/{NS}Task"):
            if self.flag(element, "IsNull"):
                continue
            uid = self.integer(element, "UID")
            if uid is None:
                raise self.fail(element, "a task has no UID")
            level = self.integer(element, "OutlineLevel", 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack and level > 0 else None
            stack.append((level, uid))
            try:
                out.append(self.task(element, uid, level, parent))
            except MspdiError as exc:
                raise self.fail(element, exc.reason) if exc.line is None else exc from None
        return tuple(out)

    def task(self, element: Element, uid: int, level: int, parent: int | None) -> MspdiTask:
        fmt = self.integer(element, "DurationFormat", 7)
        constraint = self.integer(element, "ConstraintType", 0)
        if constraint not in _CONSTRAINTS:
            raise self.fail(element, f"task UID {uid}: unknown ConstraintType {constraint}")
        links = []
        for link in element.iterfind(NS + "PredecessorLink"):
            kind = self.integer(link, "Type", 1)
            if kind not in _LINK_TYPES:
                raise self.fail(link, f"task UID {uid}: unknown link Type {kind}")
            pred = self.integer(link, "PredecessorUID")
            if pred is None:
                raise self.fail(link, f"task UID {uid}: a link has no PredecessorUID")
            lag_format = self.integer(link, "LagFormat", 7)
            tenths = self.number(link, "LinkLag", 0.0)
            percent = lag_format % 32 in _PERCENT_FORMATS
            links.append(
                MspdiLink(
                    pred_uid=pred,
                    type=_LINK_TYPES[kind],
                    lag_minutes=0.0 if percent else tenths / 10,
                    lag_elapsed=lag_format % 32 in _ELAPSED_FORMATS,
                    lag_percent=tenths / 10 if percent else None,
                    lag_format=lag_format,
                    line=self.lines.get(link),
                )
            )
        slack = self.number(element, "TotalSlack")
        free = self.number(element, "FreeSlack")
        critical = self.text(element, "Critical")
        return MspdiTask(
            uid=uid,
            id=self.integer(element, "ID"),
            name=self.text(element, "Name") or "",
            outline_level=level,
            outline_number=self.text(element, "OutlineNumber") or "",
            parent_uid=parent,
            summary=self.flag(element, "Summary"),
            milestone=self.flag(element, "Milestone"),
            manual=self.flag(element, "Manual"),
            active=self.text(element, "Active") != "0",
            recurring=self.flag(element, "Recurring"),
            duration_minutes=self.minutes(element, "Duration") or 0.0,
            duration_elapsed=fmt % 32 in _ELAPSED_FORMATS,
            duration_format=fmt,
            remaining_minutes=self.minutes(element, "RemainingDuration"),
            constraint=_CONSTRAINTS[constraint],
            constraint_date=self.moment(element, "ConstraintDate") if constraint >= 2 else None,
            deadline=self.moment(element, "Deadline"),
            percent_complete=self.number(element, "PercentComplete", 0.0),
            actual_start=self.moment(element, "ActualStart"),
            actual_finish=self.moment(element, "ActualFinish"),
            calendar_uid=None if (cal := self.integer(element, "CalendarUID", -1)) < 0 else cal,
            predecessors=tuple(links),
            ms_start=self.moment(element, "Start"),
            ms_finish=self.moment(element, "Finish"),
            ms_total_slack_minutes=None if slack is None else slack / 10,
            ms_free_slack_minutes=None if free is None else free / 10,
            ms_critical=None if critical is None else critical == "1",
            line=self.lines.get(element),
        )


def _merged(ranges: Iterable[DateRange]) -> list[DateRange]:
    """Sorted, disjoint ranges covering the same days (overlapping and adjacent ones joined)."""
    out: list[DateRange] = []
    for first, last in sorted(ranges):
        if out and (first - out[-1][1]).days <= 1:
            out[-1] = (out[-1][0], max(last, out[-1][1]))
        else:
            out.append((first, last))
    return out


def _without(ranges: Iterable[DateRange], cuts: list[DateRange]) -> list[DateRange]:
    """The parts of ``ranges`` that no range of ``cuts`` (sorted and disjoint, see :func:`_merged`) covers."""
    starts = [c[0] for c in cuts]
    out: list[DateRange] = []
    for first, last in ranges:
        k = max(bisect_right(starts, first) - 1, 0)
        while first <= last and k < len(cuts) and cuts[k][0] <= last:
            cut_first, cut_last = cuts[k]
            if cut_last >= first:
                if cut_first > first:
                    out.append((first, cut_first - ONE_DAY))
                first = cut_last + ONE_DAY
            k += 1
        if first <= last:
            out.append((first, last))
    return out


def _nth_weekday(year: int, month: int, weekday: int, position: int) -> date:
    """``position`` 0..3 = first..fourth, 4 = last; ``weekday`` 0 = Monday."""
    days = [d for d in range(1, stdlib_calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday]  # fmt: skip
    return date(year, month, days[-1] if position >= 4 else days[position])


def _occurrences(
    kind: int,
    first: date,
    last: date,
    count: int | None,
    *,
    period: int,
    days_of_week: int,
    month_day: int,
    month_item: int,
    month_position: int,
    month: int,
) -> Iterator[DateRange]:
    """Occurrences of an MS Project exception (types as MPXJ reads them: 1 daily, 7 every n days,
    6 weekly, 5 monthly relative, 4 monthly absolute, 3 yearly relative, 2 yearly absolute) as date
    ranges, in date order, stopping after ``count`` occurrences or after ``last``. A daily exception
    is the one range ``first..last``, never a day at a time."""
    if kind == 1:
        yield first, last
        return
    if period < 1:
        raise ValueError(f"Period {period} is not a positive number")
    # MS Project weekday numbering in MonthItem: 3 = Sunday .. 9 = Saturday; DaysOfWeek: bit 0 = Sunday
    python_weekday = (month_item - 3 + 6) % 7
    candidates: Iterator[date]
    if kind == 7:
        candidates = (first + timedelta(days=k * period) for k in range((last - first).days // period + 1))
    elif kind == 6:
        sunday = first - timedelta(days=(first.weekday() + 1) % 7)  # MS Project weeks start on Sunday
        chosen = [wd for wd in range(7) if days_of_week >> wd & 1]
        candidates = (
            sunday + timedelta(weeks=w * period, days=wd)
            for w in range((last - sunday).days // (7 * period) + 1)
            for wd in chosen
        )
    elif kind in (5, 4):
        if kind == 5 and not 3 <= month_item <= 9:
            raise ValueError(f"MonthItem {month_item} is not a weekday (3..9)")
        candidates = (
            _nth_weekday(y, m, python_weekday, month_position)
            if kind == 5
            else date(y, m, min(month_day, stdlib_calendar.monthrange(y, m)[1]))
            for y, m in _months(first, last, period)
        )
    elif kind in (3, 2):
        candidates = (
            _nth_weekday(y, month + 1, python_weekday, month_position)
            if kind == 3
            else date(y, month + 1, min(month_day, stdlib_calendar.monthrange(y, month + 1)[1]))
            for y in range(first.year, last.year + 1)
        )
    else:
        raise ValueError(f"unknown recurrence Type {kind}")
    emitted = 0
    for day in candidates:
        if first <= day <= last:
            emitted += 1
            if count is not None and emitted > count:
                return
            yield day, day


def _months(first: date, last: date, period: int) -> Iterator[tuple[int, int]]:
    index = first.year * 12 + first.month - 1
    while index <= last.year * 12 + last.month - 1:
        yield divmod(index, 12)[0], divmod(index, 12)[1] + 1
        index += period


# --- to the engine -------------------------------------------------------------------------------


def _days(value: float, what: str, task: MspdiTask, line: int | None) -> float:
    if abs(value) > limits.MAX_DAYS:
        raise MspdiError(f"task UID {task.uid} {task.name!r}: {what} of {value:,.1f} days is more than the limit "
                         f"of {limits.MAX_DAYS:,} days", line)
    return value


def to_network(
    project: MspdiProject, *, pin_manual: bool = True, calendar: WorkCalendar | None = None,
    task_calendars: bool = True,
) -> MspdiNetwork:
    """Engine activities and links for the project's tasks (the project summary task 0 and
    inactive tasks, and links from them, left out). Manually scheduled tasks keep their stored start
    (``pin_manual``), as MS Project does not move them. A task with its own calendar (``CalendarUID``)
    is scheduled on it; its duration and the lags of links into it are in working days of that
    calendar. Without ``task_calendars`` every task is on the project calendar. A duration,
    remaining duration or lag past ``limits.MAX_DAYS`` is refused, naming the task and its line."""
    cal = calendar or project.work_calendar()
    tasks = [t for t in project.tasks if t.outline_level > 0 and t.active]
    own = {uid: project.work_calendar(uid, first_year=cal.first_year, last_year=cal.last_year)
           for uid in {t.calendar_uid for t in tasks} - {None, project.calendar_uid} if task_calendars}
    on = {t.uid: own.get(t.calendar_uid) for t in tasks}
    day_minutes = {t.uid: (on[t.uid] or cal).hours_per_day * 60 for t in tasks}
    kept = {t.uid for t in tasks}
    duration = {t.uid: t.duration_minutes / day_minutes[t.uid] for t in tasks}
    activities, links = [], []
    for t in tasks:
        working_minutes = day_minutes[t.uid]
        days = 0.0 if t.summary else _days(t.duration_minutes / 1440 if t.duration_elapsed else duration[t.uid],
                                           "Duration", t, t.line)
        remaining = None
        if t.remaining_minutes is not None and t.actual_start is not None and t.actual_finish is None:
            remaining = _days(t.remaining_minutes / (1440 if t.duration_elapsed else working_minutes),
                              "RemainingDuration", t, t.line)
        constraint, constraint_date = t.constraint, t.constraint_date
        if pin_manual and t.manual and not t.summary and t.ms_start is not None:
            constraint, constraint_date = Constraint.MSO, t.ms_start
        started = t.actual_start is not None
        activities.append(
            Activity(
                id=str(t.uid),
                duration=days,
                elapsed=t.duration_elapsed and not t.summary,
                parent=str(t.parent_uid) if t.parent_uid in kept else None,
                constraint=constraint,
                constraint_date=constraint_date,
                deadline=t.deadline,
                actual_start=t.actual_start if started and not t.summary else None,
                actual_finish=t.actual_finish if started and not t.summary else None,
                percent_complete=t.percent_complete if started and not t.summary else 0.0,
                remaining=remaining,
                calendar=on[t.uid],
            )
        )
        for link in t.predecessors:
            if link.pred_uid not in kept:
                continue
            if link.lag_percent is not None:  # of the predecessor's duration, counted on this task's calendar
                lag = link.lag_percent / 100 * duration[link.pred_uid] * day_minutes[link.pred_uid] / working_minutes
            else:
                lag = link.lag_minutes / (1440 if link.lag_elapsed else working_minutes)
            lag = _days(lag, f"the lag after UID {link.pred_uid}", t, link.line)
            links.append(Link(str(link.pred_uid), str(t.uid), link.type, lag, link.lag_elapsed))
    return MspdiNetwork(tuple(activities), tuple(links), cal, project.start, project.status_date)
