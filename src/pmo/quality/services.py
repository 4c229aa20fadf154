"""Every write to the quality records: policy check, validation, save and audit in one transaction.

Rules kept here (one place each):
- one quality plan per program and one per project; a project plan belongs to the project's program;
- a review's results name criteria of the review's plan; recording them marks the review held and sets each
  criterion's status to its latest result (by review date), in the same transaction;
- a non-conformance moves only along ``models.NC_TRANSITIONS``: to action with a root cause and a corrective
  action, to verified when every action is done and the effectiveness verification is written, then closed;
- references (users, criteria, reviews) the actor cannot see, or of another plan, are unknown ids (422).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pmo.accounts.selectors import active_user
from pmo.change import services as change_services
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.portfolio.models import Program, Project

from . import hooks, notices
from .models import (
    NC_TRANSITIONS,
    Acceptance,
    AcceptanceDecision,
    ActionKind,
    CorrectiveAction,
    CorrectiveActionStatus,
    CriterionResult,
    NcStatus,
    NonConformance,
    QualityCriterion,
    QualityPlan,
    QualityReview,
    QualityRole,
    ReviewResult,
    ReviewStatus,
)
from .policies import (
    corrective_action_policy,
    criterion_policy,
    manages_quality,
    nc_policy,
    plan_policy,
    require_accepts_deliverable,
    review_policy,
    role_policy,
    sees_scope,
)

PLAN_FIELDS = ("title", "standards", "approach")
ROLE_FIELDS = ("user", "responsibility", "note")
CRITERION_FIELDS = ("name", "description", "target", "mandatory", "gate")
REVIEW_FIELDS = ("kind", "title", "planned_on", "reviewer", "status", "summary")
NC_FIELDS = ("title", "description", "severity", "detected_on", "owner", "criterion", "review", "root_cause",
             "rework_hours")
ACTION_FIELDS = ("kind", "description", "owner", "due", "status", "done_on")
#: results one recording of a review may carry
MAX_RESULTS = 500


def today() -> date:
    return timezone.localdate()


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _users(fields: dict, *names: str) -> None:
    for name in names:
        if fields.get(name) is not None:
            pk = _pk(fields[name])
            fields[name] = active_user(pk if _is_id(pk) else -1, field=name)


def _in_plan(fields: dict, plan: QualityPlan) -> None:
    """Criterion and review ids must be of the same plan."""
    for name, model in (("criterion", QualityCriterion), ("review", QualityReview)):
        if fields.get(name) is not None:
            pk = _pk(fields[name])
            found = model.objects.filter(pk=pk, plan=plan).first() if _is_id(pk) else None
            if found is None:
                raise ValidationError({name: f"no {model._meta.verbose_name} with id {pk} in {plan.ref}"})
            fields[name] = found


def _require_manage(actor, plan: QualityPlan, what: str) -> None:
    if not manages_quality(actor, plan.program_id, plan.project_id):
        raise PermissionDenied(f"you may not {what} in {plan.scope_label}")


# --- plans ------------------------------------------------------------------------------------------------

def plan_create(*, actor, program: Program, project: Project | None = None, **fields) -> QualityPlan:
    """The quality plan of ``program`` (``project`` None) or of one of its projects."""
    _unknown_fields(fields, PLAN_FIELDS)
    if project is not None and project.program_id != program.pk:
        raise ValidationError({"project": f"{project.code} is not a project of {program.code}"})
    if not sees_scope(actor, program.pk, project.pk if project else None):
        field = "project" if project is not None else "program"
        raise ValidationError({field: f"no {field} with id {(project or program).pk}"})
    if not manages_quality(actor, program.pk, project.pk if project else None):
        raise PermissionDenied(f"you may not write the quality plan of {(project or program).code}")
    existing = QualityPlan.objects.filter(program=program, project=project)
    if existing.exists():
        field = "project" if project is not None else "program"
        raise ValidationError({field: f"{(project or program).code} already has a quality plan ({existing[0].ref})"})
    fields.setdefault("title", f"Quality plan of {(project or program).code}")
    return create_audited(actor=actor, obj=QualityPlan(program=program, project=project, **fields))


def plan_update(*, actor, plan: QualityPlan, expected_version: int, **changes) -> QualityPlan:
    _unknown_fields(changes, PLAN_FIELDS)
    plan_policy.require(actor, "change", plan)
    return update_versioned(actor=actor, obj=plan, changes=changes, expected_version=expected_version)


# --- quality roles ----------------------------------------------------------------------------------------

def role_create(*, actor, plan: QualityPlan, **fields) -> QualityRole:
    _unknown_fields(fields, ROLE_FIELDS)
    _require_manage(actor, plan, "name quality roles")
    if fields.get("user") is None:
        raise ValidationError({"user": "give the person who takes the role"})
    _users(fields, "user")
    if QualityRole.objects.filter(plan=plan, user=fields["user"], responsibility=fields.get("responsibility")).exists():
        raise ValidationError({"user": f"{fields['user'].display_name} already has this role in {plan.ref}"})
    return create_audited(actor=actor, obj=QualityRole(plan=plan, **fields))


def role_delete(*, actor, role: QualityRole, expected_version: int) -> None:
    role_policy.require(actor, "delete", role)
    delete_versioned(actor=actor, obj=role, expected_version=expected_version)


# --- criteria ---------------------------------------------------------------------------------------------

def criterion_create(*, actor, plan: QualityPlan, **fields) -> QualityCriterion:
    _unknown_fields(fields, CRITERION_FIELDS + hooks.CRITERION_EXTRA)
    _require_manage(actor, plan, "add quality criteria")
    hooks.criterion_references(actor, plan, fields)
    return create_audited(actor=actor, obj=QualityCriterion(plan=plan, **fields))


def criterion_update(*, actor, criterion: QualityCriterion, expected_version: int, **changes) -> QualityCriterion:
    _unknown_fields(changes, CRITERION_FIELDS + hooks.CRITERION_EXTRA)
    criterion_policy.require(actor, "change", criterion)
    hooks.criterion_references(actor, criterion.plan, changes)
    return update_versioned(actor=actor, obj=criterion, changes=changes, expected_version=expected_version)


def criterion_delete(*, actor, criterion: QualityCriterion, expected_version: int) -> None:
    """Delete a criterion that no review has assessed yet (results are the quality record)."""
    criterion_policy.require(actor, "delete", criterion)
    if criterion.results.exists():
        raise ValidationError({"criterion": f"{criterion.ref} has review results and cannot be deleted"})
    delete_versioned(actor=actor, obj=criterion, expected_version=expected_version)


# --- reviews ----------------------------------------------------------------------------------------------

def review_create(*, actor, plan: QualityPlan, **fields) -> QualityReview:
    _unknown_fields(fields, REVIEW_FIELDS + hooks.REVIEW_EXTRA)
    _require_manage(actor, plan, "plan reviews")
    if fields.get("status") == ReviewStatus.HELD:
        raise ValidationError({"status": "a review is held by recording its results"})
    if fields.get("planned_on") is None:
        raise ValidationError({"planned_on": "give the date the review is planned for"})
    _users(fields, "reviewer")
    hooks.review_references(actor, plan, fields)
    return create_audited(actor=actor, obj=QualityReview(plan=plan, **fields))


def review_update(*, actor, review: QualityReview, expected_version: int, **changes) -> QualityReview:
    _unknown_fields(changes, REVIEW_FIELDS + hooks.REVIEW_EXTRA)
    review_policy.require(actor, "change", review)
    if "status" in changes and changes["status"] != review.status and ReviewStatus.HELD in (changes["status"],
                                                                                          review.status):
        raise ValidationError({"status": "a review is held by recording its results, and stays held"})
    _users(changes, "reviewer")
    hooks.review_references(actor, review.plan, changes)
    return update_versioned(actor=actor, obj=review, changes=changes, expected_version=expected_version)


def review_criteria(review: QualityReview):
    """The criteria a review may assess: those of its plan (narrowed to its deliverable's when it has one)."""
    return hooks.criteria_for_review(review, QualityCriterion.objects.filter(plan_id=review.plan_id))


def _follow_latest(actor, criterion_ids) -> None:
    """Each criterion's status is the result of its latest assessment (date, then id), audited when it moves."""
    latest: dict[int, tuple] = {}
    for criterion_id, result, day in (ReviewResult.objects.filter(criterion_id__in=criterion_ids)
                                      .order_by("date", "pk").values_list("criterion_id", "result", "date")):
        latest[criterion_id] = (result, day)
    for criterion in QualityCriterion.objects.select_for_update().filter(pk__in=criterion_ids):
        result, day = latest.get(criterion.pk, (CriterionResult.NOT_ASSESSED, None))
        if (criterion.status, criterion.assessed_on) != (result, day):
            update_versioned(actor=actor, obj=criterion, changes={"status": result, "assessed_on": day},
                             expected_version=criterion.version, action="assess")


def review_record(*, actor, review: QualityReview, expected_version: int, results: list[tuple],
                  held_on: date | None = None, reviewer=None, summary: str | None = None) -> QualityReview:
    """Record a review's results ``(criterion, result, findings)`` (one per criterion; a second recording of the
    same criterion replaces it) and mark the review held on ``held_on`` (default today)."""
    review_policy.require(actor, "change", review, f"you may not record the results of {review.ref}")
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError({"status": f"{review.ref} is cancelled"})
    if len(results) > MAX_RESULTS:
        raise ValidationError({"results": f"at most {MAX_RESULTS} results at once"})
    if not results:
        raise ValidationError({"results": "give at least one criterion's result"})
    allowed = {c.pk: c for c in review_criteria(review)}
    wanted: dict[int, tuple[str, str]] = {}
    for index, (criterion, result, findings) in enumerate(results, start=1):
        pk = _pk(criterion)
        if not _is_id(pk) or pk not in allowed:
            raise ValidationError({"results": f"result {index}: no criterion with id {pk} in {review.ref}"})
        if result not in CriterionResult.values:
            raise ValidationError({"results": f"result {index}: must be pass, fail or not_assessed, not {result!r}"})
        if findings is not None and (not isinstance(findings, str) or len(findings) > 2000):
            raise ValidationError({"results": f"result {index}: findings are text of at most 2000 characters"})
        if pk in wanted:
            raise ValidationError({"results": f"result {index}: {allowed[pk].ref} is given twice"})
        wanted[pk] = (result, findings or "")
    held_on = held_on or today()
    reviewer_user = active_user(_pk(reviewer) if _is_id(_pk(reviewer)) else -1, field="reviewer") \
        if reviewer is not None else (review.reviewer or actor)
    with transaction.atomic():
        locked = QualityReview.objects.select_for_update().get(pk=review.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked.version)
        existing = {r.criterion_id: r for r in locked.results.all()}
        for pk, (result, findings) in wanted.items():
            row = existing.get(pk)
            values = {"result": result, "findings": findings, "reviewer": reviewer_user, "date": held_on}
            if row is None:
                create_audited(actor=actor, obj=ReviewResult(review=locked, criterion_id=pk, **values))
            else:
                update_versioned(actor=actor, obj=row, changes=values, expected_version=row.version)
        if held_on != locked.held_on:  # moving the review moves its unchanged results too
            for row in existing.values():
                if row.criterion_id not in wanted:
                    update_versioned(actor=actor, obj=row, changes={"date": held_on}, expected_version=row.version)
        changes = {"status": ReviewStatus.HELD, "held_on": held_on}
        if summary is not None:
            changes["summary"] = summary
        saved = update_versioned(actor=actor, obj=locked, changes=changes, expected_version=locked.version,
                                 action="record")
        if saved is locked:  # nothing about the review itself changed, its results did: a new ETag all the same
            QualityReview.objects.filter(pk=locked.pk).update(version=F("version") + 1)
            saved.refresh_from_db()
        _follow_latest(actor, set(wanted) | set(existing))
    return saved


# --- non-conformances -------------------------------------------------------------------------------------

def nc_create(*, actor, plan: QualityPlan, **fields) -> NonConformance:
    _unknown_fields(fields, NC_FIELDS + hooks.NC_EXTRA)
    _require_manage(actor, plan, "raise non-conformances")
    fields.setdefault("detected_on", today())
    _users(fields, "owner")
    _in_plan(fields, plan)
    hooks.nc_references(actor, plan, fields)
    with transaction.atomic():
        nc = create_audited(actor=actor, obj=NonConformance(plan=plan, **fields))
        if nc.owner_id:
            notices.nonconformance_assigned(nc)
    return nc


def nc_update(*, actor, nc: NonConformance, expected_version: int, **changes) -> NonConformance:
    _unknown_fields(changes, NC_FIELDS + hooks.NC_EXTRA)
    nc_policy.require(actor, "change", nc)
    if nc.status == NcStatus.CLOSED:
        raise ValidationError({"status": f"{nc.ref} is closed"})
    _users(changes, "owner")
    _in_plan(changes, nc.plan)
    hooks.nc_references(actor, nc.plan, changes)
    with transaction.atomic():
        saved = update_versioned(actor=actor, obj=nc, changes=changes, expected_version=expected_version)
        if saved.owner_id and saved.owner_id != nc.owner_id:
            notices.nonconformance_assigned(saved)
    return saved


def nc_transition(*, actor, nc: NonConformance, to: str, expected_version: int, verification: str | None = None,
                  day: date | None = None) -> NonConformance:
    """Move a non-conformance along open -> action -> verified -> closed (verified -> action when the actions
    did not work); each move states what it needs and refuses with the field named."""
    nc_policy.require(actor, "change", nc, f"you may not change the status of {nc.ref}")
    day = day or today()
    with transaction.atomic():
        locked = NonConformance.objects.select_for_update().get(pk=nc.pk)
        if locked.version != expected_version:
            raise StaleVersion(locked.version)
        if to not in NC_TRANSITIONS.get(locked.status, ()):
            allowed = ", ".join(NC_TRANSITIONS.get(locked.status, ())) or "nothing (closed)"
            raise ValidationError({"status": f"{locked.ref} is {locked.status}: it can move to {allowed}, not {to!r}"})
        changes: dict = {"status": to}
        if to == NcStatus.ACTION and locked.status == NcStatus.OPEN:
            if not locked.root_cause.strip():
                raise ValidationError({"root_cause": f"write the root cause of {locked.ref} before acting on it"})
            if not locked.actions.filter(kind=ActionKind.CORRECTIVE).exists():
                raise ValidationError({"actions": f"plan at least one corrective action for {locked.ref}"})
        if to == NcStatus.VERIFIED:
            pending = list(locked.actions.filter(status=CorrectiveActionStatus.OPEN).order_by("pk"))
            if pending:
                raise ValidationError({"actions": "actions still open: " + ", ".join(a.ref for a in pending)})
            text = (verification if verification is not None else locked.verification or "").strip()
            if not text:
                raise ValidationError({"verification": "say how the effectiveness of the actions was verified"})
            changes |= {"verification": text[:2000], "verified_by": actor, "verified_on": day}
        if to == NcStatus.CLOSED:
            changes["closed_on"] = day
        if to == NcStatus.ACTION and locked.status == NcStatus.VERIFIED:
            changes |= {"verified_by": None, "verified_on": None}
            if verification is not None:
                changes["verification"] = verification.strip()[:2000]
        return update_versioned(actor=actor, obj=locked, changes=changes, expected_version=locked.version,
                                action=f"status_{to}")


# --- corrective and preventive actions --------------------------------------------------------------------

def _done_on(fields: dict, current: CorrectiveAction | None = None) -> None:
    status = fields.get("status", current.status if current else CorrectiveActionStatus.OPEN)
    if status == CorrectiveActionStatus.DONE and not fields.get("done_on") and not (current and current.done_on):
        fields["done_on"] = today()
    if status == CorrectiveActionStatus.OPEN and "status" in fields:
        fields["done_on"] = None


def action_create(*, actor, nonconformance: NonConformance, **fields) -> CorrectiveAction:
    _unknown_fields(fields, ACTION_FIELDS)
    nc_policy.require(actor, "change", nonconformance, f"you may not plan actions for {nonconformance.ref}")
    if nonconformance.status == NcStatus.CLOSED:
        raise ValidationError({"nonconformance": f"{nonconformance.ref} is closed"})
    _users(fields, "owner")
    _done_on(fields)
    return create_audited(actor=actor, obj=CorrectiveAction(nonconformance=nonconformance, **fields))


def action_update(*, actor, action: CorrectiveAction, expected_version: int, **changes) -> CorrectiveAction:
    _unknown_fields(changes, ACTION_FIELDS)
    corrective_action_policy.require(actor, "change", action)
    _users(changes, "owner")
    _done_on(changes, action)
    return update_versioned(actor=actor, obj=action, changes=changes, expected_version=expected_version)


# --- acceptance of deliverables ---------------------------------------------------------------------------

def blocking_criteria(deliverable) -> list[QualityCriterion]:
    """The deliverable's mandatory criteria that have not passed (failed or not assessed), in id order."""
    return list(QualityCriterion.objects.filter(deliverable=deliverable, mandatory=True)
                .exclude(status=CriterionResult.PASS).order_by("pk"))


def acceptance_guard(deliverable) -> None:
    """``change.services.ACCEPTANCE_GUARDS``: however a deliverable is accepted (here, or the change app's own
    endpoint), a mandatory criterion that failed or is not assessed refuses it, naming the criterion. The criteria
    are locked, so a failing result recorded meanwhile waits for the decision (and is then seen by the next)."""
    list(QualityCriterion.objects.select_for_update().filter(deliverable=deliverable).values_list("pk"))
    blocking = blocking_criteria(deliverable)
    if blocking:
        raise ValidationError({"deliverable": _blocked_message(deliverable, blocking)})


def _blocked_message(deliverable, blocking: list[QualityCriterion]) -> str:
    named = "; ".join(f"{c.ref} '{c.name}' {'failed' if c.status == CriterionResult.FAIL else 'is not assessed'}"
                      for c in blocking[:10])
    more = f" (and {len(blocking) - 10} more)" if len(blocking) > 10 else ""
    return f"{deliverable.ref} cannot be accepted: mandatory criterion {named}{more}"


def acceptance_record(*, actor, deliverable, decision: str, note: str = "",
                      expected_version: int | None = None) -> Acceptance:
    """Accept or reject a deliverable: the decision record (who, today, why; evidence is attached to it) and the
    deliverable's status through ``change.services.deliverable_accept``/``_reject``, in one transaction.
    Acceptance is refused (422 naming the criterion) while a mandatory criterion of the deliverable has failed or
    is not assessed. Decided by the PMO Director or the program's Program Manager (the change app's rule)."""
    require_accepts_deliverable(actor, deliverable)
    if decision not in AcceptanceDecision.values:
        raise ValidationError({"decision": f"must be accepted or rejected, not {decision!r}"})
    note = note or ""
    if not isinstance(note, str) or len(note) > 2000:
        raise ValidationError({"note": "at most 2000 characters"})
    with transaction.atomic():
        if decision == AcceptanceDecision.ACCEPTED:  # refused by acceptance_guard if a mandatory criterion did not pass
            change_services.deliverable_accept(actor=actor, deliverable=deliverable, note=note,
                                               expected_version=expected_version)
        else:
            change_services.deliverable_reject(actor=actor, deliverable=deliverable, note=note,
                                               expected_version=expected_version)
        first = not Acceptance.objects.filter(deliverable=deliverable).exists()
        return create_audited(actor=actor, obj=Acceptance(deliverable=deliverable, decision=decision,
                                                          decided_by=actor, decided_on=today(), note=note,
                                                          first_decision=first))
