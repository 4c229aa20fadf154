"""Consistency checks of a plan (PMO task 11): what a schedule review would flag.

Two queries per call whatever the plan's size: the tasks, and the links touching them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from pmo.portfolio.models import Program, Project, ProjectStatus

from .models import Dependency, Task

HARD_CONSTRAINTS = {"MSO", "MFO", "SNLT", "FNLT"}  # constraints that can break the logic
CLOSED = {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}


@dataclass(frozen=True)
class Finding:
    kind: str  # open_start, open_end, constraint_conflict, negative_float, late_milestone, closed_link
    severity: str  # error, warning
    task: Task | None
    message: str

    @property
    def label(self) -> str:
        return self.kind.replace("_", " ").capitalize()

    @property
    def project_id(self) -> int | None:
        return self.task.project_id if self.task else None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "severity": self.severity, "task": self.task.pk if self.task else None,
                "project": self.project_id, "message": self.message}


def project_findings(project: Project) -> list[Finding]:
    return _findings(Task.objects.filter(project=project))


def program_findings(program: Program, projects=None) -> list[Finding]:
    """Findings of the program's projects (only ``projects``, a queryset, when given: the visible ones)."""
    tasks = Task.objects.filter(project__program=program)
    if projects is not None:
        tasks = tasks.filter(project__in=projects.values("pk"))
    return _findings(tasks)


def _findings(tasks_qs) -> list[Finding]:
    tasks = list(tasks_qs.select_related("project").order_by("project__code", "order", "pk"))
    ids = [t.pk for t in tasks]
    links = list(Dependency.objects.filter(Q(predecessor__in=ids) | Q(successor__in=ids))
                 .select_related("predecessor__project", "successor__project"))
    has_pred = {d.successor_id for d in links}
    has_succ = {d.predecessor_id for d in links}
    parents = {t.parent_id for t in tasks if t.parent_id}
    leaves = [t for t in tasks if t.pk not in parents]
    findings: list[Finding] = []
    # one open start and one open end per project are the plan's own: the first and last rows of
    # the outline, and whatever starts at the earliest start or finishes at the latest finish
    first: dict[int, object] = {}
    last: dict[int, object] = {}
    first_row: dict[int, int] = {}
    last_row: dict[int, int] = {}
    for t in leaves:
        first_row.setdefault(t.project_id, t.pk)
        last_row[t.project_id] = t.pk
        pinned = t.constraint_type in HARD_CONSTRAINTS
        if t.start and not pinned and (t.project_id not in first or t.start < first[t.project_id]):
            first[t.project_id] = t.start
        if t.finish and not pinned and (t.project_id not in last or t.finish > last[t.project_id]):
            last[t.project_id] = t.finish
    for t in leaves:
        if (t.pk not in has_pred and t.parent_id not in has_pred and t.start != first.get(t.project_id)
                and t.pk != first_row[t.project_id]):
            findings.append(Finding("open_start", "warning", t,
                                    f"{t.label} has no predecessor: nothing drives its start"))
        if (t.pk not in has_succ and t.parent_id not in has_succ and t.finish != last.get(t.project_id)
                and t.pk != last_row[t.project_id]):
            findings.append(Finding("open_end", "warning", t,
                                    f"{t.label} has no successor: its delay would go unnoticed"))
        negative = t.total_float is not None and t.total_float < -1e-6
        if negative and t.constraint_type in HARD_CONSTRAINTS:
            findings.append(Finding(
                "constraint_conflict", "error", t,
                f"{t.label}: constraint {t.constraint_type} {t.constraint_date} breaks the logic "
                f"({t.total_float:g} days of float)"))
        elif negative:
            findings.append(Finding("negative_float", "error", t,
                                    f"{t.label} has negative float ({t.total_float:g} working days)"))
        if t.is_milestone and t.deadline and t.finish and t.finish > t.deadline:
            findings.append(Finding("late_milestone", "error", t,
                                    f"milestone {t.label} is forecast {t.finish} after its deadline {t.deadline}"
                                    f" ({(t.finish - t.deadline).days} days late)"))
    for d in links:
        for end, other in ((d.predecessor, d.successor), (d.successor, d.predecessor)):
            if end.project.status in CLOSED and other.project.status not in CLOSED:
                findings.append(Finding(
                    "closed_link", "warning", other,
                    f"{other.label} is linked to {end.label} of {end.project.get_status_display().lower()} "
                    f"project {end.project.code}"))
    return findings
