"""``/api/v1/notifications`` (your inbox), ``/notification-preferences``, ``/communication-log`` (PMO Director and
PMO Coordinator, in scope) and ``/me/ical-feed`` (your personal calendar URL) — conventions in pmo.core.api.

A notification is its recipient's only: anyone else's is a 404. Preferences take a map of event kind -> channel
(``in_app``, ``email``, ``digest``, ``off``); an unknown kind or channel is a 422 naming it, and nothing is written.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pmo.core.api import Id, Input, Pagination

from . import selectors, services
from .models import Channel, DeliveryChannel, DeliveryState
from .policies import delivery_policy, notification_policy, require_log_reader

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    program: int | None = Field(None, alias="program_id")
    project: int | None = Field(None, alias="project_id")
    channel: Channel
    created_at: datetime
    read_at: datetime | None


class NotificationFilter(Schema):
    unread: bool | None = Field(None, description="only unread (true) or only read (false)")
    kind: str | None = Field(None, max_length=64)


class ReadAllOut(Schema):
    marked: int


class KindPreferenceOut(Schema):
    kind: str
    label: str
    description: str
    default: Channel
    channel: Channel


class PreferencesPatch(Input):
    channels: dict[str, Literal["in_app", "email", "digest", "off"]] = Field(
        ..., max_length=200, description="event kind -> in_app, email, digest or off")


class DeliveryOut(Schema):
    id: int
    channel: DeliveryChannel
    kind: str
    recipient: int | None = Field(None, alias="recipient_id")
    to_address: str
    subject: str
    program: int | None = Field(None, alias="program_id")
    project: int | None = Field(None, alias="project_id")
    source: str
    state: DeliveryState
    attempts: int
    last_error: str
    history: list[dict]
    created_at: datetime
    sent_at: datetime | None


class DeliveryFilter(Schema):
    state: DeliveryState | None = None
    channel: DeliveryChannel | None = None
    program: Id | None = None
    recipient: Id | None = None
    q: str | None = Field(None, max_length=200, description="search in subject, address, kind and source")


class FeedOut(Schema):
    url: str = Field(..., description="your personal iCal URL: shown once; creating another revokes this one")


class FeedRevokedOut(Schema):
    revoked: int


# --- the inbox -------------------------------------------------------------------------------------------

@router.get("/notifications", response=list[NotificationOut])
@paginate(Pagination)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilter]):
    """Your notifications, newest first."""
    rows = selectors.inbox_for(request.user)
    if filters.unread is not None:
        rows = rows.filter(read_at__isnull=filters.unread)
    return rows.filter(kind=filters.kind) if filters.kind else rows


@router.post("/notifications/read-all", response=ReadAllOut)
def read_all_notifications(request: HttpRequest):
    """Mark all your notifications read."""
    return {"marked": services.notifications_read_all(actor=request.user)}


@router.get("/notifications/{notification_id}", response=NotificationOut)
def get_notification(request: HttpRequest, notification_id: Id):
    return notification_policy.get(request.user, pk=notification_id)


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: Id):
    notification = notification_policy.get(request.user, pk=notification_id)
    return services.notification_read(actor=request.user, notification=notification)


# --- preferences ------------------------------------------------------------------------------------------

@router.get("/notification-preferences", response=list[KindPreferenceOut])
def list_notification_preferences(request: HttpRequest):
    """Every event kind with your channel for it (your choice, or the kind's default)."""
    return selectors.kinds_for(request.user)


@router.patch("/notification-preferences", response=list[KindPreferenceOut])
def set_notification_preferences(request: HttpRequest, payload: PreferencesPatch):
    """Choose the channel of some event kinds; the others keep theirs."""
    services.preferences_set(actor=request.user, choices=payload.channels)
    return selectors.kinds_for(request.user)


# --- the communication log ------------------------------------------------------------------------------

@router.get("/communication-log", response=list[DeliveryOut])
@paginate(Pagination)
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilter]):
    """Every message sent (in-app, e-mail, digest) in your scope, newest first (PMO Director, PMO Coordinator)."""
    require_log_reader(request.user)
    rows = selectors.search_log(selectors.log_for(request.user), filters.q)
    for name in ("state", "channel"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    for name in ("program", "recipient"):
        if getattr(filters, name):
            rows = rows.filter(**{f"{name}_id": getattr(filters, name)})
    return rows.order_by("-created_at", "-id")


@router.get("/communication-log/{delivery_id}", response=DeliveryOut)
def get_delivery(request: HttpRequest, delivery_id: Id):
    require_log_reader(request.user)
    return delivery_policy.get(request.user, pk=delivery_id)


# --- the personal iCal feed -------------------------------------------------------------------------------

@router.post("/me/ical-feed", response={201: FeedOut})
def create_ical_feed(request: HttpRequest):
    """A new secret URL of your personal calendar (revoking the previous one). Keep it private."""
    from django.urls import reverse

    _token, key = services.feed_token_create(actor=request.user)
    return Status(201, {"url": services.absolute_url(reverse("notifications:ical", args=[key]))})


@router.delete("/me/ical-feed", response=FeedRevokedOut)
def revoke_ical_feed(request: HttpRequest):
    """Revoke your personal calendar URL: it answers 404 from now on."""
    return {"revoked": services.feed_token_revoke(actor=request.user)}
