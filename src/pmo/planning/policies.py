"""Who may see and change plans (DESIGN.md section 5).

A plan's rows follow their project: visible when the project is visible, changed by whoever may
change the project (its Project Manager, the Program Manager of its program, the PMO Director).
Baselines are a decision: the Program Manager, the Steering Committee of the program or the
Director sets them. A dependency between two projects is visible when either end is, and changed by
whoever may change both ends. An interface is visible from either end; its provider's side owns it
(see :class:`InterfacePolicy`).
"""

from __future__ import annotations

from django.db.models import Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from .models import Baseline, Calendar, Dependency, Interface, Task


def visible_project_ids(user):
    return project_policy.visible(user).values("pk")


class ProjectPlanPolicy:
    """The plan of one project as a whole: scheduling and baselines."""

    def can_view(self, user, project: Project) -> bool:
        return project_policy.can(user, "view", project)

    def can_change(self, user, project: Project) -> bool:
        return project_policy.can(user, "change", project)

    def can_set_baseline(self, user, project: Project) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        scopes = scopes_of(user)
        return scopes.is_director or scopes.has_program_role(
            project.program_id, Role.PROGRAM_MANAGER, Role.STEERING_COMMITTEE)

    def can_change_program(self, user, program: Program) -> bool:
        return program_policy.can(user, "change", program)


plan_policy = ProjectPlanPolicy()


class TaskPolicy(Policy):
    model = Task

    def visible(self, user, queryset=None):
        queryset = Task.objects.all() if queryset is None else queryset
        if scopes_of(user).sees_everything:
            return queryset
        return queryset.filter(project__in=visible_project_ids(user))

    def can_view(self, user, task):
        return project_policy.can(user, "view", task.project)

    def can_create(self, user, project):
        return project_policy.can(user, "change", project)

    def can_change(self, user, task):
        return project_policy.can(user, "change", task.project)

    can_delete = can_change


class DependencyPolicy(Policy):
    model = Dependency

    def visible(self, user, queryset=None):
        queryset = Dependency.objects.all() if queryset is None else queryset
        if scopes_of(user).sees_everything:
            return queryset
        projects = visible_project_ids(user)
        return queryset.filter(Q(predecessor__project__in=projects) | Q(successor__project__in=projects))

    def can_view(self, user, dependency):
        return (project_policy.can(user, "view", dependency.predecessor.project)
                or project_policy.can(user, "view", dependency.successor.project))

    def can_create(self, user, obj=None):
        return True  # decided per end by the service (both ends' projects must be changeable)

    def can_change(self, user, dependency):
        return (project_policy.can(user, "change", dependency.predecessor.project)
                and project_policy.can(user, "change", dependency.successor.project))

    can_delete = can_change


class BaselinePolicy(Policy):
    model = Baseline

    def visible(self, user, queryset=None):
        queryset = Baseline.objects.all() if queryset is None else queryset
        if scopes_of(user).sees_everything:
            return queryset
        return queryset.filter(project__in=visible_project_ids(user))

    def can_view(self, user, baseline):
        return project_policy.can(user, "view", baseline.project)

    def can_create(self, user, project):
        return plan_policy.can_set_baseline(user, project)

    def can_change(self, user, baseline):
        return plan_policy.can_set_baseline(user, baseline.project)

    can_delete = can_change


class CalendarPolicy(Policy):
    """The portfolio default calendars are the Director's; a project's calendar is its plan's."""

    model = Calendar

    def visible(self, user, queryset=None):
        queryset = Calendar.objects.all() if queryset is None else queryset
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        if scopes_of(user).sees_everything:
            return queryset
        return queryset.filter(Q(project__isnull=True) | Q(project__in=visible_project_ids(user)))

    def can_view(self, user, calendar):
        return calendar.project_id is None or project_policy.can(user, "view", calendar.project)

    def can_create(self, user, project):
        return scopes_of(user).is_director if project is None else project_policy.can(user, "change", project)

    def can_change(self, user, calendar):
        return self.can_create(user, calendar.project)

    can_delete = can_change


class InterfacePolicy(Policy):
    """The provider's side owns an interface and its delivery, the consumer's side acknowledges it, and
    removing one is the program's decision:

    - create and change (every field, the status up to "delivered"): whoever may change the provider
      project (its Project Manager, the Program Manager of its program, the PMO Director);
    - acknowledge (records who and when, with a note; a delivered interface becomes "accepted"):
      whoever may change the consumer project;
    - delete: the Program Manager of the provider's program, or the PMO Director.
    """

    model = Interface
    actions = ("view", "create", "change", "acknowledge", "delete")

    def visible(self, user, queryset=None):
        queryset = Interface.objects.all() if queryset is None else queryset
        if scopes_of(user).sees_everything:
            return queryset
        projects = visible_project_ids(user)
        return queryset.filter(Q(provider__in=projects) | Q(consumer__in=projects))

    def can_view(self, user, interface):
        return (project_policy.can(user, "view", interface.provider)
                or project_policy.can(user, "view", interface.consumer))

    def can_create(self, user, provider: Project):
        return project_policy.can(user, "change", provider)

    def can_change(self, user, interface):
        return project_policy.can(user, "change", interface.provider)

    def can_acknowledge(self, user, interface):
        return project_policy.can(user, "change", interface.consumer)

    def can_delete(self, user, interface):
        return program_policy.can(user, "change", interface.provider.program)


task_policy = TaskPolicy()
dependency_policy = DependencyPolicy()
baseline_policy = BaselinePolicy()
calendar_policy = CalendarPolicy()
interface_policy = InterfacePolicy()
