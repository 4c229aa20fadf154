"""Finance pages: query counts independent of the rows, Excel exports of every table, forms refusing bad input."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.finance.models import CostEntry
from pmo.planning.models import Baseline, BaselineTask, Task

from ..conftest import client_for
from . import matrix

pytestmark = pytest.mark.django_db


def _grow(world, n: int) -> None:
    """n more baselined work packages, each with two cost entries, in project A1."""
    project = world.project_a1
    found = matrix.targets(world, "own")
    baseline = Baseline.objects.filter(project=project).first() or Baseline.objects.create(project=project, name="B")
    tasks = Task.objects.bulk_create([Task(project=project, name=f"WP {k}", parent=found["free_summary"],
                                           order=1000 + k, cost=100, percent_complete=50,
                                           actual_start=date(2026, 3, 2)) for k in range(n)])
    BaselineTask.objects.bulk_create([BaselineTask(baseline=baseline, task=t, name=t.name, start=date(2026, 3, 2),
                                                   finish=date(2026, 3, 20), duration=15, cost=100) for t in tasks])
    CostEntry.objects.bulk_create([CostEntry(program=project.program, project=project, task=t, date=date(2026, 3, d),
                                             amount=Decimal("40.00"), category="labour")
                                   for t in tasks for d in (3, 10)])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


@pytest.mark.parametrize("page", ["project", "program", "overview"])
def test_finance_pages_cost_the_same_queries_for_5_or_200_work_packages(world, page):
    client = client_for(world, "program_manager")
    url = {"project": f"/finance/projects/{world.project_a1.pk}/?status_date=2026-03-31",
           "program": f"/finance/programs/{world.program_a.pk}/?status_date=2026-03-31",
           "overview": "/finance/?status_date=2026-03-31"}[page]
    _grow(world, 5)
    small = _queries(client, url)
    _grow(world, 200)
    assert _queries(client, url) == small
    assert small <= 40


def test_api_evm_query_count_does_not_grow(world):
    client = client_for(world, "director")
    _grow(world, 5)
    small = _queries(client, "/api/v1/portfolio/evm?status_date=2026-03-31")
    _grow(world, 300)
    assert _queries(client, "/api/v1/portfolio/evm?status_date=2026-03-31") == small <= 20


@pytest.mark.parametrize(("url", "sheets"), [
    ("/finance/projects/{project}/?export=xlsx&status_date=2026-03-31",
     {"Earned value", "By category", "By month", "By control account", "S-curve", "Cost entries", "Budget lines",
      "Budget log"}),
    ("/finance/programs/{program}/?export=xlsx&status_date=2026-03-31",
     {"Earned value", "By category", "By month", "By project", "S-curve", "Project budgets", "Budget lines",
      "Budget log"}),
    ("/finance/?export=xlsx&status_date=2026-03-31", {"Earned value", "Projects", "By program", "S-curve"}),
    ("/finance/rates/?export=xlsx", {"Rates"}),
    ("/finance/control-accounts/{account}/?export=xlsx", {"Forecasts", "Cost entries"}),
])
def test_every_finance_table_exports_to_excel(world, url, sheets):
    _grow(world, 3)
    client = client_for(world, "analyst")  # the PMO Analyst reads everything and exports
    account = matrix.targets(world, "own")["fin_account"]
    response = client.get(url.format(project=world.project_a1.pk, program=world.program_a.pk, account=account.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert set(book.sheetnames) == sheets
    if "Cost entries" in sheets and "Budget log" in sheets:  # every entry, not only the page's newest
        assert book["Cost entries"].max_row - 1 == CostEntry.objects.filter(project=world.project_a1).count()


def test_pmo_budget_exports_and_is_the_directors(world):
    director = client_for(world, "director")
    response = director.post("/finance/pmo/budget/new/", {"approved": "500000", "reserve": "0", "reason": "2026"})
    assert response.status_code == 302
    book = load_workbook(io.BytesIO(client_for(world, "analyst").get("/finance/pmo/?export=xlsx").content))
    assert book["Budget log"].max_row == 2
    assert client_for(world, "analyst").get("/finance/pmo/").status_code == 200


def test_cost_form_refuses_bad_amounts_naming_the_field(world):
    client = client_for(world, "project_manager")
    url = f"/finance/projects/{world.project_a1.pk}/costs/new/"
    for amount in ("-10", "abc", "1.234"):
        response = client.post(url, {"date": "2026-03-02", "amount": amount, "category": "labour", "kind": "actual",
                                     "source": "journal"})
        assert response.status_code == 422
        assert response.context["form"].errors.get("amount"), amount
    assert CostEntry.objects.count() == 0


def test_budget_change_beyond_tolerance_says_it_waits_for_steering(world):
    found = matrix.targets(world, "own")
    client = client_for(world, "program_manager")
    response = client.post(f"/finance/budgets/{found['fin_budget'].pk}/change/",
                           {"amount": "20000", "reason": "vendor rates", "version": found["fin_budget"].version},
                           follow=True)
    assert response.status_code == 200
    assert b"Awaiting Steering Committee" in response.content
