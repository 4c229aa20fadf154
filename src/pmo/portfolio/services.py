"""Every write to programs and projects: policy check, validation, save and audit in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core.services import create_audited, delete_versioned, update_versioned

from .models import Program, Project
from .policies import program_policy, project_policy

PROGRAM_FIELDS = (
    "code", "name", "description", "strategic_objectives", "sponsor", "program_manager", "status", "phase",
    "start", "end", "currency", "schedule_tolerance_days", "cost_tolerance_pct",
)
PROJECT_FIELDS = ("program", "code", "name", "description", "project_manager", "status", "phase", "start", "finish")
#: project fields only the program level may set (a project manager edits the rest of their project)
PROJECT_PROGRAM_LEVEL_FIELDS = ("program", "code", "project_manager")
#: apps that govern the phase (governance's stage gates) register ``fn(program_or_project) -> reason or None``:
#: a reason refuses a direct change of ``phase`` (it then moves only through :func:`phase_advance`)
PHASE_GATEKEEPERS: list[Callable] = []


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _target_program(actor, program: Program | None) -> Program:
    """A program the actor may place projects in; out-of-scope programs are refused as unknown."""
    if program is None:
        raise ValidationError({"program": "this field is required"})
    if not program_policy.can(actor, "view", program):
        raise ValidationError({"program": f"no program with id {program.pk}"})
    program_policy.require(actor, "manage_projects", program, f"program: you may not place projects in {program.code}")
    return program


def _gated_phase(obj, changes: dict) -> None:
    if "phase" in changes and changes["phase"] != obj.phase:
        for gatekeeper in PHASE_GATEKEEPERS:
            reason = gatekeeper(obj)
            if reason:
                raise ValidationError({"phase": reason})


def phase_advance(*, actor, target: Program | Project, phase: str, expected_version: int | None = None):
    """Move a program's or project's phase on a decision taken elsewhere (a stage gate's "go", recorded by the
    Steering Committee): the caller has checked who decides; audited as ``phase_advance``."""
    with transaction.atomic():
        target = type(target).objects.select_for_update().get(pk=target.pk)
        return update_versioned(actor=actor, obj=target, changes={"phase": phase},
                                expected_version=target.version if expected_version is None else expected_version,
                                action="phase_advance")


def program_create(*, actor, **fields) -> Program:
    _unknown_fields(fields, PROGRAM_FIELDS)
    program_policy.require(actor, "create", message="only the PMO Director starts new programs")
    return create_audited(actor=actor, obj=Program(**fields))


def program_update(*, actor, program: Program, expected_version: int, **changes) -> Program:
    _unknown_fields(changes, PROGRAM_FIELDS)
    program_policy.require(actor, "change", program)
    if "status" in changes and changes["status"] != program.status:
        program_policy.require(actor, "change_status", program,
                               "status: starting, holding and closing a program is the PMO Director's decision")
    _gated_phase(program, changes)
    return update_versioned(actor=actor, obj=program, changes=changes, expected_version=expected_version)


def program_delete(*, actor, program: Program, expected_version: int) -> None:
    program_policy.require(actor, "delete", program)
    delete_versioned(actor=actor, obj=program, expected_version=expected_version)


def project_create(*, actor, program: Program | None, **fields) -> Project:
    _unknown_fields({"program": program, **fields}, PROJECT_FIELDS)
    _target_program(actor, program)
    return create_audited(actor=actor, obj=Project(program=program, **fields))


def project_update(*, actor, project: Project, expected_version: int, **changes) -> Project:
    _unknown_fields(changes, PROJECT_FIELDS)
    project_policy.require(actor, "change", project)
    program_level = sorted(
        name for name in PROJECT_PROGRAM_LEVEL_FIELDS
        if name in changes and changes[name] != getattr(project, name)
    )
    if program_level:
        project_policy.require(actor, "reassign", project,
                               f"{', '.join(program_level)}: only the program level may change this")
    if "program" in changes and changes["program"] != project.program:
        _target_program(actor, changes["program"])
    _gated_phase(project, changes)
    return update_versioned(actor=actor, obj=project, changes=changes, expected_version=expected_version)


def project_delete(*, actor, project: Project, expected_version: int) -> None:
    project_policy.require(actor, "delete", project)
    delete_versioned(actor=actor, obj=project, expected_version=expected_version)
