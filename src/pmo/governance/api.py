"""``/api/v1/gates``, ``/gate-criteria``, ``/gate-reviews`` (and their ``/decision``), ``/decisions``, the
``/steering/awaiting`` queue, ``/budget-changes/{id}/decision``, a program's or project's ``/lifecycle`` and the
``/history/{object_type}/{object_id}`` of any governed object (conventions in pmo.core.api).

A gate decision by anyone but a member of the program's Steering Committee is a 403 that says so; a stale
If-Match is a 412; a decision on a gate that is not the one out of the current phase is a 422 naming ``gate``.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.communications.models import MeetingActionStatus
from pmo.communications.policies import meeting_policy
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
    optional_version,
    with_etag,
)
from pmo.finance.policies import budget_change_policy
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .models import CriterionKind, DecisionKind, GateReviewStatus, GateStatus, Verdict
from .policies import criterion_policy, decision_policy, gate_policy, manages_program, review_policy

router = Router(tags=["governance"])
Votes = Field(None, ge=0, le=500)


class GateCriterionOut(Schema):
    id: int
    gate: int = Field(..., alias="gate_id")
    order: int
    text: str
    kind: CriterionKind
    met: bool
    evidence_url: str
    note: str
    version: int


class GateOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    from_phase: str
    to_phase: str
    order: int
    status: GateStatus
    planned_date: date | None
    version: int


class EvidenceOut(Schema):
    criterion: int
    text: str
    kind: CriterionKind
    met: bool | None = Field(..., description="null when it cannot be computed (its source is not installed)")
    detail: str


class GateDetailOut(GateOut):
    evidence: list[EvidenceOut]


class GateFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    status: GateStatus | None = None


class GatePatch(Input):
    planned_date: Day | None = None


class GateCriterionPatch(Input):
    met: bool = None
    evidence_url: str = Field(None, max_length=500)
    note: str = Field(None, max_length=2000)


class GateCriterionCreate(Input):
    gate: Id
    text: str = Field(..., min_length=1, max_length=300)
    kind: CriterionKind = CriterionKind.MANUAL


class GateReviewOut(Schema):
    id: int
    ref: str
    gate: int = Field(..., alias="gate_id")
    scheduled_for: date
    status: GateReviewStatus
    verdict: str
    conditions: str
    rationale: str
    decided_by: int | None = Field(None, alias="decided_by_id")
    decided_at: datetime | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    evidence: dict
    version: int


class GateReviewCreate(Input):
    scheduled_for: Day


class GateDecisionIn(Input):
    verdict: Verdict
    rationale: str = Field("", max_length=5000)
    conditions: str = Field("", max_length=2000)
    votes_for: int | None = Votes
    votes_against: int | None = Votes
    votes_abstain: int | None = Votes


class DecisionOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    kind: DecisionKind
    title: str
    outcome: str
    rationale: str
    decided_on: date
    decided_by: int | None = Field(None, alias="decided_by_id")
    subject_type: str
    subject_id: str
    meeting: int | None = Field(None, alias="meeting_id")
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    version: int


class DecisionFilter(Schema):
    program: Id | None = None
    kind: DecisionKind | None = None
    decided_by: Id | None = None
    since: Day | None = None
    until: Day | None = None
    q: str | None = Field(None, max_length=200)


class AwaitingOut(Schema):
    kind: str
    ref: str
    title: str
    program: int
    due: date | None
    url: str


class AwaitingFilter(Schema):
    program: Id | None = None


class BudgetDecisionIn(Input):
    approve: bool
    rationale: str = Field("", max_length=5000)
    votes_for: int | None = Votes
    votes_against: int | None = Votes
    votes_abstain: int | None = Votes


class BudgetDecisionOut(Schema):
    id: int
    status: str
    amount: str
    approved_before: str
    approved_after: str
    version: int


class LifecycleIn(Input):
    project: Id | None = Field(None, description="a project of the program; empty: the program itself")


class HistoryChangeOut(Schema):
    field: str
    before: object | None
    after: object | None


class HistoryEventOut(Schema):
    id: int
    at: datetime
    actor: int | None
    actor_name: str
    action: str
    changes: list[HistoryChangeOut]


def _gate_out(user, gate):
    gate.evidence = [e.as_dict() for e in selectors.evidence(user, gate)]
    return gate


# --- gates ---------------------------------------------------------------------------------------------

@router.get("/gates", response=list[GateOut])
@paginate(Pagination)
def list_gates(request: HttpRequest, filters: Query[GateFilter]):
    """Stage gates of the programs you see (``project`` empty: a program's own gates)."""
    return filtered(selectors.gates_for(request.user).order_by("program_id", "project_id", "order", "pk"), filters,
                    {"program": "program_id", "project": "project_id", "status": "status"})


@router.get("/gates/{gate_id}", response=GateDetailOut)
def get_gate(request: HttpRequest, response: HttpResponse, gate_id: Id):
    """A gate with each criterion's evidence (computed ones evaluated now)."""
    gate = gate_policy.get(request.user, queryset=selectors.gates_for(request.user), pk=gate_id)
    with_etag(response, gate)
    return _gate_out(request.user, gate)


@router.patch("/gates/{gate_id}", response=GateOut, openapi_extra=IF_MATCH)
def update_gate(request: HttpRequest, response: HttpResponse, gate_id: Id, payload: GatePatch):
    """Plan the gate's review date (Director, Coordinator, the program's Program Manager)."""
    gate = gate_policy.get(request.user, pk=gate_id)
    data = payload.model_dump(exclude_unset=True)
    gate = services.gate_plan(actor=request.user, gate=gate, expected_version=expected_version(request),
                              planned_date=data.get("planned_date", gate.planned_date))
    with_etag(response, gate)
    return gate


@router.post("/programs/{program_id}/lifecycle", response={201: list[GateOut]})
def apply_lifecycle(request: HttpRequest, program_id: Id, payload: LifecycleIn):
    """Create the gates of the program (or of one of its projects) from the default lifecycle template."""
    program = program_policy.get(request.user, pk=program_id)
    if not manages_program(request.user, program.pk):
        raise PermissionDenied(f"you may not set up lifecycles in {program.code}")
    target = program
    if payload.project is not None:
        target = project_policy.visible(request.user).filter(pk=payload.project, program=program).first()
        if target is None:
            raise ValidationError({"project": f"no project with id {payload.project} in {program.code}"})
    return Status(201, services.lifecycle_apply(actor=request.user, target=target))


# --- criteria ------------------------------------------------------------------------------------------

@router.post("/gate-criteria", response={201: GateCriterionOut})
def create_gate_criterion(request: HttpRequest, response: HttpResponse, payload: GateCriterionCreate):
    gate = selectors.gates_for(request.user).filter(pk=payload.gate).first()
    if gate is None:
        raise ValidationError({"gate": f"no gate with id {payload.gate}"})
    criterion = services.criterion_create(actor=request.user, gate=gate, text=payload.text, kind=payload.kind)
    with_etag(response, criterion)
    return Status(201, criterion)


@router.get("/gate-criteria/{criterion_id}", response=GateCriterionOut)
def get_gate_criterion(request: HttpRequest, response: HttpResponse, criterion_id: Id):
    criterion = criterion_policy.get(request.user, queryset=selectors.criteria_for(request.user), pk=criterion_id)
    with_etag(response, criterion)
    return criterion


@router.patch("/gate-criteria/{criterion_id}", response=GateCriterionOut, openapi_extra=IF_MATCH)
def update_gate_criterion(request: HttpRequest, response: HttpResponse, criterion_id: Id,
                          payload: GateCriterionPatch):
    """Tick a manual criterion or record its evidence (a link, a note)."""
    criterion = criterion_policy.get(request.user, queryset=selectors.criteria_for(request.user), pk=criterion_id)
    criterion = services.criterion_update(actor=request.user, criterion=criterion,
                                          expected_version=expected_version(request),
                                          **payload.model_dump(exclude_unset=True))
    with_etag(response, criterion)
    return criterion


# --- reviews -------------------------------------------------------------------------------------------

@router.get("/gate-reviews", response=list[GateReviewOut])
@paginate(Pagination)
def list_gate_reviews(request: HttpRequest, filters: Query[GateFilter]):
    return filtered(selectors.reviews_for(request.user).order_by("-scheduled_for", "-pk"), filters,
                    {"program": "gate__program_id", "project": "gate__project_id"})


@router.post("/gates/{gate_id}/reviews", response={201: GateReviewOut})
def create_gate_review(request: HttpRequest, response: HttpResponse, gate_id: Id, payload: GateReviewCreate):
    """Schedule the Steering Committee's review of the gate out of the current phase."""
    gate = gate_policy.get(request.user, queryset=selectors.gates_for(request.user), pk=gate_id)
    review = services.review_schedule(actor=request.user, gate=gate, scheduled_for=payload.scheduled_for)
    with_etag(response, review)
    return Status(201, review)


@router.get("/gate-reviews/{review_id}", response=GateReviewOut)
def get_gate_review(request: HttpRequest, response: HttpResponse, review_id: Id):
    review = review_policy.get(request.user, queryset=selectors.reviews_for(request.user), pk=review_id)
    with_etag(response, review)
    return review


@router.post("/gate-reviews/{review_id}/decision", response=GateReviewOut, openapi_extra=IF_MATCH_OPTIONAL)
def decide_gate_review(request: HttpRequest, response: HttpResponse, review_id: Id, payload: GateDecisionIn):
    """The Steering Committee's decision: go, go_with_conditions (advance the phase), hold or stop."""
    review = review_policy.get(request.user, queryset=selectors.reviews_for(request.user), pk=review_id)
    review = services.review_decide(actor=request.user, review=review,
                                    expected_version=optional_version(request, review),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, review)
    return review


# --- what waits, the decision log, budget changes ----------------------------------------------------------

@router.get("/steering/awaiting", response=list[AwaitingOut])
def list_awaiting_decisions(request: HttpRequest, filters: Query[AwaitingFilter]):
    """What waits for a Steering Committee decision in the programs you see (at most 800 items)."""
    program = None
    if filters.program:
        program = program_policy.visible(request.user).filter(pk=filters.program).first()
        if program is None:
            return []
    return [{"kind": p.kind, "ref": p.label, "title": p.title, "program": p.program_id, "due": p.due, "url": p.url}
            for p in selectors.awaiting(request.user, program)]


@router.get("/decisions", response=list[DecisionOut])
@paginate(Pagination)
def list_decisions(request: HttpRequest, filters: Query[DecisionFilter]):
    """The decision log across the programs you see, newest first."""
    rows = selectors.decision_search(selectors.decisions_for(request.user), filters.q)
    for name, lookup in (("program", "program_id"), ("kind", "kind"), ("decided_by", "decided_by_id"),
                         ("since", "decided_on__gte"), ("until", "decided_on__lte")):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{lookup: value})
    return rows.order_by("-decided_on", "-pk")


@router.get("/decisions/{decision_id}", response=DecisionOut)
def get_decision(request: HttpRequest, response: HttpResponse, decision_id: Id):
    decision = decision_policy.get(request.user, queryset=selectors.decisions_for(request.user), pk=decision_id)
    with_etag(response, decision)
    return decision


@router.post("/budget-changes/{change_id}/decision", response=BudgetDecisionOut, openapi_extra=IF_MATCH_OPTIONAL)
def decide_budget_change(request: HttpRequest, response: HttpResponse, change_id: Id, payload: BudgetDecisionIn):
    """The Steering Committee approves or rejects a budget change beyond the program's cost tolerance."""
    change = budget_change_policy.get(request.user, queryset=budget_change_policy.visible(request.user)
                                      .select_related("budget__program", "budget__project"), pk=change_id)
    change = services.budget_change_decide(actor=request.user, change=change,
                                           expected_version=optional_version(request, change),
                                           **payload.model_dump(exclude_unset=True))
    with_etag(response, change)
    return {"id": change.pk, "status": change.status, "amount": str(change.amount),
            "approved_before": str(change.approved_before), "approved_after": str(change.approved_after),
            "version": change.version}


# --- audit trail -----------------------------------------------------------------------------------------

@router.get("/history/{object_type}/{object_id}", response=list[HistoryEventOut])
def object_history(request: HttpRequest, object_type: str, object_id: str):
    """The audit events of one object (``object_type`` as ``app.model``), newest first, at most 500."""
    if len(object_type) > 80 or len(object_id) > 64:
        raise Http404("no such object")
    subject = selectors.subject_of(request.user, object_type, object_id)
    if subject is None:
        raise Http404("no such object")
    return [{"id": e.pk, "at": e.at, "actor": e.actor_id, "actor_name": e.actor_name, "action": e.action,
             "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in changes]}
            for e, changes in selectors.history(subject)]


# --- steering committee meetings ------------------------------------------------------------------------------

class SteeringAgendaItemOut(Schema):
    id: int
    order: int
    title: str
    subject_type: str | None
    subject_id: int | None


class DecisionCreate(Input):
    meeting: Id = Field(..., description="the Steering Committee meeting the decision was taken in")
    title: str = Field(..., min_length=1, max_length=200)
    outcome: str = Field(..., min_length=1, max_length=40)
    kind: DecisionKind = DecisionKind.OTHER
    rationale: str = Field("", max_length=5000)
    decided_on: Day | None = None
    votes_for: int | None = Votes
    votes_against: int | None = Votes
    votes_abstain: int | None = Votes


class SteeringActionOut(Schema):
    id: int
    ref: str
    meeting: int = Field(..., alias="meeting_id")
    program: int
    description: str
    owner: int | None = Field(None, alias="owner_id")
    due: date | None
    status: str
    overdue: bool

    @staticmethod
    def resolve_program(obj) -> int:
        return obj.meeting.program_id

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(selectors.today())


class SteeringActionFilter(Schema):
    program: Id | None = None
    owner: Id | None = None
    status: MeetingActionStatus | None = None
    overdue: bool | None = None


@router.post("/meetings/{meeting_id}/steering-agenda", response=list[SteeringAgendaItemOut])
def build_steering_agenda(request: HttpRequest, meeting_id: Id):
    """Add to a Steering Committee meeting's agenda what waits for a decision and is not on it yet; answers the
    items added."""
    meeting = meeting_policy.get(request.user, queryset=selectors.steering_meetings_for(request.user), pk=meeting_id)
    added = services.steering_agenda_build(actor=request.user, meeting=meeting)
    return [{"id": i.pk, "order": i.order, "title": i.title, "subject_type": i.subject_type.model
             if i.subject_type_id else None, "subject_id": i.subject_id} for i in added]


@router.post("/decisions", response={201: DecisionOut})
def create_decision(request: HttpRequest, response: HttpResponse, payload: DecisionCreate):
    """Enter a decision a Steering Committee took in a meeting (a member of that program's committee)."""
    data = payload.model_dump(exclude_unset=True)
    meeting = selectors.steering_meetings_for(request.user).filter(pk=data.pop("meeting")).first()
    if meeting is None:
        raise ValidationError({"meeting": f"no Steering Committee meeting with id {payload.meeting}"})
    decision = services.meeting_decision_record(actor=request.user, meeting=meeting, **data)
    with_etag(response, decision)
    return Status(201, decision)


@router.get("/steering-actions", response=list[SteeringActionOut])
@paginate(Pagination)
def list_steering_actions(request: HttpRequest, filters: Query[SteeringActionFilter]):
    """The action log: actions agreed in Steering Committee meetings you see; ``overdue=true``: open, past due."""
    rows = filtered(selectors.steering_actions_for(request.user).order_by("due", "pk"), filters,
                    {"program": "meeting__program_id", "owner": "owner_id", "status": "status"})
    return in_subset(rows, filters.overdue, selectors.overdue_steering_actions(request.user))
