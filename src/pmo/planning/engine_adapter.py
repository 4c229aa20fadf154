"""The one place where planning rows become engine dataclasses, and engine results become rows.

Activity ids are task primary keys as strings. Tasks of other projects that feed the scheduled set
through a cross-project link are passed as *pinned* activities (must start on their stored start),
so a project can be rescheduled on its own; a program reschedule includes every project of the
program and pins only what lies outside it. Each task is scheduled on its own calendar: its task
calendar, else its project's, else the portfolio default (see :func:`task_calendars`). Results are
written back with ``bulk_update`` in chunks (one statement per chunk, see :func:`bulk_write`), and
only for rows whose computed values changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from pmo.engine.calendar import CalendarError, WorkCalendar
from pmo.engine.cpm import Activity, Constraint, Link, Schedule, ScheduleError, schedule_columns
from pmo.engine.limits import EARLIEST_DATE, LATEST_DATE
from pmo.engine.network import CycleError

from .models import Calendar, Dependency, Task

CHUNK = 500
DEFAULT_TIMES = ((time(8), time(12)), (time(13), time(17)))


def _times(spec: str) -> tuple[tuple[time, time], ...]:
    out = []
    for part in spec.split(","):
        start, end = part.strip().split("-")
        out.append((time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(out)


def work_calendar(calendar: Calendar | None, *, exceptions: Iterable | None = None, first_year: int = 2000,
                  last_year: int = 2060) -> WorkCalendar:
    """The engine calendar of a planning calendar (``None``: Monday-Friday, 8 hours).

    ``exceptions`` are (start, finish, working) date ranges; by default the calendar's own exception rows.
    """
    if calendar is None:
        return WorkCalendar(first_year=first_year, last_year=last_year)
    if exceptions is None:
        exceptions = [(e.start, e.finish, e.working) for e in calendar.exceptions.all()]
    exceptions = list(exceptions)
    try:
        return WorkCalendar(
            weekmask=calendar.weekmask,
            working_times=_times(calendar.working_times) if calendar.working_times else DEFAULT_TIMES,
            country=calendar.holiday_country or None,
            subdivision=calendar.holiday_subdivision or None,
            non_working_days=frozenset((start, finish) for start, finish, working in exceptions if not working),
            working_days=frozenset((start, finish) for start, finish, working in exceptions if working),
            first_year=first_year,
            last_year=last_year,
            name=calendar.name,
        )
    except (CalendarError, ValueError) as exc:
        raise ValidationError({"working_times": f"calendar {calendar.name}: {exc}"}) from exc


class LinkRow(NamedTuple):
    """A dependency as the scheduler needs it (read as plain tuples: no model instances)."""

    predecessor_id: int
    successor_id: int
    type: str
    lag: Decimal | float
    elapsed: bool


@dataclass(slots=True)
class TaskRow:
    """A task as the scheduler reads and writes it: the plain values of one row, no model instance.

    Building model instances was most of a reschedule's time (Django's per-instance set-up and
    per-value converters for every task of the project); a row is one tuple of the database's
    values. The attributes are the model's, so the rest of the adapter reads a row as it reads a task.
    """

    pk: int
    project_id: int
    parent_id: int | None
    order: int
    code: str
    name: str
    is_milestone: bool
    duration: Decimal | float
    elapsed: bool
    constraint_type: str
    constraint_date: date | None
    deadline: date | None
    calendar_id: int | None
    actual_start: date | None
    actual_finish: date | None
    percent_complete: Decimal | float
    remaining: Decimal | float | None
    # written by the scheduler (Task.computed_fields)
    is_summary: bool
    wbs: str
    start: date | None
    finish: date | None
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_float: float | None
    free_float: float | None
    is_critical: bool

    @property
    def id(self) -> int:
        return self.pk


_ROW_FIELDS = tuple(TaskRow.__dataclass_fields__)


def task_rows(queryset) -> list[TaskRow]:
    """The rows of ``queryset`` (one query), in outline order.

    Read with a plain cursor, without Django's per-value converters: the drivers already return
    dates and booleans (Django registers SQLite's date and bool converters); numbers stay as the
    driver gives them (Decimal, or float on SQLite), which the engine reads as floats.
    """
    return [TaskRow(*row) for row in _fetch(queryset.order_by("project_id", "order", "pk").values_list(*_ROW_FIELDS))]


def _fetch(values_list) -> list[tuple]:
    """The rows of a ``values_list`` query as the driver returns them (no per-value converters)."""
    sql, params = values_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Network:
    """Rows to schedule (``tasks``), tasks of other sets they depend on (``pinned``), and links."""

    tasks: list[TaskRow]
    links: list[LinkRow]
    pinned: list[TaskRow] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, TaskRow]:
        return {str(t.pk): t for t in [*self.tasks, *self.pinned]}


def load_network(task_queryset) -> Network:
    """The tasks of ``task_queryset``, every link into them, and pinned outside predecessors.

    Three queries whatever the size: tasks, links, outside predecessors.
    """
    tasks = task_rows(task_queryset)
    ids = {t.pk for t in tasks}
    links = [LinkRow(*row) for row in _fetch(Dependency.objects.filter(successor__in=task_queryset.values("pk"))
                                             .order_by("pk").values_list("predecessor_id", "successor_id", "type",
                                                                         "lag", "elapsed"))]
    outside = {d.predecessor_id for d in links} - ids
    pinned = task_rows(Task.objects.filter(pk__in=outside)) if outside else []
    return Network(tasks, links, pinned)


def labels(ids: Iterable[str]) -> dict[str, str]:
    """``project/code name`` of the tasks with these activity ids, for messages (one query)."""
    pks = [int(i) for i in ids if str(i).isdigit()]
    return {str(t.pk): t.label for t in Task.objects.filter(pk__in=pks).select_related("project")}


def _years(net: Network, start: date) -> tuple[int, int]:
    years = [start.year]
    for t in [*net.tasks, *net.pinned]:
        for value in (t.constraint_date, t.deadline, t.actual_start, t.actual_finish, t.start):
            if value:
                years.append(value.year)
    return max(EARLIEST_DATE.year, min(years) - 1), min(LATEST_DATE.year, max(years) + 30)


def calendar_for(net: Network, calendar: Calendar | None, start: date) -> WorkCalendar:
    first, last = _years(net, start)
    return work_calendar(calendar, first_year=first, last_year=last)


@dataclass
class TaskCalendars:
    """Engine calendars of the tasks not on the run's calendar, and each such task's position among them."""

    calendars: list[WorkCalendar] = field(default_factory=list)
    position: dict[int, int] = field(default_factory=dict)


def task_calendars(net: Network, run: Calendar | None, work: WorkCalendar) -> TaskCalendars:
    """The calendar each task is worked on, where it is not ``run`` (whose engine calendar is ``work``).

    A task's calendar is its own, else its project's, else the portfolio default (the oldest); a
    project's tasks without one are on the run's calendar, so a one-calendar plan costs no query.
    """
    rows = [*net.tasks, *net.pinned]
    run_pk = run.pk if run is not None else None
    own = {t.calendar_id for t in rows if t.calendar_id}
    projects = {t.project_id for t in rows}
    if not own - {run_pk} and (len(projects) == 1 and run is not None and run.project_id in projects):
        return TaskCalendars()
    found = list(Calendar.objects.filter(Q(pk__in=own) | Q(project__in=projects) | Q(project__isnull=True))
                 .prefetch_related("exceptions").order_by("pk"))
    by_pk = {c.pk: c for c in found}
    of_project = {c.project_id: c.pk for c in found if c.project_id}
    default = next((c.pk for c in found if c.project_id is None), None)
    wanted = {t.pk: t.calendar_id or of_project.get(t.project_id, default) for t in rows}
    wanted = {pk: calendar for pk, calendar in wanted.items() if calendar != run_pk}
    order = sorted(set(wanted.values()) - {None})
    engine = [work_calendar(by_pk[pk], first_year=work.first_year, last_year=work.last_year) for pk in order]
    if None in wanted.values():  # no calendar at all: Monday-Friday, 8 hours
        order.append(None)
        engine.append(work_calendar(None, first_year=work.first_year, last_year=work.last_year))
    position = {pk: k for k, pk in enumerate(order)}
    return TaskCalendars(engine, {pk: position[calendar] for pk, calendar in wanted.items()})


def _task_activity(t: TaskRow, *, summary: bool, project_starts: dict[int, date], start: date) -> Activity:
    """The engine activity of one scheduled task (its ``parent`` set from the task)."""
    constraint, constraint_date = t.constraint_type, t.constraint_date
    project_start = project_starts.get(t.project_id)
    if (not summary and constraint == "ASAP" and project_start and project_start > start
            and not t.actual_start):
        constraint, constraint_date = "SNET", project_start
    if summary:
        constraint, constraint_date = "ASAP", None
    started = t.actual_start is not None and not summary
    return Activity(
        id=str(t.pk),
        duration=0.0 if summary or t.is_milestone else float(t.duration),
        elapsed=t.elapsed and not summary,
        parent=str(t.parent_id) if t.parent_id else None,
        constraint=Constraint(constraint),
        constraint_date=constraint_date,
        deadline=t.deadline,
        actual_start=t.actual_start if started else None,
        actual_finish=t.actual_finish if started else None,
        percent_complete=float(t.percent_complete) if started else 0.0,
        remaining=float(t.remaining) if started and t.remaining is not None and not t.actual_finish else None,
    )


def _pinned_activity(t: TaskRow, start: date) -> Activity:
    if (t.is_milestone or t.is_summary) and t.finish:
        # a milestone sits at the end of its day; a summary is pinned by its finish
        return Activity(id=str(t.pk), duration=0.0, constraint=Constraint.MFO, constraint_date=t.finish)
    return Activity(id=str(t.pk), duration=0.0 if t.is_milestone else float(t.duration), elapsed=t.elapsed,
                    constraint=Constraint.MSO, constraint_date=t.start or t.constraint_date or start)


def to_engine(net: Network, *, project_starts: dict[int, date], start: date) -> tuple[list[Activity], list[Link]]:
    """Engine activities and links for the network.

    Tasks whose project starts after ``start`` get a start-no-earlier-than of their project start
    (so a program's projects keep their own start dates in the integrated schedule).
    """
    parents = {t.parent_id for t in net.tasks if t.parent_id}
    activities = [_task_activity(t, summary=t.pk in parents, project_starts=project_starts, start=start)
                  for t in net.tasks]
    activities += [_pinned_activity(t, start) for t in net.pinned]
    links = [Link(str(d.predecessor_id), str(d.successor_id), d.type, float(d.lag), d.elapsed) for d in net.links]
    return activities, links


def to_columns(net: Network, *, project_starts: dict[int, date], start: date,
               calendars: TaskCalendars | None = None) -> dict:
    """The same network as :func:`to_engine`, as keyword arguments of
    :func:`~pmo.engine.cpm.schedule_columns`: plain columns for every task, an :class:`Activity` only for
    the tasks that carry a constraint, deadline or progress (and for pinned tasks), and the task
    calendars as positions in ``calendars``."""
    parents = {t.parent_id for t in net.tasks if t.parent_id}
    rows = [*net.tasks, *net.pinned]
    position = {t.pk: k for k, t in enumerate(rows)}
    duration, elapsed, parent, details = [], [], [], []
    for t in net.tasks:
        summary = t.pk in parents
        duration.append(0.0 if summary or t.is_milestone else float(t.duration))
        elapsed.append(t.elapsed and not summary)
        if t.parent_id is None:
            parent.append(-1)
        elif t.parent_id in position:
            parent.append(position[t.parent_id])
        else:
            raise ScheduleError(f"{t.pk}: unknown parent {str(t.parent_id)!r}")
        project_start = project_starts.get(t.project_id)
        # what makes _task_activity more than a duration: a constraint (or a later project start), a
        # deadline, progress; a stray constraint date goes along too, so the Activity refuses it as before
        special = bool(t.deadline) if summary else (
            t.constraint_type != "ASAP" or t.constraint_date is not None or t.deadline is not None
            or t.actual_start is not None or bool(project_start and project_start > start))
        if special:
            details.append(_task_activity(t, summary=summary, project_starts=project_starts, start=start))
    for t in net.pinned:
        activity = _pinned_activity(t, start)
        duration.append(activity.duration)
        elapsed.append(activity.elapsed)
        parent.append(-1)
        details.append(activity)
    try:
        pred = [position[d.predecessor_id] for d in net.links]
        succ = [position[d.successor_id] for d in net.links]
    except KeyError as exc:
        raise ScheduleError(f"a link names an unknown activity {str(exc.args[0])!r}") from None
    out = {
        "ids": [str(t.pk) for t in rows], "duration": duration, "elapsed": elapsed, "parent": parent,
        "details": details, "link_pred": pred, "link_succ": succ, "link_type": [d.type for d in net.links],
        "link_lag": [float(d.lag) for d in net.links], "link_elapsed": [d.elapsed for d in net.links],
    }
    if calendars is not None and calendars.position:
        out["calendars"] = calendars.calendars
        out["calendar_index"] = [calendars.position.get(t.pk, -1) for t in rows]
    return out


def run(net: Network, *, calendar: WorkCalendar, start: date, status_date: date | None,
        project_starts: dict[int, date], calendars: TaskCalendars | None = None) -> Schedule:
    """Schedule the network (``calendar`` is the run's, ``calendars`` the tasks' own where they differ);
    cycles, unschedulable input and dates that run outside the calendars become a ValidationError
    naming tasks."""
    try:
        columns = to_columns(net, project_starts=project_starts, start=start, calendars=calendars)
        result = schedule_columns(calendar=calendar, start=start, status_date=status_date, **columns)
    except CycleError as exc:
        names = labels(exc.cycle)
        raise ValidationError({"predecessor": str(CycleError([names.get(i, i) for i in exc.cycle]))}) from exc
    except ScheduleError as exc:
        message = str(exc)
        names = labels(re.findall(r"\b(\d+):", message))
        raise ValidationError(re.sub(r"\b(\d+):", lambda m: f"{names.get(m[1], m[1])}:", message)) from exc
    except CalendarError as exc:
        raise ValidationError(_elapsed_outside(net, calendar, start, exc)) from exc
    _check_within(result)
    return result


def _span(calendar: WorkCalendar) -> str:
    return f"{calendar.origin}..{date(calendar.last_year, 12, 31)}"


def _check_within(result: Schedule) -> None:
    """Refuse a schedule whose dates run outside its calendars, naming the first task that does
    (the one that starts earliest: in a chain, the task that crosses the end)."""
    calendars = result.calendars or (result.calendar,)
    index = np.zeros(len(result.ids), np.int64) if result.calendar_index is None else result.calendar_index
    end = np.array([c.offset(date(c.last_year, 12, 31), finish=True) for c in calendars])[index]
    before = np.zeros(len(result.ids), dtype=bool)
    after = np.zeros(len(result.ids), dtype=bool)
    for values in (result.early_start, result.early_finish, result.late_start, result.late_finish):
        before |= values < 0
        after |= values >= end
    rows = np.flatnonzero(before | after)
    if not rows.size:
        return
    row = int(rows[np.argmin(result.early_start[rows])])
    task = result.ids[row]
    where = f"before {result.calendar.origin}" if before[row] else f"past {date(result.calendar.last_year, 12, 31)}"
    others = f"; {len(rows) - 1:,} more after it" if len(rows) > 1 else ""
    raise ValidationError(f"{labels([task]).get(task, task)}: runs {where}, outside the dates the plan is scheduled "
                          f"in ({_span(result.calendar)}){others}; shorten it or the work before it")


def _elapsed_outside(net: Network, calendar: WorkCalendar, start: date, exc: CalendarError) -> str:
    """The message for a calendar error inside the scheduler, naming the task whose elapsed duration
    or lag (calendar days) alone runs past the calendar's end when there is one."""
    days_left = (date(calendar.last_year, 12, 31) - start).days
    spans = [(float(t.duration), str(t.pk), "") for t in net.tasks if t.elapsed]
    spans += [(abs(float(d.lag)), str(d.successor_id), "the lag into ") for d in net.links if d.elapsed]
    days, task, what = max(spans, default=(0.0, "", ""))
    if days > days_left:
        return (f"{what}{labels([task]).get(task, task)}: {days:,.0f} calendar days from {start} run past "
                f"{_span(calendar)}, the dates the plan is scheduled in")
    return f"the schedule runs outside {_span(calendar)}, the dates the plan is scheduled in: {exc}"


def wbs_numbers(tasks: list[TaskRow]) -> dict[int, str]:
    """Outline numbers (1, 1.1, 1.2, 2 ...) from each project's order and parent links."""
    numbers: dict[int, str] = {}
    counters: dict[tuple[int, int | None], int] = {}
    for t in sorted(tasks, key=lambda t: (t.project_id, t.order, t.pk)):
        key = (t.project_id, t.parent_id)
        counters[key] = counters.get(key, 0) + 1
        prefix = numbers.get(t.parent_id, "") if t.parent_id else ""
        numbers[t.pk] = f"{prefix}.{counters[key]}" if prefix else str(counters[key])
    return numbers


_DATES = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")


def write_back(net: Network, result: Schedule) -> dict[int, tuple[date | None, date | None]]:
    """Store the computed fields of ``net.tasks`` whose values changed, in bulk.

    Old and new values are compared as one tuple per task (columns converted at once), so an edit
    that moves a handful of tasks writes a handful of rows whatever the size of the plan. Returns
    the previous (start, finish) of every task written.
    """
    tasks = net.tasks
    if not tasks:
        return {}
    rows = np.array([result.index[str(t.pk)] for t in tasks], dtype=np.int64)
    summary = result.summary[rows]
    milestone = np.fromiter((t.is_milestone for t in tasks), dtype=bool, count=len(tasks)) & ~summary
    new = {name: (result.start_dates if name.endswith("start") else result.finish_dates)(name, rows)
           for name in _DATES}
    for name in ("start", "early_start", "late_start"):  # a milestone is one moment: show it on its finish day
        new[name] = np.where(milestone, new[name.replace("start", "finish")], new[name])
    wbs = wbs_numbers(tasks)
    columns = {
        "is_summary": summary.tolist(),
        "wbs": [wbs[t.pk] for t in tasks],
        **{name: values.tolist() for name, values in new.items()},
        "total_float": np.round(result.total_float[rows], 3).tolist(),
        "free_float": np.round(result.free_float[rows], 3).tolist(),
        "is_critical": result.critical[rows].tolist(),
    }
    names = tuple(columns)
    old = map(attrgetter(*names), tasks)
    before: dict[int, tuple] = {}
    written = []
    for t, was, now in zip(tasks, old, zip(*columns.values(), strict=True), strict=True):
        if was != now:
            before[t.pk] = (t.start, t.finish)
            for name, value in zip(names, now, strict=True):
                setattr(t, name, value)
            written.append(t)
    bulk_write(written, Task.computed_fields)
    return before


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, sqlite3.Error):
            return 999
    return 60000


def bulk_write(rows: list, fields: tuple[str, ...]) -> None:
    """``UPDATE task SET ... FROM (VALUES ...)``: one statement per chunk of rows.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per field and row, which costs seconds for a few
    thousand rows; a joined VALUES list is the same single statement per chunk at a fraction of it.
    """
    if not rows:
        return
    connection.ensure_connection()
    if connection.vendor not in {"sqlite", "postgresql"}:
        Task.objects.bulk_update([Task(pk=r.pk, **{f: getattr(r, f) for f in fields}) for r in rows], fields,
                                 batch_size=CHUNK)
        return
    model_fields = [Task._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = [f.column for f in model_fields]
    if connection.vendor == "postgresql":
        reads = [f"v.{quote(c)}::{f.db_type(connection)}" for c, f in zip(columns, model_fields, strict=True)]
    else:
        reads = [f"v.{quote(c)}" for c in columns]
    table = quote(Task._meta.db_table)
    assignments = ", ".join(f"{quote(c)} = {r}" for c, r in zip(columns, reads, strict=True))
    names = ", ".join(quote(c) for c in ["id", *columns])
    per_row = len(columns) + 1
    chunk = max(1, min(CHUNK, _max_params() // per_row))
    placeholder = "(" + ", ".join(["%s"] * per_row) + ")"
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), chunk):
            part = rows[offset:offset + chunk]
            params = []
            for row in part:
                params.append(row.pk)
                params.extend(f.get_db_prep_value(getattr(row, f.attname), connection) for f in model_fields)
            cursor.execute(
                f"WITH v({names}) AS (VALUES {', '.join([placeholder] * len(part))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{quote('id')} = v.{quote('id')}",
                params,
            )
