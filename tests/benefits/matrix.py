"""Benefits objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in program A / project A1 (own) or B / B1 (other), a milestone, a benefit it
enables, a map node and an arrow; objectives, candidates and scenarios are portfolio-wide (the same in both
scopes).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pmo.benefits.api import router
from pmo.benefits.models import (
    Benefit,
    BenefitSettings,
    Candidate,
    MapEdge,
    MapNode,
    Objective,
    ScenarioStatus,
    SelectionScenario,
)
from pmo.planning.models import Task

KEYS = ("benefit", "map_node", "map_edge", "objective", "candidate", "scenario")
API_NAMES = {f"api:{op.view_func.__name__}" for view in router.path_operations.values() for op in view.operations}


def is_benefits(name: str) -> bool:
    return name.startswith("benefits:") or name in API_NAMES


def _portfolio_wide(world) -> dict:
    cache = world.__dict__.setdefault("_benefits_global", {})
    if not cache:
        cache["objective"] = Objective.objects.create(code="O1", title="Cut operating cost", weight=Decimal(40))
        cache["candidate"] = Candidate.objects.create(code="C-1", name="Data platform", costs=["100000.00"],
                                                      project=world.project_a1)
        cache["scenario"] = SelectionScenario.objects.create(name="Plan", budgets=["500000.00"],
                                                             status=ScenarioStatus.DONE, progress=100)
    return cache


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_benefits", {})
    if scope not in cache:
        program = world.own("program") if scope == "own" else world.other("program")
        project = world.own("project") if scope == "own" else world.other("project")
        milestone = Task.objects.create(project=project, name="Go-live", duration=0, is_milestone=True,
                                        finish=date(2026, 6, 30))
        benefit = Benefit.objects.create(program=program, title="Licence savings", owner_name="Head of Finance",
                                         measure="licence cost", unit="EUR", direction="decrease",
                                         baseline_value=Decimal(50000), baseline_date=date(2026, 1, 1),
                                         target_value=Decimal(40000), target_date=date(2027, 1, 1),
                                         schedule_start=date(2026, 7, 1), schedule=["10000.00"] * 6)
        benefit.milestones.set([milestone])
        node = MapNode.objects.create(program=program, kind="output", title="Platform")
        edge = MapEdge.objects.create(program=program, source_project=project, target_node=node)
        cache[scope] = {"benefit": benefit, "map_node": node, "map_edge": edge, "milestone": milestone,
                        "project": project, "program": program, **_portfolio_wide(world)}
    return cache[scope]


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    return {key: targets(world, scope)[key].pk for key in KEYS}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH/DELETE of ``name`` sends in If-Match (None: not benefits')."""
    if not is_benefits(name):
        return None
    if name == "api:update_benefit_settings":
        return BenefitSettings.current()
    found = targets(world, scope)
    for key in ("map_node", "map_edge", "benefit", "objective", "candidate"):
        if name.endswith(key):
            return found[key]
    return None


def request_data(world, name: str, scope: str):
    found = targets(world, scope)
    program, project = found["program"], found["project"]
    benefit = {"title": "Licence savings", "owner_name": "Head of Finance", "category": "cash_releasing",
               "measure": "licence cost", "unit": "EUR", "direction": "decrease", "baseline_value": "50000",
               "baseline_date": "2026-01-01", "target_value": "40000", "target_date": "2027-01-01",
               "frequency": "monthly", "schedule_start": "2026-07-01", "schedule": "10000 10000"}
    if name in {"benefits:benefit_create", "benefits:benefit_edit"}:
        return benefit | {"milestones": [found["milestone"].pk], "version": found["benefit"].version}
    if name == "api:create_benefit":
        return {**benefit, "program": program.pk, "schedule": ["10000", "10000"]}
    if name == "api:update_benefit":
        return {"description": "changed through the API"}
    if name in {"benefits:measurement_create", "api:create_measurement"}:
        return {"measured_on": "2026-07-31", "value": "48000", "realised": "2000"}
    if name == "benefits:benefit_handover":
        return {"to": "Head of Finance", "version": found["benefit"].version}
    if name == "api:handover_benefit":
        return {"to": "Head of Finance"}
    if name in {"benefits:benefit_delete", "benefits:node_delete", "benefits:edge_delete"}:
        key = {"benefits:benefit_delete": "benefit", "benefits:node_delete": "map_node",
               "benefits:edge_delete": "map_edge"}[name]
        return {"version": found[key].version}
    if name == "benefits:node_create":
        return {"kind": "outcome", "title": "Faster close"}
    if name == "api:create_map_node":
        return {"program": program.pk, "kind": "outcome", "title": "Faster close"}
    if name == "benefits:edge_create":
        return {"source": f"node:{found['map_node'].pk}", "target": f"benefit:{found['benefit'].pk}",
                "contribution": "high"}
    if name == "api:create_map_edge":
        return {"program": program.pk, "source_node": found["map_node"].pk, "target_benefit": found["benefit"].pk}
    if name in {"benefits:objective_create", "benefits:objective_edit"}:
        return {"code": "O2", "title": "Grow", "weight": "20", "version": found["objective"].version}
    if name == "api:create_objective":
        return {"code": "O2", "title": "Grow", "weight": "20"}
    if name == "api:update_objective":
        return {"weight": "30"}
    if name == "benefits:settings":
        return {"discount_rate": "0.07", "valuation_date": "2026-01-01", "horizon_months": 60, "version": 1}
    if name == "api:update_benefit_settings":
        return {"discount_rate": "0.07"}
    if name in {"benefits:candidate_create", "benefits:candidate_edit"}:
        return {"code": "C-2" if name.endswith("create") else "C-1", "name": "CRM", "costs": "100000 50000",
                "urgency": 3, "version": found["candidate"].version}
    if name == "api:create_candidate":
        return {"code": "C-2", "name": "CRM", "costs": ["100000", "50000"], "project": project.pk}
    if name == "api:update_candidate":
        return {"urgency": 5}
    if name == "benefits:scenario_start":
        return {"name": "What if", "first_year": 2027, "budgets": "300000", "basis": "score", "weight_fit": "40",
                "weight_npv": "30", "weight_risk": "20", "weight_urgency": "10"}
    if name == "api:start_selection_scenario":
        return {"name": "What if", "budgets": ["300000"]}
    return None
