"""Reads of the RAID log, starting from what the user may see, with a query count independent of the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.portfolio.models import Program, Project

from .models import (
    ACTIVE_RISK_STATUSES,
    OPEN_ISSUE_STATUSES,
    Assumption,
    Escalation,
    Issue,
    Risk,
    RiskAction,
    SimulationRun,
)
from .policies import action_policy, assumption_policy, escalation_policy, issue_policy, risk_policy, run_policy


@dataclass(frozen=True)
class Scope:
    """Where a RAID page looks: the whole portfolio, one program, or one project."""

    program: Program | None = None
    project: Project | None = None

    def narrow(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        if self.project is not None:
            return queryset.filter(**{f"{prefix}project": self.project})
        if self.program is not None:
            return queryset.filter(**{f"{prefix}program": self.program})
        return queryset

    @property
    def label(self) -> str:
        if self.project is not None:
            return f"{self.project.code} {self.project.name}"
        if self.program is not None:
            return f"{self.program.code} {self.program.name}"
        return "Portfolio"


def risks_for(user, scope: Scope = Scope()) -> QuerySet[Risk]:
    return scope.narrow(risk_policy.visible(user)).select_related("program", "project", "owner")


def issues_for(user, scope: Scope = Scope()) -> QuerySet[Issue]:
    return scope.narrow(issue_policy.visible(user)).select_related("program", "project", "owner", "source_risk")


def assumptions_for(user, scope: Scope = Scope()) -> QuerySet[Assumption]:
    return scope.narrow(assumption_policy.visible(user)).select_related("program", "project", "owner")


def escalations_for(user, scope: Scope = Scope()) -> QuerySet[Escalation]:
    queryset = escalation_policy.visible(user)
    if scope.project is not None:
        queryset = queryset.filter(Q(risk__project=scope.project) | Q(issue__project=scope.project))
    elif scope.program is not None:
        queryset = queryset.filter(program=scope.program)
    return queryset.select_related("program", "risk", "issue", "risk__project", "issue__project", "escalated_by",
                                   "decided_by")


def actions_for(user) -> QuerySet[RiskAction]:
    return action_policy.visible(user).select_related("risk__program", "risk__project", "owner")


def issue_of(user, risk: Risk) -> Issue | None:
    """The issue an occurred risk became, if the user may see it."""
    return issue_policy.visible(user, Issue.objects.filter(source_risk=risk)).first()


def tasks_of_item(user, item) -> QuerySet[Task]:
    """The plan tasks a risk or issue is linked to, those the user may see."""
    return task_policy.visible(user, item.tasks.select_related("project")).order_by("project__code", "order")


def risks_of_task(user, task: Task) -> QuerySet[Risk]:
    """Risks linked to a task (shown on the task's page through ``planning.selectors.TASK_LINKS``)."""
    return risk_policy.visible(user, task.risks.all()).order_by("-score", "pk")


def issues_of_task(user, task: Task) -> QuerySet[Issue]:
    return issue_policy.visible(user, task.issues.all()).order_by("-raised_on", "pk")


def runs_for(user, scope: Scope = Scope()) -> QuerySet[SimulationRun]:
    return scope.narrow(run_policy.visible(user)).select_related("program", "project")


def heat_map(risks: QuerySet[Risk], *, residual: bool = False) -> list[list[int]]:
    """5x5 counts of active risks: ``grid[0]`` is probability 5 (the top row), columns are impact 1..5."""
    p, i = ("residual_probability", "residual_impact") if residual else ("probability", "impact")
    grid = [[0] * 5 for _ in range(5)]
    rows = (risks.filter(status__in=ACTIVE_RISK_STATUSES, **{f"{p}__isnull": False, f"{i}__isnull": False})
            .order_by().values(p, i).annotate(n=Count("pk")))
    for row in rows:
        grid[5 - row[p]][row[i] - 1] = row["n"]
    return grid


def exposure(risks: QuerySet[Risk]) -> dict:
    """Sum over active threats of probability x most likely impact (cost and schedule), and risk counts."""
    active = risks.filter(status__in=ACTIVE_RISK_STATUSES).order_by()
    money = DecimalField(max_digits=20, decimal_places=4)
    totals = active.aggregate(
        cost=Sum(ExpressionWrapper(F("probability_pct") * F("cost_most_likely") / 100, output_field=money),
                 filter=Q(kind="threat")),
        schedule=Sum(ExpressionWrapper(F("probability_pct") * F("schedule_most_likely") / 100, output_field=money),
                     filter=Q(kind="threat")),
        opportunity=Sum(ExpressionWrapper(F("probability_pct") * F("cost_most_likely") / 100, output_field=money),
                        filter=Q(kind="opportunity")),
        active=Count("pk"),
        critical=Count("pk", filter=Q(rating="critical")),
        high=Count("pk", filter=Q(rating="high")),
        escalated=Count("pk", filter=Q(escalation_level="steering")
                        | Q(project__isnull=False, escalation_level="program")),
    )
    return {k: (v or 0) for k, v in totals.items()}


AGEING_BUCKETS = (("0-7 days", 0, 7), ("8-30 days", 8, 30), ("31-90 days", 31, 90), ("> 90 days", 91, None))


def issue_ageing(issues: QuerySet[Issue], today: date | None = None) -> list[dict]:
    """Open issues by age since raised, in the buckets 0-7, 8-30, 31-90 and > 90 days (one query)."""
    today = today or timezone.localdate()
    aggregates = {}
    for index, (_label, low, high) in enumerate(AGEING_BUCKETS):
        q = Q(raised_on__lte=today.fromordinal(today.toordinal() - low))
        if high is not None:
            q &= Q(raised_on__gte=today.fromordinal(today.toordinal() - high))
        aggregates[f"b{index}"] = Count("pk", filter=q)
    counts = issues.filter(status__in=OPEN_ISSUE_STATUSES).order_by().aggregate(**aggregates)
    return [{"label": label, "count": counts[f"b{i}"]} for i, (label, _l, _h) in enumerate(AGEING_BUCKETS)]
