"""Finance API: the PMP fence oracle end to end, bad input (422 naming the field, nothing written), roll-ups."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from pmo.finance.models import Budget, CostEntry
from pmo.portfolio.models import Project

from ..conftest import client_for


def call(client, method, path, data=None, **headers):
    return client.generic(method, path, data=json.dumps(data) if data is not None else "",
                          content_type="application/json", **headers)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def fence(client, project) -> list[int]:
    """The PMP fence: four sides of 1,000 each, one working day each in sequence, baselined, then progress
    at the end of day 3 (sides 1 and 2 done, side 3 at 50 %) and actuals 1,000 / 1,200 / 600.

    Source: the fence example of PMI's EVM teaching (e.g. Rita Mulcahy, PMP Exam Prep, "Earned Value
    Analysis" exercise; also Project Management Institute, Practice Standard for Earned Value Management,
    2nd ed., the four-sided fence), as quoted in issue 8."""
    ids = []
    for side in range(1, 5):
        body = ok(call(client, "POST", f"/api/v1/projects/{project.pk}/tasks",
                       {"name": f"Side {side}", "duration": "1", "cost": "1000.00"}), 201)
        if ids:
            ok(call(client, "POST", "/api/v1/dependencies", {"predecessor": ids[-1], "successor": body["id"]}), 201)
        ids.append(body["id"])
    ok(call(client, "POST", f"/api/v1/projects/{project.pk}/schedule"))
    return ids


@pytest.mark.django_db
def test_pmp_fence_through_the_api(world):
    director = client_for(world, "director")
    pm = client_for(world, "project_manager")
    project = world.project_a1  # starts Monday 2026-01-12: the sides are Mon..Thu
    ids = fence(pm, project)
    ok(call(director, "POST", f"/api/v1/projects/{project.pk}/baselines", {"name": "Fence"}), 201)
    days = ["2026-01-12", "2026-01-13", "2026-01-14"]
    progress = zip(ids[:3], days, ["100", "100", "50"], ["1000", "1200", "600.00"], strict=True)
    for task_id, day, percent, cost in progress:
        task = ok(call(pm, "GET", f"/api/v1/tasks/{task_id}"))
        changes = {"actual_start": day, "percent_complete": percent}
        if percent == "100":
            changes["actual_finish"] = day
        ok(call(pm, "PATCH", f"/api/v1/tasks/{task_id}", changes, HTTP_IF_MATCH=f'"{task["version"]}"'))
        ok(call(pm, "POST", "/api/v1/cost-entries", {"task": task_id, "date": day, "amount": cost,
                                                      "category": "labour", "source": "timesheet"}), 201)
    evm = ok(call(pm, "GET", f"/api/v1/projects/{project.pk}/evm?status_date=2026-01-14&period=day"))
    money = {k: Decimal(evm[k]) for k in ("bac", "pv", "ev", "ac", "cv", "sv", "eac_cpi", "eac_remaining_at_budget",
                                           "eac_cpi_spi")}
    assert money == {"bac": 4000, "pv": 3000, "ev": 2500, "ac": 2800, "cv": -300, "sv": -500, "eac_cpi": 4480,
                     "eac_remaining_at_budget": 4300, "eac_cpi_spi": 4816}
    assert round(evm["cpi"], 3) == 0.893 and round(evm["spi"], 3) == 0.833
    assert evm["tcpi_bac"] == pytest.approx(1.25)
    assert evm["es"] == pytest.approx(2.5) and evm["sv_t"] == pytest.approx(-0.5)
    assert round(evm["spi_t"], 3) == 0.833
    assert evm["currency"] == "EUR" and evm["status_date"] == "2026-01-14"
    series = evm["series"]
    assert [s["pv"] for s in series] == ["1000.00", "2000.00", "3000.00", "4000.00"]
    assert [s["ac"] for s in series] == ["1000.00", "2200.00", "2800.00", None]
    assert series[2]["ev"] == "2500.00"
    # the same project rolled up: the program and the portfolio say the same (one project, one currency)
    program = ok(call(pm, "GET", f"/api/v1/programs/{world.program_a.pk}/evm?status_date=2026-01-14"))
    portfolio = ok(call(director, "GET", "/api/v1/portfolio/evm?status_date=2026-01-14"))
    for rollup in (program, portfolio):
        assert [rollup[k] for k in ("bac", "pv", "ev", "ac")] == ["4000.00", "3000.00", "2500.00", "2800.00"]
        assert rollup["es"] == pytest.approx(2.5)


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field"), [
    ({"amount": "-5"}, "amount"), ({"amount": "ten"}, "amount"), ({"amount": "1.005"}, "amount"),
    ({"amount": 1e20}, "amount"), ({"category": "bribes"}, "category"), ({"date": "14/01/2026"}, "date"),
    ({"task": 999999}, "task"), ({"task": None, "project": None}, "task"),
])
def test_bad_cost_entries_name_the_field_and_write_nothing(world, body, field):
    pm = client_for(world, "project_manager")
    task = ok(call(pm, "POST", f"/api/v1/projects/{world.project_a1.pk}/tasks", {"name": "Dig"}), 201)
    payload = {"task": task["id"], "date": "2026-01-14", "amount": "10", "category": "labour", **body}
    response = call(pm, "POST", "/api/v1/cost-entries", payload)
    assert response.status_code == 422, response.content
    assert any(field in e["loc"] for e in response.json()["detail"]), response.json()
    assert CostEntry.objects.count() == 0


@pytest.mark.django_db
def test_out_of_scope_task_and_closed_project(world):
    director = client_for(world, "director")
    pm = client_for(world, "project_manager")
    other = ok(call(director, "POST", f"/api/v1/projects/{world.project_b1.pk}/tasks", {"name": "Theirs"}), 201)
    response = call(pm, "POST", "/api/v1/cost-entries",
                    {"task": other["id"], "date": "2026-01-14", "amount": "10", "category": "labour"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "task"
    Project.objects.filter(pk=world.project_b1.pk).update(status="cancelled")
    response = call(director, "POST", "/api/v1/cost-entries",
                    {"task": other["id"], "date": "2026-01-14", "amount": "10", "category": "labour"})
    assert response.status_code == 422 and "closed project" in response.json()["detail"][0]["msg"]
    assert CostEntry.objects.count() == 0


@pytest.mark.django_db
def test_portfolio_roll_up_converts_and_a_missing_rate_is_a_422(world):
    director = client_for(world, "director")
    world.program_b.currency = "USD"
    world.program_b.save()
    for project, amount in ((world.project_a1, "100.00"), (world.project_b1, "333.33")):
        ok(call(director, "POST", "/api/v1/cost-entries",
                {"project": project.pk, "date": "2026-03-02", "amount": amount, "category": "travel"}), 201)
    response = call(director, "GET", "/api/v1/portfolio/evm?status_date=2026-03-31")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "currency"
    assert "USD" in response.json()["detail"][0]["msg"]
    ok(call(director, "POST", "/api/v1/exchange-rates", {"currency": "USD", "valid_from": "2026-01-01",
                                                          "rate": "0.9"}), 201)
    body = ok(call(director, "GET", "/api/v1/portfolio/evm?status_date=2026-03-31"))
    # 333.33 USD x 0.9 = 299.997 -> 300.00 EUR (half up, per program), plus 100.00 EUR
    assert body["ac"] == "400.00" and body["currency"] == "EUR"
    assert sorted(p["ac"] for p in body["parts"]) == ["100.00", "300.00"]


@pytest.mark.django_db
def test_budget_log_through_the_api(world):
    pgm = client_for(world, "program_manager")
    budget = ok(call(pgm, "POST", "/api/v1/budgets", {"project": world.project_a1.pk, "approved": "200000"}), 201)
    change = ok(call(pgm, "POST", f"/api/v1/budgets/{budget['id']}/changes",
                     {"amount": "15000", "reason": "vendor price rise"}), 201)
    assert change["status"] == "awaiting_steering" and change["approved_after"] == "200000.00"
    change = ok(call(pgm, "POST", f"/api/v1/budgets/{budget['id']}/changes", {"amount": "-5000", "reason": "cut"}),
                201)
    assert change["status"] == "approved"
    log = ok(call(pgm, "GET", f"/api/v1/budgets/{budget['id']}/changes"))
    assert log["count"] == 3
    assert Budget.objects.get().approved == Decimal("195000.00")
    steering = client_for(world, "steering")
    assert call(steering, "POST", f"/api/v1/budgets/{budget['id']}/changes",
                {"amount": "1", "reason": "x"}).status_code == 403
    assert date(2026, 1, 1)  # keeps the import honest for readers: dates are YYYY-MM-DD strings on the wire


@pytest.mark.django_db
def test_bottom_up_eac_uses_forecasts_where_given_and_budget_elsewhere(world):
    """EAC bottom-up = AC + ETC; ETC per control account is its latest forecast up to the status date, else its
    BAC - EV. Hand computation: accounts Build (BAC 1,000, EV 500, forecast 900) and Run (BAC 1,000, EV 0,
    no forecast), AC 800: ETC = 900 + 1,000 = 1,900, EAC = 2,700; the program roll-up says the same."""
    from pmo.finance import services
    from pmo.planning.models import Baseline, BaselineTask, Task

    from .matrix import _summary

    project = world.project_a1
    build, build_leaf = _summary(project, "Build")
    run, run_leaf = _summary(project, "Run")
    Task.objects.filter(pk=build_leaf.pk).update(percent_complete=50, actual_start=date(2026, 3, 2))
    baseline = Baseline.objects.create(project=project, name="B")
    for leaf in (build_leaf, run_leaf):
        BaselineTask.objects.create(baseline=baseline, task=leaf, name=leaf.name, start=date(2026, 3, 2),
                                    finish=date(2026, 3, 6), duration=5, cost=1000)
    director = world.users["director"]
    account = services.control_account_create(actor=director, task=build)
    services.control_account_create(actor=director, task=run)
    services.forecast_create(actor=director, control_account=account, as_of=date(2026, 3, 4), etc=Decimal(900))
    services.forecast_create(actor=director, control_account=account, as_of=date(2026, 3, 9), etc=Decimal(5))
    services.cost_entry_create(actor=director, task=build_leaf, date=date(2026, 3, 3), amount=800, category="labour")
    pm = client_for(world, "project_manager")
    body = ok(call(pm, "GET", f"/api/v1/projects/{project.pk}/evm?status_date=2026-03-06"))
    assert body["eac_bottom_up"] == "2700.00" and body["ev"] == "500.00"
    rollup = ok(call(pm, "GET", f"/api/v1/programs/{world.program_a.pk}/evm?status_date=2026-03-06"))
    assert rollup["eac_bottom_up"] == "2700.00"


@pytest.mark.django_db
def test_control_accounts_choose_the_loading_curve_and_the_ev_technique(world):
    """Two accounts of one 5-day work package each (1,000 baselined, Mon 2 - Fri 6 March 2026), status Wednesday
    (3 of 5 days), both work packages 40 % complete and started. By hand:
    - Build, front-loaded and 50/50: PV = 1,000 x (1 - (1 - 3/5)^2) = 840; EV = 500 (started, not finished);
    - Run, linear and % complete: PV = 600, EV = 400.
    The project and its program say PV 1,440, EV 900; changing Build to 0/100 earns it 0 (EV 400)."""
    from pmo.planning.models import Baseline, BaselineTask, Task

    from .matrix import _summary

    project = world.project_a1
    build, build_leaf = _summary(project, "Build")
    run, run_leaf = _summary(project, "Run")
    Task.objects.filter(pk__in=(build_leaf.pk, run_leaf.pk)).update(percent_complete=40, actual_start=date(2026, 3, 2))
    baseline = Baseline.objects.create(project=project, name="B")
    for leaf in (build_leaf, run_leaf):
        BaselineTask.objects.create(baseline=baseline, task=leaf, name=leaf.name, start=date(2026, 3, 2),
                                    finish=date(2026, 3, 6), duration=5, cost=1000)
    pm = client_for(world, "project_manager")
    account = ok(call(pm, "POST", "/api/v1/control-accounts", {"task": build.pk, "loading": "front",
                                                                "earning": "50/50"}), 201)
    assert (account["loading"], account["earning"]) == ("front", "50/50")
    ok(call(pm, "POST", "/api/v1/control-accounts", {"task": run.pk}), 201)
    body = ok(call(pm, "GET", f"/api/v1/projects/{project.pk}/evm?status_date=2026-03-04"))
    assert (body["pv"], body["ev"]) == ("1440.00", "900.00")
    parts = {p["label"].split()[-1]: (p["pv"], p["ev"]) for p in body["parts"]}
    assert parts == {"Build": ("840.00", "500.00"), "Run": ("600.00", "400.00")}
    rollup = ok(call(pm, "GET", f"/api/v1/programs/{world.program_a.pk}/evm?status_date=2026-03-04"))
    assert (rollup["pv"], rollup["ev"]) == ("1440.00", "900.00")
    bad = call(pm, "PATCH", f"/api/v1/control-accounts/{account['id']}", {"earning": "70/30"},
               HTTP_IF_MATCH=f'"{account["version"]}"')
    assert bad.status_code == 422 and "earning" in bad.content.decode()
    ok(call(pm, "PATCH", f"/api/v1/control-accounts/{account['id']}", {"earning": "0/100"},
            HTTP_IF_MATCH=f'"{account["version"]}"'))
    body = ok(call(pm, "GET", f"/api/v1/projects/{project.pk}/evm?status_date=2026-03-04"))
    assert body["ev"] == "400.00"
