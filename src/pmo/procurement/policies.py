"""Who may see and change procurement records (README "Roles", docs/architecture.md section 4).

- Vendors belong to the PMO Director, who creates, changes and blocks them. The portfolio-wide roles read every
  vendor; everyone else reads the vendors they deal with (those with a contract or order in their scope).
- Contracts, payment milestones, purchase orders and invoices follow their scope as RAID items do: a
  program-level contract is seen by the program's roles, a project-level record also by the project's roles.
  The Director, the Program Manager of the program and the Project Manager of the record's project change them.
- An invoice above the remaining amount of its PO line is approved only by the Program Manager of the program
  or the Director, with a recorded reason (``services.invoice_approve``).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.portfolio.models import Program, Project

from .models import Contract, Invoice, PaymentMilestone, PurchaseOrder, PurchaseOrderLine, Vendor


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def scope_q(user, prefix: str = "") -> Q | None:
    """None when the user sees every record, else the Q of records in their scopes."""
    scopes = scopes_of(user)
    if scopes.sees_everything:
        return None
    return (Q(**{f"{prefix}program_id__in": scopes.program_ids()})
            | Q(**{f"{prefix}project_id__in": list(scopes.project_roles)}))


def sees_scope(user, program_id: int, project_id: int | None) -> bool:
    scopes = scopes_of(user)
    return (scopes.sees_everything or program_id in scopes.program_ids()
            or (project_id is not None and project_id in scopes.project_roles))


def edits_scope(user, program_id: int, project_id: int | None) -> bool:
    """Director; Program Manager of the program; Project Manager of the record's project."""
    scopes = scopes_of(user)
    return (scopes.is_director or scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)
            or (project_id is not None and scopes.has_project_role(project_id, Role.PROJECT_MANAGER)))


def approves_excess(user, program_id: int) -> bool:
    """May the user approve an invoice above its PO line (Program Manager of the program, or the Director)?"""
    scopes = scopes_of(user)
    return scopes.is_director or scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)


def edits_target(user, target: Program | Project) -> bool:
    """May the user add procurement records to this program or project?"""
    if not _active(user):
        return False
    if isinstance(target, Project):
        return edits_scope(user, target.program_id, target.pk)
    return edits_scope(user, target.pk, None)


class VendorPolicy(Policy):
    model = Vendor
    actions = ("view", "create", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = Vendor.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        if scopes_of(user).sees_everything:
            return queryset
        dealt = (Exists(contract_policy.visible(user, Contract.objects.filter(vendor=OuterRef("pk"))))
                 | Exists(order_policy.visible(user, PurchaseOrder.objects.filter(vendor=OuterRef("pk")))))
        return queryset.filter(dealt)

    def can_create(self, user, obj=None):
        return scopes_of(user).is_director

    def can_change(self, user, obj):
        return scopes_of(user).is_director

    can_delete = can_change


class ScopedPolicy(Policy):
    """Records with ``program`` and ``project`` (``prefix`` leads from the record to them)."""

    actions = ("view", "change", "delete")
    prefix = ""

    def _scope_of(self, obj):
        return obj

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        q = scope_q(user, self.prefix)
        return queryset if q is None else queryset.filter(q)

    def can_view(self, user, obj):
        scope = self._scope_of(obj)
        return sees_scope(user, scope.program_id, scope.project_id)

    def can_change(self, user, obj):
        scope = self._scope_of(obj)
        return edits_scope(user, scope.program_id, scope.project_id)

    can_delete = can_change


class ContractPolicy(ScopedPolicy):
    model = Contract


class PaymentMilestonePolicy(ScopedPolicy):
    model = PaymentMilestone
    prefix = "contract__"

    def _scope_of(self, obj):
        return obj.contract


class OrderPolicy(ScopedPolicy):
    model = PurchaseOrder


class OrderLinePolicy(ScopedPolicy):
    model = PurchaseOrderLine
    prefix = "order__"

    def _scope_of(self, obj):
        return obj.order


class InvoicePolicy(ScopedPolicy):
    """Invoices follow their order; the scope's editors approve, pay and reject them (above the PO line: see
    :func:`approves_excess`)."""

    model = Invoice
    prefix = "line__order__"
    actions = ("view", "change", "delete", "approve", "pay", "reject")

    def _scope_of(self, obj):
        return obj.line.order

    can_approve = can_pay = can_reject = ScopedPolicy.can_change


vendor_policy = VendorPolicy()
contract_policy = ContractPolicy()
payment_policy = PaymentMilestonePolicy()
order_policy = OrderPolicy()
line_policy = OrderLinePolicy()
invoice_policy = InvoicePolicy()
