"""``/api/v1/objectives``, ``/benefits``, ``/measurements``, the benefits map, value, benefits at risk and portfolio
selection (``/candidates``, ``/selection-scenarios``); conventions in pmo.core.api."""


from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

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
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .models import (
    MAX_SCHEDULE_MONTHS,
    MAX_YEARS,
    Basis,
    BenefitCategory,
    Contribution,
    Direction,
    Frequency,
    MapNode,
    NodeKind,
    Objective,
    ScenarioStatus,
)
from .policies import (
    candidate_policy,
    edge_policy,
    node_policy,
    objective_policy,
    scenario_policy,
    settings_policy,
)

router = Router(tags=["benefits"])

Amount = Annotated[Decimal, Field(ge=0, le=Decimal("100000000000"), max_digits=14, decimal_places=2)]
Value = Annotated[Decimal, Field(ge=Decimal("-99999999999999.99"), le=Decimal("99999999999999.99"), max_digits=16,
                                 decimal_places=2)]
Weight = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


# --- settings and objectives -----------------------------------------------------------------------------


class SettingsOut(Schema):
    discount_rate: Decimal
    valuation_date: date
    horizon_months: int
    version: int


class SettingsPatch(Input):
    discount_rate: Decimal = Field(None, ge=Decimal("-0.2"), le=1, max_digits=6, decimal_places=4,
                                   description="effective annual rate, 0.08 for 8 %")
    valuation_date: Day = Field(None, description="the first day of a month: period 0 of every stream")
    horizon_months: int = Field(None, ge=1, le=600)


@router.get("/benefit-settings", response=SettingsOut)
def get_benefit_settings(request: HttpRequest, response: HttpResponse):
    """The portfolio's valuation settings: discount rate (effective annual), valuation date, horizon."""
    settings = selectors.valuation_settings()
    with_etag(response, settings)
    return settings


@router.patch("/benefit-settings", response=SettingsOut, openapi_extra=IF_MATCH)
def update_benefit_settings(request: HttpRequest, response: HttpResponse, payload: SettingsPatch):
    settings = selectors.valuation_settings()
    settings_policy.require(request.user, "change", settings, "only the PMO Director sets the valuation settings")
    settings = services.settings_update(actor=request.user, settings=settings,
                                        expected_version=expected_version(request),
                                        **payload.model_dump(exclude_unset=True))
    with_etag(response, settings)
    return settings


class ObjectiveOut(Schema):
    id: int
    code: str
    title: str
    description: str
    weight: Decimal
    version: int


class ObjectivePatch(Input):
    code: str = Field(None, min_length=1, max_length=20)
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    weight: Decimal = Field(None, ge=Decimal("0.01"), le=100, max_digits=5, decimal_places=2)


class ObjectiveCreate(ObjectivePatch):
    code: str = Field(..., min_length=1, max_length=20)
    title: str = Field(..., min_length=1, max_length=200)


@router.get("/objectives", response=list[ObjectiveOut])
@paginate(Pagination)
def list_objectives(request: HttpRequest):
    return selectors.objectives_for(request.user)


@router.post("/objectives", response={201: ObjectiveOut})
def create_objective(request: HttpRequest, response: HttpResponse, payload: ObjectiveCreate):
    objective = services.objective_create(actor=request.user, **payload.model_dump(exclude_unset=True))
    with_etag(response, objective)
    return Status(201, objective)


@router.get("/objectives/{objective_id}", response=ObjectiveOut)
def get_objective(request: HttpRequest, response: HttpResponse, objective_id: Id):
    objective = objective_policy.get(request.user, pk=objective_id)
    with_etag(response, objective)
    return objective


@router.patch("/objectives/{objective_id}", response=ObjectiveOut, openapi_extra=IF_MATCH)
def update_objective(request: HttpRequest, response: HttpResponse, objective_id: Id, payload: ObjectivePatch):
    objective = objective_policy.get(request.user, pk=objective_id)
    objective = services.objective_update(actor=request.user, objective=objective,
                                          expected_version=expected_version(request),
                                          **payload.model_dump(exclude_unset=True))
    with_etag(response, objective)
    return objective


@router.delete("/objectives/{objective_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_objective(request: HttpRequest, objective_id: Id):
    objective = objective_policy.get(request.user, pk=objective_id)
    services.objective_delete(actor=request.user, objective=objective, expected_version=expected_version(request))
    return Status(204, None)


# --- benefits and measurements ---------------------------------------------------------------------------


class BenefitOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    title: str
    description: str
    is_disbenefit: bool
    category: BenefitCategory
    owner_name: str
    owner_email: str
    owner_user: int | None = Field(None, alias="owner_user_id")
    measure: str
    unit: str
    direction: Direction
    baseline_value: Decimal
    baseline_date: date
    target_value: Decimal
    target_date: date
    method: str
    frequency: Frequency
    milestones: list[int]
    schedule_start: date | None
    schedule: list[Decimal]
    handed_over_on: date | None
    handed_over_to: str
    handover_note: str
    version: int

    @staticmethod
    def resolve_milestones(obj) -> list[int]:
        return [m.pk for m in obj.milestones.all()]


class BenefitPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    is_disbenefit: bool = None
    category: BenefitCategory = None
    owner_name: str = Field(None, min_length=1, max_length=120)
    owner_email: str = Field(None, max_length=254)
    owner_user: Id | None = None
    measure: str = Field(None, min_length=1, max_length=200)
    unit: str = Field(None, min_length=1, max_length=20)
    direction: Direction = None
    baseline_value: Value = None
    baseline_date: Day = None
    target_value: Value = None
    target_date: Day = None
    method: str = Field(None, max_length=500)
    frequency: Frequency = None
    milestones: list[Id] = Field(None, max_length=100, description="ids of the enabling planning milestones")
    schedule_start: Day | None = Field(None, description="first month of the schedule (the 1st)")
    schedule: list[Amount] = Field(None, max_length=MAX_SCHEDULE_MONTHS, description="planned value per month")


class BenefitCreate(BenefitPatch):
    program: Id
    title: str = Field(..., min_length=1, max_length=200)
    owner_name: str = Field(..., min_length=1, max_length=120)
    measure: str = Field(..., min_length=1, max_length=200)
    unit: str = Field(..., min_length=1, max_length=20)
    baseline_value: Value
    baseline_date: Day
    target_value: Value
    target_date: Day


class BenefitFilter(Schema):
    program: Id | None = None
    category: BenefitCategory | None = None
    q: str | None = Field(None, max_length=100)


def _benefit_data(data: dict) -> dict:
    if "owner_user" in data:
        data["owner_user"] = active_user(data["owner_user"], field="owner_user") if data["owner_user"] else None
    if "schedule" in data:
        data["schedule"] = [str(v) for v in data["schedule"]]
    return data


@router.get("/benefits", response=list[BenefitOut])
@paginate(Pagination)
def list_benefits(request: HttpRequest, filters: Query[BenefitFilter]):
    queryset = selectors.benefits_for(request.user).order_by("program__code", "pk")
    if filters.program is not None:
        queryset = queryset.filter(program_id=filters.program)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.q:
        queryset = queryset.filter(title__icontains=filters.q)
    return queryset


@router.post("/benefits", response={201: BenefitOut})
def create_benefit(request: HttpRequest, response: HttpResponse, payload: BenefitCreate):
    data = _benefit_data(payload.model_dump(exclude_unset=True))
    program = program_policy.visible(request.user).filter(pk=data.pop("program")).first()
    if program is None:
        raise ValidationError({"program": "no such program"})
    benefit = services.benefit_create(actor=request.user, program=program, **data)
    with_etag(response, benefit)
    return Status(201, selectors.benefit_detail(request.user, benefit.pk))


@router.get("/benefits/{benefit_id}", response=BenefitOut)
def get_benefit(request: HttpRequest, response: HttpResponse, benefit_id: Id):
    benefit = selectors.benefit_detail(request.user, benefit_id)
    with_etag(response, benefit)
    return benefit


@router.patch("/benefits/{benefit_id}", response=BenefitOut, openapi_extra=IF_MATCH)
def update_benefit(request: HttpRequest, response: HttpResponse, benefit_id: Id, payload: BenefitPatch):
    benefit = selectors.benefit_detail(request.user, benefit_id)
    benefit = services.benefit_update(actor=request.user, benefit=benefit, expected_version=expected_version(request),
                                      **_benefit_data(payload.model_dump(exclude_unset=True)))
    with_etag(response, benefit)
    return selectors.benefit_detail(request.user, benefit.pk)


@router.delete("/benefits/{benefit_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_benefit(request: HttpRequest, benefit_id: Id):
    benefit = selectors.benefit_detail(request.user, benefit_id)
    services.benefit_delete(actor=request.user, benefit=benefit, expected_version=expected_version(request))
    return Status(204, None)


class HandoverIn(Input):
    to: str = Field(..., min_length=1, max_length=120, description="the business owner taking it over")
    note: str = Field("", max_length=2000)
    on: Day | None = None


@router.post("/benefits/{benefit_id}/handover", response=BenefitOut, openapi_extra=IF_MATCH_OPTIONAL)
def handover_benefit(request: HttpRequest, response: HttpResponse, benefit_id: Id, payload: HandoverIn):
    """Record the handover to the business owner (a closure item); measurements continue after it."""
    benefit = selectors.benefit_detail(request.user, benefit_id)
    benefit = services.benefit_handover(actor=request.user, benefit=benefit, to=payload.to, note=payload.note,
                                        on=payload.on, expected_version=optional_version(request, benefit))
    with_etag(response, benefit)
    return selectors.benefit_detail(request.user, benefit.pk)


class MeasurementOut(Schema):
    id: int
    benefit: int = Field(..., alias="benefit_id")
    measured_on: date
    value: Decimal
    realised: Decimal | None
    note: str
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime


class MeasurementIn(Input):
    measured_on: Day
    value: Value
    realised: Amount | None = Field(None, description="money realised in the month measured (financial benefits)")
    note: str = Field("", max_length=500)


@router.get("/benefits/{benefit_id}/measurements", response=list[MeasurementOut])
@paginate(Pagination)
def list_measurements(request: HttpRequest, benefit_id: Id):
    return selectors.measurements_of(request.user, selectors.benefit_detail(request.user, benefit_id))


@router.post("/benefits/{benefit_id}/measurements", response={201: MeasurementOut})
def create_measurement(request: HttpRequest, benefit_id: Id, payload: MeasurementIn):
    benefit = selectors.benefit_detail(request.user, benefit_id)
    return Status(201, services.measurement_create(actor=request.user, benefit=benefit,
                                                   **payload.model_dump(exclude_unset=True)))


class RiskMilestoneOut(Schema):
    task: int
    name: str
    project: str
    planned: date
    forecast: date


class BenefitAtRiskOut(Schema):
    basis: str
    label: str
    slip_months: int
    horizon_months: int
    annual_rate: Decimal
    valuation_date: date
    months: list[str]
    planned: list[Decimal]
    forecast: list[Decimal]
    deferred: list[Decimal]
    lost: list[Decimal]
    value_deferred: Decimal
    value_lost: Decimal
    npv_planned: Decimal
    npv_forecast: Decimal
    npv_lost: Decimal
    milestones: list[RiskMilestoneOut]


def risk_out(risk, settings) -> dict:
    r = risk.result
    from .engine_adapter import month_label
    return {"basis": risk.basis, "label": risk.label, "slip_months": r.slip, "horizon_months": len(r.planned),
            "annual_rate": settings.discount_rate, "valuation_date": settings.valuation_date,
            "months": [month_label(settings.valuation_date, k) for k in range(len(r.planned))],
            "planned": r.planned, "forecast": r.forecast, "deferred": r.deferred, "lost": r.lost,
            "value_deferred": r.value_deferred, "value_lost": r.value_lost, "npv_planned": r.npv_planned,
            "npv_forecast": r.npv_forecast, "npv_lost": r.npv_lost,
            "milestones": [{"task": t.pk, "name": t.name, "project": t.project.code, "planned": p, "forecast": f}
                           for t, p, f in risk.milestones]}


@router.get("/benefits/{benefit_id}/at-risk", response=list[BenefitAtRiskOut])
def benefit_at_risk(request: HttpRequest, benefit_id: Id):
    """The benefit's schedule shifted by its enabling milestones' slip (engine ``benefit_at_risk``): against the
    current schedule and against the latest simulation's P80, each vs the latest baseline, per month of the
    fixed horizon from the valuation date (period 0, undiscounted; effective annual rate)."""
    benefit = selectors.benefit_detail(request.user, benefit_id)
    settings = selectors.valuation_settings()
    return [risk_out(r, settings) for r in selectors.risks_of(request.user, [benefit])[benefit.pk]]


# --- value -----------------------------------------------------------------------------------------------


class ValueOut(Schema):
    scope: str
    valuation_date: date
    annual_rate: Decimal
    cost_source: str
    pv_benefits: Decimal
    pv_costs: Decimal
    npv: Decimal
    irr: float | None
    irrs: list[float]
    payback_years: float | None
    discounted_payback_years: float | None
    benefit_cost_ratio: float | None
    months: list[str]
    benefits: list[Decimal]
    costs: list[Decimal]


def value_out(scope: str, value) -> dict:
    a = value.appraisal
    return {"scope": scope, "valuation_date": value.valuation_date, "annual_rate": value.rate,
            "cost_source": value.cost_source, "pv_benefits": a.pv_benefits, "pv_costs": a.pv_costs, "npv": a.npv,
            "irr": a.irr, "irrs": list(a.irrs), "payback_years": a.payback_years,
            "discounted_payback_years": a.discounted_payback_years, "benefit_cost_ratio": a.benefit_cost_ratio,
            "months": value.labels, "benefits": value.benefits, "costs": value.costs}


@router.get("/programs/{program_id}/value", response=list[ValueOut])
def program_value(request: HttpRequest, program_id: Id):
    """NPV, IRR, paybacks and benefit-cost ratio of the program and each of its projects (monthly streams from the
    valuation date; the program's benefits against its projects' costs)."""
    program = program_policy.get(request.user, pk=program_id)
    total, projects = selectors.program_value(request.user, program)
    return [value_out(program.code, total)] + [value_out(p.code, v) for p, v in projects]


# --- the benefits map ------------------------------------------------------------------------------------


class NodeOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    kind: NodeKind
    title: str
    version: int


class NodeIn(Input):
    program: Id
    kind: NodeKind
    title: str = Field(..., min_length=1, max_length=200)


class EdgeOut(Schema):
    id: int
    program: int = Field(..., alias="program_id")
    source_project: int | None = Field(None, alias="source_project_id")
    source_node: int | None = Field(None, alias="source_node_id")
    source_benefit: int | None = Field(None, alias="source_benefit_id")
    target_node: int | None = Field(None, alias="target_node_id")
    target_benefit: int | None = Field(None, alias="target_benefit_id")
    target_objective: int | None = Field(None, alias="target_objective_id")
    contribution: Contribution
    version: int


class EdgeIn(Input):
    program: Id
    source_project: Id | None = None
    source_node: Id | None = None
    source_benefit: Id | None = None
    target_node: Id | None = None
    target_benefit: Id | None = None
    target_objective: Id | None = None
    contribution: Contribution = Contribution.HIGH


class MapOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


def _program(request, program_id: int):
    program = program_policy.visible(request.user).filter(pk=program_id).first()
    if program is None:
        raise ValidationError({"program": "no such program"})
    return program


@router.get("/programs/{program_id}/benefits-map", response=MapOut)
def get_benefits_map(request: HttpRequest, program_id: Id):
    """The program's map as data: output/outcome nodes and the arrows between projects, nodes, benefits and
    objectives (project -> output/capability -> outcome -> benefit -> objective)."""
    program = program_policy.get(request.user, pk=program_id)
    node_policy.require(request.user, "view", MapNode(program=program), "you may not see this program's map")
    return {"nodes": list(selectors.nodes_for(request.user, program)),
            "edges": list(selectors.edges_for(request.user, program))}


@router.post("/map-nodes", response={201: NodeOut})
def create_map_node(request: HttpRequest, payload: NodeIn):
    return Status(201, services.node_create(actor=request.user, program=_program(request, payload.program),
                                            kind=payload.kind, title=payload.title))


@router.delete("/map-nodes/{node_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_map_node(request: HttpRequest, node_id: Id):
    node = node_policy.get(request.user, pk=node_id)
    services.node_delete(actor=request.user, node=node, expected_version=expected_version(request))
    return Status(204, None)


@router.post("/map-edges", response={201: EdgeOut})
def create_map_edge(request: HttpRequest, payload: EdgeIn):
    """Add an arrow; one that would make the map cyclic is a 422 naming the arrow and the loop."""
    data = payload.model_dump(exclude_unset=True)
    program = _program(request, data.pop("program"))
    edge_policy.require(request.user, "create", program, f"you may not change the benefits map of {program.code}")
    contribution = data.pop("contribution", Contribution.HIGH)
    ends = {}
    lookups = {"source_project": project_policy.visible(request.user),
               "source_node": selectors.nodes_for(request.user, program),
               "target_node": selectors.nodes_for(request.user, program),
               "source_benefit": selectors.benefits_for(request.user, program),
               "target_benefit": selectors.benefits_for(request.user, program),
               "target_objective": Objective.objects.all()}
    for name, pk in data.items():
        if pk is None:
            continue
        ends[name] = lookups[name].filter(pk=pk).first()
        if ends[name] is None:
            raise ValidationError({name: f"no such {name.split('_', 1)[1]} in {program.code}"})
    return Status(201, services.edge_create(actor=request.user, program=program, contribution=contribution, **ends))


@router.delete("/map-edges/{edge_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_map_edge(request: HttpRequest, edge_id: Id):
    edge = edge_policy.get(request.user, pk=edge_id)
    services.edge_delete(actor=request.user, edge=edge, expected_version=expected_version(request))
    return Status(204, None)


# --- portfolio selection ---------------------------------------------------------------------------------


class CandidateOut(Schema):
    id: int
    code: str
    name: str
    description: str
    project: int | None = Field(None, alias="project_id")
    costs: list[Decimal]
    mandatory: bool
    urgency: int
    requires: list[int]
    objectives: list[int]
    npv_estimate: Decimal | None
    risk_estimate: Decimal | None
    version: int

    @staticmethod
    def resolve_requires(obj) -> list[int]:
        return [c.pk for c in obj.requires.all()]

    @staticmethod
    def resolve_objectives(obj) -> list[int]:
        return [o.pk for o in obj.objectives.all()]


class CandidatePatch(Input):
    code: str = Field(None, min_length=1, max_length=20)
    name: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, max_length=5000)
    project: Id | None = None
    costs: list[Amount] = Field(None, max_length=MAX_YEARS, description="cost per budget year, from the first")
    mandatory: bool = None
    urgency: int = Field(None, ge=1, le=5)
    requires: list[Id] = Field(None, max_length=500, description="ids of the candidates it needs")
    objectives: list[Id] = Field(None, max_length=100, description="objectives a proposal without a project serves")
    npv_estimate: Value | None = None
    risk_estimate: Amount | None = None


class CandidateCreate(CandidatePatch):
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=200)


def _candidate_data(request, data: dict) -> dict:
    if data.get("project") is not None:
        project = project_policy.visible(request.user).filter(pk=data["project"]).first()
        if project is None:
            raise ValidationError({"project": f"no project with id {data['project']}"})
        data["project"] = project
    if "costs" in data:
        data["costs"] = [str(c) for c in data["costs"]]
    return data


@router.get("/candidates", response=list[CandidateOut])
@paginate(Pagination)
def list_candidates(request: HttpRequest):
    return selectors.candidates_for(request.user)


@router.post("/candidates", response={201: CandidateOut})
def create_candidate(request: HttpRequest, response: HttpResponse, payload: CandidateCreate):
    candidate_policy.require(request.user, "create", None, "the PMO Director and Analysts keep the candidates")
    candidate = services.candidate_create(actor=request.user,
                                          **_candidate_data(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, candidate)
    return Status(201, candidate)


@router.get("/candidates/{candidate_id}", response=CandidateOut)
def get_candidate(request: HttpRequest, response: HttpResponse, candidate_id: Id):
    candidate = candidate_policy.get(request.user, queryset=selectors.candidates_for(request.user), pk=candidate_id)
    with_etag(response, candidate)
    return candidate


@router.patch("/candidates/{candidate_id}", response=CandidateOut, openapi_extra=IF_MATCH)
def update_candidate(request: HttpRequest, response: HttpResponse, candidate_id: Id, payload: CandidatePatch):
    candidate = candidate_policy.get(request.user, pk=candidate_id)
    candidate_policy.require(request.user, "change", candidate)
    candidate = services.candidate_update(actor=request.user, candidate=candidate,
                                          expected_version=expected_version(request),
                                          **_candidate_data(request, payload.model_dump(exclude_unset=True)))
    with_etag(response, candidate)
    return candidate


@router.delete("/candidates/{candidate_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_candidate(request: HttpRequest, candidate_id: Id):
    candidate = candidate_policy.get(request.user, pk=candidate_id)
    services.candidate_delete(actor=request.user, candidate=candidate, expected_version=expected_version(request))
    return Status(204, None)


class ScenarioOut(Schema):
    id: int
    name: str
    first_year: int
    budgets: list[Decimal]
    basis: Basis
    weight_fit: Decimal
    weight_npv: Decimal
    weight_risk: Decimal
    weight_urgency: Decimal
    status: ScenarioStatus
    progress: int
    reason: str
    inputs: dict
    results: dict | None
    created_by: int | None = Field(None, alias="created_by_id")
    created_at: datetime
    version: int


class ScenarioIn(Input):
    name: str = Field(..., min_length=1, max_length=120)
    first_year: int = Field(2027, ge=2000, le=2100)
    budgets: list[Amount] = Field(..., min_length=1, max_length=MAX_YEARS, description="budget per year")
    basis: Basis = Basis.SCORE
    weight_fit: Weight = Decimal(40)
    weight_npv: Weight = Decimal(30)
    weight_risk: Weight = Decimal(20)
    weight_urgency: Weight = Decimal(10)


@router.get("/selection-scenarios", response=list[ScenarioOut])
@paginate(Pagination)
def list_selection_scenarios(request: HttpRequest):
    return selectors.scenarios_for(request.user)


@router.post("/selection-scenarios", response={202: ScenarioOut})
def start_selection_scenario(request: HttpRequest, response: HttpResponse, payload: ScenarioIn):
    """Queue a what-if selection (202): scores, the optimiser's choice under the yearly budgets with its status,
    bound and gap, and the efficient frontier; poll ``GET /selection-scenarios/{id}``."""
    data = payload.model_dump()
    data["budgets"] = [str(b) for b in data["budgets"]]
    scenario = services.scenario_start(actor=request.user, **data)
    scenario.refresh_from_db()
    with_etag(response, scenario)
    return Status(202, scenario)


@router.get("/selection-scenarios/{scenario_id}", response=ScenarioOut)
def get_selection_scenario(request: HttpRequest, response: HttpResponse, scenario_id: Id):
    scenario = scenario_policy.get(request.user, pk=scenario_id)
    with_etag(response, scenario)
    return scenario



