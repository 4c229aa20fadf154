"""Every write of scope and change control: policy check, validation, save and audit in one transaction.

Scope rules (one place each):
- a deliverable's status moves planned -> in_progress -> submitted through :func:`deliverable_update`; only
  :func:`deliverable_accept` / :func:`deliverable_reject` set accepted / rejected and record who and when
  (the quality app calls them with its acceptance records; the closure app reads accepted deliverables);
- the tasks of a deliverable or scope item are WBS tasks of its project (other ids are unknown: 422 naming
  ``tasks``); a scope item's deliverable is of the same project.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.accounts.selectors import active_user
from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Task
from pmo.portfolio.models import Project
from pmo.portfolio.policies import project_policy

from .models import Deliverable, DeliverableStatus, ScopeBaseline, ScopeItem, ScopeStatus
from .policies import deliverable_policy, scope_item_policy

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
    if not project_policy.can(actor, "change", project):
        raise PermissionDenied(f"you may not change the scope of {project.code}")
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


def deliverable_delete(*, actor, deliverable: Deliverable, expected_version: int) -> None:
    deliverable_policy.require(actor, "delete", deliverable)
    delete_versioned(actor=actor, obj=deliverable, expected_version=expected_version)


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

def scope_item_create(*, actor, project: Project, tasks=None, **fields) -> ScopeItem:
    _unknown_fields(fields, ITEM_FIELDS)
    project = _project(actor, project)
    if "status" in fields and fields["status"] not in ScopeStatus.values:
        raise ValidationError({"status": f"must be one of {', '.join(ScopeStatus.values)}"})
    _references(project, fields)
    linked = _tasks(project, tasks)
    with transaction.atomic():
        item = create_audited(actor=actor, obj=ScopeItem(project=project, **fields))
        _set_tasks(actor, item, linked)
    return item


def scope_item_update(*, actor, item: ScopeItem, expected_version: int, tasks=None, **changes) -> ScopeItem:
    _unknown_fields(changes, ITEM_FIELDS)
    scope_item_policy.require(actor, "change", item)
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
