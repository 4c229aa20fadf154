"""``/api/v1/quality-plans``, ``/quality-roles``, ``/quality-criteria``, ``/quality-reviews`` (and a review's
``/results``), ``/nonconformances`` (and their ``/transition``), ``/corrective-actions``, ``/acceptances`` of
deliverables, and the quality of a program or project (``/programs/{id}/quality``, ``/projects/{id}/quality``:
metrics and gate criteria status). Conventions in pmo.core.api.

Results are ``pass``, ``fail`` or ``not_assessed``; a non-conformance moves open -> action -> verified -> closed
(verified -> action when the actions did not work): a move that is not allowed, or lacks what it needs (root
cause, a corrective action, every action done, the verification text), is a 422 naming the field.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.core.api import (
    IF_MATCH,
    IF_MATCH_OPTIONAL,
    Day,
    Id,
    Input,
    Pagination,
    expected_version,
    filtered,
    in_subset,
    visible_in_body,
    with_etag,
)
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .hooks import deliverable_policy
from .models import (
    MAX_REWORK_HOURS,
    AcceptanceDecision,
    ActionKind,
    CorrectiveActionStatus,
    CriterionResult,
    NcSeverity,
    NcStatus,
    Responsibility,
    ReviewKind,
    ReviewStatus,
)
from .policies import (
    acceptance_policy,
    corrective_action_policy,
    criterion_policy,
    nc_policy,
    plan_policy,
    review_policy,
    role_policy,
)

router = Router(tags=["quality"])


# --- schemas ----------------------------------------------------------------------------------------------

class QualityRoleOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    user: int = Field(..., alias="user_id")
    responsibility: Responsibility
    note: str
    version: int


class QualityPlanOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    standards: str
    approach: str
    roles: list[QualityRoleOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_roles(obj) -> list:
        return list(obj.roles.all())


class QualityPlanPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    standards: str = Field(None, max_length=4000)
    approach: str = Field(None, max_length=4000)


class QualityPlanCreate(QualityPlanPatch):
    program: Id
    project: Id | None = Field(None, description="a project of the program; empty for the program's own plan")


class QualityPlanFilter(Schema):
    program: Id | None = None
    project: Id | None = None


class QualityRoleCreate(Input):
    plan: Id
    user: Id
    responsibility: Responsibility
    note: str = Field("", max_length=200)


class QualityCriterionOut(Schema):
    id: int
    ref: str
    plan: int = Field(..., alias="plan_id")
    deliverable: int | None = Field(None, alias="deliverable_id")
    name: str
    description: str
    target: str
    mandatory: bool
    gate: bool
    status: CriterionResult
    assessed_on: date | None
    version: int


DeliverableRef = Field(None, description="a deliverable (change app) in the plan's scope, or null")


class QualityCriterionPatch(Input):
    deliverable: Id | None = DeliverableRef
    name: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=2000)
    target: str = Field(None, max_length=200)
    mandatory: bool = None
    gate: bool = Field(None, description="counts as evidence at governance gates")


class QualityCriterionCreate(QualityCriterionPatch):
    plan: Id
    name: str = Field(..., min_length=1, max_length=200)


class QualityCriterionFilter(Schema):
    plan: Id | None = None
    deliverable: Id | None = None
    program: Id | None = None
    project: Id | None = None
    status: CriterionResult | None = None
    gate: bool | None = None


class ReviewResultOut(Schema):
    id: int
    criterion: int = Field(..., alias="criterion_id")
    result: CriterionResult
    findings: str
    reviewer: int | None = Field(None, alias="reviewer_id")
    date: date


class QualityReviewOut(Schema):
    id: int
    ref: str
    plan: int = Field(..., alias="plan_id")
    deliverable: int | None = Field(None, alias="deliverable_id")
    kind: ReviewKind
    title: str
    planned_on: date
    held_on: date | None
    reviewer: int | None = Field(None, alias="reviewer_id")
    status: ReviewStatus
    summary: str
    results: list[ReviewResultOut]
    version: int

    @staticmethod
    def resolve_results(obj) -> list:
        return list(obj.results.all())


class QualityReviewPatch(Input):
    deliverable: Id | None = DeliverableRef
    kind: ReviewKind = None
    title: str = Field(None, min_length=1, max_length=200)
    planned_on: Day = None
    reviewer: Id | None = None
    status: ReviewStatus = Field(None, description="planned or cancelled (a review is held by recording results)")
    summary: str = Field(None, max_length=4000)


class QualityReviewCreate(QualityReviewPatch):
    plan: Id
    title: str = Field(..., min_length=1, max_length=200)
    planned_on: Day


class QualityReviewFilter(Schema):
    plan: Id | None = None
    deliverable: Id | None = None
    program: Id | None = None
    status: ReviewStatus | None = None


class ReviewResultIn(Input):
    criterion: Id
    result: CriterionResult
    findings: str = Field("", max_length=2000)


class ReviewRecord(Input):
    held_on: Day = Field(None, description="default today")
    reviewer: Id | None = Field(None, description="default the review's reviewer, else you")
    summary: str = Field(None, max_length=4000)
    results: list[ReviewResultIn] = Field(..., min_length=1, max_length=services.MAX_RESULTS)


class NonConformanceOut(Schema):
    id: int
    ref: str
    plan: int = Field(..., alias="plan_id")
    title: str
    description: str
    severity: NcSeverity
    detected_on: date
    owner: int | None = Field(None, alias="owner_id")
    criterion: int | None = Field(None, alias="criterion_id")
    review: int | None = Field(None, alias="review_id")
    deliverable: int | None = Field(None, alias="deliverable_id")
    root_cause: str
    status: NcStatus
    verification: str
    verified_by: int | None = Field(None, alias="verified_by_id")
    verified_on: date | None
    closed_on: date | None
    rework_hours: Decimal
    version: int


Hours = Field(None, ge=0, le=MAX_REWORK_HOURS, max_digits=8, decimal_places=1, description="hours of rework")


class NonConformancePatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=4000)
    severity: NcSeverity = None
    detected_on: Day = None
    owner: Id | None = Field(None, description="user id of whoever is assigned to resolve it")
    criterion: Id | None = None
    review: Id | None = None
    deliverable: Id | None = DeliverableRef
    root_cause: str = Field(None, max_length=4000)
    rework_hours: Decimal = Hours


class NonConformanceCreate(NonConformancePatch):
    plan: Id
    title: str = Field(..., min_length=1, max_length=200)


class NonConformanceFilter(Schema):
    plan: Id | None = None
    deliverable: Id | None = None
    program: Id | None = None
    status: NcStatus | None = None
    severity: NcSeverity | None = None
    owner: Id | None = None
    q: str | None = Field(None, max_length=200, description="search in title, description, root cause")


class NonConformanceMove(Input):
    to: NcStatus
    verification: str = Field(None, max_length=2000, description="how the effectiveness was verified (to verified)")


class CorrectiveActionOut(Schema):
    id: int
    ref: str
    nonconformance: int = Field(..., alias="nonconformance_id")
    kind: ActionKind
    description: str
    owner: int | None = Field(None, alias="owner_id")
    due: date | None
    status: CorrectiveActionStatus
    done_on: date | None
    overdue: bool
    version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(selectors.today())


class CorrectiveActionPatch(Input):
    kind: ActionKind = None
    description: str = Field(None, min_length=1, max_length=500)
    owner: Id | None = None
    due: Day | None = None
    status: CorrectiveActionStatus = None
    done_on: Day | None = None


class CorrectiveActionCreate(CorrectiveActionPatch):
    nonconformance: Id
    description: str = Field(..., min_length=1, max_length=500)


class CorrectiveActionFilter(Schema):
    nonconformance: Id | None = None
    owner: Id | None = None
    overdue: bool | None = None


class AcceptanceOut(Schema):
    id: int
    ref: str
    deliverable: int = Field(..., alias="deliverable_id")
    decision: AcceptanceDecision
    decided_by: int = Field(..., alias="decided_by_id")
    decided_on: date
    note: str
    first_decision: bool
    version: int


class AcceptanceCreate(Input):
    deliverable: Id
    decision: AcceptanceDecision
    note: str = Field("", max_length=2000)


class AcceptanceFilter(Schema):
    deliverable: Id | None = None
    program: Id | None = None
    project: Id | None = None


class AgeBandOut(Schema):
    band: str
    minor: int
    major: int
    critical: int


class CriteriaStatusOut(Schema):
    met: int
    not_met: int
    open: int
    failing: list[int] = Field(..., description="ids of the failed criteria")
    unassessed: list[int]


class QualityMetricsOut(Schema):
    first_pass_decided: int = Field(..., description="deliverables with an acceptance decision")
    first_pass_accepted: int = Field(..., description="of those, accepted at their first decision")
    first_pass_rate: float | None = Field(..., description="first-pass acceptance rate, 0..1 (null: none decided)")
    open_nonconformances: int
    open_by_age: list[AgeBandOut]
    rework_hours: Decimal
    rework_days: Decimal = Field(..., description="rework hours / 8")
    criteria: dict[str, int] = Field(..., description="criteria per status (pass, fail, not_assessed)")
    overdue_actions: int
    gate_criteria: CriteriaStatusOut


# --- plans and roles --------------------------------------------------------------------------------------

@router.get("/quality-plans", response=list[QualityPlanOut])
@paginate(Pagination)
def list_quality_plans(request: HttpRequest, filters: Query[QualityPlanFilter]):
    """Quality plans of the programs and projects you see."""
    rows = selectors.plans_for(request.user).prefetch_related("roles").order_by("program_id", "project_id", "pk")
    return filtered(rows, filters, {"program": "program_id", "project": "project_id"})


@router.post("/quality-plans", response={201: QualityPlanOut})
def create_quality_plan(request: HttpRequest, response: HttpResponse, payload: QualityPlanCreate):
    """The quality plan of a program (no ``project``) or of one of its projects: one each."""
    data = payload.model_dump(exclude_unset=True)
    program = visible_in_body(program_policy.visible(request.user), data.pop("program"), "program", "program")
    project = data.pop("project", None)
    if project is not None:
        project = visible_in_body(project_policy.visible(request.user), project, "project", "project")
    plan = services.plan_create(actor=request.user, program=program, project=project, **data)
    with_etag(response, plan)
    return Status(201, plan)


@router.get("/quality-plans/{plan_id}", response=QualityPlanOut)
def get_quality_plan(request: HttpRequest, response: HttpResponse, plan_id: Id):
    plan = plan_policy.get(request.user, pk=plan_id)
    with_etag(response, plan)
    return plan


@router.patch("/quality-plans/{plan_id}", response=QualityPlanOut, openapi_extra=IF_MATCH)
def update_quality_plan(request: HttpRequest, response: HttpResponse, plan_id: Id, payload: QualityPlanPatch):
    plan = plan_policy.get(request.user, pk=plan_id)
    plan = services.plan_update(actor=request.user, plan=plan, expected_version=expected_version(request),
                                **payload.model_dump(exclude_unset=True))
    with_etag(response, plan)
    return plan


@router.post("/quality-roles", response={201: QualityRoleOut})
def create_quality_role(request: HttpRequest, response: HttpResponse, payload: QualityRoleCreate):
    """Name who reviews, approves, audits or leads quality in a plan's scope."""
    data = payload.model_dump(exclude_unset=True)
    plan = visible_in_body(plan_policy.visible(request.user), data.pop("plan"), "plan", "quality plan")
    role = services.role_create(actor=request.user, plan=plan, **data)
    with_etag(response, role)
    return Status(201, role)


@router.delete("/quality-roles/{role_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_quality_role(request: HttpRequest, role_id: Id):
    role = role_policy.get(request.user, pk=role_id)
    services.role_delete(actor=request.user, role=role, expected_version=expected_version(request))
    return Status(204, None)


# --- criteria ---------------------------------------------------------------------------------------------

@router.get("/quality-criteria", response=list[QualityCriterionOut])
@paginate(Pagination)
def list_quality_criteria(request: HttpRequest, filters: Query[QualityCriterionFilter]):
    return filtered(selectors.criteria_for(request.user).order_by("plan_id", "pk"), filters, {
        "plan": "plan_id", "program": "plan__program_id", "project": "plan__project_id", "status": "status",
        "gate": "gate", "deliverable": "deliverable_id"})


@router.post("/quality-criteria", response={201: QualityCriterionOut})
def create_quality_criterion(request: HttpRequest, response: HttpResponse, payload: QualityCriterionCreate):
    data = payload.model_dump(exclude_unset=True)
    plan = visible_in_body(plan_policy.visible(request.user), data.pop("plan"), "plan", "quality plan")
    criterion = services.criterion_create(actor=request.user, plan=plan, **data)
    with_etag(response, criterion)
    return Status(201, criterion)


@router.get("/quality-criteria/{criterion_id}", response=QualityCriterionOut)
def get_quality_criterion(request: HttpRequest, response: HttpResponse, criterion_id: Id):
    criterion = criterion_policy.get(request.user, pk=criterion_id)
    with_etag(response, criterion)
    return criterion


@router.patch("/quality-criteria/{criterion_id}", response=QualityCriterionOut, openapi_extra=IF_MATCH)
def update_quality_criterion(request: HttpRequest, response: HttpResponse, criterion_id: Id,
                             payload: QualityCriterionPatch):
    criterion = criterion_policy.get(request.user, pk=criterion_id)
    criterion = services.criterion_update(actor=request.user, criterion=criterion,
                                          expected_version=expected_version(request),
                                          **payload.model_dump(exclude_unset=True))
    with_etag(response, criterion)
    return criterion


@router.delete("/quality-criteria/{criterion_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_quality_criterion(request: HttpRequest, criterion_id: Id):
    """Delete a criterion no review has assessed (else a 422: results are the quality record)."""
    criterion = criterion_policy.get(request.user, pk=criterion_id)
    services.criterion_delete(actor=request.user, criterion=criterion, expected_version=expected_version(request))
    return Status(204, None)


# --- reviews ----------------------------------------------------------------------------------------------

@router.get("/quality-reviews", response=list[QualityReviewOut])
@paginate(Pagination)
def list_quality_reviews(request: HttpRequest, filters: Query[QualityReviewFilter]):
    rows = selectors.reviews_for(request.user).prefetch_related("results").order_by("planned_on", "pk")
    return filtered(rows, filters, {"plan": "plan_id", "program": "plan__program_id", "status": "status",
                                     "deliverable": "deliverable_id"})


@router.post("/quality-reviews", response={201: QualityReviewOut})
def create_quality_review(request: HttpRequest, response: HttpResponse, payload: QualityReviewCreate):
    """Plan a review, inspection, audit or test."""
    data = payload.model_dump(exclude_unset=True)
    plan = visible_in_body(plan_policy.visible(request.user), data.pop("plan"), "plan", "quality plan")
    review = services.review_create(actor=request.user, plan=plan, **data)
    with_etag(response, review)
    return Status(201, review)


@router.get("/quality-reviews/{review_id}", response=QualityReviewOut)
def get_quality_review(request: HttpRequest, response: HttpResponse, review_id: Id):
    review = review_policy.get(request.user, pk=review_id)
    with_etag(response, review)
    return review


@router.patch("/quality-reviews/{review_id}", response=QualityReviewOut, openapi_extra=IF_MATCH)
def update_quality_review(request: HttpRequest, response: HttpResponse, review_id: Id, payload: QualityReviewPatch):
    review = review_policy.get(request.user, pk=review_id)
    review = services.review_update(actor=request.user, review=review, expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, review)
    return review


@router.post("/quality-reviews/{review_id}/results", response=QualityReviewOut, openapi_extra=IF_MATCH)
def record_quality_review(request: HttpRequest, response: HttpResponse, review_id: Id, payload: ReviewRecord):
    """Record results (one per criterion; again for a criterion replaces it) and mark the review held; each
    criterion's status becomes its latest result."""
    review = review_policy.get(request.user, pk=review_id)
    data = payload.model_dump(exclude_unset=True)
    review = services.review_record(
        actor=request.user, review=review, expected_version=expected_version(request),
        results=[(r["criterion"], r["result"], r.get("findings", "")) for r in data.pop("results")], **data)
    with_etag(response, review)
    return review


# --- non-conformances and actions -------------------------------------------------------------------------

@router.get("/nonconformances", response=list[NonConformanceOut])
@paginate(Pagination)
def list_nonconformances(request: HttpRequest, filters: Query[NonConformanceFilter]):
    rows = selectors.search(selectors.nonconformances_for(request.user), filters.q).order_by("-detected_on", "-pk")
    return filtered(rows, filters, {"plan": "plan_id", "program": "plan__program_id", "status": "status",
                                     "severity": "severity", "owner": "owner_id", "deliverable": "deliverable_id"})


@router.post("/nonconformances", response={201: NonConformanceOut})
def create_nonconformance(request: HttpRequest, response: HttpResponse, payload: NonConformanceCreate):
    data = payload.model_dump(exclude_unset=True)
    plan = visible_in_body(plan_policy.visible(request.user), data.pop("plan"), "plan", "quality plan")
    nc = services.nc_create(actor=request.user, plan=plan, **data)
    with_etag(response, nc)
    return Status(201, nc)


@router.get("/nonconformances/{nc_id}", response=NonConformanceOut)
def get_nonconformance(request: HttpRequest, response: HttpResponse, nc_id: Id):
    nc = nc_policy.get(request.user, pk=nc_id)
    with_etag(response, nc)
    return nc


@router.patch("/nonconformances/{nc_id}", response=NonConformanceOut, openapi_extra=IF_MATCH)
def update_nonconformance(request: HttpRequest, response: HttpResponse, nc_id: Id, payload: NonConformancePatch):
    nc = nc_policy.get(request.user, pk=nc_id)
    nc = services.nc_update(actor=request.user, nc=nc, expected_version=expected_version(request),
                            **payload.model_dump(exclude_unset=True))
    with_etag(response, nc)
    return nc


@router.post("/nonconformances/{nc_id}/transition", response=NonConformanceOut, openapi_extra=IF_MATCH)
def transition_nonconformance(request: HttpRequest, response: HttpResponse, nc_id: Id, payload: NonConformanceMove):
    """open -> action (needs a root cause and a corrective action) -> verified (every action done, the
    verification written) -> closed; verified -> action when the actions did not work."""
    nc = nc_policy.get(request.user, pk=nc_id)
    nc = services.nc_transition(actor=request.user, nc=nc, to=payload.to, verification=payload.verification,
                                expected_version=expected_version(request))
    with_etag(response, nc)
    return nc


@router.get("/corrective-actions", response=list[CorrectiveActionOut])
@paginate(Pagination)
def list_corrective_actions(request: HttpRequest, filters: Query[CorrectiveActionFilter]):
    """Corrective and preventive actions you see; ``overdue=true``: open ones past their due date."""
    rows = filtered(selectors.actions_for(request.user).order_by("due", "pk"), filters,
                    {"nonconformance": "nonconformance_id", "owner": "owner_id"})
    rows = in_subset(rows, filters.overdue, selectors.overdue_actions(request.user))
    return rows


@router.post("/corrective-actions", response={201: CorrectiveActionOut})
def create_corrective_action(request: HttpRequest, response: HttpResponse, payload: CorrectiveActionCreate):
    data = payload.model_dump(exclude_unset=True)
    nc = visible_in_body(nc_policy.visible(request.user), data.pop("nonconformance"), "nonconformance",
                  "non-conformance")
    action = services.action_create(actor=request.user, nonconformance=nc, **data)
    with_etag(response, action)
    return Status(201, action)


@router.get("/corrective-actions/{action_id}", response=CorrectiveActionOut)
def get_corrective_action(request: HttpRequest, response: HttpResponse, action_id: Id):
    action = corrective_action_policy.get(request.user, pk=action_id)
    with_etag(response, action)
    return action


@router.patch("/corrective-actions/{action_id}", response=CorrectiveActionOut, openapi_extra=IF_MATCH)
def update_corrective_action(request: HttpRequest, response: HttpResponse, action_id: Id,
                             payload: CorrectiveActionPatch):
    action = corrective_action_policy.get(request.user, pk=action_id)
    action = services.action_update(actor=request.user, action=action, expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, action)
    return action


# --- acceptance -------------------------------------------------------------------------------------------

@router.get("/acceptances", response=list[AcceptanceOut])
@paginate(Pagination)
def list_acceptances(request: HttpRequest, filters: Query[AcceptanceFilter]):
    """Decisions on deliverables you see, newest first."""
    return filtered(selectors.acceptances_for(request.user).order_by("-decided_on", "-pk"), filters, {
        "deliverable": "deliverable_id", "program": "deliverable__project__program_id",
        "project": "deliverable__project_id"})


@router.post("/acceptances", response={201: AcceptanceOut}, openapi_extra=IF_MATCH_OPTIONAL)
def create_acceptance(request: HttpRequest, response: HttpResponse, payload: AcceptanceCreate):
    """Accept or reject a deliverable (its Program Manager, the PMO Director or its owner); the deliverable's
    status follows. Accepting with a mandatory criterion failed or not assessed is a 422 naming the criterion.
    If-Match (optional) is the deliverable's ETag."""
    data = payload.model_dump(exclude_unset=True)
    deliverable = visible_in_body(deliverable_policy.visible(request.user).select_related("project"),
                           data.pop("deliverable"), "deliverable", "deliverable")
    version = expected_version(request) if request.headers.get("If-Match") else None
    acceptance = services.acceptance_record(actor=request.user, deliverable=deliverable, expected_version=version,
                                            **data)
    with_etag(response, acceptance)
    return Status(201, acceptance)


@router.get("/acceptances/{acceptance_id}", response=AcceptanceOut)
def get_acceptance(request: HttpRequest, response: HttpResponse, acceptance_id: Id):
    acceptance = acceptance_policy.get(request.user, pk=acceptance_id)
    with_etag(response, acceptance)
    return acceptance


# --- metrics ----------------------------------------------------------------------------------------------

def _metrics_out(user, scope) -> dict:
    found = selectors.metrics(scope, user=user)
    gates = selectors.criteria_status(scope, user=user)
    acceptance = found["acceptance"]
    return {"first_pass_decided": acceptance["decided"], "first_pass_accepted": acceptance["first_pass"],
            "first_pass_rate": acceptance["rate"], "open_nonconformances": found["open_total"],
            "open_by_age": [{"band": band, **counts} for band, counts in found["open_by_age"].items()],
            "rework_hours": found["rework_hours"], "rework_days": found["rework_days"],
            "criteria": found["criteria"], "overdue_actions": found["overdue_actions"],
            "gate_criteria": {"met": gates.met, "not_met": gates.not_met, "open": gates.open,
                              "failing": [c.pk for c in gates.failing],
                              "unassessed": [c.pk for c in gates.unassessed]}}


@router.get("/programs/{program_id}/quality", response=QualityMetricsOut)
def program_quality(request: HttpRequest, program_id: Id):
    """The program's quality metrics (all its plans) and the status of its gate criteria."""
    return _metrics_out(request.user, program_policy.get(request.user, pk=program_id))


@router.get("/projects/{project_id}/quality", response=QualityMetricsOut)
def project_quality(request: HttpRequest, project_id: Id):
    """The project's quality metrics (its plan) and the status of its gate criteria."""
    return _metrics_out(request.user, project_policy.get(request.user, pk=project_id))
