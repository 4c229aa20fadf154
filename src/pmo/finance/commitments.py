"""Commitments: money promised but not yet spent (open purchase-order amounts), as finance sees them.

Finance does not store commitments. The app that owns them (``pmo.procurement``, a layer above finance,
which finance may not import) registers a source here when it starts::

    from pmo.finance.commitments import register_source

    def open_po_amounts(project_ids):            # None: every project
        rows = PurchaseOrderLine.objects.filter(...).values("project_id", "category")
        return rows.annotate(amount=Sum(...))    # one aggregate query, dicts with project_id, category, amount

    register_source(open_po_amounts)

A source answers with an iterable of mappings ``{"project_id", "category", "amount"}`` (``amount`` a
``Decimal`` in the project's program currency, ``category`` one of :class:`pmo.finance.models.Category`),
computed in the database (one query per source, whatever the number of orders), and the same project
and category may appear several times (they are summed). Finance reads them only through
:func:`commitments_by_project`, so the open amount of an order has one source of truth: the order itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

Source = Callable[[list[int] | None], Iterable[Mapping]]

_SOURCES: list[Source] = []


def register_source(source: Source) -> None:
    """Add a commitment source (idempotent: registering the same function twice keeps one)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def commitments_by_project(project_ids: list[int] | None = None) -> dict[int, dict[str, Decimal]]:
    """Open commitments per project and cost category, summed over every registered source."""
    out: dict[int, dict[str, Decimal]] = {}
    for source in _SOURCES:
        for row in source(project_ids):
            by_category = out.setdefault(row["project_id"], {})
            by_category[row["category"]] = by_category.get(row["category"], Decimal(0)) + Decimal(row["amount"] or 0)
    return out
