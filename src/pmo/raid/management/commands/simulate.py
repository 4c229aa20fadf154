"""``pmo simulate --program CODE [--project CODE] --iterations N --seed S [--as USER]``: a Monte Carlo run,
synchronously, with a progress bar; prints the same figures as the run page.

With ``--as`` the run is recorded (policies and audit apply, as for the pages and the API);
without it the figures are computed and printed only.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from pmo.accounts.models import User
from pmo.engine.montecarlo import simulate
from pmo.portfolio.models import Program, Project
from pmo.raid import engine_adapter, services, tasks
from pmo.raid.models import MAX_ITERATIONS, MIN_ITERATIONS


class Command(BaseCommand):
    help = "Run a risk-driven Monte Carlo schedule and cost simulation of a program (or one of its projects)."

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="program code, e.g. ERP")
        parser.add_argument("--project", help="simulate only this project of the program")
        parser.add_argument("--iterations", type=int, default=10_000,
                            help=f"{MIN_ITERATIONS:,} to {MAX_ITERATIONS:,} (default 10,000)")
        parser.add_argument("--seed", type=int, help="for a repeatable run")
        parser.add_argument("--target", type=date.fromisoformat, help="target finish date (YYYY-MM-DD)")
        parser.add_argument("--as", dest="username", help="record the run as this user")

    def handle(self, *args, program, project, iterations, seed, target, username, **options):
        found = Program.objects.filter(code=program).first()
        if found is None:
            raise CommandError(f"--program: no program {program!r}")
        scope_project = None
        if project:
            scope_project = Project.objects.filter(code=project, program=found).first()
            if scope_project is None:
                raise CommandError(f"--project: no project {project!r} in {program}")
        # the raw stream: OutputWrapper.write would end every tqdm refresh with a newline
        bar = tqdm(total=iterations, unit="it", desc=f"simulating {project or program}", file=self.stderr._out)

        def advance(done, total):
            bar.update(done - bar.n)

        try:
            if username:
                user = User.objects.filter(username=username, is_active=True).first()
                if user is None:
                    raise CommandError(f"--as: no active user {username!r}")
                run = services.simulation_start(actor=user, program=None if scope_project else found,
                                                project=scope_project, iterations=iterations, seed=seed,
                                                target_date=target, enqueue=False)
                tasks.execute(run.pk, on_progress=advance)
                run.refresh_from_db()
                if run.status != "done":
                    raise CommandError(f"simulation #{run.pk} failed: {run.reason}")
                results, label = run.results, f"simulation #{run.pk}"
            else:
                if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
                    raise CommandError(f"--iterations: must be from {MIN_ITERATIONS:,} to {MAX_ITERATIONS:,}")
                data = engine_adapter.snapshot(program=found, project=scope_project, target_date=target)
                result = simulate(engine_adapter.engine_input(data, iterations=iterations, seed=seed),
                                  progress=advance)
                results, label = engine_adapter.results(data, result), "simulation (not recorded)"
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        finally:
            bar.close()
        self._print(label, results)

    def _print(self, label: str, results: dict) -> None:
        out = self.stdout.write
        finish, cost = results["finish"], results["cost"]
        out(self.style.SUCCESS(f"{label}: {results['iterations']:,} iterations, seed {results['seed']}"))
        out(f"{'':<18}{'P10':>12}{'P50':>12}{'P80':>12}{'P90':>12}{'mean':>12}{'planned':>12}")
        out(f"{'finish':<18}" + "".join(f"{finish[k]:>12}" for k in ("p10", "p50", "p80", "p90", "mean", "planned")))
        for milestone in results["milestones"]:
            if milestone["id"] != engine_adapter.FINISH:
                out(f"{milestone['name'][:17]:<18}" + "".join(
                    f"{milestone[k]:>12}" for k in ("p10", "p50", "p80", "p90", "mean", "planned")))
        out(f"{'cost':<18}" + "".join(f"{cost[k]:>12,.0f}" for k in ("p10", "p50", "p80", "p90", "mean", "planned")))
        out(f"P(finish by planned {finish['planned']}) = {finish['prob_planned']:.1%}")
        if finish.get("prob_target") is not None:
            out(f"P(finish by target {finish['target']}) = {finish['prob_target']:.1%}")
        out("most critical: " + ", ".join(f"{row['name']} {row['value']:.0%}" for row in results["criticality"][:5]))
        out("tornado: " + ", ".join(f"{row['id']} {row['rho']:+.2f}" for row in results["tornado"][:5]))

