"""The benefits adapter end to end through the API: the issue's hand oracle from a real baseline and a real slip,
value against independent arithmetic, bad input of every kind (a 422 naming the field, nothing written), scope."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from django.test import Client

from pmo.benefits.models import Benefit, BenefitSettings, Candidate, MapEdge, Measurement, Objective
from pmo.planning import services as planning
from pmo.planning.models import Task

from ..conftest import client_for


def api(client: Client, method: str, path: str, data=None, **headers):
    return client.generic(method, f"/api/v1{path}", json.dumps(data) if data is not None else "",
                          content_type="application/json", **headers)


def _milestone(world, finish: date) -> Task:
    director = world.users["director"]
    return planning.task_create(actor=director, project=world.project_a1, name="Go-live", is_milestone=True,
                                duration=0, constraint_type="MFO", constraint_date=finish)


def _slip(world, task: Task, finish: date) -> Task:
    task.refresh_from_db()
    planning.task_update(actor=world.users["director"], task=task, expected_version=task.version,
                         constraint_date=finish)
    task.refresh_from_db()
    return task


def _settings(horizon: int, rate: str = "0") -> None:
    s = BenefitSettings.current()
    BenefitSettings.objects.filter(pk=s.pk).update(valuation_date=date(2026, 1, 1), horizon_months=horizon,
                                                   discount_rate=Decimal(rate))


def _benefit_body(world, **extra) -> dict:
    body = {"program": world.program_a.pk, "title": "Fewer licences", "owner_name": "Head of Finance Ops",
            "owner_email": "finops@example.com", "category": "cash_releasing", "measure": "licence cost per month",
            "unit": "EUR", "direction": "decrease", "baseline_value": "50000", "baseline_date": "2026-01-01",
            "target_value": "40000", "target_date": "2027-03-31", "schedule_start": "2026-04-01",
            "schedule": ["10000"] * 12}
    return body | extra


@pytest.fixture
def slipped(world):
    """Project A1's go-live: baselined mid-March 2026, now mid-May 2026 (2 calendar months later)."""
    task = _milestone(world, date(2026, 3, 13))
    planning.baseline_create(actor=world.users["director"], project=world.project_a1, name="Plan of record")
    task = _slip(world, task, date(2026, 5, 15))
    assert task.finish == date(2026, 5, 15)
    return task


def test_hand_oracle_10000_a_month_slipping_2_months_loses_20000(world, slipped):
    # valuation 2026-01, horizon 15 months (Jan 2026..Mar 2027): the schedule fills periods 3..14
    _settings(15)
    pm = client_for(world, "program_manager")
    response = api(pm, "POST", "/benefits", _benefit_body(world, milestones=[slipped.pk]))
    assert response.status_code == 201, response.content
    benefit = response.json()
    risks = api(pm, "GET", f"/benefits/{benefit['id']}/at-risk").json()
    schedule = next(r for r in risks if r["basis"] == "schedule")
    assert schedule["slip_months"] == 2
    assert Decimal(schedule["value_lost"]) == Decimal(20000)
    assert Decimal(schedule["value_deferred"]) == Decimal(100000)
    assert [Decimal(x) for x in schedule["lost"][13:]] == [Decimal(10000)] * 2
    assert Decimal(schedule["npv_lost"]) == Decimal(20000)  # rate 0: NPV lost is the value lost
    assert schedule["milestones"] == [{"task": slipped.pk, "name": "Go-live", "project": "PA-1",
                                       "planned": "2026-03-13", "forecast": "2026-05-15"}]


def test_npv_lost_against_numpy_financial(world, slipped):
    _settings(15, "0.08")
    pm = client_for(world, "program_manager")
    benefit = api(pm, "POST", "/benefits", _benefit_body(world, milestones=[slipped.pk])).json()
    risk = api(pm, "GET", f"/benefits/{benefit['id']}/at-risk").json()[0]
    i = 1.08 ** (1 / 12) - 1
    planned = [0, 0, 0] + [10000] * 12
    forecast = [0, 0, 0, 0, 0] + [10000] * 10
    expected = npf.npv(i, planned) - npf.npv(i, forecast)
    assert abs(float(risk["npv_lost"]) - expected) < 0.01


def test_no_slip_inside_the_same_month(world):
    task = _milestone(world, date(2026, 3, 2))
    planning.baseline_create(actor=world.users["director"], project=world.project_a1, name="Plan of record")
    task = _slip(world, task, date(2026, 3, 27))
    _settings(15)
    pm = client_for(world, "program_manager")
    benefit = api(pm, "POST", "/benefits", _benefit_body(world, milestones=[task.pk])).json()
    risk = api(pm, "GET", f"/benefits/{benefit['id']}/at-risk").json()[0]
    assert risk["slip_months"] == 0 and Decimal(risk["value_lost"]) == 0


def test_program_value_against_numpy_financial(world, slipped):
    """Benefits 10,000 a month from April 2026 against a task costing 60,000 in January 2026: NPV, IRR and BCR
    from numpy-financial on the same monthly flows."""
    _settings(15, "0.08")
    director = world.users["director"]
    planning.task_create(actor=director, project=world.project_a1, name="Build", duration=1, cost=Decimal(60000),
                         constraint_type="MSO", constraint_date=date(2026, 1, 12))
    pm = client_for(world, "program_manager")
    api(pm, "POST", "/benefits", _benefit_body(world, milestones=[slipped.pk]))
    rows = api(pm, "GET", f"/programs/{world.program_a.pk}/value").json()
    program = rows[0]
    assert program["scope"] == "PA" and "plan task costs" in program["cost_source"]
    assert rows[1]["cost_source"] == "plan task costs" and rows[2]["cost_source"] == "no costs recorded"
    costs = [Decimal(c) for c in program["costs"]]
    assert sum(costs) == Decimal(60000)
    flows = [float(b) - float(c) for b, c in zip(program["benefits"], program["costs"], strict=True)]
    i = 1.08 ** (1 / 12) - 1
    assert abs(float(program["npv"]) - npf.npv(i, flows)) < 0.01
    assert abs(program["irr"] - ((1 + npf.irr(flows)) ** 12 - 1)) < 1e-6
    pv_b = npf.npv(i, [float(b) for b in program["benefits"]])
    pv_c = npf.npv(i, [float(c) for c in costs])
    assert abs(program["benefit_cost_ratio"] - pv_b / pv_c) < 1e-9
    assert rows[1]["scope"] == "PA-1" and rows[1]["npv"] == program["npv"]  # PA-1 enables the only benefit


def test_measurements_and_handover(world, slipped):
    pm = client_for(world, "program_manager")
    benefit = api(pm, "POST", "/benefits", _benefit_body(world, milestones=[slipped.pk])).json()
    pjm = client_for(world, "project_manager")  # A1 enables it: the project manager records measurements
    ok = api(pjm, "POST", f"/benefits/{benefit['id']}/measurements",
             {"measured_on": "2026-06-30", "value": "46000", "realised": "4000"})
    assert ok.status_code == 201, ok.content
    handed = api(pm, "POST", f"/benefits/{benefit['id']}/handover", {"to": "Head of Finance Ops", "on": "2027-01-15"})
    assert handed.status_code == 200 and handed.json()["handed_over_on"] == "2027-01-15"
    after = api(pjm, "POST", f"/benefits/{benefit['id']}/measurements",
                {"measured_on": "2027-03-31", "value": "41000", "realised": "9000"})
    assert after.status_code == 201  # tracking continues after the handover and the project's close
    assert api(pm, "GET", f"/benefits/{benefit['id']}/measurements").json()["count"] == 2


BAD_BENEFITS = [
    ({"target_value": "60000"}, "target_value"),  # decrease, but the target is above the baseline
    ({"direction": "increase"}, "target_value"),  # increase, target below
    ({"unit": "hours"}, "unit"),  # a financial benefit in hours
    ({"category": "non_financial", "unit": "%", "baseline_value": "40", "target_value": "140",
      "direction": "increase", "schedule": []}, "target_value"),  # a percentage beyond 100
    ({"category": "non_financial", "unit": "%", "baseline_value": "40", "target_value": "60",
      "direction": "increase"}, "schedule"),  # a money schedule on a non-financial benefit
    ({"schedule_start": "2026-04-15"}, "schedule_start"),
    ({"target_date": "2025-12-31"}, "target_date"),
    ({"schedule": ["-5"]}, "schedule"),
    ({"schedule": ["1.234"]}, "schedule"),
    ({"schedule": ["1"] * 241}, "schedule"),
    ({"milestones": [999999]}, "milestones"),
    ({"baseline_date": "20260101"}, "baseline_date"),
    ({"program": 0}, "program"),
    ({"version": 3}, "version"),
]


@pytest.mark.parametrize(("change", "field"), BAD_BENEFITS, ids=[f for _c, f in BAD_BENEFITS])
def test_bad_benefits_are_422_naming_the_field_and_write_nothing(world, change, field):
    pm = client_for(world, "program_manager")
    response = api(pm, "POST", "/benefits", _benefit_body(world, **change))
    assert response.status_code == 422, response.content
    assert any(field in map(str, d["loc"]) for d in response.json()["detail"]), response.json()
    assert not Benefit.objects.exists()


def test_bad_milestone_and_measurement(world, slipped):
    director = world.users["director"]
    plain = planning.task_create(actor=director, project=world.project_a1, name="Build", duration=3)
    pm = client_for(world, "program_manager")
    response = api(pm, "POST", "/benefits", _benefit_body(world, milestones=[plain.pk]))
    assert response.status_code == 422 and "not a milestone" in response.content.decode()
    benefit = api(pm, "POST", "/benefits", _benefit_body(world)).json()
    early = api(pm, "POST", f"/benefits/{benefit['id']}/measurements", {"measured_on": "2025-12-31", "value": "1"})
    assert early.status_code == 422 and early.json()["detail"][0]["loc"][-1] == "measured_on"
    assert "before the benefit's baseline date" in early.json()["detail"][0]["msg"]
    assert not Measurement.objects.exists()


def test_cyclic_map_is_422_naming_the_edge(world):
    pm = client_for(world, "program_manager")
    a = api(pm, "POST", "/map-nodes", {"program": world.program_a.pk, "kind": "outcome", "title": "Faster cases"})
    b = api(pm, "POST", "/map-nodes", {"program": world.program_a.pk, "kind": "outcome", "title": "Happier staff"})
    a, b = a.json()["id"], b.json()["id"]
    assert api(pm, "POST", "/map-edges", {"program": world.program_a.pk, "source_node": a,
                                          "target_node": b}).status_code == 201
    loop = api(pm, "POST", "/map-edges", {"program": world.program_a.pk, "source_node": b, "target_node": a})
    assert loop.status_code == 422
    detail = loop.json()["detail"][0]
    assert detail["loc"][-1] == "target"
    assert "Happier staff -> Faster cases" in detail["msg"] and "cyclic" in detail["msg"]
    assert MapEdge.objects.count() == 1
    backwards = api(pm, "POST", "/map-edges", {"program": world.program_a.pk, "source_node": a,
                                               "source_project": world.project_a1.pk, "target_node": b})
    assert backwards.status_code == 422


def test_candidate_requiring_itself_is_422_naming_it(world):
    director = client_for(world, "director")
    created = api(director, "POST", "/candidates", {"code": "C-1", "name": "Data platform",
                                                    "costs": ["100000", "50000"]})
    assert created.status_code == 201
    c = created.json()
    response = api(director, "PATCH", f"/candidates/{c['id']}", {"requires": [c["id"]]},
                   HTTP_IF_MATCH=f'"{c["version"]}"')
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "requires"
    assert "C-1 cannot require itself" in response.json()["detail"][0]["msg"]
    assert not Candidate.objects.get().requires.exists()


def test_objective_weight_bounds(world):
    director = client_for(world, "director")
    bad = api(director, "POST", "/objectives", {"code": "O1", "title": "Grow", "weight": "0"})
    assert bad.status_code == 422 and not Objective.objects.exists()


def test_scope_isolation(world, slipped):
    pm = client_for(world, "program_manager")
    benefit = api(pm, "POST", "/benefits", _benefit_body(world, milestones=[slipped.pk])).json()
    director = world.users["director"]
    other = Benefit.objects.create(program=world.program_b, title="B's benefit", owner_name="x", measure="m",
                                   unit="EUR", baseline_value=1, baseline_date=date(2026, 1, 1), target_value=2,
                                   target_date=date(2026, 2, 1), created_by=director)
    for role in ("program_manager", "steering", "coordinator", "project_manager"):
        client = client_for(world, role)
        ids = {b["id"] for b in api(client, "GET", "/benefits").json()["items"]}
        assert ids == {benefit["id"]}, role
        assert api(client, "GET", f"/benefits/{other.pk}").status_code == 404
        assert api(client, "GET", f"/benefits/{other.pk}/at-risk").status_code == 404
    steering = client_for(world, "steering")
    assert api(steering, "POST", f"/benefits/{benefit['id']}/measurements",
               {"measured_on": "2026-06-30", "value": "1"}).status_code == 403


def test_costs_come_from_the_finance_budget_where_a_project_has_one(world, slipped):
    from pmo.finance import services as finance
    from pmo.finance.models import BudgetLine

    _settings(15, "0.08")
    director = world.users["director"]
    budget = finance.budget_create(actor=director, target=world.project_a1, approved=Decimal(90000),
                                   reason="business case")
    for month, amount in ((date(2026, 2, 1), 50000), (date(2026, 3, 1), 40000)):
        BudgetLine.objects.create(budget=budget, category="labour", month=month, amount=Decimal(amount))
    pm = client_for(world, "program_manager")
    api(pm, "POST", "/benefits", _benefit_body(world, milestones=[slipped.pk]))
    rows = {r["scope"]: r for r in api(pm, "GET", f"/programs/{world.program_a.pk}/value").json()}
    a1 = rows["PA-1"]
    assert a1["cost_source"] == "finance budget"
    assert [Decimal(c) for c in a1["costs"][:4]] == [0, 50000, 40000, 0]
    i = 1.08 ** (1 / 12) - 1
    flows = [float(b) - float(c) for b, c in zip(a1["benefits"], a1["costs"], strict=True)]
    assert abs(float(a1["npv"]) - npf.npv(i, flows)) < 0.01
