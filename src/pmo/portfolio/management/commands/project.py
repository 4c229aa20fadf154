"""``pmo project show|update CODE --as USER``: the same service as the pages and the API."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from pmo.accounts.models import User
from pmo.core.errors import StaleVersion
from pmo.portfolio import services
from pmo.portfolio.policies import project_policy

EDITABLE = ("name", "description", "status", "phase", "start", "finish")


class Command(BaseCommand):
    help = "Show or update a project as a given user (policies and audit apply as everywhere)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "update"])
        parser.add_argument("code")
        parser.add_argument("--as", dest="username", required=True, help="act as this user")
        parser.add_argument("--set", dest="changes", action="append", default=[], metavar="FIELD=VALUE",
                            help=f"field to change, one of {', '.join(EDITABLE)}")

    def handle(self, *args, action, code, username, changes, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user {username!r}")
        try:
            project = project_policy.get(user, code=code)
        except Http404 as exc:
            raise CommandError(f"no project {code!r} visible to {username}") from exc
        if action == "show":
            for field in ("code", "name", "program", "status", "phase", "start", "finish", "version"):
                self.stdout.write(f"{field}: {getattr(project, field)}")
            return
        fields = {}
        for item in changes:
            name, sep, value = item.partition("=")
            if not sep or name not in EDITABLE:
                raise CommandError(f"--set {item!r}: use FIELD=VALUE with FIELD in {', '.join(EDITABLE)}")
            fields[name] = value or None
        if not fields:
            raise CommandError("nothing to update: give at least one --set FIELD=VALUE")
        try:
            project = services.project_update(actor=user, project=project, expected_version=project.version,
                                              **fields)
        except (ValidationError, PermissionDenied, StaleVersion) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{project.code} updated (version {project.version})"))
