"""``/api/v1/stakeholders``, ``/stakeholder-groups``, ``/engagement-assessments``, ``/engagement-actions``, a
program's ``/power-interest-grid`` and ``/engagement-gap``, and a project's ``/raci`` (conventions in pmo.core.api).

Interest and influence are integers 1..5; engagement levels are ``unaware``, ``resistant``, ``neutral``,
``supportive`` or ``leading``: anything else is a 422 naming the field. The RACI grid has its own ETag: ``PUT``
sets cells with If-Match; a row (WBS element) with a second A is a 422 naming the row, and nothing is written.
"""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.core.api import (
    IF_MATCH,
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
from .models import ActionStatus, Attitude, Engagement, Kind, Quadrant
from .policies import action_policy, assessment_policy, group_policy, raci_policy, stakeholder_policy

router = Router(tags=["stakeholders"])

Scale = Field(None, ge=1, le=5, description="1 very low .. 5 very high")


class StakeholderOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    kind: Kind
    name: str
    organisation: str
    title: str
    email: str
    phone: str
    group: int | None = Field(None, alias="group_id")
    interest: int
    influence: int
    quadrant: Quadrant
    attitude: Attitude
    current_engagement: Engagement
    desired_engagement: Engagement
    gap: int = Field(..., description="desired - current level (levels still to climb; negative above it)")
    owner: int | None = Field(None, alias="owner_id")
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime


class StakeholderPatch(Input):
    project: Id | None = Field(None, description="a project of the stakeholder's program, or null")
    kind: Kind = None
    name: str = Field(None, min_length=1, max_length=120)
    organisation: str = Field(None, max_length=120)
    title: str = Field(None, max_length=120)
    email: str = Field(None, max_length=254)
    phone: str = Field(None, max_length=40)
    group: Id | None = None
    interest: int = Scale
    influence: int = Scale
    attitude: Attitude = None
    desired_engagement: Engagement = None
    owner: Id | None = Field(None, description="user id of whoever manages the relationship")
    notes: str = Field(None, max_length=5000)


class StakeholderCreate(StakeholderPatch):
    program: Id
    name: str = Field(..., min_length=1, max_length=120)
    current_engagement: Engagement = Field(None, description="the level before any assessment")


class StakeholderFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    group: Id | None = None
    current_engagement: Engagement | None = None
    quadrant: Quadrant | None = None
    q: str | None = Field(None, max_length=200, description="search in name, organisation, role, group, notes")


class GroupOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    name: str
    description: str
    version: int


class GroupPatch(Input):
    name: str = Field(None, min_length=1, max_length=120)
    description: str = Field(None, max_length=2000)


class GroupCreate(GroupPatch):
    program: Id
    name: str = Field(..., min_length=1, max_length=120)


class StakeholderProgramFilter(Schema):
    program: Id | None = None


class AssessmentOut(Schema):
    id: int
    stakeholder: int = Field(..., alias="stakeholder_id")
    date: date
    level: Engagement
    note: str
    version: int


class AssessmentPatch(Input):
    date: Day = None
    level: Engagement = None
    note: str = Field(None, max_length=2000)


class AssessmentCreate(AssessmentPatch):
    stakeholder: Id
    date: Day
    level: Engagement


class StakeholderRef(Schema):
    stakeholder: Id | None = None


class ActionOut(Schema):
    id: int
    ref: str
    stakeholder: int = Field(..., alias="stakeholder_id")
    title: str
    owner: int | None = Field(None, alias="owner_id")
    due: date | None
    status: ActionStatus
    overdue: bool
    note: str
    version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(selectors.today())


class ActionPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    owner: Id | None = None
    due: Day | None = None
    status: ActionStatus = None
    note: str = Field(None, max_length=2000)


class ActionCreate(ActionPatch):
    stakeholder: Id
    title: str = Field(..., min_length=1, max_length=200)


class ActionFilter(Schema):
    stakeholder: Id | None = None
    program: Id | None = None
    owner: Id | None = None
    overdue: bool | None = None


class GridPoint(Schema):
    stakeholder: int
    name: str
    interest: int
    influence: int
    quadrant: Quadrant


class GapOut(Schema):
    date: date
    assessed: int
    below: int
    total_gap: int


class RaciCell(Schema):
    task: Id
    stakeholder: Id
    role: Literal["R", "A", "C", "I", ""] = Field(..., description="R, A, C, I, or empty to clear the cell")


class RaciRow(Schema):
    task: int
    wbs: str
    name: str
    summary: bool
    roles: dict[str, str] = Field(..., description="stakeholder id -> R, A, C or I (empty cells left out)")


class RaciColumn(Schema):
    stakeholder: int
    name: str


class RaciOut(Schema):
    project: int
    version: int
    columns: list[RaciColumn]
    rows: list[RaciRow]
    rows_without_a: list[int]


class RaciPut(Input):
    cells: list[RaciCell] = Field(..., max_length=services.MAX_CELLS)


# --- stakeholders -------------------------------------------------------------------------------------

@router.get("/stakeholders", response=list[StakeholderOut])
@paginate(Pagination)
def list_stakeholders(request: HttpRequest, filters: Query[StakeholderFilter]):
    """Stakeholders of the programs you see."""
    rows = selectors.search(selectors.stakeholders_for(request.user), filters.q)
    for name in ("program", "project", "group", "current_engagement"):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{f"{name}_id" if name in ("program", "project", "group") else name: value})
    return selectors.quadrant_filter(rows, filters.quadrant).order_by("name", "pk")


@router.post("/stakeholders", response={201: StakeholderOut})
def create_stakeholder(request: HttpRequest, response: HttpResponse, payload: StakeholderCreate):
    """Add a stakeholder (PMO Director, PMO Coordinator, the program's Program Manager)."""
    data = payload.model_dump(exclude_unset=True)
    program = visible_in_body(program_policy.visible(request.user), data.pop("program"), "program", "program")
    stakeholder = services.stakeholder_create(actor=request.user, program=program, **data)
    with_etag(response, stakeholder)
    return Status(201, stakeholder)


@router.get("/stakeholders/{stakeholder_id}", response=StakeholderOut)
def get_stakeholder(request: HttpRequest, response: HttpResponse, stakeholder_id: Id):
    stakeholder = stakeholder_policy.get(request.user, pk=stakeholder_id)
    with_etag(response, stakeholder)
    return stakeholder


@router.patch("/stakeholders/{stakeholder_id}", response=StakeholderOut, openapi_extra=IF_MATCH)
def update_stakeholder(request: HttpRequest, response: HttpResponse, stakeholder_id: Id, payload: StakeholderPatch):
    stakeholder = stakeholder_policy.get(request.user, pk=stakeholder_id)
    stakeholder = services.stakeholder_update(actor=request.user, stakeholder=stakeholder,
                                              expected_version=expected_version(request),
                                              **payload.model_dump(exclude_unset=True))
    with_etag(response, stakeholder)
    return stakeholder


@router.delete("/stakeholders/{stakeholder_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_stakeholder(request: HttpRequest, stakeholder_id: Id):
    stakeholder = stakeholder_policy.get(request.user, pk=stakeholder_id)
    services.stakeholder_delete(actor=request.user, stakeholder=stakeholder, expected_version=expected_version(request))
    return Status(204, None)


# --- groups ---------------------------------------------------------------------------------------------

@router.get("/stakeholder-groups", response=list[GroupOut])
@paginate(Pagination)
def list_stakeholder_groups(request: HttpRequest, filters: Query[StakeholderProgramFilter]):
    rows = selectors.groups_for(request.user).order_by("program_id", "name", "pk")
    return rows.filter(program_id=filters.program) if filters.program else rows


@router.post("/stakeholder-groups", response={201: GroupOut})
def create_stakeholder_group(request: HttpRequest, response: HttpResponse, payload: GroupCreate):
    data = payload.model_dump(exclude_unset=True)
    program = visible_in_body(program_policy.visible(request.user), data.pop("program"), "program", "program")
    group = services.group_create(actor=request.user, program=program, **data)
    with_etag(response, group)
    return Status(201, group)


@router.get("/stakeholder-groups/{group_id}", response=GroupOut)
def get_stakeholder_group(request: HttpRequest, response: HttpResponse, group_id: Id):
    group = group_policy.get(request.user, pk=group_id)
    with_etag(response, group)
    return group


@router.patch("/stakeholder-groups/{group_id}", response=GroupOut, openapi_extra=IF_MATCH)
def update_stakeholder_group(request: HttpRequest, response: HttpResponse, group_id: Id, payload: GroupPatch):
    group = group_policy.get(request.user, pk=group_id)
    group = services.group_update(actor=request.user, group=group, expected_version=expected_version(request),
                                  **payload.model_dump(exclude_unset=True))
    with_etag(response, group)
    return group


@router.delete("/stakeholder-groups/{group_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_stakeholder_group(request: HttpRequest, group_id: Id):
    group = group_policy.get(request.user, pk=group_id)
    services.group_delete(actor=request.user, group=group, expected_version=expected_version(request))
    return Status(204, None)


# --- assessments ----------------------------------------------------------------------------------------

@router.get("/engagement-assessments", response=list[AssessmentOut])
@paginate(Pagination)
def list_engagement_assessments(request: HttpRequest, filters: Query[StakeholderRef]):
    rows = selectors.assessments_for(request.user).order_by("stakeholder_id", "date", "pk")
    return rows.filter(stakeholder_id=filters.stakeholder) if filters.stakeholder else rows


@router.post("/engagement-assessments", response={201: AssessmentOut})
def create_engagement_assessment(request: HttpRequest, response: HttpResponse, payload: AssessmentCreate):
    """Record the engagement level observed on a date; the latest sets the stakeholder's current engagement."""
    data = payload.model_dump(exclude_unset=True)
    stakeholder = visible_in_body(stakeholder_policy.visible(request.user), data.pop("stakeholder"), "stakeholder",
                           "stakeholder")
    assessment = services.assessment_create(actor=request.user, stakeholder=stakeholder, **data)
    with_etag(response, assessment)
    return Status(201, assessment)


@router.get("/engagement-assessments/{assessment_id}", response=AssessmentOut)
def get_engagement_assessment(request: HttpRequest, response: HttpResponse, assessment_id: Id):
    assessment = assessment_policy.get(request.user, pk=assessment_id)
    with_etag(response, assessment)
    return assessment


@router.patch("/engagement-assessments/{assessment_id}", response=AssessmentOut, openapi_extra=IF_MATCH)
def update_engagement_assessment(request: HttpRequest, response: HttpResponse, assessment_id: Id,
                                 payload: AssessmentPatch):
    assessment = assessment_policy.get(request.user, pk=assessment_id)
    assessment = services.assessment_update(actor=request.user, assessment=assessment,
                                            expected_version=expected_version(request),
                                            **payload.model_dump(exclude_unset=True))
    with_etag(response, assessment)
    return assessment


@router.delete("/engagement-assessments/{assessment_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_engagement_assessment(request: HttpRequest, assessment_id: Id):
    assessment = assessment_policy.get(request.user, pk=assessment_id)
    services.assessment_delete(actor=request.user, assessment=assessment, expected_version=expected_version(request))
    return Status(204, None)


# --- actions --------------------------------------------------------------------------------------------

@router.get("/engagement-actions", response=list[ActionOut])
@paginate(Pagination)
def list_engagement_actions(request: HttpRequest, filters: Query[ActionFilter]):
    """The engagement plan's actions you see; ``overdue=true``: open ones past their due date."""
    rows = filtered(selectors.actions_for(request.user).order_by("due", "pk"), filters,
                    {"stakeholder": "stakeholder_id", "program": "stakeholder__program_id", "owner": "owner_id"})
    return in_subset(rows, filters.overdue, selectors.overdue_actions(request.user))


@router.post("/engagement-actions", response={201: ActionOut})
def create_engagement_action(request: HttpRequest, response: HttpResponse, payload: ActionCreate):
    data = payload.model_dump(exclude_unset=True)
    stakeholder = visible_in_body(stakeholder_policy.visible(request.user), data.pop("stakeholder"), "stakeholder",
                           "stakeholder")
    action = services.action_create(actor=request.user, stakeholder=stakeholder, **data)
    with_etag(response, action)
    return Status(201, action)


@router.get("/engagement-actions/{action_id}", response=ActionOut)
def get_engagement_action(request: HttpRequest, response: HttpResponse, action_id: Id):
    action = action_policy.get(request.user, pk=action_id)
    with_etag(response, action)
    return action


@router.patch("/engagement-actions/{action_id}", response=ActionOut, openapi_extra=IF_MATCH)
def update_engagement_action(request: HttpRequest, response: HttpResponse, action_id: Id, payload: ActionPatch):
    action = action_policy.get(request.user, pk=action_id)
    action = services.action_update(actor=request.user, action=action, expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, action)
    return action


@router.delete("/engagement-actions/{action_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_engagement_action(request: HttpRequest, action_id: Id):
    action = action_policy.get(request.user, pk=action_id)
    services.action_delete(actor=request.user, action=action, expected_version=expected_version(request))
    return Status(204, None)


# --- grid, gap, RACI ------------------------------------------------------------------------------------

@router.get("/programs/{program_id}/power-interest-grid", response=list[GridPoint])
def power_interest_grid(request: HttpRequest, program_id: Id):
    """Every stakeholder of the program with its quadrant (high is 3 or more on the 1..5 scales)."""
    program = program_policy.get(request.user, pk=program_id)
    rows = selectors.stakeholders_for(request.user).filter(program=program).order_by("name", "pk")[:5000]
    return [{"stakeholder": s.pk, "name": s.name, "interest": s.interest, "influence": s.influence,
             "quadrant": s.quadrant} for s in rows]


@router.get("/programs/{program_id}/engagement-gap", response=list[GapOut])
def engagement_gap(request: HttpRequest, program_id: Id):
    """The gap between current and desired engagement at every month end since the first assessment."""
    program = program_policy.get(request.user, pk=program_id)
    stakeholders = list(selectors.stakeholders_for(request.user).filter(program=program)[:5000])
    return [{"date": p.day, "assessed": p.assessed, "below": p.below, "total_gap": p.total_gap}
            for p in selectors.engagement(program, stakeholders)["points"]]


def _raci_out(project, matrix) -> dict:
    grid = selectors.raci_grid(project, matrix)
    return {"project": project.pk, "version": matrix.version,
            "columns": [{"stakeholder": s.pk, "name": s.name} for s in grid["columns"]],
            "rows": [{"task": r["task"].pk, "wbs": r["task"].wbs, "name": r["task"].name,
                      "summary": r["task"].is_summary,
                      "roles": {str(s.pk): role for s, role in r["cells"] if role}} for r in grid["rows"]],
            "rows_without_a": [t.pk for t in grid["missing_a"]]}


@router.get("/projects/{project_id}/raci", response=RaciOut)
def get_raci(request: HttpRequest, response: HttpResponse, project_id: Id):
    """The project's RACI matrix: WBS elements x stakeholders of its program, with the grid's ETag."""
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=project_id)
    matrix = raci_policy.get(request.user, pk=services.raci_matrix(project).pk)
    with_etag(response, matrix)
    return _raci_out(project, matrix)


@router.put("/projects/{project_id}/raci", response=RaciOut, openapi_extra=IF_MATCH)
def set_raci(request: HttpRequest, response: HttpResponse, project_id: Id, payload: RaciPut):
    """Set cells (``role`` empty clears one); at most one A per row, else a 422 naming the row."""
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=project_id)
    raci_policy.get(request.user, pk=services.raci_matrix(project).pk)
    matrix = services.raci_set(actor=request.user, project=project, expected_version=expected_version(request),
                               cells=[(c.task, c.stakeholder, c.role) for c in payload.cells])
    with_etag(response, matrix)
    return _raci_out(project, matrix)
