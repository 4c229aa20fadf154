"""Who may see and change quality records (README "Roles", docs/architecture.md section 4).

- A plan and everything in it (roles, criteria, reviews and results, non-conformances and their actions) is read
  by everyone who sees its scope: a program plan by those who see the program (the portfolio-wide roles, the
  program's roles and the Project Managers of its projects, who deliver against it), a project plan by those who
  see the project.
- They are managed by the PMO Director, the PMO Coordinator (portfolio-wide or of the program), the program's
  Program Manager and, for a project plan, the project's Project Manager. The Analyst and the Steering Committee
  read.
- Deliverables are accepted (or rejected) by the PMO Director or the program's Program Manager: the change app's
  rule, which ``accepts_deliverable`` asks (a deliverable's owner delivers it and does not accept it).
"""

from __future__ import annotations

from django.db.models import Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.change.policies import deliverable_policy
from pmo.core.policies import Policy

from .models import (
    Acceptance,
    CorrectiveAction,
    NonConformance,
    QualityCriterion,
    QualityPlan,
    QualityReview,
    QualityRole,
)


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def scope_q(user, prefix: str = "") -> Q | None:
    """Plans (through ``prefix``) the user sees; None means all of them."""
    scopes = scopes_of(user)
    if scopes.sees_everything:
        return None
    return (Q(**{f"{prefix}program_id__in": scopes.program_ids()})
            | Q(**{f"{prefix}project_id__in": set(scopes.project_roles)})
            | Q(**{f"{prefix}project__isnull": True, f"{prefix}program_id__in": set(scopes.project_programs.values())}))


def sees_scope(user, program_id: int, project_id: int | None) -> bool:
    if not _active(user):
        return False
    scopes = scopes_of(user)
    if scopes.sees_everything or program_id in scopes.program_ids():
        return True
    if project_id is None:
        return program_id in scopes.project_programs.values()
    return project_id in scopes.project_roles


def manages_quality(user, program_id: int, project_id: int | None = None) -> bool:
    """Director; Coordinator (portfolio-wide or of the program); Program Manager of the program; Project Manager
    of the project (project scope only)."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return (scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles
            or scopes.has_program_role(program_id, Role.PMO_COORDINATOR, Role.PROGRAM_MANAGER)
            or (project_id is not None and scopes.has_project_role(project_id, Role.PROJECT_MANAGER)))


def accepts_deliverable(user, deliverable) -> bool:
    """The change app's rule, which its ``deliverable_accept`` enforces: the PMO Director or the program's
    Program Manager (the deliverable's owner delivers it, and does not accept it)."""
    return deliverable_policy.can(user, "accept", deliverable)


def require_accepts_deliverable(user, deliverable) -> None:
    """PermissionDenied naming why (the archive, or who decides) unless :func:`accepts_deliverable`."""
    deliverable_policy.require(user, "accept", deliverable,
                               f"you may not accept or reject deliverables of {deliverable.project.code}")


class PlanScopedPolicy(Policy):
    """Records of a quality plan, reached through ``prefix``."""

    actions = ("view", "change", "delete")
    prefix = "plan__"

    def plan_of(self, obj) -> QualityPlan:
        return obj.plan

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        q = scope_q(user, self.prefix)
        return queryset if q is None else queryset.filter(q)

    def can_view(self, user, obj):
        plan = self.plan_of(obj)
        return sees_scope(user, plan.program_id, plan.project_id)

    def can_change(self, user, obj):
        plan = self.plan_of(obj)
        return manages_quality(user, plan.program_id, plan.project_id)

    can_delete = can_change


class PlanPolicy(PlanScopedPolicy):
    model = QualityPlan
    prefix = ""
    actions = ("view", "change")

    def plan_of(self, obj):
        return obj


class RolePolicy(PlanScopedPolicy):
    model = QualityRole


class CriterionPolicy(PlanScopedPolicy):
    model = QualityCriterion


class ReviewPolicy(PlanScopedPolicy):
    model = QualityReview
    actions = ("view", "change")


class NonConformancePolicy(PlanScopedPolicy):
    model = NonConformance
    actions = ("view", "change")


class CorrectiveActionPolicy(PlanScopedPolicy):
    model = CorrectiveAction
    prefix = "nonconformance__plan__"
    actions = ("view", "change")

    def plan_of(self, obj):
        return obj.nonconformance.plan


class AcceptancePolicy(Policy):
    """Decisions on a deliverable are read by those who see its project; they are records, never changed."""

    model = Acceptance
    actions = ("view",)

    def visible(self, user, queryset=None):
        queryset = Acceptance.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        return queryset.filter(Q(deliverable__project__program_id__in=scopes.program_ids())
                               | Q(deliverable__project_id__in=set(scopes.project_roles)))

    def can_view(self, user, obj):
        project = obj.deliverable.project
        return sees_scope(user, project.program_id, project.pk)


plan_policy = PlanPolicy()
acceptance_policy = AcceptancePolicy()
role_policy = RolePolicy()
criterion_policy = CriterionPolicy()
review_policy = ReviewPolicy()
nc_policy = NonConformancePolicy()
corrective_action_policy = CorrectiveActionPolicy()
