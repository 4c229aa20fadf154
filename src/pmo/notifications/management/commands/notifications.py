"""``pmo notifications start|tick|deliver|digest``: the notifications' periodic work by hand or from cron.

- ``start``: enqueue the periodic tick (it re-enqueues itself every PMO_NOTIFY_TICK_SECONDS; run it once after a
  deploy: a second chain exits at once). ``pmo serve`` does this by itself.
- ``tick``: run one tick now in this process (providers, digest if due, requeue abandoned e-mails).
- ``deliver``: send the queued e-mails now in this process.
- ``digest``: queue today's daily digests now (at most one per user and day).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from pmo.notifications import services, tasks
from pmo.notifications.digest import send_digests


class Command(BaseCommand):
    help = "Start the notifications tick, or run one tick, the e-mail delivery or the daily digest now."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "tick", "deliver", "digest"])

    def handle(self, *args, action: str, **options):
        if action == "start":
            tasks.start_ticking()
            self.stdout.write("tick enqueued: a worker (pmo db_worker) runs it")
        elif action == "tick":
            self.stdout.write(f"tick: {tasks.run_tick(force=True)}")
        elif action == "deliver":
            self.stdout.write(f"{services.deliver_due()} e-mails sent")
        else:
            self.stdout.write(f"{send_digests()} digests queued")
