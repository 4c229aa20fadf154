"""Governance: lifecycles and stage gates of programs and projects, gate criteria with evidence, gate reviews
decided by the Steering Committee, the decision log, and each program's governance settings.

A lifecycle template (portfolio-wide) lists the phases a program or project goes through (default Identify,
Define, Deliver, Close) and the criteria of each gate (the passage into a phase). Applying it to a program or
project creates one :class:`Gate` per passage after the current phase, with the template's criteria. Criteria
are ticked by hand with their evidence (a link, a note, documents attached through the documents registry) or
computed from other apps when reviewed (the plan's consistency check, open critical risks, quality criteria).
A :class:`GateReview` records the Steering Committee's decision; only a "go" (or "go with conditions") moves
the phase (``portfolio.services.phase_advance``). Every decision the committee takes lands in :class:`Decision`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.jobs import JobStatus
from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.portfolio.models import Lifecycle

DEFAULT_PHASES = [Lifecycle.IDENTIFY.value, Lifecycle.DEFINE.value, Lifecycle.DELIVER.value, Lifecycle.CLOSE.value]
MIN_DAY, MAX_DAY = date(1900, 1, 1), date(2200, 12, 31)


def governance_crumb(program) -> Crumb:
    return Crumb("Governance", reverse("governance:program", args=[program.pk]), program)


def _check_day(errors: dict, name: str, value) -> None:
    if value and not MIN_DAY <= value <= MAX_DAY:
        errors[name] = f"must be between {MIN_DAY} and {MAX_DAY}"


class CriterionKind(models.TextChoices):
    MANUAL = "manual", "Ticked by hand (with a link, a note or documents)"
    PLAN_CHECK = "plan_check", "Computed: the plan's consistency check has no errors"
    CRITICAL_RISKS = "critical_risks", "Computed: no open critical risk"
    QUALITY = "quality", "Computed: quality criteria met"


COMPUTED_KINDS = (CriterionKind.PLAN_CHECK, CriterionKind.QUALITY, CriterionKind.CRITICAL_RISKS)


class LifecycleTemplate(GovernedModel):
    """The phases a program or project goes through and each gate's criteria (portfolio-wide)."""

    name = models.CharField(max_length=120, unique=True)
    phases = models.JSONField(default=list, help_text="phase values in order (portfolio.models.Lifecycle)")
    criteria = models.JSONField(default=dict, blank=True,
                                help_text="phase -> [[kind, text], ...]: the criteria of the gate into the phase")
    is_default = models.BooleanField(default=False)

    audited_fields = ("name", "phases", "criteria", "is_default")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if not isinstance(self.phases, list) or not 2 <= len(self.phases) <= len(Lifecycle.values):
            errors["phases"] = f"give 2 to {len(Lifecycle.values)} phases"
        elif any(p not in Lifecycle.values for p in self.phases) or len(set(self.phases)) != len(self.phases):
            errors["phases"] = f"each phase once, among {', '.join(Lifecycle.values)}"
        elif [Lifecycle.values.index(p) for p in self.phases] != sorted(Lifecycle.values.index(p)
                                                                        for p in self.phases):
            errors["phases"] = "phases in lifecycle order"
        if not isinstance(self.criteria, dict) or any(
                not isinstance(v, list) or len(v) > 30 for v in self.criteria.values()):
            errors["criteria"] = "phase -> list of at most 30 [kind, text] pairs"
        if errors:
            raise ValidationError(errors)


class GovernanceSettings(GovernedModel):
    """One program's governance rules."""

    program = models.OneToOneField("portfolio.Program", on_delete=models.CASCADE, related_name="+")
    votes_required = models.BooleanField(
        default=False, help_text="the Steering Committee's decisions record votes (for, against, abstain)")

    audited_fields = ("program", "votes_required")

    def __str__(self) -> str:
        return f"governance settings of {self.program.code}"

    def get_absolute_url(self) -> str:
        return reverse("governance:program", args=[self.program_id])

    @property
    def crumb_parent(self):
        return self.program


class GateStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ON_HOLD = "on_hold", "On hold"
    PASSED = "passed", "Passed"
    STOPPED = "stopped", "Stopped"


class Gate(GovernedModel):
    """The passage of a program (project empty) or of a project into ``to_phase``."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    template = models.ForeignKey(LifecycleTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    from_phase = models.CharField(max_length=16, choices=Lifecycle.choices)
    to_phase = models.CharField(max_length=16, choices=Lifecycle.choices)
    order = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(20)])
    status = models.CharField(max_length=10, choices=GateStatus.choices, default=GateStatus.PENDING)
    planned_date = models.DateField(null=True, blank=True, help_text="when the gate review is planned")

    audited_fields = ("program", "project", "template", "from_phase", "to_phase", "order", "status", "planned_date")

    class Meta:
        ordering = ["program_id", "project_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["program", "project", "to_phase"],
                                               name="gate_one_per_phase"),
                       models.UniqueConstraint(fields=["program", "to_phase"], condition=models.Q(project=None),
                                               name="gate_one_per_program_phase")]

    def __str__(self) -> str:
        return f"{self.target_code}: gate to {self.get_to_phase_display()}"

    @property
    def target(self):
        return self.project if self.project_id else self.program

    @property
    def target_code(self) -> str:
        return self.project.code if self.project_id else self.program.code

    @property
    def ref(self) -> str:
        return f"G-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return f"Gate to {self.get_to_phase_display()}"

    def get_absolute_url(self) -> str:
        return reverse("governance:gate_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return governance_crumb(self.program)

    def clean(self):
        errors = {}
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = "the project belongs to another program"
        _check_day(errors, "planned_date", self.planned_date)
        if errors:
            raise ValidationError(errors)


class GateCriterion(GovernedModel):
    """One item of a gate's checklist: ticked by hand with evidence, or computed at review time."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(1000)])
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=CriterionKind.choices, default=CriterionKind.MANUAL)
    met = models.BooleanField(default=False, help_text="ticked by hand (manual criteria)")
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    audited_fields = ("gate", "order", "text", "kind", "met", "evidence_url", "note")

    class Meta:
        ordering = ["gate_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def computed(self) -> bool:
        return self.kind in COMPUTED_KINDS

    def get_absolute_url(self) -> str:
        return f"{self.gate.get_absolute_url()}#criterion-{self.pk}"

    @property
    def crumb_parent(self):
        return self.gate

    @property
    def crumb_label(self) -> str:
        return f"Criterion {self.order}"


class Verdict(models.TextChoices):
    GO = "go", "Go"
    GO_WITH_CONDITIONS = "go_with_conditions", "Go with conditions"
    HOLD = "hold", "Hold"
    STOP = "stop", "Stop"


ADVANCING = (Verdict.GO, Verdict.GO_WITH_CONDITIONS)


class GateReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DECIDED = "decided", "Decided"


VOTE_LIMIT = [MaxValueValidator(500)]


class GateReview(GovernedModel):
    """A sitting of the Steering Committee on one gate; its decision and the evidence as it stood then."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="reviews")
    scheduled_for = models.DateField()
    status = models.CharField(max_length=10, choices=GateReviewStatus.choices, default=GateReviewStatus.SCHEDULED)
    verdict = models.CharField("decision", max_length=20, choices=Verdict.choices, blank=True)
    conditions = models.TextField(blank=True, max_length=2000, help_text="the conditions of a go with conditions")
    rationale = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True, editable=False,
                                help_text="the criteria and computed evidence when the decision was taken")
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True, validators=VOTE_LIMIT)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True, validators=VOTE_LIMIT)
    votes_abstain = models.PositiveSmallIntegerField(null=True, blank=True, validators=VOTE_LIMIT)

    audited_fields = ("gate", "scheduled_for", "status", "verdict", "conditions", "rationale", "decided_by",
                      "decided_at", "evidence", "votes_for", "votes_against", "votes_abstain")

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self) -> str:
        return f"review of {self.gate} on {self.scheduled_for}"

    @property
    def ref(self) -> str:
        return f"GR-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return f"Review {self.scheduled_for:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("governance:review_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.gate

    def clean(self):
        errors = {}
        _check_day(errors, "scheduled_for", self.scheduled_for)
        if errors:
            raise ValidationError(errors)


class DecisionKind(models.TextChoices):
    GATE = "gate", "Stage gate"
    CHANGE_REQUEST = "change_request", "Change request"
    BUDGET_CHANGE = "budget_change", "Budget change"
    ESCALATION = "escalation", "Escalated risk or issue"
    OTHER = "other", "Other"


class Decision(GovernedModel):
    """One entry of the decision log: what the Steering Committee decided, on what, when, by whom (with votes
    where the program records them). ``subject_type``/``subject_id`` name the object decided on."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices, default=DecisionKind.OTHER)
    title = models.CharField(max_length=200)
    outcome = models.CharField(max_length=40, help_text="go, approved, rejected, ...")
    rationale = models.TextField(blank=True, max_length=5000)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_url = models.CharField(max_length=300, blank=True)
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True,
                                                help_text="the steering committee meeting it was taken in")
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True, validators=VOTE_LIMIT)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True, validators=VOTE_LIMIT)
    votes_abstain = models.PositiveSmallIntegerField(null=True, blank=True, validators=VOTE_LIMIT)

    audited_fields = ("program", "project", "kind", "title", "outcome", "rationale", "decided_on", "decided_by",
                      "subject_type", "subject_id", "subject_url", "meeting_id", "votes_for", "votes_against",
                      "votes_abstain")

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["program", "decided_on"]), models.Index(fields=["kind", "decided_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"D-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None

    def get_absolute_url(self) -> str:
        return reverse("governance:decision_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb("Decision log", reverse("governance:decisions"))

    def clean(self):
        errors = {}
        _check_day(errors, "decided_on", self.decided_on)
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = "the project belongs to another program"
        if errors:
            raise ValidationError(errors)


class ChainVerification(GovernedModel):
    """One verification of the whole audit chain, run in the background (a long trail takes a while)."""

    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED, editable=False)
    reason = models.TextField(blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    results = models.JSONField(null=True, blank=True, editable=False,
                               help_text="intact, events, broken_event_id, broken_reason, seconds")
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    audited_fields = ("status", "reason")

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"audit chain verification #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("governance:audit")

    @property
    def crumb_parent(self):
        return Crumb("Governance", reverse("governance:index"))
