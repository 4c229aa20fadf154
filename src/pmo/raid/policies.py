"""Who may see and change RAID items, escalations and simulation runs (DESIGN.md section 5).

An item is visible when its scope is: a project-level item to whoever sees the project, a
program-level item to whoever holds a program role (project managers see their projects' items
only). The PMO Director edits everything, a Program Manager the RAID of their programs, a
Project Manager that of their projects; Analyst, Coordinator and Steering Committee read. The
Steering Committee (and the Director) decide escalations that reached the steering level.
"""

from __future__ import annotations

from django.db.models import Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.models import Program, Project

from .models import Assumption, Escalation, EscalationLevel, Issue, Risk, RiskAction, RiskScale, SimulationRun


def _scope_q(user, prefix: str = "") -> Q | None:
    """None when the user sees everything, else the Q of items in their scopes."""
    scopes = scopes_of(user)
    if scopes.sees_everything:
        return None
    return (Q(**{f"{prefix}program_id__in": scopes.program_ids()})
            | Q(**{f"{prefix}project_id__in": list(scopes.project_roles)}))


def sees_scope(user, program_id: int, project_id: int | None) -> bool:
    scopes = scopes_of(user)
    return (scopes.sees_everything or program_id in scopes.program_ids()
            or (project_id is not None and project_id in scopes.project_roles))


def edits_scope(user, program_id: int, project_id: int | None) -> bool:
    """Director; Program Manager of the program; Project Manager of the (project-level) item's project."""
    scopes = scopes_of(user)
    return (scopes.is_director or scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)
            or (project_id is not None and scopes.has_project_role(project_id, Role.PROJECT_MANAGER)))


def edits_target(user, target: Program | Project) -> bool:
    """May the user create RAID items (or runs) in this program or project?"""
    if isinstance(target, Project):
        return edits_scope(user, target.program_id, target.pk)
    return edits_scope(user, target.pk, None)


def sees_target(user, target: Program | Project) -> bool:
    if isinstance(target, Project):
        return sees_scope(user, target.program_id, target.pk)
    return sees_scope(user, target.pk, None)


class RaidItemPolicy(Policy):
    actions = ("view", "change", "delete", "escalate")

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        q = _scope_q(user)
        return queryset if q is None else queryset.filter(q)

    def can_view(self, user, obj):
        return sees_scope(user, obj.program_id, obj.project_id)

    def can_change(self, user, obj):
        return edits_scope(user, obj.program_id, obj.project_id)

    can_delete = can_change
    can_escalate = can_change


class RiskPolicy(RaidItemPolicy):
    model = Risk


class IssuePolicy(RaidItemPolicy):
    model = Issue


class AssumptionPolicy(RaidItemPolicy):
    model = Assumption


class RiskActionPolicy(Policy):
    model = RiskAction
    actions = ("view", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = RiskAction.objects.all() if queryset is None else queryset
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        q = _scope_q(user, "risk__")
        return queryset if q is None else queryset.filter(q)

    def can_view(self, user, obj):
        return risk_policy.can_view(user, obj.risk)

    def can_change(self, user, obj):
        return risk_policy.can_change(user, obj.risk)

    can_delete = can_change


class EscalationPolicy(Policy):
    """Escalations are seen with their item; steering-level ones are decided by the Steering Committee."""

    model = Escalation
    actions = ("view", "decide")

    def visible(self, user, queryset=None):
        queryset = Escalation.objects.all() if queryset is None else queryset
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        projects = list(scopes.project_roles)
        return queryset.filter(
            Q(program_id__in=scopes.program_ids()) | Q(risk__project_id__in=projects)
            | Q(issue__project_id__in=projects)
        )

    def can_view(self, user, obj):
        item = obj.item
        return sees_scope(user, item.program_id, item.project_id)

    def can_decide(self, user, obj):
        scopes = scopes_of(user)
        if obj.to_level == EscalationLevel.STEERING:
            return scopes.is_director or scopes.has_program_role(obj.program_id, Role.STEERING_COMMITTEE)
        return scopes.is_director or scopes.has_program_role(obj.program_id, Role.PROGRAM_MANAGER)


class SimulationRunPolicy(Policy):
    """Runs are seen with their program or project; editors of the scope and PMO Analysts start them."""

    model = SimulationRun
    actions = ("view", "start")

    def visible(self, user, queryset=None):
        queryset = SimulationRun.objects.all() if queryset is None else queryset
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        q = _scope_q(user)
        return queryset if q is None else queryset.filter(q)

    def can_view(self, user, obj):
        return sees_scope(user, obj.program_id, obj.project_id)

    def can_start(self, user, target):
        """``target`` is the program or project to simulate."""
        return Role.PMO_ANALYST in scopes_of(user).portfolio_roles or edits_target(user, target)


class RiskScalePolicy(Policy):
    model = RiskScale
    actions = ("view", "change")

    def visible(self, user, queryset=None):
        queryset = RiskScale.objects.all() if queryset is None else queryset
        return queryset if getattr(user, "is_authenticated", False) else queryset.none()

    def can_view(self, user, obj):
        return True

    def can_change(self, user, obj):
        return scopes_of(user).is_director


risk_policy = RiskPolicy()
issue_policy = IssuePolicy()
assumption_policy = AssumptionPolicy()
action_policy = RiskActionPolicy()
escalation_policy = EscalationPolicy()
run_policy = SimulationRunPolicy()
scale_policy = RiskScalePolicy()
