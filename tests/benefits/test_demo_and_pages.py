"""The benefits demo tells its story (a benefit visibly at risk from a real slip, an optimal saved scenario), loads
twice without change; the pages and lists keep a query count independent of their rows; the selection job runs."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from pmo.accounts.models import User
from pmo.benefits import selectors
from pmo.benefits.demo import load_benefits_demo
from pmo.benefits.models import Benefit, Candidate, Measurement, ScenarioStatus, SelectionScenario
from pmo.portfolio.demo import load_demo

from ..conftest import client_for

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def demo(db):
    load_demo()


def test_demo_benefit_at_risk_from_a_slipped_milestone(demo):
    steering = User.objects.get(username="steering")  # the DX steering committee member sees it too
    benefit = Benefit.objects.get(title="Staff time released by case workflows")
    risks = {r.basis: r for r in selectors.risks_of(steering, [benefit])[benefit.pk]}
    p80 = risks["p80"]
    (task, planned, forecast), = p80.milestones
    assert (task.project.code, task.name) == ("DX-WF", "Go-live")
    assert (planned.year, planned.month) == (2027, 8) and (forecast.year, forecast.month) == (2027, 9)
    assert p80.result.slip == 1 and p80.result.value_lost == Decimal(150000)
    assert p80.result.npv_lost > 0
    response = Client()
    response.force_login(steering)
    page = response.get(benefit.get_absolute_url())
    assert page.status_code == 200 and b'data-testid="benefit-at-risk"' in page.content
    erp = Benefit.objects.get(title="Legacy ERP licence and hosting savings")
    erp_risk = {r.basis: r for r in selectors.risks_of(User.objects.get(username="director"), [erp])[erp.pk]}["p80"]
    assert erp_risk.result.slip == 2 and erp_risk.result.value_lost == Decimal(80000)


def test_demo_covers_every_program_and_loads_twice_without_change(demo):
    counts = (Benefit.objects.count(), Measurement.objects.count(), Candidate.objects.count())
    assert set(Benefit.objects.values_list("program__code", flat=True)) == {"DX", "ERP", "CX", "NET"}
    assert load_benefits_demo() == {"objectives": 0, "benefits": 0, "measurements": 0, "arrows": 0, "candidates": 0,
                                    "scenarios": 0}
    assert (Benefit.objects.count(), Measurement.objects.count(), Candidate.objects.count()) == counts
    scenario = SelectionScenario.objects.get()
    assert scenario.status == ScenarioStatus.DONE and scenario.results["status"] == "optimal"
    assert {"C-HCM", "C-GRC"} <= set(scenario.results["chosen"])  # the mandatory candidates
    assert len(scenario.results["frontier"]) == 20


@override_settings(TASKS=IMMEDIATE)
def test_selection_scenario_through_the_api_with_a_mandatory_item_that_cannot_fit(
        world, django_capture_on_commit_callbacks):
    director = client_for(world, "director")

    def post(path, body):
        with django_capture_on_commit_callbacks(execute=True):
            return director.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")

    a = post("/candidates", {"code": "A", "name": "A", "costs": ["60"], "mandatory": True}).json()
    post("/candidates", {"code": "B", "name": "B", "costs": ["50"], "npv_estimate": "100", "requires": [a["id"]]})
    post("/candidates", {"code": "C", "name": "C", "costs": ["50"], "npv_estimate": "90"})
    ok = post("/selection-scenarios", {"name": "npv", "budgets": ["110"], "basis": "npv"})
    assert ok.status_code == 202, ok.content
    result = director.get(f"/api/v1/selection-scenarios/{ok.json()['id']}").json()
    assert result["status"] == "done"
    assert result["results"]["status"] == "optimal" and result["results"]["chosen"] == ["A", "B"]
    assert Decimal(result["results"]["objective"]) == Decimal(100)
    tight = post("/selection-scenarios", {"name": "too small", "budgets": ["40"], "basis": "npv"})
    failed = director.get(f"/api/v1/selection-scenarios/{tight.json()['id']}").json()
    assert failed["status"] == "failed" and "A" in failed["reason"]


def test_bad_scenarios_are_422(world):
    director = client_for(world, "director")
    for body, field in (({"name": "x", "budgets": []}, "budgets"), ({"name": "x", "budgets": ["-1"]}, "budgets"),
                        ({"name": "x", "budgets": ["1"] * 11}, "budgets"),
                        ({"name": "x", "budgets": ["1"], "weight_fit": "101"}, "weight_fit")):
        response = director.post("/api/v1/selection-scenarios", json.dumps(body), content_type="application/json")
        assert response.status_code == 422 and field in response.json()["detail"][0]["loc"], body
    assert not SelectionScenario.objects.exists()


def _benefits(world, n: int) -> None:
    from pmo.planning.models import Task

    for k in range(n):
        task = Task.objects.create(project=world.project_a1, name=f"M{k}", duration=0, is_milestone=True,
                                   finish=date(2026, 6, 30))
        b = Benefit.objects.create(program=world.program_a, title=f"B{k}", owner_name="x", measure="m", unit="EUR",
                                   baseline_value=1, baseline_date=date(2026, 1, 1), target_value=2,
                                   target_date=date(2026, 12, 1), schedule_start=date(2026, 7, 1),
                                   schedule=["100.00"] * 6)
        b.milestones.set([task])
        Measurement.objects.create(benefit=b, measured_on=date(2026, 7, 31), value=1)


@pytest.mark.parametrize("path", ["/benefits/", "/benefits/programs/{program}/", "/api/v1/benefits"])
def test_query_count_does_not_grow_with_rows(world, path, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "program_manager")
    url = path.format(program=world.program_a.pk)
    _benefits(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _benefits(world, 12)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
