"""Plans: calendars, WBS tasks and milestones, dependencies (also across projects), baselines, interfaces.

The scheduler's results (early/late dates, floats, criticality, scheduled start/finish) are derived
data: :mod:`pmo.planning.engine_adapter` writes them in bulk without bumping ``version``, so a
reschedule never makes a client's ETag stale.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.engine.limits import EARLIEST_DATE, LATEST_DATE
from pmo.portfolio.models import Project

WORKING_TIMES = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$")
#: the dates pmo plans with (:mod:`pmo.engine.limits`)
PLANNING_DATES = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


def plan_crumb(project: Project) -> Crumb:
    """The "Plan" section of a project in breadcrumbs."""
    return Crumb("Plan", reverse("planning:project_gantt", args=[project.pk]), parent=project)


def interface_crumb() -> Crumb:
    return Crumb("Interfaces", reverse("planning:interface_list"))


class ConstraintType(models.TextChoices):
    ASAP = "ASAP", "As soon as possible"
    ALAP = "ALAP", "As late as possible"
    SNET = "SNET", "Start no earlier than"
    SNLT = "SNLT", "Start no later than"
    FNET = "FNET", "Finish no earlier than"
    FNLT = "FNLT", "Finish no later than"
    MSO = "MSO", "Must start on"
    MFO = "MFO", "Must finish on"


DATED_CONSTRAINTS = {"SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"}


class LinkType(models.TextChoices):
    FS = "FS", "Finish-to-start"
    SS = "SS", "Start-to-start"
    FF = "FF", "Finish-to-finish"
    SF = "SF", "Start-to-finish"


class Calendar(GovernedModel):
    """A working calendar: the portfolio default (no project) or one project's."""

    project = models.OneToOneField(Project, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="calendar")
    name = models.CharField(max_length=120)
    weekmask = models.CharField(max_length=7, default="1111100",
                                validators=[RegexValidator(r"^[01]{7}$", "7 characters of 0/1, Monday first")])
    working_times = models.CharField(
        max_length=200, default="08:00-12:00,13:00-17:00",
        validators=[RegexValidator(WORKING_TIMES.pattern, "use HH:MM-HH:MM[,HH:MM-HH:MM...]")],
        help_text="the same on every working day",
    )
    holiday_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 code, e.g. DE")
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY")

    audited_fields = ("project", "name", "weekmask", "working_times", "holiday_country", "holiday_subdivision")

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["name"], condition=models.Q(project__isnull=True),
                                               name="calendar_unique_default_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:calendar_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return plan_crumb(self.project) if self.project_id else None

    def clean(self):
        if self.working_times and WORKING_TIMES.match(self.working_times):
            from .engine_adapter import work_calendar

            try:
                work_calendar(self, exceptions=())
            except ValueError as exc:
                raise ValidationError({"working_times": str(exc)}) from exc


class CalendarException(models.Model):
    """Days ``start..finish`` (inclusive) off, or extra working days: one row however long the range.

    A calendar's exceptions do not overlap (:func:`pmo.planning.services.checked_exceptions`).
    """

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    start = models.DateField(validators=PLANNING_DATES)
    finish = models.DateField(validators=PLANNING_DATES, help_text="the last day of the exception (inclusive)")
    working = models.BooleanField(default=False, help_text="extra working days (else days off)")
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(finish__gte=models.F("start")),
                                              name="calendar_exception_finish_after_start")]

    def __str__(self) -> str:
        span = self.start.isoformat() if self.start == self.finish else f"{self.start}..{self.finish}"
        return f"{span} {self.name}".strip()


class Task(GovernedModel):
    """A WBS element: a task, a milestone (``is_milestone``, duration 0) or a summary (has children)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    order = models.PositiveIntegerField(default=0, help_text="position in the project's outline")
    wbs = models.CharField(max_length=40, blank=True, editable=False)
    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    is_milestone = models.BooleanField(default=False)
    duration = models.DecimalField(max_digits=9, decimal_places=2, default=1,
                                   validators=[MinValueValidator(0), MaxValueValidator(100000)],
                                   help_text="working days (calendar days when elapsed)")
    elapsed = models.BooleanField(default=False)
    constraint_type = models.CharField(max_length=4, choices=ConstraintType.choices, default=ConstraintType.ASAP)
    constraint_date = models.DateField(null=True, blank=True, validators=PLANNING_DATES)
    deadline = models.DateField(null=True, blank=True, validators=PLANNING_DATES)
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="the calendar its duration is worked on: the portfolio default or the project's own "
                  "(empty: the project's calendar)",
    )
    actual_start = models.DateField(null=True, blank=True, validators=PLANNING_DATES)
    actual_finish = models.DateField(null=True, blank=True, validators=PLANNING_DATES)
    percent_complete = models.DecimalField(max_digits=5, decimal_places=2, default=0,
                                           validators=[MinValueValidator(0), MaxValueValidator(100)])
    remaining = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(0)], help_text="remaining working days")
    work = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, help_text="hours")
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="planning_tasks")
    # written by the scheduler
    is_summary = models.BooleanField(default=False, editable=False)
    start = models.DateField(null=True, blank=True, editable=False)
    finish = models.DateField(null=True, blank=True, editable=False)
    early_start = models.DateField(null=True, blank=True, editable=False)
    early_finish = models.DateField(null=True, blank=True, editable=False)
    late_start = models.DateField(null=True, blank=True, editable=False)
    late_finish = models.DateField(null=True, blank=True, editable=False)
    total_float = models.FloatField(null=True, blank=True, editable=False)
    free_float = models.FloatField(null=True, blank=True, editable=False)
    is_critical = models.BooleanField(default=False, editable=False)

    audited_fields = (
        "project", "parent", "order", "code", "name", "is_milestone", "duration", "elapsed", "constraint_type",
        "constraint_date", "deadline", "calendar", "actual_start", "actual_finish", "percent_complete",
        "remaining", "work", "cost", "owner",
    )
    computed_fields = ("is_summary", "wbs", "start", "finish", "early_start", "early_finish", "late_start",
                       "late_finish", "total_float", "free_float", "is_critical")

    class Meta:
        ordering = ["project_id", "order", "pk"]
        indexes = [models.Index(fields=["project", "order"])]

    def __str__(self) -> str:
        return f"{self.code or self.wbs} {self.name}".strip()

    @property
    def label(self) -> str:
        return f"{self.project.code}/{self.code or self.wbs or self.pk} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("planning:task_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return plan_crumb(self.project)

    def clean(self):
        errors = {}
        if self.is_milestone and self.duration:
            errors["duration"] = "a milestone has no duration"
        if (self.constraint_type in DATED_CONSTRAINTS) != (self.constraint_date is not None):
            errors["constraint_date"] = (f"{self.constraint_type} needs a constraint date"
                                         if self.constraint_type in DATED_CONSTRAINTS
                                         else f"{self.constraint_type} takes no constraint date")
        if (self.percent_complete or self.actual_finish) and not self.actual_start:
            errors["actual_start"] = "progress (percent complete or actual finish) needs an actual start"
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = f"must not be before the actual start ({self.actual_start})"
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = "a task cannot be its own parent"
        elif self.parent_id and self.parent.project_id != self.project_id:
            errors["parent"] = "the parent must be a task of the same project"
        if self.calendar_id and self.calendar.project_id not in (None, self.project_id):
            errors["calendar"] = (f"{self.calendar.name} is another project's calendar: use the portfolio "
                                  "default or this project's own")
        if errors:
            raise ValidationError(errors)


class Dependency(GovernedModel):
    """``predecessor`` -> ``successor``; the two may be in different projects and programs."""

    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=LinkType.choices, default=LinkType.FS)
    lag = models.DecimalField(max_digits=9, decimal_places=2, default=0,
                              validators=[MinValueValidator(-100000), MaxValueValidator(100000)],
                              help_text="working days (calendar days when elapsed); negative = lead")
    elapsed = models.BooleanField(default=False)

    audited_fields = ("predecessor", "successor", "type", "lag", "elapsed")

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "dependencies"
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique_pair")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id} {self.type}"

    def get_absolute_url(self) -> str:
        return reverse("planning:dependency_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.successor

    @property
    def crumb_label(self) -> str:
        return f"Link from {self.predecessor.code or self.predecessor.wbs or self.predecessor.name} ({self.type})"

    @property
    def crosses_projects(self) -> bool:
        return self.predecessor.project_id != self.successor.project_id

    def clean(self):
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            raise ValidationError({"successor": "a task cannot depend on itself"})


class Baseline(GovernedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=120)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    audited_fields = ("project", "name", "set_by")

    class Meta:
        ordering = ["project_id", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:baseline_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return plan_crumb(self.project)


class BaselineTask(models.Model):
    """One task as it stood when the baseline was set."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, null=True, on_delete=models.SET_NULL, related_name="baseline_rows")
    name = models.CharField(max_length=200)
    start = models.DateField(null=True)
    finish = models.DateField(null=True)
    duration = models.DecimalField(max_digits=9, decimal_places=2)
    work = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.baseline_id}: {self.name}"


class InterfaceStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    AT_RISK = "at_risk", "At risk"
    DELIVERED = "delivered", "Delivered"
    ACCEPTED = "accepted", "Accepted"
    CANCELLED = "cancelled", "Cancelled"


class Interface(GovernedModel):
    """Something one project hands over to another, by a date."""

    provider = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="provided_interfaces")
    consumer = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="consumed_interfaces")
    title = models.CharField(max_length=200, help_text="what is handed over")
    description = models.TextField(blank=True, max_length=5000)
    need_by = models.DateField(null=True, blank=True)
    provider_task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    consumer_task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=InterfaceStatus.choices, default=InterfaceStatus.PROPOSED)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # the consumer's side: who acknowledged the interface (or accepted its delivery), when, and what they said
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    consumer_note = models.TextField(blank=True, max_length=2000, editable=False)

    audited_fields = ("provider", "consumer", "title", "description", "need_by", "provider_task", "consumer_task",
                      "status", "owner", "acknowledged_by", "acknowledged_at", "consumer_note")

    class Meta:
        ordering = ["need_by", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:interface_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return interface_crumb()

    def clean(self):
        errors = {}
        if self.provider_id and self.provider_id == self.consumer_id:
            errors["consumer"] = "provider and consumer must be different projects"
        if self.provider_task_id and self.provider_task.project_id != self.provider_id:
            errors["provider_task"] = "must be a task of the provider project"
        if self.consumer_task_id and self.consumer_task.project_id != self.consumer_id:
            errors["consumer_task"] = "must be a task of the consumer project"
        if errors:
            raise ValidationError(errors)

    @property
    def forecast(self):
        return self.provider_task.finish if self.provider_task_id and self.provider_task else None

    @property
    def late(self) -> bool:
        return bool(self.forecast and self.need_by and self.forecast > self.need_by)
