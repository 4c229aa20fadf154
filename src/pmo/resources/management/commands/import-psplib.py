"""``pmo import-psplib FILE --project CODE --as USER``: a PSPLIB single-mode ``.sm`` file into an empty project."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from pmo.accounts.models import User
from pmo.engine.psplib import PsplibError, read_sm
from pmo.portfolio.models import Project
from pmo.resources.psplib_import import psplib_import, steps

MAX_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = ("Import a PSPLIB single-mode .sm file into an empty project (jobs, links, resources, requests on a "
            "seven-day calendar), as a user (atomic).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", required=True, help="code of an existing project without tasks")
        parser.add_argument("--as", dest="username", required=True, help="the user the import is recorded for")

    def handle(self, *args, file, project, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: larger than 5 MB")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"--as: no active user {username!r}")
        target = Project.objects.filter(code=project).first()
        if target is None:
            raise CommandError(f"--project: no project with code {project!r}")
        try:
            problem = read_sm(path)
        except PsplibError as exc:
            raise CommandError(f"{file}: line {exc.line}: {exc.reason}") from exc
        # the raw stream: OutputWrapper.write would end every tqdm refresh with a newline
        bar = tqdm(total=steps(problem), unit="write", desc=f"importing {path.name}", file=self.stderr._out)
        try:
            counts = psplib_import(actor=actor, project=target, problem=problem, advance=bar.update)
        except ValidationError as exc:
            raise CommandError(f"{file}: {' '.join(exc.messages)}") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{username} may not import into {project}: {exc}") from exc
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(
            f"imported {path.name} into {target.code}: {counts['tasks']} tasks, {counts['links']} links, "
            f"{counts['resources']} resources, {counts['assignments']} assignments"))
