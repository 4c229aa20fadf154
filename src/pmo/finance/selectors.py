"""Reads of the money, starting from what the user may see, with a query count independent of the rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import project_policy

from .commitments import commitments_by_project
from .models import Budget, BudgetChange, BudgetLine, Category, ControlAccount, CostEntry, EvmSnapshot, ExchangeRate
from .policies import (
    budget_change_policy,
    budget_line_policy,
    budget_policy,
    control_account_policy,
    cost_entry_policy,
    rate_policy,
)

ZERO = Decimal("0.00")


def budgets_for(user) -> QuerySet[Budget]:
    return budget_policy.visible(user).select_related("program", "project")


def budget_changes_for(user) -> QuerySet[BudgetChange]:
    return budget_change_policy.visible(user).select_related("budget__program", "budget__project", "created_by")


def budget_lines_for(user) -> QuerySet[BudgetLine]:
    return budget_line_policy.visible(user).select_related("budget__program", "budget__project",
                                                           "control_account__task")


def control_accounts_for(user) -> QuerySet[ControlAccount]:
    return control_account_policy.visible(user).select_related("project__program", "task", "owner")


def cost_entries_for(user) -> QuerySet[CostEntry]:
    return cost_entry_policy.visible(user).select_related("project", "program", "task", "control_account__task")


def rates_for(user) -> QuerySet[ExchangeRate]:
    return rate_policy.visible(user)


def visible_projects(user, program: Program | None = None) -> QuerySet[Project]:
    projects = project_policy.visible(user).select_related("program")
    return projects if program is None else projects.filter(program=program)


@dataclass
class Summary:
    """Budget vs committed vs actual by category and by month, for a project, a program or the PMO."""

    currency: str
    categories: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def _lines_of(budgets: QuerySet[Budget]) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(budget__in=budgets).order_by()


def summary(*, budgets: QuerySet[Budget], entries: QuerySet[CostEntry] | None, project_ids: list[int] | None,
            currency: str) -> Summary:
    """The tables of a finance page (five queries whatever the size): by category (budget, committed, actual,
    accrued, remaining) and by month (budget, actual, both cumulative)."""
    budget_by_cat = dict(_lines_of(budgets).values_list("category").annotate(s=Sum("amount")))
    capex = dict(_lines_of(budgets).values_list("expenditure").annotate(s=Sum("amount")))
    actual_by_cat: dict[str, Decimal] = defaultdict(lambda: ZERO)
    accrued_by_cat: dict[str, Decimal] = defaultdict(lambda: ZERO)
    actual_by_month: dict = {}
    if entries is not None:
        for category, kind, amount in entries.order_by().values_list("category", "kind").annotate(s=Sum("amount")):
            (accrued_by_cat if kind == "accrual" else actual_by_cat)[category] += amount
        actual_by_month = dict(entries.order_by().annotate(m=TruncMonth("date")).values_list("m")
                               .annotate(s=Sum("amount")).values_list("m", "s"))
    committed_by_cat: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if project_ids:
        for by_cat in commitments_by_project(project_ids).values():
            for category, amount in by_cat.items():
                committed_by_cat[category] += amount
    rows = []
    for value, label in Category.choices:
        budget = budget_by_cat.get(value) or ZERO
        actual, accrued, committed = actual_by_cat[value], accrued_by_cat[value], committed_by_cat[value]
        rows.append({"category": value, "label": label, "budget": budget, "committed": committed, "actual": actual,
                     "accrued": accrued, "remaining": budget - committed - actual - accrued})
    budget_by_month = dict(_lines_of(budgets).values_list("month").annotate(s=Sum("amount")))
    months = []
    cum_budget = cum_actual = ZERO
    for month in sorted(set(budget_by_month) | set(actual_by_month)):
        actual = actual_by_month.get(month) or ZERO
        budget = budget_by_month.get(month) or ZERO
        cum_budget += budget
        cum_actual += actual
        months.append({"month": month, "budget": budget, "actual": actual, "cum_budget": cum_budget,
                       "cum_actual": cum_actual})
    totals = {name: sum((r[name] for r in rows), ZERO) for name in ("budget", "committed", "actual", "accrued",
                                                                      "remaining")}
    totals["capex"] = capex.get("capex") or ZERO
    totals["opex"] = capex.get("opex") or ZERO
    return Summary(currency=currency, categories=rows, months=months, totals=totals)


def trend(project_ids: list[int]) -> list[dict]:
    """CPI and SPI at each past status date, summed over the projects recorded then (one query)."""
    rows = (EvmSnapshot.objects.filter(project_id__in=project_ids).order_by("status_date").values("status_date")
            .annotate(pv=Sum("pv"), ev=Sum("ev"), ac=Sum("ac")))
    return [{"status_date": r["status_date"], "pv": r["pv"], "ev": r["ev"], "ac": r["ac"],
             "cpi": float(r["ev"] / r["ac"]) if r["ac"] else None,
             "spi": float(r["ev"] / r["pv"]) if r["pv"] else None} for r in rows]
