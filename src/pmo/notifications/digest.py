"""The daily digest: one e-mail per user gathering the notifications whose kind they chose to receive that way."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from pmo.accounts.models import User

from . import registry
from .models import Channel, Delivery, DeliveryChannel, Notification
from .services import _email_body, absolute_url, enqueue_delivery

#: notifications listed in one digest; the rest are counted
DIGEST_ITEMS = 100


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest for every user with pending digest notifications; at most one per user and day
    (the ``delivery_once`` constraint on recipient + ``digest:<day>``). Returns how many digests were queued."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    pending = (Notification.objects.filter(channel=Channel.DIGEST, digest__isnull=True, created_at__lte=now)
               .order_by("recipient_id", "-created_at", "-id"))
    queued = 0
    for user in User.objects.filter(pk__in=pending.values("recipient_id"), is_active=True).exclude(email=""):
        items = list(pending.filter(recipient=user).values_list("pk", "kind", "subject", "url")[:DIGEST_ITEMS + 1])
        if not items:
            continue
        total = pending.filter(recipient=user).count()
        lines = [f"- {subject} ({registry.KINDS[kind].label if kind in registry.KINDS else kind})"
                 + (f"\n  {absolute_url(url)}" if url else "") for _, kind, subject, url in items[:DIGEST_ITEMS]]
        if total > DIGEST_ITEMS:
            lines.append(f"... and {total - DIGEST_ITEMS} more in your inbox.")
        subject = f"pmo daily digest: {total} notification{'s' if total != 1 else ''} ({day:%d %b %Y})"
        body = f"Hello {user.display_name},\n\nWhat happened since your last digest:\n\n" + "\n".join(lines)
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    channel=DeliveryChannel.DIGEST, kind="digest", recipient=user, to_address=user.email,
                    subject=subject, body=_email_body(body, "/notifications/"), url="/notifications/",
                    source="digest", dedupe_key=f"digest:{day.isoformat()}", created_at=now)
                Notification.objects.filter(pk__in=pending.filter(recipient=user).values("pk")).update(digest=delivery)
        except IntegrityError:
            continue  # today's digest of this user is already queued
        queued += 1
    if queued:
        transaction.on_commit(enqueue_delivery)
    return queued
