"""Impact analysis of a change request on a 5,000-task program (4 projects, 10,000 links, some across projects).

Run with ``.venv/bin/python -m benchmarks.bench_change [--tasks N] [--database sqlite|postgres]``. Times
:func:`pmo.change.services.change_request_assess` (parse and check the edits, read the program's plan once, schedule
it twice in memory, compare milestones, finishes and critical paths, cost, benefits and the over-allocation of the 80
people assigned to the tasks, store the assessment) for a
change that lengthens a critical task and adds a link across projects; the target is 2 s. Beside it, a naive
baseline in the same run: copy the plan's rows into the database as a sandbox program, apply the edits through the
ORM, reschedule the copy with ``program_reschedule`` and read its dates back (rolled back afterwards). Uses a
throw-away database (bench_reschedule's set-up), never the project's.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from benchmarks.bench_reschedule import _setup

TARGET_S = 2.0


def _build(n_tasks: int, n_links: int, seed: int):
    from pmo.accounts.models import Membership, Role, User
    from pmo.planning.models import Dependency, Task
    from pmo.portfolio.models import Program, Project

    director = User.objects.create_user("bench", "bench@example.com", "x")
    Membership.objects.create(user=director, role=Role.PMO_DIRECTOR)
    program = Program.objects.create(code="BENCH", name="Benchmark program")
    projects = [Project.objects.create(program=program, code=f"BENCH-{k}", name=f"Project {k}",
                                       start=date(2026, 1, 5)) for k in range(1, 5)]
    rng = random.Random(seed)
    per = n_tasks // len(projects)
    leaves: list[list[Task]] = []
    for project in projects:
        rows = [Task(project=project, name=f"{project.code} task {i}", order=i + 1,
                     duration=Decimal(0) if i % 50 == 49 else Decimal(rng.randint(1, 15)), is_milestone=i % 50 == 49,
                     cost=Decimal(rng.randint(1, 40)) * 800)
                for i in range(per)]
        Task.objects.bulk_create(rows, batch_size=1000)
        leaves.append(rows)
    pairs = set()
    per_links = n_links // len(projects)
    for rows in leaves:
        while len(pairs) < per_links * (leaves.index(rows) + 1):
            succ = rng.randrange(1, len(rows))
            pred = max(0, succ - rng.randint(1, 60))
            pairs.add((rows[pred].pk, rows[succ].pk))
    for k in range(1, len(leaves)):  # a few links across projects, forward only
        for _ in range(10):
            pairs.add((leaves[k - 1][rng.randrange(per // 2)].pk, leaves[k][rng.randrange(per // 2, per)].pk))
    Dependency.objects.bulk_create([Dependency(predecessor_id=p, successor_id=s, type="FS") for p, s in sorted(pairs)],
                                   batch_size=2000)
    from pmo.resources.models import Assignment, Resource

    people = Resource.objects.bulk_create([Resource(name=f"Person {k}") for k in range(1, 81)])
    Assignment.objects.bulk_create([Assignment(task=t, resource=rng.choice(people), units=Decimal(1),
                                               work=8 * t.duration, effort_driven=rng.random() < 0.5)
                                    for rows in leaves for t in rows if not t.is_milestone], batch_size=2000)
    return director, program, projects


def _naive(director, program, edits_of):
    """Copy the program's plan into a sandbox program, apply the edits through the ORM, reschedule the copy and
    read its milestone dates (the caller rolls back)."""
    from pmo.planning.models import Dependency, Task
    from pmo.planning.services import program_reschedule
    from pmo.portfolio.models import Program, Project

    sandbox = Program.objects.create(code="SANDBOX", name="Sandbox copy")
    copies = {}
    for project in program.projects.order_by("pk"):
        copies[project.pk] = Project.objects.create(program=sandbox, code=f"S-{project.code}", name=project.name,
                                                    start=project.start)
    tasks = list(Task.objects.filter(project__program=program).order_by("pk"))
    new = [Task(project=copies[t.project_id], name=t.name, order=t.order, duration=t.duration,
                is_milestone=t.is_milestone, cost=t.cost) for t in tasks]
    Task.objects.bulk_create(new, batch_size=1000)
    mapping = {old.pk: copy.pk for old, copy in zip(tasks, new, strict=True)}
    links = Dependency.objects.filter(successor__project__program=program).values_list("predecessor_id",
                                                                                      "successor_id", "type", "lag")
    Dependency.objects.bulk_create([Dependency(predecessor_id=mapping[p], successor_id=mapping[s], type=k, lag=lag)
                                    for p, s, k, lag in links], batch_size=2000)
    before = program_reschedule(actor=director, program=sandbox)
    duration_task, link = edits_of(mapping)
    Task.objects.filter(pk=duration_task[0]).update(duration=duration_task[1])
    Dependency.objects.create(predecessor_id=link[0], successor_id=link[1])
    after = program_reschedule(actor=director, program=sandbox)
    return before.finish, after.finish, len(after.slips)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="one backend (default: sqlite)")
    args, _ = parser.parse_known_args()
    if args.database is None:
        subprocess.run([sys.executable, "-m", "benchmarks.bench_change", "--database", "sqlite", "--tasks",
                        str(args.tasks), "--links", str(args.links), "--seed", str(args.seed)], check=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3", args.database)
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from pmo.change import services
        from pmo.planning.models import Task
        from pmo.planning.services import program_reschedule

        t0 = time.perf_counter()
        director, program, projects = _build(args.tasks, args.links, args.seed)
        program_reschedule(actor=director, program=program)
        print(f"built {Task.objects.count()} tasks in {len(projects)} projects in {time.perf_counter() - t0:.2f} s")
        critical = Task.objects.filter(project=projects[1], is_critical=True, is_milestone=False).order_by(
            "early_start").first() or Task.objects.filter(project=projects[1], is_milestone=False).first()
        upstream = Task.objects.filter(project=projects[0], is_milestone=False).order_by("-finish").first()
        downstream = Task.objects.filter(project=projects[2], is_milestone=False).order_by("start").first()
        edits = [{"op": "task_update", "task": critical.pk, "duration": str(critical.duration + 5)},
                 {"op": "link_add", "predecessor": upstream.pk, "successor": downstream.pk}]
        request = services.change_request_create(actor=director, program=program, title="Bench", edits=edits)
        request = services.change_request_submit(actor=director, change_request=request)

        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                assessment = services.change_request_assess(actor=director, change_request=request)
            times.append(time.perf_counter() - t0)
        best = min(times)
        r = assessment.results
        runs = ", ".join(f"{t * 1000:.0f}" for t in times)
        print(f"pmo change_request_assess: best {best * 1000:.0f} ms of 3 ({runs} ms), "
              f"{len(ctx.captured_queries)} queries; program finish {r['program']['before']} -> "
              f"{r['program']['after']} ({r['program']['working_days']} working days), {r['milestones_moved']} "
              f"milestones moved, {len(r['critical']['joining'])} tasks join the critical path; over-allocated "
              f"person-weeks {r['resources']['over_weeks_before']} -> {r['resources']['over_weeks_after']} of "
              f"{r['resources']['people']} people; target "
              f"{TARGET_S:.0f} s: {'met' if best <= TARGET_S else 'MISSED'}")

        from pmo.change import edits as E
        from pmo.change import impact
        from pmo.planning import engine_adapter

        checked = E.check(director, program, E.parse(edits))
        t0 = time.perf_counter()
        net = engine_adapter.load_network(Task.objects.filter(project__program=program))
        t1 = time.perf_counter()
        impact.analyse(program, checked, net=net, with_money=False)
        t2 = time.perf_counter()
        impact.analyse(program, checked, net=net)
        t3 = time.perf_counter()
        print(f"phases: read the plan {(t1 - t0) * 1000:.0f} ms, schedule twice and compare {(t2 - t1) * 1000:.0f} ms, "
              f"cost (EVM), benefits and resource over-allocation {(t3 - t2 - (t2 - t1)) * 1000:.0f} ms")

        def edits_of(mapping):
            return (mapping[critical.pk], critical.duration + 5), (mapping[upstream.pk], mapping[downstream.pk])

        t0 = time.perf_counter()
        with transaction.atomic():
            before, after, slips = _naive(director, program, edits_of)
            transaction.set_rollback(True)
        naive = time.perf_counter() - t0
        print(f"naive (copy the rows into the database, edit and reschedule through the ORM): {naive * 1000:.0f} ms, "
              f"finish {before} -> {after}, {slips} milestones moved")
        print(f"ratio: naive / pmo = {naive / best:.1f}x")


if __name__ == "__main__":
    main()
