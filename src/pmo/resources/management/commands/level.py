"""``pmo level --project CODE [--mode heuristic|exact] [--time-limit S] [--workers N] [--apply] --as USER``.

Levels the project as the proposal page does (a recorded run, policies and audit apply), with a progress bar,
and prints as its last line ``makespan M lower-bound L gap G% time T s`` (M and L in working days of the
project calendar). ``--apply`` accepts the proposal into the plan.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from pmo.accounts.models import User
from pmo.core.errors import StaleVersion
from pmo.portfolio.models import Project
from pmo.resources import services, tasks
from pmo.resources.models import LevelingMode, RunStatus

MAX_WORKERS = 64


class Command(BaseCommand):
    help = "Level a project's resources (heuristic or exact) and print the makespan, lower bound and gap."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project code, e.g. DX-IAM")
        parser.add_argument("--mode", choices=LevelingMode.values, default=LevelingMode.HEURISTIC)
        parser.add_argument("--time-limit", dest="time_limit", type=int, default=10, help="seconds, 1 to 600")
        parser.add_argument("--workers", type=int, default=2, help=f"CP-SAT threads, 1 to {MAX_WORKERS}")
        parser.add_argument("--apply", action="store_true", help="accept the proposal into the plan")
        parser.add_argument("--as", dest="username", required=True, help="the user the run is recorded for")

    def handle(self, *args, project, mode, time_limit, workers, apply, username, **options):
        if not 1 <= workers <= MAX_WORKERS:
            raise CommandError(f"--workers: must be from 1 to {MAX_WORKERS}")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"--as: no active user {username!r}")
        target = Project.objects.filter(code=project).first()
        if target is None:
            raise CommandError(f"--project: no project with code {project!r}")
        bar = tqdm(total=100, unit="%", desc=f"leveling {target.code} ({mode})", file=self.stderr._out)

        def advance(fraction, message=""):
            bar.update(min(int(100 * fraction), 100) - bar.n)

        try:
            run = services.leveling_start(actor=actor, project=target, mode=mode, time_limit=time_limit,
                                          enqueue=False)
            tasks.execute(run.pk, on_progress=advance, workers=workers)
            run.refresh_from_db()
            if run.status != RunStatus.DONE:
                raise CommandError(f"leveling #{run.pk} failed: {run.reason}")
            bar.update(100 - bar.n)
        except ValidationError as exc:
            raise CommandError(_named(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{username} may not level {target.code}: {exc}") from exc
        finally:
            bar.close()
        r = run.results
        out = self.stdout.write
        out(f"leveling #{run.pk} of {target.code}: {r['status']}, {r['schedules']:,} schedules, finish "
            f"{r['finish_before']} -> {r['finish_after']}")
        if apply:
            try:
                services.leveling_accept(actor=actor, run=run, expected_version=run.version)
            except (ValidationError, PermissionDenied, StaleVersion) as exc:
                reason = _named(exc) if isinstance(exc, ValidationError) else str(exc) or type(exc).__name__
                raise CommandError(f"--apply: {reason}") from exc
            out(self.style.SUCCESS(f"accepted into the plan of {target.code}"))
        out(f"makespan {r['makespan']} lower-bound {r['lower_bound']} gap {100 * r['gap']:.1f}% "
            f"time {r['elapsed']:.2f} s")


def _named(exc: ValidationError) -> str:
    """The errors with the option (or field) they are about: ``--time-limit: must be ...``."""
    if not hasattr(exc, "error_dict"):
        return "; ".join(exc.messages)
    return "; ".join(f"--{field.replace('_', '-')}: {message}" if field != "__all__" else message
                     for field, messages in exc.message_dict.items() for message in messages)
