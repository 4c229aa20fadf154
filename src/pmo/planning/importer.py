"""MS Project XML (MSPDI) import into a project's plan: atomic, one audit event, nothing written on error.

Parsing is :func:`pmo.engine.mspdi.parse_mspdi` (defusedxml: no DTDs, no entities), so a hostile or
broken file fails before anything is written, with the line and reason. Tasks keep MS Project's
outline (hierarchy and order), milestones, durations (in working days of the file's calendar),
elapsed durations, constraints, deadlines and progress; links keep their type and lag; the file's
project calendar (weekdays, working times, exceptions) becomes the project's calendar.
Manually scheduled tasks are pinned where MS Project left them (must start on), as MS Project
does not move them either. Dates are kept to the day.

Every import stays within :mod:`pmo.engine.limits`: tasks, links and calendar exceptions (kept as
date ranges, one row each), dates, durations, and an elapsed-time budget checked between the steps.
Past a limit, or when the plan cannot be scheduled, the error names the limit, the line or the task.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core import audit
from pmo.engine.limits import Deadline, LimitExceeded
from pmo.engine.mspdi import MspdiError, parse_mspdi, to_network
from pmo.portfolio import services as portfolio_services
from pmo.portfolio.models import Project

from .models import Calendar, Dependency, Task
from .policies import task_policy
from .services import NO_STATUS_DATE, _reschedule_project, _set_exceptions

CENT = Decimal("0.01")


def _day(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _decimal(value: float | None) -> Decimal | None:
    """Days or percent to cents (the reader has bounded them: ``limits.MAX_DAYS``, 0..100 %)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _times(working_times) -> str:
    return ",".join(f"{a.strftime('%H:%M')}-{b.strftime('%H:%M')}" for a, b in working_times)


def mspdi_import(*, actor, project: Project, data: bytes, replace: bool = False) -> int:
    """Import the file's tasks, links and calendar into ``project``; return the number of tasks.

    Refuses a project that already has tasks unless ``replace`` (which deletes them first).
    """
    task_policy.require(actor, "create", project, "you may not change the plan of this project")
    deadline = Deadline()
    try:
        source = parse_mspdi(data)
        deadline.check("reading the file")
        net = to_network(source, task_calendars=False)  # a project has one calendar: its tasks share it
    except MspdiError as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise ValidationError({"file": f"{where}{exc.reason}"}) from exc
    except (ValueError, OverflowError) as exc:
        raise ValidationError({"file": f"not a schedulable MS Project file: {exc}"}) from exc
    rows = [t for t in source.tasks if t.outline_level > 0 and t.active]
    if not rows:
        raise ValidationError({"file": "the file has no tasks"})
    activities = {a.id: a for a in net.activities}
    actor_row = actor if getattr(actor, "pk", None) else None
    try:
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=project.pk)
            existing = Task.objects.filter(project=project).count()
            if existing and not replace:
                raise ValidationError({"file": f"{project.code} already has {existing} tasks; "
                                               "choose 'replace' to delete them and import the file"})
            if existing:
                Task.objects.filter(project=project).delete()
            calendar = _import_calendar(project, net.calendar)
            tasks = []
            for position, row in enumerate(rows, start=1):
                act = activities[str(row.uid)]
                milestone = row.milestone and act.duration == 0
                task = Task(
                    project=project, order=position * 10, code=str(row.id if row.id is not None else row.uid)[:40],
                    name=(row.name or f"Task {row.uid}")[:200], is_milestone=milestone,
                    duration=_decimal(0 if milestone or row.summary else act.duration),
                    elapsed=act.elapsed, constraint_type=str(act.constraint),
                    constraint_date=_day(act.constraint_date), deadline=_day(act.deadline),
                    actual_start=_day(act.actual_start), actual_finish=_day(act.actual_finish),
                    percent_complete=_decimal(act.percent_complete), remaining=_decimal(act.remaining),
                    calendar=calendar, created_by=actor_row,
                )
                try:
                    task.full_clean(exclude=["parent", "calendar", "project", "created_by"])  # set here, not read
                except ValidationError as exc:
                    problems = "; ".join(f"{name}: {' '.join(m)}" for name, m in exc.message_dict.items())
                    where = f"line {row.line}: " if row.line else ""
                    raise ValidationError({"file": f"{where}task UID {row.uid} {row.name!r}: {problems}"}) from exc
                tasks.append(task)
            deadline.check("checking the tasks")
            Task.objects.bulk_create(tasks, batch_size=500)
            by_uid = {row.uid: task for row, task in zip(rows, tasks, strict=True)}
            children = []
            for row, task in zip(rows, tasks, strict=True):
                if row.parent_uid in by_uid:
                    task.parent_id = by_uid[row.parent_uid].pk
                    children.append(task)
            Task.objects.bulk_update(children, ["parent"], batch_size=500)
            deadline.check("writing the tasks")
            unique = {}
            for link in net.links:
                unique.setdefault((link.pred, link.succ), Dependency(
                    predecessor=by_uid[int(link.pred)], successor=by_uid[int(link.succ)], type=str(link.type),
                    lag=_decimal(link.lag), elapsed=link.elapsed, created_by=actor_row))
            Dependency.objects.bulk_create(list(unique.values()), batch_size=500)
            deadline.check("writing the links")
            start = _day(source.start)
            if project.start != start and project.start is None:
                # the file's start fills a missing project start (an audited change of the project)
                project = portfolio_services.project_update(actor=actor, project=project,
                                                            expected_version=project.version, start=start)
            _reschedule_project(project, status_date=_day(net.status_date) or NO_STATUS_DATE)
            deadline.check("scheduling")
            audit.record(actor=actor, action="import_mspdi", obj=project, before={"tasks": existing}, after={
                "tasks": len(tasks), "links": len(unique), "calendar": calendar.name, "file_project": source.name,
                "replace": replace,
            })
    except LimitExceeded as exc:
        raise ValidationError({"file": f"{exc}; nothing was imported"}) from exc
    return len(tasks)


def _import_calendar(project: Project, work_calendar) -> Calendar:
    """The file's calendar as the project's; its exceptions are date ranges (one row each)."""
    Calendar.objects.filter(project=project).delete()
    calendar = Calendar(project=project, name=(work_calendar.name or f"{project.code} calendar")[:120],
                        weekmask=work_calendar.weekmask, working_times=_times(work_calendar.working_times))
    try:
        calendar.full_clean(exclude=["project"])
        calendar.save()
        _set_exceptions(calendar, sorted(
            [{"start": first, "finish": last, "working": working, "name": "imported"}
             for days, working in ((work_calendar.non_working_days, False), (work_calendar.working_days, True))
             for first, last in days], key=lambda e: e["start"]))
    except ValidationError as exc:
        raise ValidationError({"file": f"calendar: {' '.join(exc.messages)}"}) from exc
    return calendar
