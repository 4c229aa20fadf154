"""``/api/v1/change-requests`` (raise, edit, submit, assess, decide, implement), ``/deliverables`` (create, read,
edit, delete, accept, reject) and ``/scope-items`` (create, read, edit, delete); conventions in pmo.core.api.

``edits`` is a list of typed operations (``op``: ``task_add``, ``task_update``, ``link_add``, ``link_remove``,
``budget_line``, ``benefit_target``; see :mod:`pmo.change.edits` and the README): a malformed edit, a task
outside your scope or a link that closes a loop is a 422 whose ``loc`` ends in ``edits[i].field``, and nothing is
written. Deciding a request whose assessment is stale (the plan changed since) is a 409: assess it again.
Beyond the program's tolerances only its Steering Committee decides (403 for anyone else).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.core.api import IF_MATCH, IF_MATCH_OPTIONAL, ErrorOut, Id, Input, Pagination, expected_version, with_etag
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .edits import MAX_EDITS
from .models import EARLIEST, LATEST, ChangeRequestStatus, ChangeType, DeliverableStatus, Route, ScopeStatus, Urgency
from .policies import change_request_policy, deliverable_policy, scope_item_policy

router = Router(tags=["change"])


class ChangeAssessmentOut(Schema):
    id: int
    created_at: datetime
    plan_token: str
    schedule_delta_days: int = Field(..., description="worst slip of a milestone, project or the program "
                                                      "(working days)")
    cost_delta: Decimal
    cost_delta_pct: Decimal
    beyond_tolerance: bool
    stale: bool = Field(False, description="the plan changed since: assess again before deciding")
    results: dict


class ChangeRequestOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    type: ChangeType
    description: str
    justification: str
    raised_by: int | None = Field(None, alias="raised_by_id")
    urgency: Urgency
    status: ChangeRequestStatus
    route: Route | Literal[""]
    edits: list[dict]
    decided_by: int | None = Field(None, alias="decided_by_id")
    decided_at: datetime | None
    decision_note: str
    implemented_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class ChangeRequestDetailOut(ChangeRequestOut):
    assessment: ChangeAssessmentOut | None = None


class ChangeRequestPatch(Input):
    project: Id | None = Field(None, description="the project it mainly concerns, or null")
    title: str = Field(None, min_length=1, max_length=200)
    type: ChangeType = None
    description: str = Field(None, max_length=5000)
    justification: str = Field(None, max_length=5000)
    urgency: Urgency = None
    edits: list[dict] = Field(None, max_length=MAX_EDITS, description="the proposed edits (typed operations)")


class ChangeRequestCreate(ChangeRequestPatch):
    program: Id
    title: str = Field(..., min_length=1, max_length=200)


class ChangeRequestFilter(Schema):
    program: Id | None = None
    status: ChangeRequestStatus | None = None
    route: Route | None = None


class ChangeDecisionIn(Input):
    decision: Literal["approved", "rejected", "deferred"]
    note: str = Field("", max_length=2000)


class ScopeDeliverableOut(Schema):
    id: int
    ref: str
    project: int = Field(..., alias="project_id")
    code: str
    name: str
    description: str
    acceptance_criteria: str
    status: DeliverableStatus
    due: date | None
    owner: int | None = Field(None, alias="owner_id")
    accepted_by: int | None = Field(None, alias="accepted_by_id")
    accepted_at: datetime | None
    acceptance_note: str
    version: int


class ScopeDeliverablePatch(Input):
    code: str = Field(None, max_length=40)
    name: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    acceptance_criteria: str = Field(None, max_length=5000)
    status: Literal["planned", "in_progress", "submitted"] = Field(
        None, description="accepted and rejected are decisions: use accept or reject")
    due: date | None = Field(None, ge=EARLIEST, le=LATEST)
    owner: Id | None = None
    tasks: list[Id] = Field(None, max_length=services.MAX_TASKS, description="WBS tasks of the project")


class ScopeDeliverableCreate(ScopeDeliverablePatch):
    project: Id
    name: str = Field(..., min_length=1, max_length=200)


class ScopeItemPatch(Input):
    deliverable: Id | None = Field(None, description="a deliverable of the same project, or null")
    code: str = Field(None, max_length=40)
    name: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    acceptance_criteria: str = Field(None, max_length=5000)
    status: ScopeStatus = None
    tasks: list[Id] = Field(None, max_length=services.MAX_TASKS, description="WBS tasks of the project")


class ScopeItemCreate(ScopeItemPatch):
    project: Id
    name: str = Field(..., min_length=1, max_length=200)


class DeliverableDecisionIn(Input):
    note: str = Field("", max_length=2000)


class ScopeItemOut(Schema):
    id: int
    ref: str
    project: int = Field(..., alias="project_id")
    deliverable: int | None = Field(None, alias="deliverable_id")
    code: str
    name: str
    description: str
    acceptance_criteria: str
    status: ScopeStatus
    version: int


class ProjectRef(Schema):
    project: Id | None = None


def _detail(change_request) -> dict:
    out = ChangeRequestOut.from_orm(change_request).model_dump(by_alias=True)
    assessment = services.latest_assessment(change_request)
    if assessment is not None:
        out["assessment"] = {**{name: getattr(assessment, name) for name in (
            "id", "created_at", "plan_token", "schedule_delta_days", "cost_delta", "cost_delta_pct",
            "beyond_tolerance", "results")}, "stale": services.is_stale(change_request, assessment)}
    return out


def _get(request, pk):
    return change_request_policy.get(request.user, selectors.change_requests_for(request.user), pk=pk)


@router.get("/change-requests", response=list[ChangeRequestOut])
@paginate(Pagination)
def list_change_requests(request: HttpRequest, filters: Query[ChangeRequestFilter]):
    rows = selectors.change_requests_for(request.user).order_by("-pk")
    for name in ("status", "route"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    return rows.filter(program_id=filters.program) if filters.program else rows


@router.post("/change-requests", response={201: ChangeRequestDetailOut})
def create_change_request(request: HttpRequest, response: HttpResponse, payload: ChangeRequestCreate):
    """Raise a change request (a draft): the program's managers and the Project Managers of its projects."""
    data = payload.model_dump(exclude_unset=True)
    pk = data.pop("program")
    program = program_policy.visible(request.user).filter(pk=pk).first()
    if program is None:
        raise ValidationError({"program": f"no program with id {pk}"})
    change_request = services.change_request_create(actor=request.user, program=program, **data)
    with_etag(response, change_request)
    return Status(201, _detail(change_request))


@router.get("/change-requests/{change_request_id}", response=ChangeRequestDetailOut)
def get_change_request(request: HttpRequest, response: HttpResponse, change_request_id: Id):
    """The request with its latest assessment (``stale``: the plan changed since)."""
    change_request = _get(request, change_request_id)
    with_etag(response, change_request)
    return _detail(change_request)


@router.patch("/change-requests/{change_request_id}", response=ChangeRequestDetailOut, openapi_extra=IF_MATCH)
def update_change_request(request: HttpRequest, response: HttpResponse, change_request_id: Id,
                          payload: ChangeRequestPatch):
    change_request = _get(request, change_request_id)
    change_request = services.change_request_update(actor=request.user, change_request=change_request,
                                                    expected_version=expected_version(request),
                                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, change_request)
    return _detail(change_request)


def _version(request) -> int | None:
    return expected_version(request) if request.headers.get("If-Match") else None


@router.post("/change-requests/{change_request_id}/submit", response=ChangeRequestDetailOut,
             openapi_extra=IF_MATCH_OPTIONAL)
def submit_change_request(request: HttpRequest, response: HttpResponse, change_request_id: Id):
    change_request = services.change_request_submit(actor=request.user, change_request=_get(request, change_request_id),
                                                    expected_version=_version(request))
    with_etag(response, change_request)
    return _detail(change_request)


@router.post("/change-requests/{change_request_id}/assess", response=ChangeRequestDetailOut)
def assess_change_request(request: HttpRequest, response: HttpResponse, change_request_id: Id):
    """Run the impact analysis on a copy of the program's plan (nothing of the plan changes) and route the request:
    within the program's tolerances to its Program Manager, beyond either to its Steering Committee."""
    change_request = _get(request, change_request_id)
    services.change_request_assess(actor=request.user, change_request=change_request)
    change_request = _get(request, change_request_id)
    with_etag(response, change_request)
    return _detail(change_request)


@router.post("/change-requests/{change_request_id}/decide", response={200: ChangeRequestDetailOut, 409: ErrorOut},
             openapi_extra=IF_MATCH_OPTIONAL)
def decide_change_request(request: HttpRequest, response: HttpResponse, change_request_id: Id,
                          payload: ChangeDecisionIn):
    """Approve, reject or defer an assessed request (409 when its assessment is stale)."""
    change_request = _get(request, change_request_id)
    try:
        change_request = services.change_request_decide(actor=request.user, change_request=change_request,
                                                        decision=payload.decision, note=payload.note,
                                                        expected_version=_version(request))
    except services.StaleAssessment as exc:
        return Status(409, {"detail": str(exc)})
    with_etag(response, change_request)
    return _detail(change_request)


@router.post("/change-requests/{change_request_id}/implement", response=ChangeRequestDetailOut,
             openapi_extra=IF_MATCH_OPTIONAL)
def implement_change_request(request: HttpRequest, response: HttpResponse, change_request_id: Id):
    """Apply an approved request's edits (one transaction) and set baselines named after it."""
    change_request = services.change_request_implement(actor=request.user,
                                                       change_request=_get(request, change_request_id),
                                                       expected_version=_version(request))
    with_etag(response, change_request)
    return _detail(change_request)


# --- scope --------------------------------------------------------------------------------------------

@router.get("/deliverables", response=list[ScopeDeliverableOut])
@paginate(Pagination)
def list_deliverables(request: HttpRequest, filters: Query[ProjectRef]):
    rows = selectors.deliverables_for(request.user).order_by("project_id", "code", "pk")
    return rows.filter(project_id=filters.project) if filters.project else rows


def _project_of(request, data: dict):
    """The body's project among those the user sees (422 naming ``project`` otherwise)."""
    pk = data.pop("project")
    project = project_policy.visible(request.user).filter(pk=pk).first()
    if project is None:
        raise ValidationError({"project": f"no project with id {pk}"})
    return project


@router.post("/deliverables", response={201: ScopeDeliverableOut})
def create_deliverable(request: HttpRequest, response: HttpResponse, payload: ScopeDeliverableCreate):
    """Add a deliverable to a project (those who may change the project)."""
    data = payload.model_dump(exclude_unset=True)
    deliverable = services.deliverable_create(actor=request.user, project=_project_of(request, data), **data)
    with_etag(response, deliverable)
    return Status(201, deliverable)


@router.get("/deliverables/{deliverable_id}", response=ScopeDeliverableOut)
def get_deliverable(request: HttpRequest, response: HttpResponse, deliverable_id: Id):
    deliverable = deliverable_policy.get(request.user, pk=deliverable_id)
    with_etag(response, deliverable)
    return deliverable


@router.patch("/deliverables/{deliverable_id}", response=ScopeDeliverableOut, openapi_extra=IF_MATCH)
def update_deliverable(request: HttpRequest, response: HttpResponse, deliverable_id: Id,
                       payload: ScopeDeliverablePatch):
    """Edit a deliverable (``tasks`` replaces its linked tasks; its status only among the working ones)."""
    deliverable = services.deliverable_update(actor=request.user,
                                              deliverable=deliverable_policy.get(request.user, pk=deliverable_id),
                                              expected_version=expected_version(request),
                                              **payload.model_dump(exclude_unset=True))
    with_etag(response, deliverable)
    return deliverable


@router.delete("/deliverables/{deliverable_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_deliverable(request: HttpRequest, deliverable_id: Id):
    """Delete a deliverable that is not accepted and that nothing refers to (422 otherwise)."""
    services.deliverable_delete(actor=request.user, deliverable=deliverable_policy.get(request.user, pk=deliverable_id),
                                expected_version=expected_version(request))
    return Status(204, None)


@router.post("/deliverables/{deliverable_id}/accept", response=ScopeDeliverableOut, openapi_extra=IF_MATCH_OPTIONAL)
def accept_deliverable(request: HttpRequest, response: HttpResponse, deliverable_id: Id,
                       payload: DeliverableDecisionIn):
    """Accept a deliverable (Director, PMO Coordinator, the program's Program Manager)."""
    deliverable = services.deliverable_accept(actor=request.user,
                                              deliverable=deliverable_policy.get(request.user, pk=deliverable_id),
                                              note=payload.note, expected_version=_version(request))
    with_etag(response, deliverable)
    return deliverable


@router.post("/deliverables/{deliverable_id}/reject", response=ScopeDeliverableOut, openapi_extra=IF_MATCH_OPTIONAL)
def reject_deliverable(request: HttpRequest, response: HttpResponse, deliverable_id: Id,
                       payload: DeliverableDecisionIn):
    deliverable = services.deliverable_reject(actor=request.user,
                                              deliverable=deliverable_policy.get(request.user, pk=deliverable_id),
                                              note=payload.note, expected_version=_version(request))
    with_etag(response, deliverable)
    return deliverable


@router.get("/scope-items", response=list[ScopeItemOut])
@paginate(Pagination)
def list_scope_items(request: HttpRequest, filters: Query[ProjectRef]):
    rows = selectors.scope_items_for(request.user).order_by("project_id", "code", "pk")
    return rows.filter(project_id=filters.project) if filters.project else rows


@router.post("/scope-items", response={201: ScopeItemOut})
def create_scope_item(request: HttpRequest, response: HttpResponse, payload: ScopeItemCreate):
    """Add a scope item to a project (those who may change the project)."""
    data = payload.model_dump(exclude_unset=True)
    item = services.scope_item_create(actor=request.user, project=_project_of(request, data), **data)
    with_etag(response, item)
    return Status(201, item)


@router.get("/scope-items/{item_id}", response=ScopeItemOut)
def get_scope_item(request: HttpRequest, response: HttpResponse, item_id: Id):
    item = scope_item_policy.get(request.user, pk=item_id)
    with_etag(response, item)
    return item


@router.patch("/scope-items/{item_id}", response=ScopeItemOut, openapi_extra=IF_MATCH)
def update_scope_item(request: HttpRequest, response: HttpResponse, item_id: Id, payload: ScopeItemPatch):
    item = services.scope_item_update(actor=request.user, item=scope_item_policy.get(request.user, pk=item_id),
                                      expected_version=expected_version(request),
                                      **payload.model_dump(exclude_unset=True))
    with_etag(response, item)
    return item


@router.delete("/scope-items/{item_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_scope_item(request: HttpRequest, item_id: Id):
    services.scope_item_delete(actor=request.user, item=scope_item_policy.get(request.user, pk=item_id),
                               expected_version=expected_version(request))
    return Status(204, None)
