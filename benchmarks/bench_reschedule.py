"""Reschedule through the database: 5,000 tasks, 10,000 links, one project, on SQLite and PostgreSQL.

Run with ``.venv/bin/python -m benchmarks.bench_reschedule [--tasks N] [--links M]``. Times the
service ``project_reschedule`` (load rows, run the CPM engine once, bulk write-back, one audit
event) phase by phase, then a one-task change through ``task_update`` (which reschedules inside the
same call and writes back only the rows that moved), and compares the bulk write-back with a naive
per-row ``save()``. Uses a throw-away SQLite file and a throw-away PostgreSQL database
(``pmo_bench`` on ``PMO_BENCH_POSTGRES``, default the local server), never the project's database.
Each backend runs in its own process, since Django is configured once per process.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

POSTGRES = os.environ.get("PMO_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/pmo_bench")


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup(path: Path, database: str) -> None:
    if database == "postgres":
        _fresh_postgres(POSTGRES)
        os.environ["DATABASE_URL"] = POSTGRES
    else:
        os.environ["PMO_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _build(n_tasks: int, n_links: int, seed: int):
    from datetime import date

    from pmo.accounts.models import Membership, Role, User
    from pmo.planning.models import Dependency, Task
    from pmo.portfolio.models import Program, Project

    director = User.objects.create_user("bench", "bench@example.com", "x")
    Membership.objects.create(user=director, role=Role.PMO_DIRECTOR)
    program = Program.objects.create(code="BENCH", name="Benchmark program")
    project = Project.objects.create(program=program, code="BENCH-1", name="Benchmark project",
                                     start=date(2026, 1, 5))
    rng = random.Random(seed)
    summaries = max(1, n_tasks // 100)
    rows = [Task(project=project, name=f"Phase {i}", order=i * 1000, duration=0) for i in range(summaries)]
    Task.objects.bulk_create(rows, batch_size=1000)
    leaves = []
    for i in range(n_tasks - summaries):
        phase = rows[i * summaries // (n_tasks - summaries)]
        leaves.append(Task(project=project, parent=phase, name=f"Task {i}", order=phase.order + 1 + i,
                           duration=Decimal(rng.randint(1, 15)), is_milestone=False))
    Task.objects.bulk_create(leaves, batch_size=1000)
    pairs = set()
    while len(pairs) < n_links:
        succ = rng.randrange(1, len(leaves))
        pred = max(0, succ - rng.randint(1, 60))
        pairs.add((pred, succ))
    kinds = ["FS"] * 7 + ["SS", "FF", "SF"]
    Dependency.objects.bulk_create([
        Dependency(predecessor=leaves[p], successor=leaves[s], type=rng.choice(kinds),
                   lag=Decimal(rng.choice([0, 0, 0, 1, 2, -1]))) for p, s in sorted(pairs)], batch_size=2000)
    return director, project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="one backend (default: both, in turn)")
    args, _ = parser.parse_known_args()
    if args.database is None:
        for database in ("sqlite", "postgres"):
            print(f"--- {database}", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.bench_reschedule", "--database", database,
                            "--tasks", str(args.tasks), "--links", str(args.links), "--seed", str(args.seed)],
                           check=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3", args.database)
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from pmo.planning import engine_adapter, services
        from pmo.planning.models import Task

        t0 = time.perf_counter()
        director, project = _build(args.tasks, args.links, args.seed)
        print(f"built {args.tasks} tasks, {args.links} links in {time.perf_counter() - t0:.2f} s")

        # phase by phase, inside one transaction like the service
        with transaction.atomic():
            t0 = time.perf_counter()
            net = engine_adapter.load_network(Task.objects.filter(project=project))
            t1 = time.perf_counter()
            calendar = engine_adapter.calendar_for(net, services.project_calendar(project), project.start)
            result = engine_adapter.run(net, calendar=calendar, start=project.start, status_date=None,
                                        project_starts={project.pk: project.start})
            t2 = time.perf_counter()
            with CaptureQueriesContext(connection) as writes:
                engine_adapter.write_back(net, result)
            t3 = time.perf_counter()
            transaction.set_rollback(True)
        print(f"phases: load {t1 - t0:.3f} s, engine {t2 - t1:.3f} s, "
              f"bulk write-back {t3 - t2:.3f} s ({len(writes.captured_queries)} queries)")

        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            schedule = services.project_reschedule(actor=director, project=project)
        first = time.perf_counter() - t0
        print(f"project_reschedule (every row written): {first:.3f} s, {len(ctx.captured_queries)} queries, "
              f"finish {schedule.finish}, {len(schedule.critical_path)} critical tasks")

        t0 = time.perf_counter()
        schedule = services.project_reschedule(actor=director, project=project)
        print(f"project_reschedule again (nothing moved): {time.perf_counter() - t0:.3f} s")

        task = Task.objects.filter(project=project, is_summary=False).order_by("order")[10]
        t0 = time.perf_counter()
        services.task_update(actor=director, task=task, expected_version=task.version,
                             duration=task.duration + 3)
        print(f"task_update of one early task (auto reschedule): {time.perf_counter() - t0:.3f} s")

        # naive baseline: the same write-back one row at a time
        tasks = list(Task.objects.filter(project=project))
        t0 = time.perf_counter()
        with transaction.atomic():
            for t in tasks:
                t.total_float = (t.total_float or 0) + 1
                t.save(update_fields=list(Task.computed_fields))
            transaction.set_rollback(True)
        naive = time.perf_counter() - t0
        t0 = time.perf_counter()
        with transaction.atomic():
            for t in tasks:
                t.total_float = (t.total_float or 0) + 1
            engine_adapter.bulk_write(tasks, Task.computed_fields)
            transaction.set_rollback(True)
        bulk = time.perf_counter() - t0
        t0 = time.perf_counter()
        with transaction.atomic():
            Task.objects.bulk_update(tasks, list(Task.computed_fields), batch_size=engine_adapter.CHUNK)
            transaction.set_rollback(True)
        django_bulk = time.perf_counter() - t0
        print(f"write-back of {len(tasks)} rows: pmo bulk_write {bulk:.3f} s, Django bulk_update "
              f"{django_bulk:.3f} s ({django_bulk / bulk:.0f}x slower), per-row save {naive:.3f} s "
              f"({naive / bulk:.0f}x slower)")


if __name__ == "__main__":
    main()
