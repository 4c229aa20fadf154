"""Who may see and change the stakeholder register (README "Roles", docs/architecture.md section 4).

- The register of a program is read by everyone who sees the program (the portfolio-wide roles, the program's
  roles and the Project Managers of its projects, who need it for their RACI).
- Stakeholders, groups, assessments and engagement actions are managed by the PMO Director, the PMO Coordinator
  (portfolio-wide or of the program) and the program's Program Manager.
- A project's RACI matrix is edited by those, and by the project's Project Manager.
- Analysts and the Steering Committee read.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.models import Project

from .models import EngagementAction, EngagementAssessment, RaciMatrix, Stakeholder, StakeholderGroup


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def sees_program(user, program_id: int) -> bool:
    scopes = scopes_of(user)
    return _active(user) and (scopes.sees_everything or program_id in scopes.visible_program_ids())


def manages_program(user, program_id: int) -> bool:
    """Director; Coordinator (portfolio-wide or of the program); Program Manager of the program."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return (scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles
            or scopes.has_program_role(program_id, Role.PMO_COORDINATOR, Role.PROGRAM_MANAGER))


def edits_raci(user, project: Project) -> bool:
    return manages_program(user, project.program_id) or (
        _active(user) and scopes_of(user).has_project_role(project.pk, Role.PROJECT_MANAGER))


class ProgramScopedPolicy(Policy):
    """Records that lead to a program through ``prefix``."""

    actions = ("view", "change", "delete")
    prefix = ""

    def _program_id(self, obj) -> int:
        return obj.program_id

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        return queryset.filter(**{f"{self.prefix}program_id__in": scopes.visible_program_ids()})

    def can_view(self, user, obj):
        return sees_program(user, self._program_id(obj))

    def can_change(self, user, obj):
        return manages_program(user, self._program_id(obj))

    can_delete = can_change


class StakeholderPolicy(ProgramScopedPolicy):
    model = Stakeholder


class GroupPolicy(ProgramScopedPolicy):
    model = StakeholderGroup


class AssessmentPolicy(ProgramScopedPolicy):
    model = EngagementAssessment
    prefix = "stakeholder__"

    def _program_id(self, obj):
        return obj.stakeholder.program_id


class ActionPolicy(ProgramScopedPolicy):
    model = EngagementAction
    prefix = "stakeholder__"

    def _program_id(self, obj):
        return obj.stakeholder.program_id


class RaciPolicy(ProgramScopedPolicy):
    model = RaciMatrix
    prefix = "project__"
    actions = ("view", "change")

    def _program_id(self, obj):
        return obj.project.program_id

    def can_change(self, user, obj):
        return edits_raci(user, obj.project)


stakeholder_policy = StakeholderPolicy()
group_policy = GroupPolicy()
assessment_policy = AssessmentPolicy()
action_policy = ActionPolicy()
raci_policy = RaciPolicy()
