"""Every write to the pool, assignments and leveling runs: policy check, validation, save, audit in one transaction.

Bad input is a ``ValidationError`` naming the field (an assignment above the resource's maximum units names the
resource and its maximum; leave that overlaps the person's other leave names that leave), and nothing is written.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.core import jobs
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.planning.services import lock_plans, task_update
from pmo.portfolio.models import Project
from pmo.portfolio.policies import project_policy
from pmo.portfolio.services import project_update

from .models import (
    Assignment,
    CostRate,
    Decision,
    Leave,
    LevelingMode,
    LevelingRun,
    Organisation,
    Resource,
    ResourceKind,
    ResourceSkill,
    RunStatus,
    Skill,
    Team,
)
from .policies import (
    assignment_policy,
    leave_policy,
    organisation_policy,
    rate_policy,
    resource_policy,
    resource_skill_policy,
    run_policy,
    skill_policy,
    team_policy,
)

RESOURCE_FIELDS = ("kind", "name", "email", "user", "team", "organisation", "pmo_staff", "max_units",
                   "hours_per_day", "weekmask", "holiday_country", "holiday_subdivision", "active")
TEAM_FIELDS = ("name", "organisation", "description")
ORGANISATION_FIELDS = ("name", "external")
SKILL_FIELDS = ("name", "description")
LEAVE_FIELDS = ("start", "finish", "kind", "note")
RATE_FIELDS = ("effective_from", "hourly_rate", "currency")
ASSIGNMENT_FIELDS = ("units", "work", "effort_driven", "note")
CENT = Decimal("0.01")


def _unknown_fields(changes: dict, allowed) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


# --- the pool ----------------------------------------------------------------------------------------


def _pool_create(actor, policy, model, fields: dict, allowed, what: str):
    _unknown_fields(fields, allowed)
    policy.require(actor, "create", None, f"only the PMO Director manages {what}")
    return create_audited(actor=actor, obj=model(**fields))


def _pool_update(actor, policy, obj, changes: dict, allowed, expected_version: int):
    _unknown_fields(changes, allowed)
    policy.require(actor, "change", obj)
    return update_versioned(actor=actor, obj=obj, changes=changes, expected_version=expected_version)


def _pool_delete(actor, policy, obj, expected_version: int) -> None:
    policy.require(actor, "delete", obj)
    delete_versioned(actor=actor, obj=obj, expected_version=expected_version)


def resource_create(*, actor, **fields) -> Resource:
    return _pool_create(actor, resource_policy, Resource, fields, RESOURCE_FIELDS, "the resource pool")


def resource_update(*, actor, resource: Resource, expected_version: int, **changes) -> Resource:
    if "kind" in changes and changes["kind"] != resource.kind and resource.assignments.exists():
        raise ValidationError({"kind": f"{resource.name} has assignments: a person cannot become a role or back"})
    return _pool_update(actor, resource_policy, resource, changes, RESOURCE_FIELDS, expected_version)


def resource_delete(*, actor, resource: Resource, expected_version: int) -> None:
    _pool_delete(actor, resource_policy, resource, expected_version)


def team_create(*, actor, **fields) -> Team:
    return _pool_create(actor, team_policy, Team, fields, TEAM_FIELDS, "teams")


def team_update(*, actor, team: Team, expected_version: int, **changes) -> Team:
    return _pool_update(actor, team_policy, team, changes, TEAM_FIELDS, expected_version)


def team_delete(*, actor, team: Team, expected_version: int) -> None:
    _pool_delete(actor, team_policy, team, expected_version)


def organisation_create(*, actor, **fields) -> Organisation:
    return _pool_create(actor, organisation_policy, Organisation, fields, ORGANISATION_FIELDS, "organisations")


def organisation_update(*, actor, organisation: Organisation, expected_version: int, **changes) -> Organisation:
    return _pool_update(actor, organisation_policy, organisation, changes, ORGANISATION_FIELDS, expected_version)


def skill_create(*, actor, **fields) -> Skill:
    return _pool_create(actor, skill_policy, Skill, fields, SKILL_FIELDS, "skills")


def skill_update(*, actor, skill: Skill, expected_version: int, **changes) -> Skill:
    return _pool_update(actor, skill_policy, skill, changes, SKILL_FIELDS, expected_version)


def skill_delete(*, actor, skill: Skill, expected_version: int) -> None:
    _pool_delete(actor, skill_policy, skill, expected_version)


def resource_skill_set(*, actor, resource: Resource, skill: Skill | None, level: int) -> ResourceSkill:
    """Give ``resource`` the skill at ``level`` (1-5), or change the level it has."""
    resource_skill_policy.require(actor, "create", None, "only the PMO Director manages the resource pool")
    if skill is None:
        raise ValidationError({"skill": "choose a skill"})
    current = ResourceSkill.objects.filter(resource=resource, skill=skill).first()
    if current is None:
        return create_audited(actor=actor, obj=ResourceSkill(resource=resource, skill=skill, level=level))
    return update_versioned(actor=actor, obj=current, changes={"level": level}, expected_version=current.version)


def resource_skill_remove(*, actor, resource_skill: ResourceSkill, expected_version: int) -> None:
    _pool_delete(actor, resource_skill_policy, resource_skill, expected_version)


def leave_create(*, actor, resource: Resource, **fields) -> Leave:
    """Record leave; leave overlapping the person's other leave is refused (naming it), so none is counted twice."""
    _unknown_fields(fields, LEAVE_FIELDS)
    leave_policy.require(actor, "create", None, "only the PMO Director manages the resource pool")
    with transaction.atomic():
        Resource.objects.select_for_update().filter(pk=resource.pk).first()  # one leave writer per person
        return create_audited(actor=actor, obj=Leave(resource=resource, **fields))


def leave_delete(*, actor, leave: Leave, expected_version: int) -> None:
    _pool_delete(actor, leave_policy, leave, expected_version)


def rate_create(*, actor, resource: Resource, **fields) -> CostRate:
    _unknown_fields(fields, RATE_FIELDS)
    rate_policy.require(actor, "create", None, "only the PMO Director sets cost rates")
    if fields.get("effective_from") and CostRate.objects.filter(resource=resource,
                                                                effective_from=fields["effective_from"]).exists():
        raise ValidationError({"effective_from": f"{resource.name} already has a rate from {fields['effective_from']}"})
    return create_audited(actor=actor, obj=CostRate(resource=resource, **fields))


def rate_delete(*, actor, rate: CostRate, expected_version: int) -> None:
    _pool_delete(actor, rate_policy, rate, expected_version)


# --- assignments -------------------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError({field: "must be a number"})
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: "must be a number"}) from exc
    if not number.is_finite():
        raise ValidationError({field: "must be a finite number"})
    return number


def _sized(task: Task, resource: Resource, units: Decimal | None, work: Decimal | None) -> tuple[Decimal, Decimal]:
    """(units, work) of an assignment from whichever was given: work = units x duration x hours per day."""
    days = Decimal(task.duration or 0)
    if days <= 0:
        raise ValidationError({"task": f"{task} has no duration (a milestone or an empty task): it takes no work"})
    hours_per_day = resource.hours_per_day
    if units is None and work is None:
        units = min(Decimal(1), resource.max_units)
    if units is None:
        if work <= 0:
            raise ValidationError({"work": "must be more than 0 hours"})
        units = (work / (days * hours_per_day)).quantize(CENT, rounding=ROUND_HALF_UP)
        units = max(units, CENT)
    elif work is None:
        work = (units * days * hours_per_day).quantize(CENT, rounding=ROUND_HALF_UP)
    if units <= 0:
        raise ValidationError({"units": "must be more than 0"})
    if units > resource.max_units:
        raise ValidationError({"units": f"{units * 100:.0f} % is above the maximum units of {resource.name} "
                                        f"({resource.max_units * 100:.0f} %)"})
    return units, work


def _assignable_task(actor, task: Task | None) -> Task:
    if task is None or not task_policy.can(actor, "view", task):
        raise ValidationError({"task": "no such task (or not one you can see)"})
    assignment_policy.require(actor, "create", task, f"you may not assign resources in {task.project.code}")
    if task.is_summary:
        raise ValidationError({"task": f"{task} is a summary: assign its subtasks"})
    return task


def _usable(resource: Resource | None, field: str = "resource") -> Resource:
    if resource is None:
        raise ValidationError({field: "choose a resource of the pool"})
    if not resource.active:
        raise ValidationError({field: f"{resource.name} is no longer active in the pool"})
    return resource


def assignment_create(*, actor, task: Task | None, resource: Resource | None, units=None, work=None,
                      effort_driven: bool = True, note: str = "") -> Assignment:
    """Assign a person or a generic role (demand) to a task, in units of its days or in hours of work."""
    task = _assignable_task(actor, task)
    resource = _usable(resource)
    units, work = _sized(task, resource, _decimal(units, "units"), _decimal(work, "work"))
    if Assignment.objects.filter(task=task, resource=resource).exists():
        raise ValidationError({"resource": f"{resource.name} is already assigned to {task}"})
    return create_audited(actor=actor, obj=Assignment(task=task, resource=resource, units=units, work=work,
                                                      effort_driven=effort_driven, note=note))


def assignment_update(*, actor, assignment: Assignment, expected_version: int, **changes) -> Assignment:
    """Change units or work (the other follows from the task's duration), effort-driven or the note."""
    _unknown_fields(changes, ASSIGNMENT_FIELDS)
    assignment_policy.require(actor, "change", assignment)
    units = _decimal(changes.get("units"), "units") if "units" in changes else None
    work = _decimal(changes.get("work"), "work") if "work" in changes else None
    if "units" in changes and units is None:
        raise ValidationError({"units": "give the units (or change the work instead)"})
    if "work" in changes and work is None:
        raise ValidationError({"work": "give the hours (or change the units instead)"})
    if units is not None or work is not None:
        changes["units"], changes["work"] = _sized(assignment.task, assignment.resource, units, work)
    return update_versioned(actor=actor, obj=assignment, changes=changes, expected_version=expected_version)


def assignment_delete(*, actor, assignment: Assignment, expected_version: int) -> None:
    assignment_policy.require(actor, "delete", assignment)
    delete_versioned(actor=actor, obj=assignment, expected_version=expected_version)


def assignment_fill(*, actor, assignment: Assignment, person: Resource | None, expected_version: int) -> Assignment:
    """Fill demand (an assignment of a generic role) with a named person, keeping its work; audited as "fill"."""
    assignment_policy.require(actor, "fill", assignment, "the Program Manager fills demand with named people")
    if not assignment.resource.is_role:
        raise ValidationError({"person": f"{assignment.resource.name} is a person already: nothing to fill"})
    person = _usable(person, "person")
    if person.kind != ResourceKind.PERSON:
        raise ValidationError({"person": f"{person.name} is a generic role: choose a named person"})
    if Assignment.objects.filter(task=assignment.task, resource=person).exists():
        raise ValidationError({"person": f"{person.name} is already assigned to {assignment.task}"})
    units, work = _sized(assignment.task, person, None, assignment.work) if assignment.effort_driven else \
        _sized(assignment.task, person, assignment.units, None)
    return update_versioned(actor=actor, obj=assignment, expected_version=expected_version, action="fill",
                            changes={"resource": person, "filled_from": assignment.resource, "units": units,
                                     "work": work})


# --- leveling ----------------------------------------------------------------------------------------

MAX_PRIORITY_TASKS = 500


def leveling_start(*, actor, project: Project | None, mode: str = LevelingMode.HEURISTIC, time_limit: int = 10,
                   within_float: bool = False, priority_tasks=(), enqueue: bool = True) -> LevelingRun:
    """Freeze the project's plan and assignments, create the run and queue the job (on commit)."""
    from . import engine_adapter, tasks

    if project is None or not project_policy.can(actor, "view", project):
        raise ValidationError({"project": "no such project (or not one you can see)"})
    run_policy.require(actor, "start", project, f"you may not level the plan of {project.code}")
    if mode not in LevelingMode.values:
        raise ValidationError({"mode": f"must be one of {', '.join(LevelingMode.values)}"})
    if isinstance(time_limit, bool) or not isinstance(time_limit, int) or not 1 <= time_limit <= 600:
        raise ValidationError({"time_limit": "must be a whole number of seconds from 1 to 600"})
    priority_ids = [getattr(t, "pk", t) for t in priority_tasks]
    if len(priority_ids) > MAX_PRIORITY_TASKS:
        raise ValidationError({"priority_tasks": f"at most {MAX_PRIORITY_TASKS} tasks"})
    known = set(Task.objects.filter(project=project, pk__in=priority_ids).values_list("pk", flat=True))
    if set(priority_ids) - known:
        raise ValidationError({"priority_tasks": f"not tasks of {project.code}: "
                                                 f"{', '.join(map(str, sorted(set(priority_ids) - known)))}"})
    runs_reap()
    inputs = engine_adapter.snapshot(project)
    run = LevelingRun(project=project, mode=mode, time_limit=time_limit, within_float=within_float,
                      priority_tasks=sorted(known), inputs=inputs)
    with transaction.atomic():
        create_audited(actor=actor, obj=run)
        if enqueue:
            transaction.on_commit(lambda: tasks.level_project.enqueue(run.pk))
    return run


def run_mark(run: LevelingRun, *, status: str, reason: str = "", results: dict | None = None) -> None:
    """Record a run's state change (running, done, failed) with its audit event; the job calls this."""
    jobs.mark(run, status=status, reason=reason, results=results)


def runs_reap(now=None) -> int:
    """Mark leveling runs whose worker died failed, with the reason (:func:`pmo.core.jobs.reap`)."""
    return jobs.reap(LevelingRun, now)


def _decidable(actor, run: LevelingRun, expected_version: int) -> None:
    run_policy.require(actor, "decide", run, "the Program Manager of the program accepts or rejects leveling")
    if run.status != RunStatus.DONE:
        raise ValidationError({"status": f"the run is {run.get_status_display().lower()}: only a finished proposal "
                                         "can be decided"})
    if run.decision != Decision.PENDING:
        raise ValidationError({"decision": f"already {run.get_decision_display().lower()}"})
    if run.version != expected_version:
        raise StaleVersion(run.version)


def _decide(actor, run: LevelingRun, decision: str, expected_version: int) -> LevelingRun:
    return update_versioned(actor=actor, obj=run, expected_version=expected_version, action=decision,
                            changes={"decision": decision, "decided_by": actor if getattr(actor, "pk", None) else None,
                                     "decided_at": timezone.now()})


def leveling_reject(*, actor, run: LevelingRun, expected_version: int) -> LevelingRun:
    _decidable(actor, run, expected_version)
    return _decide(actor, run, Decision.REJECTED, expected_version)


def leveling_accept(*, actor, run: LevelingRun, expected_version: int) -> LevelingRun:
    """Write the proposal into the plan: every task it moves later gets a start-no-earlier-than constraint at its
    leveled start (through planning's task service: audited, versioned, rescheduled), in one transaction.

    Refused when the plan changed since the run froze it (a task, link or assignment added, removed or changed):
    level again. A project
    without a start date gets the plan's current start (the run's origin) first, through the portfolio service:
    otherwise its start would float to the earliest new constraint and move the tasks that stay.
    """
    from . import engine_adapter

    _decidable(actor, run, expected_version)
    moves = engine_adapter.moves(run)
    with transaction.atomic():
        lock_plans(run.project_id)
        stale = engine_adapter.changes_since(run) if moves else []  # a proposal that moves nothing writes nothing
        if stale:
            names = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
            raise ValidationError({"decision": f"the plan changed since this run ({names}): level it again"})
        project = Project.objects.get(pk=run.project_id)
        if moves and project.start is None and run.inputs.get("origin"):
            project_update(actor=actor, project=project, expected_version=project.version,
                           start=date.fromisoformat(run.inputs["origin"]))
        tasks = {t.pk: t for t in Task.objects.select_for_update().filter(pk__in=[m.task_id for m in moves])
                 .select_related("project", "project__program")}
        for move in moves:
            task = tasks[move.task_id]
            task_policy.require(actor, "change", task, f"you may not change {task} of {task.project.code}")
            task_update(actor=actor, task=task, expected_version=task.version,
                        constraint_type="SNET", constraint_date=move.start)
        return _decide(actor, run, Decision.ACCEPTED, expected_version)
