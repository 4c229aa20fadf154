"""Who may do what in closure (README "Closure", docs/architecture.md section 4).

- A project's or program's checklist is read by everyone who sees it. The program's Program Manager (and the PMO
  Director) tick the items no app computes, for the program and each of its projects ("closes own checklists").
- The PMO Director overrides a computed item that is not met (with a reason), archives a project or program whose
  checklist is complete (or overridden), and is the only one who unarchives.
- The lessons learned library is read by every signed-in user, across the portfolio: lessons exist to be found by
  the next projects, whatever program they are in (a decision, written in docs/architecture.md).
- Lessons are captured and edited by the Director, the PMO Coordinator (portfolio-wide or of the program), the
  program's Program Manager and, for their projects, Project Managers.
- A project adopts a recommendation through the same people for that project (Director, Coordinator, its Program
  Manager, its Project Manager); the Analyst and the Steering Committee read.
- Everything of an archived project or program is read-only (``pmo.portfolio.archive``): only "view" and
  "unarchive" are answered there.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from .models import Adoption, ChecklistMark, Lesson, MarkKind


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def _program_id(target) -> int:
    return target.pk if isinstance(target, Program) else target.program_id


def sees(user, target) -> bool:
    policy = project_policy if isinstance(target, Project) else program_policy
    return _active(user) and policy.can(user, "view", target)


def closes(user, target) -> bool:
    """The PMO Director, or the Program Manager of the program (of the project)."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return scopes.is_director or scopes.has_program_role(_program_id(target), Role.PROGRAM_MANAGER)


def captures(user, program_id: int, project_id: int | None) -> bool:
    """Director; Coordinator (portfolio-wide or of the program); Program Manager of the program; the project's
    Project Manager."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return (scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles
            or scopes.has_program_role(program_id, Role.PMO_COORDINATOR, Role.PROGRAM_MANAGER)
            or (project_id is not None and scopes.has_project_role(project_id, Role.PROJECT_MANAGER)))


class ClosurePolicy(Policy):
    """Checklist marks, archiving and unarchiving; ``obj`` is the project or program (a mark for ``clear``)."""

    model = ChecklistMark
    actions = ("view", "tick", "override", "clear", "archive", "unarchive")
    read_only_actions = ("view", "unarchive")

    def visible(self, user, queryset=None):
        queryset = ChecklistMark.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(program__in=program_policy.visible(user))

    def can_view(self, user, obj):
        return sees(user, obj.target if isinstance(obj, ChecklistMark) else obj)

    def can_tick(self, user, target):
        return closes(user, target)

    def can_override(self, user, target):
        return _active(user) and scopes_of(user).is_director

    def can_clear(self, user, mark):
        return self.can_override(user, mark) if mark.kind == MarkKind.OVERRIDE else closes(user, mark.target)

    can_archive = can_override
    can_unarchive = can_override


class LessonPolicy(Policy):
    model = Lesson
    actions = ("view", "create", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = Lesson.objects.all() if queryset is None else queryset
        return queryset if _active(user) else queryset.none()

    def can_view(self, user, obj):
        return _active(user)

    def can_create(self, user, target):
        """``target``: the project (or program) the lesson is captured for."""
        if target is None:
            scopes = scopes_of(user)
            return bool(scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles
                        or any(Role.PMO_COORDINATOR in r or Role.PROGRAM_MANAGER in r
                               for r in scopes.program_roles.values())
                        or any(Role.PROJECT_MANAGER in r for r in scopes.project_roles.values()))
        project_id = target.pk if isinstance(target, Project) else None
        return sees(user, target) and captures(user, _program_id(target), project_id)

    def can_change(self, user, lesson):
        return captures(user, lesson.program_id, lesson.project_id)

    can_delete = can_change


class AdoptionPolicy(Policy):
    model = Adoption
    actions = ("view", "create", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = Adoption.objects.all() if queryset is None else queryset
        return queryset if _active(user) else queryset.none()

    def can_view(self, user, obj):
        return _active(user)

    def can_create(self, user, project):
        """``project``: the adopting project."""
        if project is None:
            return lesson_policy.can_create(user, None)
        return sees(user, project) and captures(user, project.program_id, project.pk)

    def can_change(self, user, adoption):
        return captures(user, adoption.project.program_id, adoption.project_id)

    can_delete = can_change


closure_policy = ClosurePolicy()
lesson_policy = LessonPolicy()
adoption_policy = AdoptionPolicy()
