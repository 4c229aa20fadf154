"""Quality: a quality plan per program and per project (standards applied, quality roles, reviews planned),
quality criteria (of the plan, or of one deliverable), reviews and inspections with a result per criterion,
non-conformances with their corrective and preventive actions, and the acceptance of deliverables.

A criterion's ``status`` is the result of the latest review that assessed it (pass, fail or not assessed): the
results service sets it in the review's transaction, so lists, gates and the acceptance check read one column.
A non-conformance goes open -> action (root cause found, corrective action planned) -> verified (every action
done and the effectiveness verified) -> closed; a failed verification sends it back to action.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)
#: rework is reported in hours and in days of this many hours
HOURS_PER_DAY = Decimal(8)


def _check_days(obj, *names) -> None:
    errors = {name: f"must be between {FIRST_DAY} and {LAST_DAY}" for name in names
              if getattr(obj, name) and not FIRST_DAY <= getattr(obj, name) <= LAST_DAY}
    if errors:
        raise ValidationError(errors)


def _check_deliverable(obj) -> None:
    """A deliverable of a project plan is the project's; of a program plan, one of the program's projects'."""
    if not (obj.deliverable_id and obj.plan_id):
        return
    plan, project = obj.plan, obj.deliverable.project
    if (project.pk != plan.project_id) if plan.project_id else (project.program_id != plan.program_id):
        raise ValidationError({"deliverable": f"{obj.deliverable.ref} is not in the scope of {plan.ref}"})


def quality_crumb(program) -> Crumb:
    """The program's quality dashboard in breadcrumbs (Portfolio > Program > Quality)."""
    return Crumb("Quality", reverse("quality:program", args=[program.pk]), program)


class QualityPlan(GovernedModel):
    """The quality plan of a program (``project`` empty) or of one of its projects: one each."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    title = models.CharField(max_length=200)
    standards = models.TextField("standards applied", blank=True, max_length=4000,
                                 help_text="e.g. ISO 9001 clause 8.6, WCAG 2.1 AA, the company's coding standard")
    approach = models.TextField("assurance and control approach", blank=True, max_length=4000)

    audited_fields = ("program", "project", "title", "standards", "approach")

    class Meta:
        ordering = ["program_id", "project_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program"], condition=models.Q(project__isnull=True),
                                    name="quality_one_plan_per_program"),
            models.UniqueConstraint(fields=["project"], condition=models.Q(project__isnull=False),
                                    name="quality_one_plan_per_project"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"QP-{self.pk}"

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code

    def get_absolute_url(self) -> str:
        return reverse("quality:plan_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.project if self.project_id else quality_crumb(self.program)

    def clean(self):
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError({"project": "the project belongs to another program"})


class Responsibility(models.TextChoices):
    QUALITY_LEAD = "quality_lead", "Quality lead"
    REVIEWER = "reviewer", "Reviewer"
    APPROVER = "approver", "Approver"
    AUDITOR = "auditor", "Auditor"


class QualityRole(GovernedModel):
    """Who does what for quality in a plan's scope (reviews, approves, audits)."""

    plan = models.ForeignKey(QualityPlan, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responsibility = models.CharField(max_length=12, choices=Responsibility.choices)
    note = models.CharField(max_length=200, blank=True)

    audited_fields = ("plan", "user", "responsibility", "note")

    class Meta:
        ordering = ["responsibility", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "user", "responsibility"],
                                               name="quality_role_unique")]

    def __str__(self) -> str:
        return f"{self.get_responsibility_display()}: {self.user.display_name}"

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#roles"

    @property
    def crumb_parent(self):
        return self.plan


class CriterionResult(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class QualityCriterion(GovernedModel):
    """A measurable condition a deliverable (or the plan's scope) must meet; mandatory ones block acceptance,
    gate ones are the governance gates' evidence (``selectors.criteria_status``)."""

    plan = models.ForeignKey(QualityPlan, on_delete=models.CASCADE, related_name="criteria")
    deliverable = models.ForeignKey("change.Deliverable", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="the deliverable it applies to (empty: all)")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    target = models.CharField("measure / threshold", max_length=200, blank=True,
                              help_text="how it is measured and what passes, e.g. 'p95 response < 2 s at 500 users'")
    mandatory = models.BooleanField(default=True, help_text="a deliverable cannot be accepted unless it passes")
    gate = models.BooleanField("gate criterion", default=False,
                               help_text="counts as evidence at governance gates of the plan's scope")
    status = models.CharField(max_length=12, choices=CriterionResult.choices, default=CriterionResult.NOT_ASSESSED,
                              help_text="the result of the latest review that assessed it")
    assessed_on = models.DateField(null=True, blank=True)

    audited_fields = ("plan", "deliverable", "name", "description", "target", "mandatory", "gate", "status",
                      "assessed_on")

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "quality criteria"
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ref(self) -> str:
        return f"QC-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("quality:criterion_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.plan

    def clean(self):
        _check_days(self, "assessed_on")
        _check_deliverable(self)


class ReviewKind(models.TextChoices):
    REVIEW = "review", "Review"
    INSPECTION = "inspection", "Inspection"
    AUDIT = "audit", "Audit"
    TEST = "test", "Test"


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class QualityReview(GovernedModel):
    """A review, inspection, audit or test planned in a quality plan; held, it has a result per criterion."""

    plan = models.ForeignKey(QualityPlan, on_delete=models.CASCADE, related_name="reviews")
    deliverable = models.ForeignKey("change.Deliverable", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text="the deliverable reviewed (its criteria are assessed)")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices, default=ReviewKind.REVIEW)
    title = models.CharField(max_length=200)
    planned_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="who leads the review")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED)
    summary = models.TextField(blank=True, max_length=4000)

    audited_fields = ("plan", "deliverable", "kind", "title", "planned_on", "held_on", "reviewer", "status",
                      "summary")

    class Meta:
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"QR-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("quality:review_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.plan

    def clean(self):
        _check_days(self, "planned_on", "held_on")
        _check_deliverable(self)


class ReviewResult(GovernedModel):
    """The result of one criterion in one review: pass, fail or not assessed, with findings."""

    review = models.ForeignKey(QualityReview, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(QualityCriterion, on_delete=models.CASCADE, related_name="results")
    result = models.CharField(max_length=12, choices=CriterionResult.choices)
    findings = models.TextField(blank=True, max_length=2000)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    date = models.DateField()

    audited_fields = ("review", "criterion", "result", "findings", "reviewer", "date")

    class Meta:
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="quality_one_result_per_review")]

    def __str__(self) -> str:
        return f"{self.criterion.ref} {self.get_result_display()} ({self.date})"

    def get_absolute_url(self) -> str:
        return f"{self.review.get_absolute_url()}#result-{self.pk}"

    @property
    def crumb_parent(self):
        return self.review

    def clean(self):
        _check_days(self, "date")


class NcSeverity(models.TextChoices):
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"


class NcStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTION = "action", "Action"
    VERIFIED = "verified", "Verified"
    CLOSED = "closed", "Closed"


#: allowed moves of a non-conformance (a failed verification goes back to action)
NC_TRANSITIONS = {
    NcStatus.OPEN: (NcStatus.ACTION,),
    NcStatus.ACTION: (NcStatus.VERIFIED, NcStatus.OPEN),
    NcStatus.VERIFIED: (NcStatus.CLOSED, NcStatus.ACTION),
    NcStatus.CLOSED: (),
}
OPEN_NC = (NcStatus.OPEN, NcStatus.ACTION, NcStatus.VERIFIED)
MAX_REWORK_HOURS = Decimal("100000")


class NonConformance(GovernedModel):
    """Something that does not meet a requirement or criterion: found, analysed, corrected, verified, closed."""

    plan = models.ForeignKey(QualityPlan, on_delete=models.PROTECT, related_name="nonconformances")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    severity = models.CharField(max_length=8, choices=NcSeverity.choices, default=NcSeverity.MINOR)
    detected_on = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text="who is assigned to resolve it")
    criterion = models.ForeignKey(QualityCriterion, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="nonconformances")
    review = models.ForeignKey(QualityReview, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="nonconformances", help_text="the review that found it")
    deliverable = models.ForeignKey("change.Deliverable", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    root_cause = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=8, choices=NcStatus.choices, default=NcStatus.OPEN)
    verification = models.TextField("verification of effectiveness", blank=True, max_length=2000)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    verified_on = models.DateField(null=True, blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    rework_hours = models.DecimalField(max_digits=8, decimal_places=1, default=Decimal(0),
                                       validators=[MinValueValidator(Decimal(0)),
                                                   MaxValueValidator(MAX_REWORK_HOURS)],
                                       help_text="effort spent on rework, in hours")

    audited_fields = ("plan", "title", "description", "severity", "detected_on", "owner", "criterion", "review",
                      "deliverable", "root_cause", "status", "verification", "verified_by", "verified_on", "closed_on",
                      "rework_hours")

    class Meta:
        ordering = ["-detected_on", "-pk"]
        verbose_name = "non-conformance"
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"NC-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NC

    def get_absolute_url(self) -> str:
        return reverse("quality:nc_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.plan

    def clean(self):
        _check_days(self, "detected_on")
        errors = {}
        if self.criterion_id and self.plan_id and self.criterion.plan_id != self.plan_id:
            errors["criterion"] = "the criterion belongs to another quality plan"
        if self.review_id and self.plan_id and self.review.plan_id != self.plan_id:
            errors["review"] = "the review belongs to another quality plan"
        if errors:
            raise ValidationError(errors)
        _check_deliverable(self)


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", "Corrective"
    PREVENTIVE = "preventive", "Preventive"


class CorrectiveActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class CorrectiveAction(GovernedModel):
    """A corrective (removes the cause of this one) or preventive (stops it happening elsewhere) action."""

    nonconformance = models.ForeignKey(NonConformance, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=ActionKind.choices, default=ActionKind.CORRECTIVE)
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=4, choices=CorrectiveActionStatus.choices, default=CorrectiveActionStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)

    audited_fields = ("nonconformance", "kind", "description", "owner", "due", "status", "done_on")

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due"])]

    def __str__(self) -> str:
        return self.description

    @property
    def ref(self) -> str:
        return f"CA-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def is_overdue(self, today: date | None = None) -> bool:
        return (self.status == CorrectiveActionStatus.OPEN and self.due is not None
                and self.due < (today or date.today()))

    def get_absolute_url(self) -> str:
        return reverse("quality:action_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.nonconformance

    def clean(self):
        _check_days(self, "due", "done_on")


class AcceptanceDecision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Acceptance(GovernedModel):
    """A decision on a deliverable: who accepted or rejected it, when, and why; evidence documents are attached
    to this record (documents registry key ``acceptance``). The deliverable's status itself is the change app's
    (``change.services.deliverable_accept``/``_reject``), called in the same transaction."""

    deliverable = models.ForeignKey("change.Deliverable", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=8, choices=AcceptanceDecision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    note = models.TextField(blank=True, max_length=2000)
    first_decision = models.BooleanField(default=False, editable=False,
                                         help_text="the deliverable's first decision (first-pass acceptance)")

    audited_fields = ("deliverable", "decision", "decided_by", "decided_on", "note", "first_decision")

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["deliverable", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.deliverable}"

    @property
    def ref(self) -> str:
        return f"QA-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("quality:acceptance_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb(f"Quality of {self.deliverable.ref}", reverse("quality:deliverable", args=[self.deliverable_id]),
                     self.deliverable)

    def clean(self):
        _check_days(self, "decided_on")
