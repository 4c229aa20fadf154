"""What procurement notifies (pmo.notifications).

- ``procurement.invoice_excess``: a received invoice goes past what remains of its PO line, so only the program's
  Program Manager or the PMO Director may approve it: they are told once per invoice while it waits.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.notifications.models import Channel
from pmo.notifications.registry import Event, register_kind, register_provider
from pmo.notifications.services import role_holders

from .models import Invoice, InvoiceStatus
from .services import excess_of

LIMIT = 2000


def provide(now):
    invoices = list(Invoice.objects.filter(status=InvoiceStatus.RECEIVED)
                    .select_related("line__order__program").order_by("pk")[:LIMIT])
    excess = excess_of(invoices)
    directors = role_holders(Role.PMO_DIRECTOR)
    for invoice in invoices:
        if not excess[invoice.pk]:
            continue
        order = invoice.line.order
        yield Event(kind="procurement.invoice_excess",
                    recipients=role_holders(Role.PROGRAM_MANAGER, program=order.program_id) | directors,
                    subject=f"Invoice {invoice.ref} ({invoice.number}) is {excess[invoice.pk]:,.2f} "
                            f"{order.program.currency} above its PO line: your approval is needed"[:200],
                    body=f"{invoice.line.label}\nInvoice amount: {invoice.amount:,.2f} {order.program.currency}",
                    url=invoice.get_absolute_url(), dedupe_key=f"invoice:{invoice.pk}:excess",
                    program=order.program_id, project=order.project_id)


def register() -> None:
    register_kind("procurement.invoice_excess", "An invoice above its PO line waits for your approval",
                  default=Channel.EMAIL, description="Program Managers of the program and the PMO Director")
    register_provider("procurement", provide)
