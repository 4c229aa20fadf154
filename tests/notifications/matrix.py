"""Notification objects and request bodies for the role matrix in tests/test_permissions.py.

"own" and "other" mean: a notification of the requesting user / of someone else; a message of the communication
log about program A / program B; an active calendar key of the requesting user / a revoked one.
"""

from __future__ import annotations

from django.utils import timezone

from pmo.notifications.models import Delivery, DeliveryChannel, DeliveryState, Notification
from pmo.notifications.services import feed_token_create, feed_token_revoke

KEYS = ("notification", "delivery", "feed_key")
API_NAMES = {"list_notifications", "read_all_notifications", "get_notification", "read_notification",
             "list_notification_preferences", "set_notification_preferences", "list_deliveries", "get_delivery",
             "create_ical_feed", "revoke_ical_feed"}


def is_notifications(name: str) -> bool:
    return name.startswith("notifications:") or name.removeprefix("api:") in API_NAMES


def _user(world, role: str, scope: str):
    me = world.users["director" if role == "anonymous" else role]
    if scope == "own":
        return me
    return world.users["analyst" if me.username == "director" else "director"]


def ids(world, scope: str, url: str, role: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    now = timezone.now()
    found = {}
    if "{notification}" in url:
        found["notification"] = Notification.objects.create(
            recipient=_user(world, role, scope), kind="raid.action_overdue", subject="Risk action overdue",
            url="/", created_at=now).pk
    if "{delivery}" in url:
        program = world.own("program") if scope == "own" else world.other("program")
        found["delivery"] = Delivery.objects.create(
            channel=DeliveryChannel.EMAIL, kind="raid.action_overdue", recipient=world.users["steering"],
            to_address="steering@example.com", subject="Risk action overdue", program=program,
            state=DeliveryState.SENT, attempts=1, created_at=now, sent_at=now).pk
    if "{feed_key}" in url:
        user = world.users["director" if role == "anonymous" else role]
        _token, key = feed_token_create(actor=user)
        if scope == "other":
            feed_token_revoke(actor=user)
        found["feed_key"] = key
    return found


def request_data(world, name: str, scope: str):
    if name == "notifications:preferences":
        return {"kind-raid.action_overdue": "digest"}
    if name == "api:set_notification_preferences":
        return {"channels": {"raid.action_overdue": "digest"}}
    return None
