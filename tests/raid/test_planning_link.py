"""Risks linked to planning tasks, three-point estimates, and the simulation over the task network."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pmo.core.models import AuditEvent
from pmo.raid import engine_adapter, services, tasks
from pmo.raid.models import Risk, TaskEstimate

from ..conftest import client_for
from ..planning.factories import link, task


@pytest.fixture
def plan(world):
    design = task(world.project_a1, "Design", 10)
    build = task(world.project_a1, "Build", 20)
    golive = task(world.project_a1, "Go-live", 0, is_milestone=True)
    link(design, build)
    link(build, golive)
    other = task(world.project_b1, "Other program work", 5)
    return {"design": design, "build": build, "golive": golive, "other": other}


def test_link_tasks_audited_and_scoped(world, plan):
    pm = world.users["project_manager"]
    risk = services.risk_create(actor=pm, project=world.project_a1, title="Vendor API rate limits",
                                tasks=[plan["build"].pk])
    assert list(risk.tasks.all()) == [plan["build"]]
    assert list(AuditEvent.objects.filter(object_type="raid.risk").values_list("action", flat=True)) == [
        "create", "link_tasks"]
    with pytest.raises(ValidationError) as info:  # a task of another program: refused as unknown
        services.risk_update(actor=pm, risk=risk, expected_version=risk.version, title="changed",
                             tasks=[plan["other"].pk])
    assert "tasks" in info.value.error_dict
    risk.refresh_from_db()
    assert risk.title == "Vendor API rate limits" and list(risk.tasks.all()) == [plan["build"]]
    with pytest.raises(ValidationError):  # even the director cannot link a task of another project
        services.risk_create(actor=world.users["director"], project=world.project_a1, title="x",
                             tasks=[plan["other"].pk])
    assert Risk.objects.count() == 1


def test_api_task_link_out_of_scope_is_422(world, plan):
    pm = client_for(world, "project_manager")
    response = pm.post("/api/v1/risks", json.dumps({"project": world.project_a1.pk, "title": "x",
                                                    "tasks": [plan["other"].pk]}), content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "tasks"
    assert not Risk.objects.exists()
    ok = pm.post("/api/v1/risks", json.dumps({"project": world.project_a1.pk, "title": "x",
                                              "tasks": [plan["design"].pk]}), content_type="application/json")
    assert ok.status_code == 201 and ok.json()["tasks"] == [plan["design"].pk]


@pytest.mark.parametrize(("payload", "field"), [
    ({"min": 12, "most_likely": 10, "max": 20}, "min"),
    ({"min": 5, "most_likely": 30, "max": 20}, "most_likely"),
    ({"min": -1, "most_likely": 10, "max": 20}, "min"),
])
def test_impossible_estimates_422(world, plan, payload, field):
    pm = client_for(world, "project_manager")
    response = pm.put(f"/api/v1/estimates/{plan['build'].pk}", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not TaskEstimate.objects.exists()


def test_estimates_api(world, plan):
    pm = client_for(world, "project_manager")
    url = f"/api/v1/estimates/{plan['build'].pk}"
    assert pm.get(url).status_code == 404
    body = {"min": 15, "most_likely": 20, "max": 40, "distribution": "triangular"}
    response = pm.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert pm.get(url).json()["max"] == "40.00"
    assert client_for(world, "analyst").put(url, json.dumps(body), content_type="application/json").status_code == 403
    assert pm.get(f"/api/v1/estimates/{plan['other'].pk}").status_code == 404


def test_snapshot_uses_tasks_estimates_and_links(world, plan):
    services.estimate_set(actor=world.users["project_manager"], task=plan["build"], min=15, most_likely=20, max=40)
    risk = services.risk_create(actor=world.users["project_manager"], project=world.project_a1, title="Rate limits",
                                probability_pct=50, schedule_min=2, schedule_most_likely=5, schedule_max=10,
                                tasks=[plan["build"].pk])
    data = engine_adapter.snapshot(program=world.program_a)
    acts = {a["id"]: a for a in data["activities"]}
    build = f"T{plan['build'].pk}"
    assert data["source"] == "planning"
    assert (acts[build]["min"], acts[build]["most_likely"], acts[build]["max"]) == (15, 20, 40)
    assert acts[f"T{plan['design'].pk}"]["most_likely"] == 10
    assert {"pred": f"T{plan['design'].pk}", "succ": build, "type": "FS", "lag": 0.0} in data["links"]
    assert [r["activity_ids"] for r in data["risks"] if r["id"] == risk.ref] == [[build]]
    assert f"T{plan['golive'].pk}" in [m["id"] for m in data["milestones"]]


def test_simulation_over_tasks(world, plan):
    services.risk_create(actor=world.users["project_manager"], project=world.project_a1, title="Rate limits",
                         probability_pct=100, schedule_min=5, schedule_most_likely=5, schedule_max=5,
                         tasks=[plan["build"].pk])
    run = services.simulation_start(actor=world.users["director"], project=world.project_a1, iterations=1000,
                                    seed=5, enqueue=False)
    assert tasks.execute(run.pk) == "done"
    run.refresh_from_db()
    finish = run.results["finish"]
    # 10 + 20 working days, not started, so from today (or the project start, 12 Jan 2026, if later);
    # the certain 5-day risk pushes every iteration past the plan
    lag = max(int(np.busday_count(date(2026, 1, 12), timezone.localdate())), 0)
    planned = engine_adapter.Dates({"start": "2026-01-12"}).finish(lag + 30)
    assert finish["planned"] == planned
    assert finish["p10"] > planned and finish["prob_planned"] < 0.5
    golive = [m for m in run.results["milestones"] if m["id"] == f"T{plan['golive'].pk}"]
    assert golive and golive[0]["p50"] <= finish["p90"]
    names = [row["name"] for row in run.results["criticality"]]
    assert any("Build" in name for name in names)
