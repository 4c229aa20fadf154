"""RAID API conventions: lists, ETag/If-Match, 422 naming fields, 404 outside scope, 202 simulation runs."""

from __future__ import annotations

import json

import pytest

from pmo.core.models import AuditEvent
from pmo.raid.models import Issue, Risk, SimulationRun

from ..conftest import client_for


def _post(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def _patch(client, path, data, **headers):
    return client.patch(path, json.dumps(data), content_type="application/json", **headers)


def test_list_shape_and_scope(world):
    pm = client_for(world, "project_manager")
    director = client_for(world, "director")
    assert _post(pm, "/api/v1/risks", {"project": world.project_a1.pk, "title": "Own"}).status_code == 201
    assert _post(director, "/api/v1/risks", {"project": world.project_b1.pk, "title": "Other"}).status_code == 201
    body = pm.get("/api/v1/risks").json()
    assert set(body) == {"items", "count"} and body["count"] == 1 and body["items"][0]["title"] == "Own"
    assert director.get("/api/v1/risks?status=open&q=oth").json()["count"] == 1
    other = Risk.objects.get(title="Other")
    assert pm.get(f"/api/v1/risks/{other.pk}").status_code == 404


def test_etag_if_match(world):
    pm = client_for(world, "project_manager")
    created = _post(pm, "/api/v1/risks", {"project": world.project_a1.pk, "title": "Cutover slips",
                                          "probability": 2, "impact": 5})
    assert created.status_code == 201 and created["ETag"] == '"1"'
    assert created.json()["score"] == 10 and created.json()["rating"] == "high"
    url = f"/api/v1/risks/{created.json()['id']}"
    assert _patch(pm, url, {"title": "x"}).status_code == 428
    assert _patch(pm, url, {"title": "x"}, HTTP_IF_MATCH='"9"').status_code == 412
    response = _patch(pm, url, {"title": "Cutover weekend slips"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert pm.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert pm.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


@pytest.mark.parametrize(("payload", "field"), [
    ({"schedule_min": 10, "schedule_most_likely": 5, "schedule_max": 20}, "schedule_min"),
    ({"cost_min": 10, "cost_most_likely": 50, "cost_max": 20}, "cost_most_likely"),
    ({"schedule_min": -2, "schedule_most_likely": 5, "schedule_max": 20}, "schedule_min"),
    ({"probability_pct": 150}, "probability_pct"),
    ({"probability_pct": -5}, "probability_pct"),
    ({"probability": 0}, "probability"),
    ({"kind": "threat", "strategy": "exploit"}, "strategy"),
    ({"score": 25}, "score"),
    ({"version": 3}, "version"),
])
def test_bad_input_422_names_field_nothing_written(world, payload, field):
    pm = client_for(world, "project_manager")
    count = AuditEvent.objects.count()
    response = _post(pm, "/api/v1/risks", {"project": world.project_a1.pk, "title": "Bad", **payload})
    assert response.status_code == 422, response.content
    assert any(field in error["loc"] for error in response.json()["detail"]), response.json()
    assert not Risk.objects.exists()
    assert AuditEvent.objects.count() <= count + 1  # at most the risk scale's first-use creation


def test_occur_returns_issue(world):
    pm = client_for(world, "project_manager")
    risk = _post(pm, "/api/v1/risks", {"project": world.project_a1.pk, "title": "Architect leaves"}).json()
    response = _post(pm, f"/api/v1/risks/{risk['id']}/occur", {"note": "gone"})
    assert response.status_code == 201 and response.json()["source_risk"] == risk["id"]
    assert Issue.objects.get().source_risk_id == risk["id"]
    assert _post(pm, f"/api/v1/risks/{risk['id']}/occur", {}).status_code == 422


def test_issue_and_assumption_endpoints(world):
    pm = client_for(world, "project_manager")
    issue = _post(pm, "/api/v1/issues", {"project": world.project_a1.pk, "title": "Rate limits hit",
                                         "severity": "high", "due": "2030-01-01"})
    assert issue.status_code == 201 and issue.json()["escalation_level"] == "program"  # 16 >= 15
    bad = _post(pm, "/api/v1/issues", {"project": world.project_a1.pk, "title": "x", "raised_on": "2026-05-01",
                                       "due": "2026-04-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "due"
    assumption = _post(pm, "/api/v1/assumptions", {"project": world.project_a1.pk, "title": "Budget approved"})
    assert assumption.status_code == 201
    assert pm.get("/api/v1/assumptions").json()["count"] == 1


def test_unknown_owner_is_422(world):
    pm = client_for(world, "project_manager")
    response = _post(pm, "/api/v1/risks", {"project": world.project_a1.pk, "title": "x", "owner": 99999})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "owner"


def test_simulation_start_202_and_poll(world):
    analyst = client_for(world, "analyst")
    response = _post(analyst, "/api/v1/simulations", {"program": world.program_a.pk, "iterations": 500, "seed": 4})
    assert response.status_code == 202
    run = response.json()
    assert run["status"] == "queued" and run["progress"] == 0 and run["results"] is None
    polled = analyst.get(f"/api/v1/simulations/{run['id']}")
    assert polled.status_code == 200 and polled.json()["iterations"] == 500


@pytest.mark.parametrize("iterations", [0, 99, 200_001, 10**12, "many"])
def test_simulation_absurd_iterations_422(world, iterations):
    director = client_for(world, "director")
    response = _post(director, "/api/v1/simulations", {"program": world.program_a.pk, "iterations": iterations})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "iterations"
    assert not SimulationRun.objects.exists()


def test_anonymous_is_401(world):
    assert client_for(world, "anonymous").get("/api/v1/risks").status_code == 401


def test_escalation_endpoints(world):
    pm = client_for(world, "project_manager")
    issue = _post(pm, "/api/v1/issues", {"project": world.project_a1.pk, "title": "Works council objects"}).json()
    assert _post(pm, f"/api/v1/issues/{issue['id']}/escalate", {"reason": ""}).status_code == 422
    assert _post(pm, f"/api/v1/issues/{issue['id']}/escalate", {"reason": "x"},
                 HTTP_IF_MATCH='"7"').status_code == 412
    raised = _post(pm, f"/api/v1/issues/{issue['id']}/escalate", {"reason": "needs the program"})
    assert raised.status_code == 200 and raised.json()["escalation_level"] == "program"
    program_manager = client_for(world, "program_manager")
    raised = _post(program_manager, f"/api/v1/issues/{issue['id']}/escalate", {"reason": "beyond tolerance"})
    assert raised.json()["escalation_level"] == "steering"
    steering = client_for(world, "steering")
    listed = steering.get("/api/v1/escalations?to_level=steering&status=open").json()
    assert listed["count"] == 1 and listed["items"][0]["reason"] == "beyond tolerance"
    escalation = listed["items"][0]["id"]
    decide = {"status": "decided", "decision": "Sponsor meets the works council"}
    assert _post(program_manager, f"/api/v1/escalations/{escalation}/decide", decide).status_code == 403
    assert _post(steering, f"/api/v1/escalations/{escalation}/decide", {"status": "decided"}).status_code == 422
    decided = _post(steering, f"/api/v1/escalations/{escalation}/decide", decide)
    assert decided.status_code == 200 and decided.json()["decided_by"] == world.users["steering"].pk
    other = client_for(world, "director").get(f"/api/v1/escalations?program={world.program_b.pk}")
    assert other.json()["count"] == 0
