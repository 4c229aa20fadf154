"""A PSPLIB single-mode instance (:mod:`pmo.engine.psplib`) into an empty project, through the services.

Jobs become tasks (``J1`` .. ``Jn``, durations in days; the zero-duration source and sink become milestones) on a
seven-day project calendar (created with weekmask ``1111111`` when the project has none), successors become
finish-to-start links, each renewable resource a generic role of the pool named ``<project code> <R1>`` with its
capacity as maximum units (working seven days, no public holidays), and each request a fixed-duration assignment
of that many units. Everything is written in one transaction, audited as the actor: a refusal anywhere (a policy,
a bound such as more than 100 units) writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.engine.psplib import PsplibProblem
from pmo.planning.models import Calendar, Task
from pmo.planning.services import calendar_create, dependency_create, project_reschedule, task_create
from pmo.portfolio.models import Project

from .models import ResourceKind
from .services import assignment_create, resource_create

SEVEN_DAYS = "1111111"


def steps(problem: PsplibProblem) -> int:
    """How many writes an import makes (for a progress bar)."""
    return (len(problem.jobs) + sum(len(j.successors) for j in problem.jobs) + len(problem.resources)
            + sum(1 for j in problem.jobs for q in j.requests if q))


def _seven_day_calendar(actor, project: Project) -> None:
    own = Calendar.objects.filter(project=project).prefetch_related("exceptions").first()
    if own is None:
        calendar_create(actor=actor, project=project, name=f"{project.code} seven-day", weekmask=SEVEN_DAYS,
                        holiday_country="")
        return
    if own.weekmask != SEVEN_DAYS or own.holiday_country or any(not e.working for e in own.exceptions.all()):
        raise ValidationError({"calendar": f"{project.code} has a calendar ({own.name}) that is not seven working "
                                           "days a week without holidays: PSPLIB durations are consecutive days"})


def psplib_import(*, actor, project: Project, problem: PsplibProblem,
                  advance: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write ``problem`` into ``project`` (which must have no tasks); returns the counts written."""
    advance = advance or (lambda n: None)
    with transaction.atomic():
        existing = Task.objects.filter(project=project).count()
        if existing:
            raise ValidationError({"project": f"{project.code} already has {existing} tasks: import a PSPLIB "
                                              "instance into an empty project"})
        _seven_day_calendar(actor, project)
        tasks = {}
        for job in problem.jobs:
            tasks[job.number] = task_create(actor=actor, project=project, reschedule=False, code=f"J{job.number}",
                                            name=f"Job {job.number}", is_milestone=job.duration == 0,
                                            duration=Decimal(job.duration))
            advance(1)
        links = 0
        for job in problem.jobs:
            for successor in job.successors:
                dependency_create(actor=actor, predecessor=tasks[job.number], successor=tasks[successor], type="FS")
                links += 1
                advance(1)
        project_reschedule(actor=actor, project=project)
        resources = []
        for name, capacity in zip(problem.resources, problem.capacities, strict=True):
            resources.append(resource_create(actor=actor, kind=ResourceKind.ROLE, name=f"{project.code} {name}",
                                             max_units=Decimal(capacity), weekmask=SEVEN_DAYS))
            advance(1)
        assignments = 0
        for job in problem.jobs:
            task = Task.objects.get(pk=tasks[job.number].pk)  # scheduled: the assignment sizes its work from it
            for resource, units in zip(resources, job.requests, strict=True):
                if units:
                    assignment_create(actor=actor, task=task, resource=resource, units=Decimal(units),
                                      effort_driven=False, note=f"PSPLIB request of job {job.number}")
                    assignments += 1
                    advance(1)
    return {"tasks": len(tasks), "links": links, "resources": len(resources), "assignments": assignments}
