"""Who may see and change programs and projects (DESIGN.md section 5)."""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy

from .models import Program, Project


class ProgramPolicy(Policy):
    model = Program
    actions = ("view", "create", "change", "change_status", "delete", "manage_projects")

    def visible(self, user, queryset=None):
        queryset = Program.objects.all() if queryset is None else queryset
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        return queryset.filter(pk__in=scopes.visible_program_ids())

    def can_view(self, user, obj):
        scopes = scopes_of(user)
        return scopes.sees_everything or obj.pk in scopes.visible_program_ids()

    def can_create(self, user, obj):
        return scopes_of(user).is_director

    def can_change(self, user, program):
        scopes = scopes_of(user)
        return scopes.is_director or scopes.has_program_role(program.pk, Role.PROGRAM_MANAGER)

    def can_change_status(self, user, program):
        """Starting, holding and closing a program is the PMO Director's decision."""
        return scopes_of(user).is_director

    can_delete = can_change_status

    def can_manage_projects(self, user, program):
        """Create projects in the program, or move projects into it."""
        return self.can_change(user, program)


class ProjectPolicy(Policy):
    model = Project
    actions = ("view", "change", "reassign", "delete")

    def visible(self, user, queryset=None):
        queryset = Project.objects.all() if queryset is None else queryset
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        return queryset.filter(program_id__in=scopes.program_ids()) | queryset.filter(pk__in=scopes.project_roles)

    def can_view(self, user, project):
        scopes = scopes_of(user)
        return (scopes.sees_everything or project.program_id in scopes.program_ids()
                or project.pk in scopes.project_roles)

    def can_change(self, user, project):
        return self.can_reassign(user, project) or scopes_of(user).has_project_role(project.pk, Role.PROJECT_MANAGER)

    def can_reassign(self, user, project):
        """Move the project to another program, name its manager, or delete it: program-level decisions."""
        return program_policy.can_manage_projects(user, project.program)

    can_delete = can_reassign


program_policy = ProgramPolicy()
project_policy = ProjectPolicy()
