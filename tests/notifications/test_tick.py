"""The periodic tick: providers notify once per dedupe key, the lease lets one chain run, the digest once a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pmo.notifications import registry, tasks
from pmo.notifications.models import Notification, Tick


@pytest.fixture
def provider(world, kind):
    calls = []

    def overdue(now):
        calls.append(now)
        yield registry.Event(kind=kind, recipients=[world.users["director"], world.users["steering"]],
                             subject="Action 7 is overdue", url="/raid/actions/7/", dedupe_key="overdue:7",
                             program=world.program_a)

    registry.register_provider("test.overdue", overdue)
    yield calls
    registry.PROVIDERS.pop("test.overdue", None)


def test_tick_notifies_once_per_dedupe_key_and_holds_a_lease(world, provider, settings):
    settings.PMO_DIGEST_HOUR = 23
    now = timezone.now().replace(hour=10)
    done = tasks.run_tick(now)
    assert done["notifications"] == 2
    assert tasks.run_tick(now + timedelta(seconds=5)) is None  # the next tick is not due: another chain's turn
    assert len(provider) == 1
    later = now + timedelta(seconds=settings.PMO_NOTIFY_TICK_SECONDS)
    assert tasks.run_tick(later)["notifications"] == 0  # same dedupe key: nobody is notified twice
    assert Notification.objects.count() == 2
    assert Tick.objects.get().next_at == later + timedelta(seconds=settings.PMO_NOTIFY_TICK_SECONDS)


def test_a_failing_provider_does_not_stop_the_others(world, provider):
    def broken(now):
        raise RuntimeError("boom")

    registry.register_provider("test.broken", broken)
    try:
        assert tasks.run_providers() == 2
    finally:
        registry.PROVIDERS.pop("test.broken", None)


def test_digest_is_due_once_a_day_after_the_hour(settings):
    settings.PMO_DIGEST_HOUR = 7
    morning = timezone.now().replace(hour=6)
    assert not tasks.digest_due(morning, None)
    assert tasks.digest_due(morning.replace(hour=8), None)
    assert not tasks.digest_due(morning.replace(hour=8), timezone.localdate(morning))
