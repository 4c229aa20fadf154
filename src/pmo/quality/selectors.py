"""Reads of quality records, starting from what the user may see, with a query count independent of the rows;
the criteria status the governance gates read, the program's quality metrics and the overdue-actions panel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from pmo.portfolio.models import Program, Project

from .models import (
    HOURS_PER_DAY,
    OPEN_NC,
    Acceptance,
    AcceptanceDecision,
    CorrectiveAction,
    CorrectiveActionStatus,
    CriterionResult,
    NcSeverity,
    NonConformance,
    QualityCriterion,
    QualityPlan,
    QualityReview,
    QualityRole,
    ReviewStatus,
)
from .policies import (
    acceptance_policy,
    corrective_action_policy,
    criterion_policy,
    nc_policy,
    plan_policy,
    review_policy,
    role_policy,
)

#: open non-conformances by age: (label, first day, last day or None)
AGE_BANDS = (("0-30 days", 0, 30), ("31-60 days", 31, 60), ("61-90 days", 61, 90), ("over 90 days", 91, None))


def today() -> date:
    return timezone.localdate()


def plans_for(user) -> QuerySet[QualityPlan]:
    return plan_policy.visible(user).select_related("program", "project")


def roles_for(user) -> QuerySet[QualityRole]:
    return role_policy.visible(user).select_related("plan", "user")


def criteria_for(user) -> QuerySet[QualityCriterion]:
    return criterion_policy.visible(user).select_related("plan__program", "plan__project")


def reviews_for(user) -> QuerySet[QualityReview]:
    return review_policy.visible(user).select_related("plan__program", "plan__project", "reviewer")


def nonconformances_for(user) -> QuerySet[NonConformance]:
    return (nc_policy.visible(user).select_related("plan__program", "plan__project", "owner", "criterion")
            .annotate(open_actions=Count("actions", filter=Q(actions__status=CorrectiveActionStatus.OPEN))))


def actions_for(user) -> QuerySet[CorrectiveAction]:
    return corrective_action_policy.visible(user).select_related("nonconformance__plan__program", "owner")


def search(queryset: QuerySet[NonConformance], q: str | None) -> QuerySet[NonConformance]:
    if not q:
        return queryset
    q = q.strip()[:200]
    match = Q(title__icontains=q) | Q(description__icontains=q) | Q(root_cause__icontains=q)
    if q.upper().startswith("NC-") and q[3:].isdigit() and len(q) < 20:
        match |= Q(pk=int(q[3:]))
    return queryset.filter(match)


def in_scope(queryset: QuerySet, scope: Program | Project, prefix: str = "plan__") -> QuerySet:
    """Rows of a program (all its plans, program and projects) or of one project's plan."""
    if isinstance(scope, Project):
        return queryset.filter(**{f"{prefix}project": scope})
    return queryset.filter(**{f"{prefix}program": scope})


# --- gate evidence ----------------------------------------------------------------------------------------

@dataclass
class CriteriaStatus:
    """Criteria of a scope: met (passed), not met (failed), open (not assessed yet), and the failing ones."""

    met: int = 0
    not_met: int = 0
    open: int = 0
    failing: list[QualityCriterion] = field(default_factory=list)
    unassessed: list[QualityCriterion] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.met + self.not_met + self.open

    @property
    def all_met(self) -> bool:
        return self.not_met == 0 and self.open == 0


def criteria_status(scope: Program | Project, *, gate_only: bool = True, limit: int = 50,
                    user=None) -> CriteriaStatus:
    """The status of the quality criteria of a program (every plan in it) or a project (its plan): counts of
    met / not met / open, and the first ``limit`` failing and unassessed criteria. ``gate_only`` (the default,
    what a governance gate reads) counts only criteria marked as gate criteria. Three queries. With ``user``,
    only the criteria that user sees count (a Project Manager sees the program's plan and their own project's)."""
    rows = in_scope(QualityCriterion.objects.all() if user is None else criterion_policy.visible(user), scope)
    if gate_only:
        rows = rows.filter(gate=True)
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    found = CriteriaStatus(met=counts.get(CriterionResult.PASS, 0), not_met=counts.get(CriterionResult.FAIL, 0),
                           open=counts.get(CriterionResult.NOT_ASSESSED, 0))
    ordered = rows.select_related("plan__program", "plan__project").order_by("pk")
    found.failing = list(ordered.filter(status=CriterionResult.FAIL)[:limit])
    found.unassessed = list(ordered.filter(status=CriterionResult.NOT_ASSESSED)[:limit])
    return found


# --- metrics ----------------------------------------------------------------------------------------------

def age_band(days: int) -> str:
    for label, low, high in AGE_BANDS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BANDS[0][0]  # detected in the future: counts as new


def open_by_age(nonconformances, day: date) -> dict:
    """Open non-conformances per age band x severity (rows are (detected_on, severity) pairs)."""
    grid = {label: {s: 0 for s in NcSeverity.values} for label, _, _ in AGE_BANDS}
    for detected_on, severity in nonconformances:
        grid[age_band((day - detected_on).days)][severity] += 1
    return grid


def _base(model, policy, user) -> QuerySet:
    return model.objects.all() if user is None else policy.visible(user)


def metrics(scope: Program | Project, *, day: date | None = None, user=None) -> dict:
    """First-pass acceptance, open non-conformances by age and severity, rework effort, criteria and reviews of
    a program (or project), of what ``user`` sees when given. A fixed number of queries."""
    day = day or today()
    ncs = in_scope(_base(NonConformance, nc_policy, user), scope)
    grid = open_by_age(ncs.filter(status__in=OPEN_NC).values_list("detected_on", "severity"), day)
    rework = ncs.aggregate(hours=Sum("rework_hours"))["hours"] or Decimal(0)
    criteria = dict(in_scope(_base(QualityCriterion, criterion_policy, user), scope).values_list("status")
                    .annotate(n=Count("pk")).order_by())
    reviews = in_scope(_base(QualityReview, review_policy, user), scope).aggregate(
        planned=Count("pk", filter=Q(status=ReviewStatus.PLANNED, planned_on__gte=day)),
        late=Count("pk", filter=Q(status=ReviewStatus.PLANNED, planned_on__lt=day)),
        held=Count("pk", filter=Q(status=ReviewStatus.HELD)))
    overdue = in_scope(_base(CorrectiveAction, corrective_action_policy, user), scope,
                       "nonconformance__plan__").filter(
        status=CorrectiveActionStatus.OPEN, due__lt=day).count()
    severities = [(value, label) for value, label in NcSeverity.choices]
    table = {"caption": "Open non-conformances by age and severity",
             "headers": ("Age", *(label for _, label in severities), "Total"),
             "rows": [(band, *(grid[band][s] for s, _ in severities), sum(grid[band].values())) for band in grid]}
    return {
        "acceptance": first_pass(scope, user),
        "open_by_age": grid, "open_total": sum(sum(v.values()) for v in grid.values()),
        "chart": {"bands": list(grid), "series": [{"severity": label, "key": value,
                                                   "data": [grid[band][value] for band in grid]}
                                                  for value, label in severities]},
        "table": table,
        "rework_hours": rework, "rework_days": (rework / HOURS_PER_DAY).quantize(Decimal("0.1")),
        "criteria": {r: criteria.get(r, 0) for r in CriterionResult.values}, "reviews": reviews,
        "overdue_actions": overdue,
    }


def first_pass(scope: Program | Project, user=None) -> dict:
    """First-pass acceptance: of the deliverables with a decision, the share accepted at their first one (a
    deliverable rejected first and accepted after rework does not count). One query."""
    rows = Acceptance.objects.all() if user is None else acceptance_policy.visible(user)
    rows = rows.filter(**{"deliverable__project" if isinstance(scope, Project) else "deliverable__project__program":
                          scope}, first_decision=True)
    found = rows.aggregate(decided=Count("pk"), first=Count("pk", filter=Q(decision=AcceptanceDecision.ACCEPTED)))
    rate = found["first"] / found["decided"] if found["decided"] else None
    return {"decided": found["decided"], "first_pass": found["first"], "rate": rate}


def acceptances_for(user) -> QuerySet[Acceptance]:
    return acceptance_policy.visible(user).select_related("deliverable__project__program", "decided_by")


# --- the owner's overdue actions --------------------------------------------------------------------------

def overdue_actions(user, *, owner=None, day: date | None = None) -> QuerySet[CorrectiveAction]:
    rows = actions_for(user).filter(status=CorrectiveActionStatus.OPEN, due__lt=day or today())
    return rows.filter(owner=owner) if owner is not None else rows


def overdue_panel(user) -> dict | None:
    """The portfolio overview's panel: the user's own overdue corrective and preventive actions."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = list(overdue_actions(user, owner=user).order_by("due", "pk")[:20])
    if not rows:
        return None
    return {"template": "quality/_overdue_panel.html", "actions": rows, "today": today()}
