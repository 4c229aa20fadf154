"""notify() and send_email() end to end through a real SMTP server: the right recipients (scope, preferences),
exactly once even with two workers (SQLite and PostgreSQL), retries recorded, the daily digest."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from pmo.accounts.models import User
from pmo.core.models import AuditEvent
from pmo.notifications import services
from pmo.notifications.digest import send_digests
from pmo.notifications.models import Channel, Delivery, DeliveryChannel, DeliveryState, Notification, Preference

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _notify(world, kind, recipients, **extra):
    return services.notify(kind=kind, recipients=recipients, subject="Action 12 is overdue",
                           body="Please update it.", url="/raid/actions/12/", **extra)


@override_settings(TASKS=IMMEDIATE)
def test_notify_sends_to_the_recipients_in_scope_by_their_preferences(world, smtp, kind,
                                                                     django_capture_on_commit_callbacks):
    users = world.users
    services.preference_set(actor=users["steering"], kind=kind, channel=Channel.IN_APP)
    services.preference_set(actor=users["program_manager"], kind=kind, channel=Channel.OFF)
    outsider = User.objects.create_user("outsider", "outsider@example.com", "x")  # no role at all
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify(world, kind, [*users.values(), outsider], program=world.program_b)
    # program B: only the portfolio-wide readers see it
    assert made == 2
    assert sorted(n.recipient.username for n in Notification.objects.all()) == ["analyst", "director"]
    assert sorted(a for rcpts, _ in smtp.messages for a in rcpts) == ["analyst@example.com", "director@example.com"]
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify(world, kind, [*users.values(), outsider], program=world.program_a)
    # program A: everyone with a role in it; the Program Manager turned it off, the Steering member wants in-app
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "analyst", "coordinator", "director", "project_manager", "steering"]
    assert sorted(a for rcpts, _ in smtp.messages for a in rcpts) == [
        "analyst@example.com", "coordinator@example.com", "director@example.com", "project_manager@example.com"]
    message = smtp.to("director@example.com")[0]
    assert message["Subject"] == "Action 12 is overdue"
    assert "http://127.0.0.1:8000/raid/actions/12/" in message.get_payload()
    log = Delivery.objects.filter(channel=DeliveryChannel.EMAIL)
    assert log.count() == 4 and set(log.values_list("state", flat=True)) == {DeliveryState.SENT}
    assert Delivery.objects.filter(channel=DeliveryChannel.IN_APP).count() == 5


@override_settings(TASKS=IMMEDIATE)
def test_a_project_notification_skips_other_projects_people(world, smtp, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, kind, world.users.values(), project=world.project_a2)
    assert "project_manager" not in set(Notification.objects.values_list("recipient__username", flat=True))
    assert Notification.objects.filter(program=world.program_a, project=world.project_a2).count() == 5


def test_dedupe_key_notifies_once(world, kind):
    for _ in range(3):
        _notify(world, kind, [world.users["director"]], dedupe_key="raid.action:12:overdue")
    assert Notification.objects.count() == 1
    assert Delivery.objects.filter(channel=DeliveryChannel.EMAIL).count() == 1


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify(kind="nope", recipients=[world.users["director"]], subject="x")
    assert Notification.objects.count() == 0


def test_preferences_are_audited_and_bounded(world, kind):
    director = world.users["director"]
    before = AuditEvent.objects.count()
    services.preference_set(actor=director, kind=kind, channel=Channel.DIGEST)
    services.preference_set(actor=director, kind=kind, channel=Channel.OFF)
    assert Preference.objects.get(user=director, kind=kind).channel == Channel.OFF
    assert AuditEvent.objects.count() == before + 2
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        services.preference_set(actor=director, kind=kind, channel="pigeon")
    assert services.effective_preferences(director)[kind] == Channel.OFF


def test_retries_are_recorded_then_sent(world, smtp, kind):
    _notify(world, kind, [world.users["director"]])
    smtp.fail_next = 1
    assert services.deliver_due() == 0
    row = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert row.state == DeliveryState.QUEUED and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert services.deliver_due() == 0  # not due yet
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.deliver_due() == 1
    row.refresh_from_db()
    assert row.state == DeliveryState.SENT and row.attempts == 2 and row.retried
    assert [h["outcome"] for h in row.history] == ["error", "sent"]
    assert len(smtp.messages) == 1


def test_a_server_that_keeps_refusing_fails_the_message_with_the_error(world, smtp, kind):
    _notify(world, kind, [world.users["director"]])
    smtp.fail_next = 99
    for _ in range(services.MAX_ATTEMPTS):
        Delivery.objects.update(next_attempt_at=None)
        services.deliver_due()
    row = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert row.state == DeliveryState.FAILED and row.attempts == services.MAX_ATTEMPTS
    assert "451" in row.last_error and smtp.messages == []


def test_send_email_to_addresses_is_logged(world, smtp, kind):
    rows = services.send_email(kind=kind, to=["ext@example.org", world.users["steering"], "EXT@example.org"],
                               subject="Monthly newsletter", body="Hello", source="communications:1",
                               program=world.program_a, dedupe_key="plan:1:2026-11")
    assert len(rows) == 2
    assert services.deliver_due() == 2
    assert sorted(a for rcpts, _ in smtp.messages for a in rcpts) == ["ext@example.org", "steering@example.com"]
    again = services.send_email(kind=kind, to=["ext@example.org"], subject="Monthly newsletter", body="Hello",
                                source="communications:1", dedupe_key="plan:1:2026-11")
    assert again == []


def test_daily_digest_gathers_pending_notifications_once_a_day(world, smtp, kind):
    director = world.users["director"]
    services.preference_set(actor=director, kind=kind, channel=Channel.DIGEST)
    for i in range(3):
        services.notify(kind=kind, recipients=[director], subject=f"Event {i}", url=f"/x/{i}/")
    assert not Delivery.objects.filter(channel=DeliveryChannel.EMAIL).exists()
    assert send_digests() == 1
    assert send_digests() == 0
    services.deliver_due()
    (message,) = smtp.to("director@example.com")
    assert "3 notifications" in message["Subject"]
    assert all(f"Event {i}" in message.get_payload() for i in range(3))
    assert Notification.objects.filter(digest__isnull=True).count() == 0


def _two_workers(count: int, smtp) -> list[int]:
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait(timeout=30)
            return services.deliver_due(batch=7)
        finally:
            connection.close()

    results = [None, None]
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, work())) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_message_exactly_once(smtp, kind):
    from ..conftest import make_world

    world = make_world()
    extra = [User.objects.create_user(f"user{i}", f"user{i}@example.com", "x") for i in range(60)]
    from pmo.accounts.models import Membership, Role
    Membership.objects.bulk_create([Membership(user=u, role=Role.PMO_ANALYST) for u in extra])
    made = services.notify(kind=kind, recipients=[*extra, *world.users.values()], subject="Gate review in 7 days")
    assert made == 66
    sent = _two_workers(made, smtp)
    assert sum(sent) == 66, sent
    ids = smtp.delivery_ids()
    assert len(ids) == 66 and len(set(ids)) == 66, f"duplicates on {connection.vendor}"
    assert Delivery.objects.filter(channel=DeliveryChannel.EMAIL, state=DeliveryState.SENT).count() == 66
    assert all(d.attempts == 1 for d in Delivery.objects.filter(channel=DeliveryChannel.EMAIL))
