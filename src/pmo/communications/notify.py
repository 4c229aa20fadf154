"""What this app hands the notifications app (registered in apps.py): its notification kinds, the "action
assigned" notice, the periodic provider (due communications are sent, overdue meeting actions are told to their
owners once per due date), and the personal iCal feed's source (the meetings a user attends or organises, their
open meeting actions)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pmo.notifications.models import Channel
from pmo.notifications.registry import Event, FeedItem, register_feed_source, register_kind, register_provider

from .models import OPEN_ACTION_STATUSES, MeetingAction, MeetingStatus
from .recurrence import occurrence_end, occurrences, zone
from .services import KIND_ACTION_ASSIGNED, KIND_ACTION_OVERDUE, KIND_SCHEDULED, send_due

#: overdue actions one tick tells about at most (the rest on the next tick)
MAX_OVERDUE_PER_TICK = 2000
#: meetings one feed expands at most
MAX_FEED_MEETINGS = 500


def register() -> None:
    register_kind(KIND_SCHEDULED, "Scheduled communications of a program's communication plan",
                  default=Channel.EMAIL, description="the messages of the communication plans you are an audience of")
    register_kind(KIND_ACTION_ASSIGNED, "A meeting action is assigned to you", default=Channel.EMAIL)
    register_kind(KIND_ACTION_OVERDUE, "A meeting action of yours is overdue", default=Channel.IN_APP)
    register_provider("communications.due", provider)
    register_feed_source("communications.meetings", feed)


def action_assigned(actor, action: MeetingAction) -> None:
    """Tell ``action.owner`` that an action was assigned to them (after commit; nothing when they assigned it)."""
    if not action.owner_id or getattr(actor, "pk", None) == action.owner_id:
        return
    transaction.on_commit(lambda: _send_assigned(action.pk))


def _send_assigned(action_pk: int) -> None:
    from pmo.notifications.services import notify

    action = MeetingAction.objects.select_related("meeting", "owner").filter(pk=action_pk).first()
    if action is None or action.owner is None:
        return
    due = f", due {action.due.isoformat()}" if action.due else ""
    notify(kind=KIND_ACTION_ASSIGNED, recipients=[action.owner], subject=f"Action {action.ref}: {action.description}"
           [:200], body=f"From the meeting {action.meeting.title}{due}.", url=action.get_absolute_url(),
           dedupe_key=f"assigned:{action.pk}:{action.owner_id}", program=action.meeting.program_id,
           project=action.meeting.project_id)


def overdue_events(now: datetime):
    today = timezone.localdate(now)
    rows = (MeetingAction.objects.filter(status__in=OPEN_ACTION_STATUSES, due__lt=today, owner__isnull=False)
            .select_related("meeting").order_by("due", "pk")[:MAX_OVERDUE_PER_TICK])
    for action in rows:
        yield Event(kind=KIND_ACTION_OVERDUE, recipients=[action.owner_id],
                    subject=f"Overdue: {action.ref} {action.description}"[:200],
                    body=f"Due {action.due.isoformat()}, from the meeting {action.meeting.title}.",
                    url=action.get_absolute_url(), dedupe_key=f"overdue:{action.pk}:{action.due.isoformat()}",
                    program=action.meeting.program_id, project=action.meeting.project_id)


def provider(now: datetime):
    """The periodic tick: send the communications due by today, then the overdue-action notices."""
    send_due(timezone.localdate(now))
    return list(overdue_events(now))


def feed(user, start: date, end: date):
    """Occurrences of the meetings ``user`` attends or organises (among those they may see) and their open meeting
    actions with a due date, between ``start`` and ``end``."""
    from .selectors import actions_for, meetings_for

    tz = zone()
    window_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    meetings = (meetings_for(user).exclude(status=MeetingStatus.CANCELLED)
                .filter(Q(organizer=user) | Q(attendees__user=user)).filter(starts_at__lt=window_end)
                .filter(Q(recurrence="", starts_at__gte=datetime.combine(start, time.min, tzinfo=tz))
                        | (~Q(recurrence="") & (Q(until__isnull=True) | Q(until__gte=start))))
                .distinct().order_by("starts_at", "pk")[:MAX_FEED_MEETINGS])
    for meeting in meetings:
        for when in occurrences(meeting, start=start, end=end):
            yield FeedItem(uid=f"meeting-{meeting.pk}-{when.strftime('%Y%m%dT%H%M')}", summary=meeting.title,
                           start=when, end=occurrence_end(when, meeting), url=meeting.get_absolute_url(),
                           description=meeting.purpose[:500], categories=(meeting.get_kind_display(),))
    for action in (actions_for(user).filter(owner=user, status__in=OPEN_ACTION_STATUSES, due__gte=start,
                                            due__lte=end).order_by("due", "pk")[:1000]):
        yield FeedItem(uid=f"meeting-action-{action.pk}", summary=f"Due: {action.ref} {action.description}"[:250],
                       start=action.due, url=action.get_absolute_url(), categories=("Meeting action",))
