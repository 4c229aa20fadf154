"""Procurement: vendors, contracts with payment milestones, purchase orders and invoices.

Procurement is its own app, a layer above ``finance``: its records have their own lifecycle and owners (the
PMO Director owns the vendor list; program and project managers their scope's contracts, orders and invoices)
and reach the money only through finance's services (a PO line is charged to a budget line; paying an invoice
records its actual cost). Amounts are ``Decimal`` in the currency of the program.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb

#: the largest amount a contract, line or invoice holds (14 digits, 2 decimals)
MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(0)]
CENT = Decimal("0.01")


def procurement_crumb() -> Crumb:
    """The procurement register in breadcrumbs (Portfolio > Procurement)."""
    return Crumb("Procurement", reverse("procurement:register"))


class VendorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    BLOCKED = "blocked", "Blocked"


class Vendor(GovernedModel):
    """A supplier the portfolio buys from; the PMO Director keeps the list (a blocked vendor gets no new
    contracts or orders)."""

    name = models.CharField(max_length=120, unique=True)
    tax_id = models.CharField("tax id", max_length=40, blank=True, help_text="VAT or tax number (optional)")
    status = models.CharField(max_length=8, choices=VendorStatus.choices, default=VendorStatus.ACTIVE)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, max_length=1000)
    notes = models.TextField(blank=True, max_length=5000)

    audited_fields = ("name", "tax_id", "status", "contact_name", "contact_email", "contact_phone", "address",
                      "notes")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:vendor_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return procurement_crumb()


class ContractKind(models.TextChoices):
    FIXED_PRICE = "fixed_price", "Fixed price"
    TIME_AND_MATERIALS = "time_materials", "Time and materials"
    COST_PLUS = "cost_plus", "Cost plus"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    TERMINATED = "terminated", "Terminated"


class ScopedRecord(GovernedModel):
    """What contracts and purchase orders share: a program and (optionally, for contracts) one of its projects."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        abstract = True

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code

    @property
    def currency(self) -> str:
        return self.program.currency

    def _check_scope(self, errors: dict) -> None:
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = "the project belongs to another program"


class Contract(ScopedRecord):
    """A contract with a vendor for a program or one of its projects; its value is in the program's currency."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, blank=True, help_text="the contract number on the signed copy")
    kind = models.CharField("type", max_length=16, choices=ContractKind.choices, default=ContractKind.FIXED_PRICE)
    value = models.DecimalField(**MONEY, validators=POSITIVE, help_text="in the program's currency")
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    description = models.TextField(blank=True, max_length=5000)

    audited_fields = ("program", "project", "vendor", "title", "reference", "kind", "value", "start", "end",
                      "status", "description")

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"C-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def crumb_parent(self):
        return procurement_crumb()

    def get_absolute_url(self) -> str:
        return reverse("procurement:contract_detail", args=[self.pk])

    def clean(self):
        errors = {}
        self._check_scope(errors)
        if self.start and self.end and self.end < self.start:
            errors["end"] = f"must not be before the start ({self.start})"
        if errors:
            raise ValidationError(errors)


class PaymentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DUE = "due", "Due (milestone reached)"
    PAID = "paid", "Paid"


class PaymentMilestone(GovernedModel):
    """A payment of a contract tied to a schedule milestone (a planning task with ``is_milestone``).

    ``agreed_date`` is the milestone's scheduled date when the payment was agreed; the contract page compares
    it with the milestone's current date, so a slip in the schedule shows on the payments.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments")
    task = models.ForeignKey("planning.Task", on_delete=models.PROTECT, related_name="payment_milestones",
                             verbose_name="schedule milestone")
    name = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    agreed_date = models.DateField(null=True, blank=True,
                                   help_text="the milestone's date when agreed (empty: its date now)")
    status = models.CharField(max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PLANNED)

    audited_fields = ("contract", "task", "name", "amount", "agreed_date", "status")

    class Meta:
        ordering = ["agreed_date", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:payment_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.contract

    @property
    def scheduled(self) -> date | None:
        """The milestone's date in the schedule now."""
        return self.task.finish or self.task.start

    @property
    def slip_days(self) -> int | None:
        """Calendar days the milestone moved since the payment was agreed (positive: later); None if unknown."""
        if self.agreed_date is None or self.scheduled is None:
            return None
        return (self.scheduled - self.agreed_date).days

    @property
    def slip_abs(self) -> int | None:
        return None if self.slip_days is None else abs(self.slip_days)


class OrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class PurchaseOrder(ScopedRecord):
    """An order placed with a vendor for one project, optionally under a contract; its lines are charged to the
    project's budget lines, and while it is open what is not yet paid of each line is committed."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="orders")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    title = models.CharField(max_length=200)
    issued_on = models.DateField()
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    description = models.TextField(blank=True, max_length=5000)

    audited_fields = ("program", "project", "vendor", "contract", "title", "issued_on", "status", "description")

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"PO-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def crumb_parent(self):
        return procurement_crumb()

    def get_absolute_url(self) -> str:
        return reverse("procurement:order_detail", args=[self.pk])

    def clean(self):
        errors = {}
        self._check_scope(errors)
        if self.contract_id:
            if self.contract.vendor_id != self.vendor_id:
                errors["contract"] = f"{self.contract.ref} is with {self.contract.vendor.name}, not this vendor"
            elif self.contract.program_id != self.program_id or (
                    self.contract.project_id and self.contract.project_id != self.project_id):
                errors["contract"] = f"{self.contract.ref} is a contract of {self.contract.scope_label}"
        if errors:
            raise ValidationError(errors)


class PurchaseOrderLine(GovernedModel):
    """One line of an order, charged to a budget line of the order's project (finance)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    budget_line = models.ForeignKey("finance.BudgetLine", on_delete=models.PROTECT, related_name="order_lines")
    description = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY, validators=POSITIVE)

    audited_fields = ("order", "budget_line", "description", "amount")

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order.ref}/{self.pk} {self.description}"

    @property
    def label(self) -> str:
        return f"{self.order.ref} line {self.pk} ({self.description})"

    def get_absolute_url(self) -> str:
        return reverse("procurement:line_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.order

    @property
    def crumb_label(self) -> str:
        return f"Line {self.pk}"

    # ``matched`` (approved + paid invoices) and ``paid`` are annotated by ``selectors.lines_for``
    @property
    def remaining(self) -> Decimal:
        """What invoices may still take of the line (negative when approved above it)."""
        return (self.amount - self.matched).quantize(CENT)

    @property
    def committed(self) -> Decimal:
        """What is not yet paid of the line (finance's commitment while the order is open)."""
        return max(self.amount - self.paid, Decimal(0)).quantize(CENT)


class InvoiceStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"


#: invoices whose amount counts against their PO line
MATCHED_STATUSES = (InvoiceStatus.APPROVED, InvoiceStatus.PAID)


class Invoice(GovernedModel):
    """A vendor's invoice matched to one PO line: received, then approved (an amount above what remains of the
    line needs the Program Manager or the Director and a reason, recorded here), then paid, which records its
    actual cost in finance; or rejected."""

    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="invoices",
                             verbose_name="PO line")
    number = models.CharField(max_length=60, help_text="the vendor's invoice number")
    invoice_date = models.DateField()
    amount = models.DecimalField(**MONEY, validators=POSITIVE)
    description = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.RECEIVED,
                              editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    excess = models.DecimalField(**MONEY, null=True, blank=True, editable=False,
                                 help_text="how far the invoice went past the PO line's remaining amount")
    excess_reason = models.TextField(blank=True, max_length=2000, editable=False)
    paid_on = models.DateField(null=True, blank=True, editable=False)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", editable=False)
    cost_entry = models.OneToOneField("finance.CostEntry", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="invoice", editable=False)
    rejection_reason = models.TextField(blank=True, max_length=2000, editable=False)

    audited_fields = ("line", "number", "invoice_date", "amount", "description", "status", "approved_by",
                      "approved_at", "excess", "excess_reason", "paid_on", "paid_by", "cost_entry",
                      "rejection_reason")

    class Meta:
        ordering = ["-invoice_date", "-id"]
        indexes = [models.Index(fields=["status", "line"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.number}"

    @property
    def ref(self) -> str:
        return f"INV-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def crumb_parent(self):
        return self.line.order

    def get_absolute_url(self) -> str:
        return reverse("procurement:invoice_detail", args=[self.pk])
