"""Demo notifications: the tick runs once over the demo portfolio (overdue risk and engagement actions, open
escalations, invoices above their PO line, budget changes waiting for the Steering Committee, document reviews),
so every demo user finds real notifications; a few choices and outcomes make the communication log tell a story.

The Steering Committee member takes document reviews and engagement actions as a daily digest; the e-mails the
tick queued are recorded sent (the demo sends nothing), except one that a mail server refused (failed after three
attempts) and one that went through on its second attempt. The director has read her older notifications.
Loading twice changes nothing (dedupe keys; only rows still queued are touched).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pmo.accounts.models import User

from . import services
from .digest import send_digests
from .models import Channel, Delivery, DeliveryChannel, DeliveryState, Notification, Preference
from .tasks import run_providers

REFUSED = "SMTPRecipientsRefused: {'lhughes@example.com': (550, b'5.1.1 mailbox unavailable')}"


def load_notifications_demo(director) -> None:
    steering = User.objects.filter(username="steering").first()
    if steering is not None and not Preference.objects.filter(user=steering).exists():
        for kind in ("documents.review_due", "stakeholders.action_overdue"):
            services.preference_set(actor=steering, kind=kind, channel=Channel.DIGEST)
    run_providers()
    now = timezone.now()
    with transaction.atomic():
        queued = list(Delivery.objects.filter(state=DeliveryState.QUEUED, channel=DeliveryChannel.EMAIL)
                      .order_by("id"))
        for index, delivery in enumerate(queued):
            at = now - timedelta(minutes=5 * (len(queued) - index))
            if delivery.to_address == "lhughes@example.com" and not Delivery.objects.filter(
                    state=DeliveryState.FAILED).exists():
                history = [{"at": (at + timedelta(minutes=m)).isoformat(), "outcome": "error", "error": REFUSED}
                           for m in (0, 1, 11)]
                Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, attempts=3,
                                                               history=history, last_error=REFUSED)
                continue
            history = [{"at": at.isoformat(), "outcome": "sent"}]
            if index == 1:
                error = "SMTPServerDisconnected: Connection unexpectedly closed"
                history = [{"at": at.isoformat(), "outcome": "error", "error": error},
                           {"at": (at + timedelta(minutes=1)).isoformat(), "outcome": "sent"}]
            Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENT, attempts=len(history),
                                                           history=history, sent_at=at)
        Notification.objects.filter(recipient=director, read_at__isnull=True,
                                    kind__in=("documents.review_due", "finance.budget_change_steering")).update(
            read_at=now)
    if send_digests(now):
        Delivery.objects.filter(channel=DeliveryChannel.DIGEST, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENT, attempts=1, sent_at=now, history=[{"at": now.isoformat(), "outcome": "sent"}])
