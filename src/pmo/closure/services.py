"""Every write of closure: checklist marks, archiving and unarchiving, lessons and adoptions (policy check,
validation, one audit event per change, one transaction).

Rules kept here (one place each):
- a hand tick is for an item no app computes, an override for a computed item that is not met, with a reason,
  by the PMO Director; a mark on an item that needs none is refused naming ``item``;
- a project or program is archived only when its checklist is complete (every item met, ticked or overridden);
  a program only once each of its projects is archived; the refusal names the items still open;
- unarchiving is the Director's, with a reason, audited; a project of an archived program stays archived;
- a lesson's program is its project's; an adoption is by another project than the lesson's, once per project.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.portfolio import archive
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from . import checklist
from .models import Adoption, ChecklistMark, Item, Lesson, MarkKind, normalise_tags
from .policies import adoption_policy, closure_policy, lesson_policy

LESSON_FIELDS = ("project", "phase", "category", "title", "what_happened", "impact", "impact_note", "recommendation",
                 "tags")
ADOPTION_FIELDS = ("status", "note")
NOTE_LENGTH = 1000


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _note(note, name: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({name: "give the evidence or the reason"})
    if len(note) > NOTE_LENGTH:
        raise ValidationError({name: f"at most {NOTE_LENGTH} characters"})
    return note


def _item(target, item: str) -> checklist.Check:
    for check in checklist.checklist(target):
        if check.item == item:
            return check
    raise ValidationError({"item": f"no checklist item {item!r} here; items: "
                                   f"{', '.join(c.item for c in checklist.checklist(target))}"})


def _lock(target):
    """The target's row, locked: marks and archiving of one project or program are serialised."""
    return type(target).objects.select_for_update().get(pk=target.pk)


# --- checklist marks -----------------------------------------------------------------------------------

def mark_set(*, actor, target: Project | Program, item: str, note: str) -> ChecklistMark:
    """Tick an item no app computes (Program Manager, Director), or override a computed item that is not met
    (Director, the note is the reason). Replaces an earlier mark of the item."""
    closure_policy.require(actor, "view", target)
    if item not in Item.values:
        raise ValidationError({"item": f"must be one of {', '.join(Item.values)}, not {item!r}"})
    note = _note(note)
    with transaction.atomic():
        _lock(target)
        check = _item(target, item)
        if check.met:
            raise ValidationError({"item": f"{check.label} is already met ({check.summary}): nothing to tick"})
        if item == Item.PROJECTS:
            raise ValidationError({"item": "a program is archived only after each of its projects: archive them"})
        kind = MarkKind.OVERRIDE if check.computed else MarkKind.TICK
        if kind == MarkKind.OVERRIDE:
            closure_policy.require(actor, "override", target,
                                   f"item: {check.label} is computed ({check.summary}); only the PMO Director "
                                   "overrides it, with a reason")
        else:
            closure_policy.require(actor, "tick", target, "the program manager ticks the closure checklist")
        if check.mark is not None:
            delete_versioned(actor=actor, obj=check.mark, expected_version=check.mark.version)
        project = target if isinstance(target, Project) else None
        program = target.program if project else target
        return create_audited(actor=actor, obj=ChecklistMark(program=program, project=project, item=item, kind=kind,
                                                             note=note))


def mark_clear(*, actor, mark: ChecklistMark) -> None:
    closure_policy.require(actor, "clear", mark)
    delete_versioned(actor=actor, obj=mark, expected_version=mark.version)


# --- archiving ------------------------------------------------------------------------------------------

def _set_archived(*, actor, target, archived: bool, reason: str = ""):
    action = "archive" if archived else "unarchive"
    before = audit.snapshot(target, ("archived_at",))
    value = timezone.now() if archived else None
    type(target).objects.filter(pk=target.pk).update(archived_at=value, version=target.version + 1,
                                                      updated_at=timezone.now())
    target.archived_at, target.version = value, target.version + 1
    after = audit.snapshot(target, ("archived_at",)) | ({"reason": reason} if reason else {})
    audit.record(actor=actor, action=action, obj=target, before=before, after=after)
    transaction.on_commit(archive.forget)
    archive.forget()
    return target


def archive_target(*, actor, target: Project | Program, expected_version: int | None = None, note: str = ""):
    """Archive a project or program whose checklist is complete (or overridden): from now on read-only
    everywhere. The Director's."""
    closure_policy.require(actor, "view", target)
    closure_policy.require(actor, "archive", target, "only the PMO Director archives")
    with transaction.atomic():
        target = _lock(target)
        if expected_version is not None and target.version != expected_version:
            raise StaleVersion(target.version)
        open_items = [c.label for c in checklist.checklist(target) if not c.done]
        if open_items:
            raise ValidationError({"checklist": f"{target.code} cannot be archived while these items are open: "
                                                f"{'; '.join(open_items)}"})
        return _set_archived(actor=actor, target=target, archived=True, reason=(note or "").strip()[:NOTE_LENGTH])


def unarchive_target(*, actor, target: Project | Program, reason: str, expected_version: int | None = None):
    """Make an archived project or program writable again: the Director's, with a reason (audited)."""
    closure_policy.require(actor, "view", target)
    closure_policy.require(actor, "unarchive", target, "only the PMO Director unarchives")
    reason = _note(reason, "reason")
    with transaction.atomic():
        target = _lock(target)
        if expected_version is not None and target.version != expected_version:
            raise StaleVersion(target.version)
        if target.archived_at is None:
            raise ValidationError({"archived": f"{target.code} is not archived"})
        if isinstance(target, Project) and target.program.archived_at is not None:
            raise ValidationError({"program": f"program {target.program.code} is archived: unarchive it first"})
        return _set_archived(actor=actor, target=target, archived=False, reason=reason)


# --- lessons -------------------------------------------------------------------------------------------

def _lesson_project(actor, project) -> Project | None:
    if project is None:
        return None
    pk = project.pk if isinstance(project, Project) else project
    found = (project_policy.visible(actor).filter(pk=pk).select_related("program").first()
             if isinstance(pk, int) and not isinstance(pk, bool) else None)
    if found is None:
        raise ValidationError({"project": f"no project with id {pk}"})
    return found


def _clean_lesson_fields(fields: dict) -> None:
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"])


def lesson_create(*, actor, program: Program | None = None, project: Project | None = None, **fields) -> Lesson:
    """Capture a lesson of a project (its program follows) or, without a project, of a program."""
    _unknown_fields(fields, LESSON_FIELDS)
    project = _lesson_project(actor, project)
    if project is not None:
        program = project.program
    elif program is None or not program_policy.can(actor, "view", program):
        raise ValidationError({"program": "give a project, or the program of a program-level lesson"
                                          if program is None else f"no program with id {program.pk}"})
    lesson_policy.require(actor, "create", project or program,
                          f"you may not capture lessons of {(project or program).code}")
    _clean_lesson_fields(fields)
    return create_audited(actor=actor, obj=Lesson(program=program, project=project, **fields))


def lesson_update(*, actor, lesson: Lesson, expected_version: int, **changes) -> Lesson:
    _unknown_fields(changes, LESSON_FIELDS)
    lesson_policy.require(actor, "change", lesson)
    if "project" in changes:
        project = _lesson_project(actor, changes["project"])
        if project is not None and project.program_id != lesson.program_id:
            raise ValidationError({"project": f"no project with id {project.pk} in {lesson.program.code}"})
        if project is not None:
            lesson_policy.require(actor, "create", project, f"you may not capture lessons of {project.code}")
        changes["project"] = project
    _clean_lesson_fields(changes)
    return update_versioned(actor=actor, obj=lesson, changes=changes, expected_version=expected_version)


def lesson_delete(*, actor, lesson: Lesson, expected_version: int) -> None:
    lesson_policy.require(actor, "delete", lesson)
    if lesson.adoptions.exists():
        raise ValidationError({"lesson": f"{lesson.ref} has been adopted by other projects: edit it instead"})
    delete_versioned(actor=actor, obj=lesson, expected_version=expected_version)


# --- adoptions -----------------------------------------------------------------------------------------

def adoption_create(*, actor, lesson: Lesson, project, **fields) -> Adoption:
    """A project adopts a lesson's recommendation (once per project)."""
    _unknown_fields(fields, ADOPTION_FIELDS)
    project = _lesson_project(actor, project)
    if project is None:
        raise ValidationError({"project": "give the adopting project"})
    adoption_policy.require(actor, "create", project, f"you may not adopt lessons for {project.code}")
    if lesson.project_id == project.pk:
        raise ValidationError({"project": "a project does not adopt its own lesson"})
    if Adoption.objects.filter(lesson=lesson, project=project).exists():
        raise ValidationError({"project": f"{project.code} has already adopted {lesson.ref}"})
    return create_audited(actor=actor, obj=Adoption(lesson=lesson, project=project, **fields))


def adoption_update(*, actor, adoption: Adoption, expected_version: int, **changes) -> Adoption:
    _unknown_fields(changes, ADOPTION_FIELDS)
    adoption_policy.require(actor, "change", adoption)
    return update_versioned(actor=actor, obj=adoption, changes=changes, expected_version=expected_version)


def adoption_delete(*, actor, adoption: Adoption, expected_version: int) -> None:
    adoption_policy.require(actor, "delete", adoption)
    delete_versioned(actor=actor, obj=adoption, expected_version=expected_version)

