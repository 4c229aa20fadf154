"""Money: budgets (program, project and the PMO's own), their phased lines and change log, control accounts,
forecasts, actual cost entries and accruals, and dated exchange rates.

Amounts are ``Decimal`` with two places, in the currency of the budget's program (the portfolio's currency
for the PMO budget); roll-ups across programs convert with :class:`ExchangeRate` (see ``selectors``).
Commitments (open purchase-order amounts) are not stored here: the procurement app above reports them
through :mod:`pmo.finance.commitments`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.engine.evm import Earning, Loading
from pmo.engine.limits import EARLIEST_DATE, LATEST_DATE
from pmo.planning.models import Task
from pmo.portfolio.models import Portfolio, Program, Project

#: the largest amount one row holds (14 digits, two of them cents): below 10**12, so sums stay exact
MAX_AMOUNT = Decimal("999999999999.99")
MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]
SIGNED = [MinValueValidator(-MAX_AMOUNT), MaxValueValidator(MAX_AMOUNT)]
DATES = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
currency_validator = RegexValidator(r"^[A-Z]{3}$", "use an ISO 4217 code such as EUR")


class Category(models.TextChoices):
    LABOUR = "labour", "Labour"
    MATERIALS = "materials", "Materials"
    SERVICES = "services", "Services"
    LICENCES = "licences", "Licences"
    TRAVEL = "travel", "Travel"
    OTHER = "other", "Other"


class Expenditure(models.TextChoices):
    CAPEX = "capex", "CAPEX"
    OPEX = "opex", "OPEX"


class BudgetLevel(models.TextChoices):
    PORTFOLIO = "portfolio", "PMO"
    PROGRAM = "program", "Program"
    PROJECT = "project", "Project"


def finance_crumb(target) -> Crumb:
    """The "Finance" section of a program or project (or the PMO budget page for the portfolio)."""
    if target is None:
        return Crumb("PMO budget", reverse("finance:pmo_budget"))
    if isinstance(target, Project):
        return Crumb("Finance", reverse("finance:project_finance", args=[target.pk]), target)
    return Crumb("Finance", reverse("finance:program_finance", args=[target.pk]), target)


class Budget(GovernedModel):
    """The approved budget of one program, one project, or the PMO itself (no program, no project).

    ``approved`` changes only through :func:`pmo.finance.services.budget_change_request`, which logs every
    change (:class:`BudgetChange`); ``original`` is the first approved figure, against which the program's
    cost tolerance is measured. ``reserve`` is the project's contingency or the program's management
    reserve (the PMO budget has none).
    """

    key = models.CharField(max_length=40, unique=True, editable=False)
    level = models.CharField(max_length=10, choices=BudgetLevel.choices, editable=False)
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.CASCADE, related_name="budgets",
                                editable=False)
    project = models.OneToOneField(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="budget",
                                   editable=False)
    original = models.DecimalField(**MONEY, default=0, validators=POSITIVE, editable=False)
    approved = models.DecimalField(**MONEY, default=0, validators=POSITIVE, editable=False)
    reserve = models.DecimalField(**MONEY, default=0, validators=POSITIVE,
                                  help_text="contingency (project) or management reserve (program)")
    notes = models.TextField(blank=True, max_length=5000)

    audited_fields = ("key", "level", "program", "project", "original", "approved", "reserve", "notes")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        if self.project_id:
            return f"Budget of {self.project.code}"
        if self.program_id:
            return f"Budget of {self.program.code}"
        return "PMO budget"

    @property
    def target(self):
        return self.project if self.project_id else self.program if self.program_id else None

    @property
    def currency(self) -> str:
        return self.program.currency if self.program_id else Portfolio.default().currency

    @property
    def reserve_label(self) -> str:
        return {"project": "Contingency", "program": "Management reserve"}.get(self.level, "Reserve")

    def get_absolute_url(self) -> str:
        return finance_crumb(self.target).url

    @property
    def crumb_parent(self):
        return finance_crumb(self.target).parent

    @staticmethod
    def key_for(target) -> str:
        if target is None:
            return "portfolio"
        return f"{'project' if isinstance(target, Project) else 'program'}:{target.pk}"


class ChangeStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    AWAITING_STEERING = "awaiting_steering", "Awaiting Steering Committee"
    REJECTED = "rejected", "Rejected"


class BudgetChange(GovernedModel):
    """One entry of the budget log: who asked to move the approved budget by how much, when and why.

    A change that would take the approved budget further from the original than the program's cost
    tolerance (``Program.cost_tolerance_pct``, cumulative) waits for the Steering Committee
    (``awaiting_steering``) and leaves ``approved`` as it was; the change app will route it.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="changes", editable=False)
    amount = models.DecimalField(**MONEY, validators=SIGNED, help_text="added to the approved budget (negative cuts)")
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=20, choices=ChangeStatus.choices, editable=False)
    approved_before = models.DecimalField(**MONEY, editable=False)
    approved_after = models.DecimalField(**MONEY, editable=False)
    rule = models.CharField(max_length=300, blank=True, editable=False,
                            help_text="the tolerance rule as applied to this change")

    audited_fields = ("budget", "amount", "reason", "status", "approved_before", "approved_after", "rule")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.budget}: {self.amount:+,.2f}"

    def get_absolute_url(self) -> str:
        return reverse("finance:budget_change_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return finance_crumb(self.budget.target)

    @property
    def crumb_label(self) -> str:
        return f"Budget change #{self.pk}"


class BudgetLine(GovernedModel):
    """One month of a budget for one cost category, CAPEX or OPEX (optionally for a control account)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines", editable=False)
    category = models.CharField(max_length=12, choices=Category.choices)
    expenditure = models.CharField(max_length=5, choices=Expenditure.choices, default=Expenditure.OPEX)
    month = models.DateField(validators=DATES, help_text="the first day of the month it is planned for")
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    description = models.CharField(max_length=200, blank=True)
    control_account = models.ForeignKey("ControlAccount", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="budget_lines")

    audited_fields = ("budget", "category", "expenditure", "month", "amount", "description", "control_account")

    class Meta:
        ordering = ["budget_id", "month", "category", "pk"]
        indexes = [models.Index(fields=["budget", "month"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.month:%Y-%m} {self.amount:,.2f}"

    def get_absolute_url(self) -> str:
        return reverse("finance:budget_line_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return finance_crumb(self.budget.target)

    @property
    def crumb_label(self) -> str:
        return f"{self.get_category_display()} {self.month:%Y-%m}"

    def clean(self):
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.control_account_id and self.budget_id and self.control_account.project_id != self.budget.project_id:
            raise ValidationError({"control_account": "the control account belongs to another project"})


class ControlAccount(GovernedModel):
    """A WBS element (a summary task) whose cost and schedule one person answers for.

    The leaf tasks under it are its work packages: their baselined cost is its budget, their cost entries
    its actuals, and :class:`Forecast` rows its estimate to complete. ``loading`` is how their budget is spread
    over their baselined days (the PV curve) and ``earning`` how they earn it (the EV technique): the EVM
    standards set both per work package; here one choice holds for every work package of the account.
    """

    LOADINGS = [(Loading.LINEAR, "linear"), (Loading.FRONT, "front-loaded"), (Loading.BACK, "back-loaded"),
                (Loading.BELL, "bell (S-curve)"), (Loading.START, "all at the start"),
                (Loading.FINISH, "all at the finish"), (Loading.FIFTY_FIFTY, "half at start, half at finish")]
    EARNINGS = [(Earning.PERCENT, "physical % complete"), (Earning.ZERO_HUNDRED, "0/100 (earned when finished)"),
                (Earning.FIFTY_FIFTY, "50/50 (half when started, half when finished)")]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="control_accounts", editable=False)
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="control_account")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="control_accounts")
    loading = models.CharField(max_length=12, choices=LOADINGS, default=Loading.LINEAR,
                               help_text="how the work packages' budget is planned over their days (PV)")
    earning = models.CharField(max_length=8, choices=EARNINGS, default=Earning.PERCENT,
                               help_text="how the work packages earn their budget (EV)")

    audited_fields = ("project", "task", "owner", "loading", "earning")

    class Meta:
        ordering = ["project_id", "task__order", "pk"]

    def __str__(self) -> str:
        return f"{self.task.wbs} {self.task.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("finance:control_account_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return finance_crumb(self.project)

    def clean(self):
        if self.task_id:
            if self.project_id and self.task.project_id != self.project_id:
                raise ValidationError({"task": "the task belongs to another project"})
            if not self.task.is_summary:
                raise ValidationError({"task": "a control account is a summary task (a WBS element with work)"})


class Forecast(GovernedModel):
    """An estimate to complete (ETC) of a control account, as of a date; the latest one up to a status date
    counts for the bottom-up EAC (AC + ETC)."""

    control_account = models.ForeignKey(ControlAccount, on_delete=models.CASCADE, related_name="forecasts",
                                        editable=False)
    as_of = models.DateField(validators=DATES)
    etc = models.DecimalField("estimate to complete", **MONEY, validators=POSITIVE)
    note = models.CharField(max_length=500, blank=True)

    audited_fields = ("control_account", "as_of", "etc", "note")

    class Meta:
        ordering = ["control_account_id", "-as_of", "-pk"]

    def __str__(self) -> str:
        return f"ETC {self.etc:,.2f} as of {self.as_of}"

    def get_absolute_url(self) -> str:
        return self.control_account.get_absolute_url()

    @property
    def crumb_parent(self):
        return self.control_account


class CostKind(models.TextChoices):
    ACTUAL = "actual", "Actual"
    ACCRUAL = "accrual", "Accrual"


class CostSource(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    TIMESHEET = "timesheet", "Timesheet"
    JOURNAL = "journal", "Journal"


class CostEntry(GovernedModel):
    """An actual cost (or an accrual: incurred, not yet invoiced) of a project, on a task or control account.

    Both kinds count in AC. ``program`` is the project's, kept on the row so roll-ups aggregate without a
    join. Negative amounts are not accepted: a correction is a journal entry of its own kind (credit notes
    are for the procurement app's invoices).
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_entries", editable=False)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="cost_entries")
    control_account = models.ForeignKey(ControlAccount, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="cost_entries")
    date = models.DateField(validators=DATES)
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    category = models.CharField(max_length=12, choices=Category.choices)
    kind = models.CharField(max_length=8, choices=CostKind.choices, default=CostKind.ACTUAL)
    source = models.CharField(max_length=10, choices=CostSource.choices, default=CostSource.JOURNAL)
    reference = models.CharField(max_length=80, blank=True, help_text="invoice number, timesheet or journal id")
    description = models.CharField(max_length=200, blank=True)

    audited_fields = ("program", "project", "task", "control_account", "date", "amount", "category", "kind",
                      "source", "reference", "description")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "cost entries"
        indexes = [
            models.Index(fields=["project", "date"], name="finance_cost_project_date"),
            models.Index(fields=["program", "date"], name="finance_cost_program_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount:,.2f} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("finance:cost_entry_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return finance_crumb(self.project)

    @property
    def crumb_label(self) -> str:
        return f"Cost {self.reference or self.pk}"


class ExchangeRate(GovernedModel):
    """From ``valid_from`` on (until the next rate), one unit of ``currency`` is ``rate`` units of the
    portfolio's currency."""

    currency = models.CharField(max_length=3, validators=[currency_validator])
    valid_from = models.DateField(validators=DATES)
    rate = models.DecimalField(max_digits=16, decimal_places=8,
                               validators=[MinValueValidator(Decimal("0.00000001")), MaxValueValidator(10**7)])

    audited_fields = ("currency", "valid_from", "rate")

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["currency", "valid_from"], name="finance_rate_unique_day")]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} from {self.valid_from}"

    def get_absolute_url(self) -> str:
        return reverse("finance:rates")

    @property
    def crumb_parent(self):
        return None


class EvmSnapshot(models.Model):
    """A project's earned value figures as recorded at a status date (the CPI/SPI trend and the EV points of
    the S-curve); recording the same date again replaces it. Written by ``services.status_record`` only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evm_snapshots")
    status_date = models.DateField(validators=DATES)
    bac = models.DecimalField(**MONEY)
    pv = models.DecimalField(**MONEY)
    ev = models.DecimalField(**MONEY)
    ac = models.DecimalField(**MONEY)
    eac = models.DecimalField(**MONEY, null=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["project_id", "status_date"]
        constraints = [models.UniqueConstraint(fields=["project", "status_date"], name="finance_snapshot_unique_day")]

    def __str__(self) -> str:
        return f"{self.project_id} at {self.status_date}"
