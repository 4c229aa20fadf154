"""What a reschedule writes: only the rows whose computed values moved, and exactly what a schedule
computed from scratch would store."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.planning import services
from pmo.planning.models import Dependency, Task

from .factories import link, task

COMPUTED = list(Task.computed_fields)


@pytest.fixture
def director(world):
    return world.users["director"]


def _computed_rows_written(queries) -> int:
    """Rows of the scheduler's bulk write-back (``WITH v(...) AS (VALUES (...), (...)) UPDATE``)."""
    rows = 0
    for query in queries:
        sql = query["sql"]
        if sql.startswith("WITH v(") and "planning_task" in sql:
            rows += sql.split(" AS (VALUES ", 1)[1].split(") UPDATE ", 1)[0].count("), (") + 1
    return rows


def test_an_edit_writes_only_the_rows_that_moved(world, director):
    """A critical chain and 30 loose tasks with float: lengthening one loose task moves that task
    alone, so one row is written back, not the plan."""
    project = world.project_a1
    chain = [task(project, f"A{i}", 3) for i in range(30)]
    for a, b in zip(chain, chain[1:], strict=False):
        link(a, b)
    loose = [task(project, f"C{i}", 1) for i in range(30)]
    services._reschedule_project(project)
    edited = Task.objects.get(pk=loose[5].pk)
    with CaptureQueriesContext(connection) as ctx:
        services.task_update(actor=director, task=edited, expected_version=edited.version, duration=2)
    assert _computed_rows_written(ctx.captured_queries) == 1
    edited.refresh_from_db()
    assert edited.finish == edited.start + timedelta(days=1)


def _stored(project) -> dict:
    return {row[0]: row[1:] for row in Task.objects.filter(project=project).values_list("pk", *COMPUTED)}


def _from_scratch(project) -> dict:
    """The computed values a reschedule stores when nothing was stored before (rolled back)."""
    with transaction.atomic():
        Task.objects.filter(project=project).update(**{name: None for name in COMPUTED if name not in
                                                       {"is_summary", "wbs", "is_critical"}},
                                                    is_summary=False, wbs="", is_critical=False)
        services._reschedule_project(project)
        values = _stored(project)
        transaction.set_rollback(True)
    return values


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_store_what_a_schedule_from_scratch_computes(world, director, seed):
    """Seeded random edits (durations, milestones, constraints, links, hierarchy) through the
    services, each rescheduling and writing only what changed: the stored plan is the one a schedule
    computed from nothing stores."""
    rng = random.Random(seed)
    project = world.project_a1
    phases = [task(project, f"P{i}", 0) for i in range(3)]
    tasks = [task(project, f"T{i}", rng.randint(1, 8), parent=rng.choice([None, *phases])) for i in range(36)]
    for i in range(1, len(tasks)):
        for p in {rng.randrange(i) for _ in range(rng.randint(0, 2))}:
            link(tasks[p], tasks[i], type=rng.choice(["FS", "FS", "SS", "FF", "SF"]), lag=rng.choice([0, 1, -1, 2]))
    services._reschedule_project(project)
    for _ in range(20):
        t = Task.objects.get(pk=rng.choice(tasks).pk)
        kind = rng.choice(["duration", "duration", "milestone", "constraint", "link", "unlink", "parent"])
        if kind == "duration":
            services.task_update(actor=director, task=t, expected_version=t.version,
                                 duration=0 if t.is_milestone else rng.randint(0, 12))
        elif kind == "milestone":
            services.task_update(actor=director, task=t, expected_version=t.version, is_milestone=not t.is_milestone,
                                 duration=0 if not t.is_milestone else 2)
        elif kind == "constraint":
            when = project.start + timedelta(days=rng.randint(0, 60))
            constraint = rng.choice(["SNET", "FNLT", "MSO", "ASAP"])
            services.task_update(actor=director, task=t, expected_version=t.version, constraint_type=constraint,
                                 constraint_date=None if constraint == "ASAP" else when)
        elif kind == "link":
            later = [o for o in tasks if o.pk > t.pk and not Dependency.objects.filter(predecessor=t, successor=o)]
            if later:
                services.dependency_create(actor=director, predecessor=t, successor=rng.choice(later),
                                           type=rng.choice(["FS", "SS"]), lag=rng.randint(-1, 3))
        elif kind == "unlink":
            dependency = Dependency.objects.filter(successor=t).first()
            if dependency:
                services.dependency_delete(actor=director, dependency=dependency,
                                           expected_version=dependency.version)
        else:
            services.task_update(actor=director, task=t, expected_version=t.version,
                                 parent=rng.choice([None, *phases]))
    stored = _stored(project)
    assert stored == _from_scratch(project)


def _plan_reads(queries: list[tuple[bool, str]], *, inside: bool) -> int:
    """How many times the whole plan (every task of the project, in outline order) was read."""
    return sum(1 for in_transaction, sql in queries if in_transaction == inside and sql.startswith("SELECT")
               and '"planning_task"."late_finish"' in sql and "ORDER BY" in sql)


@pytest.mark.django_db(transaction=True)
def test_an_edit_schedules_before_it_takes_the_write_lock():
    """The plan is read and scheduled outside the write transaction; inside it only a fingerprint
    of the plan is checked and the moved rows are written."""
    from ..conftest import make_world

    world = make_world()
    director = world.users["director"]
    project = world.project_a1
    tasks = [task(project, f"T{i}", 2) for i in range(20)]
    for a, b in zip(tasks, tasks[1:], strict=False):
        link(a, b)
    services._reschedule_project(project)
    queries: list[tuple[bool, str]] = []

    def record(execute, sql, params, many, context):
        queries.append((connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    _age(project)
    edited = Task.objects.select_related("project").get(pk=tasks[3].pk)
    with connection.execute_wrapper(record):
        services.task_update(actor=director, task=edited, expected_version=edited.version, duration=4)
    assert (_plan_reads(queries, inside=False), _plan_reads(queries, inside=True)) == (1, 0)
    assert _stored(project) == _from_scratch(project)

    # edited a moment ago, the plan is busy: the next edit schedules inside the lock right away
    queries.clear()
    edited = Task.objects.select_related("project").get(pk=tasks[8].pk)
    with connection.execute_wrapper(record):
        services.task_update(actor=director, task=edited, expected_version=edited.version, duration=1)
    assert (_plan_reads(queries, inside=False), _plan_reads(queries, inside=True)) == (0, 1)
    assert _stored(project) == _from_scratch(project)


def _age(project) -> None:
    """Make the plan look untouched for a while (not being edited by anyone)."""
    Task.objects.filter(project=project).update(updated_at=timezone.now() - 2 * services.BUSY_PLAN)


@pytest.mark.django_db(transaction=True)
def test_an_edit_whose_plan_changed_meanwhile_is_scheduled_again_inside_the_lock(monkeypatch):
    """Another edit commits between the early schedule and the write transaction: the early
    schedule is dropped and the plan scheduled again with both edits."""
    from ..conftest import make_world

    world = make_world()
    director = world.users["director"]
    project = world.project_a1
    tasks = [task(project, f"T{i}", 2) for i in range(10)]
    for a, b in zip(tasks, tasks[1:], strict=False):
        link(a, b)
    services._reschedule_project(project)
    _age(project)
    precompute = services._precompute

    def meanwhile(task_row, changes):
        early = precompute(task_row, changes)
        other = Task.objects.select_related("project").get(pk=tasks[1].pk)
        monkeypatch.setattr(services, "_precompute", precompute)
        services.task_update(actor=director, task=other, expected_version=other.version, duration=5)
        return early

    monkeypatch.setattr(services, "_precompute", meanwhile)
    edited = Task.objects.select_related("project").get(pk=tasks[6].pk)
    queries: list[tuple[bool, str]] = []

    def record(execute, sql, params, many, context):
        queries.append((connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.task_update(actor=director, task=edited, expected_version=edited.version, duration=4)
    assert _plan_reads(queries, inside=True) >= 1  # scheduled again inside the lock
    assert _stored(project) == _from_scratch(project)
    assert Task.objects.get(pk=tasks[1].pk).duration == 5 and Task.objects.get(pk=tasks[6].pk).duration == 4
