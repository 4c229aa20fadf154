"""Who may see and change scope and change requests (README "Roles", docs/architecture.md section 4).

- Scope (deliverables, scope items, scope baselines) follows the project: visible with the project, edited by
  whoever may change the project (its Project Manager, the Program Manager, the Director); a deliverable is
  accepted or rejected by the PMO Director or the program's Program Manager, never by the Project Manager or
  the owner who delivers it, nor by a Coordinator (an administrative role), unless they also hold one of those
  roles. The quality app's acceptance records follow the same rule (``quality.policies.accepts_deliverable``).
- Change requests follow their program: everyone who sees the program reads them; anyone who may change a
  project of the program or the program itself raises, edits (while a draft), submits and assesses them.
- The decision follows the route of the latest assessment: within both tolerances of the program, its Program
  Manager or the Director; beyond either, only the program's Steering Committee.
- Implementing an approved request is for the Program Manager or the Director (it changes plans of record).
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.policies import project_policy

from .models import ChangeRequest, Deliverable, Route, ScopeBaseline, ScopeItem


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def sees_program(user, program_id: int) -> bool:
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return scopes.sees_everything or program_id in scopes.visible_program_ids()


def manages_program(user, program_id: int) -> bool:
    """Director; Coordinator (portfolio-wide or of the program); Program Manager of the program."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return (scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles
            or scopes.has_program_role(program_id, Role.PMO_COORDINATOR, Role.PROGRAM_MANAGER))


def raises_changes(user, program_id: int) -> bool:
    """Who may raise a change request in a program: its managers and the Project Managers of its projects."""
    if manages_program(user, program_id):
        return True
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return any(program == program_id and Role.PROJECT_MANAGER in scopes.project_roles.get(project, ())
               for project, program in scopes.project_programs.items())


def decides(user, program_id: int, route: str) -> bool:
    """Within tolerance: the Program Manager or the Director; beyond: only the Steering Committee."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    if route == Route.STEERING:
        return scopes.has_program_role(program_id, Role.STEERING_COMMITTEE)
    if route == Route.PROGRAM_MANAGER:
        return scopes.is_director or scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)
    return False


def implements(user, program_id: int) -> bool:
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return scopes.is_director or scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)


class ProjectScopedPolicy(Policy):
    """Scope records: they follow their project."""

    actions = ("view", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        if scopes_of(user).sees_everything:
            return queryset
        return queryset.filter(project__in=project_policy.visible(user).values("pk"))

    def can_view(self, user, obj):
        return project_policy.can(user, "view", obj.project)

    def can_change(self, user, obj):
        return project_policy.can(user, "change", obj.project)

    can_delete = can_change


class DeliverablePolicy(ProjectScopedPolicy):
    model = Deliverable
    actions = ("view", "change", "delete", "accept")

    def can_accept(self, user, obj):
        if not _active(user):
            return False
        scopes = scopes_of(user)
        return scopes.is_director or scopes.has_program_role(obj.project.program_id, Role.PROGRAM_MANAGER)


class ScopeItemPolicy(ProjectScopedPolicy):
    model = ScopeItem


class ScopeBaselinePolicy(ProjectScopedPolicy):
    model = ScopeBaseline
    actions = ("view",)


class ChangeRequestPolicy(Policy):
    model = ChangeRequest
    actions = ("view", "change", "submit", "assess", "decide", "implement")

    def visible(self, user, queryset=None):
        queryset = ChangeRequest.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        return queryset.filter(program_id__in=scopes.visible_program_ids())

    def can_view(self, user, obj):
        return sees_program(user, obj.program_id)

    def can_change(self, user, obj):
        return (manages_program(user, obj.program_id)
                or (obj.raised_by_id == user.pk and raises_changes(user, obj.program_id)))

    can_submit = can_change

    def can_assess(self, user, obj):
        return raises_changes(user, obj.program_id)

    def can_decide(self, user, obj):
        return decides(user, obj.program_id, obj.route)

    def can_implement(self, user, obj):
        return implements(user, obj.program_id)


deliverable_policy = DeliverablePolicy()
scope_item_policy = ScopeItemPolicy()
scope_baseline_policy = ScopeBaselinePolicy()
change_request_policy = ChangeRequestPolicy()
