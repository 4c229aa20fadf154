"""What this app tells people through the notifications app (once it is installed): an action assigned to them,
their overdue actions. Called by the services after their transaction commits."""

from __future__ import annotations

from django.db import transaction


def action_assigned(actor, action) -> None:
    """Tell ``action.owner`` that an action was assigned to them (after commit; nothing when it is theirs)."""
    if not action.owner_id or getattr(actor, "pk", None) == action.owner_id:
        return
    transaction.on_commit(lambda: _send_assigned(action.pk))


def _send_assigned(action_pk: int) -> None:
    """Filled in when the notifications app is on main."""
