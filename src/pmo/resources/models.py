"""The resource pool (people and generic roles), skills, teams, organisations, calendars, leave, cost rates,
assignments of resources to tasks, and leveling runs.

A *resource* is a named person or a generic role ("Java developer"). An assignment of a generic role to a task
is *demand*: a Program Manager fills it with a named person (:func:`pmo.resources.services.assignment_fill`).
Capacity per day follows the resource's working pattern, the public holidays of its country (the engine's
:class:`~pmo.engine.calendar.WorkCalendar`), its leave, its hours per day and its maximum units.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from pmo.core.jobs import JobStatus as RunStatus  # noqa: F401 - the job status, by this app's name
from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.engine.limits import EARLIEST_DATE, LATEST_DATE

DATES = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
#: a resource's maximum units: 1.00 is one full-time person; a generic role may stand for several
MAX_UNITS = Decimal(100)
WEEKMASK = RegexValidator(r"^[01]{7}$", "7 characters of 0/1, Monday first (1111100: Monday to Friday)")
COUNTRY = RegexValidator(r"^[A-Z]{2}$", "an ISO 3166 country code such as DE")


def pool_crumb() -> Crumb:
    return Crumb("Resources", reverse("resources:pool"))


def teams_crumb() -> Crumb:
    return Crumb("Teams", reverse("resources:team_list"), parent=pool_crumb())


def skills_crumb() -> Crumb:
    return Crumb("Skills", reverse("resources:skill_list"), parent=pool_crumb())


class Organisation(GovernedModel):
    """Who employs or supplies people: the company itself, a department, a vendor."""

    name = models.CharField(max_length=120, unique=True)
    external = models.BooleanField(default=False, help_text="a supplier (contractors), not the company itself")

    audited_fields = ("name", "external")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resources:organisation_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return teams_crumb()


class Team(GovernedModel):
    name = models.CharField(max_length=120, unique=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="teams")
    description = models.TextField(blank=True, max_length=2000)

    audited_fields = ("name", "organisation", "description")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resources:team_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return teams_crumb()


class Skill(GovernedModel):
    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=2000)

    audited_fields = ("name", "description")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resources:skill_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return skills_crumb()


class ResourceKind(models.TextChoices):
    PERSON = "person", "Person"
    ROLE = "role", "Generic role"


class Resource(GovernedModel):
    """A person or a generic role of the pool, with its working pattern and capacity."""

    kind = models.CharField(max_length=8, choices=ResourceKind.choices, default=ResourceKind.PERSON)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="resource", help_text="the person's pmo account, if any")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="people")
    pmo_staff = models.BooleanField(default=False, help_text="works for the PMO itself (managed by the Director)")
    max_units = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_UNITS)],
        help_text="1.00 = one full-time person; a generic role may stand for several",
    )
    hours_per_day = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal(8),
                                        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(24)])
    weekmask = models.CharField(max_length=7, default="1111100", validators=[WEEKMASK])
    holiday_country = models.CharField(max_length=2, blank=True, validators=[COUNTRY],
                                       help_text="public holidays of this country are days off (ISO code, e.g. DE)")
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY")
    active = models.BooleanField(default=True)

    audited_fields = ("kind", "name", "email", "user", "team", "organisation", "pmo_staff", "max_units",
                      "hours_per_day", "weekmask", "holiday_country", "holiday_subdivision", "active")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resources:resource_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return pool_crumb()

    @property
    def is_role(self) -> bool:
        return self.kind == ResourceKind.ROLE

    @property
    def capacity_hours(self) -> Decimal:
        """Hours per working day at maximum units."""
        return self.max_units * self.hours_per_day

    def clean(self):
        if self.holiday_country:
            import holidays

            try:
                holidays.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision or None, years=2026)
            except NotImplementedError as exc:
                field = "holiday_subdivision" if self.holiday_subdivision else "holiday_country"
                raise ValidationError({field: f"no public holidays known for {exc}"}) from exc
        elif self.holiday_subdivision:
            raise ValidationError({"holiday_subdivision": "give the country too"})
        if "1" not in (self.weekmask or "1"):
            raise ValidationError({"weekmask": "a resource needs at least one working weekday"})
        if self.kind == ResourceKind.ROLE and self.user_id:
            raise ValidationError({"user": "a generic role is not a person: it has no account"})


class ResourceSkill(GovernedModel):
    """A skill of a resource at a level from 1 (basic) to 5 (expert); for a generic role, the level it needs."""

    LEVELS = [(1, "1 basic"), (2, "2 working"), (3, "3 practitioner"), (4, "4 advanced"), (5, "5 expert")]

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    level = models.PositiveSmallIntegerField(choices=LEVELS, default=3,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])

    audited_fields = ("resource", "skill", "level")

    class Meta:
        ordering = ["skill__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["resource", "skill"], name="resource_skill_unique")]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"

    def get_absolute_url(self) -> str:
        return self.resource.get_absolute_url()

    @property
    def crumb_parent(self):
        return self.resource


class LeaveKind(models.TextChoices):
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick leave"
    TRAINING = "training", "Training"
    OTHER = "other", "Other absence"


class Leave(GovernedModel):
    """Days ``start..finish`` (inclusive) a person is away; one row however long. A person's leave never overlaps."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="leave")
    start = models.DateField(validators=DATES)
    finish = models.DateField(validators=DATES, help_text="the last day away (inclusive)")
    kind = models.CharField(max_length=10, choices=LeaveKind.choices, default=LeaveKind.VACATION)
    note = models.CharField(max_length=200, blank=True)

    audited_fields = ("resource", "start", "finish", "kind", "note")

    class Meta:
        ordering = ["start", "pk"]
        verbose_name_plural = "leave"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}..{self.finish}"

    def get_absolute_url(self) -> str:
        return self.resource.get_absolute_url() + "#leave"

    @property
    def crumb_parent(self):
        return self.resource

    def clean(self):
        if self.start and self.finish and self.finish < self.start:
            raise ValidationError({"finish": f"must not be before the start ({self.start})"})
        if self.resource_id and self.start and self.finish:
            clash = (Leave.objects.filter(resource_id=self.resource_id, start__lte=self.finish,
                                          finish__gte=self.start).exclude(pk=self.pk).first())
            if clash is not None:
                raise ValidationError({"start": f"overlaps {clash} of {self.resource.name}"})


class CostRate(GovernedModel):
    """A resource's cost per hour from ``effective_from`` until the next rate (the finance app reads these)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rates")
    effective_from = models.DateField(validators=DATES)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2,
                                      validators=[MinValueValidator(0), MaxValueValidator(Decimal("99999999"))])
    currency = models.CharField(max_length=3, default="EUR",
                                validators=[RegexValidator(r"^[A-Z]{3}$", "use an ISO 4217 code such as EUR")])

    audited_fields = ("resource", "effective_from", "hourly_rate", "currency")

    class Meta:
        ordering = ["resource_id", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["resource", "effective_from"], name="cost_rate_unique_date")]

    def __str__(self) -> str:
        return f"{self.hourly_rate} {self.currency}/h from {self.effective_from}"

    def get_absolute_url(self) -> str:
        return self.resource.get_absolute_url() + "#rates"

    @property
    def crumb_parent(self):
        return self.resource


class Assignment(GovernedModel):
    """A resource working on a task: ``units`` of its days (0.5 = half of each working day) or ``work`` hours.

    Effort-driven assignments keep their work when the task's duration changes (the hours per day follow);
    fixed-duration ones keep their units. An assignment of a generic role is demand, filled by a person later.
    """

    task = models.ForeignKey("planning.Task", on_delete=models.CASCADE, related_name="assignments")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="assignments")
    units = models.DecimalField(max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_UNITS)],
                                help_text="share of each working day: 1.00 = full time")
    work = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0),
                                                                           MaxValueValidator(Decimal("9999999"))],
                               help_text="hours over the whole task")
    effort_driven = models.BooleanField(default=True, help_text="keep the hours when the task's duration changes")
    filled_from = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    editable=False, help_text="the generic role this person fills")
    note = models.CharField(max_length=200, blank=True)

    audited_fields = ("task", "resource", "units", "work", "effort_driven", "filled_from", "note")

    class Meta:
        ordering = ["task_id", "resource__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["task", "resource"], name="assignment_unique_resource")]

    def __str__(self) -> str:
        return f"{self.resource} on {self.task}"

    def get_absolute_url(self) -> str:
        return reverse("resources:assignment_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.task

    @property
    def crumb_label(self) -> str:
        return self.resource.name

    # what the task page lists (planning.selectors.TASK_LINKS renders ref and title)
    @property
    def ref(self) -> str:
        return self.resource.name

    @property
    def title(self) -> str:
        demand = " · open demand" if self.resource.is_role else ""
        return f"{self.units * 100:.0f} % · {self.work:.0f} h{demand}"

    @property
    def is_demand(self) -> bool:
        return self.resource.is_role


class Decision(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class LevelingMode(models.TextChoices):
    HEURISTIC = "heuristic", "Heuristic (priority rules and sampling)"
    EXACT = "exact", "Exact (CP-SAT, with lower bound and gap)"


class LevelingRun(GovernedModel):
    """One leveling of a project's plan: the inputs frozen at start, the proposal, and the decision on it."""

    project = models.ForeignKey("portfolio.Project", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=10, choices=LevelingMode.choices, default=LevelingMode.HEURISTIC)
    time_limit = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1), MaxValueValidator(600)],
                                             help_text="seconds")
    within_float = models.BooleanField(default=False, help_text="move tasks only within their float: the finish "
                                                                "does not change")
    priority_tasks = models.JSONField(default=list, blank=True, help_text="task ids levelled first")
    inputs = models.JSONField(default=dict, editable=False)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED, editable=False)
    reason = models.TextField(blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    results = models.JSONField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    audited_fields = ("project", "mode", "time_limit", "within_float", "priority_tasks", "status", "reason",
                      "decision", "decided_by")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"leveling #{self.pk} of {self.project.code}"

    def get_absolute_url(self) -> str:
        return reverse("resources:run_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb("Resources", reverse("resources:project_assignments", args=[self.project_id]),
                     parent=self.project)

    @property
    def crumb_label(self) -> str:
        return f"Leveling #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
