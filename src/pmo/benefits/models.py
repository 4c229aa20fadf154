"""Strategic objectives, the benefits map, benefit profiles with measurements, and portfolio selection.

Money is ``Decimal`` end to end; a benefit's realisation schedule is a list of monthly amounts (decimal
strings) from ``schedule_start``. Value conventions are the engine's (``pmo.engine.value``): period 0 is the
valuation date and is not discounted, the discount rate is an effective annual rate, paybacks are "recovered
for good", and the latest enabling milestone governs a benefit's slip.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.jobs import JobStatus as ScenarioStatus  # noqa: F401 - the job status, by this app's name
from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.portfolio.models import Portfolio, Program, Project

MONEY = {"max_digits": 16, "decimal_places": 2}
#: months of one realisation schedule (20 years), yearly costs of one candidate, budgets of one scenario
MAX_SCHEDULE_MONTHS = 240
MAX_YEARS = 10
MAX_AMOUNT = Decimal("100000000000")  # 100 billion: one month's value, one year's cost or budget
DATES = [MinValueValidator(date(1990, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


def benefits_crumb(program: Program | None = None) -> Crumb:
    if program is None:
        return Crumb("Benefits", reverse("benefits:register"))
    return Crumb("Benefits", reverse("benefits:program", args=[program.pk]), parent=program)


def map_crumb(program: Program) -> Crumb:
    return Crumb("Benefits map", reverse("benefits:map", args=[program.pk]), parent=benefits_crumb(program))


def selection_crumb() -> Crumb:
    return Crumb("Portfolio selection", reverse("benefits:selection"))


def amounts(values, field: str, *, limit: int, allow_negative: bool = False) -> list[str]:
    """A list of money amounts as decimal strings with at most two decimals (ValidationError naming ``field``)."""
    if not isinstance(values, list | tuple):
        raise ValidationError({field: "expected a list of amounts"})
    if len(values) > limit:
        raise ValidationError({field: f"{len(values)} amounts, more than the limit of {limit}"})
    out = []
    for k, value in enumerate(values):
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError({field: f"item {k + 1} is not an amount: {value!r}"}) from None
        if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
            raise ValidationError({field: f"item {k + 1} is not an amount within {MAX_AMOUNT:,}: {value}"})
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({field: f"item {k + 1} has more than two decimals: {value}"})
        if amount < 0 and not allow_negative:
            raise ValidationError({field: f"item {k + 1} is negative: {value}"})
        out.append(str(amount.quantize(Decimal("0.01"))))
    return out


class BenefitSettings(GovernedModel):
    """The portfolio's valuation settings, which the PMO Director keeps (one row)."""

    portfolio = models.OneToOneField(Portfolio, on_delete=models.CASCADE, related_name="benefit_settings",
                                     editable=False)
    discount_rate = models.DecimalField(
        max_digits=6, decimal_places=4, default=Decimal("0.08"),
        validators=[MinValueValidator(Decimal("-0.2")), MaxValueValidator(Decimal("1"))],
        help_text="effective annual rate, e.g. 0.08 for 8 %")
    valuation_date = models.DateField(default=date(2026, 1, 1), validators=DATES,
                                      help_text="period 0 of every value stream (its month is not discounted)")
    horizon_months = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text="the fixed window benefits are counted in: value a slip pushes past it is lost")

    audited_fields = ("discount_rate", "valuation_date", "horizon_months")

    def __str__(self) -> str:
        return "Valuation settings"

    def get_absolute_url(self) -> str:
        return reverse("benefits:settings")

    @property
    def crumb_parent(self):
        return benefits_crumb()

    def clean(self):
        if self.valuation_date and self.valuation_date.day != 1:
            raise ValidationError({"valuation_date": "use the first day of a month (periods are calendar months)"})

    @classmethod
    def current(cls) -> BenefitSettings:
        row = cls.objects.filter(portfolio_id=Portfolio.default().pk).first()
        return row or cls.objects.create(portfolio=Portfolio.default())


class Objective(GovernedModel):
    """A strategic objective of the portfolio; its weight counts in every candidate's strategic fit."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="objectives", editable=False)
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(10),
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
                                 help_text="relative weight (only the proportions count)")

    audited_fields = ("code", "title", "description", "weight")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:objective_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb("Objectives", reverse("benefits:objectives"), parent=benefits_crumb())

    @property
    def crumb_label(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        if not self.portfolio_id:
            self.portfolio = Portfolio.default()
        super().save(*args, **kwargs)


class BenefitCategory(models.TextChoices):
    CASH_RELEASING = "cash_releasing", "Financial, cash-releasing"
    NON_CASH = "non_cash", "Financial, non-cash-releasing"
    NON_FINANCIAL = "non_financial", "Non-financial"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


FINANCIAL = {BenefitCategory.CASH_RELEASING, BenefitCategory.NON_CASH}


class Benefit(GovernedModel):
    """A benefit (or dis-benefit) profile of a program, enabled by planning milestones."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="benefits")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    is_disbenefit = models.BooleanField(default=False, help_text="a negative consequence someone perceives")
    category = models.CharField(max_length=16, choices=BenefitCategory.choices, default=BenefitCategory.CASH_RELEASING)
    owner_name = models.CharField(max_length=120, help_text="the business owner who realises it")
    owner_email = models.EmailField(blank=True)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="if the owner has a pmo login")
    measure = models.CharField(max_length=200, help_text="the KPI, e.g. average case-handling time")
    unit = models.CharField(max_length=20, help_text="e.g. hours, %, EUR")
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.INCREASE)
    baseline_value = models.DecimalField(max_digits=16, decimal_places=2)
    baseline_date = models.DateField(validators=DATES)
    target_value = models.DecimalField(max_digits=16, decimal_places=2)
    target_date = models.DateField(validators=DATES)
    method = models.CharField(max_length=500, blank=True, help_text="how it is measured, and from which source")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    milestones = models.ManyToManyField("planning.Task", blank=True, related_name="enabled_benefits",
                                        help_text="the planning milestones that enable it (the latest governs)")
    schedule_start = models.DateField(null=True, blank=True, validators=DATES,
                                      help_text="first month of the realisation schedule")
    schedule = models.JSONField(default=list, blank=True, help_text="planned value per month, from schedule_start")
    handed_over_on = models.DateField(null=True, blank=True, editable=False)
    handed_over_to = models.CharField(max_length=120, blank=True, editable=False)
    handover_note = models.TextField(blank=True, max_length=2000, editable=False)

    audited_fields = (
        "program", "title", "description", "is_disbenefit", "category", "owner_name", "owner_email", "owner_user",
        "measure", "unit", "direction", "baseline_value", "baseline_date", "target_value", "target_date", "method",
        "frequency", "schedule_start", "schedule", "handed_over_on", "handed_over_to", "handover_note",
    )

    class Meta:
        ordering = ["program__code", "pk"]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"BEN-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def crumb_parent(self):
        return benefits_crumb(self.program)

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit_detail", args=[self.pk])

    @property
    def is_financial(self) -> bool:
        return self.category in FINANCIAL

    @property
    def planned_total(self) -> Decimal:
        return sum((Decimal(v) for v in self.schedule), Decimal(0))

    def clean(self):
        errors = {}
        self.schedule = amounts(self.schedule or [], "schedule", limit=MAX_SCHEDULE_MONTHS)
        if self.baseline_value is not None and self.target_value is not None:
            if self.direction == Direction.INCREASE and self.target_value <= self.baseline_value:
                errors["target_value"] = (f"the measure is to increase: the target ({self.target_value}) must be "
                                          f"above the baseline ({self.baseline_value})")
            elif self.direction == Direction.DECREASE and self.target_value >= self.baseline_value:
                errors["target_value"] = (f"the measure is to decrease: the target ({self.target_value}) must be "
                                          f"below the baseline ({self.baseline_value})")
        unit = (self.unit or "").strip()
        if unit == "%":
            for name in ("baseline_value", "target_value"):
                value = getattr(self, name)
                if value is not None and not 0 <= value <= 100 and name not in errors:
                    errors[name] = f"{value} is not a percentage (0..100) but the unit is %"
        if self.is_financial and self.program_id and unit and unit.upper() != self.program.currency:
            errors["unit"] = (f"a financial benefit is measured in money: use the program's currency "
                              f"{self.program.currency}, not {unit!r}")
        if self.category == BenefitCategory.NON_FINANCIAL and self.schedule:
            errors["schedule"] = "a non-financial benefit has no money schedule (track it through its measure)"
        if self.schedule and not self.schedule_start:
            errors["schedule_start"] = "a schedule needs the month it starts"
        if self.schedule_start and self.schedule_start.day != 1:
            errors["schedule_start"] = "use the first day of a month"
        if self.baseline_date and self.target_date and self.target_date < self.baseline_date:
            errors["target_date"] = f"must not be before the baseline date ({self.baseline_date})"
        if errors:
            raise ValidationError(errors)


class Measurement(GovernedModel):
    """One reading of a benefit's measure, with the value realised since the previous one (financial)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="measurements", editable=False)
    measured_on = models.DateField(validators=DATES)
    value = models.DecimalField(max_digits=16, decimal_places=2, help_text="the measure's value on that day")
    realised = models.DecimalField(**MONEY, null=True, blank=True,
                                   validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
                                   help_text="money realised in the month measured (financial benefits)")
    note = models.CharField(max_length=500, blank=True)

    audited_fields = ("benefit", "measured_on", "value", "realised", "note")

    class Meta:
        ordering = ["benefit_id", "measured_on", "pk"]

    def __str__(self) -> str:
        return f"{self.benefit.ref} on {self.measured_on}: {self.value}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit_detail", args=[self.benefit_id]) + f"#measurement-{self.pk}"

    @property
    def crumb_parent(self):
        return self.benefit

    def clean(self):
        benefit = self.benefit
        if self.measured_on and benefit.baseline_date and self.measured_on < benefit.baseline_date:
            raise ValidationError({"measured_on": f"{self.measured_on} is before the benefit's baseline date "
                                                  f"({benefit.baseline_date})"})
        if self.realised is not None and not benefit.is_financial:
            raise ValidationError({"realised": "a non-financial benefit realises no money"})


class NodeKind(models.TextChoices):
    OUTPUT = "output", "Output / capability"
    OUTCOME = "outcome", "Outcome"


class MapNode(GovernedModel):
    """An output/capability or an outcome on a program's benefits map."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="map_nodes")
    kind = models.CharField(max_length=8, choices=NodeKind.choices)
    title = models.CharField(max_length=200)

    audited_fields = ("program", "kind", "title")

    class Meta:
        ordering = ["program_id", "kind", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("benefits:map", args=[self.program_id]) + f"#node-{self.pk}"

    @property
    def crumb_parent(self):
        return map_crumb(self.program)


class Contribution(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


CONTRIBUTION_VALUE = {Contribution.HIGH: 1.0, Contribution.MEDIUM: 2 / 3, Contribution.LOW: 1 / 3}
#: the map's layers, left to right: an edge goes to the same layer (chains of outcomes or of benefits) or right
RANK = {"project": 0, "output": 1, "outcome": 2, "benefit": 3, "objective": 4}


class MapEdge(GovernedModel):
    """One arrow of the benefits map: project -> output/capability -> outcome -> benefit -> objective."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="map_edges")
    source_project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source_node = models.ForeignKey(MapNode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source_benefit = models.ForeignKey(Benefit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_node = models.ForeignKey(MapNode, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_benefit = models.ForeignKey(Benefit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE,
                                         related_name="+")
    contribution = models.CharField(max_length=8, choices=Contribution.choices, default=Contribution.HIGH)

    audited_fields = ("program", "source_project", "source_node", "source_benefit", "target_node", "target_benefit",
                      "target_objective", "contribution")

    class Meta:
        ordering = ["program_id", "pk"]

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:map", args=[self.program_id]) + f"#edge-{self.pk}"

    @property
    def crumb_parent(self):
        return map_crumb(self.program)

    @property
    def source(self):
        return self.source_project or self.source_node or self.source_benefit

    @property
    def target(self):
        return self.target_node or self.target_benefit or self.target_objective

    @staticmethod
    def kind_of(obj) -> str:
        return obj.kind if isinstance(obj, MapNode) else type(obj).__name__.lower()

    def clean(self):
        sources = [x for x in (self.source_project_id, self.source_node_id, self.source_benefit_id) if x]
        targets = [x for x in (self.target_node_id, self.target_benefit_id, self.target_objective_id) if x]
        if len(sources) != 1:
            raise ValidationError({"source": "name exactly one source: a project, a map node or a benefit"})
        if len(targets) != 1:
            raise ValidationError({"target": "name exactly one target: a map node, a benefit or an objective"})
        source, target = self.source, self.target
        for name, end in (("source", source), ("target", target)):
            program_id = end.program_id if not isinstance(end, Objective) else self.program_id
            if program_id != self.program_id:
                raise ValidationError({name: f"{end} is not in program {self.program.code}"})
        if RANK[self.kind_of(target)] < RANK[self.kind_of(source)]:
            raise ValidationError({"target": f"the map runs project -> output -> outcome -> benefit -> objective: "
                                             f"a {self.kind_of(source)} cannot lead to a {self.kind_of(target)}"})
        if source == target and type(source) is type(target):
            raise ValidationError({"target": f"{source} cannot lead to itself"})


class Candidate(GovernedModel):
    """A project (existing or proposed) the portfolio may fund: yearly costs, mandatory, dependencies."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="the project it is (its NPV, fit and risk exposure come from pmo)")
    costs = models.JSONField(default=list, blank=True, help_text="cost per budget year, from the first year")
    mandatory = models.BooleanField(default=False, help_text="regulatory or committed: always funded")
    urgency = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(5)],
                                               help_text="1 (can wait) .. 5 (now)")
    requires = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by",
                                      help_text="candidates it needs (funded only with them)")
    objectives = models.ManyToManyField(Objective, blank=True, related_name="candidates",
                                        help_text="objectives a proposal without a project serves (full contribution)")
    npv_estimate = models.DecimalField(**MONEY, null=True, blank=True,
                                       help_text="for a proposal without a project: its estimated NPV")
    risk_estimate = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)],
                                        help_text="for a proposal without a project: its estimated risk exposure")

    audited_fields = ("code", "name", "description", "project", "costs", "mandatory", "urgency", "npv_estimate",
                      "risk_estimate")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:candidate_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return selection_crumb()

    @property
    def crumb_label(self) -> str:
        return self.code

    def clean(self):
        self.costs = amounts(self.costs or [], "costs", limit=MAX_YEARS)


class Basis(models.TextChoices):
    SCORE = "score", "Weighted score"
    NPV = "npv", "NPV"


WEIGHT = {"max_digits": 5, "decimal_places": 2,
          "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]}


class SelectionScenario(GovernedModel):
    """One what-if portfolio selection: inputs frozen at start, results from the engine (a proposal)."""

    name = models.CharField(max_length=120)
    first_year = models.PositiveIntegerField(default=2027, validators=[MinValueValidator(2000),
                                                                       MaxValueValidator(2100)])
    budgets = models.JSONField(default=list, help_text="the budget of each year, from the first year")
    basis = models.CharField(max_length=5, choices=Basis.choices, default=Basis.SCORE,
                             help_text="what the optimiser maximises")
    weight_fit = models.DecimalField(**WEIGHT, default=Decimal(40))
    weight_npv = models.DecimalField(**WEIGHT, default=Decimal(30))
    weight_risk = models.DecimalField(**WEIGHT, default=Decimal(20))
    weight_urgency = models.DecimalField(**WEIGHT, default=Decimal(10))
    inputs = models.JSONField(default=dict, editable=False)
    status = models.CharField(max_length=8, choices=ScenarioStatus.choices, default=ScenarioStatus.QUEUED,
                              editable=False)
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    reason = models.TextField(blank=True, editable=False)
    results = models.JSONField(null=True, blank=True, editable=False)

    audited_fields = ("name", "first_year", "budgets", "basis", "weight_fit", "weight_npv", "weight_risk",
                      "weight_urgency", "status", "reason")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benefits:scenario_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return selection_crumb()

    @property
    def is_finished(self) -> bool:
        return self.status in (ScenarioStatus.DONE, ScenarioStatus.FAILED)

    def clean(self):
        self.budgets = amounts(self.budgets or [], "budgets", limit=MAX_YEARS)
        if not self.budgets:
            raise ValidationError({"budgets": "give the budget of at least one year"})
        if sum((self.weight_fit, self.weight_npv, self.weight_risk, self.weight_urgency), Decimal(0)) <= 0:
            raise ValidationError({"weight_fit": "at least one weight must be above zero"})
