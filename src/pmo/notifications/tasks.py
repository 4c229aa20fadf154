"""Background tasks of the notifications app (django-tasks on the database backend).

- ``deliver_queued``: claims queued e-mails and sends each once (services.claim / send_claimed); several
  workers may run it at the same time.
- ``tick``: the periodic tick. It runs the time-based event providers, queues the daily digest once a day,
  re-queues e-mails whose worker died, and re-enqueues itself ``PMO_NOTIFY_TICK_SECONDS`` later. The ``Tick`` row
  is its lease: a tick runs only when the row says one is due, so however many chains were started (``pmo serve``
  and ``pmo notifications start`` start one each), one survives.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import registry, services
from .digest import send_digests
from .models import Tick

logger = logging.getLogger(__name__)


@task()
def deliver_queued() -> int:
    return services.deliver_due()


def run_providers(now: datetime | None = None) -> int:
    """Ask every registered provider for its events and notify each (once per dedupe key); returns how many
    notifications were made. A failing provider is logged and skipped: the others still run."""
    now = now or timezone.now()
    made = 0
    for key, provider in list(registry.PROVIDERS.items()):
        try:
            for event in provider(now):
                made += services.notify(**asdict(event))
        except Exception:  # noqa: BLE001 - one app's bug must not stop every other app's notifications
            logger.exception("notification provider %s failed", key)
    return made


def digest_due(now: datetime, last_digest_on) -> bool:
    local = timezone.localtime(now)
    return local.hour >= settings.PMO_DIGEST_HOUR and last_digest_on != local.date()


def run_tick(now: datetime | None = None, *, force: bool = False) -> dict | None:
    """One tick, if it is due (or ``force``); returns what it did, or None when another chain holds the lease."""
    now = now or timezone.now()
    interval = timedelta(seconds=settings.PMO_NOTIFY_TICK_SECONDS)
    Tick.objects.get_or_create(name="tick")
    due = Q(next_at__isnull=True) | Q(next_at__lte=now + timedelta(seconds=1))
    claimed = Tick.objects.filter(Q(name="tick") & (Q() if force else due)).update(next_at=now + interval,
                                                                                    last_at=now)
    if not claimed:
        return None
    done = {"notifications": run_providers(now), "reaped": services.reap_claims(now), "digests": 0}
    state = Tick.objects.get(name="tick")
    if digest_due(now, state.last_digest_on):
        done["digests"] = send_digests(now)
        Tick.objects.filter(pk=state.pk).update(last_digest_on=timezone.localdate(now))
    if services._due().exists():
        services.enqueue_delivery()
    return done


@task()
def tick() -> str:
    done = run_tick()
    if done is None:
        return "skipped: another tick chain holds the lease"
    schedule_next()
    return str(done)


def schedule_next(now: datetime | None = None) -> None:
    """Enqueue the next tick ``PMO_NOTIFY_TICK_SECONDS`` from now (backends that cannot defer get none)."""
    backend = tick.get_backend()
    if not backend.supports_defer:
        return
    now = now or timezone.now()
    tick.using(run_after=now + timedelta(seconds=settings.PMO_NOTIFY_TICK_SECONDS)).enqueue()


def start_ticking() -> None:
    """Start a tick chain (``pmo serve`` and ``pmo notifications start`` call this): enqueue a tick now; if a
    chain is alive, the lease makes this one exit at once."""
    Tick.objects.get_or_create(name="tick")
    if tick.get_backend().supports_defer:
        tick.enqueue()
