"""Who may see and change the pool, assignments and leveling runs (DESIGN.md section 5, README "Roles").

The pool (people, generic roles, teams, organisations, skills, leave) is one for the whole portfolio: every
signed-in user reads it, the PMO Director manages it, the PMO's own staff included. Cost rates are read by the
Director and the Analyst only. An assignment follows its task: seen with the task's project, made and changed by
whoever changes that plan (Project Manager, Program Manager, Director); demand from a generic role is filled
with a named person by the Program Manager (or the Director). Leveling runs are started by the plan's editors
and the Analyst and seen with the project; only the Program Manager of the program or the Director accepts or
rejects a proposal. What-if scenarios write nothing: the Director, the Analyst and Program Managers run them.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.planning.policies import task_policy, visible_project_ids
from pmo.portfolio.models import Project
from pmo.portfolio.policies import project_policy

from .models import Assignment, CostRate, Leave, LevelingRun, Organisation, Resource, ResourceSkill, Skill, Team


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class PoolPolicy(Policy):
    """Read by everyone signed in; managed by the PMO Director."""

    actions = ("view", "create", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        return queryset if _signed_in(user) else queryset.none()

    def can_view(self, user, obj):
        return True

    def can_create(self, user, obj=None):
        return scopes_of(user).is_director

    can_change = can_create
    can_delete = can_create


class ResourcePolicy(PoolPolicy):
    model = Resource


class TeamPolicy(PoolPolicy):
    model = Team


class OrganisationPolicy(PoolPolicy):
    model = Organisation


class SkillPolicy(PoolPolicy):
    model = Skill


class ResourceSkillPolicy(PoolPolicy):
    model = ResourceSkill


class LeavePolicy(PoolPolicy):
    model = Leave


class CostRatePolicy(Policy):
    model = CostRate
    actions = ("view", "create", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = CostRate.objects.all() if queryset is None else queryset
        return queryset if self.can_list(user) else queryset.none()

    @staticmethod
    def can_list(user) -> bool:
        roles = scopes_of(user).portfolio_roles
        return bool(roles & {Role.PMO_DIRECTOR, Role.PMO_ANALYST})

    def can_view(self, user, obj):
        return self.can_list(user)

    def can_create(self, user, obj=None):
        return scopes_of(user).is_director

    can_change = can_create
    can_delete = can_create


class AssignmentPolicy(Policy):
    model = Assignment
    actions = ("view", "create", "change", "delete", "fill")

    def visible(self, user, queryset=None):
        queryset = Assignment.objects.all() if queryset is None else queryset
        if not _signed_in(user):
            return queryset.none()
        if scopes_of(user).sees_everything:
            return queryset
        return queryset.filter(task__project__in=visible_project_ids(user))

    def can_view(self, user, obj):
        return task_policy.can(user, "view", obj.task)

    def can_create(self, user, task):
        """``task`` is the task to assign to."""
        return task_policy.can(user, "change", task)

    def can_change(self, user, obj):
        return task_policy.can(user, "change", obj.task)

    can_delete = can_change

    def can_fill(self, user, obj):
        """Filling demand from a generic role with a person: the Program Manager's call (or the Director's)."""
        scopes = scopes_of(user)
        return scopes.is_director or scopes.has_program_role(obj.task.project.program_id, Role.PROGRAM_MANAGER)


class LevelingRunPolicy(Policy):
    model = LevelingRun
    actions = ("view", "start", "decide")

    def visible(self, user, queryset=None):
        queryset = LevelingRun.objects.all() if queryset is None else queryset
        if not _signed_in(user):
            return queryset.none()
        if scopes_of(user).sees_everything:
            return queryset
        return queryset.filter(project__in=visible_project_ids(user))

    def can_view(self, user, obj):
        return project_policy.can(user, "view", obj.project)

    def can_start(self, user, project: Project):
        """``project`` is the project to level: its plan's editors, and the Analyst (a proposal changes nothing)."""
        return Role.PMO_ANALYST in scopes_of(user).portfolio_roles or project_policy.can(user, "change", project)

    def can_decide(self, user, obj):
        scopes = scopes_of(user)
        return scopes.is_director or scopes.has_program_role(obj.project.program_id, Role.PROGRAM_MANAGER)


def can_run_what_if(user) -> bool:
    scopes = scopes_of(user)
    return bool(scopes.portfolio_roles & {Role.PMO_DIRECTOR, Role.PMO_ANALYST}) or any(
        Role.PROGRAM_MANAGER in roles for roles in scopes.program_roles.values())


resource_policy = ResourcePolicy()
team_policy = TeamPolicy()
organisation_policy = OrganisationPolicy()
skill_policy = SkillPolicy()
resource_skill_policy = ResourceSkillPolicy()
leave_policy = LeavePolicy()
rate_policy = CostRatePolicy()
assignment_policy = AssignmentPolicy()
run_policy = LevelingRunPolicy()
