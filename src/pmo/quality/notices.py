"""Quality's notifications (pmo.notifications, a layer below): the kinds, the overdue-actions provider the
periodic tick calls, and the personal iCal feed's due quality actions."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from pmo.notifications import registry
from pmo.notifications.services import notify

ASSIGNED = "quality.nonconformance_assigned"
OVERDUE = "quality.action_overdue"


def register() -> None:
    registry.register_kind(ASSIGNED, "A non-conformance is assigned to you",
                           description="raised with you as its owner, or handed to you")
    registry.register_kind(OVERDUE, "A corrective or preventive action of yours is overdue",
                           description="once per action and due date, the day after it was due")
    registry.register_provider("quality.overdue", overdue_events)
    registry.register_feed_source("quality.actions", feed)


def nonconformance_assigned(nc) -> None:
    """Tell the owner (after the transaction commits; only if they see the plan's scope)."""
    if nc.owner_id is None:
        return
    plan = nc.plan
    notify(kind=ASSIGNED, recipients=[nc.owner_id], subject=f"{nc.ref} {nc.title} is assigned to you"[:200],
           body=f"{nc.get_severity_display()} non-conformance in {plan.scope_label}: {nc.description}"[:4000],
           url=nc.get_absolute_url(), dedupe_key=f"{nc.pk}:{nc.owner_id}", program=plan.program_id,
           project=plan.project_id)


def overdue_events(now: datetime):
    """Every open action past its due date, to its owner, once per action and due date."""
    from .models import CorrectiveAction, CorrectiveActionStatus

    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    rows = (CorrectiveAction.objects.filter(status=CorrectiveActionStatus.OPEN, due__lt=today, owner__isnull=False)
            .select_related("nonconformance__plan").order_by("pk").iterator(chunk_size=1000))
    for action in rows:
        plan = action.nonconformance.plan
        yield registry.Event(kind=OVERDUE, recipients=[action.owner_id],
                             subject=f"{action.ref} was due on {action.due:%Y-%m-%d}: {action.description}"[:200],
                             body=f"Action on {action.nonconformance.ref} {action.nonconformance.title}"[:4000],
                             url=action.get_absolute_url(), dedupe_key=f"{action.pk}:{action.due:%Y-%m-%d}",
                             program=plan.program_id, project=plan.project_id)


def feed(user, start: date, end: date):
    """The user's open quality actions due between ``start`` and ``end`` (of the scopes they see)."""
    from .models import CorrectiveActionStatus
    from .selectors import actions_for

    for action in (actions_for(user).filter(owner=user, status=CorrectiveActionStatus.OPEN, due__gte=start,
                                            due__lte=end).order_by("due", "pk")[:500]):
        yield registry.FeedItem(uid=f"quality-action-{action.pk}", summary=f"{action.ref} {action.description}",
                                start=action.due, url=action.get_absolute_url(),
                                description=f"{action.nonconformance.ref} {action.nonconformance.title}",
                                categories=("quality",))
