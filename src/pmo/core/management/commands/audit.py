from django.core.management.base import BaseCommand, CommandError

from pmo.core import audit


class Command(BaseCommand):
    help = "Audit trail tools. 'pmo audit verify' checks the SHA-256 hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        broken = audit.verify()
        if broken is not None:
            where = f"event #{broken.event_id}" if broken.event_id is not None else "the end of the trail"
            raise CommandError(f"audit trail broken at {where}: {broken.reason}")
        self.stdout.write(self.style.SUCCESS("audit trail intact"))
