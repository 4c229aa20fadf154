"""Every write to procurement: policy check, validation, save and audit in one transaction.

Rules kept here (one place each):
- a blocked vendor gets no new contract;
- a contract's payment milestones are schedule milestones of its project (or program) and together never exceed
  the contract's value;
- only a draft contract is deleted (an active one is closed or terminated, which keeps its history);
- a PO line is charged to a budget line of the order's own project;
- an invoice is approved up to what remains of its PO line; above that only by the Program Manager of the
  program or the PMO Director, with a reason, recorded on the invoice (who, when, why, by how much);
- paying an invoice records its actual cost in finance (``finance.services.cost_entry_create``, source
  "invoice") in the same transaction: if finance refuses (a closed project), nothing is paid.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.finance import services as finance
from pmo.finance.models import BudgetLine, CostSource
from pmo.finance.policies import budget_line_policy
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from .models import (
    MATCHED_STATUSES,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    PaymentMilestone,
    PurchaseOrder,
    PurchaseOrderLine,
    Vendor,
    VendorStatus,
)
from .policies import (
    approves_excess,
    contract_policy,
    edits_target,
    invoice_policy,
    line_policy,
    order_policy,
    payment_policy,
    vendor_policy,
)

VENDOR_FIELDS = ("name", "tax_id", "status", "contact_name", "contact_email", "contact_phone", "address", "notes")
CONTRACT_FIELDS = ("vendor", "title", "reference", "kind", "value", "start", "end", "status", "description")
PAYMENT_FIELDS = ("task", "name", "amount", "agreed_date", "status")
ORDER_FIELDS = ("vendor", "contract", "title", "issued_on", "status", "description")
LINE_FIELDS = ("budget_line", "description", "amount")
INVOICE_FIELDS = ("number", "invoice_date", "amount", "description")


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def money(value, field: str, *, positive: bool = False) -> Decimal:
    """``value`` as a Decimal amount of money (cents), or a ValidationError naming ``field``."""
    if isinstance(value, bool | float):
        raise ValidationError({field: "give the amount as a decimal number such as 1250.00"})
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: f"{value!r} is not an amount"}) from exc
    if not amount.is_finite():
        raise ValidationError({field: f"{value!r} is not an amount"})
    if amount < 0 or (positive and amount == 0):
        raise ValidationError({field: "must be more than zero" if positive else "must not be negative"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "give at most two decimals (cents)"})
    if abs(amount) >= Decimal(10) ** 12:
        raise ValidationError({field: "must be less than 1,000,000,000,000"})
    return amount


def _money_fields(fields: dict, *names: str, positive: bool = False) -> dict:
    for name in names:
        if name in fields and fields[name] is not None:
            fields[name] = money(fields[name], name, positive=positive)
    return fields


# --- scope -------------------------------------------------------------------------------------------

def visible_target(actor, target: Program | Project) -> None:
    """A program or project the actor cannot see is refused as unknown (422), never confirmed (403)."""
    policy = project_policy if isinstance(target, Project) else program_policy
    if not policy.can(actor, "view", target):
        kind = type(target).__name__.lower()
        raise ValidationError({kind: f"no {kind} with id {target.pk}"})


def scope_fields(actor, program: Program | None, project: Project | None, *, what: str) -> dict:
    if project is not None:
        if program is not None and project.program_id != program.pk:
            raise ValidationError({"project": "the project belongs to another program"})
        target, fields = project, {"program": project.program, "project": project}
    elif program is not None:
        target, fields = program, {"program": program, "project": None}
    else:
        raise ValidationError({"program": f"give the program (or project) of the {what}"})
    visible_target(actor, target)
    if not edits_target(actor, target):
        raise PermissionDenied(f"you may not add {what}s to {target.code}")
    return fields


def _vendor(actor, vendor, *, new: bool = True) -> Vendor:
    """The vendor named (an id or object); unknown ones are refused by id, blocked ones get no new business."""
    pk = vendor.pk if isinstance(vendor, Vendor) else vendor
    found = Vendor.objects.filter(pk=pk).first() if isinstance(pk, int) and not isinstance(pk, bool) else None
    if found is None:
        raise ValidationError({"vendor": f"no vendor with id {pk}"})
    if new and found.status == VendorStatus.BLOCKED:
        raise ValidationError({"vendor": f"{found.name} is blocked: no new contracts or orders"})
    return found


# --- vendors -----------------------------------------------------------------------------------------

def vendor_create(*, actor, **fields) -> Vendor:
    _unknown_fields(fields, VENDOR_FIELDS)
    vendor_policy.require(actor, "create", None, "only the PMO Director adds vendors")
    return create_audited(actor=actor, obj=Vendor(**fields))


def vendor_update(*, actor, vendor: Vendor, expected_version: int, **changes) -> Vendor:
    _unknown_fields(changes, VENDOR_FIELDS)
    vendor_policy.require(actor, "change", vendor, "only the PMO Director changes vendors")
    return update_versioned(actor=actor, obj=vendor, changes=changes, expected_version=expected_version)


def vendor_delete(*, actor, vendor: Vendor, expected_version: int) -> None:
    vendor_policy.require(actor, "delete", vendor, "only the PMO Director deletes vendors")
    delete_versioned(actor=actor, obj=vendor, expected_version=expected_version)


# --- contracts -----------------------------------------------------------------------------------------

def contract_create(*, actor, program: Program | None = None, project: Project | None = None,
                    **fields) -> Contract:
    _unknown_fields(fields, CONTRACT_FIELDS)
    scope = scope_fields(actor, program, project, what="contract")
    if "vendor" not in fields or fields["vendor"] is None:
        raise ValidationError({"vendor": "choose the vendor"})
    fields["vendor"] = _vendor(actor, fields["vendor"])
    _money_fields(fields, "value")
    return create_audited(actor=actor, obj=Contract(**scope, **fields))


def contract_update(*, actor, contract: Contract, expected_version: int, **changes) -> Contract:
    _unknown_fields(changes, CONTRACT_FIELDS)
    contract_policy.require(actor, "change", contract)
    if "vendor" in changes:
        vendor = changes["vendor"]
        same = (vendor.pk if isinstance(vendor, Vendor) else vendor) == contract.vendor_id
        changes["vendor"] = contract.vendor if same else _vendor(actor, vendor)
    _money_fields(changes, "value")
    with transaction.atomic():
        if "value" in changes and changes["value"] is not None:
            _check_payments_total(contract, value=changes["value"])
        return update_versioned(actor=actor, obj=contract, changes=changes, expected_version=expected_version)


def contract_delete(*, actor, contract: Contract, expected_version: int) -> None:
    contract_policy.require(actor, "delete", contract)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError({"status": f"only a draft contract is deleted; close or terminate {contract.ref}"})
    delete_versioned(actor=actor, obj=contract, expected_version=expected_version)


# --- payment milestones --------------------------------------------------------------------------------

def _milestone(actor, contract: Contract, task) -> Task:
    """A schedule milestone the actor sees, in the contract's project (or program)."""
    pk = task.pk if isinstance(task, Task) else task
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        found = (task_policy.visible(actor).filter(pk=pk, project__program_id=contract.program_id)
                 .select_related("project").first())
    if found is None or (contract.project_id and found.project_id != contract.project_id):
        where = contract.project.code if contract.project_id else contract.program.code
        raise ValidationError({"task": f"no task with id {pk} in {where}"})
    if not found.is_milestone:
        raise ValidationError({"task": f"{found.name} is not a milestone of the schedule"})
    return found


def _check_payments_total(contract: Contract, *, value: Decimal | None = None, adding: Decimal = Decimal(0),
                          without: int | None = None) -> None:
    """Payments of a contract never add up to more than its value (rows locked, so two writers cannot both pass)."""
    value = contract.value if value is None else value
    rows = PaymentMilestone.objects.select_for_update().filter(contract=contract)
    if without is not None:
        rows = rows.exclude(pk=without)
    total = sum((p.amount for p in rows), Decimal(0)) + adding
    if total > value:
        field = "amount" if adding else "value"
        raise ValidationError({field: f"the payments of {contract.ref} would total {total:,.2f}, "
                                      f"{total - value:,.2f} more than its value {value:,.2f}"})


def payment_create(*, actor, contract: Contract, **fields) -> PaymentMilestone:
    _unknown_fields(fields, PAYMENT_FIELDS)
    contract_policy.require(actor, "change", contract, f"you may not change the payments of {contract.ref}")
    if fields.get("task") is None:
        raise ValidationError({"task": "choose the schedule milestone the payment depends on"})
    fields["task"] = _milestone(actor, contract, fields["task"])
    if fields.get("amount") is None:
        raise ValidationError({"amount": "give the amount"})
    _money_fields(fields, "amount", positive=True)
    if not fields.get("agreed_date"):
        fields["agreed_date"] = fields["task"].finish or fields["task"].start
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        _check_payments_total(contract, adding=fields["amount"])
        return create_audited(actor=actor, obj=PaymentMilestone(contract=contract, **fields))


def payment_update(*, actor, payment: PaymentMilestone, expected_version: int, **changes) -> PaymentMilestone:
    _unknown_fields(changes, PAYMENT_FIELDS)
    payment_policy.require(actor, "change", payment)
    if "task" in changes:
        changes["task"] = _milestone(actor, payment.contract, changes["task"])
    _money_fields(changes, "amount", positive=True)
    with transaction.atomic():
        if changes.get("amount") is not None:
            Contract.objects.select_for_update().filter(pk=payment.contract_id).first()
            _check_payments_total(payment.contract, adding=changes["amount"], without=payment.pk)
        return update_versioned(actor=actor, obj=payment, changes=changes, expected_version=expected_version)


def payment_delete(*, actor, payment: PaymentMilestone, expected_version: int) -> None:
    payment_policy.require(actor, "delete", payment)
    delete_versioned(actor=actor, obj=payment, expected_version=expected_version)


def payments_total(contract: Contract) -> Decimal:
    return contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


# --- purchase orders -----------------------------------------------------------------------------------

def _contract_for(actor, contract) -> Contract | None:
    if contract is None:
        return None
    pk = contract.pk if isinstance(contract, Contract) else contract
    found = contract_policy.visible(actor).filter(pk=pk).select_related("vendor", "project").first() if (
        isinstance(pk, int) and not isinstance(pk, bool)) else None
    if found is None:
        raise ValidationError({"contract": f"no contract with id {pk}"})
    return found


def order_create(*, actor, project: Project, lines=(), **fields) -> PurchaseOrder:
    """An order for ``project`` with its ``lines`` (each ``{"budget_line", "description", "amount"}``), all or
    nothing."""
    _unknown_fields(fields, ORDER_FIELDS)
    scope = scope_fields(actor, None, project, what="purchase order")
    if fields.get("vendor") is None:
        raise ValidationError({"vendor": "choose the vendor"})
    fields["vendor"] = _vendor(actor, fields["vendor"])
    fields["contract"] = _contract_for(actor, fields.get("contract"))
    if fields.get("status", OrderStatus.OPEN) != OrderStatus.OPEN:
        raise ValidationError({"status": "a new order is open"})
    with transaction.atomic():
        order = create_audited(actor=actor, obj=PurchaseOrder(**scope, **fields))
        for index, line in enumerate(lines):
            try:
                order_line_create(actor=actor, order=order, **line)
            except ValidationError as exc:
                raise ValidationError({f"lines[{index}].{field}": errors
                                       for field, errors in exc.message_dict.items()}) from exc
    return order


def order_update(*, actor, order: PurchaseOrder, expected_version: int, **changes) -> PurchaseOrder:
    _unknown_fields(changes, ORDER_FIELDS)
    order_policy.require(actor, "change", order)
    if "vendor" in changes:
        vendor = changes["vendor"]
        if (vendor.pk if isinstance(vendor, Vendor) else vendor) != order.vendor_id:
            if order.lines.filter(invoices__isnull=False).exists():
                raise ValidationError({"vendor": f"{order.ref} has invoices: its vendor stays"})
            changes["vendor"] = _vendor(actor, vendor)
        else:
            changes["vendor"] = order.vendor
    if "contract" in changes:
        changes["contract"] = _contract_for(actor, changes["contract"])
    return update_versioned(actor=actor, obj=order, changes=changes, expected_version=expected_version)


def order_delete(*, actor, order: PurchaseOrder, expected_version: int) -> None:
    """Delete an order none of whose lines has an invoice (otherwise close or cancel it)."""
    order_policy.require(actor, "delete", order)
    if Invoice.objects.filter(line__order=order).exists():
        raise ValidationError({"status": f"{order.ref} has invoices: close or cancel it instead"})
    with transaction.atomic():
        for line in order.lines.all():
            delete_versioned(actor=actor, obj=line, expected_version=line.version)
        delete_versioned(actor=actor, obj=order, expected_version=expected_version)


def _budget_line(actor, order: PurchaseOrder, budget_line) -> BudgetLine:
    """A budget line of the order's project; one of another project (or one the actor cannot see) is refused."""
    pk = budget_line.pk if isinstance(budget_line, BudgetLine) else budget_line
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        found = budget_line_policy.visible(actor).filter(pk=pk).select_related("budget__project").first()
    if found is None:
        raise ValidationError({"budget_line": f"no budget line with id {pk}"})
    if found.budget.project_id != order.project_id:
        where = found.budget.project.code if found.budget.project_id else "a program or the PMO"
        raise ValidationError({"budget_line": f"budget line {pk} belongs to {where}, not to "
                                              f"{order.project.code}, the project of {order.ref}"})
    return found


def line_matched(line: PurchaseOrderLine, *, lock: bool = False, without: int | None = None) -> Decimal:
    """What approved and paid invoices have taken of the line (locking the line row first when asked)."""
    if lock:
        PurchaseOrderLine.objects.select_for_update().filter(pk=line.pk).first()
    invoices = Invoice.objects.filter(line=line, status__in=MATCHED_STATUSES)
    if without is not None:
        invoices = invoices.exclude(pk=without)
    return invoices.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def order_line_create(*, actor, order: PurchaseOrder, **fields) -> PurchaseOrderLine:
    _unknown_fields(fields, LINE_FIELDS)
    order_policy.require(actor, "change", order, f"you may not change the lines of {order.ref}")
    if order.status != OrderStatus.OPEN:
        raise ValidationError({"order": f"{order.ref} is {order.get_status_display().lower()}: no new lines"})
    if fields.get("budget_line") is None:
        raise ValidationError({"budget_line": "choose the budget line the line is charged to"})
    fields["budget_line"] = _budget_line(actor, order, fields["budget_line"])
    if fields.get("amount") is None:
        raise ValidationError({"amount": "give the amount"})
    _money_fields(fields, "amount", positive=True)
    return create_audited(actor=actor, obj=PurchaseOrderLine(order=order, **fields))


def order_line_update(*, actor, line: PurchaseOrderLine, expected_version: int, **changes) -> PurchaseOrderLine:
    _unknown_fields(changes, LINE_FIELDS)
    line_policy.require(actor, "change", line)
    if "budget_line" in changes:
        changes["budget_line"] = _budget_line(actor, line.order, changes["budget_line"])
    _money_fields(changes, "amount", positive=True)
    with transaction.atomic():
        if changes.get("amount") is not None:
            matched = line_matched(line, lock=True)
            if changes["amount"] < matched:
                raise ValidationError({"amount": f"approved and paid invoices already take {matched:,.2f} "
                                                 f"of {line.label}"})
        return update_versioned(actor=actor, obj=line, changes=changes, expected_version=expected_version)


def order_line_delete(*, actor, line: PurchaseOrderLine, expected_version: int) -> None:
    line_policy.require(actor, "delete", line)
    if line.invoices.exists():
        raise ValidationError({"line": f"{line.label} has invoices: it stays"})
    delete_versioned(actor=actor, obj=line, expected_version=expected_version)


# --- invoices -----------------------------------------------------------------------------------------

def invoice_create(*, actor, line: PurchaseOrderLine, **fields) -> Invoice:
    """Record a vendor's invoice against a PO line (status received)."""
    _unknown_fields(fields, INVOICE_FIELDS)
    line_policy.require(actor, "change", line, f"you may not record invoices on {line.order.ref}")
    if line.order.status == OrderStatus.CANCELLED:
        raise ValidationError({"line": f"{line.order.ref} is cancelled: no invoices"})
    if fields.get("amount") is None:
        raise ValidationError({"amount": "give the amount"})
    _money_fields(fields, "amount", positive=True)
    number = (fields.get("number") or "").strip()
    if number and Invoice.objects.filter(line__order__vendor_id=line.order.vendor_id, number=number).exclude(
            status=InvoiceStatus.REJECTED).exists():
        raise ValidationError({"number": f"{line.order.vendor.name} invoice {number} is recorded already"})
    return create_audited(actor=actor, obj=Invoice(line=line, **fields))


def invoice_update(*, actor, invoice: Invoice, expected_version: int, **changes) -> Invoice:
    _unknown_fields(changes, INVOICE_FIELDS)
    invoice_policy.require(actor, "change", invoice)
    if invoice.status != InvoiceStatus.RECEIVED:
        raise ValidationError({"status": f"{invoice.ref} is {invoice.get_status_display().lower()}: it is final"})
    _money_fields(changes, "amount", positive=True)
    return update_versioned(actor=actor, obj=invoice, changes=changes, expected_version=expected_version)


def invoice_delete(*, actor, invoice: Invoice, expected_version: int) -> None:
    """Delete an invoice recorded by mistake (received only; an approved one is rejected instead)."""
    invoice_policy.require(actor, "delete", invoice)
    if invoice.status != InvoiceStatus.RECEIVED:
        raise ValidationError({"status": f"{invoice.ref} is {invoice.get_status_display().lower()}: reject it "
                                         "instead" if invoice.status == InvoiceStatus.APPROVED else "it stays"})
    delete_versioned(actor=actor, obj=invoice, expected_version=expected_version)


def invoice_excess(invoice: Invoice, *, lock: bool = False) -> tuple[Decimal, Decimal]:
    """(what remains of the invoice's PO line before it, how far the invoice goes past that; 0 if it fits)."""
    line = invoice.line
    remaining = line.amount - line_matched(line, lock=lock, without=invoice.pk)
    return remaining, max(invoice.amount - max(remaining, Decimal(0)), Decimal(0))


def invoice_approve(*, actor, invoice: Invoice, expected_version: int, excess_reason: str = "") -> Invoice:
    """Approve a received invoice. Up to what remains of its PO line the scope's editors approve; above it, only
    the Program Manager of the program or the PMO Director, with ``excess_reason`` (recorded with who and when).
    """
    invoice_policy.require(actor, "approve", invoice)
    if invoice.status != InvoiceStatus.RECEIVED:
        raise ValidationError({"status": f"{invoice.ref} is {invoice.get_status_display().lower()}, not received"})
    reason = (excess_reason or "").strip()
    order = invoice.line.order
    with transaction.atomic():
        remaining, excess = invoice_excess(invoice, lock=True)
        changes = {"status": InvoiceStatus.APPROVED, "approved_by": actor, "approved_at": timezone.now()}
        if excess:
            what = (f"{invoice.ref} ({invoice.amount:,.2f}) is {excess:,.2f} above the remaining "
                    f"{max(remaining, Decimal(0)):,.2f} of {invoice.line.label}")
            if not reason:
                raise ValidationError({"excess_reason": f"{what}: the Program Manager of {order.program.code} or the "
                                                        "PMO Director approves it, giving the reason"})
            if not approves_excess(actor, order.program_id):
                raise PermissionDenied(f"{what}: only the Program Manager of {order.program.code} or the PMO "
                                       "Director approves it")
            changes |= {"excess": excess, "excess_reason": reason}
        return update_versioned(actor=actor, obj=invoice, changes=changes, expected_version=expected_version,
                                action="approve")


def invoice_pay(*, actor, invoice: Invoice, expected_version: int, paid_on=None) -> Invoice:
    """Mark an approved invoice paid and record its actual cost in finance, in one transaction."""
    invoice_policy.require(actor, "pay", invoice)
    if invoice.status != InvoiceStatus.APPROVED:
        raise ValidationError({"status": f"{invoice.ref} is {invoice.get_status_display().lower()}: "
                                         "only an approved invoice is paid"})
    paid_on = paid_on or timezone.localdate()
    line = invoice.line
    order = line.order
    with transaction.atomic():  # a stale version (raised by update_versioned) rolls the cost entry back too
        entry = finance.cost_entry_create(
            actor=actor, date=paid_on, amount=invoice.amount, category=line.budget_line.category,
            project=order.project, control_account=line.budget_line.control_account, source=CostSource.INVOICE,
            reference=f"{invoice.ref} {invoice.number}"[:80],
            description=f"{order.vendor.name}: {order.ref} {line.description}"[:200])
        return update_versioned(actor=actor, obj=invoice, changes={
            "status": InvoiceStatus.PAID, "paid_on": paid_on, "paid_by": actor, "cost_entry": entry},
            expected_version=expected_version, action="pay")


def invoice_reject(*, actor, invoice: Invoice, expected_version: int, reason: str) -> Invoice:
    invoice_policy.require(actor, "reject", invoice)
    if invoice.status not in (InvoiceStatus.RECEIVED, InvoiceStatus.APPROVED):
        raise ValidationError({"status": f"{invoice.ref} is {invoice.get_status_display().lower()}: it stays"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "say why the invoice is rejected"})
    return update_versioned(actor=actor, obj=invoice, changes={"status": InvoiceStatus.REJECTED,
                                                               "rejection_reason": reason},
                            expected_version=expected_version, action="reject")


def excess_of(invoices: list[Invoice]) -> dict[int, Decimal]:
    """For each received invoice, how far it would go past what remains of its PO line (one query for all);
    approved ones report the excess recorded at approval."""
    matched = dict(Invoice.objects.filter(line_id__in={i.line_id for i in invoices}, status__in=MATCHED_STATUSES)
                   .order_by().values("line_id").annotate(total=Sum("amount")).values_list("line_id", "total"))
    out = {}
    for invoice in invoices:
        if invoice.status == InvoiceStatus.RECEIVED:
            remaining = max(invoice.line.amount - matched.get(invoice.line_id, Decimal(0)), Decimal(0))
            out[invoice.pk] = max(invoice.amount - remaining, Decimal(0))
        else:
            out[invoice.pk] = invoice.excess or Decimal(0)
    return out
