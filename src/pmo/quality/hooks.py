"""The parts of quality that depend on apps built beside it: the link of criteria, reviews and non-conformances to
the change app's deliverables, and notifications. Each is a no-op until that app is on main."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

#: extra writable fields of criteria, reviews and non-conformances (the deliverable, when the change app exists)
CRITERION_EXTRA: tuple[str, ...] = ()
REVIEW_EXTRA: tuple[str, ...] = ()
NC_EXTRA: tuple[str, ...] = ()


def criterion_references(actor, plan, fields: dict) -> None:
    """Replace a deliverable id by the deliverable (of the plan's scope); nothing yet."""


def review_references(actor, plan, fields: dict) -> None:
    """As :func:`criterion_references`, for reviews."""


def nc_references(actor, plan, fields: dict) -> None:
    """As :func:`criterion_references`, for non-conformances."""


def criteria_for_review(review, queryset):
    return queryset


def notify(kind: str, *, recipient, obj, message: str) -> None:
    """Tell ``recipient`` through the notifications app when it is installed (after the transaction commits)."""
    if recipient is None or not apps.is_installed("pmo.notifications"):
        return
    notify_fn = getattr(import_module("pmo.notifications.services"), "notify", None)
    if notify_fn is not None:
        notify_fn(kind=kind, recipient=recipient, obj=obj, message=message)


def notify_assigned(nc) -> None:
    notify("quality.nonconformance_assigned", recipient=nc.owner, obj=nc,
           message=f"{nc.ref} {nc.title} ({nc.get_severity_display().lower()}) is assigned to you")
