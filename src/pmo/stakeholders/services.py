"""Every write to the stakeholder register: policy check, validation, save and audit in one transaction.

Rules kept here (one place each):
- interest and influence are 1..5, engagement levels are on the standard scale (a 422 naming the field);
- a stakeholder's group and project belong to its program; references the actor cannot see are unknown ids;
- recording an assessment on or after the latest one sets the stakeholder's current engagement to its level;
- a RACI row (a WBS element) has at most one A: a second A is refused naming the row, nothing written.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pmo.accounts.selectors import active_user
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from .models import (
    RANK,
    EngagementAction,
    EngagementAssessment,
    Level,
    RaciAssignment,
    RaciMatrix,
    RaciRole,
    Stakeholder,
    StakeholderGroup,
)
from .policies import (
    action_policy,
    assessment_policy,
    edits_raci,
    group_policy,
    manages_program,
    stakeholder_policy,
)
from .selectors import raci_columns, raci_rows

STAKEHOLDER_FIELDS = ("project", "kind", "name", "organisation", "title", "email", "phone", "group", "interest",
                      "influence", "attitude", "desired_engagement", "owner", "notes")
GROUP_FIELDS = ("name", "description")
ASSESSMENT_FIELDS = ("date", "level", "note")
ACTION_FIELDS = ("title", "owner", "due", "status", "note")
#: cells one save of a RACI grid may change
MAX_CELLS = 5000


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scales(fields: dict) -> None:
    """Interest and influence 1..5, engagement on the scale: a ValidationError naming the field."""
    errors = {}
    for name in ("interest", "influence"):
        if name in fields:
            value = fields[name]
            if not _is_id(value) or value not in Level.values:
                errors[name] = f"must be a whole number from 1 to 5, not {value!r}"
    for name in ("desired_engagement", "current_engagement", "level"):
        if name in fields and fields[name] not in RANK:
            errors[name] = f"must be one of {', '.join(RANK)}, not {fields[name]!r}"
    if errors:
        raise ValidationError(errors)


def _references(actor, program: Program, fields: dict) -> None:
    """Replace project, group and owner ids by objects; ids the actor cannot see (or of another program) are
    refused as unknown."""
    if "project" in fields and fields["project"] is not None:
        pk = _pk(fields["project"])
        found = (project_policy.visible(actor).filter(pk=pk, program=program).first() if _is_id(pk) else None)
        if found is None:
            raise ValidationError({"project": f"no project with id {pk} in {program.code}"})
        fields["project"] = found
    if "group" in fields and fields["group"] is not None:
        pk = _pk(fields["group"])
        found = StakeholderGroup.objects.filter(pk=pk, program=program).first() if _is_id(pk) else None
        if found is None:
            raise ValidationError({"group": f"no stakeholder group with id {pk} in {program.code}"})
        fields["group"] = found
    if "owner" in fields and fields["owner"] is not None:
        pk = _pk(fields["owner"])
        fields["owner"] = active_user(pk if _is_id(pk) else -1, field="owner")


def _program(actor, program) -> Program:
    if program is None:
        raise ValidationError({"program": "give the program of the stakeholder"})
    if not program_policy.can(actor, "view", program):
        raise ValidationError({"program": f"no program with id {program.pk}"})
    return program


# --- stakeholders ---------------------------------------------------------------------------------

def stakeholder_create(*, actor, program: Program, current_engagement: str | None = None, **fields) -> Stakeholder:
    """Add a stakeholder; ``current_engagement`` (optional) is the level before any assessment (assessments set it
    afterwards)."""
    _unknown_fields(fields, STAKEHOLDER_FIELDS)
    program = _program(actor, program)
    if not manages_program(actor, program.pk):
        raise PermissionDenied(f"you may not add stakeholders to {program.code}")
    _scales(fields | ({"current_engagement": current_engagement} if current_engagement else {}))
    _references(actor, program, fields)
    extra = {"current_engagement": current_engagement} if current_engagement else {}
    return create_audited(actor=actor, obj=Stakeholder(program=program, **fields, **extra))


def stakeholder_update(*, actor, stakeholder: Stakeholder, expected_version: int, **changes) -> Stakeholder:
    _unknown_fields(changes, STAKEHOLDER_FIELDS)
    stakeholder_policy.require(actor, "change", stakeholder)
    _scales(changes)
    _references(actor, stakeholder.program, changes)
    return update_versioned(actor=actor, obj=stakeholder, changes=changes, expected_version=expected_version)


def stakeholder_delete(*, actor, stakeholder: Stakeholder, expected_version: int) -> None:
    stakeholder_policy.require(actor, "delete", stakeholder)
    delete_versioned(actor=actor, obj=stakeholder, expected_version=expected_version)


# --- groups -----------------------------------------------------------------------------------------

def group_create(*, actor, program: Program, **fields) -> StakeholderGroup:
    _unknown_fields(fields, GROUP_FIELDS)
    program = _program(actor, program)
    if not manages_program(actor, program.pk):
        raise PermissionDenied(f"you may not add stakeholder groups to {program.code}")
    if StakeholderGroup.objects.filter(program=program, name=fields.get("name")).exists():
        raise ValidationError({"name": f"{program.code} already has a group named {fields.get('name')!r}"})
    return create_audited(actor=actor, obj=StakeholderGroup(program=program, **fields))


def group_update(*, actor, group: StakeholderGroup, expected_version: int, **changes) -> StakeholderGroup:
    _unknown_fields(changes, GROUP_FIELDS)
    group_policy.require(actor, "change", group)
    if "name" in changes and StakeholderGroup.objects.filter(
            program_id=group.program_id, name=changes["name"]).exclude(pk=group.pk).exists():
        raise ValidationError({"name": f"{group.program.code} already has a group named {changes['name']!r}"})
    return update_versioned(actor=actor, obj=group, changes=changes, expected_version=expected_version)


def group_delete(*, actor, group: StakeholderGroup, expected_version: int) -> None:
    """Delete a group; its members stay in the register, without a group."""
    group_policy.require(actor, "delete", group)
    delete_versioned(actor=actor, obj=group, expected_version=expected_version)


# --- assessments ------------------------------------------------------------------------------------

def _follow_latest(actor, stakeholder: Stakeholder) -> None:
    """The stakeholder's current engagement is the level of its latest assessment (audited, version bumped)."""
    latest = stakeholder.assessments.order_by("-date", "-pk").first()
    fresh = Stakeholder.objects.get(pk=stakeholder.pk)
    if latest is not None and fresh.current_engagement != latest.level:
        update_versioned(actor=actor, obj=fresh, changes={"current_engagement": latest.level},
                         expected_version=fresh.version, action="assess")


def assessment_create(*, actor, stakeholder: Stakeholder, **fields) -> EngagementAssessment:
    _unknown_fields(fields, ASSESSMENT_FIELDS)
    stakeholder_policy.require(actor, "change", stakeholder, "you may not assess this stakeholder")
    if "level" not in fields:
        raise ValidationError({"level": "give the engagement level observed"})
    _scales(fields)
    if fields.get("date") and stakeholder.assessments.filter(date=fields["date"]).exists():
        raise ValidationError({"date": f"{stakeholder} already has an assessment on {fields['date']}: change it"})
    with transaction.atomic():
        assessment = create_audited(actor=actor, obj=EngagementAssessment(stakeholder=stakeholder, **fields))
        _follow_latest(actor, stakeholder)
    return assessment


def assessment_update(*, actor, assessment: EngagementAssessment, expected_version: int,
                      **changes) -> EngagementAssessment:
    _unknown_fields(changes, ASSESSMENT_FIELDS)
    assessment_policy.require(actor, "change", assessment)
    _scales(changes)
    if changes.get("date") and assessment.stakeholder.assessments.filter(
            date=changes["date"]).exclude(pk=assessment.pk).exists():
        raise ValidationError({"date": f"{assessment.stakeholder} already has an assessment on {changes['date']}"})
    with transaction.atomic():
        saved = update_versioned(actor=actor, obj=assessment, changes=changes, expected_version=expected_version)
        _follow_latest(actor, assessment.stakeholder)
    return saved


def assessment_delete(*, actor, assessment: EngagementAssessment, expected_version: int) -> None:
    assessment_policy.require(actor, "delete", assessment)
    with transaction.atomic():
        delete_versioned(actor=actor, obj=assessment, expected_version=expected_version)
        _follow_latest(actor, assessment.stakeholder)


# --- engagement actions -----------------------------------------------------------------------------

def action_create(*, actor, stakeholder: Stakeholder, **fields) -> EngagementAction:
    _unknown_fields(fields, ACTION_FIELDS)
    stakeholder_policy.require(actor, "change", stakeholder, "you may not plan actions for this stakeholder")
    _references(actor, stakeholder.program, fields)
    return create_audited(actor=actor, obj=EngagementAction(stakeholder=stakeholder, **fields))


def action_update(*, actor, action: EngagementAction, expected_version: int, **changes) -> EngagementAction:
    _unknown_fields(changes, ACTION_FIELDS)
    action_policy.require(actor, "change", action)
    _references(actor, action.stakeholder.program, changes)
    return update_versioned(actor=actor, obj=action, changes=changes, expected_version=expected_version)


def action_delete(*, actor, action: EngagementAction, expected_version: int) -> None:
    action_policy.require(actor, "delete", action)
    delete_versioned(actor=actor, obj=action, expected_version=expected_version)


# --- RACI -------------------------------------------------------------------------------------------

def raci_matrix(project: Project) -> RaciMatrix:
    """The project's matrix (created empty, unaudited, the first time anyone opens it)."""
    matrix, _ = RaciMatrix.objects.get_or_create(project=project)
    return matrix


def raci_set(*, actor, project: Project, cells: list[tuple], expected_version: int) -> RaciMatrix:
    """Set cells ``(task, stakeholder, role)`` of the project's grid (role ``""`` or None clears a cell).

    Tasks must be WBS elements of the project (``selectors.raci_rows``), stakeholders of its program. After the
    change every row has at most one A; otherwise nothing is written and the error names the row.
    """
    if not edits_raci(actor, project):
        raise PermissionDenied(f"you may not change the RACI matrix of {project.code}")
    if len(cells) > MAX_CELLS:
        raise ValidationError({"cells": f"at most {MAX_CELLS} cells per save"})
    rows = {task.pk: task for task in raci_rows(project)}
    columns = {s.pk: s for s in raci_columns(project)}
    wanted: dict[tuple[int, int], str] = {}
    for index, (task, stakeholder, role) in enumerate(cells):
        task_id, stakeholder_id = _pk(task), _pk(stakeholder)
        if not _is_id(task_id) or task_id not in rows:
            raise ValidationError({"cells": f"cell {index + 1}: no WBS element with id {task_id} in {project.code}"})
        if not _is_id(stakeholder_id) or stakeholder_id not in columns:
            raise ValidationError({"cells": f"cell {index + 1}: no stakeholder with id {stakeholder_id} in "
                                            f"{project.program.code}"})
        if role not in (None, "", *RaciRole.values):
            raise ValidationError({"cells": f"cell {index + 1}: role must be R, A, C, I or empty, not {role!r}"})
        wanted[(task_id, stakeholder_id)] = role or ""
    with transaction.atomic():
        matrix = RaciMatrix.objects.select_for_update().get(pk=raci_matrix(project).pk)
        if matrix.version != expected_version:
            raise StaleVersion(matrix.version)
        existing = {(c.task_id, c.stakeholder_id): c for c in matrix.cells.all()}
        after = {key: cell.role for key, cell in existing.items()}
        for key, role in wanted.items():
            if role:
                after[key] = role
            else:
                after.pop(key, None)
        accountable: dict[int, list[int]] = {}
        for (task_id, stakeholder_id), role in after.items():
            if role == RaciRole.ACCOUNTABLE:
                accountable.setdefault(task_id, []).append(stakeholder_id)
        for task_id, holders in accountable.items():
            if len(holders) > 1:
                task = rows.get(task_id)
                label = f"{task.wbs} {task.name}".strip() if task else f"task {task_id}"
                names = " and ".join(sorted(columns[h].name for h in holders if h in columns))
                raise ValidationError({"cells": f"row {label}: one A (accountable) per row, not two ({names})"})
        changed = False
        for key, role in wanted.items():
            cell = existing.get(key)
            if cell is None and role:
                create_audited(actor=actor, obj=RaciAssignment(matrix=matrix, task_id=key[0],
                                                               stakeholder_id=key[1], role=role))
                changed = True
            elif cell is not None and not role:
                delete_versioned(actor=actor, obj=cell, expected_version=cell.version)
                changed = True
            elif cell is not None and cell.role != role:
                update_versioned(actor=actor, obj=cell, changes={"role": role}, expected_version=cell.version)
                changed = True
        if changed:
            matrix = update_versioned(actor=actor, obj=matrix, changes={"revision": matrix.revision + 1},
                                      expected_version=matrix.version)
    return matrix

