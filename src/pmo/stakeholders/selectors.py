"""Reads of the stakeholder register, starting from what the user may see, with a query count independent of
the rows."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project

from .gaps import GapPoint, gap_series, month_ends
from .models import (
    OPEN_STATUSES,
    RANK,
    Engagement,
    EngagementAction,
    EngagementAssessment,
    Quadrant,
    RaciMatrix,
    Stakeholder,
    StakeholderGroup,
    quadrant_of,
)
from .policies import action_policy, assessment_policy, group_policy, raci_policy, stakeholder_policy

#: WBS elements one RACI grid shows
MAX_RACI_ROWS = 300


def today() -> date:
    return timezone.localdate()


def stakeholders_for(user) -> QuerySet[Stakeholder]:
    return (stakeholder_policy.visible(user).select_related("program", "project", "owner", "group")
            .annotate(open_actions=Count("actions", filter=Q(actions__status__in=OPEN_STATUSES))))


def groups_for(user) -> QuerySet[StakeholderGroup]:
    return group_policy.visible(user).select_related("program").annotate(member_count=Count("members"))


def assessments_for(user) -> QuerySet[EngagementAssessment]:
    return assessment_policy.visible(user).select_related("stakeholder__program")


def actions_for(user) -> QuerySet[EngagementAction]:
    return action_policy.visible(user).select_related("stakeholder__program", "owner")


def raci_for(user) -> QuerySet[RaciMatrix]:
    return raci_policy.visible(user).select_related("project__program")


def search(queryset: QuerySet[Stakeholder], q: str | None) -> QuerySet[Stakeholder]:
    if not q:
        return queryset
    q = q.strip()
    match = (Q(name__icontains=q) | Q(organisation__icontains=q) | Q(title__icontains=q)
             | Q(group__name__icontains=q) | Q(notes__icontains=q))
    if q.upper().startswith("SH-") and q[3:].isdigit():
        match |= Q(pk=int(q[3:]))
    return queryset.filter(match)


def quadrant_filter(queryset: QuerySet[Stakeholder], quadrant: str | None) -> QuerySet[Stakeholder]:
    """Stakeholders in one quadrant of the power/interest grid (high is 3 or more)."""
    high_power, high_interest = Q(influence__gte=3), Q(interest__gte=3)
    lookups = {Quadrant.MANAGE_CLOSELY: high_power & high_interest,
               Quadrant.KEEP_SATISFIED: high_power & ~high_interest,
               Quadrant.KEEP_INFORMED: ~high_power & high_interest, Quadrant.MONITOR: ~high_power & ~high_interest}
    return queryset.filter(lookups[quadrant]) if quadrant in lookups else queryset


def overdue_actions(user, *, owner=None, day: date | None = None) -> QuerySet[EngagementAction]:
    rows = actions_for(user).filter(status__in=OPEN_STATUSES, due__lt=day or today())
    return rows.filter(owner=owner) if owner is not None else rows


def overdue_panel(user) -> dict | None:
    """The portfolio overview's panel: the user's own overdue engagement actions (portfolio.OVERVIEW_PANELS)."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = list(overdue_actions(user, owner=user).order_by("due", "pk")[:20])
    if not rows:
        return None
    return {"template": "stakeholders/_overdue_panel.html", "actions": rows, "today": today()}


# --- the power/interest grid ---------------------------------------------------------------------

def grid(stakeholders) -> dict:
    """Chart data and table of the power/interest grid (x interest, y influence), one point per stakeholder."""
    points, rows = [], []
    for s in stakeholders:
        quadrant = quadrant_of(s.influence, s.interest)
        label = Quadrant(quadrant).label
        points.append({"name": s.name, "x": s.interest, "y": s.influence, "quadrant": label.lower(),
                       "url": s.get_absolute_url(), "gap": s.gap})
        rows.append((s.name, s.influence, s.interest, label.lower(), s.get_current_engagement_display(),
                     s.get_desired_engagement_display()))
    counts = {q.label: sum(1 for p in points if p["quadrant"] == q.label.lower()) for q in Quadrant}
    return {"points": points, "counts": counts, "table": {
        "caption": "Stakeholders on the power/interest grid",
        "headers": ("Stakeholder", "Influence / power (1-5)", "Interest (1-5)", "Quadrant", "Current", "Desired"),
        "rows": rows}}


# --- engagement over time ------------------------------------------------------------------------

def engagement(program: Program, stakeholders: list[Stakeholder], *, day: date | None = None) -> dict:
    """The gap between current and desired engagement at every month end since the first assessment (and
    today), as chart data and a table; two queries."""
    day = day or today()
    history: dict[int, list[tuple[date, str]]] = {}
    for row in (EngagementAssessment.objects.filter(stakeholder__in=[s.pk for s in stakeholders])
                .order_by("date", "pk").values_list("stakeholder_id", "date", "level")):
        history.setdefault(row[0], []).append((row[1], row[2]))
    first = min((h[0][0] for h in history.values()), default=None)
    points: list[GapPoint] = []
    if first is not None and first <= day:
        points = gap_series({s.pk: s.desired_engagement for s in stakeholders}, history, month_ends(first, day))
    return {
        "points": points,
        "chart": {"days": [p.day.isoformat() for p in points], "gap": [p.total_gap for p in points],
                  "below": [p.below for p in points], "assessed": [p.assessed for p in points]},
        "table": {"caption": f"Engagement gap of {program.code} over time",
                  "headers": ("Date", "Stakeholders assessed", "Below desired level", "Levels to climb (total gap)"),
                  "rows": [(p.day.isoformat(), p.assessed, p.below, p.total_gap) for p in points]},
    }


def history_of(stakeholder: Stakeholder) -> dict:
    """One stakeholder's assessments as a step chart against the desired level, and a table."""
    rows = list(stakeholder.assessments.order_by("date", "pk"))
    levels = [label for _, label in Engagement.choices]
    return {
        "assessments": rows,
        "chart": {"levels": levels, "desired": RANK[stakeholder.desired_engagement],
                  "days": [a.date.isoformat() for a in rows], "ranks": [RANK[a.level] for a in rows]},
        "table": {"caption": f"Engagement of {stakeholder.name} over time",
                  "headers": ("Date", "Level (1 unaware .. 5 leading)", "Desired", "Gap"),
                  "rows": [(a.date.isoformat(), f"{RANK[a.level]} {a.get_level_display().lower()}",
                            RANK[stakeholder.desired_engagement],
                            RANK[stakeholder.desired_engagement] - RANK[a.level]) for a in rows]},
    }


# --- RACI ---------------------------------------------------------------------------------------

def raci_rows(project: Project) -> list[Task]:
    """The project's WBS elements a RACI assigns: summary tasks and the top-level work packages (non-milestone
    tasks without a parent), in outline order."""
    return list(Task.objects.filter(project=project).filter(Q(is_summary=True) | Q(parent__isnull=True,
                                                                                   is_milestone=False))
                .order_by("order", "pk")[:MAX_RACI_ROWS])


def raci_columns(project: Project) -> list[Stakeholder]:
    """Stakeholders of the project's program: program-level ones and those of this project."""
    return list(Stakeholder.objects.filter(program_id=project.program_id)
                .filter(Q(project__isnull=True) | Q(project=project)).order_by("name", "pk"))


def raci_grid(project: Project, matrix: RaciMatrix) -> dict:
    """Rows (WBS elements) x columns (stakeholders) with their roles; rows without an A are flagged."""
    rows, columns = raci_rows(project), raci_columns(project)
    cells = {(c.task_id, c.stakeholder_id): c.role for c in matrix.cells.all()}
    table = []
    for task in rows:
        roles = [cells.get((task.pk, s.pk), "") for s in columns]
        table.append({"task": task, "cells": list(zip(columns, roles, strict=True)), "has_a": "A" in roles,
                      "count_a": roles.count("A"), "empty": not any(roles)})
    return {"rows": table, "columns": columns, "missing_a": [r["task"] for r in table if not r["has_a"]]}
