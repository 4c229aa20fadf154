"""``/api/v1/risks``, ``/issues``, ``/assumptions`` and ``/simulations`` (conventions in pmo.core.api)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
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
from pmo.planning.policies import task_policy
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .models import (
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    AssumptionStatus,
    Distribution,
    EscalationLevel,
    EscalationStatus,
    IssueStatus,
    Priority,
    Rating,
    RiskCategory,
    RiskKind,
    RiskStatus,
    RunStatus,
    Severity,
    Strategy,
    Trend,
)
from .policies import assumption_policy, escalation_policy, issue_policy, risk_policy, run_policy

router = Router(tags=["raid"])

#: tasks one risk or issue may name (a register entry, not a task list)
MAX_LINKED_TASKS = 1000


class RiskOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    description: str
    owner: int | None = Field(None, alias="owner_id")
    cause: str
    event: str
    effect: str
    category: RiskCategory
    status: RiskStatus
    kind: RiskKind
    proximity: date | None
    probability: int
    impact: int
    impacts_schedule: bool
    impacts_cost: bool
    impacts_quality: bool
    impacts_benefits: bool
    score: int
    rating: Rating
    strategy: str
    residual_probability: int | None
    residual_impact: int | None
    residual_score: int | None
    review_date: date | None
    trend: Trend
    probability_pct: Decimal | None
    schedule_min: Decimal | None
    schedule_most_likely: Decimal | None
    schedule_max: Decimal | None
    cost_min: Decimal | None
    cost_most_likely: Decimal | None
    cost_max: Decimal | None
    escalation_level: EscalationLevel
    tasks: list[int]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tasks(obj) -> list[int]:
        return [t.pk for t in obj.tasks.all()]


class RiskPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    owner: Id | None = None
    cause: str = Field(None, max_length=2000)
    event: str = Field(None, max_length=2000)
    effect: str = Field(None, max_length=2000)
    category: RiskCategory = None
    status: RiskStatus = None
    kind: RiskKind = None
    proximity: Day | None = None
    probability: int = Field(None, ge=1, le=5)
    impact: int = Field(None, ge=1, le=5)
    impacts_schedule: bool = None
    impacts_cost: bool = None
    impacts_quality: bool = None
    impacts_benefits: bool = None
    strategy: Strategy | None = None
    residual_probability: int | None = Field(None, ge=1, le=5)
    residual_impact: int | None = Field(None, ge=1, le=5)
    review_date: Day | None = None
    probability_pct: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    schedule_min: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=1)
    schedule_most_likely: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=1)
    schedule_max: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=1)
    cost_min: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    cost_most_likely: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    cost_max: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    tasks: list[Id] = Field(None, max_length=MAX_LINKED_TASKS,
                            description="ids of the planning tasks the risk affects (replaces the links)")


class ScopeIn(Input):
    program: Id | None = Field(None, description="program id (for a program-level item, or with project)")
    project: Id | None = Field(None, description="project id")


class RiskCreate(RiskPatch, ScopeIn):
    title: str = Field(..., min_length=1, max_length=200)


class IssueOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    description: str
    owner: int | None = Field(None, alias="owner_id")
    severity: Severity
    priority: Priority
    status: IssueStatus
    raised_on: date
    due: date | None
    resolution: str
    source_risk: int | None = Field(None, alias="source_risk_id")
    escalation_level: EscalationLevel
    tasks: list[int]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tasks(obj) -> list[int]:
        return [t.pk for t in obj.tasks.all()]


class IssuePatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    owner: Id | None = None
    severity: Severity = None
    priority: Priority = None
    status: IssueStatus = None
    raised_on: Day = None
    due: Day | None = None
    resolution: str = Field(None, max_length=5000)
    tasks: list[Id] = Field(None, max_length=MAX_LINKED_TASKS,
                            description="ids of the planning tasks the issue affects")


class IssueCreate(IssuePatch, ScopeIn):
    title: str = Field(..., min_length=1, max_length=200)


class AssumptionOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    description: str
    owner: int | None = Field(None, alias="owner_id")
    validation_date: date | None
    status: AssumptionStatus
    version: int
    created_at: datetime
    updated_at: datetime


class AssumptionPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    owner: Id | None = None
    validation_date: Day | None = None
    status: AssumptionStatus = None


class AssumptionCreate(AssumptionPatch, ScopeIn):
    title: str = Field(..., min_length=1, max_length=200)


class EstimateOut(Schema):
    task: int = Field(..., alias="task_id")
    min: Decimal
    most_likely: Decimal
    max: Decimal
    distribution: Distribution
    version: int


class EstimateIn(Input):
    min: Decimal = Field(..., ge=0, max_digits=9, decimal_places=2)
    most_likely: Decimal = Field(..., ge=0, max_digits=9, decimal_places=2)
    max: Decimal = Field(..., ge=0, max_digits=9, decimal_places=2)
    distribution: Distribution = Distribution.PERT


class RunOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    iterations: int
    seed: int | None
    target_date: date | None
    status: RunStatus
    reason: str
    progress: int
    results: dict | None
    started_at: datetime | None
    finished_at: datetime | None
    version: int
    created_at: datetime


class RunCreate(ScopeIn):
    iterations: int = Field(10_000, ge=MIN_ITERATIONS, le=MAX_ITERATIONS)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    target_date: Day | None = None


class OccurIn(Input):
    note: str = Field("", max_length=2000)


class EscalationOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    risk: int | None = Field(None, alias="risk_id")
    issue: int | None = Field(None, alias="issue_id")
    from_level: EscalationLevel
    to_level: EscalationLevel
    escalated_by: int | None = Field(None, alias="escalated_by_id")
    reason: str
    escalated_at: datetime
    status: EscalationStatus
    decision: str
    decided_by: int | None = Field(None, alias="decided_by_id")
    decided_at: datetime | None
    version: int


class EscalateIn(Input):
    reason: str = Field(..., min_length=1, max_length=500)


class DecideIn(Input):
    status: EscalationStatus
    decision: str = Field("", max_length=5000)


class EscalationFilter(Schema):
    program: Id | None = None
    status: EscalationStatus | None = None
    to_level: EscalationLevel | None = None


class ScopeFilter(Schema):
    program: Id | None = None
    project: Id | None = None


class RaidFilter(ScopeFilter):
    status: str | None = Field(None, max_length=20)
    q: str | None = Field(None, max_length=200, description="search in the title")


class RunFilter(ScopeFilter):
    status: RunStatus | None = None


def _owner(data: dict) -> dict:
    if "strategy" in data and data["strategy"] is None:
        data["strategy"] = ""
    if "owner" in data:
        data["owner"] = active_user(data["owner"], field="owner")
    return data


def _scope(request, data: dict) -> dict:
    """Replace the program/project ids of a create payload by objects the user can see (422 otherwise)."""
    scope = {}
    program_id, project_id = data.pop("program", None), data.pop("project", None)
    if project_id is not None:
        scope["project"] = project_policy.visible(request.user).filter(pk=project_id).first()
        if scope["project"] is None:
            raise ValidationError({"project": f"no project with id {project_id}"})
    if program_id is not None:
        scope["program"] = program_policy.visible(request.user).filter(pk=program_id).first()
        if scope["program"] is None:
            raise ValidationError({"program": f"no program with id {program_id}"})
    return scope


def _filtered(queryset, filters: ScopeFilter):
    if filters.program is not None:
        queryset = queryset.filter(program_id=filters.program)
    if filters.project is not None:
        queryset = queryset.filter(project_id=filters.project)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if getattr(filters, "q", None):
        queryset = queryset.filter(title__icontains=filters.q)
    return queryset


@router.get("/risks", response=list[RiskOut])
@paginate(Pagination)
def list_risks(request: HttpRequest, filters: Query[RaidFilter]):
    return _filtered(selectors.risks_for(request.user).prefetch_related("tasks"), filters)


@router.post("/risks", response={201: RiskOut})
def create_risk(request: HttpRequest, response: HttpResponse, payload: RiskCreate):
    data = _owner(payload.model_dump(exclude_unset=True))
    risk = services.risk_create(actor=request.user, **_scope(request, data), **data)
    with_etag(response, risk)
    return Status(201, risk)


@router.get("/risks/{risk_id}", response=RiskOut)
def get_risk(request: HttpRequest, response: HttpResponse, risk_id: Id):
    risk = risk_policy.get(request.user, pk=risk_id)
    with_etag(response, risk)
    return risk


@router.patch("/risks/{risk_id}", response=RiskOut, openapi_extra=IF_MATCH)
def update_risk(request: HttpRequest, response: HttpResponse, risk_id: Id, payload: RiskPatch):
    risk = risk_policy.get(request.user, pk=risk_id)
    version = expected_version(request)
    risk = services.risk_update(actor=request.user, risk=risk, expected_version=version,
                                **_owner(payload.model_dump(exclude_unset=True)))
    with_etag(response, risk)
    return risk


@router.delete("/risks/{risk_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_risk(request: HttpRequest, risk_id: Id):
    risk = risk_policy.get(request.user, pk=risk_id)
    services.risk_delete(actor=request.user, risk=risk, expected_version=expected_version(request))
    return Status(204, None)


@router.post("/risks/{risk_id}/occur", response={201: IssueOut}, openapi_extra=IF_MATCH_OPTIONAL)
def occur_risk(request: HttpRequest, response: HttpResponse, risk_id: Id, payload: OccurIn):
    """The risk happened: it is marked occurred and becomes an issue (returned), in one transaction.

    ``If-Match`` is optional here; when sent, a stale version is refused (412)."""
    risk = risk_policy.get(request.user, pk=risk_id)
    issue = services.risk_occur(actor=request.user, risk=risk, expected_version=optional_version(request, risk),
                                note=payload.note)
    with_etag(response, issue)
    return Status(201, issue)


@router.post("/risks/{risk_id}/escalate", response=RiskOut, openapi_extra=IF_MATCH_OPTIONAL)
def escalate_risk(request: HttpRequest, response: HttpResponse, risk_id: Id, payload: EscalateIn):
    """Raise the risk one level (project -> program -> steering committee), saying why."""
    risk = risk_policy.get(request.user, pk=risk_id)
    risk = services.item_escalate(actor=request.user, item=risk, reason=payload.reason,
                                  expected_version=optional_version(request, risk))
    with_etag(response, risk)
    return risk


@router.post("/issues/{issue_id}/escalate", response=IssueOut, openapi_extra=IF_MATCH_OPTIONAL)
def escalate_issue(request: HttpRequest, response: HttpResponse, issue_id: Id, payload: EscalateIn):
    issue = issue_policy.get(request.user, pk=issue_id)
    issue = services.item_escalate(actor=request.user, item=issue, reason=payload.reason,
                                   expected_version=optional_version(request, issue))
    with_etag(response, issue)
    return issue


@router.get("/escalations", response=list[EscalationOut])
@paginate(Pagination)
def list_escalations(request: HttpRequest, filters: Query[EscalationFilter]):
    """Escalations the user can see, newest first (the steering committee's list: ``to_level=steering``)."""
    queryset = selectors.escalations_for(request.user)
    for name in ("status", "to_level"):
        if getattr(filters, name):
            queryset = queryset.filter(**{name: getattr(filters, name)})
    if filters.program is not None:
        queryset = queryset.filter(program_id=filters.program)
    return queryset


@router.post("/escalations/{escalation_id}/decide", response=EscalationOut, openapi_extra=IF_MATCH_OPTIONAL)
def decide_escalation(request: HttpRequest, response: HttpResponse, escalation_id: Id, payload: DecideIn):
    """Acknowledge or decide (with the decision) an escalation; steering-level ones are the committee's."""
    escalation = escalation_policy.get(request.user, pk=escalation_id)
    escalation = services.escalation_decide(actor=request.user, escalation=escalation, status=payload.status,
                                            decision=payload.decision,
                                            expected_version=optional_version(request, escalation))
    with_etag(response, escalation)
    return escalation


@router.get("/issues", response=list[IssueOut])
@paginate(Pagination)
def list_issues(request: HttpRequest, filters: Query[RaidFilter]):
    return _filtered(selectors.issues_for(request.user).prefetch_related("tasks"), filters)


@router.post("/issues", response={201: IssueOut})
def create_issue(request: HttpRequest, response: HttpResponse, payload: IssueCreate):
    data = _owner(payload.model_dump(exclude_unset=True))
    issue = services.issue_create(actor=request.user, **_scope(request, data), **data)
    with_etag(response, issue)
    return Status(201, issue)


@router.get("/issues/{issue_id}", response=IssueOut)
def get_issue(request: HttpRequest, response: HttpResponse, issue_id: Id):
    issue = issue_policy.get(request.user, pk=issue_id)
    with_etag(response, issue)
    return issue


@router.patch("/issues/{issue_id}", response=IssueOut, openapi_extra=IF_MATCH)
def update_issue(request: HttpRequest, response: HttpResponse, issue_id: Id, payload: IssuePatch):
    issue = issue_policy.get(request.user, pk=issue_id)
    version = expected_version(request)
    issue = services.issue_update(actor=request.user, issue=issue, expected_version=version,
                                  **_owner(payload.model_dump(exclude_unset=True)))
    with_etag(response, issue)
    return issue


@router.delete("/issues/{issue_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_issue(request: HttpRequest, issue_id: Id):
    issue = issue_policy.get(request.user, pk=issue_id)
    services.issue_delete(actor=request.user, issue=issue, expected_version=expected_version(request))
    return Status(204, None)


@router.get("/assumptions", response=list[AssumptionOut])
@paginate(Pagination)
def list_assumptions(request: HttpRequest, filters: Query[RaidFilter]):
    return _filtered(selectors.assumptions_for(request.user), filters)


@router.post("/assumptions", response={201: AssumptionOut})
def create_assumption(request: HttpRequest, response: HttpResponse, payload: AssumptionCreate):
    data = _owner(payload.model_dump(exclude_unset=True))
    assumption = services.assumption_create(actor=request.user, **_scope(request, data), **data)
    with_etag(response, assumption)
    return Status(201, assumption)


@router.get("/assumptions/{assumption_id}", response=AssumptionOut)
def get_assumption(request: HttpRequest, response: HttpResponse, assumption_id: Id):
    assumption = assumption_policy.get(request.user, pk=assumption_id)
    with_etag(response, assumption)
    return assumption


@router.patch("/assumptions/{assumption_id}", response=AssumptionOut, openapi_extra=IF_MATCH)
def update_assumption(request: HttpRequest, response: HttpResponse, assumption_id: Id, payload: AssumptionPatch):
    assumption = assumption_policy.get(request.user, pk=assumption_id)
    version = expected_version(request)
    assumption = services.assumption_update(actor=request.user, assumption=assumption, expected_version=version,
                                            **_owner(payload.model_dump(exclude_unset=True)))
    with_etag(response, assumption)
    return assumption


@router.delete("/assumptions/{assumption_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_assumption(request: HttpRequest, assumption_id: Id):
    assumption = assumption_policy.get(request.user, pk=assumption_id)
    services.assumption_delete(actor=request.user, assumption=assumption,
                               expected_version=expected_version(request))
    return Status(204, None)


@router.get("/estimates/{task_id}", response=EstimateOut)
def get_estimate(request: HttpRequest, response: HttpResponse, task_id: Id):
    """A task's three-point duration estimate (404 when it has none: its duration is the most likely value)."""
    task = task_policy.get(request.user, pk=task_id)
    estimate = getattr(task, "estimate", None)
    if estimate is None:
        raise Http404("no estimate")
    with_etag(response, estimate)
    return estimate


@router.put("/estimates/{task_id}", response=EstimateOut)
def set_estimate(request: HttpRequest, response: HttpResponse, task_id: Id, payload: EstimateIn):
    """Create or replace a task's three-point estimate (min <= most likely <= max working days)."""
    task = task_policy.get(request.user, pk=task_id)
    estimate = services.estimate_set(actor=request.user, task=task, **payload.model_dump())
    with_etag(response, estimate)
    return estimate


@router.get("/simulations", response=list[RunOut])
@paginate(Pagination)
def list_simulations(request: HttpRequest, filters: Query[RunFilter]):
    return _filtered(selectors.runs_for(request.user), filters)


@router.post("/simulations", response={202: RunOut})
def start_simulation(request: HttpRequest, response: HttpResponse, payload: RunCreate):
    """Queue a Monte Carlo run (202); poll ``GET /simulations/{id}`` for status, progress and results."""
    data = payload.model_dump(exclude_unset=True)
    run = services.simulation_start(actor=request.user, **_scope(request, data), **data)
    run.refresh_from_db()
    with_etag(response, run)
    return Status(202, run)


@router.get("/simulations/{run_id}", response=RunOut)
def get_simulation(request: HttpRequest, response: HttpResponse, run_id: Id):
    run = run_policy.get(request.user, pk=run_id)
    with_etag(response, run)
    return run
