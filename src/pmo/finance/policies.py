"""Who may see and change the money (DESIGN.md section 5, README "Roles").

A project's budget, lines, control accounts, forecasts and cost entries are seen by whoever sees the
project and kept by its Project Manager, the Program Manager of its program and the PMO Director. A
program's budget is seen by the program-level roles and the portfolio-wide readers and kept by its
Program Manager and the Director. The PMO's own budget and the exchange rates are the Director's; the
portfolio-wide readers (Director, Analyst, Coordinator) see the PMO budget, everyone signed in sees the
rates. The Steering Committee reads its programs' money; budget changes beyond the program's cost
tolerance wait for it (``services.budget_change_request``).
"""

from __future__ import annotations

from django.db.models import Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.models import Program, Project

from .models import Budget, BudgetChange, BudgetLine, ControlAccount, CostEntry, ExchangeRate, Forecast


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def sees(user, program_id: int | None, project_id: int | None) -> bool:
    """May the user see the money of this project (or program, or with both None the PMO's)?"""
    scopes = scopes_of(user)
    if scopes.sees_everything:
        return True
    if program_id is None:
        return False
    return program_id in scopes.program_ids() or (project_id is not None and project_id in scopes.project_roles)


def keeps(user, program_id: int | None, project_id: int | None) -> bool:
    """May the user change the money of this project (or program, or the PMO's)?"""
    scopes = scopes_of(user)
    if scopes.is_director:
        return True
    if program_id is None:
        return False
    return (scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)
            or (project_id is not None and scopes.has_project_role(project_id, Role.PROJECT_MANAGER)))


def _ids(target) -> tuple[int | None, int | None]:
    if target is None:
        return None, None
    if isinstance(target, Project):
        return target.program_id, target.pk
    return target.pk, None


def sees_target(user, target: Program | Project | None) -> bool:
    return _active(user) and sees(user, *_ids(target))


def keeps_target(user, target: Program | Project | None) -> bool:
    return _active(user) and keeps(user, *_ids(target))


def scope_q(user, program: str, project: str) -> Q | None:
    """None when the user sees everything, else the Q of rows in their scopes (lookups named by the caller)."""
    scopes = scopes_of(user)
    if scopes.sees_everything:
        return None
    return Q(**{f"{program}__in": scopes.program_ids()}) | Q(**{f"{project}__in": list(scopes.project_roles)})


class _ScopedPolicy(Policy):
    """Rows whose program and project are reached through ``program``/``project`` lookups."""

    program: str = "program_id"
    project: str = "project_id"
    actions = ("view", "change", "delete")

    def _ids_of(self, obj) -> tuple[int | None, int | None]:
        raise NotImplementedError

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        q = scope_q(user, self.program, self.project)
        return queryset if q is None else queryset.filter(q)

    def can_view(self, user, obj):
        return sees(user, *self._ids_of(obj))

    def can_change(self, user, obj):
        return keeps(user, *self._ids_of(obj))

    can_delete = can_change


class BudgetPolicy(_ScopedPolicy):
    model = Budget
    actions = ("view", "change", "request_change")

    def visible(self, user, queryset=None):
        queryset = Budget.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        if scopes_of(user).sees_everything:
            return queryset
        q = scope_q(user, "program_id", "project_id")
        return queryset.filter(q & Q(program__isnull=False))

    def _ids_of(self, budget):
        return budget.program_id, budget.project_id

    can_request_change = _ScopedPolicy.can_change


class BudgetChangePolicy(_ScopedPolicy):
    model = BudgetChange
    actions = ("view",)
    program = "budget__program_id"
    project = "budget__project_id"

    def visible(self, user, queryset=None):
        queryset = BudgetChange.objects.all() if queryset is None else queryset
        return queryset.filter(budget__in=budget_policy.visible(user))

    def _ids_of(self, change):
        return change.budget.program_id, change.budget.project_id


class BudgetLinePolicy(BudgetChangePolicy):
    model = BudgetLine
    actions = ("view", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = BudgetLine.objects.all() if queryset is None else queryset
        return queryset.filter(budget__in=budget_policy.visible(user))

    def _ids_of(self, line):
        return line.budget.program_id, line.budget.project_id


class ControlAccountPolicy(_ScopedPolicy):
    model = ControlAccount
    program = "project__program_id"

    def _ids_of(self, account):
        return account.project.program_id, account.project_id


class ForecastPolicy(_ScopedPolicy):
    model = Forecast
    program = "control_account__project__program_id"
    project = "control_account__project_id"

    def _ids_of(self, forecast):
        project = forecast.control_account.project
        return project.program_id, project.pk


class CostEntryPolicy(_ScopedPolicy):
    model = CostEntry

    def _ids_of(self, entry):
        return entry.program_id, entry.project_id


class ExchangeRatePolicy(Policy):
    """Everyone signed in reads the rates (roll-ups use them); the PMO Director keeps them."""

    model = ExchangeRate

    def visible(self, user, queryset=None):
        queryset = ExchangeRate.objects.all() if queryset is None else queryset
        return queryset if _active(user) else queryset.none()

    def can_view(self, user, obj):
        return _active(user)

    def can_create(self, user, obj):
        return scopes_of(user).is_director

    can_change = can_delete = can_create


budget_policy = BudgetPolicy()
budget_change_policy = BudgetChangePolicy()
budget_line_policy = BudgetLinePolicy()
control_account_policy = ControlAccountPolicy()
forecast_policy = ForecastPolicy()
cost_entry_policy = CostEntryPolicy()
rate_policy = ExchangeRatePolicy()
