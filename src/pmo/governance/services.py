"""Every write of governance: policy check, validation, save and one audit event per change, in one transaction.

Rules kept here (one place each):
- a lifecycle is applied once per program or project, from a template whose phases include its current phase;
- only the gate out of the current phase may be reviewed and decided;
- a gate decision is the Steering Committee's (role ``steering_committee`` on the program): anyone else gets a
  403 naming why, nothing written; votes are required where the program asks for them; a "go with conditions"
  names its conditions;
- only a "go" or "go with conditions" advances the phase (``portfolio.services.phase_advance``, audited);
  "hold" puts the gate on hold, "stop" stops it; every decision is entered in the decision log;
- budget changes beyond tolerance are approved or rejected by the Steering Committee through finance's service.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.communications.models import MAX_AGENDA_ITEMS, Meeting, MeetingKind
from pmo.communications.policies import meeting_policy
from pmo.communications.services import agenda_item_add
from pmo.core.errors import StaleVersion
from pmo.core.jobs import JobStatus
from pmo.core.services import create_audited, update_versioned
from pmo.finance import services as finance_services
from pmo.finance.models import BudgetChange
from pmo.notifications.services import notify
from pmo.portfolio.models import Lifecycle, Program, Project
from pmo.portfolio.services import phase_advance

from . import selectors
from .models import (
    ADVANCING,
    DEFAULT_PHASES,
    ChainVerification,
    CriterionKind,
    Decision,
    DecisionKind,
    Gate,
    GateCriterion,
    GateReview,
    GateReviewStatus,
    GateStatus,
    GovernanceSettings,
    LifecycleTemplate,
    Verdict,
)
from .notices import DECISION_WAITING, committee_of
from .policies import (
    criterion_policy,
    gate_policy,
    is_director,
    manages_program,
    not_on_committee,
    on_committee,
    review_policy,
)

CRITERION_FIELDS = ("met", "evidence_url", "note")
#: the default template's gate criteria: phase -> [(kind, text)]
DEFAULT_CRITERIA = {
    "define": [("manual", "Mandate approved by the sponsor"), ("manual", "Outline business case"),
               ("critical_risks", "No open critical risk")],
    "deliver": [("manual", "Business case approved"), ("plan_check", "Plan passes the consistency check"),
                ("manual", "Budget approved"), ("critical_risks", "No open critical risk"),
                ("quality", "Quality criteria of the definition met")],
    "transition": [("manual", "Deliverables accepted"), ("quality", "Quality criteria met")],
    "close": [("manual", "Deliverables accepted by their owners"), ("manual", "Benefits handed over"),
              ("critical_risks", "No open critical risk"), ("quality", "Quality criteria met")],
}
#: kinds of decisions entered by hand (gate and budget change decisions come from their own forms)
RECORDED_KINDS = (DecisionKind.CHANGE_REQUEST, DecisionKind.ESCALATION, DecisionKind.OTHER)
VERDICT_OUTCOME = {Verdict.GO: GateStatus.PASSED, Verdict.GO_WITH_CONDITIONS: GateStatus.PASSED,
                   Verdict.HOLD: GateStatus.ON_HOLD, Verdict.STOP: GateStatus.STOPPED}


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({name: "must be text"})
    if len(value) > limit:
        raise ValidationError({name: f"at most {limit} characters"})
    return value.strip()


def default_template() -> LifecycleTemplate:
    """The portfolio's default template (Identify / Define / Deliver / Close), created the first time."""
    found = LifecycleTemplate.objects.filter(is_default=True).order_by("pk").first()
    if found is None:
        with transaction.atomic():
            found = create_audited(actor=None, obj=LifecycleTemplate(
                name="Standard lifecycle", phases=DEFAULT_PHASES, is_default=True,
                criteria={phase: [list(c) for c in DEFAULT_CRITERIA.get(phase, [])] for phase in DEFAULT_PHASES[1:]}))
    return found


def settings_of(program: Program) -> GovernanceSettings:
    return GovernanceSettings.objects.filter(program=program).first() or GovernanceSettings(program=program)


def settings_update(*, actor, program: Program, votes_required: bool) -> GovernanceSettings:
    if not manages_program(actor, program.pk):
        raise PermissionDenied(f"you may not change the governance settings of {program.code}")
    if not isinstance(votes_required, bool):
        raise ValidationError({"votes_required": "true or false"})
    with transaction.atomic():
        found = GovernanceSettings.objects.select_for_update().filter(program=program).first()
        if found is None:
            return create_audited(actor=actor, obj=GovernanceSettings(program=program, votes_required=votes_required))
        return update_versioned(actor=actor, obj=found, changes={"votes_required": votes_required},
                                expected_version=found.version)


def _gated(target) -> str | None:
    """portfolio's phase gatekeeper: a program or project with a lifecycle moves phase only through its gates."""
    lookup = {"project": target} if isinstance(target, Project) else {"program": target, "project": None}
    if Gate.objects.filter(**lookup).exists():
        return (f"{target.code} has stage gates: its phase moves only through a gate review's go decision "
                "(Governance)")
    return None


# --- lifecycles and gates ------------------------------------------------------------------------------

def lifecycle_apply(*, actor, target: Program | Project, template: LifecycleTemplate | None = None,
                    planned_dates: dict[str, date] | None = None) -> list[Gate]:
    """Create the gates of ``target`` from ``template`` (default: the portfolio's): one per passage from the
    current phase to each later phase of the template, each with the template's criteria of the phase it leads
    into."""
    program = target.program if isinstance(target, Project) else target
    if not manages_program(actor, program.pk):
        raise PermissionDenied(f"you may not set up the lifecycle of {target.code}")
    template = template or default_template()
    project = target if isinstance(target, Project) else None
    if Gate.objects.filter(program=program, project=project).exists():
        raise ValidationError({"target": f"{target.code} already has its lifecycle"})
    order = Lifecycle.values.index
    # from the current phase (even one the template skips, such as Transition) to the template's later phases
    phases = [target.phase, *(p for p in template.phases if order(p) > order(target.phase))]
    planned_dates = planned_dates or {}
    gates = []
    with transaction.atomic():
        for order, (before, after) in enumerate(zip(phases, phases[1:], strict=False), start=1):
            gate = create_audited(actor=actor, obj=Gate(
                program=program, project=project, template=template, from_phase=before, to_phase=after, order=order,
                planned_date=planned_dates.get(after)))
            for index, (kind, text) in enumerate(template.criteria.get(after, []), start=1):
                create_audited(actor=actor, obj=GateCriterion(gate=gate, order=index, kind=kind, text=text[:300]))
            gates.append(gate)
    return gates


def gate_plan(*, actor, gate: Gate, expected_version: int, planned_date: date | None) -> Gate:
    gate_policy.require(actor, "schedule", gate, f"you may not plan the gates of {gate.target_code}")
    return update_versioned(actor=actor, obj=gate, changes={"planned_date": planned_date},
                            expected_version=expected_version)


def criterion_create(*, actor, gate: Gate, text: str, kind: str = CriterionKind.MANUAL) -> GateCriterion:
    gate_policy.require(actor, "change", gate, f"you may not change the criteria of {gate}")
    if kind not in CriterionKind.values:
        raise ValidationError({"kind": f"must be one of {', '.join(CriterionKind.values)}, not {kind!r}"})
    text = _text(text, "text", 300)
    if not text:
        raise ValidationError({"text": "say what the gate requires"})
    order = (gate.criteria.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    if order > 100:
        raise ValidationError({"text": "at most 100 criteria per gate"})
    return create_audited(actor=actor, obj=GateCriterion(gate=gate, text=text, kind=kind, order=order))


def criterion_update(*, actor, criterion: GateCriterion, expected_version: int, **changes) -> GateCriterion:
    """Tick a manual criterion, or record its evidence (a link, a note); computed criteria are not ticked."""
    _unknown_fields(changes, CRITERION_FIELDS)
    criterion_policy.require(actor, "change", criterion, f"you may not record evidence for {criterion.gate}")
    if "met" in changes:
        if not isinstance(changes["met"], bool):
            raise ValidationError({"met": "true or false"})
        if criterion.computed and changes["met"] != criterion.met:
            raise ValidationError({"met": f"this criterion is computed ({criterion.get_kind_display()}), "
                                          "not ticked by hand"})
    if "note" in changes:
        changes["note"] = _text(changes["note"], "note", 2000)
    if "evidence_url" in changes:
        changes["evidence_url"] = _text(changes["evidence_url"], "evidence_url", 500)
    if criterion.gate.status in (GateStatus.PASSED, GateStatus.STOPPED):
        raise ValidationError({"gate": f"{criterion.gate.ref} is {criterion.gate.get_status_display().lower()}: "
                                       "its evidence is frozen"})
    return update_versioned(actor=actor, obj=criterion, changes=changes, expected_version=expected_version)


def _require_next(gate: Gate) -> None:
    target = gate.target
    if gate.status in (GateStatus.PASSED, GateStatus.STOPPED):
        raise ValidationError({"gate": f"{gate.ref} is {gate.get_status_display().lower()}"})
    if gate.from_phase != target.phase:
        raise ValidationError({"gate": f"{gate.ref} leads out of {gate.get_from_phase_display()}, but "
                                       f"{target.code} is in {target.get_phase_display()}: review the gate out of "
                                       "the current phase"})


def review_schedule(*, actor, gate: Gate, scheduled_for: date) -> GateReview:
    """Put the gate on a Steering Committee's agenda for ``scheduled_for``."""
    gate_policy.require(actor, "schedule", gate, f"you may not schedule reviews of {gate.target_code}")
    if not isinstance(scheduled_for, date):
        raise ValidationError({"scheduled_for": "a date"})
    _require_next(gate)
    if gate.reviews.filter(status=GateReviewStatus.SCHEDULED).exists():
        raise ValidationError({"scheduled_for": f"{gate.ref} already has a review scheduled: decide it first"})
    with transaction.atomic():
        review = create_audited(actor=actor, obj=GateReview(gate=gate, scheduled_for=scheduled_for))
        if gate.planned_date != scheduled_for:
            update_versioned(actor=actor, obj=gate, changes={"planned_date": scheduled_for},
                             expected_version=gate.version)
        transaction.on_commit(lambda: notify(
            kind=DECISION_WAITING, recipients=committee_of(gate.program_id), subject=f"Waiting for your decision: "
            f"gate review {review.ref} on {scheduled_for}", body=str(gate), url=review.get_absolute_url(),
            dedupe_key=f"gate_review:{review.ref}", program=gate.program_id))
    return review


def _votes(program: Program, votes: dict) -> dict:
    """Votes (for, against, abstain): required where the program records them, refused where it does not."""
    given = {k: v for k, v in votes.items() if v is not None}
    for name, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 500:
            raise ValidationError({name: "a whole number from 0 to 500"})
    if settings_of(program).votes_required:
        missing = [name for name in ("votes_for", "votes_against", "votes_abstain") if name not in given]
        if missing:
            raise ValidationError({missing[0]: f"{program.code} records votes: give for, against and abstain"})
        if sum(given.values()) == 0:
            raise ValidationError({"votes_for": "nobody voted"})
    elif given:
        raise ValidationError({next(iter(given)): f"{program.code} does not record votes (a program setting)"})
    return given


def review_decide(*, actor, review: GateReview, expected_version: int, verdict: str, rationale: str = "",
                  conditions: str = "", votes_for: int | None = None, votes_against: int | None = None,
                  votes_abstain: int | None = None, meeting_id: int | None = None) -> GateReview:
    """Record the Steering Committee's decision on a gate; a go advances the phase (audited), a hold or a stop
    sets the gate's status; the decision is entered in the decision log with the evidence as it stands."""
    review_policy.require(actor, "view", review)
    program = review.gate.program
    if not on_committee(actor, program.pk):
        raise PermissionDenied(not_on_committee(program))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": f"must be one of {', '.join(Verdict.values)}, not {verdict!r}"})
    rationale, conditions = _text(rationale, "rationale", 5000), _text(conditions, "conditions", 2000)
    if verdict == Verdict.GO_WITH_CONDITIONS and not conditions:
        raise ValidationError({"conditions": "name the conditions of a go with conditions"})
    if verdict != Verdict.GO_WITH_CONDITIONS and conditions:
        raise ValidationError({"conditions": "only a go with conditions has conditions"})
    if verdict in (Verdict.HOLD, Verdict.STOP) and not rationale:
        raise ValidationError({"rationale": f"say why the gate is {Verdict(verdict).label.lower()}"})
    votes = _votes(program, {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain})
    if votes and verdict in ADVANCING and votes["votes_for"] <= votes["votes_against"]:
        raise ValidationError({"verdict": f"a go needs more votes for than against ({votes['votes_for']} for, "
                                          f"{votes['votes_against']} against)"})
    with transaction.atomic():
        review = GateReview.objects.select_for_update(of=("self",)).select_related(
            "gate__program", "gate__project").get(pk=review.pk)
        if review.version != expected_version:
            raise StaleVersion(review.version)
        if review.status != GateReviewStatus.SCHEDULED:
            raise ValidationError({"verdict": f"{review.ref} was decided already ({review.get_verdict_display()})"})
        gate = Gate.objects.select_for_update().get(pk=review.gate_id)
        _require_next(gate)
        found = selectors.evidence(actor, gate)
        now = timezone.now()
        review = update_versioned(actor=actor, obj=review, expected_version=expected_version, action=verdict,
                                  changes={"status": GateReviewStatus.DECIDED, "verdict": verdict,
                                           "rationale": rationale,
                                           "conditions": conditions, "decided_by": actor, "decided_at": now,
                                           "evidence": {"criteria": [e.as_dict() for e in found],
                                                        "phase_before": gate.target.phase}, **votes})
        update_versioned(actor=actor, obj=gate, changes={"status": VERDICT_OUTCOME[verdict]},
                         expected_version=gate.version, action=verdict)
        if verdict in ADVANCING:
            phase_advance(actor=actor, target=gate.target, phase=gate.to_phase)
        label = Verdict(verdict).label
        create_audited(actor=actor, obj=Decision(
            program=gate.program, project=gate.project, kind=DecisionKind.GATE, outcome=label.lower(),
            title=f"{gate.target_code}: gate to {gate.get_to_phase_display()}: {label}",
            rationale="\n".join(t for t in (rationale, f"Conditions: {conditions}" if conditions else "") if t),
            decided_on=min(review.scheduled_for, timezone.localdate(now)), decided_by=actor,
            subject_type=review._meta.label_lower,
            subject_id=str(review.pk), subject_url=review.get_absolute_url(), meeting_id=meeting_id, **votes))
    return review


# --- other decisions of the committee ---------------------------------------------------------------------

def budget_change_decide(*, actor, change: BudgetChange, expected_version: int, approve: bool,
                         rationale: str = "", votes_for: int | None = None, votes_against: int | None = None,
                         votes_abstain: int | None = None, meeting_id: int | None = None) -> BudgetChange:
    """Approve or reject a budget change awaiting the Steering Committee (finance moves the money); logged."""
    if not isinstance(approve, bool):
        raise ValidationError({"approve": "true or false"})
    program = change.budget.program
    if program is None:
        raise ValidationError({"budget": "the PMO's own budget is the PMO Director's, not a committee's"})
    rationale = _text(rationale, "rationale", 5000)
    committee = on_committee(actor, program.pk)
    votes = _votes(program, {"votes_for": votes_for, "votes_against": votes_against,
                             "votes_abstain": votes_abstain}) if committee else {}
    if votes and approve and votes["votes_for"] <= votes["votes_against"]:
        raise ValidationError({"approve": "approving needs more votes for than against"})
    with transaction.atomic():
        decided = finance_services.budget_change_decide(actor=actor, change=change, approve=approve,
                                                        expected_version=expected_version, may_decide=committee,
                                                        refusal=not_on_committee(program))
        target = decided.budget.project or program
        create_audited(actor=actor, obj=Decision(
            program=program, project=decided.budget.project, kind=DecisionKind.BUDGET_CHANGE,
            outcome="approved" if approve else "rejected",
            title=f"{target.code}: budget change {decided.amount:+,.2f} {'approved' if approve else 'rejected'}",
            rationale=rationale or decided.reason, decided_on=timezone.localdate(), decided_by=actor,
            subject_type=decided._meta.label_lower, subject_id=str(decided.pk),
            subject_url=decided.get_absolute_url(), meeting_id=meeting_id, **votes))
    return decided


def decision_record(*, actor, program: Program, title: str, outcome: str, kind: str = DecisionKind.OTHER,
                    project: Project | None = None, rationale: str = "", decided_on: date | None = None,
                    meeting_id: int | None = None, subject=None, votes_for: int | None = None,
                    votes_against: int | None = None, votes_abstain: int | None = None) -> Decision:
    """Enter a decision the Steering Committee took (in a meeting, on an escalation, ...) in the log."""
    if not on_committee(actor, program.pk):
        raise PermissionDenied(not_on_committee(program))
    if kind not in RECORDED_KINDS:
        raise ValidationError({"kind": f"must be one of {', '.join(RECORDED_KINDS)} (gate and budget decisions are "
                                       "taken on the gate review and the budget change)"})
    title, outcome = _text(title, "title", 200), _text(outcome, "outcome", 40)
    if not title:
        raise ValidationError({"title": "say what was decided"})
    if not outcome:
        raise ValidationError({"outcome": "give the outcome (approved, rejected, ...)"})
    if project is not None and project.program_id != program.pk:
        raise ValidationError({"project": f"no project with id {project.pk} in {program.code}"})
    if decided_on is not None and not isinstance(decided_on, date):
        raise ValidationError({"decided_on": "a date"})
    votes = _votes(program, {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain})
    subject_fields = {}
    if subject is not None:
        subject_fields = {"subject_type": subject._meta.label_lower, "subject_id": str(subject.pk),
                          "subject_url": subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else ""}
    return create_audited(actor=actor, obj=Decision(
        program=program, project=project, kind=kind, title=title, outcome=outcome,
        rationale=_text(rationale, "rationale", 5000), decided_on=decided_on or timezone.localdate(),
        decided_by=actor, meeting_id=meeting_id, **subject_fields, **votes))



# --- steering committee meetings -------------------------------------------------------------------------------

def steering_agenda_build(*, actor, meeting: Meeting) -> list:
    """Add to a Steering Committee meeting's agenda what waits for the committee's decision in its program and is
    not on the agenda yet: gate reviews due by the meeting, budget changes and change requests beyond tolerance,
    escalated risks and issues (each item links to its subject). Running it again adds only what is new."""
    meeting_policy.require(actor, "change", meeting, "you may not change this meeting's agenda")
    if meeting.kind != MeetingKind.STEERING_COMMITTEE:
        raise ValidationError({"meeting": f"{meeting} is not a Steering Committee meeting"})
    pending = selectors.awaiting(actor, meeting.program, horizon=timezone.localdate(meeting.starts_at))
    on_agenda = set(meeting.agenda.filter(subject_type__isnull=False).values_list("subject_type_id", "subject_id"))
    room = MAX_AGENDA_ITEMS - meeting.agenda.count()
    added = []
    with transaction.atomic():
        for item in pending:
            key = (ContentType.objects.get_for_model(type(item.subject)).pk, item.subject.pk)
            if key in on_agenda:
                continue
            if len(added) >= room:
                break
            added.append(agenda_item_add(actor=actor, meeting=meeting, subject=item.subject,
                                         title=f"{item.kind_label}: {item.label} {item.title}"[:200]))
            on_agenda.add(key)
    return added


def meeting_decision_record(*, actor, meeting: Meeting, **fields) -> Decision:
    """A decision the Steering Committee took in ``meeting`` (entered by one of its members)."""
    if meeting.kind != MeetingKind.STEERING_COMMITTEE:
        raise ValidationError({"meeting": f"{meeting} is not a Steering Committee meeting"})
    return decision_record(actor=actor, program=meeting.program, meeting_id=meeting.pk, **fields)


# --- the audit chain -------------------------------------------------------------------------------------------

def verification_start(*, actor) -> ChainVerification:
    """Queue a verification of the whole audit chain (the PMO Director); one at a time."""
    if not is_director(actor):
        raise PermissionDenied("the audit chain's verification is the PMO Director's")
    with transaction.atomic():
        running = ChainVerification.objects.select_for_update().filter(
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).first()
        if running is not None:
            return running
        job = create_audited(actor=actor, obj=ChainVerification())
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(verification_id: int) -> None:
    from .tasks import verify_chain

    verify_chain.enqueue(verification_id)
