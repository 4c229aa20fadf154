"""What the stakeholder register notifies (pmo.notifications) and puts in the personal calendar.

- ``stakeholders.action_assigned``: an engagement action is given to you (within two days of the change);
- ``stakeholders.action_overdue``: an open engagement action of yours passed its due date.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pmo.notifications.models import Channel
from pmo.notifications.registry import Event, FeedItem, register_feed_source, register_kind, register_provider

from .models import OPEN_STATUSES, EngagementAction
from .policies import action_policy

RECENT = timedelta(days=2)
LIMIT = 2000


def provide(now):
    today = timezone.localdate(now)
    actions = (EngagementAction.objects.filter(status__in=OPEN_STATUSES, owner__isnull=False)
               .select_related("stakeholder"))
    for action in actions.filter(updated_at__gte=now - RECENT).order_by("pk")[:LIMIT]:
        yield Event(kind="stakeholders.action_assigned", recipients=[action.owner_id],
                    subject=f"Engagement action assigned to you: {action.title[:120]}",
                    body=f"Stakeholder: {action.stakeholder.name}\nDue: {action.due or 'no date'}",
                    url=action.get_absolute_url(), dedupe_key=f"engagementaction:{action.pk}:owner:{action.owner_id}",
                    program=action.stakeholder.program_id)
    for action in actions.filter(due__lt=today).order_by("due", "pk")[:LIMIT]:
        yield Event(kind="stakeholders.action_overdue", recipients=[action.owner_id],
                    subject=f"Engagement action overdue since {action.due:%d %b %Y}: {action.title[:120]}",
                    body=f"Stakeholder: {action.stakeholder.name}", url=action.get_absolute_url(),
                    dedupe_key=f"engagementaction:{action.pk}:overdue:{action.due.isoformat()}",
                    program=action.stakeholder.program_id)


def feed(user, start, end):
    """Your open engagement actions with a due date, in scope."""
    actions = (action_policy.visible(user).filter(owner=user, status__in=OPEN_STATUSES, due__range=(start, end))
               .select_related("stakeholder").order_by("due", "pk"))
    for action in actions:
        yield FeedItem(uid=f"engagement-action-{action.pk}", summary=f"Due: {action.title[:150]} "
                       f"({action.stakeholder.name[:60]})", start=action.due, url=action.get_absolute_url(),
                       categories=("Engagement action",))


def register() -> None:
    register_kind("stakeholders.action_assigned", "An engagement action is assigned to you", default=Channel.EMAIL)
    register_kind("stakeholders.action_overdue", "An engagement action of yours is overdue", default=Channel.EMAIL)
    register_provider("stakeholders", provide)
    register_feed_source("stakeholders.due", feed)
