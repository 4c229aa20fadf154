"""The portfolio, its programs, and their projects."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{1,19}$", "use 2-20 capital letters, digits, '-' or '_' (e.g. ERP-2)"
)


class Portfolio(models.Model):
    """The whole of what the PMO oversees; one per installation today."""

    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3, default="EUR")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> Portfolio:
        portfolio, _ = cls.objects.get_or_create(pk=1, defaults={"name": "Portfolio"})
        return portfolio


class Lifecycle(models.TextChoices):
    """Program and project phases (MSP / PRINCE2-style tranches collapsed to five steps)."""

    IDENTIFY = "identify", "Identify"
    DEFINE = "define", "Define"
    DELIVER = "deliver", "Deliver"
    TRANSITION = "transition", "Transition"
    CLOSE = "close", "Close"


class ProgramStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


def check_dates(start, finish, start_name: str, finish_name: str) -> None:
    if start and finish and finish < start:
        raise ValidationError({finish_name: f"must not be before {start_name.replace('_', ' ')} ({start})"})


class Program(GovernedModel):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="programs", editable=False)
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=5000)
    strategic_objectives = models.TextField(blank=True, max_length=5000)
    sponsor = models.CharField(max_length=120, blank=True, help_text="senior responsible owner")
    program_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_programs"
    )
    status = models.CharField(max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.PROPOSED)
    phase = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.IDENTIFY)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    currency = models.CharField(
        max_length=3, default="EUR", validators=[RegexValidator(r"^[A-Z]{3}$", "use an ISO 4217 code such as EUR")]
    )
    schedule_tolerance_days = models.PositiveIntegerField(
        default=10, validators=[MaxValueValidator(3650)], help_text="slip the program manager may absorb"
    )
    cost_tolerance_pct = models.DecimalField(
        max_digits=5, decimal_places=2, default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="overrun the program manager may absorb",
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="set by closure: the program and all it holds are read-only")

    audited_fields = (
        "code", "name", "description", "strategic_objectives", "sponsor", "program_manager", "status", "phase",
        "start", "end", "currency", "schedule_tolerance_days", "cost_tolerance_pct", "archived_at",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:program_detail", args=[self.pk])

    crumb_parent = None

    @property
    def crumb_label(self) -> str:
        return self.code

    def clean(self):
        check_dates(self.start, self.end, "start", "end")

    def save(self, *args, **kwargs):
        if not self.portfolio_id:
            self.portfolio = Portfolio.default()
        super().save(*args, **kwargs)


class Project(GovernedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=5000)
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_projects"
    )
    status = models.CharField(max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    phase = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.IDENTIFY)
    start = models.DateField(null=True, blank=True)
    finish = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="set by closure: the project and all it holds are read-only")

    audited_fields = ("program", "code", "name", "description", "project_manager", "status", "phase", "start", "finish",
                      "archived_at")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:project_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.program

    @property
    def crumb_label(self) -> str:
        return self.code

    def clean(self):
        check_dates(self.start, self.finish, "start", "finish")
