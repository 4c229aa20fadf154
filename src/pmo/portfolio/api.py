"""``/api/v1/programs`` and ``/api/v1/projects``."""


from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.accounts.selectors import active_user
from pmo.core.api import IF_MATCH, Day, Id, Input, Pagination, expected_version, with_etag

from . import selectors, services
from .models import Lifecycle, ProgramStatus, ProjectStatus
from .policies import program_policy, project_policy

router = Router(tags=["portfolio"])

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{1,19}$"


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    description: str
    strategic_objectives: str
    sponsor: str
    program_manager: int | None = Field(None, alias="program_manager_id")
    status: ProgramStatus
    phase: Lifecycle
    start: date | None
    end: date | None
    currency: str
    schedule_tolerance_days: int
    cost_tolerance_pct: Decimal
    version: int
    created_at: datetime
    updated_at: datetime


class ProgramPatch(Input):
    code: str = Field(None, pattern=CODE_PATTERN)
    name: str = Field(None, min_length=1, max_length=120)
    description: str = Field(None, max_length=5000)
    strategic_objectives: str = Field(None, max_length=5000)
    sponsor: str = Field(None, max_length=120)
    program_manager: Id | None = None
    status: ProgramStatus = None
    phase: Lifecycle = None
    start: Day | None = None
    end: Day | None = None
    currency: str = Field(None, pattern=r"^[A-Z]{3}$")
    schedule_tolerance_days: int = Field(None, ge=0, le=3650)
    cost_tolerance_pct: Decimal = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


class ProgramCreate(ProgramPatch):
    code: str = Field(..., pattern=CODE_PATTERN)
    name: str = Field(..., min_length=1, max_length=120)


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    program: int = Field(..., alias="program_id")
    description: str
    project_manager: int | None = Field(None, alias="project_manager_id")
    status: ProjectStatus
    phase: Lifecycle
    start: date | None
    finish: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class ProjectPatch(Input):
    program: Id = None
    code: str = Field(None, pattern=CODE_PATTERN)
    name: str = Field(None, min_length=1, max_length=120)
    description: str = Field(None, max_length=5000)
    project_manager: Id | None = None
    status: ProjectStatus = None
    phase: Lifecycle = None
    start: Day | None = None
    finish: Day | None = None


class ProjectCreate(ProjectPatch):
    program: Id
    code: str = Field(..., pattern=CODE_PATTERN)
    name: str = Field(..., min_length=1, max_length=120)


class ProgramFilter(Schema):
    q: str | None = Field(None, max_length=200, description="search in code and name")
    status: ProgramStatus | None = None


class ProjectFilter(Schema):
    q: str | None = Field(None, max_length=200, description="search in code and name")
    status: ProjectStatus | None = None
    program: Id | None = None


def _program_fields(request, data: dict) -> dict:
    """Turn the reference ids of a program payload into objects, checked like any other input."""
    if "program_manager" in data:
        data["program_manager"] = active_user(data["program_manager"], field="program_manager")
    return data


def _project_fields(request, data: dict) -> dict:
    if "project_manager" in data:
        data["project_manager"] = active_user(data["project_manager"], field="project_manager")
    if "program" in data:
        program = program_policy.visible(request.user).filter(pk=data["program"]).first()
        if program is None:
            raise ValidationError({"program": f"no program with id {data['program']}"})
        data["program"] = program
    return data


@router.get("/programs", response=list[ProgramOut])
@paginate(Pagination)
def list_programs(request: HttpRequest, filters: Query[ProgramFilter]):
    return selectors.search(selectors.programs_for(request.user), q=filters.q, status=filters.status)


@router.post("/programs", response={201: ProgramOut})
def create_program(request: HttpRequest, response: HttpResponse, payload: ProgramCreate):
    program = services.program_create(actor=request.user,
                                      **_program_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, program)
    return Status(201, program)


@router.get("/programs/{program_id}", response=ProgramOut)
def get_program(request: HttpRequest, response: HttpResponse, program_id: Id):
    program = program_policy.get(request.user, pk=program_id)
    with_etag(response, program)
    return program


@router.patch("/programs/{program_id}", response=ProgramOut, openapi_extra=IF_MATCH)
def update_program(request: HttpRequest, response: HttpResponse, program_id: Id, payload: ProgramPatch):
    program = program_policy.get(request.user, pk=program_id)
    version = expected_version(request)
    program = services.program_update(actor=request.user, program=program, expected_version=version,
                                      **_program_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, program)
    return program


@router.delete("/programs/{program_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_program(request: HttpRequest, program_id: Id):
    program = program_policy.get(request.user, pk=program_id)
    services.program_delete(actor=request.user, program=program, expected_version=expected_version(request))
    return Status(204, None)


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilter]):
    projects = selectors.projects_for(request.user)
    if filters.program is not None:
        projects = projects.filter(program_id=filters.program)
    return selectors.search(projects, q=filters.q, status=filters.status)


@router.post("/projects", response={201: ProjectOut})
def create_project(request: HttpRequest, response: HttpResponse, payload: ProjectCreate):
    project = services.project_create(actor=request.user,
                                      **_project_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, project)
    return Status(201, project)


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request: HttpRequest, response: HttpResponse, project_id: Id):
    project = project_policy.get(request.user, pk=project_id)
    with_etag(response, project)
    return project


@router.patch("/projects/{project_id}", response=ProjectOut, openapi_extra=IF_MATCH)
def update_project(request: HttpRequest, response: HttpResponse, project_id: Id, payload: ProjectPatch):
    project = project_policy.get(request.user, pk=project_id)
    version = expected_version(request)
    project = services.project_update(actor=request.user, project=project, expected_version=version,
                                      **_project_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, project)
    return project


@router.delete("/projects/{project_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_project(request: HttpRequest, project_id: Id):
    project = project_policy.get(request.user, pk=project_id)
    services.project_delete(actor=request.user, project=project, expected_version=expected_version(request))
    return Status(204, None)
