"""Every write to the money: policy check, validation, save and audit in one transaction.

The API other apps call (procurement among them) is this module's keyword-only functions:

- :func:`cost_entry_create` records an actual cost or accrual on a task, a control account or a project
  (paying an invoice calls it with ``source="invoice"`` and the invoice number as ``reference``);
- :func:`budget_create`, :func:`budget_change_request` (the budget log and the tolerance rule),
  :func:`budget_line_create` (monthly phasing by category, CAPEX/OPEX, optionally per control account);
- :func:`control_account_create`, :func:`forecast_create` (ETC per control account);
- :func:`exchange_rate_set` and :func:`rate_on` (a currency without a rate for a date is a 422 naming it).

Commitments are read from the apps that own them through :mod:`pmo.finance.commitments`.
Refusals are ``ValidationError`` naming the field (422) or ``PermissionDenied`` (403); a project, task or
control account the actor cannot see is refused as unknown (422 naming the field), never confirmed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.portfolio.models import Portfolio, Program, Project, ProjectStatus
from pmo.portfolio.policies import program_policy, project_policy

from .models import (
    Budget,
    BudgetChange,
    BudgetLevel,
    BudgetLine,
    ChangeStatus,
    ControlAccount,
    CostEntry,
    CostKind,
    CostSource,
    ExchangeRate,
    Forecast,
)
from .policies import (
    budget_change_policy,
    budget_line_policy,
    budget_policy,
    control_account_policy,
    cost_entry_policy,
    forecast_policy,
    keeps_target,
    rate_policy,
)

CLOSED_PROJECT_STATUSES = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
COST_FIELDS = ("task", "control_account", "date", "amount", "category", "kind", "source", "reference", "description")
LINE_FIELDS = ("category", "expenditure", "month", "amount", "description", "control_account")


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _amount(value, field: str = "amount") -> Decimal:
    """``value`` as a Decimal of whole cents, >= 0: anything else is a ValidationError naming ``field``."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not an amount"}) from None
    if not amount.is_finite():
        raise ValidationError({field: "must be a finite amount"})
    if amount < 0:
        raise ValidationError({field: "must not be negative"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "at most two decimal places (cents)"})
    return amount


def _visible(actor, target, field: str):
    """Refuse a program, project, task or control account the actor cannot see as unknown (422)."""
    policy = {Program: program_policy, Project: project_policy, Task: task_policy,
              ControlAccount: control_account_policy}[type(target)]
    if not policy.can(actor, "view", target):
        raise ValidationError({field: f"no {field.replace('_', ' ')} with id {target.pk}"})


def _require_keeper(actor, target, what: str) -> None:
    if not keeps_target(actor, target):
        name = getattr(target, "code", None) or "the PMO"
        raise PermissionDenied(f"you may not change the {what} of {name}")


# --- exchange rates -------------------------------------------------------------------------------------

def portfolio_currency() -> str:
    return Portfolio.default().currency


def rate_on(currency: str, day: date, *, rates: dict | None = None) -> Decimal:
    """Units of the portfolio currency per unit of ``currency`` on ``day`` (the newest rate from then back).

    ``rates`` (currency -> [(valid_from, rate)] newest first, from :func:`rate_table`) saves the query.
    A currency without a rate for the day is a ValidationError naming ``currency``.
    """
    if currency == portfolio_currency():
        return Decimal(1)
    if rates is None:
        found = (ExchangeRate.objects.filter(currency=currency, valid_from__lte=day)
                 .order_by("-valid_from").values_list("rate", flat=True).first())
    else:
        found = next((rate for valid_from, rate in rates.get(currency, ()) if valid_from <= day), None)
    if found is None:
        raise ValidationError({"currency": f"no exchange rate from {currency} to {portfolio_currency()} "
                                           f"on or before {day.isoformat()}: the PMO Director adds one"})
    return found


def rate_table() -> dict[str, list[tuple[date, Decimal]]]:
    """Every rate, newest first per currency (one query)."""
    table: dict[str, list[tuple[date, Decimal]]] = {}
    for currency, valid_from, rate in ExchangeRate.objects.order_by("currency", "-valid_from").values_list(
            "currency", "valid_from", "rate"):
        table.setdefault(currency, []).append((valid_from, rate))
    return table


def exchange_rate_set(*, actor, currency: str, valid_from: date, rate) -> ExchangeRate:
    """Add (or replace the same day's) rate of ``currency``; the PMO Director's."""
    rate_policy.require(actor, "create", None, "only the PMO Director keeps exchange rates")
    if currency == portfolio_currency():
        raise ValidationError({"currency": f"{currency} is the portfolio currency (its rate is 1)"})
    existing = ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).first()
    if existing is not None:
        return update_versioned(actor=actor, obj=existing, changes={"rate": rate}, expected_version=existing.version)
    return create_audited(actor=actor, obj=ExchangeRate(currency=currency, valid_from=valid_from, rate=rate))


def exchange_rate_delete(*, actor, rate: ExchangeRate, expected_version: int) -> None:
    rate_policy.require(actor, "delete", rate, "only the PMO Director keeps exchange rates")
    delete_versioned(actor=actor, obj=rate, expected_version=expected_version)


# --- budgets and the budget log ------------------------------------------------------------------------

def budget_of(target: Program | Project | None) -> Budget | None:
    return Budget.objects.filter(key=Budget.key_for(target)).select_related("program", "project").first()


def budget_create(*, actor, target: Program | Project | None, approved, reserve=Decimal(0), notes: str = "",
                  reason: str = "initial approved budget") -> Budget:
    """Set the first approved budget of a program, a project or (``target`` None) the PMO; logged.

    The first figure is the original budget the program's cost tolerance is measured against. The PMO
    budget is the Director's; a program's its Program Manager's; a project's also its Project Manager's.
    """
    if target is not None:
        _visible(actor, target, "project" if isinstance(target, Project) else "program")
    _require_keeper(actor, target, "budget")
    approved, reserve = _amount(approved, "approved"), _amount(reserve, "reserve")
    if budget_of(target) is not None:
        raise ValidationError({"approved": "this budget is set already: request a change to it"})
    level = (BudgetLevel.PORTFOLIO if target is None else
             BudgetLevel.PROJECT if isinstance(target, Project) else BudgetLevel.PROGRAM)
    program = target.program if isinstance(target, Project) else target
    with transaction.atomic():
        budget = create_audited(actor=actor, obj=Budget(
            key=Budget.key_for(target), level=level, program=program,
            project=target if isinstance(target, Project) else None,
            original=approved, approved=approved, reserve=reserve, notes=notes))
        create_audited(actor=actor, obj=BudgetChange(
            budget=budget, amount=approved, reason=reason or "initial approved budget", status=ChangeStatus.APPROVED,
            approved_before=Decimal(0), approved_after=approved, rule="initial approval"))
    return budget


def budget_update(*, actor, budget: Budget, expected_version: int, **changes) -> Budget:
    """Change the reserve (contingency or management reserve) or the notes; the approved figure moves only
    through :func:`budget_change_request`."""
    _unknown_fields(changes, ("reserve", "notes"))
    budget_policy.require(actor, "change", budget)
    if "reserve" in changes:
        changes["reserve"] = _amount(changes["reserve"], "reserve")
    return update_versioned(actor=actor, obj=budget, changes=changes, expected_version=expected_version)


def tolerance_rule(budget: Budget, amount: Decimal) -> tuple[bool, str]:
    """Does moving ``budget.approved`` by ``amount`` stay within the program's cost tolerance, and the rule.

    Cumulative: the new approved budget may differ from the original by at most
    ``Program.cost_tolerance_pct`` of the original. The PMO budget has no program and no tolerance: the
    Director approves its changes.
    """
    if budget.program_id is None:
        return True, "PMO budget: approved by the PMO Director"
    pct = budget.program.cost_tolerance_pct
    limit = (budget.original * pct / 100).quantize(Decimal("0.01"))
    drift = abs(budget.approved + amount - budget.original)
    verdict = "within" if drift <= limit else "beyond"
    rule = (f"{verdict} tolerance: {drift:,.2f} from the original {budget.original:,.2f}, "
            f"limit {pct}% = {limit:,.2f} ({budget.program.code})")
    return drift <= limit, rule


def budget_change_request(*, actor, budget: Budget, amount, reason: str,
                          expected_version: int | None = None) -> BudgetChange:
    """Move the approved budget by ``amount`` (negative cuts), logged with who, when and why.

    Within the program's cost tolerance the change is approved at once; beyond it, it is recorded as
    awaiting the Steering Committee and the approved figure does not move (the change app routes it).
    """
    budget_policy.require(actor, "request_change", budget)
    try:
        amount = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": f"{amount!r} is not an amount"}) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount == 0:
        raise ValidationError({"amount": "a non-zero amount in cents"})
    if not reason or not reason.strip():
        raise ValidationError({"reason": "say why the budget changes"})
    with transaction.atomic():
        budget = Budget.objects.select_for_update(of=("self",)).select_related("program").get(pk=budget.pk)
        if expected_version is not None and budget.version != expected_version:
            raise StaleVersion(budget.version)
        if budget.approved + amount < 0:
            raise ValidationError({"amount": f"would take the approved budget below zero ({budget.approved:,.2f})"})
        within, rule = tolerance_rule(budget, amount)
        after = budget.approved + amount if within else budget.approved
        change = create_audited(actor=actor, obj=BudgetChange(
            budget=budget, amount=amount, reason=reason.strip(), rule=rule,
            status=ChangeStatus.APPROVED if within else ChangeStatus.AWAITING_STEERING,
            approved_before=budget.approved, approved_after=after))
        if within:
            update_versioned(actor=actor, obj=budget, changes={"approved": after}, expected_version=budget.version,
                             action="budget_change")
    return change


def budget_change_decide(*, actor, change: BudgetChange, approve: bool, expected_version: int,
                         may_decide: bool, refusal: str = "") -> BudgetChange:
    """Approve or reject a budget change awaiting the Steering Committee.

    Who decides is the governance app's rule (``may_decide``, with ``refusal`` as the 403's reason): finance
    knows the money, not the committee. Approving moves the approved budget by the amount (the tolerance was
    the committee's to waive); rejecting leaves it. One transaction, the change and the budget audited.
    """
    budget_change_policy.require(actor, "view", change)
    if not may_decide:
        raise PermissionDenied(refusal or "only the Steering Committee decides this budget change")
    with transaction.atomic():
        change = BudgetChange.objects.select_for_update(of=("self",)).select_related(
            "budget__program").get(pk=change.pk)
        if change.version != expected_version:
            raise StaleVersion(change.version)
        if change.status != ChangeStatus.AWAITING_STEERING:
            raise ValidationError({"status": f"budget change #{change.pk} is {change.get_status_display().lower()}, "
                                             "not awaiting the Steering Committee"})
        budget = Budget.objects.select_for_update(of=("self",)).get(pk=change.budget_id)
        if approve and budget.approved + change.amount < 0:
            raise ValidationError({"amount": f"would take the approved budget below zero ({budget.approved:,.2f})"})
        after = budget.approved + change.amount if approve else budget.approved
        change = update_versioned(actor=actor, obj=change, expected_version=expected_version,
                                  action="approve" if approve else "reject", changes={
                                      "status": ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED,
                                      "approved_before": budget.approved, "approved_after": after})
        if approve:
            update_versioned(actor=actor, obj=budget, changes={"approved": after}, expected_version=budget.version,
                             action="budget_change")
    return change


# --- budget lines ---------------------------------------------------------------------------------------

def _line_values(budget: Budget, data: dict) -> dict:
    if "amount" in data:
        data["amount"] = _amount(data["amount"])
    if data.get("month"):
        data["month"] = data["month"].replace(day=1)
    account = data.get("control_account")
    if account is not None and account.project_id != budget.project_id:
        raise ValidationError({"control_account": "the control account belongs to another project"})
    return data


def budget_line_create(*, actor, budget: Budget, **data) -> BudgetLine:
    _unknown_fields(data, LINE_FIELDS)
    budget_policy.require(actor, "change", budget)
    return create_audited(actor=actor, obj=BudgetLine(budget=budget, **_line_values(budget, data)))


def budget_line_update(*, actor, line: BudgetLine, expected_version: int, **changes) -> BudgetLine:
    _unknown_fields(changes, LINE_FIELDS)
    budget_line_policy.require(actor, "change", line)
    return update_versioned(actor=actor, obj=line, changes=_line_values(line.budget, changes),
                            expected_version=expected_version)


def budget_line_delete(*, actor, line: BudgetLine, expected_version: int) -> None:
    budget_line_policy.require(actor, "delete", line)
    delete_versioned(actor=actor, obj=line, expected_version=expected_version)


# --- control accounts and forecasts --------------------------------------------------------------------

def _descendants(task: Task) -> list[int]:
    """Ids of the tasks under ``task`` (one query for the project's outline)."""
    children: dict[int, list[int]] = {}
    for pk, parent in Task.objects.filter(project_id=task.project_id).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [task.pk]
    while stack:
        for child in children.get(stack.pop(), ()):
            out.append(child)
            stack.append(child)
    return out


def control_account_create(*, actor, task: Task, owner=None, loading: str = "linear",
                           earning: str = "percent") -> ControlAccount:
    """Make a summary task a control account; cost entries already booked under it without an account join it."""
    _visible(actor, task, "task")
    project = task.project
    _require_keeper(actor, project, "control accounts")
    if ControlAccount.objects.filter(task=task).exists():
        raise ValidationError({"task": "this task is a control account already"})
    with transaction.atomic():
        account = create_audited(actor=actor, obj=ControlAccount(project=project, task=task, owner=owner,
                                                                 loading=loading, earning=earning))
        CostEntry.objects.filter(task_id__in=_descendants(task), control_account__isnull=True).update(
            control_account=account, version=F("version") + 1)
    return account


def control_account_update(*, actor, account: ControlAccount, expected_version: int, **changes) -> ControlAccount:
    _unknown_fields(changes, ("owner", "loading", "earning"))
    control_account_policy.require(actor, "change", account)
    return update_versioned(actor=actor, obj=account, changes=changes, expected_version=expected_version)


def control_account_delete(*, actor, account: ControlAccount, expected_version: int) -> None:
    control_account_policy.require(actor, "delete", account)
    delete_versioned(actor=actor, obj=account, expected_version=expected_version)


def forecast_create(*, actor, control_account: ControlAccount, as_of: date, etc, note: str = "") -> Forecast:
    """A new estimate to complete for the control account (the history stays)."""
    control_account_policy.require(actor, "change", control_account,
                                   "you may not forecast the cost of this control account")
    return create_audited(actor=actor, obj=Forecast(control_account=control_account, as_of=as_of,
                                                    etc=_amount(etc, "etc"), note=note))


def forecast_delete(*, actor, forecast: Forecast, expected_version: int) -> None:
    forecast_policy.require(actor, "delete", forecast)
    delete_versioned(actor=actor, obj=forecast, expected_version=expected_version)


# --- actual costs ---------------------------------------------------------------------------------------

def account_of_task(task: Task) -> ControlAccount | None:
    """The control account of the nearest summary task above ``task`` (or the task itself) that is one."""
    parents = dict(Task.objects.filter(project_id=task.project_id).values_list("pk", "parent_id"))
    chain, node = [], task.pk
    while node is not None and len(chain) <= len(parents):
        chain.append(node)
        node = parents.get(node)
    accounts = dict(ControlAccount.objects.filter(task_id__in=chain).values_list("task_id", "pk"))
    pk = next((accounts[t] for t in chain if t in accounts), None)
    return None if pk is None else ControlAccount.objects.get(pk=pk)


def _cost_target(actor, *, project, task, control_account) -> tuple[Project, str]:
    """The project a cost is booked on, checked for visibility, consistency and being open."""
    if task is not None:
        _visible(actor, task, "task")
        field, where = "task", task.project
        if task.is_summary:
            raise ValidationError({"task": "book costs on a work package (a task without subtasks) "
                                           "or on the control account"})
    elif control_account is not None:
        _visible(actor, control_account, "control_account")
        field, where = "control_account", control_account.project
    elif project is not None:
        _visible(actor, project, "project")
        field, where = "project", project
    else:
        raise ValidationError({"task": "give the task (or the control account, or the project) the cost is for"})
    for other, name in ((project, "project"), (control_account, "control_account")):
        if other is None or name == field:
            continue
        other_project = other if name == "project" else other.project
        if other_project.pk != where.pk:
            raise ValidationError({name: f"the {field.replace('_', ' ')} belongs to project {where.code}"})
    if where.status in CLOSED_PROJECT_STATUSES:
        raise ValidationError({field: f"project {where.code} is {where.get_status_display().lower()}: "
                                      "no costs are booked on a closed project"})
    return where, field


def cost_entry_create(*, actor, date: date, amount, category: str, project: Project | None = None,
                      task: Task | None = None, control_account: ControlAccount | None = None,
                      kind: str = CostKind.ACTUAL, source: str = CostSource.JOURNAL, reference: str = "",
                      description: str = "") -> CostEntry:
    """Record an actual cost (or accrual) of a project, on a task, a control account or the project itself.

    ``amount`` is a ``Decimal`` >= 0 in the program's currency. A task's entry joins the control account
    above it. Refused with the field named: an amount that is negative, not a number or finer than a cent;
    a task, control account or project the actor cannot see; a summary task; a closed project.
    """
    where, _field = _cost_target(actor, project=project, task=task, control_account=control_account)
    _require_keeper(actor, where, "costs")
    amount = _amount(amount)
    if task is not None and control_account is None:
        control_account = account_of_task(task)
    elif task is not None and control_account is not None and account_of_task(task) != control_account:
        raise ValidationError({"control_account": "the task is not under this control account"})
    return create_audited(actor=actor, obj=CostEntry(
        program_id=where.program_id, project=where, task=task, control_account=control_account, date=date,
        amount=amount, category=category, kind=kind, source=source, reference=reference, description=description))


def cost_entry_update(*, actor, entry: CostEntry, expected_version: int, **changes) -> CostEntry:
    _unknown_fields(changes, COST_FIELDS)
    cost_entry_policy.require(actor, "change", entry)
    if entry.project.status in CLOSED_PROJECT_STATUSES:
        raise ValidationError({"project": f"project {entry.project.code} is closed: its costs are final"})
    if "amount" in changes:
        changes["amount"] = _amount(changes["amount"])
    if "task" in changes or "control_account" in changes:
        task = changes.get("task", entry.task)
        account = changes.get("control_account", entry.control_account if "task" not in changes else None)
        _cost_target(actor, project=entry.project, task=task, control_account=account)
        if task is not None and account is None:
            changes["control_account"] = account_of_task(task)
    return update_versioned(actor=actor, obj=entry, changes=changes, expected_version=expected_version)


def cost_entry_delete(*, actor, entry: CostEntry, expected_version: int) -> None:
    cost_entry_policy.require(actor, "delete", entry)
    if entry.project.status in CLOSED_PROJECT_STATUSES:
        raise ValidationError({"project": f"project {entry.project.code} is closed: its costs are final"})
    delete_versioned(actor=actor, obj=entry, expected_version=expected_version)


# --- status records -------------------------------------------------------------------------------------

def status_record(*, actor, project: Project, status_date: date):
    """Record the project's earned value figures at ``status_date`` (the trend's points); replaces that date's."""
    from . import engine_adapter
    from .models import EvmSnapshot

    _visible(actor, project, "project")
    _require_keeper(actor, project, "status records")
    result = engine_adapter.project_evm(project, status_date)
    c = result.cost
    with transaction.atomic():
        snapshot, created = EvmSnapshot.objects.update_or_create(
            project=project, status_date=status_date,
            defaults={"bac": c.bac, "pv": c.pv, "ev": c.ev, "ac": c.ac, "eac": c.eac_bottom_up,
                      "recorded_by": actor if getattr(actor, "pk", None) else None})
        audit.record(actor=actor, action="status_record", obj=project, before=None,
                     after={"status_date": status_date.isoformat(), "pv": str(c.pv), "ev": str(c.ev), "ac": str(c.ac)})
    return snapshot
