"""A notification to 5,000 recipients: ``pmo.notifications.services.notify`` (bulk) beside a naive per-row
baseline, on SQLite and PostgreSQL (target: queued in at most 2 s).

Run with ``.venv/bin/python -m benchmarks.bench_notifications [--recipients N] [--database sqlite|postgres]``.
5,000 users with a role over program P1 (half of them want e-mail, a tenth turned the kind off, the rest keep the
default in-app); ``notify`` is timed with a program scope and a dedupe key (so it checks scope, preferences and
earlier notifications, then writes the inbox rows, the in-app log rows and the queued e-mails). The baseline does
the same per recipient: read the preference, look for an earlier notification, insert its rows one by one, in
one transaction. Both must make the same rows. Throw-away SQLite file; PostgreSQL database
``pmo_notifications_bench`` on ``PMO_BENCH_POSTGRES`` (its host), each backend in its own process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSTGRES = os.environ.get("PMO_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/pmo_bench").rsplit("/", 1)[0] \
    + "/pmo_notifications_bench"


def _setup(path: Path, database: str) -> None:
    if database == "postgres":
        from benchmarks.bench_reschedule import _fresh_postgres

        _fresh_postgres(POSTGRES)
        os.environ["DATABASE_URL"] = POSTGRES
    else:
        os.environ["PMO_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _build(n: int):
    from pmo.accounts.models import Membership, Role, User
    from pmo.notifications.models import Channel, Preference
    from pmo.portfolio.models import Program

    program = Program.objects.create(code="P1", name="Program 1")
    users = User.objects.bulk_create([User(username=f"user{i:05d}", email=f"user{i:05d}@example.com")
                                      for i in range(n)])
    Membership.objects.bulk_create([Membership(user=u, role=Role.PROGRAM_MANAGER if i % 50 == 0 else
                                               Role.STEERING_COMMITTEE, program=program)
                                    for i, u in enumerate(users)])
    Preference.objects.bulk_create([Preference(user=u, kind="raid.escalation",
                                               channel=Channel.OFF if i % 10 == 0 else Channel.EMAIL)
                                    for i, u in enumerate(users) if i % 2 == 0])
    return program, [u.pk for u in users]


def naive_notify(*, kind, recipients, subject, body="", url="", dedupe_key="", program=None):
    """The same rows, one recipient at a time."""
    from django.db import transaction
    from django.utils import timezone

    from pmo.accounts.models import Membership, User
    from pmo.notifications import registry
    from pmo.notifications.models import Channel, Delivery, Notification, Preference

    made = 0
    with transaction.atomic():
        for pk in recipients:
            user = User.objects.get(pk=pk)
            if not Membership.objects.filter(user=user, program=program).exists():
                continue
            if Notification.objects.filter(recipient=user, kind=kind, dedupe_key=dedupe_key).exists():
                continue
            preference = Preference.objects.filter(user=user, kind=kind).first()
            channel = preference.channel if preference else registry.kind(kind).default
            if channel == Channel.OFF:
                continue
            now = timezone.now()
            n = Notification.objects.create(recipient=user, kind=kind, subject=subject, body=body, url=url,
                                            dedupe_key=dedupe_key, program=program, channel=channel, created_at=now)
            Delivery.objects.create(channel="in_app", kind=kind, recipient=user, to_address=user.username,
                                    subject=subject, url=url, program=program, notification=n, state="sent",
                                    attempts=1, created_at=now, sent_at=now, source="notification")
            if channel == Channel.EMAIL:
                Delivery.objects.create(channel="email", kind=kind, recipient=user, to_address=user.email,
                                        subject=subject, body=body, url=url, program=program, notification=n,
                                        created_at=now, source="notification")
            made += 1
    return made


def _vacuum() -> None:
    """What autovacuum does between two real notifications: without it each repeat pays for the last one's
    dead rows and index entries (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE notifications_notification")
            cursor.execute("VACUUM ANALYZE notifications_delivery")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="one backend (default: both, in turn)")
    args, _ = parser.parse_known_args()
    if args.database is None:
        for database in ("sqlite", "postgres"):
            print(f"--- {database}", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.bench_notifications", "--database", database,
                            f"--recipients={args.recipients}", f"--repeats={args.repeats}"], check=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3", args.database)
        from django.test.utils import override_settings

        from pmo.notifications.models import Delivery, Notification
        from pmo.notifications.services import notify

        program, recipients = _build(args.recipients)
        fast, slow, made = [], [], None
        dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with override_settings(TASKS=dummy):  # time the queueing, not a worker
            for run in range(args.repeats):
                common = {"kind": "raid.escalation", "recipients": recipients, "program": program,
                          "subject": "Escalated to the steering committee: R-12 Vendor insolvency",
                          "body": "Escalated by the Program Manager: score 20 ≥ 15", "url": "/raid/escalations/12/"}
                t0 = time.perf_counter()
                made = notify(**common, dedupe_key=f"bulk:{run}")
                fast.append(time.perf_counter() - t0)
                rows = Notification.objects.count(), Delivery.objects.count()
                Notification.objects.all().delete()
                Delivery.objects.all().delete()
                _vacuum()
                if run:
                    continue  # the baseline takes a minute: once is enough
                t0 = time.perf_counter()
                naive = naive_notify(**common, dedupe_key=f"naive:{run}")
                slow.append(time.perf_counter() - t0)
                assert naive == made and (Notification.objects.count(), Delivery.objects.count()) == rows, \
                    (naive, made, rows)
                Notification.objects.all().delete()
                Delivery.objects.all().delete()
                _vacuum()
        fast_ms, slow_ms = statistics.median(fast) * 1000, statistics.median(slow) * 1000
        print(f"{args.recipients:,} recipients -> {made:,} notifications, {rows[1]:,} log rows (in-app + e-mail)")
        print(f"{'notify ms':>10} {'per-row ms':>11} {'ratio':>6}")
        print(f"{fast_ms:>10.0f} {slow_ms:>11.0f} {slow_ms / fast_ms:>5.1f}x   (target: 2000 ms)", flush=True)
        assert fast_ms <= 2000, f"notify took {fast_ms:.0f} ms for {args.recipients} recipients"


if __name__ == "__main__":
    main()
