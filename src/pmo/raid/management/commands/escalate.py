"""``pmo escalate [--program CODE]``: apply the escalation rule to every active risk and open issue.

Items become overdue as days pass; run this daily (cron, systemd timer). Escalations it makes are
recorded as escalated by the rule (no user), with the reason.
"""

from django.core.management.base import BaseCommand, CommandError

from pmo.portfolio.models import Program
from pmo.raid.services import escalation_sweep


class Command(BaseCommand):
    help = "Escalate risks and issues that are above their program's threshold or overdue (one level per rule)."

    def add_arguments(self, parser):
        parser.add_argument("--program", help="only this program (code)")

    def handle(self, *args, program=None, **options):
        programs = None
        if program:
            programs = Program.objects.filter(code=program)
            if not programs.exists():
                raise CommandError(f"--program: no program {program!r}")
        made = escalation_sweep(actor=None, programs=programs)
        self.stdout.write(self.style.SUCCESS(f"{made} item{'s' if made != 1 else ''} escalated."))
