"""``pmo import-mspdi FILE --project CODE [--replace] --as USER``."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from pmo.accounts.models import User
from pmo.planning.importer import mspdi_import
from pmo.portfolio.models import Project

MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Import an MS Project XML (MSPDI) file into a project's plan, as a user (atomic)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", required=True, help="project code, e.g. DX-IAM")
        parser.add_argument("--replace", action="store_true", help="delete the project's current tasks first")
        parser.add_argument("--as", dest="username", required=True, help="the user the import is recorded for")

    def handle(self, *args, file, project, replace, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: larger than 20 MB")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"--as: no active user {username!r}")
        target = Project.objects.filter(code=project).first()
        if target is None:
            raise CommandError(f"--project: no project with code {project!r}")
        try:
            count = mspdi_import(actor=actor, project=target, data=path.read_bytes(), replace=replace)
        except ValidationError as exc:
            raise CommandError(f"{file}: {' '.join(exc.messages)}") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{username} may not change the plan of {project}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"imported {count} tasks into {target.code}"))
