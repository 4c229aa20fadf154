"""The simulation page reads like a report: a short seed, cost from the planned cost of the tasks that
opportunities never take below zero, chart labels without internal ids, grouped numbers, dates that
do not wrap."""

from __future__ import annotations

import json
import re

from pmo.planning import services as planning_services
from pmo.raid import services
from pmo.raid.models import SimulationRun
from pmo.raid.tasks import execute

from ..conftest import client_for
from ..planning.factories import link, task

LONG_NAME = "Migrate the customer master data from the legacy mainframe"


def _done_run(world, **risk_costs) -> SimulationRun:
    a = task(world.project_a1, "Design", 5, cost=1000)
    b = task(world.project_a1, LONG_NAME, 10, cost=500)
    link(a, b)
    planning_services._reschedule_project(world.project_a1)
    services.risk_create(actor=world.users["project_manager"], project=world.project_a1, title="Reuse a licence",
                         kind="opportunity", probability=4, impact=3, probability_pct=90, **risk_costs)
    run = services.simulation_start(actor=world.users["director"], program=world.program_a, iterations=500,
                                    enqueue=False)
    assert execute(run.pk) == "done"
    run.refresh_from_db()
    return run


def test_cost_starts_from_the_planned_cost_and_an_opportunity_never_makes_it_negative(world):
    run = _done_run(world, cost_min=3000, cost_most_likely=4000, cost_max=6000)
    cost = run.results["cost"]
    assert cost["planned"] == 1500.0 and cost["p10"] == 0.0 and min(cost["histogram"]["labels"]) >= 0
    body = client_for(world, "director").get(f"/raid/simulations/{run.pk}/").content.decode()
    basis = re.search(r'data-testid="cost-basis">(.*?)</p>', body, re.S).group(1)
    assert "planned cost of the tasks (EUR 1,500)" in basis and "Budgets are not included yet" in basis
    row = re.search(r'data-testid="cost-row">(.*?)</tr>', body, re.S).group(1)
    assert "Cost (EUR)" in row and "-" not in re.sub(r"<[^>]+>", " ", row)


def test_a_drawn_seed_is_short_and_an_old_long_seed_is_shortened(world):
    run = _done_run(world, cost_min=100, cost_most_likely=200, cost_max=300)
    assert 0 <= run.results["seed"] < 1_000_000
    client = client_for(world, "director")
    body = client.get(f"/raid/simulations/{run.pk}/").content.decode()
    shown = re.search(r'data-testid="seed">(.*?)</span>', body).group(1)
    assert shown == str(run.results["seed"])
    old = "276403917340871023847562093847561029384"
    SimulationRun.objects.filter(pk=run.pk).update(results={**run.results, "seed": int(old)})
    body = client.get(f"/raid/simulations/{run.pk}/").content.decode()
    assert f'<span title="{old}">2764…9384</span>' in body
    SimulationRun.objects.filter(pk=run.pk).update(results={**run.results, "seed": 3141592653})
    assert "seed\">3\u202f141\u202f592\u202f653<" in client.get(f"/raid/simulations/{run.pk}/").content.decode()


def test_chart_labels_name_tasks_without_internal_ids_and_numbers_are_grouped(world):
    run = _done_run(world, cost_min=100, cost_most_likely=200, cost_max=300)
    body = client_for(world, "director").get(f"/raid/simulations/{run.pk}/").content.decode()
    charts = json.loads(re.search(r'<script id="run-charts" type="application/json">(.*?)</script>', body,
                                  re.S).group(1))
    rows = charts["criticality"] + charts["tornado"]
    assert rows and not any(re.match(r"[TPE]\d+\b", r["label"]) for r in rows)
    long = next(r for r in charts["criticality"] if LONG_NAME in r["name"])
    assert long["name"] == f"PA-1 2 {LONG_NAME}" and long["label"].endswith("…") and len(long["label"]) <= 34
    assert any("," in label for label in charts["cost"]["labels"]) and charts["currency"] == "EUR"
    figures = re.search(r'data-testid="run-figures">(.*?)data-testid="cost-row"', body, re.S).group(1)
    assert all('<td class="date' in cell for cell in re.findall(r"<td[^>]*>\d{4}-\d\d-\d\d</td>", figures))
    assert re.findall(r"<td[^>]*>\d{4}-\d\d-\d\d</td>", figures)


def test_the_cli_reports_the_same_short_seed_and_floored_cost(world, capsys):
    from django.core.management import call_command

    _done_run(world, cost_min=3000, cost_most_likely=4000, cost_max=6000)
    call_command("simulate", "--program", "PA", "--iterations", "300")
    out = capsys.readouterr().out
    seed = int(re.search(r"seed (\d+)", out).group(1))
    assert seed < 1_000_000
    cost = re.search(r"^cost\s+(.*)$", out, re.M).group(1).split()
    assert cost[0] == "0" and cost[-1] == "1,500"
