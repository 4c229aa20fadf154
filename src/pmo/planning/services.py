"""Every write to plans: policy check, validation, save, reschedule and audit in one transaction.

A change that can move dates (a task's duration, constraint, progress, hierarchy; a link) reschedules
the task's project, and the projects downstream of it through cross-project links, inside the same
service call. The computed dates are derived data, so the automatic reschedule writes no audit event
of its own: each service call writes exactly one. An explicit :func:`project_reschedule` or
:func:`program_reschedule` writes one ``reschedule`` event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.policies import require_writable
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.engine import limits
from pmo.engine.cpm import Schedule
from pmo.engine.network import CycleError
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import project_policy

from . import engine_adapter
from .models import (
    Baseline,
    BaselineTask,
    Calendar,
    CalendarException,
    Dependency,
    Interface,
    InterfaceStatus,
    Task,
)
from .policies import (
    baseline_policy,
    calendar_policy,
    dependency_policy,
    interface_policy,
    plan_policy,
    task_policy,
)

TASK_FIELDS = (
    "parent", "order", "code", "name", "is_milestone", "duration", "elapsed", "constraint_type", "constraint_date",
    "deadline", "calendar", "actual_start", "actual_finish", "percent_complete", "remaining", "work", "cost", "owner",
)
#: task fields whose change cannot move any date
TASK_FIELDS_WITHOUT_DATES = {"code", "name", "owner", "work", "cost", "order"}
DEPENDENCY_FIELDS = ("type", "lag", "elapsed")
CALENDAR_FIELDS = ("name", "weekmask", "working_times", "holiday_country", "holiday_subdivision")
INTERFACE_FIELDS = ("provider", "consumer", "title", "description", "need_by", "provider_task", "consumer_task",
                    "status", "owner")


def _unknown_fields(changes: dict, allowed: Iterable[str]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


# --- scheduling --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    task: Task
    before: date | None
    after: date | None

    @property
    def days(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return (self.after - self.before).days


@dataclass
class ScheduleResult:
    start: date
    finish: date | None
    tasks: list[engine_adapter.TaskRow]
    critical_path: list[engine_adapter.TaskRow]
    #: milestones whose finish moved (program reschedules: all; project reschedules: downstream projects)
    slips: list[Slip] = field(default_factory=list)


def project_calendar(project: Project) -> Calendar | None:
    """The project's own calendar, else the portfolio default (the oldest default calendar), else None."""
    own = Calendar.objects.filter(project=project).prefetch_related("exceptions").first()
    if own is not None:
        return own
    return default_calendar()


def _project_start(project: Project, net: engine_adapter.Network) -> date:
    if project.start:
        return project.start
    dates = [d for t in net.tasks for d in (t.actual_start, t.constraint_date) if d]
    return min(dates) if dates else timezone.localdate()


#: pass as ``status_date`` to schedule progress without any status date (as MS Project does when none is set)
NO_STATUS_DATE = object()


def _status_date(net: engine_adapter.Network, status_date) -> date | None:
    """The given status date; by default today once any progress is recorded (remaining work is
    not scheduled in the past)."""
    if status_date is NO_STATUS_DATE:
        return None
    if status_date is not None:
        return status_date
    return timezone.localdate() if any(t.actual_start for t in net.tasks) else None


@dataclass
class _Plan:
    """A network and its computed schedule, not yet stored (``result`` is None without tasks)."""

    net: engine_adapter.Network
    result: Schedule | None
    start: date


def _plan(net: engine_adapter.Network, *, projects: list[Project], calendar: Calendar | None,
          status_date: date | None) -> _Plan:
    if not net.tasks:
        return _Plan(net, None, projects[0].start or timezone.localdate())
    starts = {p.pk: _project_start(p, net) for p in projects}
    start = min(starts.values())
    for t in net.tasks:
        if t.actual_start and t.actual_start < start:
            start = t.actual_start
    work_calendar = engine_adapter.calendar_for(net, calendar, start)
    result = engine_adapter.run(net, calendar=work_calendar, start=start,
                                status_date=_status_date(net, status_date), project_starts=starts,
                                calendars=engine_adapter.task_calendars(net, calendar, work_calendar))
    return _Plan(net, result, start)


def _store(plan: _Plan) -> tuple[ScheduleResult, dict]:
    """Write the rows of the plan whose computed values changed; the result and their old dates."""
    net = plan.net
    if plan.result is None:
        return ScheduleResult(start=plan.start, finish=None, tasks=[], critical_path=[]), {}
    before = engine_adapter.write_back(net, plan.result)
    by_id = net.by_id
    own = {t.pk for t in net.tasks}
    critical = [by_id[i] for i in plan.result.critical_path() if int(i) in own]
    finish = max((t.finish for t in net.tasks if t.finish), default=None)
    return ScheduleResult(start=plan.start, finish=finish, tasks=net.tasks, critical_path=critical), before


def _schedule(tasks, *, projects: list[Project], calendar: Calendar | None,
              status_date: date | None) -> tuple[ScheduleResult, dict]:
    net = engine_adapter.load_network(tasks)
    return _store(_plan(net, projects=projects, calendar=calendar, status_date=status_date))


def _plan_token(project: Project) -> tuple:
    """A fingerprint of everything the project's schedule is computed from, and of the stored schedule.

    Every change of a task or link bumps its version (so the sums of versions move), creations move
    the highest id, deletions the counts; the outside predecessors' dates, the calendars' versions,
    the project's version and start, today (the default status date) and sums of the stored floats
    complete it. A few aggregate queries, no rows.
    """
    tasks = Task.objects.filter(project=project).aggregate(
        n=Count("pk"), last=Max("pk"), versions=Sum("version"), total=Sum("total_float"), free=Sum("free_float"),
        first=Min("start"), finish=Max("finish"), changed=Max("updated_at"))
    links = Dependency.objects.filter(successor__project=project)
    link_stats = links.aggregate(n=Count("pk"), last=Max("pk"), versions=Sum("version"))
    outside = links.exclude(predecessor__project=project).order_by("pk").values_list(
        "predecessor_id", "predecessor__version", "predecessor__start", "predecessor__finish")
    calendars = Calendar.objects.filter(
        Q(project=project) | Q(project__isnull=True) | Q(pk__in=Task.objects.filter(project=project)
                                                          .values("calendar_id"))).order_by("pk").values_list(
        "pk", "version")
    own = Project.objects.filter(pk=project.pk).values_list("version", "start")
    return (tuple(tasks.values()), tuple(link_stats.values()), tuple(outside), tuple(calendars), tuple(own),
            timezone.localdate())


def plan_token(projects) -> str:
    """A short fingerprint (hex) of the plans of ``projects`` as :func:`_plan_token` sees them: it changes
    whenever anything their schedules are computed from changes (what-if results computed on one token are
    stale once it moved; the change app's assessments keep it)."""
    import hashlib

    # without _plan_token's last part (today): a result stays current overnight unless the plan or its stored
    # schedule changes (a reschedule that moves anything changes the sums of dates and floats); of the project
    # row only its start counts (a new phase or name bumps its version without changing any date)
    parts = []
    for p in sorted(projects, key=lambda p: p.pk):
        token = _plan_token(p)
        parts.append(repr((p.pk, token[:4], tuple(start for _version, start in token[4]))))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def default_calendar() -> Calendar | None:
    """The portfolio default calendar (the oldest one without a project), the program schedule's run calendar."""
    return Calendar.objects.filter(project__isnull=True).prefetch_related("exceptions").order_by("pk").first()


def plan_in_memory(net: engine_adapter.Network, *, projects: list[Project], calendar: Calendar | None,
                   status_date: date | None = None):
    """Schedule ``net`` as a reschedule of ``projects`` would, without writing anything (what-if analyses on
    a copy of the plan): the engine's :class:`~pmo.engine.cpm.Schedule`, or None without tasks."""
    return _plan(net, projects=projects, calendar=calendar, status_date=status_date).result


#: a plan edited this recently is being edited by others: scheduling it before the lock would be in vain
BUSY_PLAN = timedelta(seconds=3)


@dataclass
class _Precomputed:
    plan: _Plan
    token: tuple


def _precompute(task: Task, changes: dict) -> _Precomputed | None:
    """The project's schedule with ``changes`` applied to ``task``, computed before the write transaction.

    On SQLite a write transaction holds the database's only write lock from its first statement, so
    reading and scheduling a large plan inside it makes every other writer wait. Reading and
    computing first (WAL readers never wait), then checking inside the transaction that the plan's
    :func:`_plan_token` is unchanged, keeps the lock for the few rows the edit moved. When the plan
    changed meanwhile (another edit of the same project), the schedule is computed again inside
    the lock. None when there is nothing to gain: already inside a transaction, or a task of the
    plan changed in the last :data:`BUSY_PLAN` (others are editing it, so the plan would most likely
    change again before the lock is ours, and scheduling it twice only takes CPU from the writer
    holding the lock), or the change cannot be scheduled (the write transaction then reports it).
    """
    if connection.in_atomic_block:
        return None
    project = task.project
    token = _plan_token(project)  # first: a change committed while the plan is read makes it stale
    changed = token[0][-1]
    if changed is not None and timezone.now() - changed < BUSY_PLAN:
        return None
    net = engine_adapter.load_network(Task.objects.filter(project=project))
    row = next((t for t in net.tasks if t.pk == task.pk), None)
    if row is None:
        return None
    for name, value in changes.items():
        model_field = Task._meta.get_field(name)
        if hasattr(row, model_field.attname):  # what the scheduler reads (not the owner, cost...)
            setattr(row, model_field.attname, value.pk if model_field.is_relation and value is not None else value)
    try:
        plan = _plan(net, projects=[project], calendar=project_calendar(project), status_date=None)
    except ValidationError:
        return None
    return _Precomputed(plan, token)


def lock_plans(*project_ids: int) -> None:
    """Serialize the changes to these projects' plans until the transaction ends.

    A reschedule reads the whole plan and writes what moved; two running side by side would each
    miss the other's change (and deadlock on each other's rows). PostgreSQL takes the projects' row
    locks, in id order, before anything else is read or written; on SQLite a write transaction
    already holds the database's one write lock from BEGIN (IMMEDIATE), so this is a no-op there (as
    it is outside a transaction).
    """
    if connection.vendor != "sqlite" and connection.in_atomic_block:
        list(Project.objects.select_for_update().filter(pk__in=project_ids).order_by("pk").values_list("pk"))


def _reschedule_project(project: Project, status_date: date | None = None,
                        plan: _Plan | None = None) -> tuple[ScheduleResult, dict]:
    """Schedule the project and store what moved (``plan``: already computed, only stored)."""
    lock_plans(project.pk)
    if plan is not None:
        return _store(plan)
    return _schedule(Task.objects.filter(project=project), projects=[project],
                     calendar=project_calendar(project), status_date=status_date)


def _downstream_projects(project_ids: set[int]) -> set[int]:
    """Projects with tasks that depend on tasks of ``project_ids`` (one query)."""
    return set(
        Dependency.objects.filter(predecessor__project__in=project_ids)
        .exclude(successor__project__in=project_ids)
        .values_list("successor__project", flat=True)
    )


def _slips(before: dict, tasks: list[engine_adapter.TaskRow]) -> list[Slip]:
    moved = {t.pk: t.finish for t in tasks if t.is_milestone and t.pk in before and before[t.pk][1] != t.finish}
    found = Task.objects.select_related("project").in_bulk(moved) if moved else {}
    return [Slip(found[pk], before[pk][1], finish) for pk, finish in moved.items()]


def reschedule_after_change(project: Project, plan: _Plan | None = None) -> list[Slip]:
    """Reschedule ``project`` (``plan``: its schedule, already computed) and every project downstream
    of it through cross-project links.

    Returns the milestones of the downstream projects that moved (``task_update`` and
    ``dependency_create`` hand them on as ``downstream_slips`` so pages can say what moved).
    """
    _reschedule_project(project, plan=plan)
    done = {project.pk}
    frontier = {project.pk}
    slips: list[Slip] = []
    while frontier:
        downstream = _downstream_projects(frontier) - done
        for other in Project.objects.filter(pk__in=downstream).order_by("pk"):
            result, before = _reschedule_project(other)
            slips.extend(_slips(before, result.tasks))
        done |= downstream
        frontier = downstream
    return slips


def project_reschedule(*, actor, project: Project, status_date: date | None = None) -> ScheduleResult:
    """Schedule the project (tasks of other projects it depends on stay where they are); one audit event."""
    require_writable(project)
    if not plan_policy.can_change(actor, project):
        raise PermissionDenied("you may not reschedule this project")
    with transaction.atomic():
        lock_plans(project.pk)
        result, before = _reschedule_project(project, status_date)
        moved = sum(1 for t in result.tasks if t.pk in before and before[t.pk] != (t.start, t.finish))
        audit.record(actor=actor, action="reschedule", obj=project, before=None, after={
            "start": result.start.isoformat(), "finish": result.finish.isoformat() if result.finish else None,
            "tasks": len(result.tasks), "moved": moved, "critical": [t.pk for t in result.critical_path],
        })
    return result


def program_reschedule(*, actor, program: Program, status_date: date | None = None) -> ScheduleResult:
    """The integrated master schedule: every project of the program at once, through their links.

    ``slips`` lists the milestones whose finish moved, with the change in calendar days. The run's
    calendar is the portfolio default; each project's tasks keep their project's (and task) calendars.
    """
    require_writable(program)
    if not plan_policy.can_change_program(actor, program):
        raise PermissionDenied("you may not reschedule this program")
    projects = list(program.projects.order_by("pk"))
    with transaction.atomic():
        lock_plans(*(p.pk for p in projects))
        default = default_calendar()
        result, before = _schedule(Task.objects.filter(project__program=program), projects=projects or [program],
                                   calendar=default, status_date=status_date)
        result.slips = _slips(before, result.tasks)
        audit.record(actor=actor, action="reschedule", obj=program, before=None, after={
            "start": result.start.isoformat(), "finish": result.finish.isoformat() if result.finish else None,
            "tasks": len(result.tasks), "critical": [t.pk for t in result.critical_path],
            "slips": {str(s.task.pk): s.days for s in result.slips},
        })
    return result


# --- tasks -------------------------------------------------------------------------------------------


def _check_parent(project: Project, parent: Task | None, task: Task | None = None) -> None:
    if parent is None:
        return
    if parent.project_id != project.pk:
        raise ValidationError({"parent": "the parent must be a task of the same project"})
    ancestor = parent
    seen = set()
    while ancestor is not None and task is not None:
        if ancestor.pk == task.pk:
            raise ValidationError({"parent": "a task cannot be placed under itself or its own subtasks"})
        if ancestor.pk in seen:
            break
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def task_create(*, actor, project: Project, reschedule: bool = True, **fields) -> Task:
    _unknown_fields(fields, TASK_FIELDS)
    task_policy.require(actor, "create", project, "you may not change the plan of this project")
    _check_parent(project, fields.get("parent"))
    with transaction.atomic():
        lock_plans(project.pk)
        if fields.get("order") is None:
            fields["order"] = (Task.objects.filter(project=project).aggregate(m=Max("order"))["m"] or 0) + 10
        if fields.get("is_milestone") and "duration" not in fields:
            fields["duration"] = 0
        task = create_audited(actor=actor, obj=Task(project=project, **fields))
        if reschedule:
            reschedule_after_change(project)
    task.refresh_from_db()
    return task


def task_update(*, actor, task: Task, expected_version: int, **changes) -> Task:
    _unknown_fields(changes, TASK_FIELDS)
    task_policy.require(actor, "change", task)
    if "parent" in changes:
        _check_parent(task.project, changes["parent"], task)
    if changes.get("is_milestone") and "duration" not in changes:
        changes["duration"] = 0
    moves_dates = bool(set(changes) - TASK_FIELDS_WITHOUT_DATES)
    early = _precompute(task, changes) if moves_dates and task.version == expected_version else None
    with transaction.atomic():
        lock_plans(task.project_id)
        if early is not None and early.token != _plan_token(task.project):
            early = None  # the plan changed since it was read: schedule it again, inside the lock
        updated = update_versioned(actor=actor, obj=task, changes=changes, expected_version=expected_version)
        if updated is not task and moves_dates:
            slips = reschedule_after_change(task.project, early.plan if early else None)
            updated.refresh_from_db()
            updated.downstream_slips = slips
    return updated


def task_delete(*, actor, task: Task, expected_version: int) -> None:
    task_policy.require(actor, "delete", task)
    project = task.project
    with transaction.atomic():
        lock_plans(project.pk)
        # projects that lose a predecessor with this task (links cascade away with it, subtasks too)
        subtree, level = {task.pk}, {task.pk}
        while level:
            level = set(Task.objects.filter(parent__in=level).values_list("pk", flat=True)) - subtree
            subtree |= level
        losing = set(Dependency.objects.filter(predecessor__in=subtree).exclude(successor__project=project)
                     .values_list("successor__project", flat=True))
        delete_versioned(actor=actor, obj=task, expected_version=expected_version)
        reschedule_after_change(project)
        for other in Project.objects.filter(pk__in=losing).order_by("pk"):
            reschedule_after_change(other)


def task_indent(*, actor, task: Task, expected_version: int) -> Task:
    """Make the task a subtask of the sibling just above it."""
    above = (Task.objects.filter(project=task.project, parent=task.parent, order__lt=task.order)
             .order_by("-order", "-pk").first())
    if above is None:
        raise ValidationError({"parent": "there is no task above to indent under"})
    return task_update(actor=actor, task=task, expected_version=expected_version, parent=above)


def task_outdent(*, actor, task: Task, expected_version: int) -> Task:
    if task.parent is None:
        raise ValidationError({"parent": "the task is already at the top level"})
    return task_update(actor=actor, task=task, expected_version=expected_version, parent=task.parent.parent)


# --- dependencies ------------------------------------------------------------------------------------


def _linkable(actor, task: Task | None, field: str) -> Task:
    if task is None:
        raise ValidationError({field: "this field is required"})
    if not project_policy.can(actor, "view", task.project):
        raise ValidationError({field: f"no task with id {task.pk}"})
    project_policy.require(actor, "change", task.project,
                           f"{field}: you may not change the plan of {task.project.code}")
    return task


def _check_cycle(predecessor: Task, successor: Task) -> None:
    """Refuse a link that closes a loop: walk forward from the successor (one query per level)."""
    came_from: dict[int, int | None] = {successor.pk: None}
    frontier = {successor.pk}
    while frontier:
        rows = Dependency.objects.filter(predecessor__in=frontier).values_list("predecessor", "successor")
        frontier = set()
        for pred, succ in rows:
            if succ not in came_from:
                came_from[succ] = pred
                frontier.add(succ)
        if predecessor.pk in came_from:
            path = []
            node: int | None = predecessor.pk
            while node is not None:
                path.append(node)
                node = came_from[node]
            path.reverse()  # successor ... predecessor; the new link closes it
            labels = {t.pk: t.label for t in Task.objects.filter(pk__in=path).select_related("project")}
            raise ValidationError({"predecessor": str(CycleError([labels[p] for p in path]))})


def dependency_create(*, actor, predecessor: Task | None, successor: Task | None, type: str = "FS",  # noqa: A002
                      lag=0, elapsed: bool = False) -> Dependency:
    predecessor = _linkable(actor, predecessor, "predecessor")
    successor = _linkable(actor, successor, "successor")
    if predecessor.pk == successor.pk:
        raise ValidationError({"successor": "a task cannot depend on itself"})
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError({"successor": f"{successor.label} already depends on {predecessor.label}"})
    with transaction.atomic():
        lock_plans(successor.project_id)
        _check_cycle(predecessor, successor)
        dependency = create_audited(actor=actor, obj=Dependency(predecessor=predecessor, successor=successor,
                                                                type=type, lag=lag, elapsed=elapsed))
        dependency.downstream_slips = reschedule_after_change(successor.project)
    return dependency


def dependency_update(*, actor, dependency: Dependency, expected_version: int, **changes) -> Dependency:
    _unknown_fields(changes, DEPENDENCY_FIELDS)
    dependency_policy.require(actor, "change", dependency, "you may not change both ends of this link")
    with transaction.atomic():
        lock_plans(dependency.successor.project_id)
        updated = update_versioned(actor=actor, obj=dependency, changes=changes, expected_version=expected_version)
        if updated is not dependency:
            reschedule_after_change(dependency.successor.project)
    return updated


def dependency_delete(*, actor, dependency: Dependency, expected_version: int) -> None:
    dependency_policy.require(actor, "delete", dependency, "you may not change both ends of this link")
    project = dependency.successor.project
    with transaction.atomic():
        lock_plans(project.pk)
        delete_versioned(actor=actor, obj=dependency, expected_version=expected_version)
        reschedule_after_change(project)


# --- baselines ---------------------------------------------------------------------------------------


def baseline_create(*, actor, project: Project, name: str = "") -> Baseline:
    """Snapshot every task's dates, duration, work and cost; one audit event."""
    baseline_policy.require(actor, "create", project,
                            "baselines are set by the Program Manager, the Steering Committee or the Director")
    with transaction.atomic():
        count = Baseline.objects.filter(project=project).count()
        baseline = create_audited(actor=actor, obj=Baseline(project=project, name=name or f"Baseline {count + 1}",
                                                            set_by=actor if getattr(actor, "pk", None) else None))
        BaselineTask.objects.bulk_create(
            [BaselineTask(baseline=baseline, task=t, name=t.name, start=t.start, finish=t.finish,
                          duration=t.duration, work=t.work, cost=t.cost)
             for t in Task.objects.filter(project=project).order_by("order", "pk")],
            batch_size=500,
        )
    return baseline


def baseline_delete(*, actor, baseline: Baseline, expected_version: int) -> None:
    baseline_policy.require(actor, "delete", baseline)
    delete_versioned(actor=actor, obj=baseline, expected_version=expected_version)


# --- calendars ---------------------------------------------------------------------------------------


def checked_exceptions(exceptions: list[dict]) -> list[CalendarException]:
    """Unsaved exception rows from ``{"start", "finish", "working", "name"}`` entries (``finish``
    defaults to ``start``): each valid, at most ``limits.MAX_CALENDAR_EXCEPTIONS``, none overlapping
    another. Errors name the entry by its position, ``exceptions[k]``."""
    if len(exceptions) > limits.MAX_CALENDAR_EXCEPTIONS:
        raise ValidationError({"exceptions": f"{len(exceptions):,} entries, more than the limit of "
                                             f"{limits.MAX_CALENDAR_EXCEPTIONS:,} per calendar"})
    rows = []
    for k, entry in enumerate(exceptions):
        row = CalendarException(start=entry["start"], finish=entry.get("finish") or entry["start"],
                                working=entry.get("working", False), name=entry.get("name", ""))
        try:
            row.full_clean(exclude=["calendar"], validate_constraints=False)
        except ValidationError as exc:
            problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
            raise ValidationError({"exceptions": f"exceptions[{k}]: {problems}"}) from exc
        if row.finish < row.start:
            raise ValidationError({"exceptions": f"exceptions[{k}]: finish {row.finish} is before start {row.start}"})
        rows.append((row.start, k, row))
    rows.sort(key=lambda item: item[:2])
    for (_, j, before), (_, k, after) in zip(rows, rows[1:], strict=False):
        if after.start <= before.finish:
            raise ValidationError({"exceptions": f"exceptions[{k}] ({after}) overlaps exceptions[{j}] ({before})"})
    return [row for _, _, row in rows]


def _set_exceptions(calendar: Calendar, exceptions) -> None:
    if exceptions is None:
        return
    rows = checked_exceptions(exceptions)
    calendar.exceptions.all().delete()
    for row in rows:
        row.calendar = calendar
    CalendarException.objects.bulk_create(rows, batch_size=500)


def _exception_rows(exceptions) -> list[tuple]:
    return [(e.start.isoformat(), e.finish.isoformat(), e.working, e.name) for e in exceptions]


def calendar_create(*, actor, project: Project | None = None, exceptions=None, **fields) -> Calendar:
    _unknown_fields(fields, CALENDAR_FIELDS)
    calendar_policy.require(actor, "create", project, "you may not set this calendar")
    if project is not None and Calendar.objects.filter(project=project).exists():
        raise ValidationError({"project": f"{project.code} already has a calendar"})
    with transaction.atomic():
        if project is not None:
            lock_plans(project.pk)
        calendar = create_audited(actor=actor, obj=Calendar(project=project, **fields))
        _set_exceptions(calendar, exceptions)
        if project is not None:
            reschedule_after_change(project)
    return calendar


def calendar_update(*, actor, calendar: Calendar, expected_version: int, exceptions=None, **changes) -> Calendar:
    """Change the calendar's fields and/or replace its exceptions; one audit event either way."""
    _unknown_fields(changes, CALENDAR_FIELDS)
    calendar_policy.require(actor, "change", calendar)
    with transaction.atomic():
        if calendar.project_id:
            lock_plans(calendar.project_id)
        updated = calendar
        if changes:
            updated = update_versioned(actor=actor, obj=calendar, changes=changes, expected_version=expected_version)
        if exceptions is not None:
            before = _exception_rows(calendar.exceptions.all())
            _set_exceptions(calendar, exceptions)
            after = _exception_rows(calendar.exceptions.order_by("start", "pk"))
            if before != after and updated is calendar:
                rows = Calendar.objects.filter(pk=calendar.pk, version=expected_version).update(
                    version=F("version") + 1)
                if rows != 1:
                    raise StaleVersion(calendar.version)
                updated = Calendar.objects.get(pk=calendar.pk)
                audit.record(actor=actor, action="update", obj=updated, before={"exceptions": before},
                             after={"exceptions": after})
        if calendar.project_id:
            reschedule_after_change(calendar.project)
    return updated


def calendar_delete(*, actor, calendar: Calendar, expected_version: int) -> None:
    calendar_policy.require(actor, "delete", calendar)
    delete_versioned(actor=actor, obj=calendar, expected_version=expected_version)


# --- interfaces --------------------------------------------------------------------------------------


def _interface_checks(actor, fields: dict, current: Interface | None = None) -> None:
    """Ends and tasks must be visible; the provider must be a project the actor may change (its side owns
    the interface); "accepted" is the consumer's word, given through :func:`interface_acknowledge`."""
    for name in ("provider", "consumer"):
        project = fields.get(name)
        if name in fields and project is None:
            raise ValidationError({name: "this field is required"})
        unchanged = current is not None and project is not None and getattr(current, f"{name}_id") == project.pk
        if project is not None and not unchanged and not project_policy.can(actor, "view", project):
            raise ValidationError({name: f"no project with id {project.pk}"})
    provider = fields.get("provider", current.provider if current else None)
    consumer = fields.get("consumer", current.consumer if current else None)
    if provider is not None:
        interface_policy.require(actor, "create", provider, "interfaces are registered and changed by the provider's "
                                 f"side: you may not change the plan of {provider.code}")
    status = fields.get("status")
    if (status == InterfaceStatus.ACCEPTED and (current is None or current.status != status)
            and not (consumer is not None and project_policy.can(actor, "change", consumer))):
        raise ValidationError({"status": "the consumer's side accepts a delivery (acknowledge it once delivered)"})
    for name in ("provider_task", "consumer_task"):
        task = fields.get(name)
        unchanged = current is not None and task is not None and getattr(current, f"{name}_id") == task.pk
        if task is not None and not unchanged and not project_policy.can(actor, "view", task.project):
            raise ValidationError({name: f"no task with id {task.pk}"})


def interface_create(*, actor, **fields) -> Interface:
    _unknown_fields(fields, INTERFACE_FIELDS)
    for name in ("provider", "consumer"):
        fields.setdefault(name, None)
    _interface_checks(actor, fields)
    return create_audited(actor=actor, obj=Interface(**fields))


def interface_update(*, actor, interface: Interface, expected_version: int, **changes) -> Interface:
    """The provider's side changes the interface; a new consumer starts without an acknowledgement."""
    _unknown_fields(changes, INTERFACE_FIELDS)
    interface_policy.require(actor, "change", interface,
                             "the provider's side changes this interface; the consumer's side acknowledges it")
    _interface_checks(actor, changes, interface)
    if "consumer" in changes and changes["consumer"].pk != interface.consumer_id:
        changes |= {"acknowledged_by": None, "acknowledged_at": None, "consumer_note": ""}
    return update_versioned(actor=actor, obj=interface, changes=changes, expected_version=expected_version)


def interface_acknowledge(*, actor, interface: Interface, expected_version: int, note: str = "") -> Interface:
    """The consumer's side acknowledges the interface as it stands (what, by when) and, once it is
    delivered, accepts it: records who, when and their note; one ``acknowledge`` audit event."""
    interface_policy.require(actor, "acknowledge", interface,
                             "only the consumer project's side acknowledges this interface")
    if interface.status == InterfaceStatus.CANCELLED:
        raise ValidationError({"status": "a cancelled interface cannot be acknowledged"})
    changes = {"acknowledged_by": actor, "acknowledged_at": timezone.now(), "consumer_note": (note or "").strip()}
    if interface.status == InterfaceStatus.DELIVERED:
        changes["status"] = InterfaceStatus.ACCEPTED
    return update_versioned(actor=actor, obj=interface, changes=changes, expected_version=expected_version,
                            action="acknowledge")


def interface_delete(*, actor, interface: Interface, expected_version: int) -> None:
    interface_policy.require(actor, "delete", interface,
                             "deleting an interface is for the provider's Program Manager or the PMO Director")
    delete_versioned(actor=actor, obj=interface, expected_version=expected_version)
