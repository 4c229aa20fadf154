"""``/api/v1/closure/projects/{id}`` and ``/closure/programs/{id}`` (checklist with its evidence, marks, archive,
unarchive), ``/lessons`` and ``/lesson-adoptions`` (conventions in pmo.core.api).

Archiving answers 422 naming ``checklist`` with the items still open; every write to an archived project or program,
in any app, answers 403 naming the archive.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.core.api import IF_MATCH, IF_MATCH_OPTIONAL, Id, Input, Pagination, expected_version, with_etag
from pmo.portfolio.models import Lifecycle
from pmo.portfolio.policies import program_policy, project_policy

from . import checklist, selectors, services
from .models import AdoptionStatus, Impact, Item, LessonCategory
from .policies import adoption_policy, lesson_policy

router = Router(tags=["closure"])

ItemKey = Literal[tuple(Item.values)]


class OffenderOut(Schema):
    label: str
    url: str
    status: str


class MarkOut(Schema):
    kind: Literal["tick", "override"]
    note: str
    by: str | None
    at: datetime


class CheckOut(Schema):
    item: ItemKey
    label: str
    computed: bool = Field(..., description="false: no app computes it, a hand tick completes it")
    met: bool
    done: bool = Field(..., description="met, ticked by hand, or overridden by the PMO Director")
    state: Literal["met", "ticked", "overridden", "open", "manual"]
    summary: str
    count: int = Field(..., description="offending objects (or problems) found")
    offenders: list[OffenderOut] = Field(..., description=f"the first {checklist.SHOWN}")
    mark: MarkOut | None


class ChecklistOut(Schema):
    kind: Literal["project", "program"]
    id: int
    code: str
    archived_at: datetime | None
    version: int
    complete: bool
    items: list[CheckOut]


class MarkIn(Input):
    note: str = Field(..., min_length=1, max_length=services.NOTE_LENGTH,
                      description="the evidence (a hand tick) or the reason (the Director's override)")


class ArchiveIn(Input):
    note: str = Field("", max_length=services.NOTE_LENGTH)


class UnarchiveIn(Input):
    reason: str = Field(..., min_length=1, max_length=services.NOTE_LENGTH)


def _checklist_out(user, target) -> dict:
    checks = checklist.for_user(user, target, checklist.checklist(target))
    return {
        "kind": "project" if target._meta.model_name == "project" else "program", "id": target.pk,
        "code": target.code, "archived_at": target.archived_at, "version": target.version,
        "complete": checklist.complete(checks),
        "items": [{
            "item": c.item, "label": c.label, "computed": c.computed, "met": c.met, "done": c.done, "state": c.state,
            "summary": c.summary, "count": c.count,
            "offenders": [{"label": o.label, "url": o.url, "status": o.status} for o in c.offenders],
            "mark": None if c.mark is None else {
                "kind": c.mark.kind, "note": c.mark.note, "at": c.mark.created_at,
                "by": c.mark.created_by.username if c.mark.created_by_id else None},
        } for c in checks],
    }


def _respond(request: HttpRequest, response: HttpResponse, target) -> dict:
    with_etag(response, target)
    return _checklist_out(request.user, target)


def _project(request, project_id):
    return project_policy.get(request.user, queryset=project_policy.visible(request.user).select_related("program"),
                               pk=project_id)


def _program(request, program_id):
    return program_policy.get(request.user, pk=program_id)


# --- checklists -----------------------------------------------------------------------------------------

@router.get("/closure/projects/{project_id}", response=ChecklistOut)
def get_project_closure(request: HttpRequest, response: HttpResponse, project_id: Id):
    """The project's closure checklist with its evidence (ETag: the project's version)."""
    return _respond(request, response, _project(request, project_id))


@router.get("/closure/programs/{program_id}", response=ChecklistOut)
def get_program_closure(request: HttpRequest, response: HttpResponse, program_id: Id):
    """The program's closure checklist (its own items over the program and all its projects)."""
    return _respond(request, response, _program(request, program_id))


@router.put("/closure/projects/{project_id}/items/{item}", response=ChecklistOut)
def mark_project_item(request: HttpRequest, response: HttpResponse, project_id: Id, item: ItemKey, payload: MarkIn):
    """Tick an item no app computes (Program Manager, Director) or override an unmet computed one (Director)."""
    project = _project(request, project_id)
    services.mark_set(actor=request.user, target=project, item=item, note=payload.note)
    return _respond(request, response, project)


@router.put("/closure/programs/{program_id}/items/{item}", response=ChecklistOut)
def mark_program_item(request: HttpRequest, response: HttpResponse, program_id: Id, item: ItemKey, payload: MarkIn):
    program = _program(request, program_id)
    services.mark_set(actor=request.user, target=program, item=item, note=payload.note)
    return _respond(request, response, program)


def _clear(request, target, item):
    mark = checklist.marks_of(target).get(item)
    if mark is None:
        raise ValidationError({"item": f"{item} has no mark to clear"})
    services.mark_clear(actor=request.user, mark=mark)


@router.delete("/closure/projects/{project_id}/items/{item}", response={204: None})
def clear_project_item(request: HttpRequest, project_id: Id, item: ItemKey):
    """Remove a hand tick (who ticked it may) or an override (the Director)."""
    _clear(request, _project(request, project_id), item)
    return Status(204, None)


@router.delete("/closure/programs/{program_id}/items/{item}", response={204: None})
def clear_program_item(request: HttpRequest, program_id: Id, item: ItemKey):
    _clear(request, _program(request, program_id), item)
    return Status(204, None)


def _version(request):
    return expected_version(request) if request.headers.get("If-Match") else None


@router.post("/closure/projects/{project_id}/archive", response=ChecklistOut, openapi_extra=IF_MATCH_OPTIONAL)
def archive_project(request: HttpRequest, response: HttpResponse, project_id: Id, payload: ArchiveIn):
    """Archive the project (PMO Director; its checklist complete): read-only everywhere from now on."""
    project = services.archive_target(actor=request.user, target=_project(request, project_id),
                                      expected_version=_version(request), note=payload.note)
    return _respond(request, response, project)


@router.post("/closure/programs/{program_id}/archive", response=ChecklistOut, openapi_extra=IF_MATCH_OPTIONAL)
def archive_program(request: HttpRequest, response: HttpResponse, program_id: Id, payload: ArchiveIn):
    """Archive the program (PMO Director; each project archived, its checklist complete)."""
    program = services.archive_target(actor=request.user, target=_program(request, program_id),
                                      expected_version=_version(request), note=payload.note)
    return _respond(request, response, program)


@router.post("/closure/projects/{project_id}/unarchive", response=ChecklistOut, openapi_extra=IF_MATCH_OPTIONAL)
def unarchive_project(request: HttpRequest, response: HttpResponse, project_id: Id, payload: UnarchiveIn):
    """Make the project writable again (PMO Director, with a reason; audited)."""
    project = services.unarchive_target(actor=request.user, target=_project(request, project_id),
                                        reason=payload.reason, expected_version=_version(request))
    return _respond(request, response, project)


@router.post("/closure/programs/{program_id}/unarchive", response=ChecklistOut, openapi_extra=IF_MATCH_OPTIONAL)
def unarchive_program(request: HttpRequest, response: HttpResponse, program_id: Id, payload: UnarchiveIn):
    program = services.unarchive_target(actor=request.user, target=_program(request, program_id),
                                        reason=payload.reason, expected_version=_version(request))
    return _respond(request, response, program)


# --- lessons --------------------------------------------------------------------------------------------

class LessonOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    phase: Lifecycle
    category: LessonCategory
    title: str
    what_happened: str
    impact: Impact
    impact_note: str
    recommendation: str
    tags: list[str] = Field(..., alias="tag_list")
    adoptions: int = Field(0, alias="adoption_count")
    version: int
    created_at: datetime
    updated_at: datetime


class LessonPatch(Input):
    project: Id | None = Field(None, description="a project of the lesson's program, or null for the program")
    phase: Lifecycle = None
    category: LessonCategory = None
    title: str = Field(None, min_length=1, max_length=200)
    what_happened: str = Field(None, min_length=1, max_length=5000)
    impact: Impact = None
    impact_note: str = Field(None, max_length=1000)
    recommendation: str = Field(None, min_length=1, max_length=5000)
    tags: list[str] = Field(None, max_length=10, description="at most 10 tags of 30 characters")


class LessonCreate(LessonPatch):
    program: Id | None = Field(None, description="for a program-level lesson (no project)")
    title: str = Field(..., min_length=1, max_length=200)
    what_happened: str = Field(..., min_length=1, max_length=5000)
    recommendation: str = Field(..., min_length=1, max_length=5000)


class LessonFilter(Schema):
    q: str | None = Field(None, max_length=200, description="words searched in the text, tags and project code")
    tag: str | None = Field(None, max_length=30)
    program: Id | None = None
    project: Id | None = None
    phase: Lifecycle | None = None
    category: LessonCategory | None = None


def _lesson(request, lesson_id):
    return lesson_policy.get(request.user, queryset=selectors.lessons_for(request.user), pk=lesson_id)


@router.get("/lessons", response=list[LessonOut])
@paginate(Pagination)
def list_lessons(request: HttpRequest, filters: Query[LessonFilter]):
    """The portfolio's lessons learned library (every signed-in user reads it)."""
    rows = selectors.search(selectors.lessons_for(request.user), filters.q, filters.tag)
    for name in ("program", "project"):
        if getattr(filters, name) is not None:
            rows = rows.filter(**{f"{name}_id": getattr(filters, name)})
    for name in ("phase", "category"):
        if getattr(filters, name) is not None:
            rows = rows.filter(**{name: getattr(filters, name)})
    return rows.order_by("-pk")


@router.post("/lessons", response={201: LessonOut})
def create_lesson(request: HttpRequest, response: HttpResponse, payload: LessonCreate):
    """Capture a lesson of a project (or, with ``program`` and no project, of a program)."""
    data = payload.model_dump(exclude_unset=True)
    program_id = data.pop("program", None)
    program = None
    if data.get("project") is None and program_id is not None:
        program = program_policy.visible(request.user).filter(pk=program_id).first()
        if program is None:
            raise ValidationError({"program": f"no program with id {program_id}"})
    lesson = services.lesson_create(actor=request.user, program=program, **data)
    lesson = _lesson(request, lesson.pk)
    with_etag(response, lesson)
    return Status(201, lesson)


@router.get("/lessons/{lesson_id}", response=LessonOut)
def get_lesson(request: HttpRequest, response: HttpResponse, lesson_id: Id):
    lesson = _lesson(request, lesson_id)
    with_etag(response, lesson)
    return lesson


@router.patch("/lessons/{lesson_id}", response=LessonOut, openapi_extra=IF_MATCH)
def update_lesson(request: HttpRequest, response: HttpResponse, lesson_id: Id, payload: LessonPatch):
    lesson = services.lesson_update(actor=request.user, lesson=_lesson(request, lesson_id),
                                    expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    lesson = _lesson(request, lesson.pk)
    with_etag(response, lesson)
    return lesson


@router.delete("/lessons/{lesson_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_lesson(request: HttpRequest, lesson_id: Id):
    services.lesson_delete(actor=request.user, lesson=_lesson(request, lesson_id),
                           expected_version=expected_version(request))
    return Status(204, None)


# --- adoptions ------------------------------------------------------------------------------------------

class AdoptionOut(Schema):
    id: int
    lesson: int = Field(..., alias="lesson_id")
    project: int = Field(..., alias="project_id")
    status: AdoptionStatus
    note: str
    by: int | None = Field(None, alias="created_by_id")
    created_at: datetime
    version: int


class AdoptionPatch(Input):
    status: AdoptionStatus = None
    note: str = Field(None, max_length=1000)


class AdoptionCreate(AdoptionPatch):
    lesson: Id
    project: Id


class AdoptionFilter(Schema):
    lesson: Id | None = None
    project: Id | None = None
    status: AdoptionStatus | None = None


def _adoption(request, adoption_id):
    return adoption_policy.get(request.user, queryset=selectors.adoptions_for(request.user), pk=adoption_id)


@router.get("/lesson-adoptions", response=list[AdoptionOut])
@paginate(Pagination)
def list_lesson_adoptions(request: HttpRequest, filters: Query[AdoptionFilter]):
    rows = selectors.adoptions_for(request.user)
    for name in ("lesson", "project"):
        if getattr(filters, name) is not None:
            rows = rows.filter(**{f"{name}_id": getattr(filters, name)})
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-pk")


@router.post("/lesson-adoptions", response={201: AdoptionOut})
def create_lesson_adoption(request: HttpRequest, response: HttpResponse, payload: AdoptionCreate):
    """A project adopts a lesson's recommendation (the adopting project's managers, the Coordinator)."""
    data = payload.model_dump(exclude_unset=True)
    lesson = selectors.lessons_for(request.user).filter(pk=data.pop("lesson")).first()
    if lesson is None:
        raise ValidationError({"lesson": "no such lesson"})
    adoption = services.adoption_create(actor=request.user, lesson=lesson, **data)
    with_etag(response, adoption)
    return Status(201, adoption)


@router.get("/lesson-adoptions/{adoption_id}", response=AdoptionOut)
def get_lesson_adoption(request: HttpRequest, response: HttpResponse, adoption_id: Id):
    adoption = _adoption(request, adoption_id)
    with_etag(response, adoption)
    return adoption


@router.patch("/lesson-adoptions/{adoption_id}", response=AdoptionOut, openapi_extra=IF_MATCH)
def update_lesson_adoption(request: HttpRequest, response: HttpResponse, adoption_id: Id, payload: AdoptionPatch):
    adoption = services.adoption_update(actor=request.user, adoption=_adoption(request, adoption_id),
                                        expected_version=expected_version(request),
                                        **payload.model_dump(exclude_unset=True))
    with_etag(response, adoption)
    return adoption


@router.delete("/lesson-adoptions/{adoption_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_lesson_adoption(request: HttpRequest, adoption_id: Id):
    services.adoption_delete(actor=request.user, adoption=_adoption(request, adoption_id),
                             expected_version=expected_version(request))
    return Status(204, None)
