"""``/api/v1/resources``, ``/teams``, ``/organisations``, ``/skills``, ``/assignments``, ``/capacity`` and
``/leveling-runs`` (conventions in pmo.core.api)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.accounts.selectors import active_user
from pmo.core.api import (
    IF_MATCH,
    IF_MATCH_OPTIONAL,
    Day,
    Id,
    Input,
    Pagination,
    expected_version,
    optional_version,
    with_etag,
)
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.portfolio.policies import project_policy

from . import selectors, services
from .models import MAX_UNITS, Decision, LeaveKind, LevelingMode, ResourceKind, RunStatus
from .policies import (
    assignment_policy,
    leave_policy,
    organisation_policy,
    rate_policy,
    resource_policy,
    run_policy,
    skill_policy,
    team_policy,
)

router = Router(tags=["resources"])

def _ref(queryset, pk: int | None, field: str, what: str):
    """The object ``pk`` names among ``queryset`` (None stays None), or a 422 naming the field."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: f"no {what} with id {pk}"})
    return obj


# --- resources ---------------------------------------------------------------------------------------


class SkillHeld(Schema):
    skill: int = Field(..., alias="skill_id")
    name: str
    level: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.skill.name


class ResourceOut(Schema):
    id: int
    kind: ResourceKind
    name: str
    email: str
    user: int | None = Field(None, alias="user_id")
    team: int | None = Field(None, alias="team_id")
    organisation: int | None = Field(None, alias="organisation_id")
    pmo_staff: bool
    max_units: Decimal
    hours_per_day: Decimal
    weekmask: str
    holiday_country: str
    holiday_subdivision: str
    active: bool
    skills: list[SkillHeld]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())


class ResourcePatch(Input):
    kind: ResourceKind = None
    name: str = Field(None, min_length=1, max_length=120)
    email: str = Field(None, max_length=254)
    user: Id | None = None
    team: Id | None = None
    organisation: Id | None = None
    pmo_staff: bool = None
    max_units: Decimal = Field(None, gt=0, le=MAX_UNITS, max_digits=5, decimal_places=2,
                               description="1.00 = one full-time person")
    hours_per_day: Decimal = Field(None, ge=Decimal("0.5"), le=24, max_digits=4, decimal_places=2)
    weekmask: str = Field(None, pattern=r"^[01]{7}$")
    holiday_country: str = Field(None, max_length=2)
    holiday_subdivision: str = Field(None, max_length=10)
    active: bool = None


class ResourceCreate(ResourcePatch):
    name: str = Field(..., min_length=1, max_length=120)


class ResourceFilter(Schema):
    kind: ResourceKind | None = None
    team: Id | None = None
    skill: Id | None = None
    q: str | None = Field(None, max_length=100)


def _resource_fields(request, data: dict) -> dict:
    if "user" in data:
        data["user"] = active_user(data["user"], field="user")
    if "team" in data:
        data["team"] = _ref(team_policy.visible(request.user), data["team"], "team", "team")
    if "organisation" in data:
        data["organisation"] = _ref(organisation_policy.visible(request.user), data["organisation"],
                                    "organisation", "organisation")
    return data


@router.get("/resources", response=list[ResourceOut])
@paginate(Pagination)
def list_resources(request: HttpRequest, filters: Query[ResourceFilter]):
    """The pool: people and generic roles, with their skills."""
    qs = selectors.resources_for(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.skill is not None:
        qs = qs.filter(skills__skill_id=filters.skill)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return qs.order_by("name", "pk")


@router.post("/resources", response={201: ResourceOut})
def create_resource(request: HttpRequest, response: HttpResponse, payload: ResourceCreate):
    resource = services.resource_create(actor=request.user,
                                        **_resource_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, resource)
    return Status(201, resource)


@router.get("/resources/{resource_id}", response=ResourceOut)
def get_resource(request: HttpRequest, response: HttpResponse, resource_id: Id):
    resource = resource_policy.get(request.user, queryset=selectors.resources_for(request.user), pk=resource_id)
    with_etag(response, resource)
    return resource


@router.patch("/resources/{resource_id}", response=ResourceOut, openapi_extra=IF_MATCH)
def update_resource(request: HttpRequest, response: HttpResponse, resource_id: Id, payload: ResourcePatch):
    resource = resource_policy.get(request.user, pk=resource_id)
    version = expected_version(request)
    resource = services.resource_update(actor=request.user, resource=resource, expected_version=version,
                                        **_resource_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, resource)
    return resource


@router.delete("/resources/{resource_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_resource(request: HttpRequest, resource_id: Id):
    resource = resource_policy.get(request.user, pk=resource_id)
    services.resource_delete(actor=request.user, resource=resource, expected_version=expected_version(request))
    return Status(204, None)


class SkillSetIn(Input):
    skill: Id
    level: int = Field(3, ge=1, le=5)


@router.put("/resources/{resource_id}/skills", response=ResourceOut)
def set_resource_skill(request: HttpRequest, response: HttpResponse, resource_id: Id, payload: SkillSetIn):
    """Give the resource a skill at a level (1 basic .. 5 expert), or change the level it has."""
    resource = resource_policy.get(request.user, pk=resource_id)
    skill = _ref(skill_policy.visible(request.user), payload.skill, "skill", "skill")
    services.resource_skill_set(actor=request.user, resource=resource, skill=skill, level=payload.level)
    resource = selectors.resources_for(request.user).get(pk=resource.pk)
    with_etag(response, resource)
    return resource


class LeaveOut(Schema):
    id: int
    resource: int = Field(..., alias="resource_id")
    start: date
    finish: date
    kind: LeaveKind
    note: str
    version: int


class LeaveIn(Input):
    start: Day
    finish: Day
    kind: LeaveKind = LeaveKind.VACATION
    note: str = Field("", max_length=200)


@router.get("/resources/{resource_id}/leave", response=list[LeaveOut])
@paginate(Pagination)
def list_leave(request: HttpRequest, resource_id: Id):
    resource = resource_policy.get(request.user, pk=resource_id)
    return resource.leave.order_by("start", "pk")


@router.post("/resources/{resource_id}/leave", response={201: LeaveOut})
def create_leave(request: HttpRequest, response: HttpResponse, resource_id: Id, payload: LeaveIn):
    """Record leave (start..finish inclusive); leave overlapping the person's other leave is a 422 naming it."""
    resource = resource_policy.get(request.user, pk=resource_id)
    leave = services.leave_create(actor=request.user, resource=resource, **payload.model_dump())
    with_etag(response, leave)
    return Status(201, leave)


@router.delete("/leave/{leave_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_leave(request: HttpRequest, leave_id: Id):
    leave = leave_policy.get(request.user, pk=leave_id)
    services.leave_delete(actor=request.user, leave=leave, expected_version=expected_version(request))
    return Status(204, None)


class CostRateOut(Schema):
    id: int
    resource: int = Field(..., alias="resource_id")
    effective_from: date
    hourly_rate: Decimal
    currency: str
    version: int


class CostRateIn(Input):
    effective_from: Day
    hourly_rate: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")


@router.get("/resources/{resource_id}/rates", response=list[CostRateOut])
@paginate(Pagination)
def list_rates(request: HttpRequest, resource_id: Id):
    """Cost rates, newest first (PMO Director and Analyst only)."""
    resource = resource_policy.get(request.user, pk=resource_id)
    rate_policy.require(request.user, "view", None, "cost rates are for the PMO Director and Analyst")
    return rate_policy.visible(request.user).filter(resource=resource).order_by("-effective_from")


@router.post("/resources/{resource_id}/rates", response={201: CostRateOut})
def create_rate(request: HttpRequest, response: HttpResponse, resource_id: Id, payload: CostRateIn):
    resource = resource_policy.get(request.user, pk=resource_id)
    rate = services.rate_create(actor=request.user, resource=resource, **payload.model_dump())
    with_etag(response, rate)
    return Status(201, rate)


# --- teams, organisations, skills --------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str
    organisation: int | None = Field(None, alias="organisation_id")
    description: str
    version: int


class TeamIn(Input):
    name: str = Field(..., min_length=1, max_length=120)
    organisation: Id | None = None
    description: str = Field("", max_length=2000)


@router.get("/teams", response=list[TeamOut])
@paginate(Pagination)
def list_teams(request: HttpRequest):
    return team_policy.visible(request.user).order_by("name")


@router.post("/teams", response={201: TeamOut})
def create_team(request: HttpRequest, response: HttpResponse, payload: TeamIn):
    data = payload.model_dump()
    data["organisation"] = _ref(organisation_policy.visible(request.user), data["organisation"], "organisation",
                                "organisation")
    team = services.team_create(actor=request.user, **data)
    with_etag(response, team)
    return Status(201, team)


@router.get("/teams/{team_id}", response=TeamOut)
def get_team(request: HttpRequest, response: HttpResponse, team_id: Id):
    team = team_policy.get(request.user, pk=team_id)
    with_etag(response, team)
    return team


class OrganisationOut(Schema):
    id: int
    name: str
    external: bool
    version: int


class OrganisationIn(Input):
    name: str = Field(..., min_length=1, max_length=120)
    external: bool = False


@router.get("/organisations", response=list[OrganisationOut])
@paginate(Pagination)
def list_organisations(request: HttpRequest):
    return organisation_policy.visible(request.user).order_by("name")


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, response: HttpResponse, payload: OrganisationIn):
    organisation = services.organisation_create(actor=request.user, **payload.model_dump())
    with_etag(response, organisation)
    return Status(201, organisation)


class SkillOut(Schema):
    id: int
    name: str
    description: str
    version: int


class SkillIn(Input):
    name: str = Field(..., min_length=1, max_length=80)
    description: str = Field("", max_length=2000)


@router.get("/skills", response=list[SkillOut])
@paginate(Pagination)
def list_skills(request: HttpRequest):
    return skill_policy.visible(request.user).order_by("name")


@router.post("/skills", response={201: SkillOut})
def create_skill(request: HttpRequest, response: HttpResponse, payload: SkillIn):
    skill = services.skill_create(actor=request.user, **payload.model_dump())
    with_etag(response, skill)
    return Status(201, skill)


@router.get("/skills/{skill_id}", response=SkillOut)
def get_skill(request: HttpRequest, response: HttpResponse, skill_id: Id):
    skill = skill_policy.get(request.user, pk=skill_id)
    with_etag(response, skill)
    return skill


# --- assignments -------------------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    task: int = Field(..., alias="task_id")
    project: int
    resource: int = Field(..., alias="resource_id")
    demand: bool = Field(..., alias="is_demand", description="a generic role, not yet filled by a person")
    units: Decimal
    work: Decimal
    effort_driven: bool
    filled_from: int | None = Field(None, alias="filled_from_id")
    note: str
    version: int

    @staticmethod
    def resolve_project(obj) -> int:
        return obj.task.project_id


class AssignmentPatch(Input):
    units: Decimal = Field(None, gt=0, le=MAX_UNITS, max_digits=5, decimal_places=2,
                           description="share of each working day: 1.00 = full time")
    work: Decimal = Field(None, gt=0, max_digits=10, decimal_places=2, description="hours over the whole task")
    effort_driven: bool = None
    note: str = Field(None, max_length=200)


class AssignmentCreate(AssignmentPatch):
    task: Id
    resource: Id


class AssignmentFilter(Schema):
    project: Id | None = None
    task: Id | None = None
    resource: Id | None = None
    demand: bool | None = Field(None, description="true: only open demand (generic roles)")


@router.get("/assignments", response=list[AssignmentOut])
@paginate(Pagination)
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilter]):
    qs = selectors.assignments_for(request.user)
    for name in ("project", "task", "resource"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{"task__project_id" if name == "project" else f"{name}_id": value})
    if filters.demand is not None:
        qs = qs.filter(resource__kind=ResourceKind.ROLE) if filters.demand else \
            qs.exclude(resource__kind=ResourceKind.ROLE)
    return qs.order_by("task_id", "resource__name", "pk")


@router.post("/assignments", response={201: AssignmentOut})
def create_assignment(request: HttpRequest, response: HttpResponse, payload: AssignmentCreate):
    """Assign a person, or a generic role (demand), to a task in units or hours (the other follows)."""
    data = payload.model_dump(exclude_unset=True)
    task = _ref(task_policy.visible(request.user, Task.objects.select_related("project")), data.pop("task"), "task",
                "task")
    resource = _ref(resource_policy.visible(request.user), data.pop("resource"), "resource", "resource")
    assignment = services.assignment_create(actor=request.user, task=task, resource=resource, **data)
    with_etag(response, assignment)
    return Status(201, assignment)


@router.get("/assignments/{assignment_id}", response=AssignmentOut)
def get_assignment(request: HttpRequest, response: HttpResponse, assignment_id: Id):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=assignment_id)
    with_etag(response, assignment)
    return assignment


@router.patch("/assignments/{assignment_id}", response=AssignmentOut, openapi_extra=IF_MATCH)
def update_assignment(request: HttpRequest, response: HttpResponse, assignment_id: Id, payload: AssignmentPatch):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=assignment_id)
    version = expected_version(request)
    assignment = services.assignment_update(actor=request.user, assignment=assignment, expected_version=version,
                                            **payload.model_dump(exclude_unset=True))
    with_etag(response, assignment)
    return assignment


@router.delete("/assignments/{assignment_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_assignment(request: HttpRequest, assignment_id: Id):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=assignment_id)
    services.assignment_delete(actor=request.user, assignment=assignment, expected_version=expected_version(request))
    return Status(204, None)


class FillIn(Input):
    person: Id


@router.post("/assignments/{assignment_id}/fill", response=AssignmentOut, openapi_extra=IF_MATCH_OPTIONAL)
def fill_assignment(request: HttpRequest, response: HttpResponse, assignment_id: Id, payload: FillIn):
    """Fill demand (an assignment of a generic role) with a named person; the work is kept."""
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=assignment_id)
    person = _ref(resource_policy.visible(request.user), payload.person, "person", "person")
    assignment = services.assignment_fill(actor=request.user, assignment=assignment, person=person,
                                          expected_version=optional_version(request, assignment))
    with_etag(response, assignment)
    return assignment


# --- capacity ----------------------------------------------------------------------------------------


class CapacityRowOut(Schema):
    key: str
    label: str
    kind: str
    capacity: list[float]
    load: list[float]
    over_days: list[int]
    demand: list[float] | None = None


class CapacityOut(Schema):
    first: date
    last: date
    grain: str
    group: str
    periods: list[date]
    rows: list[CapacityRowOut]


class CapacityQuery(Schema):
    group: Literal["person", "team", "skill"] = "person"
    grain: Literal["week", "month"] = "month"
    start: Day | None = Field(None, description="first day (default today), rounded back to its week or month")
    periods: int = Field(6, ge=1, le=104, description="weeks or months to show (at most 36 months)")


@router.get("/capacity", response=CapacityOut)
def get_capacity(request: HttpRequest, query: Query[CapacityQuery]):
    """Capacity, load (hours) and over-allocated days per person, team or skill and week or month, across all
    programs (the pool is shared: load of programs the user cannot see counts, unnamed)."""
    periods = min(query.periods, 36) if query.grain == "month" else query.periods
    start = query.start or date.today()
    if not 2000 <= start.year <= 2100:
        raise ValidationError({"start": "must be a date from 2000 to 2100"})
    first, last = selectors.window(start, periods, query.grain)
    result = selectors.capacity(request.user, first=first, last=last, grain=query.grain, group=query.group)
    rows = [{"key": r.key, "label": r.label, "kind": r.kind, "capacity": [round(float(x), 2) for x in r.capacity],
             "load": [round(float(x), 2) for x in r.load], "over_days": [int(x) for x in r.over_days],
             "demand": [round(float(x), 2) for x in r.meta["demand"]] if "demand" in r.meta else None}
            for r in result.rows]
    return {"first": first, "last": last, "grain": query.grain, "group": query.group, "periods": result.buckets,
            "rows": rows}


# --- leveling ----------------------------------------------------------------------------------------


class LevelingRunOut(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    mode: LevelingMode
    time_limit: int
    within_float: bool
    priority_tasks: list[int]
    status: RunStatus
    progress: int
    reason: str
    decision: Decision
    results: dict | None
    version: int
    created_at: datetime


class LevelingRunCreate(Input):
    project: Id
    mode: LevelingMode = LevelingMode.HEURISTIC
    time_limit: int = Field(10, ge=1, le=600, description="seconds")
    within_float: bool = False
    priority_tasks: list[Id] = Field([], max_length=services.MAX_PRIORITY_TASKS)


class LevelingRunFilter(Schema):
    project: Id | None = None


@router.get("/leveling-runs", response=list[LevelingRunOut])
@paginate(Pagination)
def list_leveling_runs(request: HttpRequest, filters: Query[LevelingRunFilter]):
    qs = selectors.runs_for(request.user)
    return qs.filter(project_id=filters.project) if filters.project is not None else qs


@router.post("/leveling-runs", response={202: LevelingRunOut})
def start_leveling(request: HttpRequest, response: HttpResponse, payload: LevelingRunCreate):
    """Queue a leveling of the project (202); poll ``GET /leveling-runs/{id}`` for progress and the proposal."""
    data = payload.model_dump()
    project = _ref(project_policy.visible(request.user), data.pop("project"), "project", "project")
    run = services.leveling_start(actor=request.user, project=project, **data)
    run.refresh_from_db()
    with_etag(response, run)
    return Status(202, run)


@router.get("/leveling-runs/{run_id}", response=LevelingRunOut)
def get_leveling_run(request: HttpRequest, response: HttpResponse, run_id: Id):
    run = run_policy.get(request.user, pk=run_id)
    with_etag(response, run)
    return run


@router.post("/leveling-runs/{run_id}/accept", response=LevelingRunOut, openapi_extra=IF_MATCH_OPTIONAL)
def accept_leveling(request: HttpRequest, response: HttpResponse, run_id: Id):
    """Write the proposal into the plan (start-no-earlier-than constraints on the moved tasks, audited)."""
    run = run_policy.get(request.user, queryset=selectors.runs_for(request.user), pk=run_id)
    run = services.leveling_accept(actor=request.user, run=run, expected_version=optional_version(request, run))
    with_etag(response, run)
    return run


@router.post("/leveling-runs/{run_id}/reject", response=LevelingRunOut, openapi_extra=IF_MATCH_OPTIONAL)
def reject_leveling(request: HttpRequest, response: HttpResponse, run_id: Id):
    run = run_policy.get(request.user, queryset=selectors.runs_for(request.user), pk=run_id)
    run = services.leveling_reject(actor=request.user, run=run, expected_version=optional_version(request, run))
    with_etag(response, run)
    return run

