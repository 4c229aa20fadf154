from django.core.management.base import BaseCommand

from pmo.portfolio.demo import DEMO_PASSWORD, USERS, load_demo
from pmo.portfolio.models import Program


class Command(BaseCommand):
    help = "Load the demo portfolio (idempotent). Logins use the password 'pmo-demo'."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when programs already exist")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Program.objects.exists():
            self.stdout.write("Database already has programs; demo not loaded.")
            return
        created = load_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {created['programs']} programs, {created['projects']} projects, "
            f"{created['users']} users created."))
        logins = ", ".join(username for username, *_ in USERS[:6])
        self.stdout.write(f"Demo logins: {logins} (password '{DEMO_PASSWORD}')")
