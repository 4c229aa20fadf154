"""Stakeholders: the register per program (optionally per project), groups, engagement assessments over time,
the engagement plan's actions, and the RACI matrix of a project's WBS elements.

Scales: interest and influence (power) are 1..5 (very low .. very high); engagement is the standard five-level
scale unaware < resistant < neutral < supportive < leading. A stakeholder's current engagement is the level of
its latest assessment; the desired one is what the program plans to reach. Communications (a later app) address
stakeholders and groups, so both are first-class records with their own ids.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb


class Kind(models.TextChoices):
    PERSON = "person", "Person"
    GROUP = "group", "Group"


class Level(models.IntegerChoices):
    """Interest and influence/power, 1..5."""

    VERY_LOW = 1, "1 very low"
    LOW = 2, "2 low"
    MEDIUM = 3, "3 medium"
    HIGH = 4, "4 high"
    VERY_HIGH = 5, "5 very high"


SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Engagement(models.TextChoices):
    """The standard engagement scale, in order (PMBOK's stakeholder engagement assessment matrix)."""

    UNAWARE = "unaware", "Unaware"
    RESISTANT = "resistant", "Resistant"
    NEUTRAL = "neutral", "Neutral"
    SUPPORTIVE = "supportive", "Supportive"
    LEADING = "leading", "Leading"


#: engagement level -> rank 1..5 (the gap is desired rank - current rank)
RANK = {value: index for index, value in enumerate(Engagement.values, start=1)}


class Attitude(models.TextChoices):
    ADVOCATE = "advocate", "Advocate"
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    CRITIC = "critic", "Critic"
    BLOCKER = "blocker", "Blocker"


class Quadrant(models.TextChoices):
    """The power/interest grid: high is 3 or more on the 1..5 scales (the grid splits at its midpoint)."""

    MANAGE_CLOSELY = "manage_closely", "Manage closely"
    KEEP_SATISFIED = "keep_satisfied", "Keep satisfied"
    KEEP_INFORMED = "keep_informed", "Keep informed"
    MONITOR = "monitor", "Monitor"


#: the lowest value of a scale that counts as high on the grid
HIGH = 3


def quadrant_of(influence: int, interest: int) -> str:
    if influence >= HIGH:
        return Quadrant.MANAGE_CLOSELY if interest >= HIGH else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if interest >= HIGH else Quadrant.MONITOR


def register_crumb(program) -> Crumb:
    """The program's register in breadcrumbs (Portfolio > Program > Stakeholders)."""
    return Crumb("Stakeholders", reverse("stakeholders:program", args=[program.pk]), program)


class StakeholderGroup(GovernedModel):
    """A named set of stakeholders of a program (e.g. "Works councils", "Vendors"): an audience."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)

    audited_fields = ("program", "name", "description")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="stakeholder_group_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:group_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return register_crumb(self.program)


class Stakeholder(GovernedModel):
    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="only when the stakeholder concerns one project")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=120, blank=True)
    title = models.CharField("role / title", max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    group = models.ForeignKey(StakeholderGroup, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="members")
    interest = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM, validators=SCALE)
    influence = models.PositiveSmallIntegerField("influence / power", choices=Level.choices, default=Level.MEDIUM,
                                                 validators=SCALE)
    attitude = models.CharField(max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL)
    current_engagement = models.CharField(max_length=10, choices=Engagement.choices, default=Engagement.UNAWARE,
                                          help_text="set by the latest assessment")
    desired_engagement = models.CharField(max_length=10, choices=Engagement.choices, default=Engagement.SUPPORTIVE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text="who manages the relationship")
    notes = models.TextField(blank=True, max_length=5000)

    audited_fields = ("program", "project", "kind", "name", "organisation", "title", "email", "phone", "group",
                      "interest", "influence", "attitude", "current_engagement", "desired_engagement", "owner",
                      "notes")

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["program", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ref(self) -> str:
        return f"SH-{self.pk}"

    @property
    def quadrant(self) -> str:
        return quadrant_of(self.influence, self.interest)

    def get_quadrant_display(self) -> str:
        return Quadrant(self.quadrant).label

    @property
    def gap(self) -> int:
        """Levels still to climb (desired - current; negative when above the desired level)."""
        return RANK[self.desired_engagement] - RANK[self.current_engagement]

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:stakeholder_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return register_crumb(self.program)

    def clean(self):
        errors = {}
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = "the project belongs to another program"
        if self.group_id and self.program_id and self.group.program_id != self.program_id:
            errors["group"] = "the group belongs to another program"
        if errors:
            raise ValidationError(errors)


class EngagementAssessment(GovernedModel):
    """The engagement level observed on a date (one per stakeholder and day)."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField()
    level = models.CharField(max_length=10, choices=Engagement.choices)
    note = models.TextField(blank=True, max_length=2000)

    audited_fields = ("stakeholder", "date", "level", "note")

    class Meta:
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["stakeholder", "date"], name="assessment_one_per_day")]

    def __str__(self) -> str:
        return f"{self.stakeholder} {self.date}: {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.stakeholder.get_absolute_url()}#assessment-{self.pk}"

    @property
    def crumb_parent(self):
        return self.stakeholder

    def clean(self):
        if self.date and not date(1900, 1, 1) <= self.date <= date(2200, 12, 31):
            raise ValidationError({"date": "must be between 1900-01-01 and 2200-12-31"})


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class EngagementAction(GovernedModel):
    """An action of the engagement plan: what someone does to move a stakeholder toward the desired level."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    note = models.TextField(blank=True, max_length=2000)

    audited_fields = ("stakeholder", "title", "owner", "due", "status", "note")

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"EA-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.status in OPEN_STATUSES and self.due is not None and self.due < today

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:action_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.stakeholder

    def clean(self):
        if self.due and not date(1900, 1, 1) <= self.due <= date(2200, 12, 31):
            raise ValidationError({"due": "must be between 1900-01-01 and 2200-12-31"})


class RaciRole(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class RaciMatrix(GovernedModel):
    """A project's RACI matrix: its ``version`` is the grid's (every save of the grid bumps it, so two people
    editing the same grid cannot overwrite each other); its cells are :class:`RaciAssignment` rows."""

    project = models.OneToOneField("portfolio.Project", on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField(default=0)

    audited_fields = ("project", "revision")

    def __str__(self) -> str:
        return f"RACI of {self.project.code}"

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:raci", args=[self.project_id])

    @property
    def crumb_parent(self):
        return self.project


class RaciAssignment(GovernedModel):
    """One cell: a stakeholder's role (R, A, C or I) on a WBS element (a summary task or work package)."""

    matrix = models.ForeignKey(RaciMatrix, on_delete=models.CASCADE, related_name="cells")
    task = models.ForeignKey("planning.Task", on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="raci")
    role = models.CharField(max_length=1, choices=RaciRole.choices)

    audited_fields = ("task", "stakeholder", "role")

    class Meta:
        ordering = ["task_id", "stakeholder_id"]
        constraints = [models.UniqueConstraint(fields=["task", "stakeholder"], name="raci_one_role_per_cell")]

    def __str__(self) -> str:
        return f"{self.role}: {self.stakeholder} on {self.task}"

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:raci", args=[self.matrix.project_id])

    @property
    def crumb_parent(self):
        return self.matrix
