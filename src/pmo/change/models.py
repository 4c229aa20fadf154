"""Scope and change control.

Scope: a project's deliverables (what is handed over and accepted) and scope items (what is in or out of scope),
each scope item linked to the WBS tasks that do it; a scope baseline is a named snapshot of both.

Change requests: a typed list of proposed edits stored as data (``edits``, validated by
:mod:`pmo.change.edits`), assessed on an in-memory copy of the program's plan (:class:`Assessment`), decided by
the Program Manager within the program's tolerances or by its Steering Committee beyond them, and implemented
through the planning, finance and benefits services, which sets a new baseline named after the request
(:class:`BaselineChange` ties the two for the change log).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.portfolio.models import Program, Project

EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


def scope_crumb(project: Project) -> Crumb:
    return Crumb("Scope", reverse("change:scope", args=[project.pk]), parent=project)


def changes_crumb(program: Program) -> Crumb:
    return Crumb("Change requests", reverse("change:program", args=[program.pk]), program)


def _check_date(errors: dict, name: str, value) -> None:
    if value and not EARLIEST <= value <= LATEST:
        errors[name] = f"must be between {EARLIEST} and {LATEST}"


# --- scope ------------------------------------------------------------------------------------------

class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted for acceptance"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Deliverable(GovernedModel):
    """Something a project hands over, with the criteria it is accepted against.

    ``accepted``/``rejected`` are set only by :func:`pmo.change.services.deliverable_accept` (and ``_reject``),
    which record who decided and when; the quality app calls them with its acceptance records.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="deliverables")
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    acceptance_criteria = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=12, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED)
    due = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    tasks = models.ManyToManyField("planning.Task", blank=True, related_name="+",
                                   help_text="the WBS tasks that produce it")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    acceptance_note = models.TextField(blank=True, max_length=2000, editable=False)

    audited_fields = ("project", "code", "name", "description", "acceptance_criteria", "status", "due", "owner",
                      "accepted_by", "accepted_at", "acceptance_note")

    class Meta:
        ordering = ["project_id", "code", "pk"]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def ref(self) -> str:
        return f"DL-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("change:deliverable_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return scope_crumb(self.project)

    def clean(self):
        errors: dict = {}
        _check_date(errors, "due", self.due)
        if errors:
            raise ValidationError(errors)


class ScopeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    IN_SCOPE = "in_scope", "In scope"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"
    DONE = "done", "Done"


class ScopeItem(GovernedModel):
    """A piece of the project's scope (a requirement, feature or work item), in or out of scope, linked to the
    WBS tasks that do it and optionally to the deliverable it is part of."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="scope_items")
    deliverable = models.ForeignKey(Deliverable, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="items")
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    acceptance_criteria = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=12, choices=ScopeStatus.choices, default=ScopeStatus.IN_SCOPE)
    tasks = models.ManyToManyField("planning.Task", blank=True, related_name="+",
                                   help_text="the WBS tasks that do it")

    audited_fields = ("project", "deliverable", "code", "name", "description", "acceptance_criteria", "status")

    class Meta:
        ordering = ["project_id", "code", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def ref(self) -> str:
        return f"SI-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("change:item_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return scope_crumb(self.project)

    def clean(self):
        if self.deliverable_id and self.project_id and self.deliverable.project_id != self.project_id:
            raise ValidationError({"deliverable": "the deliverable belongs to another project"})


class ScopeBaseline(GovernedModel):
    """A named snapshot of a project's deliverables and scope items (``snapshot`` is JSON, read-only)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scope_baselines")
    name = models.CharField(max_length=120)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    change_request = models.ForeignKey("ChangeRequest", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="scope_baselines")
    snapshot = models.JSONField(default=dict, editable=False)

    audited_fields = ("project", "name", "set_by", "change_request")

    class Meta:
        ordering = ["project_id", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("change:scope_baseline_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return scope_crumb(self.project)


# --- change requests --------------------------------------------------------------------------------

class ChangeType(models.TextChoices):
    SCOPE = "scope", "Scope"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    BENEFITS = "benefits", "Benefits"
    RESOURCES = "resources", "Resources"


class Urgency(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class ChangeRequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    IMPLEMENTED = "implemented", "Implemented"


#: the states a decision can be taken in, and the decisions
DECIDABLE = (ChangeRequestStatus.ASSESSED,)
DECISIONS = (ChangeRequestStatus.APPROVED, ChangeRequestStatus.REJECTED, ChangeRequestStatus.DEFERRED)


class Route(models.TextChoices):
    PROGRAM_MANAGER = "program_manager", "Program Manager (within tolerance)"
    STEERING = "steering", "Steering Committee (beyond tolerance)"


class ChangeRequest(GovernedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="the project it mainly concerns (empty: the program)")
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=ChangeType.choices, default=ChangeType.SCHEDULE)
    description = models.TextField(blank=True, max_length=5000)
    justification = models.TextField(blank=True, max_length=5000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM)
    status = models.CharField(max_length=12, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.DRAFT,
                              editable=False)
    #: the proposed edits, a list of typed operations (pmo.change.edits)
    edits = models.JSONField(default=list, blank=True)
    #: set by the latest assessment: who decides
    route = models.CharField(max_length=16, choices=Route.choices, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_note = models.TextField(blank=True, max_length=2000, editable=False)
    implemented_at = models.DateTimeField(null=True, blank=True, editable=False)

    audited_fields = ("program", "project", "title", "type", "description", "justification", "raised_by",
                      "urgency", "status", "edits", "route", "decided_by", "decided_at", "decision_note",
                      "implemented_at")

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"CR-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse("change:request_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return changes_crumb(self.program)

    def clean(self):
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError({"project": "the project belongs to another program"})


class Assessment(models.Model):
    """One impact analysis of a change request: the results (JSON) and the token of the plan state it ran on.

    Append-only (a re-assessment adds a row); the request's latest one is its assessment.
    """

    change_request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="assessments")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    plan_token = models.CharField(max_length=64)
    results = models.JSONField(default=dict)
    schedule_delta_days = models.IntegerField(default=0, help_text="program finish moves by (calendar days)")
    cost_delta = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    cost_delta_pct = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    beyond_tolerance = models.BooleanField(default=False)
    #: the optional Monte Carlo comparison (a background job): status and P80 before/after
    simulation = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"assessment {self.pk} of CR-{self.change_request_id}"

    def get_absolute_url(self) -> str:
        return f"{self.change_request.get_absolute_url()}#assessment"


class BaselineChange(models.Model):
    """A plan baseline (planning) set by implementing a change request: the rows of the change log."""

    change_request = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="baseline_changes")
    baseline = models.OneToOneField("planning.Baseline", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.baseline_id} by CR-{self.change_request_id}"
