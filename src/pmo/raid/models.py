"""Risks, issues, assumptions, escalations and Monte Carlo simulation runs (the RAID log).

Every RAID item belongs to a program and, unless it is a program-level item, to one of the
program's projects; visibility and editing rights follow that scope (``policies.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.jobs import JobStatus as RunStatus  # noqa: F401 - the job status, by this app's name
from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb

LEVELS = [(i, str(i)) for i in range(1, 6)]
level_validators = [MinValueValidator(1), MaxValueValidator(5)]

DEFAULT_PROBABILITY_LEVELS = [
    "Rare (< 10 %)", "Unlikely (10-30 %)", "Possible (30-50 %)", "Likely (50-70 %)", "Almost certain (> 70 %)",
]
DEFAULT_IMPACT_LEVELS = [
    "Negligible (< 1 week, < 1 % budget)", "Minor (1-2 weeks, 1-3 %)", "Moderate (2-4 weeks, 3-5 %)",
    "Major (1-3 months, 5-10 %)", "Severe (> 3 months, > 10 % or regulatory breach)",
]


def _default_probability_levels():
    return list(DEFAULT_PROBABILITY_LEVELS)


def _default_impact_levels():
    return list(DEFAULT_IMPACT_LEVELS)


class Rating(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class RiskScale(GovernedModel):
    """The portfolio's 5x5 matrix: what each probability and impact level means, and the rating bands.

    A score P x I is ``critical`` from ``critical_from``, ``high`` from ``high_from``, ``medium``
    from ``medium_from``, else ``low``.
    """

    portfolio = models.OneToOneField("portfolio.Portfolio", on_delete=models.CASCADE, related_name="risk_scale",
                                     editable=False)
    probability_levels = models.JSONField(default=_default_probability_levels,
                                          help_text="five labels, level 1 (lowest) first")
    impact_levels = models.JSONField(default=_default_impact_levels, help_text="five labels, level 1 first")
    medium_from = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(25)])
    high_from = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1), MaxValueValidator(25)])
    critical_from = models.PositiveSmallIntegerField(default=16,
                                                     validators=[MinValueValidator(1), MaxValueValidator(25)])

    audited_fields = ("probability_levels", "impact_levels", "medium_from", "high_from", "critical_from")

    def __str__(self) -> str:
        return "risk scale"

    def clean(self):
        errors = {}
        for name in ("probability_levels", "impact_levels"):
            value = getattr(self, name)
            if (not isinstance(value, list) or len(value) != 5
                    or not all(isinstance(v, str) and v.strip() for v in value)):
                errors[name] = "give exactly five non-empty labels, level 1 first"
        if not self.medium_from < self.high_from < self.critical_from:
            errors["high_from"] = "bands must rise: medium_from < high_from < critical_from"
        if errors:
            raise ValidationError(errors)

    def rating(self, score: int | None) -> str:
        if score is None:
            return ""
        if score >= self.critical_from:
            return Rating.CRITICAL
        if score >= self.high_from:
            return Rating.HIGH
        if score >= self.medium_from:
            return Rating.MEDIUM
        return Rating.LOW


class RaidSettings(GovernedModel):
    """RAID settings of one program: the score from which a risk or issue escalates."""

    program = models.OneToOneField("portfolio.Program", on_delete=models.CASCADE, related_name="raid_settings")
    escalation_threshold = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="risks scoring at least this (P x I) escalate from project to program level",
    )

    audited_fields = ("program", "escalation_threshold")

    def __str__(self) -> str:
        return f"RAID settings of {self.program_id}"


class EscalationLevel(models.TextChoices):
    PROJECT = "project", "Project"
    PROGRAM = "program", "Program"
    STEERING = "steering", "Steering committee"


LEVEL_ORDER = [EscalationLevel.PROJECT, EscalationLevel.PROGRAM, EscalationLevel.STEERING]


def raid_crumb(program, project=None) -> Crumb:
    """The "RAID" log of a program or project in breadcrumbs."""
    if project is not None:
        return Crumb("RAID", reverse("raid:project_log", args=[project.pk]), parent=project)
    return Crumb("RAID", reverse("raid:program_log", args=[program.pk]), parent=program)


class RaidItem(GovernedModel):
    """What risks, issues and assumptions share: scope, title, owner, escalation level."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="empty for a program-level item")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        abstract = True

    def clean(self):
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError({"project": "the project belongs to another program"})

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code

    @property
    def crumb_parent(self):
        return raid_crumb(self.program, self.project)

    @property
    def crumb_label(self) -> str:
        return self.ref

    def get_absolute_url(self) -> str:
        return reverse(f"raid:{type(self).__name__.lower()}_detail", args=[self.pk])


class EscalatedItem(RaidItem):
    escalation_level = models.CharField(max_length=10, choices=EscalationLevel.choices,
                                        default=EscalationLevel.PROJECT, editable=False)

    class Meta:
        abstract = True

    def base_level(self) -> str:
        return EscalationLevel.PROJECT if self.project_id else EscalationLevel.PROGRAM


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    CLOSED = "closed", "Closed"
    OCCURRED = "occurred", "Occurred"


class RiskKind(models.TextChoices):
    THREAT = "threat", "Threat"
    OPPORTUNITY = "opportunity", "Opportunity"


class RiskCategory(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    RESOURCE = "resource", "Resources & people"
    SUPPLIER = "supplier", "Supplier"
    ORGANISATIONAL = "organisational", "Organisational"
    REGULATORY = "regulatory", "Legal & regulatory"
    BUSINESS = "business", "Business & benefits"


class Strategy(models.TextChoices):
    AVOID = "avoid", "Avoid"
    REDUCE = "reduce", "Reduce"
    TRANSFER = "transfer", "Transfer"
    SHARE = "share", "Share"
    ACCEPT = "accept", "Accept"
    EXPLOIT = "exploit", "Exploit"
    ENHANCE = "enhance", "Enhance"


STRATEGIES = {
    RiskKind.THREAT: {Strategy.AVOID, Strategy.REDUCE, Strategy.TRANSFER, Strategy.ACCEPT, Strategy.SHARE},
    RiskKind.OPPORTUNITY: {Strategy.EXPLOIT, Strategy.ENHANCE, Strategy.SHARE, Strategy.ACCEPT},
}


class Trend(models.TextChoices):
    NEW = "new", "New"
    UP = "up", "Rising"
    STEADY = "steady", "Steady"
    DOWN = "down", "Falling"


ACTIVE_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)


def _three_point(obj, names: tuple[str, str, str], errors: dict) -> None:
    values = [getattr(obj, n) for n in names]
    given = [v is not None for v in values]
    if any(given) and not all(given):
        errors[names[0]] = f"give {', '.join(n.replace('_', ' ') for n in names)} together, or none"
        return
    if not all(given):
        return
    low, likely, high = values
    if low > likely:
        errors[names[0]] = f"must not exceed the most likely value ({likely})"
    elif likely > high:
        errors[names[1]] = f"must not exceed the maximum ({high})"


class Risk(EscalatedItem):
    """A threat or opportunity, scored on the 5x5 scale and optionally quantified for Monte Carlo."""

    cause = models.TextField(blank=True, max_length=2000, help_text="because of …")
    event = models.TextField(blank=True, max_length=2000, help_text="… this may happen …")
    effect = models.TextField(blank=True, max_length=2000, help_text="… leading to")
    category = models.CharField(max_length=16, choices=RiskCategory.choices, default=RiskCategory.TECHNICAL)
    status = models.CharField(max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    kind = models.CharField(max_length=12, choices=RiskKind.choices, default=RiskKind.THREAT)
    proximity = models.DateField(null=True, blank=True, help_text="when the risk could occur")
    probability = models.PositiveSmallIntegerField(choices=LEVELS, default=3, validators=level_validators)
    impact = models.PositiveSmallIntegerField(choices=LEVELS, default=3, validators=level_validators)
    impacts_schedule = models.BooleanField(default=False)
    impacts_cost = models.BooleanField(default=False)
    impacts_quality = models.BooleanField(default=False)
    impacts_benefits = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(default=9, editable=False)
    rating = models.CharField(max_length=10, choices=Rating.choices, default=Rating.LOW, editable=False)
    strategy = models.CharField(max_length=10, choices=Strategy.choices, blank=True)
    residual_probability = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True,
                                                            validators=level_validators)
    residual_impact = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True,
                                                       validators=level_validators)
    review_date = models.DateField(null=True, blank=True, help_text="last review")
    reviewed_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    trend = models.CharField(max_length=8, choices=Trend.choices, default=Trend.NEW, editable=False)
    # quantified (for the Monte Carlo simulation)
    probability_pct = models.DecimalField(
        "probability %", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    schedule_min = models.DecimalField("schedule impact min (working days)", max_digits=7, decimal_places=1,
                                       null=True, blank=True, validators=[MinValueValidator(0)])
    schedule_most_likely = models.DecimalField("schedule impact most likely", max_digits=7, decimal_places=1,
                                               null=True, blank=True, validators=[MinValueValidator(0)])
    schedule_max = models.DecimalField("schedule impact max", max_digits=7, decimal_places=1,
                                       null=True, blank=True, validators=[MinValueValidator(0)])
    cost_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    cost_most_likely = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                           validators=[MinValueValidator(0)])
    cost_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(0)])

    audited_fields = (
        "program", "project", "title", "description", "owner", "cause", "event", "effect", "category", "status",
        "kind", "proximity", "probability", "impact", "impacts_schedule", "impacts_cost", "impacts_quality",
        "impacts_benefits", "score", "rating", "strategy", "residual_probability", "residual_impact",
        "review_date", "reviewed_score", "trend", "probability_pct", "schedule_min", "schedule_most_likely",
        "schedule_max", "cost_min", "cost_most_likely", "cost_max", "escalation_level",
    )

    tasks = models.ManyToManyField("planning.Task", blank=True, related_name="risks",
                                   help_text="tasks whose durations the schedule impact lengthens")

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["program", "status"]), models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"R-{self.pk} {self.title}"

    @property
    def ref(self) -> str:
        return f"R-{self.pk}"

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability and self.residual_impact:
            return self.residual_probability * self.residual_impact
        return None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RISK_STATUSES

    @property
    def expected_cost(self):
        """Exposure: probability x most likely cost impact (0 when not quantified)."""
        if self.probability_pct is None or self.cost_most_likely is None:
            return 0
        return self.probability_pct * self.cost_most_likely / 100

    @property
    def expected_delay(self):
        if self.probability_pct is None or self.schedule_most_likely is None:
            return 0
        return self.probability_pct * self.schedule_most_likely / 100

    def clean(self):
        super().clean()
        errors = {}
        if self.strategy and self.strategy not in STRATEGIES.get(self.kind, set()):
            allowed = ", ".join(sorted(STRATEGIES.get(self.kind, set())))
            errors["strategy"] = f"{self.get_strategy_display()} is not a response to a {self.kind}; use {allowed}"
        if (self.residual_probability is None) != (self.residual_impact is None):
            errors["residual_impact"] = "give residual probability and residual impact together"
        _three_point(self, ("schedule_min", "schedule_most_likely", "schedule_max"), errors)
        _three_point(self, ("cost_min", "cost_most_likely", "cost_max"), errors)
        if errors:
            raise ValidationError(errors)


class RiskAction(GovernedModel):
    """One response action of a risk."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    audited_fields = ("risk", "description", "owner", "due", "done")

    class Meta:
        ordering = ["done", "due", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("raid:action_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.risk


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_ISSUE_STATUSES = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)
#: an issue's severity as a 1-25 score, so the escalation threshold applies to issues too
SEVERITY_SCORE = {Severity.LOW: 4, Severity.MEDIUM: 9, Severity.HIGH: 16, Severity.CRITICAL: 25}


class Issue(EscalatedItem):
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    raised_on = models.DateField()
    due = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True, max_length=5000)
    source_risk = models.OneToOneField(Risk, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="resulting_issue", editable=False)

    tasks = models.ManyToManyField("planning.Task", blank=True, related_name="issues")

    audited_fields = ("program", "project", "title", "description", "owner", "severity", "priority", "status",
                      "raised_on", "due", "resolution", "source_risk", "escalation_level")

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"I-{self.pk} {self.title}"

    @property
    def ref(self) -> str:
        return f"I-{self.pk}"

    @property
    def score(self) -> int:
        return SEVERITY_SCORE[Severity(self.severity)]

    def clean(self):
        super().clean()
        if self.due and self.raised_on and self.due < self.raised_on:
            raise ValidationError({"due": f"must not be before the date raised ({self.raised_on})"})
        if self.status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) and not self.resolution.strip():
            raise ValidationError({"resolution": "say how the issue was resolved"})


class Distribution(models.TextChoices):
    TRIANGULAR = "triangular", "Triangular"
    PERT = "pert", "PERT (beta)"


class TaskEstimate(GovernedModel):
    """A three-point duration estimate (working days) of a planning task, for the Monte Carlo simulation.

    Without one, a task's planned duration is its most likely value and min/max follow
    :data:`pmo.raid.engine_adapter.DEFAULT_SPREAD`.
    """

    task = models.OneToOneField("planning.Task", on_delete=models.CASCADE, related_name="estimate")
    min = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    most_likely = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    max = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    distribution = models.CharField(max_length=12, choices=Distribution.choices, default=Distribution.PERT)

    audited_fields = ("task", "min", "most_likely", "max", "distribution")

    def __str__(self) -> str:
        return f"estimate of task {self.task_id}: {self.min}/{self.most_likely}/{self.max}"

    def clean(self):
        errors = {}
        _three_point(self, ("min", "most_likely", "max"), errors)
        if errors:
            raise ValidationError(errors)


class AssumptionStatus(models.TextChoices):
    UNVALIDATED = "unvalidated", "To validate"
    VALID = "valid", "Confirmed"
    INVALID = "invalid", "Proved false"


class Assumption(RaidItem):
    validation_date = models.DateField(null=True, blank=True, help_text="when it must be confirmed")
    status = models.CharField(max_length=12, choices=AssumptionStatus.choices, default=AssumptionStatus.UNVALIDATED)

    audited_fields = ("program", "project", "title", "description", "owner", "validation_date", "status")

    class Meta:
        ordering = ["validation_date", "id"]

    def __str__(self) -> str:
        return f"A-{self.pk} {self.title}"

    @property
    def ref(self) -> str:
        return f"A-{self.pk}"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Awaiting decision"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DECIDED = "decided", "Decided"


class Escalation(GovernedModel):
    """A risk or issue raised from one level to the next, with who raised it and why."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.CASCADE, related_name="+")
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations")
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations")
    from_level = models.CharField(max_length=10, choices=EscalationLevel.choices)
    to_level = models.CharField(max_length=10, choices=EscalationLevel.choices)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reason = models.CharField(max_length=500)
    escalated_at = models.DateTimeField()
    status = models.CharField(max_length=14, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    decision = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    audited_fields = ("program", "risk", "issue", "from_level", "to_level", "escalated_by", "reason",
                      "status", "decision", "decided_by", "decided_at")

    class Meta:
        ordering = ["-escalated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk__isnull=True, issue__isnull=False)
                | models.Q(risk__isnull=False, issue__isnull=True),
                name="escalation_one_item",
            ),
        ]

    def __str__(self) -> str:
        return f"escalation of {self.item} to {self.get_to_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("raid:escalation_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.item

    @property
    def crumb_label(self) -> str:
        return f"Escalation to {self.get_to_level_display().lower()}"

    @property
    def item(self):
        return self.risk if self.risk_id else self.issue


MIN_ITERATIONS = 100
MAX_ITERATIONS = 200_000


class SimulationRun(GovernedModel):
    """One Monte Carlo run over a program's or a project's network; inputs frozen at start."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    iterations = models.PositiveIntegerField(
        validators=[MinValueValidator(MIN_ITERATIONS), MaxValueValidator(MAX_ITERATIONS)])
    seed = models.PositiveBigIntegerField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    inputs = models.JSONField(default=dict, editable=False)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED, editable=False)
    reason = models.TextField(blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    results = models.JSONField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    audited_fields = ("program", "project", "iterations", "seed", "target_date", "status", "reason")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"simulation #{self.pk} of {self.scope_label}"

    def get_absolute_url(self) -> str:
        return reverse("raid:run_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return raid_crumb(self.program, self.project)

    @property
    def crumb_label(self) -> str:
        return f"Simulation #{self.pk}"

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
