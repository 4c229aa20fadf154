"""Portfolio earned value roll-up: 100 programs, 2,000 projects, 200,000 tasks, 1,000,000 cost entries.

Run with ``.venv/bin/python -m benchmarks.bench_finance [--scale 1.0] [--database sqlite|postgres]``.
Times ``GET /api/v1/portfolio/evm`` as the PMO Director (the roll-up of every project: PV time-phased on
the calendar from each latest baseline, EV from % complete, AC summed in the database, converted per
program), counts its queries, and compares with a naive per-task Python loop (a query per project for its
tasks and one per task for its costs, the planned value walked day by day) on a sample of projects, whose
totals must equal the roll-up's for the same projects to the cent. Uses a throw-away SQLite file and a
throw-away PostgreSQL database (``PMO_BENCH_FINANCE_POSTGRES``, default ``pmo_bench_finance`` on the local
server), never the project's database; each backend runs in its own process.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

POSTGRES = os.environ.get("PMO_BENCH_FINANCE_POSTGRES", "postgres://postgres@127.0.0.1:5432/pmo_bench_finance")
STATUS = date(2026, 6, 30)
ENTRIES_PER_TASK = 5


def _setup(path: Path, database: str, fresh: bool = True) -> None:
    if database == "postgres" and fresh:
        import psycopg

        base, _, name = POSTGRES.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = POSTGRES
    else:
        os.environ["PMO_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _build(programs: int, projects: int, tasks: int, seed: int):
    """Rows straight into the database (bulk inserts; the cost entries by one INSERT ... SELECT)."""
    from django.db import connection, transaction

    from pmo.accounts.models import Membership, Role, User
    from pmo.planning.models import Baseline, BaselineTask, Task
    from pmo.portfolio.models import Portfolio, Program, Project

    rng = random.Random(seed)
    director = User.objects.create_user("bench", "bench@example.com", "x")
    Membership.objects.create(user=director, role=Role.PMO_DIRECTOR)
    with transaction.atomic():
        program_rows = Program.objects.bulk_create(
            [Program(portfolio=Portfolio.default(), code=f"P{k:03d}", name=f"Program {k}", currency="EUR")
             for k in range(programs)])
        project_rows = Project.objects.bulk_create(
            [Project(program=program_rows[k % programs], code=f"P{k % programs:03d}-{k:04d}", name=f"Project {k}",
                     status="active") for k in range(projects)])
        baselines = Baseline.objects.bulk_create([Baseline(project=p, name="Plan of record") for p in project_rows])
        per_project = tasks // projects
        batch: list[Task] = []
        planned: list[tuple[int, date, date, Decimal]] = []
        origin = date(2025, 9, 1)
        for k, project in enumerate(project_rows):
            start = origin + timedelta(days=rng.randrange(0, 300))
            for j in range(per_project):
                first = start + timedelta(days=rng.randrange(0, 400))
                while first.weekday() >= 5:
                    first += timedelta(days=1)
                finish = first + timedelta(days=rng.randrange(0, 28))
                cost = Decimal(rng.randrange(50_000, 5_000_000)) / 100
                done = 100 if finish < STATUS else (rng.choice([0, 0, 25, 50, 75]) if first < STATUS else 0)
                batch.append(Task(project=project, name=f"Task {j}", order=j * 10, duration=1, cost=cost,
                                  percent_complete=done, start=first, finish=finish,
                                  actual_start=first if done else None))
                planned.append((k, first, finish, cost))
        Task.objects.bulk_create(batch, batch_size=5000)
        BaselineTask.objects.bulk_create(
            [BaselineTask(baseline=baselines[k], task=t, name=t.name, start=s, finish=f, duration=1, cost=c)
             for t, (k, s, f, c) in zip(batch, planned, strict=True)], batch_size=5000)
        # ENTRIES_PER_TASK actuals per task, a week apart from its start, each 18-26 % of its cost
        if connection.vendor == "postgresql":
            day, amount = "t.start + (k.n * 7)", "ROUND(t.cost * (18 + t.id % 9) / 100, 2)"
        else:
            day, amount = "date(t.start, '+' || (k.n * 7) || ' days')", "ROUND(t.cost * (18 + t.id % 9) / 100.0, 2)"
        numbers = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(ENTRIES_PER_TASK))
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO finance_costentry (program_id, project_id, task_id, control_account_id, date, amount,
                    category, kind, source, reference, description, created_at, updated_at, version)
                SELECT p.program_id, t.project_id, t.id, NULL, {day}, {amount}, 'labour', 'actual', 'timesheet',
                    '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1
                FROM planning_task t JOIN portfolio_project p ON p.id = t.project_id CROSS JOIN ({numbers}) k""")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return director, project_rows


def _naive(project_ids: list[int]) -> dict[str, Decimal]:
    """The per-task loop a first version would write: a query per project and per task, PV day by day."""
    from pmo.engine.calendar import WorkCalendar
    from pmo.finance.models import CostEntry
    from pmo.planning.models import Baseline, BaselineTask

    calendar = WorkCalendar(first_year=2024, last_year=2030)
    totals = {"bac": Decimal(0), "pv": Decimal(0), "ev": Decimal(0), "ac": Decimal(0)}
    for project_id in project_ids:
        baseline = Baseline.objects.filter(project_id=project_id).order_by("-created_at", "-pk").first()
        for row in BaselineTask.objects.filter(baseline=baseline).select_related("task"):
            task = row.task
            cost = row.cost
            totals["bac"] += cost
            days, day = [], row.start
            while day <= row.finish:
                if calendar.is_working(day):
                    days.append(day)
                day += timedelta(days=1)
            n = len(days)
            planned = Decimal(0)
            for k, day in enumerate(days, start=1):  # cumulative rounding, as the engine spreads cents
                if day <= STATUS:
                    planned = (cost * k / n).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            if not days and row.finish <= STATUS:
                planned = cost
            totals["pv"] += planned
            totals["ev"] += (cost * task.percent_complete / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            for entry in CostEntry.objects.filter(task=task, date__lte=STATUS):
                totals["ac"] += entry.amount
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100 programs, 2,000 projects, 200,000 tasks")
    parser.add_argument("--sample", type=int, default=20, help="projects the naive loop walks")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="one backend (default: both, in turn)")
    parser.add_argument("--keep", metavar="FILE", help="SQLite only: build into FILE once, reuse it on later runs")
    args, _ = parser.parse_known_args()
    if args.database is None:
        for database in ("sqlite", "postgres"):
            print(f"--- {database}", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.bench_finance", "--database", database, "--scale",
                            str(args.scale), "--sample", str(args.sample), "--seed", str(args.seed)], check=True)
        return
    programs, projects, tasks = (max(1, round(100 * args.scale)), max(1, round(2000 * args.scale)),
                                 max(1, round(200_000 * args.scale)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.sqlite3"
        reuse = bool(args.keep) and path.exists()
        _setup(path, args.database, fresh=not reuse)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from pmo.finance import engine_adapter
        from pmo.finance.models import CostEntry
        from pmo.planning.models import Task
        from pmo.portfolio.models import Program, Project

        t0 = time.perf_counter()
        if reuse:
            from pmo.accounts.models import User

            director, project_rows = User.objects.get(username="bench"), list(Project.objects.order_by("pk"))
        else:
            director, project_rows = _build(programs, projects, tasks, args.seed)
        entries = CostEntry.objects.count()
        print(f"{'reused' if reuse else 'built'} {Program.objects.count()} programs, {len(project_rows)} projects, "
              f"{Task.objects.count()} tasks, {entries} cost entries in {time.perf_counter() - t0:.1f} s", flush=True)
        client = Client()
        client.force_login(director)
        url = f"/api/v1/portfolio/evm?status_date={STATUS.isoformat()}"
        timings = []
        for _ in range(3):
            connection.queries_log.clear()  # the build's queries filled the log: count from empty
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.content[:300]
        body = response.json()
        print(f"portfolio EVM over the API: best {min(timings):.2f} s, worst {max(timings):.2f} s, "
              f"{len(queries)} queries (session and user included); BAC {body['bac']}, PV {body['pv']}, "
              f"EV {body['ev']}, AC {body['ac']}, CPI {body['cpi']:.3f}, SPI {body['spi']:.3f}")
        t0 = time.perf_counter()
        engine_adapter.rollup_evm(Project.objects.all(), STATUS, by="program")
        print(f"roll-up alone (no HTTP, no JSON): {time.perf_counter() - t0:.2f} s", flush=True)
        sample = [p.pk for p in project_rows[: args.sample]]
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as naive_queries:
            t0 = time.perf_counter()
            naive = _naive(sample)
            naive_time = time.perf_counter() - t0
        ours = engine_adapter.rollup_evm(Project.objects.filter(pk__in=sample), STATUS, by="project").cost
        for name in ("bac", "pv", "ev", "ac"):
            assert naive[name] == getattr(ours, name), (name, naive[name], getattr(ours, name))
        per_project = naive_time / len(sample)
        print(f"naive per-task loop on {len(sample)} projects ({len(sample) * (tasks // projects)} tasks): "
              f"{naive_time:.2f} s, {len(naive_queries)} queries, same BAC/PV/EV/AC to the cent; "
              f"extrapolated to {projects} projects: {per_project * projects:.0f} s "
              f"({per_project * projects / min(timings):.0f}x the roll-up)")


if __name__ == "__main__":
    main()
