"""Reads of plans, starting from what the user may see, with a query count independent of the rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Case, F, Prefetch, Q, QuerySet, When

from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import project_policy

from .models import Baseline, BaselineTask, Calendar, Dependency, Interface, Task
from .policies import (
    baseline_policy,
    calendar_policy,
    dependency_policy,
    interface_policy,
    task_policy,
    visible_project_ids,
)

#: what other apps link to a task, shown on its page: (heading, reader(user, task) -> visible objects with
#: ``get_absolute_url``). Apps above planning register here (raid: risks and issues) instead of being imported.
TASK_LINKS: list[tuple[str, Callable]] = []


def task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("project", "project__program")


def task_detail(user, pk) -> Task:
    """The task (404 when out of sight) with what its page shows beside it."""
    return task_policy.get(user, queryset=task_queryset().select_related("parent", "calendar", "owner"), pk=pk)


def links_of(task: Task) -> tuple[list[Dependency], list[Dependency]]:
    """(predecessor links, successor links) of the task with the task at the other end (two queries)."""
    related = ("predecessor__project", "successor__project")
    return (list(task.predecessor_links.select_related(*related).order_by("predecessor__project__code",
                                                                           "predecessor__order")),
            list(task.successor_links.select_related(*related).order_by("successor__project__code",
                                                                         "successor__order")))


def baseline_rows_of(task: Task) -> list[BaselineTask]:
    """The task as each baseline recorded it, newest baseline first."""
    return list(task.baseline_rows.select_related("baseline").order_by("-baseline__created_at", "-baseline__pk"))


def calendar_of(project: Project, task: Task | None = None) -> Calendar | None:
    """The calendar a task (or the project) is scheduled on: the task's own, else the project's, else the
    portfolio default (one query at most)."""
    if task is not None and task.calendar_id:
        return task.calendar
    return (Calendar.objects.filter(Q(project=project) | Q(project__isnull=True))
            .order_by(F("project_id").asc(nulls_last=True), "pk").first())


def task_calendars(project: Project) -> QuerySet[Calendar]:
    """The calendars a task of ``project`` may be scheduled on: the portfolio defaults and the project's own."""
    return Calendar.objects.filter(Q(project__isnull=True) | Q(project=project)).order_by("name", "pk")


def tasks_of(user, project: Project) -> QuerySet[Task]:
    return task_policy.visible(user, Task.objects.filter(project=project)).order_by("order", "pk")


def tasks_in(user, project_ids: list[int]) -> QuerySet[Task]:
    """The visible tasks of several projects (a program's schedule), in outline order."""
    return task_policy.visible(user, Task.objects.filter(project__in=project_ids)).order_by("order", "pk")


def link_candidates(user, project: Project) -> QuerySet[Task]:
    """Tasks a new link of ``project``'s plan may join: those of the projects of its program whose plan
    the user may change (the service refuses any other end), this project's first, in outline order."""
    changeable = [p.pk for p in project_policy.visible(user, Project.objects.filter(program_id=project.program_id))
                  if project_policy.can(user, "change", p)]
    return (Task.objects.filter(project__in=changeable).select_related("project")
            .order_by(Case(When(project=project, then=0), default=1), "project__code", "order", "pk"))


def links_within(project_ids: list[int]) -> list[tuple]:
    """(predecessor_id, successor_id, type) of the links with both ends among the given projects, as
    plain tuples: a Gantt of thousands of rows needs no model instances."""
    return list(Dependency.objects.filter(successor__project__in=project_ids, predecessor__project__in=project_ids)
                .values_list("predecessor_id", "successor_id", "type", named=True))


def latest_baseline_dates(project_ids: list[int]) -> dict[int, tuple]:
    """task id -> (start, finish) from the newest baseline of each project (two queries)."""
    latest: dict[int, int] = {}
    for baseline_id, project_id in (Baseline.objects.filter(project__in=project_ids)
                                    .order_by("project_id", "-created_at", "-pk").values_list("pk", "project_id")):
        latest.setdefault(project_id, baseline_id)
    if not latest:
        return {}
    return {task_id: (start, finish) for task_id, start, finish in
            BaselineTask.objects.filter(baseline__in=latest.values(), task__isnull=False)
            .values_list("task_id", "start", "finish")}


def dependency_queryset() -> QuerySet[Dependency]:
    return Dependency.objects.select_related("predecessor__project__program", "successor__project__program")


def dependencies_of(user, project: Project) -> QuerySet[Dependency]:
    """Links with an end in the project (the other end may be in any project)."""
    return dependency_policy.visible(user, Dependency.objects.filter(
        Q(predecessor__project=project) | Q(successor__project=project))).order_by("pk")


def baseline_queryset() -> QuerySet[Baseline]:
    return Baseline.objects.select_related("project").prefetch_related(
        Prefetch("tasks", queryset=BaselineTask.objects.order_by("pk")))


def baseline_detail(user, pk) -> Baseline:
    """The baseline with each recorded task beside the task as it is now (variance), in two queries."""
    return baseline_policy.get(user, queryset=Baseline.objects.select_related("project__program", "set_by")
                               .prefetch_related(Prefetch("tasks", queryset=BaselineTask.objects
                                                          .select_related("task").order_by("pk"))), pk=pk)


def latest_baseline(project: Project) -> Baseline | None:
    return Baseline.objects.filter(project=project).order_by("-created_at", "-pk").first()


def interface_queryset() -> QuerySet[Interface]:
    return Interface.objects.select_related("provider__program", "consumer__program", "provider_task",
                                            "consumer_task", "owner")


def interfaces_for(user, *, project_id: int | None = None, program: Program | None = None) -> QuerySet[Interface]:
    queryset = interface_policy.visible(user, interface_queryset())
    if project_id is not None:
        queryset = queryset.filter(Q(provider_id=project_id) | Q(consumer_id=project_id))
    if program is not None:
        queryset = queryset.filter(Q(provider__program=program) | Q(consumer__program=program))
    return queryset.order_by("need_by", "pk")


def baselines_for(user, project: Project) -> QuerySet[Baseline]:
    return baseline_policy.visible(user, Baseline.objects.filter(project=project).select_related("set_by"))


def milestones_of(user, program: Program) -> QuerySet[Task]:
    """The milestones of the program's visible projects, for the roadmap."""
    return (Task.objects.filter(project__program=program, project__in=visible_project_ids(user), is_milestone=True)
            .select_related("project").order_by("finish", "project__code", "order"))


def calendar_detail(user, pk) -> Calendar:
    return calendar_policy.get(user, queryset=Calendar.objects.select_related("project__program")
                               .prefetch_related("exceptions"), pk=pk)


def visible_project_id_set(user) -> set[int]:
    """Ids of the projects the user sees, to link only what they can open (one query)."""
    return set(project_policy.visible(user).values_list("pk", flat=True))
