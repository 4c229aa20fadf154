"""Sending the communication plan end to end: a scheduled communication goes through a real local SMTP server
(aiosmtpd) to the right recipients only (scope and preferences), exactly once even with two workers running the
periodic task and two delivering, and it is logged; then its next due date moves on. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from pmo.accounts.models import Membership, Role, User
from pmo.communications import notify, services
from pmo.communications.models import Audience, Communication, CommunicationSend
from pmo.communications.services import next_due_after
from pmo.core.models import AuditEvent
from pmo.notifications import services as notifications
from pmo.notifications.models import Delivery, DeliveryChannel, DeliveryState, Notification
from pmo.stakeholders.models import Stakeholder, StakeholderGroup

from ..notifications.conftest import smtp  # noqa: F401 - the real SMTP server fixture


def _in_parallel(fn) -> list:
    """Run ``fn`` in two threads (two workers, each with its own database connection) released together."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def work(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_scheduled_communication_sent_once_to_the_right_recipients(smtp):  # noqa: F811
    from ..conftest import make_world

    world = make_world()
    program_a, program_b = world.program_a, world.program_b
    today = timezone.localdate()
    # users: the steering committee of A gets it; one member opted out of e-mail, one chose the inbox only; the
    # steering committee of B (another scope) and an A Program Manager (another role) do not get it
    opted_out = User.objects.create_user("optout", "optout@example.com", "x")
    inbox_only = User.objects.create_user("inbox", "inbox@example.com", "x")
    outsider = User.objects.create_user("outsider", "outsider@example.com", "x")
    for user, program in ((opted_out, program_a), (inbox_only, program_a), (outsider, program_b)):
        Membership.objects.create(user=user, role=Role.STEERING_COMMITTEE, program=program)
    notifications.preference_set(actor=opted_out, kind=services.KIND_SCHEDULED, channel="off")
    notifications.preference_set(actor=inbox_only, kind=services.KIND_SCHEDULED, channel="in_app")
    # stakeholders: the works council group (one member without an address), a named sponsor; B's are not asked
    council = StakeholderGroup.objects.create(program=program_a, name="Works council")
    Stakeholder.objects.create(program=program_a, name="Chair", email="chair@council.example", group=council)
    Stakeholder.objects.create(program=program_a, name="Secretary", email="", group=council)
    sponsor = Stakeholder.objects.create(program=program_a, name="Sponsor", email="sponsor@example.org")
    Stakeholder.objects.create(program=program_b, name="Other", email="other@example.org")
    Stakeholder.objects.create(program=program_a, name="Not in the audience", email="nobody@example.org")
    item = Communication.objects.create(program=program_a, title="Weekly status", channel="email",
                                        frequency="weekly", next_due=today, subject="Program A: weekly status",
                                        body="Milestones on track.", owner=world.users["coordinator"])
    for audience in ({"role": Role.STEERING_COMMITTEE}, {"group": council}, {"stakeholder": sponsor}):
        Audience.objects.create(communication=item, **audience)
    not_due = Communication.objects.create(program=program_a, title="Next week", channel="email",
                                           frequency="weekly", next_due=today + timedelta(days=1))
    Audience.objects.create(communication=not_due, stakeholder=sponsor)
    events = AuditEvent.objects.count()

    # two workers run the periodic task at the same moment: one sends, the other finds it sent
    now = timezone.now()
    _in_parallel(lambda: notify.provider(now))
    assert CommunicationSend.objects.filter(communication=item).count() == 1
    assert not CommunicationSend.objects.filter(communication=not_due).exists()
    # two workers deliver the queued e-mails at the same moment
    sent = _in_parallel(lambda: notifications.deliver_due(batch=2))
    expected = {"steering@example.com", "chair@council.example", "sponsor@example.org"}
    received = [address for rcpts, _ in smtp.messages for address in rcpts]
    assert sorted(received) == sorted(expected), f"{received} on {connection.vendor}"
    assert sum(sent) == 3
    message = smtp.to("sponsor@example.org")[0]
    assert message["Subject"] == "Program A: weekly status" and "Milestones on track." in message.get_payload()
    # the inbox-only member has the notification, not an e-mail; the opted-out member nothing
    assert Notification.objects.filter(recipient=inbox_only, kind=services.KIND_SCHEDULED).count() == 1
    assert not Notification.objects.filter(recipient__in=[opted_out, outsider]).exists()
    # logged: one send (3 e-mails + 1 inbox notification, 2 not sent: opted out, no address), the deliveries
    send = CommunicationSend.objects.get(communication=item)
    assert (send.due, send.sent_by, send.recipient_count, send.skipped_count) == (today, None, 4, 2)
    mails = Delivery.objects.filter(channel=DeliveryChannel.EMAIL)
    assert sorted(mails.values_list("to_address", flat=True)) == sorted(expected)
    assert set(mails.values_list("state", flat=True)) == {DeliveryState.SENT}
    item.refresh_from_db()
    assert item.next_due == today + timedelta(days=7) and item.last_sent_at is not None
    assert AuditEvent.objects.filter(object_type="communications.communication", action="send").count() == 1
    assert AuditEvent.objects.count() == events + 1  # one event: the send (next due, last sent)
    # ticking again sends nothing more
    notify.provider(timezone.now())
    notifications.deliver_due()
    assert len(smtp.messages) == 3 and CommunicationSend.objects.count() == 1


@pytest.mark.parametrize(("day", "frequency", "today", "expected"), [
    (date(2026, 3, 2), "weekly", date(2026, 3, 2), date(2026, 3, 9)),
    (date(2026, 3, 2), "weekly", date(2026, 3, 20), date(2026, 3, 23)),  # missed ones are skipped, not sent
    (date(2026, 1, 31), "monthly", date(2026, 1, 31), date(2026, 2, 28)),
    (date(2026, 1, 31), "monthly", date(2026, 3, 1), date(2026, 3, 31)),  # month ends stay month ends
    (date(2026, 3, 2), "biweekly", date(2026, 3, 2), date(2026, 3, 16)),
    (date(2026, 11, 30), "quarterly", date(2026, 11, 30), date(2027, 2, 28)),
    (date(2026, 3, 2), "daily", date(2026, 3, 2), date(2026, 3, 3)),
    (date(2026, 3, 2), "once", date(2026, 3, 2), None),
])
def test_next_due_by_hand(day, frequency, today, expected):
    assert next_due_after(day, frequency, today) == expected
