"""A small program plan with dates worked out by hand (Monday-Friday, no calendar rows, no holidays).

Project A1 starts Monday 2026-01-12: Design (5 d, 12-16 Jan) -> Build (10 d, 19-30 Jan) -> Go-live (milestone,
Fri 30 Jan); Training (7 d, 19-27 Jan) also leads to Go-live, so it has 3 working days of total float.
Project A2 starts the same Monday: Migration (10 d, 12-23 Jan) -> Cut-over (milestone, Fri 23 Jan).
"""

from __future__ import annotations

from datetime import date

from pmo.planning.models import Dependency, Task
from pmo.planning.services import program_reschedule


def make_plan(world) -> dict:
    a1, a2 = world.project_a1, world.project_a2
    a1.start = date(2026, 1, 12)
    a1.save(update_fields=["start"])
    a2.start = date(2026, 1, 12)
    a2.save(update_fields=["start"])
    design = Task.objects.create(project=a1, name="Design", code="DES", order=1, duration=5)
    build = Task.objects.create(project=a1, name="Build", code="BLD", order=2, duration=10)
    training = Task.objects.create(project=a1, name="Training", code="TRN", order=3, duration=7)
    golive = Task.objects.create(project=a1, name="Go-live", code="GO", order=4, duration=0, is_milestone=True)
    migration = Task.objects.create(project=a2, name="Migration", code="MIG", order=1, duration=10)
    cutover = Task.objects.create(project=a2, name="Cut-over", code="CUT", order=2, duration=0, is_milestone=True)
    for pred, succ in ((design, build), (design, training), (build, golive), (training, golive),
                       (migration, cutover)):
        Dependency.objects.create(predecessor=pred, successor=succ)
    program_reschedule(actor=world.users["director"], program=world.program_a)
    return {t.code: Task.objects.get(pk=t.pk) for t in (design, build, training, golive, migration, cutover)}
