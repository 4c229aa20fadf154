"""Demo money for the demo programs (called at the end of ``pmo.portfolio.demo.load_demo``).

Consistent with the demo plans and their progress at the planning demo's status date: each project's
approved budget is its baselined cost plus contingency, phased by month as the baseline spends it; the phases
are control accounts; actual costs follow the earned value of each started task, monthly timesheets plus
accruals of supplier work, scaled by the project's story (procurement's paid invoices come on top):

- DX-IAM overspends: it costs about a fifth more than it earns (CPI near 0.82), a forecast says so, and a
  budget increase beyond the program's tolerance waits for the Steering Committee;
- ERP-FIN is healthy: slightly under cost, close to plan;
- DX-WF is late: its costs match its earned value, but it has earned behind plan (SPI near 0.9).

Monthly status records since each project started give the CPI/SPI trend. The PMO budget (staff and tools)
and USD/GBP rates complete it. Rows are bulk-inserted with one audit event per project; loading twice
changes nothing (a project that has a budget is left alone).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from pmo.accounts.models import User
from pmo.core import audit
from pmo.planning.demo import STATUS_DATE
from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project

from . import engine_adapter, services
from .models import Budget, BudgetLine, ControlAccount, CostEntry, EvmSnapshot, ExchangeRate

CENT = Decimal("0.01")
#: project -> (actual cost per unit of earned value, extra delay of the earned value) — the stories
STORIES = {"DX-IAM": (Decimal("1.22"), 1.0), "ERP-FIN": (Decimal("0.97"), 1.0), "DX-WF": (Decimal("1.00"), 0.8)}
DEFAULT_FACTOR = Decimal("1.04")
#: monthly budget split of a project: (category, CAPEX/OPEX, share)
SPLIT = [("labour", "opex", Decimal("0.60")), ("services", "capex", Decimal("0.30")), ("licences", "capex", None)]


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_ends(first: date, last: date) -> list[date]:
    out, month = [], _month(first)
    while month <= last:
        end = _next_month(month) - timedelta(days=1)
        out.append(min(end, last))
        month = _next_month(month)
    return out


def _budget(director, project: Project) -> Budget | None:
    result = engine_adapter.project_evm(project, STATUS_DATE, period="month")
    bac = result.cost.bac
    if not bac:
        return None
    budget = services.budget_create(actor=director, target=project, approved=bac,
                                    reserve=(bac * Decimal("0.10")).quantize(CENT), reason="business case approved")
    lines, previous = [], Decimal(0)
    for point in result.series:
        month_total = point["pv"] - previous
        previous = point["pv"]
        if month_total <= 0:
            continue
        rest = month_total
        for category, expenditure, share in SPLIT:
            amount = rest if share is None else (month_total * share).quantize(CENT, ROUND_HALF_UP)
            rest -= amount if share is not None else 0
            lines.append(BudgetLine(budget=budget, category=category, expenditure=expenditure,
                                    month=_month(point["period_end"]), amount=amount, created_by=director,
                                    description=f"{project.code} {category} plan"))
    BudgetLine.objects.bulk_create(lines)
    return budget


def _accounts(director, project: Project) -> dict[int, ControlAccount]:
    """The phases (top-level summary tasks) as control accounts owned by the project manager."""
    accounts = {}
    for task in Task.objects.filter(project=project, parent__isnull=True, is_summary=True).order_by("order"):
        accounts[task.pk] = ControlAccount.objects.create(project=project, task=task, owner=project.project_manager,
                                                          created_by=director)
    return accounts


def _costs(director, project: Project, accounts: dict[int, ControlAccount]) -> list[CostEntry]:
    """Monthly timesheets (labour) and, for longer tasks, an accrual of supplier work (services; the invoices
    themselves come through procurement), from each started
    task's earned value times the project's cost factor, dated across its actual span up to the status date."""
    factor = STORIES.get(project.code, (DEFAULT_FACTOR, 1.0))[0]
    entries = []
    tasks = Task.objects.filter(project=project, is_summary=False, actual_start__isnull=False, cost__isnull=False)
    for n, task in enumerate(tasks.order_by("order")):
        earned = (task.cost * task.percent_complete / 100).quantize(CENT, ROUND_HALF_UP)
        cost = (earned * factor).quantize(CENT, ROUND_HALF_UP)
        if cost <= 0:
            continue
        last = min(task.actual_finish or STATUS_DATE, STATUS_DATE)
        months = _month_ends(task.actual_start, max(last, task.actual_start))
        invoice = (cost * Decimal("0.3")).quantize(CENT) if len(months) > 1 and n % 2 else Decimal(0)
        labour = cost - invoice
        share, rest = (labour / len(months)).quantize(CENT, ROUND_HALF_UP), labour
        account = accounts.get(task.parent_id)
        for k, end in enumerate(months):
            amount = rest if k == len(months) - 1 else share
            rest -= amount
            entries.append(CostEntry(program_id=project.program_id, project=project, task=task,
                                     control_account=account, date=end, amount=amount, category="labour",
                                     source="timesheet", reference=f"TS-{end:%Y%m}-{task.pk}", created_by=director))
        if invoice:
            entries.append(CostEntry(program_id=project.program_id, project=project, task=task,
                                     control_account=account, date=last, amount=invoice, category="services",
                                     kind="accrual", source="journal", reference=f"ACR-{project.code}-{task.pk}",
                                     description=f"Supplier work on {task.name}, accrued", created_by=director))
    CostEntry.objects.bulk_create(entries, batch_size=500)
    return entries


def _snapshots(director, project: Project) -> None:
    """Status records at each month end since the start: PV and AC as they were; EV as the tasks earned it,
    linearly over their actual span (the plan keeps only today's % complete)."""
    slow = STORIES.get(project.code, (DEFAULT_FACTOR, 1.0))[1]
    tasks = list(Task.objects.filter(project=project, is_summary=False, actual_start__isnull=False,
                                     cost__isnull=False).values_list("cost", "percent_complete", "actual_start",
                                                                     "actual_finish"))
    if not tasks or project.start is None:
        return
    rows = []
    for end in [*_month_ends(project.start, STATUS_DATE.replace(day=1) - timedelta(days=1)), STATUS_DATE]:
        if end < project.start + timedelta(days=20) and end != STATUS_DATE:
            continue
        result = engine_adapter.project_evm(project, end, period="month")
        ev = Decimal(0)
        for cost, percent, start, finish in tasks:
            stop = min(finish or STATUS_DATE, STATUS_DATE)
            span = max((stop - start).days, 1)
            done = min(max((end - start).days / span, 0), 1) ** (1 / slow if slow < 1 else 1)
            ev += cost * percent / 100 * Decimal(str(round(done, 4)))
        ev = result.cost.ev if end == STATUS_DATE else min(ev.quantize(CENT), result.cost.ev)
        rows.append(EvmSnapshot(project=project, status_date=end, bac=result.cost.bac, pv=result.cost.pv, ev=ev,
                                ac=result.cost.ac, eac=result.cost.eac_bottom_up, recorded_by=director))
    EvmSnapshot.objects.bulk_create(rows)


def load_finance_demo(director: User) -> dict[str, int]:
    created = {"budgets": 0, "cost_entries": 0}
    with transaction.atomic():
        for currency, rate in (("USD", Decimal("0.92")), ("GBP", Decimal("1.17"))):
            if not ExchangeRate.objects.filter(currency=currency).exists():
                services.exchange_rate_set(actor=director, currency=currency, valid_from=date(2026, 1, 1), rate=rate)
        if services.budget_of(None) is None:
            pmo = services.budget_create(actor=director, target=None, approved=Decimal("660000"),
                                         reason="PMO plan 2026: four staff and the tool licences")
            BudgetLine.objects.bulk_create(
                [BudgetLine(budget=pmo, category="labour", expenditure="opex", month=date(2026, m, 1),
                            amount=Decimal("51000"), description="PMO staff", created_by=director)
                 for m in range(1, 13)]
                + [BudgetLine(budget=pmo, category="licences", expenditure="opex", month=date(2026, m, 1),
                              amount=Decimal("4000"), description="Portfolio tools", created_by=director)
                   for m in range(1, 13)])
        for project in Project.objects.select_related("program", "project_manager").order_by("code"):
            if services.budget_of(project) is not None:
                continue
            budget = _budget(director, project)
            if budget is None:
                continue
            created["budgets"] += 1
            accounts = _accounts(director, project)
            entries = _costs(director, project, accounts)
            created["cost_entries"] += len(entries)
            audit.record(actor=director, action="demo_finance", obj=project, before=None,
                         after={"budget": str(budget.approved), "cost_entries": len(entries)})
            _snapshots(director, project)
        for program in Program.objects.order_by("code"):
            if services.budget_of(program) is not None:
                continue
            total = sum(Budget.objects.filter(program=program, project__isnull=False).values_list("approved",
                                                                                                flat=True))
            if total:
                services.budget_create(actor=director, target=program, approved=total,
                                       reserve=(total * Decimal("0.05")).quantize(CENT),
                                       reason="sum of the project business cases")
                created["budgets"] += 1
        _iam_story(director)
    return created


def _iam_story(director) -> None:
    """DX-IAM's overrun in its budget log and forecasts: one increase within tolerance, one beyond it."""
    project = Project.objects.filter(code="DX-IAM").first()
    budget = services.budget_of(project) if project else None
    if budget is None or budget.changes.count() > 1:
        return
    manager = project.project_manager or director
    services.budget_change_request(actor=director, budget=budget, amount=(budget.original * Decimal("0.03"))
                                   .quantize(CENT), reason="Extra MFA hardware tokens for field staff")
    budget.refresh_from_db()
    services.budget_change_request(actor=director, budget=budget, amount=(budget.original * Decimal("0.15"))
                                   .quantize(CENT), reason="Integrator day rates up 20 % from July; "
                                                           "overrun forecast by the Build control account owner")
    for account in ControlAccount.objects.filter(project=project, task__name__in=["Build", "Test"]):
        services.forecast_create(actor=manager if services.keeps_target(manager, project) else director,
                                 control_account=account, as_of=STATUS_DATE,
                                 etc=(_remaining(account) * Decimal("1.25")).quantize(CENT),
                                 note="remaining work at the current integrator rates")


def _remaining(account: ControlAccount) -> Decimal:
    tasks = Task.objects.filter(parent=account.task, cost__isnull=False).values_list("cost", "percent_complete")
    return sum(((cost * (100 - percent) / 100) for cost, percent in tasks), Decimal(0)).quantize(CENT)
