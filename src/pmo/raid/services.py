"""Every write to the RAID log: policy check, validation, save, audit (and escalation) in one transaction.

Escalation rule (one place, :func:`escalation_target`): an active risk or open issue whose score
reaches its program's threshold (``RaidSettings.escalation_threshold``, default 15; an issue's
score comes from its severity) *or* that is overdue (a risk past its proximity date, an issue
past its due date) escalates from project to program level; one that is both above the
threshold and overdue goes on to the steering committee. Each step writes an
:class:`Escalation` naming who escalated and why. Items never de-escalate by themselves.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from pmo.core import audit, jobs
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.portfolio.models import Portfolio, Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from .models import (
    ACTIVE_RISK_STATUSES,
    LEVEL_ORDER,
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    OPEN_ISSUE_STATUSES,
    Assumption,
    Escalation,
    EscalationLevel,
    EscalationStatus,
    Issue,
    RaidSettings,
    Rating,
    Risk,
    RiskAction,
    RiskScale,
    RiskStatus,
    SimulationRun,
    TaskEstimate,
    Trend,
)
from .policies import (
    action_policy,
    assumption_policy,
    edits_target,
    escalation_policy,
    issue_policy,
    risk_policy,
    run_policy,
    scale_policy,
)

RISK_FIELDS = (
    "title", "description", "owner", "cause", "event", "effect", "category", "status", "kind", "proximity",
    "probability", "impact", "impacts_schedule", "impacts_cost", "impacts_quality", "impacts_benefits",
    "strategy", "residual_probability", "residual_impact", "review_date", "probability_pct", "schedule_min",
    "schedule_most_likely", "schedule_max", "cost_min", "cost_most_likely", "cost_max",
)
ISSUE_FIELDS = ("title", "description", "owner", "severity", "priority", "status", "raised_on", "due", "resolution")
ASSUMPTION_FIELDS = ("title", "description", "owner", "validation_date", "status")
ACTION_FIELDS = ("description", "owner", "due", "done")
OCCUR_HINT = "record a risk as occurred with the 'occurred' action, which raises the issue"
BULK_FIELDS = ("status", "owner")
SCALE_FIELDS = ("probability_levels", "impact_levels", "medium_from", "high_from", "critical_from")


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _today() -> date:
    return timezone.localdate()


# --- scale and settings -------------------------------------------------------------------------

def risk_scale() -> RiskScale:
    """The portfolio's risk scale (created with the defaults on first use)."""
    scale = RiskScale.objects.filter(portfolio_id=Portfolio.default().pk).first()
    if scale is None:
        with transaction.atomic():
            scale = create_audited(actor=None, obj=RiskScale(portfolio=Portfolio.default()))
    return scale


def risk_scale_update(*, actor, scale: RiskScale, expected_version: int, **changes) -> RiskScale:
    """Change the scale; every risk's rating follows the new bands in the same transaction."""
    _unknown_fields(changes, SCALE_FIELDS)
    scale_policy.require(actor, "change", scale, "only the PMO Director changes the risk scale")
    with transaction.atomic():
        scale = update_versioned(actor=actor, obj=scale, changes=changes, expected_version=expected_version)
        new_rating = Case(
            When(score__gte=scale.critical_from, then=Value(Rating.CRITICAL)),
            When(score__gte=scale.high_from, then=Value(Rating.HIGH)),
            When(score__gte=scale.medium_from, then=Value(Rating.MEDIUM)),
            default=Value(Rating.LOW),
        )
        changed = list(Risk.objects.annotate(new_rating=new_rating).exclude(rating=F("new_rating"))
                       .only("pk", "title", "rating", "score"))
        Risk.objects.filter(pk__in=[r.pk for r in changed]).update(rating=new_rating, version=F("version") + 1)
        for risk in changed:  # a derived field changed: one event per risk, like any other write
            audit.record(actor=actor, action="rerate", obj=risk, before={"rating": risk.rating},
                         after={"rating": scale.rating(risk.score)})
    return scale


def escalation_threshold(program_id: int) -> int:
    found = RaidSettings.objects.filter(program_id=program_id).values_list("escalation_threshold", flat=True).first()
    return found or RaidSettings._meta.get_field("escalation_threshold").default


def raid_settings_update(*, actor, program: Program, escalation_threshold: int) -> RaidSettings:
    if not edits_target(actor, program):
        raise PermissionDenied("only the program manager or the PMO Director sets the escalation threshold")
    current = RaidSettings.objects.filter(program=program).first()
    if current is None:
        return create_audited(actor=actor, obj=RaidSettings(program=program,
                                                            escalation_threshold=escalation_threshold))
    return update_versioned(actor=actor, obj=current, changes={"escalation_threshold": escalation_threshold},
                            expected_version=current.version)


# --- scope ----------------------------------------------------------------------------------------

def _target(actor, program: Program | None, project: Project | None) -> dict:
    """The scope fields of a new item; out-of-scope targets are refused as unknown (nothing leaks)."""
    if project is not None:
        if program is not None and project.program_id != program.pk:
            raise ValidationError({"project": "the project belongs to another program"})
        target, fields = project, {"program": project.program, "project": project}
    elif program is not None:
        target, fields = program, {"program": program, "project": None}
    else:
        raise ValidationError({"project": "give a project, or a program for a program-level item"})
    _visible_target(actor, target)
    if not edits_target(actor, target):
        raise PermissionDenied(f"you may not edit the RAID log of {target.code}")
    return fields


def _visible_target(actor, target: Program | Project) -> None:
    """A program or project the actor cannot see is refused as unknown (422), never confirmed (403)."""
    policy = project_policy if isinstance(target, Project) else program_policy
    if not policy.can(actor, "view", target):
        kind = type(target).__name__.lower()
        raise ValidationError({kind: f"no {kind} with id {target.pk}"})


# --- escalation -------------------------------------------------------------------------------------

def _is_active(item) -> bool:
    if isinstance(item, Risk):
        return item.status in ACTIVE_RISK_STATUSES
    return item.status in OPEN_ISSUE_STATUSES


def _overdue(item, today: date) -> bool:
    when = item.proximity if isinstance(item, Risk) else item.due
    return bool(when and when < today)


def escalation_target(item, threshold: int, today: date | None = None) -> tuple[str, str]:
    """The level ``item`` should be at under the rule, and why (empty when it stays)."""
    today = today or _today()
    level = item.escalation_level or item.base_level()
    if not _is_active(item):
        return level, ""
    above = item.score >= threshold
    overdue = _overdue(item, today)
    reasons = []
    if above:
        reasons.append(f"score {item.score} ≥ program threshold {threshold}")
    if overdue:
        when = item.proximity if isinstance(item, Risk) else item.due
        reasons.append(f"overdue since {when.isoformat()}")
    wanted = EscalationLevel.PROJECT
    if above or overdue:
        wanted = EscalationLevel.PROGRAM
    if above and overdue:
        wanted = EscalationLevel.STEERING
    if LEVEL_ORDER.index(wanted) <= LEVEL_ORDER.index(level):
        return level, ""
    return wanted, "; ".join(reasons)


def _escalations(actor, item, from_level: str, to_level: str, reason: str) -> None:
    """Write one Escalation per level passed (project -> program -> steering); inside the caller's transaction."""
    start = LEVEL_ORDER.index(from_level)
    now = timezone.now()
    for index in range(start, LEVEL_ORDER.index(to_level)):
        escalation = Escalation(
            program_id=item.program_id, from_level=LEVEL_ORDER[index], to_level=LEVEL_ORDER[index + 1],
            escalated_by=actor if getattr(actor, "pk", None) else None, reason=reason[:500], escalated_at=now,
            **({"risk": item} if isinstance(item, Risk) else {"issue": item}),
        )
        create_audited(actor=actor, obj=escalation)


def _policy_of(item):
    return risk_policy if isinstance(item, Risk) else issue_policy


def item_escalate(*, actor, item, reason: str, expected_version: int):
    """Raise a risk or issue one level by hand (project -> program -> steering), saying why."""
    _policy_of(item).require(actor, "escalate", item)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "say why the item is escalated"})
    index = LEVEL_ORDER.index(item.escalation_level)
    if index == len(LEVEL_ORDER) - 1:
        raise ValidationError({"reason": "the item is already with the steering committee"})
    to_level = LEVEL_ORDER[index + 1]
    with transaction.atomic():
        _escalations(actor, item, item.escalation_level, to_level, reason)
        return update_versioned(actor=actor, obj=item, changes={"escalation_level": to_level},
                                expected_version=expected_version, action="escalate")


def escalation_decide(*, actor, escalation: Escalation, expected_version: int, status: str,
                      decision: str = "") -> Escalation:
    """Acknowledge or decide an escalation (the steering committee for steering-level ones)."""
    escalation_policy.require(actor, "decide", escalation, "only the steering committee decides this escalation")
    if status not in (EscalationStatus.ACKNOWLEDGED, EscalationStatus.DECIDED):
        raise ValidationError({"status": "use acknowledged or decided"})
    decision = (decision or "").strip()
    if status == EscalationStatus.DECIDED and not decision:
        raise ValidationError({"decision": "record the decision"})
    changes = {"status": status, "decision": decision}
    if status == EscalationStatus.DECIDED:
        changes |= {"decided_by": actor, "decided_at": timezone.now()}
    return update_versioned(actor=actor, obj=escalation, changes=changes, expected_version=expected_version,
                            action=status)


def escalation_sweep(*, actor, programs=None, today: date | None = None) -> int:
    """Apply the escalation rule to every active item (items become overdue as days pass); returns steps made."""
    today = today or _today()
    made = 0
    risks = Risk.objects.filter(status__in=ACTIVE_RISK_STATUSES)
    issues = Issue.objects.filter(status__in=OPEN_ISSUE_STATUSES)
    if programs is not None:
        risks, issues = risks.filter(program__in=programs), issues.filter(program__in=programs)
    thresholds = dict(RaidSettings.objects.values_list("program_id", "escalation_threshold"))
    for item in [*risks, *issues]:
        level, reason = escalation_target(item, thresholds.get(item.program_id, 15), today)
        if reason:
            with transaction.atomic():
                _escalations(actor, item, item.escalation_level, level, f"rule: {reason}")
                update_versioned(actor=actor, obj=item, changes={"escalation_level": level},
                                 expected_version=item.version, action="escalate")
            made += 1
    return made


# --- risks ---------------------------------------------------------------------------------------

def _scored(fields: dict, risk: Risk, scale: RiskScale) -> dict:
    """Add the derived score and rating (and the review trend) to a risk's changes."""
    probability = fields.get("probability", risk.probability)
    impact = fields.get("impact", risk.impact)
    if probability and impact:
        fields["score"] = int(probability) * int(impact)
        fields["rating"] = scale.rating(fields["score"])
    if "review_date" in fields and fields["review_date"] and fields["review_date"] != risk.review_date:
        score = fields.get("score", risk.score)
        previous = risk.reviewed_score
        fields["trend"] = (Trend.NEW if previous is None else Trend.UP if score > previous
                           else Trend.DOWN if score < previous else Trend.STEADY)
        fields["reviewed_score"] = score
    return fields


def risk_create(*, actor, program: Program | None = None, project: Project | None = None, tasks=None,
                **fields) -> Risk:
    _unknown_fields(fields, RISK_FIELDS)
    scope = _target(actor, program, project)
    if fields.get("status") == RiskStatus.OCCURRED:
        raise ValidationError({"status": OCCUR_HINT})
    risk = Risk(**scope)
    fields = _scored(dict(fields), risk, risk_scale())
    for name, value in fields.items():
        setattr(risk, name, value)
    linked = _checked_tasks(actor, risk, tasks)
    with transaction.atomic():
        _create_with_escalation(actor, risk)
        _link_tasks(actor, risk, linked)
    return risk


def _create_with_escalation(actor, item):
    """Create the item already at the level the rule puts it (one create event), then its escalations."""
    base = item.base_level()
    item.escalation_level = base
    level, reason = escalation_target(item, escalation_threshold(item.program_id))
    item.escalation_level = level
    with transaction.atomic():
        create_audited(actor=actor, obj=item)
        if reason:
            _escalations(actor, item, base, level, f"rule: {reason}")
    return item


def risk_update(*, actor, risk: Risk, expected_version: int, tasks=None, **changes) -> Risk:
    _unknown_fields(changes, RISK_FIELDS)
    risk_policy.require(actor, "change", risk)
    if changes.get("status") == RiskStatus.OCCURRED and risk.status != RiskStatus.OCCURRED:
        raise ValidationError({"status": OCCUR_HINT})
    changes = _scored(dict(changes), risk, risk_scale())
    linked = _checked_tasks(actor, risk, tasks)
    with transaction.atomic():
        updated = _update_with_escalation(actor, risk, changes, expected_version)
        _link_tasks(actor, updated, linked)
    return updated


def _checked_tasks(actor, item, tasks) -> list[Task] | None:
    """The tasks to link (None: leave the links alone). A task the actor cannot see, or outside the
    item's program (or project, for a project-level item), is refused as unknown, and nothing is written."""
    if tasks is None:
        return None
    wanted = [t.pk if isinstance(t, Task) else t for t in tasks]
    if any(isinstance(t, bool) or not isinstance(t, int) for t in wanted):
        raise ValidationError({"tasks": "give task ids"})
    found = task_policy.visible(actor).filter(pk__in=wanted, project__program_id=item.program_id)
    if item.project_id:
        found = found.filter(project_id=item.project_id)
    found = {t.pk: t for t in found}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        where = f"project {item.project.code}" if item.project_id else f"program {item.program.code}"
        raise ValidationError({"tasks": f"no task with id {', '.join(map(str, missing))} in {where}"})
    return [found[pk] for pk in dict.fromkeys(wanted)]


def _link_tasks(actor, item, tasks: list[Task] | None) -> None:
    """Replace the item's task links, with one audit event when they change."""
    if tasks is None:
        return
    before = sorted(item.tasks.values_list("pk", flat=True))
    after = sorted(t.pk for t in tasks)
    if before == after:
        return
    item.tasks.set(tasks)
    audit.record(actor=actor, action="link_tasks", obj=item, before={"tasks": before}, after={"tasks": after})


def _update_with_escalation(actor, item, changes: dict, expected_version: int):
    """One update event for the item (its new escalation level included) plus one per escalation step."""
    probe = type(item)(**{f.attname: getattr(item, f.attname) for f in item._meta.concrete_fields})
    for name, value in changes.items():
        setattr(probe, name, value)
    level, reason = escalation_target(probe, escalation_threshold(item.program_id))
    with transaction.atomic():
        if reason:
            changes["escalation_level"] = level
        updated = update_versioned(actor=actor, obj=item, changes=changes, expected_version=expected_version)
        if reason and updated.version != item.version:
            _escalations(actor, item, item.escalation_level, level, f"rule: {reason}")
    return updated


def risk_delete(*, actor, risk: Risk, expected_version: int) -> None:
    risk_policy.require(actor, "delete", risk)
    delete_versioned(actor=actor, obj=risk, expected_version=expected_version)


def risk_occur(*, actor, risk: Risk, expected_version: int | None = None, note: str = "") -> Issue:
    """The risk happened: mark it occurred and raise the issue it becomes, in one transaction."""
    risk_policy.require(actor, "change", risk)
    if risk.status == RiskStatus.OCCURRED:
        raise ValidationError({"status": "the risk is already recorded as occurred"})
    if risk.status == RiskStatus.CLOSED:
        raise ValidationError({"status": "a closed risk cannot occur; reopen it first"})
    severity = {Rating.CRITICAL: "critical", Rating.HIGH: "high", Rating.MEDIUM: "medium"}.get(risk.rating, "low")
    with transaction.atomic():
        risk = update_versioned(actor=actor, obj=risk, changes={"status": RiskStatus.OCCURRED},
                                expected_version=risk.version if expected_version is None else expected_version,
                                action="occur")
        description = "\n\n".join(part for part in (
            f"Risk {risk.ref} occurred.", risk.event, risk.effect and f"Effect: {risk.effect}", note) if part)
        issue = Issue(program_id=risk.program_id, project_id=risk.project_id, title=risk.title[:200],
                      description=description[:5000], owner_id=risk.owner_id, severity=severity,
                      priority="high" if severity in ("high", "critical") else "normal", raised_on=_today(),
                      source_risk=risk)
        _create_with_escalation(actor, issue)
        _link_tasks(actor, issue, list(risk.tasks.all()))
    return issue


def raid_bulk_update(*, actor, items: list, expected_versions: dict[int, int], **changes) -> int:
    """Set status and/or owner on several risks or issues; all or nothing, one audit event per item."""
    _unknown_fields(changes, BULK_FIELDS)
    if not changes:
        raise ValidationError({"status": "choose a status or an owner to set"})
    if not items:
        raise ValidationError({"items": "select at least one row"})
    with transaction.atomic():
        for item in items:
            version = expected_versions.get(item.pk, item.version)
            if isinstance(item, Risk):
                risk_update(actor=actor, risk=item, expected_version=version, **changes)
            else:
                issue_update(actor=actor, issue=item, expected_version=version, **changes)
    return len(items)


# --- response actions ------------------------------------------------------------------------

def action_create(*, actor, risk: Risk, **fields) -> RiskAction:
    _unknown_fields(fields, ACTION_FIELDS)
    risk_policy.require(actor, "change", risk)
    return create_audited(actor=actor, obj=RiskAction(risk=risk, **fields))


def action_update(*, actor, action: RiskAction, expected_version: int, **changes) -> RiskAction:
    _unknown_fields(changes, ACTION_FIELDS)
    action_policy.require(actor, "change", action)
    return update_versioned(actor=actor, obj=action, changes=changes, expected_version=expected_version)


# --- issues and assumptions ----------------------------------------------------------------------

def issue_create(*, actor, program: Program | None = None, project: Project | None = None, tasks=None,
                 **fields) -> Issue:
    _unknown_fields(fields, ISSUE_FIELDS)
    scope = _target(actor, program, project)
    if fields.get("raised_on") is None:
        fields["raised_on"] = _today()
    issue = Issue(**scope, **fields)
    linked = _checked_tasks(actor, issue, tasks)
    with transaction.atomic():
        _create_with_escalation(actor, issue)
        _link_tasks(actor, issue, linked)
    return issue


def issue_update(*, actor, issue: Issue, expected_version: int, tasks=None, **changes) -> Issue:
    _unknown_fields(changes, ISSUE_FIELDS)
    issue_policy.require(actor, "change", issue)
    linked = _checked_tasks(actor, issue, tasks)
    with transaction.atomic():
        updated = _update_with_escalation(actor, issue, dict(changes), expected_version)
        _link_tasks(actor, updated, linked)
    return updated


def issue_delete(*, actor, issue: Issue, expected_version: int) -> None:
    issue_policy.require(actor, "delete", issue)
    delete_versioned(actor=actor, obj=issue, expected_version=expected_version)


def assumption_create(*, actor, program: Program | None = None, project: Project | None = None,
                      **fields) -> Assumption:
    _unknown_fields(fields, ASSUMPTION_FIELDS)
    scope = _target(actor, program, project)
    return create_audited(actor=actor, obj=Assumption(**scope, **fields))


def assumption_update(*, actor, assumption: Assumption, expected_version: int, **changes) -> Assumption:
    _unknown_fields(changes, ASSUMPTION_FIELDS)
    assumption_policy.require(actor, "change", assumption)
    return update_versioned(actor=actor, obj=assumption, changes=changes, expected_version=expected_version)


def assumption_delete(*, actor, assumption: Assumption, expected_version: int) -> None:
    assumption_policy.require(actor, "delete", assumption)
    delete_versioned(actor=actor, obj=assumption, expected_version=expected_version)


# --- three-point estimates --------------------------------------------------------------------

def estimate_set(*, actor, task: Task, min, most_likely, max, distribution: str = "pert") -> TaskEstimate:
    """Create or replace a task's three-point estimate (editors of the task's project RAID)."""
    if not task_policy.can(actor, "view", task):
        raise ValidationError({"task": f"no task with id {task.pk}"})
    if not edits_target(actor, task.project):
        raise PermissionDenied("you may not estimate tasks of this project")
    values = {"min": min, "most_likely": most_likely, "max": max, "distribution": distribution}
    current = TaskEstimate.objects.filter(task=task).first()
    if current is None:
        return create_audited(actor=actor, obj=TaskEstimate(task=task, **values))
    return update_versioned(actor=actor, obj=current, changes=values, expected_version=current.version)


# --- simulation runs -----------------------------------------------------------------------------

def simulation_start(*, actor, program: Program | None = None, project: Project | None = None,
                     iterations: int = 10_000, seed: int | None = None, target_date: date | None = None,
                     enqueue: bool = True) -> SimulationRun:
    """Validate, freeze the inputs, create the run and queue the job (on commit)."""
    from . import engine_adapter, tasks

    if isinstance(iterations, bool) or not isinstance(iterations, int) or not (
            MIN_ITERATIONS <= iterations <= MAX_ITERATIONS):
        raise ValidationError({"iterations": f"must be a whole number from {MIN_ITERATIONS:,} to {MAX_ITERATIONS:,}"})
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63):
        raise ValidationError({"seed": "must be a non-negative whole number"})
    if project is None and program is None:
        raise ValidationError({"program": "give a program or a project to simulate"})
    target = project if project is not None else program
    _visible_target(actor, target)
    run_policy.require(actor, "start", target, f"you may not start simulations of {target.code}")
    runs_reap()
    inputs = engine_adapter.snapshot(program=project.program if project else program, project=project,
                                     target_date=target_date)
    run = SimulationRun(program=project.program if project else program, project=project, iterations=iterations,
                        seed=seed, target_date=target_date, inputs=inputs)
    with transaction.atomic():
        create_audited(actor=actor, obj=run)
        if enqueue:
            transaction.on_commit(lambda: tasks.run_simulation.enqueue(run.pk))
    return run


def run_mark(run: SimulationRun, *, status: str, reason: str = "", results: dict | None = None) -> None:
    """Record a run's state change (running, done, failed) with its audit event; the job calls this."""
    jobs.mark(run, status=status, reason=reason, results=results)


def runs_reap(now=None) -> int:
    """Mark simulation runs whose worker died failed, with the reason (:func:`pmo.core.jobs.reap`)."""
    return jobs.reap(SimulationRun, now)
