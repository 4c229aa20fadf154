"""Reads of programs and projects, starting from what the user may see, with a fixed query count."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Q, QuerySet

from .models import Program, Project
from .policies import program_policy, project_policy

#: panels of the portfolio overview that apps above portfolio add (stakeholders: the user's overdue engagement
#: actions): ``fn(user)`` answers None (nothing to show) or a dict with ``template`` and that template's context
OVERVIEW_PANELS: list[Callable] = []


def overview_panels(user) -> list[dict]:
    return [panel for panel in (fn(user) for fn in OVERVIEW_PANELS) if panel]


def programs_for(user) -> QuerySet[Program]:
    """Visible programs with the number of projects the user can see in each."""
    visible_projects = project_policy.visible(user).values("pk")
    return (
        program_policy.visible(user)
        .select_related("program_manager")
        .annotate(
            project_count=Count("projects", filter=Q(projects__in=visible_projects), distinct=True),
            active_project_count=Count(
                "projects", filter=Q(projects__in=visible_projects, projects__status="active"), distinct=True
            ),
        )
    )


def projects_for(user, program: Program | None = None) -> QuerySet[Project]:
    queryset = project_policy.visible(user).select_related("program", "project_manager")
    if program is not None:
        queryset = queryset.filter(program=program)
    return queryset


def search(queryset: QuerySet, *, q: str | None = None, status: str | None = None) -> QuerySet:
    """Filter a program or project list by free text on code and name, and by status."""
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if status:
        queryset = queryset.filter(status=status)
    return queryset
