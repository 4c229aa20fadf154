"""Reads of communication plans and meetings, starting from what the user may see, with a query count
independent of the rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import (
    OPEN_ACTION_STATUSES,
    AgendaItem,
    Audience,
    Communication,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingStatus,
)
from .policies import (
    agenda_item_policy,
    attendee_policy,
    audience_policy,
    communication_policy,
    meeting_action_policy,
    meeting_policy,
)
from .recurrence import occurrence_end, occurrences, zone

#: meetings one "upcoming" view expands at most
MAX_UPCOMING_MEETINGS = 300


def today() -> date:
    return timezone.localdate()


def meetings_for(user) -> QuerySet[Meeting]:
    return (meeting_policy.visible(user).select_related("program", "project", "organizer")
            .annotate(open_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES),
                                         distinct=True)))


def attendees_for(user) -> QuerySet[MeetingAttendee]:
    return attendee_policy.visible(user).select_related("user", "stakeholder", "meeting")


def agenda_items_for(user) -> QuerySet[AgendaItem]:
    return agenda_item_policy.visible(user).select_related("meeting", "presenter", "subject_type")


def actions_for(user) -> QuerySet[MeetingAction]:
    return meeting_action_policy.visible(user).select_related("meeting__program", "meeting__project", "owner",
                                                              "agenda_item")


def communications_for(user) -> QuerySet[Communication]:
    return (communication_policy.visible(user).select_related("program", "owner")
            .annotate(audience_count=Count("audiences")))


def audiences_for(user) -> QuerySet[Audience]:
    return audience_policy.visible(user).select_related("communication", "stakeholder", "group")


def search_meetings(queryset: QuerySet[Meeting], q: str | None) -> QuerySet[Meeting]:
    if not q:
        return queryset
    q = q.strip()
    match = Q(title__icontains=q) | Q(purpose__icontains=q) | Q(location__icontains=q)
    if q.upper().startswith("MT-") and q[3:].isdigit():
        match |= Q(pk=int(q[3:]))
    return queryset.filter(match)


def search_communications(queryset: QuerySet[Communication], q: str | None) -> QuerySet[Communication]:
    if not q:
        return queryset
    q = q.strip()
    match = Q(title__icontains=q) | Q(purpose__icontains=q) | Q(subject__icontains=q)
    if q.upper().startswith("CM-") and q[3:].isdigit():
        match |= Q(pk=int(q[3:]))
    return queryset.filter(match)


# --- agenda subjects ----------------------------------------------------------------------------------

def with_subjects(items: list[AgendaItem]) -> list[AgendaItem]:
    """Fetch every item's subject with one query per subject type (``item.subject`` then reads no query)."""
    by_type: dict = {}
    for item in items:
        if item.subject_type_id:
            by_type.setdefault(item.subject_type, set()).add(item.subject_id)
    found = {}
    for content_type, ids in by_type.items():
        model = content_type.model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            found[(content_type.pk, obj.pk)] = obj
    for item in items:
        if item.subject_type_id:
            item._subject_cache = found.get((item.subject_type_id, item.subject_id))
    return items


# --- upcoming occurrences ---------------------------------------------------------------------------

def upcoming(meetings: QuerySet[Meeting], *, start: date, days: int = 14, limit: int = 100) -> list[dict]:
    """Occurrences of ``meetings`` on the local days [start, start + days), earliest first (at most ``limit``)."""
    end = start + timedelta(days=days - 1)
    window_end = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone())
    candidates = (meetings.exclude(status=MeetingStatus.CANCELLED).filter(starts_at__lt=window_end)
                  .filter(Q(recurrence="", starts_at__gte=window_end - timedelta(days=days))
                          | (~Q(recurrence="") & (Q(until__isnull=True) | Q(until__gte=start))))
                  .order_by("starts_at", "pk")[:MAX_UPCOMING_MEETINGS])
    rows = []
    for meeting in candidates:
        for when in occurrences(meeting, start=start, end=end, limit=days * 2):
            rows.append({"meeting": meeting, "starts_at": when, "ends_at": occurrence_end(when, meeting)})
    rows.sort(key=lambda row: (row["starts_at"], row["meeting"].pk))
    return rows[:limit]


# --- overdue ------------------------------------------------------------------------------------------

def overdue_actions(user, *, owner=None, day: date | None = None) -> QuerySet[MeetingAction]:
    rows = actions_for(user).filter(status__in=OPEN_ACTION_STATUSES, due__lt=day or today())
    return rows.filter(owner=owner) if owner is not None else rows


def overdue_communications(user, *, owner=None, day: date | None = None) -> QuerySet[Communication]:
    rows = communications_for(user).filter(next_due__lt=day or today())
    return rows.filter(owner=owner) if owner is not None else rows


def overdue_panel(user) -> dict | None:
    """The portfolio overview's panel: the user's own overdue communications and meeting actions
    (portfolio.OVERVIEW_PANELS)."""
    if not getattr(user, "is_authenticated", False):
        return None
    communications = list(overdue_communications(user, owner=user).order_by("next_due", "pk")[:20])
    actions = list(overdue_actions(user, owner=user).order_by("due", "pk")[:20])
    if not communications and not actions:
        return None
    return {"template": "communications/_overdue_panel.html", "communications": communications,
            "actions": actions, "today": today()}


# --- the communication log -----------------------------------------------------------------------------------

#: deliveries the page of one communication lists
MAX_LOG_ROWS = 200


def log_of(communication: Communication) -> dict:
    """The communication's sends (newest first) and their deliveries from the notifications app's communication
    log: e-mails to stakeholders (``source``) and users' notifications (their ``dedupe_key``); two queries."""
    from pmo.notifications.models import Delivery

    from .services import KIND_SCHEDULED

    sends = list(communication.sends.select_related("sent_by")[:50])
    deliveries = list(Delivery.objects.filter(
        Q(source=f"communication:{communication.pk}")
        | Q(notification__kind=KIND_SCHEDULED,
            notification__dedupe_key__startswith=f"communication:{communication.pk}:"))
        .order_by("-created_at", "-pk")[:MAX_LOG_ROWS])
    return {"sends": sends, "deliveries": deliveries}
