"""Finance services: the tolerance rule and budget log, cost entries and their refusals, rates, commitments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.finance import commitments, services
from pmo.finance.models import Budget, BudgetChange, ChangeStatus, ControlAccount, CostEntry, ExchangeRate
from pmo.planning.models import Task
from pmo.portfolio.models import Project

from ..planning.factories import task as make_task

pytestmark = pytest.mark.django_db


def _counts():
    return (CostEntry.objects.count(), Budget.objects.count(), BudgetChange.objects.count())


def test_budget_changes_within_tolerance_apply_and_beyond_wait_for_steering(world):
    pm = world.users["program_manager"]
    budget = services.budget_create(actor=pm, target=world.project_a1, approved=Decimal("100000.00"))
    assert budget.original == budget.approved == Decimal("100000.00")
    # program A tolerates 5 %: +3,000 then +2,000 reach exactly 5 % (within), one more cent is beyond
    services.budget_change_request(actor=pm, budget=budget, amount=Decimal("3000"), reason="extra licences")
    change = services.budget_change_request(actor=pm, budget=budget, amount=Decimal("2000"), reason="travel")
    assert change.status == ChangeStatus.APPROVED
    budget.refresh_from_db()
    assert budget.approved == Decimal("105000.00")
    change = services.budget_change_request(actor=pm, budget=budget, amount=Decimal("0.01"), reason="one cent")
    assert change.status == ChangeStatus.AWAITING_STEERING
    assert "beyond tolerance" in change.rule
    budget.refresh_from_db()
    assert budget.approved == Decimal("105000.00")
    # a cut back towards the original is within tolerance again
    change = services.budget_change_request(actor=pm, budget=budget, amount=Decimal("-4000"), reason="descoped")
    assert change.status == ChangeStatus.APPROVED
    log = list(budget.changes.order_by("pk").values_list("amount", "status"))
    assert log[0] == (Decimal("100000.00"), "approved")  # the initial approval is in the log too
    assert len(log) == 5


def test_budget_keepers(world):
    with pytest.raises(PermissionDenied):
        services.budget_create(actor=world.users["steering"], target=world.program_a, approved=1000)
    with pytest.raises(PermissionDenied):  # the PMO budget is the Director's
        services.budget_create(actor=world.users["program_manager"], target=None, approved=1000)
    with pytest.raises(ValidationError) as exc:  # out of scope: unknown, not confirmed
        services.budget_create(actor=world.users["program_manager"], target=world.program_b, approved=1000)
    assert "program" in exc.value.message_dict
    services.budget_create(actor=world.users["director"], target=None, approved=250000)
    assert Budget.objects.get(key="portfolio").level == "portfolio"


def test_cost_entry_on_a_task_joins_its_control_account(world):
    pm = world.users["project_manager"]
    summary = make_task(world.project_a1, "Build")
    leaf = make_task(world.project_a1, "Code", parent=summary)
    Task.objects.filter(pk=summary.pk).update(is_summary=True)
    summary.refresh_from_db()
    early = services.cost_entry_create(actor=pm, task=leaf, date=date(2026, 3, 2), amount=Decimal("1200.50"),
                                       category="labour", source="timesheet", reference="TS-1")
    assert early.control_account is None
    account = services.control_account_create(actor=pm, task=summary, owner=pm)
    early.refresh_from_db()
    assert early.control_account == account  # booked before the account existed, joined it
    later = services.cost_entry_create(actor=pm, task=leaf, date=date(2026, 3, 3), amount="10", category="travel")
    assert later.control_account == account and later.program == world.program_a


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("-1"), "must not be negative"), ("ten", "is not an amount"), (Decimal("1.001"), "two decimal places"),
    (Decimal("NaN"), "finite"),
])
def test_bad_amounts_are_refused_naming_the_field_and_nothing_is_written(world, amount, message):
    leaf = make_task(world.project_a1, "Code")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.cost_entry_create(actor=world.users["project_manager"], task=leaf, date=date(2026, 3, 2),
                                   amount=amount, category="labour")
    assert message in " ".join(exc.value.message_dict["amount"])
    assert _counts() == before


def test_costs_on_closed_projects_and_out_of_scope_tasks_are_refused(world):
    own = make_task(world.project_a1, "Code")
    other = make_task(world.project_b1, "Elsewhere")
    pm = world.users["project_manager"]
    with pytest.raises(ValidationError) as exc:
        services.cost_entry_create(actor=pm, task=other, date=date(2026, 3, 2), amount=1, category="labour")
    assert exc.value.message_dict["task"] == [f"no task with id {other.pk}"]
    Project.objects.filter(pk=world.project_a1.pk).update(status="completed")
    own.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.cost_entry_create(actor=pm, task=own, date=date(2026, 3, 2), amount=1, category="labour")
    assert "closed project" in exc.value.message_dict["task"][0]
    with pytest.raises(PermissionDenied):  # steering reads, never books
        services.cost_entry_create(actor=world.users["steering"], project=world.project_a2, date=date(2026, 3, 2),
                                   amount=1, category="labour")
    assert CostEntry.objects.count() == 0


def test_rates_are_dated_and_a_missing_rate_names_the_currency(world):
    director = world.users["director"]
    services.exchange_rate_set(actor=director, currency="USD", valid_from=date(2026, 1, 1), rate=Decimal("0.9"))
    services.exchange_rate_set(actor=director, currency="USD", valid_from=date(2026, 7, 1), rate=Decimal("0.92"))
    assert services.rate_on("USD", date(2026, 6, 30)) == Decimal("0.9")
    assert services.rate_on("USD", date(2026, 7, 1)) == Decimal("0.92")
    assert services.rate_on("EUR", date(1999, 1, 1)) == 1
    with pytest.raises(ValidationError) as exc:
        services.rate_on("USD", date(2025, 12, 31))
    assert "USD" in exc.value.message_dict["currency"][0]
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(actor=world.users["analyst"], currency="GBP", valid_from=date(2026, 1, 1), rate=1)
    assert ExchangeRate.objects.count() == 2


def test_commitments_come_from_registered_sources(world, monkeypatch):
    monkeypatch.setattr(commitments, "_SOURCES", [])
    rows = [{"project_id": world.project_a1.pk, "category": "services", "amount": Decimal("500.00")},
            {"project_id": world.project_a1.pk, "category": "services", "amount": Decimal("250.25")}]
    commitments.register_source(lambda ids: rows)
    assert commitments.commitments_by_project() == {world.project_a1.pk: {"services": Decimal("750.25")}}


def test_control_account_must_be_a_summary_task(world):
    leaf = make_task(world.project_a1, "Code")
    with pytest.raises(ValidationError) as exc:
        services.control_account_create(actor=world.users["project_manager"], task=leaf)
    assert "task" in exc.value.message_dict
    assert ControlAccount.objects.count() == 0
