"""Every write to procurement: policy check, validation, save and audit in one transaction.

Rules kept here (one place each):
- a blocked vendor gets no new contract;
- a contract's payment milestones are schedule milestones of its project (or program) and together never exceed
  the contract's value;
- only a draft contract is deleted (an active one is closed or terminated, which keeps its history).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy

from .models import Contract, ContractStatus, PaymentMilestone, Vendor, VendorStatus
from .policies import contract_policy, edits_target, payment_policy, vendor_policy

VENDOR_FIELDS = ("name", "tax_id", "status", "contact_name", "contact_email", "contact_phone", "address", "notes")
CONTRACT_FIELDS = ("vendor", "title", "reference", "kind", "value", "start", "end", "status", "description")
PAYMENT_FIELDS = ("task", "name", "amount", "agreed_date", "status")


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
