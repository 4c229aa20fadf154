"""Finance objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in project A1 (own) or B1 (other): a summary task with a leaf under it, a
control account on a second summary task, a project budget with a line and its log, a cost entry, and one
exchange rate; ``ids`` gives the ids the matrix URLs name ({fin_budget}, {fin_line}, ...).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pmo.finance.api import router
from pmo.finance.models import Budget, BudgetChange, BudgetLine, ControlAccount, CostEntry, ExchangeRate
from pmo.planning.models import Task

API_NAMES = {f"api:{op.view_func.__name__}" for view in router.path_operations.values() for op in view.operations}
KEYS = ("fin_budget", "fin_line", "fin_change", "fin_cost", "fin_account", "fin_rate")


def is_finance(name: str) -> bool:
    return name.startswith("finance:") or name in API_NAMES


def _summary(project, name: str) -> tuple[Task, Task]:
    order = Task.objects.filter(project=project).count() * 10 + 10
    parent = Task.objects.create(project=project, name=name, order=order, is_summary=True)
    leaf = Task.objects.create(project=project, name=f"{name} work", parent=parent, order=order + 5, cost=1000)
    return parent, leaf


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_finance", {})
    if scope not in cache:
        project = world.own("project") if scope == "own" else world.other("project")
        free, leaf = _summary(project, "Build")
        accounted, _ = _summary(project, "Run")
        account = ControlAccount.objects.create(project=project, task=accounted)
        budget = Budget.objects.get_or_create(key=Budget.key_for(project), defaults={
            "level": "project", "program": project.program, "project": project, "original": Decimal(100000),
            "approved": Decimal(100000)})[0]  # the procurement matrix may have set it already
        change = BudgetChange.objects.create(budget=budget, amount=Decimal(100000), reason="initial",
                                             status="approved", approved_before=0, approved_after=Decimal(100000))
        line = BudgetLine.objects.create(budget=budget, category="labour", month=date(2026, 3, 1), amount=5000)
        cost = CostEntry.objects.create(program=project.program, project=project, task=leaf, date=date(2026, 3, 2),
                                        amount=Decimal("1200.00"), category="labour")
        rate = ExchangeRate.objects.get_or_create(currency="USD", valid_from=date(2026, 1, 1),
                                                  defaults={"rate": Decimal("0.9")})[0]
        cache[scope] = {"fin_budget": budget, "fin_line": line, "fin_change": change, "fin_cost": cost,
                        "fin_account": account, "fin_rate": rate, "free_summary": free, "leaf": leaf}
    return cache[scope]


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {key: "" for key in KEYS}
    return {key: obj.pk for key, obj in targets(world, scope).items() if key in KEYS}


def etag_object(world, scope: str, name: str):
    objects = {"api:update_cost_entry": "fin_cost", "api:delete_cost_entry": "fin_cost",
               "api:update_budget": "fin_budget", "api:update_budget_line": "fin_line",
               "api:delete_budget_line": "fin_line", "api:update_control_account": "fin_account",
               "api:delete_exchange_rate": "fin_rate"}
    return targets(world, scope)[objects[name]] if name in objects else None


def request_data(world, name: str, scope: str):
    project = world.own("project") if scope == "own" else world.other("project")
    if name in {"finance:cost_entry_create"}:
        return {"date": "2026-03-02", "amount": "250.00", "category": "travel", "kind": "actual",
                "source": "journal"}
    if name in {"finance:project_budget_create", "finance:program_budget_create", "finance:pmo_budget_create"}:
        return {"approved": "50000", "reserve": "5000", "reason": "initial"}
    if name == "finance:budget_change":
        return {"amount": "1000", "reason": "extra travel"}
    if name == "finance:budget_line_create":
        return {"category": "travel", "expenditure": "opex", "month": "2026-04-01", "amount": "300"}
    if name == "finance:control_account_create":
        return {"task": targets(world, scope)["free_summary"].pk, "loading": "linear", "earning": "percent"}
    if name == "finance:control_account_detail":
        return {"as_of": "2026-03-31", "etc": "4000", "note": "re-estimate"}
    if name == "finance:rates":
        return {"currency": "GBP", "valid_from": "2026-01-01", "rate": "1.17"}
    if name == "finance:status_record":
        return {"status_date": "2026-03-31"}
    needs = {"api:create_cost_entry", "api:create_control_account", "api:create_budget_line"}
    found = targets(world, scope) if name in needs else {}
    bodies = {
        "api:create_cost_entry": lambda: {"task": found["leaf"].pk, "date": "2026-03-03", "amount": "99.50",
                                          "category": "materials"},
        "api:update_cost_entry": lambda: {"reference": "INV-7"},
        "api:create_budget": lambda: {"project": project.pk, "approved": "1000"},
        "api:update_budget": lambda: {"notes": "reviewed"},
        "api:request_budget_change": lambda: {"amount": "100", "reason": "more travel"},
        "api:create_budget_line": lambda: {"budget": found["fin_budget"].pk, "category": "travel",
                                           "month": "2026-05-01", "amount": "10"},
        "api:update_budget_line": lambda: {"amount": "20"},
        "api:create_control_account": lambda: {"task": found["free_summary"].pk},
        "api:update_control_account": lambda: {"owner": None},
        "api:create_forecast": lambda: {"as_of": "2026-03-31", "etc": "5000"},
        "api:set_exchange_rate": lambda: {"currency": "GBP", "valid_from": "2026-01-01", "rate": "1.17"},
        "api:record_status": lambda: {"status_date": "2026-03-31"},
    }
    return bodies[name]() if name in bodies else None
