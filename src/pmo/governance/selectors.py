"""Reads of governance: gates and their evidence, what waits for the Steering Committee, the decision log, and
the audit trail of any governed object; each starts from what the user may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.change.selectors import awaiting_steering
from pmo.communications.models import OPEN_ACTION_STATUSES, MeetingKind
from pmo.communications.policies import meeting_action_policy, meeting_policy
from pmo.core.models import AuditEvent
from pmo.core.policies import policy_for
from pmo.finance.models import BudgetChange, ChangeStatus
from pmo.finance.selectors import budget_changes_for
from pmo.planning.checks import program_findings, project_findings
from pmo.portfolio.policies import project_policy
from pmo.quality.selectors import criteria_status
from pmo.raid.models import ACTIVE_RISK_STATUSES, EscalationLevel, EscalationStatus, Rating
from pmo.raid.selectors import Scope, escalations_for, risks_for

from .models import CriterionKind, Decision, Gate, GateCriterion, GateReview, GateReviewStatus, GateStatus
from .policies import criterion_policy, decision_policy, gate_policy, is_director, review_policy

#: rows of a history page, newest first
MAX_HISTORY = 500
#: days ahead a gate review counts as "coming" (agenda, notifications)
REVIEW_HORIZON_DAYS = 30


def today() -> date:
    return timezone.localdate()


def gates_for(user) -> QuerySet[Gate]:
    return gate_policy.visible(user).select_related("program", "project", "template")


def criteria_for(user) -> QuerySet[GateCriterion]:
    return criterion_policy.visible(user).select_related("gate__program", "gate__project")


def reviews_for(user) -> QuerySet[GateReview]:
    return review_policy.visible(user).select_related("gate__program", "gate__project", "decided_by")


def decisions_for(user) -> QuerySet[Decision]:
    return decision_policy.visible(user).select_related("program", "project", "decided_by")


def gates_of(user, program, project=None) -> list[Gate]:
    rows = gates_for(user).filter(program=program)
    rows = rows.filter(project=project) if project is not None else rows
    return list(rows.order_by("project__code", "order", "pk"))


def next_gate(gates: list[Gate], target) -> Gate | None:
    """The gate out of the target's current phase (the only one a review may decide)."""
    return next((g for g in gates if g.from_phase == target.phase and g.status != GateStatus.PASSED), None)


# --- evidence -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    criterion: GateCriterion
    met: bool | None  # None: cannot be computed here
    detail: str

    def as_dict(self) -> dict:
        return {"criterion": self.criterion.pk, "text": self.criterion.text, "kind": self.criterion.kind,
                "met": self.met, "detail": self.detail, "evidence_url": self.criterion.evidence_url,
                "note": self.criterion.note}


def _plan_check(gate: Gate) -> tuple[bool, str]:
    findings = project_findings(gate.project) if gate.project_id else program_findings(gate.program)
    errors = [f for f in findings if f.severity == "error"]
    warnings = len(findings) - len(errors)
    if errors:
        return False, f"{len(errors)} error(s) in the plan's consistency check, e.g. {errors[0].message}"
    return True, f"no errors in the plan's consistency check ({warnings} warning(s))"


def _critical_risks(user, gate: Gate) -> tuple[bool, str]:
    scope = Scope(program=gate.program, project=gate.project if gate.project_id else None)
    risks = list(risks_for(user, scope).filter(status__in=ACTIVE_RISK_STATUSES, rating=Rating.CRITICAL)
                 .order_by("-score", "pk")[:5])
    if risks:
        return False, f"{len(risks)} open critical risk(s): " + "; ".join(f"R-{r.pk} {r.title}" for r in risks)
    return True, "no open critical risk"


def _quality(user, gate: Gate) -> tuple[bool | None, str]:
    """The quality criteria marked as gate criteria in the gate's scope (quality's ``criteria_status``)."""
    status = criteria_status(gate.project if gate.project_id else gate.program, user=user, limit=3)
    if status.total == 0:
        return None, "no quality criterion of this scope is marked as a gate criterion"
    if status.not_met or status.open:
        names = "; ".join(str(c) for c in (status.failing + status.unassessed)[:3])
        return False, f"{status.not_met} not met, {status.open} not assessed of {status.total} ({names})"
    return True, f"all {status.total} quality gate criteria met"


def evidence(user, gate: Gate, criteria: list[GateCriterion] | None = None) -> list[Evidence]:
    """Each criterion with its state: ticked by hand, or computed now from planning, RAID and quality."""
    criteria = list(gate.criteria.order_by("order", "pk")) if criteria is None else criteria
    out, cache = [], {}
    for criterion in criteria:
        if criterion.kind == CriterionKind.PLAN_CHECK:
            met, detail = cache.setdefault("plan", _plan_check(gate))
        elif criterion.kind == CriterionKind.CRITICAL_RISKS:
            met, detail = cache.setdefault("risks", _critical_risks(user, gate))
        elif criterion.kind == CriterionKind.QUALITY:
            met, detail = cache.setdefault("quality", _quality(user, gate))
        else:
            met = criterion.met
            detail = "met" if met else "not met yet"
        out.append(Evidence(criterion, met, detail))
    return out


# --- what waits for the Steering Committee ----------------------------------------------------------------

@dataclass(frozen=True)
class Pending:
    kind: str  # gate_review, budget_change, escalation, change_request
    label: str
    title: str
    program_id: int
    program_code: str
    url: str
    due: date | None
    subject: object

    @property
    def kind_label(self) -> str:
        return {"gate_review": "Gate review", "budget_change": "Budget change beyond tolerance",
                "escalation": "Escalated risk or issue",
                "change_request": "Change request beyond tolerance"}.get(self.kind, self.kind)


#: other apps' sources of items awaiting the committee: fn(user) -> iterable of Pending (change requests, ...)
AWAITING_SOURCES: list[Callable] = []


def _change_requests(user) -> list[Pending]:
    """Change requests beyond tolerance, assessed, waiting for the committee (the change app's selector)."""
    return [Pending("change_request", r.ref, r.title, r.program_id, r.program.code, r.get_absolute_url(), None, r)
            for r in awaiting_steering(user)[:200]]


def awaiting(user, program=None, *, horizon: date | None = None) -> list[Pending]:
    """What waits for a Steering Committee decision in the programs the user sees (or one program): gate reviews
    due by ``horizon`` (default 30 days ahead), budget changes beyond tolerance, steering-level escalations still
    open, change requests beyond tolerance (the change app's ``awaiting_steering``)."""
    horizon = horizon or today() + timedelta(days=REVIEW_HORIZON_DAYS)
    items: list[Pending] = []
    reviews = reviews_for(user).filter(status=GateReviewStatus.SCHEDULED, scheduled_for__lte=horizon)
    changes = budget_changes_for(user).filter(status=ChangeStatus.AWAITING_STEERING)
    escalations = escalations_for(user).filter(to_level=EscalationLevel.STEERING).exclude(
        status=EscalationStatus.DECIDED)
    if program is not None:
        reviews = reviews.filter(gate__program=program)
        changes = changes.filter(budget__program=program)
        escalations = escalations.filter(program=program)
    for r in reviews.order_by("scheduled_for", "pk")[:200]:
        items.append(Pending("gate_review", r.ref, f"{r.gate.target_code}: gate to {r.gate.get_to_phase_display()}",
                             r.gate.program_id, r.gate.program.code, r.get_absolute_url(), r.scheduled_for, r))
    for c in changes.order_by("created_at", "pk")[:200]:
        target = c.budget.project or c.budget.program
        items.append(Pending("budget_change", f"BC-{c.pk}", f"{target.code}: budget {c.amount:+,.2f} ({c.reason[:80]})",
                             c.budget.program_id, c.budget.program.code, c.get_absolute_url(), None, c))
    for e in escalations.order_by("escalated_at", "pk")[:200]:
        item = e.item
        items.append(Pending("escalation", f"{'R' if e.risk_id else 'I'}-{item.pk}", f"{item.title}: {e.reason}",
                             e.program_id, e.program.code, e.get_absolute_url(), None, e))
    for source in (_change_requests, *AWAITING_SOURCES):
        found = [p for p in source(user) if program is None or p.program_id == program.pk]
        items.extend(found)
    return items


def committee_programs(user) -> set[int]:
    """The programs on whose Steering Committee the user sits (no query: the request's scopes)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {pk for pk, roles in scopes_of(user).program_roles.items() if Role.STEERING_COMMITTEE in roles}


def decisions_waiting_for(user) -> list[Pending]:
    """What waits for this user as a member of a Steering Committee (no query for anyone else)."""
    programs = committee_programs(user)
    return [p for p in awaiting(user) if p.program_id in programs] if programs else []


# --- decision log -------------------------------------------------------------------------------------

def decision_search(rows: QuerySet[Decision], q: str | None) -> QuerySet[Decision]:
    if not q:
        return rows
    q = q.strip()
    match = Q(title__icontains=q) | Q(rationale__icontains=q) | Q(outcome__icontains=q)
    if q.upper().startswith("D-") and q[2:].isdigit():
        match |= Q(pk=int(q[2:]))
    return rows.filter(match)


def coming_reviews(user, *, days: int = REVIEW_HORIZON_DAYS) -> QuerySet[GateReview]:
    start = today()
    return reviews_for(user).filter(status=GateReviewStatus.SCHEDULED, scheduled_for__gte=start,
                                    scheduled_for__lte=start + timedelta(days=days)).order_by("scheduled_for", "pk")


def waiting_panel(user) -> dict | None:
    """The portfolio overview's panel: decisions waiting for this Steering Committee member."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = decisions_waiting_for(user)[:20]
    if not rows:
        return None
    return {"template": "governance/_waiting_panel.html", "pending": rows}


# --- the audit trail ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    """A governed object named by its audit ``object_type`` and ``object_id``; ``obj`` None when deleted."""

    object_type: str
    object_id: str
    obj: object | None
    label: str


def subject_of(user, object_type: str, object_id: str) -> Subject | None:
    """The object whose history the user asks for, or None when they may not see it (a 404).

    A living object is shown to whoever its policy lets see it; a deleted one (events only) to the PMO Director.
    """
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    if model._meta.label_lower != object_type or len(object_id) > 64:
        return None
    obj = None
    try:
        obj = model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError):
        return None
    if obj is not None:
        policy = policy_for(obj)
        if policy is None:
            return Subject(object_type, object_id, obj, str(obj)) if is_director(user) else None
        if not policy.can(user, "view", obj):
            return None
        return Subject(object_type, object_id, obj, str(obj))
    if not is_director(user):
        return None
    last = AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-id").first()
    if last is None:
        return None
    return Subject(object_type, object_id, None, f"{last.object_repr} (deleted)")


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


def history(subject: Subject, *, limit: int = MAX_HISTORY) -> list[tuple[AuditEvent, list[Change]]]:
    """The subject's audit events, newest first, each with its field changes (before -> after)."""
    events = list(AuditEvent.objects.filter(object_type=subject.object_type, object_id=subject.object_id)
                  .select_related("actor").order_by("-id")[:limit])
    out = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        names = sorted(set(before) | set(after))
        out.append((event, [Change(n, before.get(n), after.get(n)) for n in names]))
    return out


def history_url(obj) -> str | None:
    """The link to the history page of a governed object (the shared "History" link of detail pages)."""
    if obj is None or getattr(obj, "pk", None) is None or not hasattr(obj, "audited_fields"):
        return None
    return reverse("governance:history", args=[obj._meta.label_lower, obj.pk])


def projects_of(user, program) -> QuerySet:
    return project_policy.visible(user).filter(program=program).order_by("code")


# --- steering committee meetings and their actions ------------------------------------------------------

def link_of(obj, fallback: str = "") -> str:
    """``obj.get_absolute_url()``, or ``fallback`` while the owning app has no page for it yet."""
    from django.urls import NoReverseMatch

    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return fallback


def steering_meetings_for(user) -> QuerySet:
    return (meeting_policy.visible(user).filter(kind=MeetingKind.STEERING_COMMITTEE)
            .select_related("program", "project", "organizer"))


def steering_actions_for(user) -> QuerySet:
    """Actions agreed in Steering Committee meetings that the user sees (the portfolio's action log)."""
    return (meeting_action_policy.visible(user).filter(meeting__kind=MeetingKind.STEERING_COMMITTEE)
            .select_related("meeting__program", "owner", "agenda_item"))


def overdue_steering_actions(user, *, owner=None, day: date | None = None) -> QuerySet:
    rows = steering_actions_for(user).filter(status__in=OPEN_ACTION_STATUSES, due__lt=day or today())
    return rows.filter(owner=owner) if owner is not None else rows


def agenda_of(meeting) -> list[dict]:
    """The meeting's agenda with each item's subject and where to decide it."""
    items = list(meeting.agenda.select_related("subject_type", "presenter").prefetch_related("subject")
                 .order_by("order", "pk"))
    out = []
    for item in items:
        subject = item.subject if item.subject_type_id else None
        decide = ""
        if isinstance(subject, GateReview) and subject.status == GateReviewStatus.SCHEDULED:
            decide = reverse("governance:review_decide", args=[subject.pk])
        elif isinstance(subject, BudgetChange) and subject.status == ChangeStatus.AWAITING_STEERING:
            decide = reverse("governance:budget_change_decide", args=[subject.pk])
        elif subject is not None and subject._meta.label_lower == "raid.escalation":
            decide = link_of(subject) if subject.status != EscalationStatus.DECIDED else ""
        elif subject is not None:
            decide = link_of(subject) if getattr(subject, "status", "") not in ("approved", "rejected") else ""
        out.append({"item": item, "subject": subject, "url": link_of(subject) if subject is not None else "",
                    "decide": decide})
    return out
