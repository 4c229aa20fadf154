"""``/api/v1/`` tasks, dependencies, calendars, baselines, interfaces and scheduling."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
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
from pmo.engine import limits
from pmo.portfolio.policies import program_policy, project_policy

from . import checks, selectors, services
from .models import ConstraintType, InterfaceStatus, LinkType
from .policies import baseline_policy, calendar_policy, dependency_policy, interface_policy, task_policy

router = Router(tags=["planning"])

DAYS = {"max_digits": 9, "decimal_places": 2}
MAX_ORDER = 10**6
PLANNING_DATE = {"ge": limits.EARLIEST_DATE, "le": limits.LATEST_DATE}


class TaskOut(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    parent: int | None = Field(None, alias="parent_id")
    order: int
    wbs: str
    code: str
    name: str
    is_milestone: bool
    is_summary: bool
    duration: Decimal
    elapsed: bool
    constraint_type: ConstraintType
    constraint_date: date | None
    deadline: date | None
    calendar: int | None = Field(None, alias="calendar_id")
    actual_start: date | None
    actual_finish: date | None
    percent_complete: Decimal
    remaining: Decimal | None
    work: Decimal | None
    cost: Decimal | None
    owner: int | None = Field(None, alias="owner_id")
    start: date | None
    finish: date | None
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_float: float | None
    free_float: float | None
    is_critical: bool
    version: int
    created_at: datetime
    updated_at: datetime


class TaskPatch(Input):
    parent: Id | None = None
    order: int = Field(None, ge=0, le=MAX_ORDER)
    code: str = Field(None, max_length=40)
    name: str = Field(None, min_length=1, max_length=200)
    is_milestone: bool = None
    duration: Decimal = Field(None, ge=0, le=100000, **DAYS)
    elapsed: bool = None
    constraint_type: ConstraintType = None
    constraint_date: Day | None = Field(None, **PLANNING_DATE)
    deadline: Day | None = Field(None, **PLANNING_DATE)
    calendar: Id | None = None
    actual_start: Day | None = Field(None, **PLANNING_DATE)
    actual_finish: Day | None = Field(None, **PLANNING_DATE)
    percent_complete: Decimal = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    remaining: Decimal | None = Field(None, ge=0, **DAYS)
    work: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    cost: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    owner: Id | None = None


class TaskCreate(TaskPatch):
    name: str = Field(..., min_length=1, max_length=200)


class DependencyOut(Schema):
    id: int
    predecessor: int = Field(..., alias="predecessor_id")
    successor: int = Field(..., alias="successor_id")
    type: LinkType
    lag: Decimal
    elapsed: bool
    version: int
    created_at: datetime
    updated_at: datetime


class DependencyPatch(Input):
    type: LinkType = None
    lag: Decimal = Field(None, ge=-100000, le=100000, **DAYS)
    elapsed: bool = None


class DependencyCreate(DependencyPatch):
    predecessor: Id
    successor: Id
    type: LinkType = LinkType.FS
    lag: Decimal = Field(Decimal(0), ge=-100000, le=100000, **DAYS)
    elapsed: bool = False


class CalendarExceptionOut(Schema):
    start: date
    finish: date
    working: bool
    name: str


class CalendarExceptionIn(Input):
    """Days ``start..finish`` (inclusive; one day without ``finish``) off, or extra working days."""

    start: Day = Field(..., **PLANNING_DATE)
    finish: Day | None = Field(None, **PLANNING_DATE, description="the last day (inclusive); default: start")
    working: bool = False
    name: str = Field("", max_length=120)


class CalendarOut(Schema):
    id: int
    project: int | None = Field(None, alias="project_id")
    name: str
    weekmask: str
    working_times: str
    holiday_country: str
    holiday_subdivision: str
    exceptions: list[CalendarExceptionOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_exceptions(obj):
        return list(obj.exceptions.all())


class CalendarPatch(Input):
    name: str = Field(None, min_length=1, max_length=120)
    weekmask: str = Field(None, pattern=r"^[01]{7}$")
    working_times: str = Field(None, max_length=200)
    holiday_country: str = Field(None, max_length=2)
    holiday_subdivision: str = Field(None, max_length=10)
    exceptions: list[CalendarExceptionIn] = Field(
        None, max_length=limits.MAX_CALENDAR_EXCEPTIONS,
        description="replaces every exception; entries may not overlap")


class CalendarCreate(CalendarPatch):
    project: Id | None = None
    name: str = Field(..., min_length=1, max_length=120)


class BaselineTaskOut(Schema):
    task: int | None = Field(None, alias="task_id")
    name: str
    start: date | None
    finish: date | None
    duration: Decimal
    work: Decimal | None
    cost: Decimal | None


class BaselineOut(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    name: str
    set_by: int | None = Field(None, alias="set_by_id")
    version: int
    created_at: datetime


class BaselineDetail(BaselineOut):
    tasks: list[BaselineTaskOut]

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.all())


class BaselineCreate(Input):
    name: str = Field("", max_length=120)


class InterfaceOut(Schema):
    id: int
    provider: int = Field(..., alias="provider_id")
    consumer: int = Field(..., alias="consumer_id")
    title: str
    description: str
    need_by: date | None
    provider_task: int | None = Field(None, alias="provider_task_id")
    consumer_task: int | None = Field(None, alias="consumer_task_id")
    status: InterfaceStatus
    owner: int | None = Field(None, alias="owner_id")
    forecast: date | None
    late: bool
    acknowledged_by: int | None = Field(None, alias="acknowledged_by_id")
    acknowledged_at: datetime | None
    consumer_note: str
    version: int
    created_at: datetime
    updated_at: datetime


class InterfacePatch(Input):
    provider: Id = None
    consumer: Id = None
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    need_by: Day | None = None
    provider_task: Id | None = None
    consumer_task: Id | None = None
    status: InterfaceStatus = None
    owner: Id | None = None


class InterfaceCreate(InterfacePatch):
    provider: Id
    consumer: Id
    title: str = Field(..., min_length=1, max_length=200)


class AcknowledgeIn(Input):
    note: str = Field("", max_length=2000)


class ScheduledTask(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    wbs: str
    name: str
    start: date | None
    finish: date | None
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_float: float | None
    free_float: float | None
    is_critical: bool
    is_milestone: bool
    is_summary: bool


class SlipOut(Schema):
    task: int
    project: Id
    name: str
    before: date | None
    after: date | None
    days: int | None


class ScheduleOut(Schema):
    start: date
    finish: date | None
    critical_path: list[int]
    tasks: list[ScheduledTask]
    slips: list[SlipOut]


class FindingOut(Schema):
    kind: str
    severity: str
    task: int | None
    project: int | None
    message: str


def _visible_task(request, pk: int | None, field: str):
    if pk is None:
        return None
    task = task_policy.visible(request.user).select_related("project").filter(pk=pk).first()
    if task is None:
        raise ValidationError({field: f"no task with id {pk}"})
    return task


def _visible_project(request, pk: int | None, field: str):
    if pk is None:
        return None
    project = project_policy.visible(request.user).filter(pk=pk).first()
    if project is None:
        raise ValidationError({field: f"no project with id {pk}"})
    return project


def _task_fields(request, data: dict) -> dict:
    if "parent" in data:
        data["parent"] = _visible_task(request, data["parent"], "parent")
    if "owner" in data:
        data["owner"] = active_user(data["owner"], field="owner")
    if "calendar" in data and data["calendar"] is not None:
        calendar = calendar_policy.visible(request.user).filter(pk=data["calendar"]).first()
        if calendar is None:
            raise ValidationError({"calendar": f"no calendar with id {data['calendar']}"})
        data["calendar"] = calendar
    return data


def _interface_fields(request, data: dict) -> dict:
    for name in ("provider", "consumer"):
        if name in data:
            data[name] = _visible_project(request, data[name], name)
    for name in ("provider_task", "consumer_task"):
        if name in data:
            data[name] = _visible_task(request, data[name], name)
    if "owner" in data:
        data["owner"] = active_user(data["owner"], field="owner")
    return data


def _schedule_out(result: services.ScheduleResult) -> dict:
    return {
        "start": result.start,
        "finish": result.finish,
        "critical_path": [t.pk for t in result.critical_path],
        "tasks": result.tasks,
        "slips": [{"task": s.task.pk, "project": s.task.project_id, "name": s.task.name, "before": s.before,
                   "after": s.after, "days": s.days} for s in result.slips],
    }


# --- tasks -------------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/tasks", response=list[TaskOut])
@paginate(Pagination)
def list_tasks(request: HttpRequest, project_id: Id):
    project = project_policy.get(request.user, pk=project_id)
    return selectors.tasks_of(request.user, project)


@router.post("/projects/{project_id}/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, response: HttpResponse, project_id: Id, payload: TaskCreate):
    project = project_policy.get(request.user, pk=project_id)
    task = services.task_create(actor=request.user, project=project,
                                **_task_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, task)
    return Status(201, task)


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, response: HttpResponse, task_id: Id):
    task = task_policy.get(request.user, pk=task_id)
    with_etag(response, task)
    return task


@router.patch("/tasks/{task_id}", response=TaskOut, openapi_extra=IF_MATCH)
def update_task(request: HttpRequest, response: HttpResponse, task_id: Id, payload: TaskPatch):
    task = task_policy.get(request.user, queryset=selectors.task_queryset(), pk=task_id)
    version = expected_version(request)
    task = services.task_update(actor=request.user, task=task, expected_version=version,
                                **_task_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, task)
    return task


@router.delete("/tasks/{task_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_task(request: HttpRequest, task_id: Id):
    task = task_policy.get(request.user, queryset=selectors.task_queryset(), pk=task_id)
    services.task_delete(actor=request.user, task=task, expected_version=expected_version(request))
    return Status(204, None)


# --- dependencies ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/dependencies", response=list[DependencyOut])
@paginate(Pagination)
def list_dependencies(request: HttpRequest, project_id: Id):
    project = project_policy.get(request.user, pk=project_id)
    return selectors.dependencies_of(request.user, project)


@router.post("/dependencies", response={201: DependencyOut})
def create_dependency(request: HttpRequest, response: HttpResponse, payload: DependencyCreate):
    data = payload.model_dump()
    dependency = services.dependency_create(
        actor=request.user, predecessor=_visible_task(request, data.pop("predecessor"), "predecessor"),
        successor=_visible_task(request, data.pop("successor"), "successor"), **data)
    with_etag(response, dependency)
    return Status(201, dependency)


@router.get("/dependencies/{dependency_id}", response=DependencyOut)
def get_dependency(request: HttpRequest, response: HttpResponse, dependency_id: Id):
    dependency = dependency_policy.get(request.user, pk=dependency_id)
    with_etag(response, dependency)
    return dependency


@router.patch("/dependencies/{dependency_id}", response=DependencyOut, openapi_extra=IF_MATCH)
def update_dependency(request: HttpRequest, response: HttpResponse, dependency_id: Id, payload: DependencyPatch):
    dependency = dependency_policy.get(request.user, queryset=selectors.dependency_queryset(), pk=dependency_id)
    version = expected_version(request)
    dependency = services.dependency_update(actor=request.user, dependency=dependency, expected_version=version,
                                            **payload.model_dump(exclude_unset=True))
    with_etag(response, dependency)
    return dependency


@router.delete("/dependencies/{dependency_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_dependency(request: HttpRequest, dependency_id: Id):
    dependency = dependency_policy.get(request.user, queryset=selectors.dependency_queryset(), pk=dependency_id)
    services.dependency_delete(actor=request.user, dependency=dependency, expected_version=expected_version(request))
    return Status(204, None)


# --- calendars ---------------------------------------------------------------------------------------


@router.get("/calendars", response=list[CalendarOut])
@paginate(Pagination)
def list_calendars(request: HttpRequest):
    return calendar_policy.visible(request.user).prefetch_related("exceptions").order_by("pk")


@router.post("/calendars", response={201: CalendarOut})
def create_calendar(request: HttpRequest, response: HttpResponse, payload: CalendarCreate):
    data = payload.model_dump(exclude_unset=True)
    project = _visible_project(request, data.pop("project", None), "project")
    exceptions = data.pop("exceptions", None)
    calendar = services.calendar_create(actor=request.user, project=project, exceptions=exceptions, **data)
    with_etag(response, calendar)
    return Status(201, calendar)


@router.get("/calendars/{calendar_id}", response=CalendarOut)
def get_calendar(request: HttpRequest, response: HttpResponse, calendar_id: Id):
    calendar = calendar_policy.get(request.user, pk=calendar_id)
    with_etag(response, calendar)
    return calendar


@router.patch("/calendars/{calendar_id}", response=CalendarOut, openapi_extra=IF_MATCH)
def update_calendar(request: HttpRequest, response: HttpResponse, calendar_id: Id, payload: CalendarPatch):
    calendar = calendar_policy.get(request.user, pk=calendar_id)
    version = expected_version(request)
    data = payload.model_dump(exclude_unset=True)
    exceptions = data.pop("exceptions", None)
    calendar = services.calendar_update(actor=request.user, calendar=calendar, expected_version=version,
                                        exceptions=exceptions, **data)
    with_etag(response, calendar)
    return calendar


# --- baselines ---------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/baselines", response=list[BaselineOut])
@paginate(Pagination)
def list_baselines(request: HttpRequest, project_id: Id):
    project = project_policy.get(request.user, pk=project_id)
    return baseline_policy.visible(request.user).filter(project=project)


@router.post("/projects/{project_id}/baselines", response={201: BaselineOut})
def create_baseline(request: HttpRequest, response: HttpResponse, project_id: Id, payload: BaselineCreate):
    project = project_policy.get(request.user, pk=project_id)
    baseline = services.baseline_create(actor=request.user, project=project, name=payload.name)
    with_etag(response, baseline)
    return Status(201, baseline)


@router.get("/baselines/{baseline_id}", response=BaselineDetail)
def get_baseline(request: HttpRequest, response: HttpResponse, baseline_id: Id):
    baseline = baseline_policy.get(request.user, queryset=selectors.baseline_queryset(), pk=baseline_id)
    with_etag(response, baseline)
    return baseline


# --- interfaces --------------------------------------------------------------------------------------


@router.get("/interfaces", response=list[InterfaceOut])
@paginate(Pagination)
def list_interfaces(request: HttpRequest, project: Id | None = None):
    return selectors.interfaces_for(request.user, project_id=project)


@router.post("/interfaces", response={201: InterfaceOut})
def create_interface(request: HttpRequest, response: HttpResponse, payload: InterfaceCreate):
    interface = services.interface_create(actor=request.user,
                                          **_interface_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, interface)
    return Status(201, interface)


@router.get("/interfaces/{interface_id}", response=InterfaceOut)
def get_interface(request: HttpRequest, response: HttpResponse, interface_id: Id):
    interface = interface_policy.get(request.user, queryset=selectors.interface_queryset(), pk=interface_id)
    with_etag(response, interface)
    return interface


@router.patch("/interfaces/{interface_id}", response=InterfaceOut, openapi_extra=IF_MATCH)
def update_interface(request: HttpRequest, response: HttpResponse, interface_id: Id, payload: InterfacePatch):
    interface = interface_policy.get(request.user, queryset=selectors.interface_queryset(), pk=interface_id)
    version = expected_version(request)
    interface = services.interface_update(actor=request.user, interface=interface, expected_version=version,
                                          **_interface_fields(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, interface)
    return interface


@router.post("/interfaces/{interface_id}/acknowledge", response=InterfaceOut, openapi_extra=IF_MATCH_OPTIONAL)
def acknowledge_interface(request: HttpRequest, response: HttpResponse, interface_id: Id, payload: AcknowledgeIn):
    """The consumer's side acknowledges the interface (a delivered one becomes accepted); If-Match optional."""
    interface = interface_policy.get(request.user, queryset=selectors.interface_queryset(), pk=interface_id)
    interface = services.interface_acknowledge(actor=request.user, interface=interface, note=payload.note,
                                               expected_version=optional_version(request, interface))
    with_etag(response, interface)
    return interface


@router.delete("/interfaces/{interface_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_interface(request: HttpRequest, interface_id: Id):
    interface = interface_policy.get(request.user, queryset=selectors.interface_queryset(), pk=interface_id)
    services.interface_delete(actor=request.user, interface=interface, expected_version=expected_version(request))
    return Status(204, None)


# --- scheduling --------------------------------------------------------------------------------------


@router.post("/projects/{project_id}/schedule", response=ScheduleOut)
def schedule_project(request: HttpRequest, project_id: Id):
    """Reschedule the project: computed dates, floats (working days) and the critical path (task ids)."""
    project = project_policy.get(request.user, pk=project_id)
    return _schedule_out(services.project_reschedule(actor=request.user, project=project))


@router.post("/programs/{program_id}/schedule", response=ScheduleOut)
def schedule_program(request: HttpRequest, program_id: Id):
    """The integrated master schedule of every project of the program; ``slips`` lists moved milestones."""
    program = program_policy.get(request.user, pk=program_id)
    return _schedule_out(services.program_reschedule(actor=request.user, program=program))


@router.get("/projects/{project_id}/consistency", response=list[FindingOut])
def project_consistency(request: HttpRequest, project_id: Id):
    """Open ends, constraint conflicts, negative float, late milestones, links to closed projects."""
    project = project_policy.get(request.user, pk=project_id)
    return [f.as_dict() for f in checks.project_findings(project)]
