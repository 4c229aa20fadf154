"""Reads of procurement, starting from what the user may see, with a query count independent of the rows."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from pmo.finance.models import BudgetLine
from pmo.finance.policies import budget_line_policy
from pmo.planning.models import Task
from pmo.planning.policies import task_policy

from .models import (
    MATCHED_STATUSES,
    MONEY,
    Contract,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    PaymentMilestone,
    PurchaseOrder,
    PurchaseOrderLine,
    Vendor,
    VendorStatus,
)
from .policies import contract_policy, invoice_policy, line_policy, order_policy, payment_policy, vendor_policy

ZERO = Value(0, output_field=DecimalField(**MONEY))
CENT = Decimal("0.01")


def vendors_for(user) -> QuerySet[Vendor]:
    return vendor_policy.visible(user)


def vendors_for_choice() -> QuerySet[Vendor]:
    """Vendors a new contract or order may name: the active ones (names only, like the people of a user list)."""
    return Vendor.objects.filter(status=VendorStatus.ACTIVE).order_by("name")


def contracts_for(user) -> QuerySet[Contract]:
    return (contract_policy.visible(user).select_related("program", "project", "vendor")
            .annotate(payments_total=Coalesce(Sum("payments__amount"), ZERO), payment_count=Count("payments")))


def payments_for(user) -> QuerySet[PaymentMilestone]:
    return payment_policy.visible(user).select_related("contract__program", "contract__project", "contract__vendor",
                                                       "task__project")


def payments_of(contract: Contract) -> list[PaymentMilestone]:
    """The contract's payments with their schedule milestones (one query)."""
    return list(contract.payments.select_related("task__project").order_by("agreed_date", "pk"))


def milestones_for_choice(user, contract: Contract) -> QuerySet[Task]:
    """Schedule milestones a payment of ``contract`` may depend on."""
    tasks = task_policy.visible(user).filter(is_milestone=True, project__program_id=contract.program_id)
    if contract.project_id:
        tasks = tasks.filter(project_id=contract.project_id)
    return tasks.select_related("project").order_by("project__code", "order", "pk")


def search_contracts(queryset: QuerySet[Contract], q: str | None) -> QuerySet[Contract]:
    if not q:
        return queryset
    q = q.strip()
    match = Q(title__icontains=q) | Q(reference__icontains=q) | Q(vendor__name__icontains=q)
    if q.upper().startswith("C-") and q[2:].isdigit():
        match |= Q(pk=int(q[2:]))
    return queryset.filter(match)


def search_vendors(queryset: QuerySet[Vendor], q: str | None) -> QuerySet[Vendor]:
    if not q:
        return queryset
    return queryset.filter(Q(name__icontains=q) | Q(tax_id__icontains=q) | Q(contact_name__icontains=q))


# --- orders, lines, invoices -------------------------------------------------------------------------------

def _invoiced(status_in, prefix: str = "") -> Coalesce:
    """The sum of a line's invoices in ``status_in`` as a subquery (``prefix`` leads from the row to the line)."""
    rows = (Invoice.objects.filter(line=OuterRef(f"{prefix}pk" if prefix else "pk"), status__in=status_in)
            .order_by().values("line").annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(rows, output_field=DecimalField(**MONEY)), ZERO)


def with_line_totals(lines: QuerySet[PurchaseOrderLine]) -> QuerySet[PurchaseOrderLine]:
    """Lines with ``matched`` (approved + paid), ``paid``, ``remaining`` (amount - matched) and ``committed``
    (what is not yet paid of a line of an open order: finance's commitment), in the same query."""
    return lines.annotate(matched=_invoiced(MATCHED_STATUSES), paid=_invoiced([InvoiceStatus.PAID]))


def _money(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DecimalField(**MONEY))


def lines_for(user) -> QuerySet[PurchaseOrderLine]:
    return with_line_totals(line_policy.visible(user).select_related(
        "order__program", "order__project", "order__vendor", "budget_line__budget"))


def orders_for(user) -> QuerySet[PurchaseOrder]:
    paid = (Invoice.objects.filter(line__order=OuterRef("pk"), status=InvoiceStatus.PAID).order_by()
            .values("line__order").annotate(total=Sum("amount")).values("total"))
    amount = (PurchaseOrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
              .annotate(total=Sum("amount")).values("total"))
    money = DecimalField(**MONEY)
    return (order_policy.visible(user).select_related("program", "project", "vendor", "contract")
            .annotate(total=Coalesce(Subquery(amount, output_field=money), ZERO),
                      paid_total=Coalesce(Subquery(paid, output_field=money), ZERO)))


def invoices_for(user) -> QuerySet[Invoice]:
    return invoice_policy.visible(user).select_related(
        "line__order__program", "line__order__project", "line__order__vendor", "approved_by", "paid_by")


def budget_lines_for_choice(user, order: PurchaseOrder) -> QuerySet[BudgetLine]:
    """Budget lines a line of ``order`` may be charged to: those of its project."""
    return (budget_line_policy.visible(user).filter(budget__project_id=order.project_id)
            .select_related("budget").order_by("month", "category", "pk"))


def search_orders(queryset: QuerySet[PurchaseOrder], q: str | None) -> QuerySet[PurchaseOrder]:
    if not q:
        return queryset
    q = q.strip()
    match = Q(title__icontains=q) | Q(vendor__name__icontains=q)
    if q.upper().startswith("PO-") and q[3:].isdigit():
        match |= Q(pk=int(q[3:]))
    return queryset.filter(match)


def search_invoices(queryset: QuerySet[Invoice], q: str | None) -> QuerySet[Invoice]:
    if not q:
        return queryset
    q = q.strip()
    match = Q(number__icontains=q) | Q(line__order__vendor__name__icontains=q) | Q(description__icontains=q)
    if q.upper().startswith("INV-") and q[4:].isdigit():
        match |= Q(pk=int(q[4:]))
    return queryset.filter(match)


def open_commitments(project_ids: list[int] | None):
    """Finance's commitment source (``pmo.finance.commitments``): per project and cost category, what is not yet
    paid of the lines of open orders, never below zero per line; one aggregate query (amounts rounded to the cent:
    SQLite computes the differences in floating point)."""
    lines = PurchaseOrderLine.objects.filter(order__status=OrderStatus.OPEN)
    if project_ids is not None:
        lines = lines.filter(order__project_id__in=project_ids)
    rows = (lines.annotate(open=_money(Greatest(F("amount") - _invoiced([InvoiceStatus.PAID]), ZERO)))
            .values(project_id=F("order__project_id"), category=F("budget_line__category"))
            .annotate(total=Sum("open", output_field=DecimalField(**MONEY))).order_by())
    for row in rows:
        yield {"project_id": row["project_id"], "category": row["category"], "amount": cents(row["total"])}


def cents(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_EVEN)
