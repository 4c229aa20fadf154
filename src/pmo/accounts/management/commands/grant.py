"""``pmo grant USER ROLE [--program CODE | --project CODE] --as DIRECTOR``: give a user a role over a scope."""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from pmo.accounts.models import Role, User
from pmo.accounts.services import membership_grant


class Command(BaseCommand):
    help = "Grant a role over the portfolio, a program or a project (only a PMO Director may)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[r.value for r in Role])
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--program", metavar="CODE")
        scope.add_argument("--project", metavar="CODE")
        parser.add_argument("--as", dest="actor", required=True, help="the PMO Director granting the role")

    def handle(self, *args, username, role, program, project, actor, **options):
        director = User.objects.filter(username=actor, is_active=True).first()
        user = User.objects.filter(username=username, is_active=True).first()
        if director is None or user is None:
            raise CommandError(f"no active user {actor if director is None else username!r}")
        scope = {}
        for name, code in (("program", program), ("project", project)):
            if code:
                obj = apps.get_model("portfolio", name).objects.filter(code=code).first()
                if obj is None:
                    raise CommandError(f"--{name}: no {name} {code!r}")
                scope[name] = obj
        try:
            membership = membership_grant(actor=director, user=user, role=role, **scope)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"granted: {membership}"))
