"""Closure objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, for own (program A) or other (program B): a hand tick of the sponsor's sign-off on
project A1 / B1 and on program A / B (what the clear routes remove), a lesson of A1 / B1 (edited and deleted), and an
adoption by A1 / B1 of a lesson of A2. Adoption routes adopt one more lesson of A2 (``ll_adopt``) for A1 / B1.
An open risk on A1 / B1 keeps the checklists open, so archiving answers 422 (naming the checklist) whatever else the
other apps' matrix helpers create; archiving itself is tested in test_closure.py and test_archive.py.
"""

from __future__ import annotations

from pmo.closure.models import Adoption, ChecklistMark, Lesson
from pmo.raid.models import Risk

KEYS = {"lesson": "lesson", "ll_adopt": "to_adopt", "ll_adoption": "adoption"}


def _lesson(program, project, title):
    return Lesson.objects.create(program=program, project=project, title=title, what_happened="It happened.",
                                 recommendation="Do it earlier.", tags=",matrix,")


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_closure", {})
    if scope not in cache:
        program = world.own("program") if scope == "own" else world.other("program")
        project = world.own("project") if scope == "own" else world.other("project")
        a2 = world.project_a2
        ChecklistMark.objects.create(program=program, project=project, item="signoff", kind="tick", note="signed")
        ChecklistMark.objects.create(program=program, item="signoff", kind="tick", note="signed")
        Risk.objects.create(program=program, project=project, title="Warranty claims")
        source = _lesson(a2.program, a2, f"Adopted lesson ({scope})")
        cache[scope] = {
            "lesson": _lesson(program, project, f"Lesson of {project.code}"),
            "to_adopt": _lesson(a2.program, a2, f"Lesson to adopt ({scope})"),
            "adoption": Adoption.objects.create(lesson=source, project=project, note="in our plan"),
            "project": project,
        }
    return cache[scope]


API_NAMES = {"get_project_closure", "get_program_closure", "mark_project_item", "mark_program_item",
             "clear_project_item", "clear_program_item", "archive_project", "archive_program", "unarchive_project",
             "unarchive_program"} | {f"{verb}_{noun}" for verb in ("list", "create", "get", "update", "delete")
                                     for noun in ("lesson", "lessons", "lesson_adoption", "lesson_adoptions")}


def is_closure(name: str) -> bool:
    return name.startswith("closure:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS) and "/closure/" not in url:
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    if not is_closure(name):
        return None
    found = targets(world, scope)
    if name.endswith("_lesson_adoption"):
        return found["adoption"]
    if name.endswith("_lesson"):
        return found["lesson"]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the closure routes (so only permissions decide the status)."""
    found = targets(world, scope)
    project = found["project"]
    lesson_form = {"project": project.pk, "phase": "deliver", "category": "schedule", "title": "Plan the cut-over",
                   "what_happened": "The cut-over slipped.", "impact": "high", "impact_note": "",
                   "recommendation": "Rehearse it twice.", "tags": "cut-over, rehearsal"}
    bodies = {
        "closure:project_mark": {"note": "the sponsor's e-mail"},
        "closure:program_mark": {"note": "the board minutes"},
        "closure:project_archive": {"note": "", "version": project.version},
        "closure:program_archive": {"note": "", "version": project.program.version},
        "closure:project_unarchive": {"reason": "reopened", "version": project.version},
        "closure:program_unarchive": {"reason": "reopened", "version": project.program.version},
        "closure:lesson_create": lesson_form,
        "closure:lesson_edit": lesson_form | {"version": found["lesson"].version},
        "closure:lesson_delete": {"version": found["lesson"].version},
        "closure:adoption_create": {"project": project.pk, "status": "planned", "note": "we will"},
        "closure:adoption_edit": {"status": "adopted", "note": "done", "version": found["adoption"].version},
        "closure:adoption_delete": {"version": found["adoption"].version},
        "api:mark_project_item": {"note": "the sponsor's e-mail"},
        "api:mark_program_item": {"note": "the board minutes"},
        "api:archive_project": {},
        "api:archive_program": {},
        "api:unarchive_project": {"reason": "reopened"},
        "api:unarchive_program": {"reason": "reopened"},
        "api:create_lesson": {"project": project.pk, "title": "Plan the cut-over", "what_happened": "It slipped.",
                              "recommendation": "Rehearse it.", "tags": ["cut-over"]},
        "api:update_lesson": {"title": "Plan the cut-over early"},
        "api:create_lesson_adoption": {"lesson": found["to_adopt"].pk, "project": project.pk, "note": "we will"},
        "api:update_lesson_adoption": {"status": "adopted"},
    }
    return bodies.get(name)
