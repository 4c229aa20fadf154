"""Every write of scope and change control: policy check, validation, save and audit in one transaction.

Scope rules (one place each):
- a deliverable's status moves planned -> in_progress -> submitted through :func:`deliverable_update`; only
  :func:`deliverable_accept` / :func:`deliverable_reject` set accepted / rejected and record who and when
  (the quality app calls them with its acceptance records; the closure app reads accepted deliverables);
- the tasks of a deliverable or scope item are WBS tasks of its project (other ids are unknown: 422 naming
  ``tasks``); a scope item's deliverable is of the same project.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.accounts.selectors import active_user
from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Dependency, Task
from pmo.planning.services import baseline_create, plan_token
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from . import edits as edits_module
from . import impact, notices
from .models import (
    DECIDABLE,
    DECISIONS,
    Assessment,
    BaselineChange,
    ChangeRequest,
    ChangeRequestStatus,
    ChangeType,
    Deliverable,
    DeliverableStatus,
    Route,
    ScopeBaseline,
    ScopeItem,
    ScopeStatus,
    Urgency,
)
from .policies import change_request_policy, deliverable_policy, raises_changes, scope_item_policy

DELIVERABLE_FIELDS = ("code", "name", "description", "acceptance_criteria", "status", "due", "owner")
ITEM_FIELDS = ("deliverable", "code", "name", "description", "acceptance_criteria", "status")
#: the statuses a deliverable's owner sets; accepted and rejected are decisions (deliverable_accept / _reject)
WORKING_STATUSES = (DeliverableStatus.PLANNED, DeliverableStatus.IN_PROGRESS, DeliverableStatus.SUBMITTED)
#: tasks one deliverable or scope item links
MAX_TASKS = 500


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _project(actor, project) -> Project:
    if project is None or not project_policy.can(actor, "view", project):
        raise ValidationError({"project": f"no project with id {_pk(project)}"})
    project_policy.require(actor, "change", project, f"you may not change the scope of {project.code}")
    return project


def _tasks(project: Project, tasks) -> list[Task] | None:
    """The WBS tasks ``tasks`` (ids or objects) of ``project``; unknown ids are a 422 naming ``tasks``."""
    if tasks is None:
        return None
    ids = [_pk(t) for t in tasks]
    if len(ids) > MAX_TASKS:
        raise ValidationError({"tasks": f"at most {MAX_TASKS} tasks"})
    bad = [pk for pk in ids if not _is_id(pk)]
    found = {t.pk: t for t in Task.objects.filter(project=project, pk__in=[pk for pk in ids if _is_id(pk)])}
    missing = bad + [pk for pk in ids if _is_id(pk) and pk not in found]
    if missing:
        raise ValidationError({"tasks": f"no task with id {missing[0]} in {project.code}"})
    return list(found.values())


def _references(project: Project, fields: dict) -> None:
    if "owner" in fields and fields["owner"] is not None:
        pk = _pk(fields["owner"])
        fields["owner"] = active_user(pk if _is_id(pk) else -1, field="owner")
    if "deliverable" in fields and fields["deliverable"] is not None:
        pk = _pk(fields["deliverable"])
        found = Deliverable.objects.filter(pk=pk, project=project).first() if _is_id(pk) else None
        if found is None:
            raise ValidationError({"deliverable": f"no deliverable with id {pk} in {project.code}"})
        fields["deliverable"] = found


def _set_tasks(actor, obj, tasks: list[Task] | None) -> None:
    """Replace the linked tasks, audited as an ``update`` naming the task ids before and after."""
    if tasks is None:
        return
    before = sorted(obj.tasks.values_list("pk", flat=True))
    after = sorted(t.pk for t in tasks)
    if before != after:
        obj.tasks.set(tasks)
        audit.record(actor=actor, action="update", obj=obj, before={"tasks": before}, after={"tasks": after})


# --- deliverables -----------------------------------------------------------------------------------

def _working_status(fields: dict) -> None:
    if "status" in fields and fields["status"] not in WORKING_STATUSES:
        raise ValidationError({"status": f"must be one of {', '.join(WORKING_STATUSES)} (acceptance and "
                                         "rejection are decisions: use accept or reject)"})


def deliverable_create(*, actor, project: Project, tasks=None, **fields) -> Deliverable:
    _unknown_fields(fields, DELIVERABLE_FIELDS)
    project = _project(actor, project)
    _working_status(fields)
    _references(project, fields)
    linked = _tasks(project, tasks)
    with transaction.atomic():
        deliverable = create_audited(actor=actor, obj=Deliverable(project=project, **fields))
        _set_tasks(actor, deliverable, linked)
    return deliverable


def deliverable_update(*, actor, deliverable: Deliverable, expected_version: int, tasks=None,
                       **changes) -> Deliverable:
    """Change a deliverable; moving an accepted or rejected one back to a working status clears the decision."""
    _unknown_fields(changes, DELIVERABLE_FIELDS)
    deliverable_policy.require(actor, "change", deliverable)
    _working_status(changes)
    _references(deliverable.project, changes)
    linked = _tasks(deliverable.project, tasks)
    if "status" in changes and deliverable.status not in WORKING_STATUSES:
        changes |= {"accepted_by": None, "accepted_at": None, "acceptance_note": ""}
    with transaction.atomic():
        saved = update_versioned(actor=actor, obj=deliverable, changes=changes, expected_version=expected_version)
        _set_tasks(actor, saved, linked)
    return saved


def _referenced_by(obj) -> list[str]:
    """What still refers to ``obj`` (any app's foreign keys to it, found through the model's reverse relations, so
    apps above need not be imported): the names of those kinds of records."""
    names = []
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        model = relation.related_model
        if model._meta.auto_created:  # the link table of the deliverable's own tasks
            continue
        if model._default_manager.filter(**{relation.field.name: obj.pk}).exists():
            names.append(str(model._meta.verbose_name_plural))
    return sorted(names)


def deliverable_delete(*, actor, deliverable: Deliverable, expected_version: int) -> None:
    """Delete a deliverable that is not accepted and that nothing refers to (scope items, acceptance records...)."""
    deliverable_policy.require(actor, "delete", deliverable)
    if deliverable.status == DeliverableStatus.ACCEPTED:
        raise ValidationError({"status": f"{deliverable} is accepted: an accepted deliverable is kept"})
    referenced = _referenced_by(deliverable)
    if referenced:
        raise ValidationError({"deliverable": f"{deliverable} cannot be deleted while these refer to it: "
                                              f"{', '.join(referenced)}"})
    delete_versioned(actor=actor, obj=deliverable, expected_version=expected_version)


#: checks an app above runs before a deliverable is accepted, inside the decision's transaction with the deliverable
#: locked: ``guard(deliverable)`` raises ValidationError to refuse (quality: a mandatory criterion not passed)
ACCEPTANCE_GUARDS: list = []


def _decide_deliverable(*, actor, deliverable: Deliverable, status: str, note: str,
                        expected_version: int | None) -> Deliverable:
    deliverable_policy.require(actor, "accept", deliverable,
                               f"you may not accept or reject deliverables of {deliverable.project.code}")
    if len(note or "") > 2000:
        raise ValidationError({"note": "at most 2000 characters"})
    with transaction.atomic():
        locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.version)
        if locked.status == status:
            raise ValidationError({"status": f"{locked} is already {locked.get_status_display().lower()}"})
        if status == DeliverableStatus.ACCEPTED:
            for guard in ACCEPTANCE_GUARDS:
                guard(locked)
        return update_versioned(actor=actor, obj=locked, action=str(status),
                                changes={"status": status, "accepted_by": actor, "accepted_at": timezone.now(),
                                         "acceptance_note": note or ""},
                                expected_version=locked.version)


def deliverable_accept(*, actor, deliverable: Deliverable, note: str = "",
                       expected_version: int | None = None) -> Deliverable:
    """Accept a deliverable (status ``accepted``, ``accepted_by`` the actor, ``accepted_at`` now), audited as
    ``accepted``. For the Director, a PMO Coordinator or the program's Program Manager (403 otherwise);
    ``expected_version`` (optional) guards against a concurrent change (412)."""
    return _decide_deliverable(actor=actor, deliverable=deliverable, status=DeliverableStatus.ACCEPTED,
                               note=note, expected_version=expected_version)


def deliverable_reject(*, actor, deliverable: Deliverable, note: str = "",
                       expected_version: int | None = None) -> Deliverable:
    """Reject a deliverable (same rules as :func:`deliverable_accept`; the decider is kept in accepted_by/_at)."""
    return _decide_deliverable(actor=actor, deliverable=deliverable, status=DeliverableStatus.REJECTED,
                               note=note, expected_version=expected_version)


# --- scope items ------------------------------------------------------------------------------------

def _item_status(fields: dict) -> None:
    if "status" in fields and fields["status"] not in ScopeStatus.values:
        raise ValidationError({"status": f"must be one of {', '.join(ScopeStatus.values)}"})


def scope_item_create(*, actor, project: Project, tasks=None, **fields) -> ScopeItem:
    _unknown_fields(fields, ITEM_FIELDS)
    project = _project(actor, project)
    _item_status(fields)
    _references(project, fields)
    linked = _tasks(project, tasks)
    with transaction.atomic():
        item = create_audited(actor=actor, obj=ScopeItem(project=project, **fields))
        _set_tasks(actor, item, linked)
    return item


def scope_item_update(*, actor, item: ScopeItem, expected_version: int, tasks=None, **changes) -> ScopeItem:
    _unknown_fields(changes, ITEM_FIELDS)
    scope_item_policy.require(actor, "change", item)
    _item_status(changes)
    _references(item.project, changes)
    linked = _tasks(item.project, tasks)
    with transaction.atomic():
        saved = update_versioned(actor=actor, obj=item, changes=changes, expected_version=expected_version)
        _set_tasks(actor, saved, linked)
    return saved


def scope_item_delete(*, actor, item: ScopeItem, expected_version: int) -> None:
    scope_item_policy.require(actor, "delete", item)
    delete_versioned(actor=actor, obj=item, expected_version=expected_version)


# --- scope baselines --------------------------------------------------------------------------------

def scope_snapshot(project: Project) -> dict:
    """The project's deliverables and scope items as JSON (three queries)."""
    deliverables = list(Deliverable.objects.filter(project=project).prefetch_related("tasks"))
    items = list(ScopeItem.objects.filter(project=project).prefetch_related("tasks"))
    return {
        "deliverables": [{"id": d.pk, "code": d.code, "name": d.name, "status": d.status,
                          "acceptance_criteria": d.acceptance_criteria,
                          "due": d.due.isoformat() if d.due else None,
                          "tasks": sorted(t.pk for t in d.tasks.all())} for d in deliverables],
        "items": [{"id": i.pk, "code": i.code, "name": i.name, "status": i.status, "deliverable": i.deliverable_id,
                   "acceptance_criteria": i.acceptance_criteria,
                   "tasks": sorted(t.pk for t in i.tasks.all())} for i in items],
    }


def scope_baseline_create(*, actor, project: Project, name: str, change_request=None) -> ScopeBaseline:
    """Snapshot the project's scope under ``name`` (who may: those who may change the project)."""
    project = _project(actor, project)
    if not name or len(name) > 120:
        raise ValidationError({"name": "give a name of at most 120 characters"})
    baseline = ScopeBaseline(project=project, name=name, set_by=actor if getattr(actor, "pk", None) else None,
                             change_request=change_request, snapshot=scope_snapshot(project))
    return create_audited(actor=actor, obj=baseline)


# --- change requests ----------------------------------------------------------------------------------

REQUEST_FIELDS = ("project", "title", "type", "description", "justification", "urgency", "edits")


class StaleAssessment(Exception):
    """The plan changed since the request was assessed: re-assess before deciding (HTTP 409)."""

    def __init__(self, change_request: ChangeRequest):
        self.change_request = change_request
        super().__init__(f"{change_request.ref}: the plan changed since its assessment; assess it again before "
                         "deciding")


def _request_values(actor, program: Program, fields: dict) -> dict:
    """Check the request's fields; ``edits`` parsed and checked (422 naming ``edits[i].field``)."""
    if "type" in fields and fields["type"] not in ChangeType.values:
        raise ValidationError({"type": f"must be one of {', '.join(ChangeType.values)}"})
    if "urgency" in fields and fields["urgency"] not in Urgency.values:
        raise ValidationError({"urgency": f"must be one of {', '.join(Urgency.values)}"})
    if fields.get("project") is not None:
        pk = _pk(fields["project"])
        found = (project_policy.visible(actor).filter(pk=pk, program=program).first() if _is_id(pk) else None)
        if found is None:
            raise ValidationError({"project": f"no project with id {pk} in {program.code}"})
        fields["project"] = found
    if "edits" in fields:
        fields["edits"], _checked = edits_module.validated(actor, program, fields["edits"] or [])
    return fields


def change_request_create(*, actor, program: Program, **fields) -> ChangeRequest:
    """Raise a change request (a draft) in ``program``: its managers and the Project Managers of its projects."""
    _unknown_fields(fields, REQUEST_FIELDS)
    if program is None or not program_policy.can(actor, "view", program):
        raise ValidationError({"program": f"no program with id {_pk(program)}"})
    if not raises_changes(actor, program.pk):
        raise PermissionDenied(f"you may not raise change requests in {program.code}")
    fields = _request_values(actor, program, fields)
    return create_audited(actor=actor, obj=ChangeRequest(program=program, raised_by=actor, **fields))


def _locked(change_request: ChangeRequest, expected_version: int | None) -> ChangeRequest:
    locked = (ChangeRequest.objects.select_for_update(of=("self",)).select_related("program", "project")
              .get(pk=change_request.pk))
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(locked.version)
    return locked


def _require_status(change_request: ChangeRequest, *allowed: str, what: str) -> None:
    if change_request.status not in allowed:
        raise ValidationError({"status": f"{change_request.ref} is {change_request.get_status_display().lower()}: "
                                         f"it cannot be {what}"})


def change_request_update(*, actor, change_request: ChangeRequest, expected_version: int,
                          **changes) -> ChangeRequest:
    """Edit a draft (or a submitted or assessed request, which goes back to submitted: its assessment no longer
    describes it)."""
    _unknown_fields(changes, REQUEST_FIELDS)
    change_request_policy.require(actor, "change", change_request)
    _require_status(change_request, ChangeRequestStatus.DRAFT, ChangeRequestStatus.SUBMITTED,
                    ChangeRequestStatus.ASSESSED, what="edited")
    changes = _request_values(actor, change_request.program, changes)
    if change_request.status == ChangeRequestStatus.ASSESSED and "edits" in changes:
        changes |= {"status": ChangeRequestStatus.SUBMITTED, "route": ""}
    return update_versioned(actor=actor, obj=change_request, changes=changes, expected_version=expected_version)


def change_request_submit(*, actor, change_request: ChangeRequest, expected_version: int | None = None
                          ) -> ChangeRequest:
    change_request_policy.require(actor, "submit", change_request)
    with transaction.atomic():
        locked = _locked(change_request, expected_version)
        _require_status(locked, ChangeRequestStatus.DRAFT, ChangeRequestStatus.DEFERRED, what="submitted")
        if not locked.edits and not locked.description:
            raise ValidationError({"edits": "describe the change or propose edits before submitting it"})
        return update_versioned(actor=actor, obj=locked, action="submit",
                                changes={"status": ChangeRequestStatus.SUBMITTED}, expected_version=locked.version)


def route_of(program: Program, results: dict) -> tuple[str, bool]:
    """Who decides: beyond the program's schedule tolerance (working days of the worst slip of a milestone, a
    project or the program) or its cost tolerance (% of the budget at completion), the Steering Committee."""
    slip = results.get("worst_slip_working_days") or 0
    pct = Decimal(str((results.get("cost") or {}).get("delta_pct") or 0))
    beyond = slip > program.schedule_tolerance_days or pct > program.cost_tolerance_pct
    return (Route.STEERING if beyond else Route.PROGRAM_MANAGER), beyond


def change_request_assess(*, actor, change_request: ChangeRequest) -> Assessment:
    """Run the impact analysis on a copy of the plan (nothing of the plan changes), store it as an
    :class:`Assessment` with the plan's token, route the request by the program's tolerances; one audit event."""
    change_request_policy.require(actor, "assess", change_request)
    _require_status(change_request, ChangeRequestStatus.SUBMITTED, ChangeRequestStatus.ASSESSED, what="assessed")
    program = change_request.program
    parsed = edits_module.parse(change_request.edits)
    checked = edits_module.check(actor, program, parsed)
    results = impact.analyse(program, checked)
    results["touches"] = edits_module.touched(checked)
    route, beyond = route_of(program, results)
    cost = results.get("cost") or {}
    with transaction.atomic():
        locked = _locked(change_request, None)
        _require_status(locked, ChangeRequestStatus.SUBMITTED, ChangeRequestStatus.ASSESSED, what="assessed")
        assessment = Assessment.objects.create(
            change_request=locked, created_by=actor if getattr(actor, "pk", None) else None,
            plan_token=results["token"], results=results,
            schedule_delta_days=results["worst_slip_working_days"] or 0,
            cost_delta=Decimal(cost.get("delta") or 0), cost_delta_pct=Decimal(cost.get("delta_pct") or 0),
            beyond_tolerance=beyond)
        update_versioned(actor=actor, obj=locked, action="assess",
                         changes={"status": ChangeRequestStatus.ASSESSED, "route": route},
                         expected_version=locked.version)
        if route == Route.PROGRAM_MANAGER:  # beyond tolerance, governance tells the Steering Committee
            transaction.on_commit(lambda: notices.approval_waiting(locked, assessment))
    return assessment


def latest_assessment(change_request: ChangeRequest) -> Assessment | None:
    return change_request.assessments.order_by("-pk").first()


def is_stale(change_request: ChangeRequest, assessment: Assessment | None = None) -> bool:
    """Whether the plan changed since the request's latest assessment."""
    assessment = assessment or latest_assessment(change_request)
    if assessment is None:
        return True
    return assessment.plan_token != plan_token(list(change_request.program.projects.all()))


def change_request_decide(*, actor, change_request: ChangeRequest, decision: str, note: str = "",
                          expected_version: int | None = None) -> ChangeRequest:
    """Approve, reject or defer an assessed request. Within tolerance the Program Manager (or the Director)
    decides; beyond, only the Steering Committee (403 for anyone else). Approval needs an assessment on the
    current plan (:class:`StaleAssessment`, 409, otherwise)."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": f"must be one of {', '.join(DECISIONS)}"})
    if len(note or "") > 2000:
        raise ValidationError({"note": "at most 2000 characters"})
    _require_status(change_request, *DECIDABLE, what="decided")
    if not change_request_policy.can(actor, "decide", change_request):
        who = "the Steering Committee" if change_request.route == Route.STEERING else "the Program Manager"
        change_request_policy.require(actor, "decide", change_request,
                                      f"{change_request.ref} is decided by {who} of {change_request.program.code}")
    if decision == ChangeRequestStatus.APPROVED and is_stale(change_request):
        raise StaleAssessment(change_request)
    with transaction.atomic():
        locked = _locked(change_request, expected_version)
        _require_status(locked, *DECIDABLE, what="decided")
        return update_versioned(actor=actor, obj=locked, action=str(decision), expected_version=locked.version,
                                changes={"status": decision, "decided_by": actor, "decided_at": timezone.now(),
                                         "decision_note": note or ""})


def change_request_implement(*, actor, change_request: ChangeRequest, expected_version: int | None = None
                             ) -> ChangeRequest:
    """Apply an approved request's edits through the planning, finance and benefits services, then set a new
    plan baseline (and scope baseline) named after the request in every project it changed; all in one
    transaction (a refusal half-way leaves nothing changed)."""
    change_request_policy.require(actor, "implement", change_request,
                                  "change requests are implemented by the Program Manager or the Director")
    _require_status(change_request, ChangeRequestStatus.APPROVED, what="implemented")
    program = change_request.program
    with transaction.atomic():
        locked = _locked(change_request, expected_version)
        _require_status(locked, ChangeRequestStatus.APPROVED, what="implemented")
        checked = edits_module.check(actor, program, edits_module.parse(locked.edits))
        touched_projects = _apply_edits(actor, checked)
        name = f"{locked.ref} {locked.title}"[:120]
        for project in Project.objects.filter(pk__in=touched_projects).order_by("pk"):
            baseline = baseline_create(actor=actor, project=project, name=name)
            BaselineChange.objects.create(change_request=locked, baseline=baseline, project=project)
            if Deliverable.objects.filter(project=project).exists() or ScopeItem.objects.filter(
                    project=project).exists():
                create_audited(actor=actor, obj=ScopeBaseline(
                    project=project, name=name, set_by=actor, change_request=locked, snapshot=scope_snapshot(project)))
        return update_versioned(actor=actor, obj=locked, action="implement", expected_version=locked.version,
                                changes={"status": ChangeRequestStatus.IMPLEMENTED, "implemented_at": timezone.now()})


def _apply_edits(actor, checked) -> set[int]:
    """Each edit through its owner's service (which audits and reschedules); the projects whose plan changed."""
    from pmo.benefits.services import benefit_update
    from pmo.finance.services import budget_line_update
    from pmo.planning.services import dependency_create, dependency_delete, task_create, task_update

    E = edits_module
    added: dict[str, Task] = {}
    projects: set[int] = set()

    def task_of(ref) -> Task:
        return added[ref] if isinstance(ref, str) else Task.objects.select_related("project").get(pk=ref)

    for e in checked.edits:
        if isinstance(e, E.TaskAdd):
            project = Project.objects.get(pk=e.project)
            fields = {"name": e.name, "duration": e.duration, "is_milestone": e.is_milestone}
            if e.cost is not None:
                fields["cost"] = e.cost
            added[e.key] = task_create(actor=actor, project=project, **fields)
            projects.add(project.pk)
        elif isinstance(e, E.TaskUpdate):
            task = task_of(e.task)
            changes = {name: getattr(e, name) for name in ("name", "duration", "cost") if getattr(e, name) is not None}
            if e.constraint_type is not None:
                changes |= {"constraint_type": e.constraint_type, "constraint_date": e.constraint_date}
            task_update(actor=actor, task=task, expected_version=task.version, **changes)
            projects.add(task.project_id)
        elif isinstance(e, E.LinkAdd):
            successor = task_of(e.successor)
            dependency_create(actor=actor, predecessor=task_of(e.predecessor), successor=successor, type=e.type,
                              lag=e.lag)
            projects.add(successor.project_id)
        elif isinstance(e, E.LinkRemove):
            link = Dependency.objects.get(predecessor_id=e.predecessor, successor_id=e.successor)
            dependency_delete(actor=actor, dependency=link, expected_version=link.version)
            projects.add(checked.tasks[e.successor].project_id)
        elif isinstance(e, E.BudgetLineEdit):
            line = checked.lines[e.line]
            budget_line_update(actor=actor, line=line, expected_version=line.version, amount=e.amount)
        elif isinstance(e, E.BenefitTarget):
            benefit = checked.benefits[e.benefit]
            changes = {k: getattr(e, k) for k in ("target_value", "target_date") if getattr(e, k) is not None}
            benefit_update(actor=actor, benefit=benefit, expected_version=benefit.version, **changes)
    return projects
