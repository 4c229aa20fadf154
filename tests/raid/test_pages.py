"""RAID pages render, with query counts that do not grow with the number of rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.raid import services
from pmo.raid.models import Escalation, Issue, Risk, RiskAction, SimulationRun

from ..conftest import client_for
from .matrix import make_items


def _fill(world, n: int):
    """n risks and issues in project A1 (+ one escalation each way), written in bulk."""
    today = timezone.localdate()
    risks = Risk.objects.bulk_create([
        Risk(program=world.program_a, project=world.project_a1, title=f"Risk {k}", probability=1 + k % 5,
             impact=1 + (k * 3) % 5, score=(1 + k % 5) * (1 + (k * 3) % 5), rating="medium",
             residual_probability=1, residual_impact=2, owner=world.users["project_manager"],
             probability_pct=30, cost_min=0, cost_most_likely=1000 * k, cost_max=1000 * k + 5000, schedule_min=0,
             schedule_most_likely=k % 7, schedule_max=10, escalation_level="project")
        for k in range(n)])
    Issue.objects.bulk_create([
        Issue(program=world.program_a, project=world.project_a1, title=f"Issue {k}", owner=world.users["director"],
              raised_on=today - timedelta(days=k * 3)) for k in range(n)])
    Escalation.objects.bulk_create([
        Escalation(program=world.program_a, risk=r, from_level="program", to_level="steering", reason="x",
                   escalated_at=timezone.now(), escalated_by=world.users["program_manager"]) for r in risks])
    RiskAction.objects.bulk_create([RiskAction(risk=r, description="do it") for r in risks])
    SimulationRun.objects.bulk_create([SimulationRun(program=world.program_a, iterations=100, inputs={})
                                       for _ in range(min(n, 50))])
    return risks


PAGES = [
    "/raid/", "/raid/?tab=issues", "/raid/?tab=assumptions", "/raid/?tab=escalations", "/raid/?tab=simulations",
    "/raid/programs/{program}/", "/raid/projects/{project}/", "/raid/projects/{project}/?tab=issues",
    "/raid/escalations/", "/raid/escalations/?level=all&status=all", "/raid/cell/?project={project}&p=3&i=3",
    "/raid/programs/{program}/?sort=-exposure&status=open",
]


def _counts(world, role: str, url: str) -> int:
    client = client_for(world, role)
    client.get("/raid/")  # warm the session, content types and the risk scale
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["director", "project_manager"])
def test_query_count_independent_of_rows(world, page, role):
    url = page.format(program=world.program_a.pk, project=world.project_a1.pk)
    _fill(world, 1)
    one = _counts(world, role, url)
    _fill(world, 100)
    many = _counts(world, role, url)
    assert one == many, f"{url}: {one} queries with 1 row, {many} with 101"
    assert many <= 16, f"{url}: {many} queries"


def test_pinned_query_counts(world):
    """The exact numbers, so a change that adds queries is noticed."""
    _fill(world, 30)
    assert _counts(world, "director", f"/raid/projects/{world.project_a1.pk}/") == 14
    assert _counts(world, "director", "/raid/escalations/") == 4


def test_risk_detail_and_forms(world):
    risk = make_items(world.project_a1)["risk"]
    pm = client_for(world, "project_manager")
    page = pm.get(f"/raid/risks/{risk.pk}/")
    assert page.status_code == 200 and b"It occurred" in page.content
    edit = pm.post(f"/raid/risks/{risk.pk}/edit/", {"title": "Renamed", "category": "resource", "status": "open",
                                                    "kind": "threat", "probability": 5, "impact": 5,
                                                    "version": risk.version, "schedule_min": 9,
                                                    "schedule_most_likely": 3, "schedule_max": 12})
    assert edit.status_code == 422 and b"must not exceed the most likely" in edit.content
    edit = pm.post(f"/raid/risks/{risk.pk}/edit/", {"title": "Renamed", "category": "resource", "status": "open",
                                                    "kind": "threat", "probability": 5, "impact": 5,
                                                    "version": risk.version})
    assert edit.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Renamed" and risk.score == 25
    stale = pm.post(f"/raid/risks/{risk.pk}/edit/", {"title": "x", "category": "resource", "status": "open",
                                                     "kind": "threat", "probability": 1, "impact": 1, "version": 1})
    assert stale.status_code == 409


def test_occur_from_page_creates_issue(world):
    risk = make_items(world.project_a1)["risk"]
    pm = client_for(world, "project_manager")
    response = pm.post(f"/raid/risks/{risk.pk}/occur/", {"version": risk.version})
    assert response.status_code == 302
    assert Issue.objects.filter(source_risk=risk).exists()


def test_heat_map_cell_lists_its_risks(world):
    services.risk_create(actor=world.users["project_manager"], project=world.project_a1, title="Cell risk",
                         probability=2, impact=4)
    pm = client_for(world, "project_manager")
    log = pm.get(f"/raid/projects/{world.project_a1.pk}/")
    assert b'data-testid="cell-0-2-4"' in log.content
    cell = pm.get(f"/raid/cell/?project={world.project_a1.pk}&p=2&i=4", HTTP_HX_REQUEST="true")
    assert b"Cell risk" in cell.content
    assert pm.get(f"/raid/cell/?project={world.project_b1.pk}&p=2&i=4").status_code == 404
    assert pm.get(f"/raid/cell/?project={world.project_a1.pk}&p=9&i=4").status_code == 404


def test_bulk_edit(world):
    risks = _fill(world, 3)
    pm = client_for(world, "project_manager")
    response = pm.post("/raid/bulk/", {"kind": "risk", "ids": [r.pk for r in risks], "status": "mitigating",
                                       "owner": world.users["program_manager"].pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["3 risks updated."]
    assert set(Risk.objects.values_list("status", "owner")) == {("mitigating", world.users["program_manager"].pk)}


def test_run_page_progress_and_compare(world):
    run = SimulationRun.objects.create(program=world.program_a, iterations=500, inputs={}, status="running",
                                       progress=40)
    director = client_for(world, "director")
    page = director.get(f"/raid/simulations/{run.pk}/")
    assert page.status_code == 200 and b'hx-trigger="every 1s"' in page.content
    fragment = director.get(f"/raid/simulations/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert b"40 %" in fragment.content and "HX-Refresh" not in fragment
    SimulationRun.objects.filter(pk=run.pk).update(status="failed", reason="boom")
    fragment = director.get(f"/raid/simulations/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and b"boom" in fragment.content
    done = services.simulation_start(actor=world.users["director"], program=world.program_a, iterations=300,
                                     seed=2, enqueue=False, target_date=date(2027, 1, 29))
    from pmo.raid.tasks import execute

    assert execute(done.pk) == "done"
    page = director.get(f"/raid/simulations/{done.pk}/")
    assert page.status_code == 200 and b"finish-chart" in page.content and b"vendor/echarts" in page.content
    compare = director.get(f"/raid/simulations/compare/?a={done.pk}&b={run.pk}")
    assert compare.status_code == 200 and b"Finish P80" in compare.content
    assert director.get("/raid/simulations/compare/?a=x&b=1").status_code == 404


def _scale_data(**overrides):
    data = {"version": 1, "medium_from": 5, "high_from": 10, "critical_from": 16}
    for level in range(1, 6):
        data |= {f"probability_{level}": f"P level {level}", f"impact_{level}": f"I level {level}"}
    return data | overrides


def test_scale_page_rerates(world):
    risk = services.risk_create(actor=world.users["project_manager"], project=world.project_a1, title="x",
                                probability=3, impact=3)
    assert risk.rating == "medium"
    director = client_for(world, "director")
    assert b"Probability 1" in director.get("/raid/scale/").content
    bad = director.post("/raid/scale/", _scale_data(medium_from=12))
    assert bad.status_code == 422 and b"bands must rise" in bad.content
    assert director.post("/raid/scale/", _scale_data(medium_from=10, high_from=12, critical_from=20)).status_code == 302
    risk.refresh_from_db()
    assert risk.rating == "low"
    assert client_for(world, "analyst").post("/raid/scale/", _scale_data(version=2)).status_code == 403


def test_threshold_form(world):
    pm = client_for(world, "program_manager")
    assert pm.post(f"/raid/programs/{world.program_a.pk}/settings/", {"escalation_threshold": 9}).status_code == 302
    assert services.escalation_threshold(world.program_a.pk) == 9
    page = pm.get(f"/raid/programs/{world.program_a.pk}/")
    assert b'name="escalation_threshold" value="9"' in page.content
