"""Reads of procurement, starting from what the user may see, with a query count independent of the rows."""

from __future__ import annotations

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from pmo.planning.models import Task
from pmo.planning.policies import task_policy

from .models import MONEY, Contract, PaymentMilestone, Vendor, VendorStatus
from .policies import contract_policy, payment_policy, vendor_policy

ZERO = Value(0, output_field=DecimalField(**MONEY))


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
