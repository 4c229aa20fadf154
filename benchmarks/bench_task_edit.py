"""One task edit on a 10,000-task project, alone and by 8 concurrent editors, on SQLite and PostgreSQL.

Run with ``.venv/bin/python -m benchmarks.bench_task_edit [--tasks N] [--editors E] [--edits K]``.

(a) A task edit (``task_update``: conditional update, reschedule, write-back, audit) timed for a task
with float (moves a few successors) and for a critical task (moves the project finish, so the late
dates and floats of most of the plan), beside a naive baseline in the same run: the reschedule as it
was (every task loaded as a model instance, every row written back).

(b) ``--editors`` editors (threads, each with its own connection) PATCH their own tasks of the same
project through the API ``--edits`` times each, all at once: throughput, p50/p95 latency and every
status other than 200 (a busy database must answer 503, never 500); then the same with the naive
reschedule called directly (an error there is what the API answered with 500 before). The plan the
editors leave must equal a fresh full reschedule (nothing to write).

Uses a throw-away SQLite file and a throw-away PostgreSQL database (``pmo_bench`` on
``PMO_BENCH_POSTGRES``), each backend in its own process. ``--tasks 100000 --database sqlite
--editors 0`` re-checks the issue's 100,000-task edit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from benchmarks.bench_reschedule import _setup


def _build(n_tasks: int, seed: int):
    """Phases of 100 tasks; links inside a phase, and phase k follows phase k - 100 (100 streams)."""
    from pmo.accounts.models import Membership, Role, User
    from pmo.planning.models import Dependency, Task
    from pmo.portfolio.models import Program, Project

    director = User.objects.create_user("bench", "bench@example.com", "x")
    Membership.objects.create(user=director, role=Role.PMO_DIRECTOR)
    program = Program.objects.create(code="BENCH", name="Benchmark program")
    project = Project.objects.create(program=program, code="BENCH-1", name="Benchmark project",
                                     start=date(2026, 1, 5))
    rng = random.Random(seed)
    phases = [Task(project=project, name=f"Phase {i}", order=i * 1000, duration=0)
              for i in range(max(1, n_tasks // 100))]
    Task.objects.bulk_create(phases, batch_size=1000)
    by_phase = [[Task(project=project, parent=phase, name=f"Task {k}.{j}", order=phase.order + 1 + j,
                      duration=Decimal(rng.randint(1, 10))) for j in range(99)] for k, phase in enumerate(phases)]
    Task.objects.bulk_create([t for mine in by_phase for t in mine], batch_size=1000)
    kinds = ["FS"] * 7 + ["SS", "FF", "SF"]
    links = []
    for k, mine in enumerate(by_phase):
        if k >= 100:
            links.append(Dependency(predecessor=by_phase[k - 100][-1], successor=mine[0]))
        for j in range(1, len(mine)):
            for p in sorted({max(0, j - rng.randint(1, 10)) for _ in range(rng.randint(1, 3))}):
                links.append(Dependency(predecessor=mine[p], successor=mine[j], type=rng.choice(kinds),
                                        lag=Decimal(rng.choice([0, 0, 0, 1, 2, -1]))))
    Dependency.objects.bulk_create(links, batch_size=2000)
    return director, project, len(links)


def naive_task_update(*, actor, task, expected_version: int, **changes):
    """The edit as it was: model instances for every task, the engine, every row written back."""
    from django.db import transaction

    from pmo.core.services import update_versioned
    from pmo.planning import engine_adapter, services
    from pmo.planning.models import Dependency, Task

    with transaction.atomic():
        updated = update_versioned(actor=actor, obj=task, changes=changes, expected_version=expected_version)
        project = task.project
        tasks = list(Task.objects.filter(project=project).select_related("project").order_by("order", "pk"))
        links = [engine_adapter.LinkRow(*row) for row in Dependency.objects.filter(
            successor__in=[t.pk for t in tasks]).order_by("pk").values_list(
            "predecessor_id", "successor_id", "type", "lag", "elapsed")]
        net = engine_adapter.Network(tasks, links)
        calendar = engine_adapter.calendar_for(net, services.project_calendar(project), project.start)
        result = engine_adapter.run(net, calendar=calendar, start=project.start, status_date=None,
                                    project_starts={project.pk: project.start})
        for t in tasks:  # the stored values no longer match: write_back rewrites every row
            t.total_float = None
        engine_adapter.write_back(net, result)
    return updated


def _edit_once(update, director, task_id: int) -> float:
    from pmo.planning.models import Task

    task = Task.objects.select_related("project").get(pk=task_id)
    t0 = time.perf_counter()
    update(actor=director, task=task, expected_version=task.version, duration=task.duration + 1)
    return time.perf_counter() - t0


def _single_edits(director, project, repeats: int) -> None:
    from pmo.planning import services
    from pmo.planning.models import Task

    leaves = Task.objects.filter(project=project, is_summary=False).order_by("order")
    floats = leaves.filter(total_float__gt=5)
    floating = floats[floats.count() // 2] if floats.exists() else None
    critical = leaves.filter(is_critical=True).first()
    for label, chosen in (("task with float", floating), ("critical task", critical)):
        if chosen is None:
            continue
        naive = [_edit_once(naive_task_update, director, chosen.pk) for _ in range(repeats)]
        pmo = [_edit_once(services.task_update, director, chosen.pk) for _ in range(repeats)]
        n, p = statistics.median(naive), statistics.median(pmo)
        print(f"edit of a {label}: naive {n:.3f} s, pmo {p:.3f} s ({n / p:.1f}x faster; median of {repeats})",
              flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _editors(director, project, editors: int, edits: int, *, naive: bool) -> float:
    from django.db import OperationalError, connection
    from django.test import Client

    from pmo.core.busy import is_busy
    from pmo.planning.models import Task

    leaves = list(Task.objects.filter(project=project, is_summary=False).order_by("order")
                  .values_list("pk", flat=True))
    step = len(leaves) // (editors * edits + 1)
    mine = {e: leaves[step * (1 + e)::step * editors][:edits] for e in range(editors)}  # spread, disjoint
    barrier = threading.Barrier(editors)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def run(editor: int) -> None:
        client = Client()
        client.force_login(director)
        try:
            barrier.wait(timeout=120)
            for pk in mine[editor]:
                task = Task.objects.select_related("project").get(pk=pk)
                t0 = time.perf_counter()
                if naive:
                    try:
                        naive_task_update(actor=director, task=task, expected_version=task.version,
                                          duration=task.duration + 1)
                        status = "200"
                    except OperationalError as exc:
                        status = "500 (locked)" if is_busy(exc) else "500"
                    except Exception:  # noqa: BLE001 - whatever the naive path raised was a 500
                        status = "500"
                else:
                    response = client.patch(f"/api/v1/tasks/{pk}", {"duration": float(task.duration) + 1},
                                            content_type="application/json", HTTP_IF_MATCH=f'"{task.version}"')
                    status = str(response.status_code)
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            connection.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(e,)) for e in range(editors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = statuses.get("200", 0) or 1e-9
    print(f"{'naive' if naive else 'pmo  '} {editors} editors x {edits} edits: {ok / wall:.2f} edits/s, "
          f"p50 {_percentile(latencies, 0.5):.3f} s, p95 {_percentile(latencies, 0.95):.3f} s, "
          f"statuses {dict(sorted(statuses.items()))}", flush=True)
    return ok / wall


def _check_consistent(project) -> None:
    from django.db import transaction

    from pmo.planning import services

    with transaction.atomic():
        _, moved = services._reschedule_project(project)
        transaction.set_rollback(True)
    print(f"plan left by the editors vs a fresh full reschedule: {len(moved)} tasks differ", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--edits", type=int, default=4, help="edits per editor")
    parser.add_argument("--repeats", type=int, default=3, help="single edits timed per variant")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="one backend (default: both, in turn)")
    args, _ = parser.parse_known_args()
    if args.database is None:
        for database in ("sqlite", "postgres"):
            print(f"--- {database}", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.bench_task_edit", "--database", database,
                            *(f"--{k}={v}" for k, v in vars(args).items() if k != "database")], check=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3", args.database)
        from pmo.planning import services

        t0 = time.perf_counter()
        director, project, links = _build(args.tasks, args.seed)
        schedule = services.project_reschedule(actor=director, project=project)
        print(f"built and scheduled {args.tasks} tasks, {links} links in {time.perf_counter() - t0:.1f} s "
              f"(finish {schedule.finish})", flush=True)
        _single_edits(director, project, args.repeats)
        if args.editors:
            naive = _editors(director, project, args.editors, args.edits, naive=True)
            pmo = _editors(director, project, args.editors, args.edits, naive=False)
            print(f"throughput: {pmo / naive:.1f}x the naive reschedule's", flush=True)
            _check_consistent(project)


if __name__ == "__main__":
    main()
