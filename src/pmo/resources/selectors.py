"""Reads of the pool, assignments, capacity and leveling runs, starting from what the user may see.

Capacity is computed from four queries whatever the size (resources, leave, skills, assignments with their task
dates) into numpy per-day arrays (:mod:`pmo.engine.capacity`), then summed into weeks or months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.db.models import Count, Prefetch, Q, QuerySet

from pmo.engine import capacity as cap
from pmo.planning.models import Task
from pmo.planning.policies import visible_project_ids
from pmo.portfolio.models import Project

from .models import (
    Assignment,
    CostRate,
    Leave,
    LevelingRun,
    Organisation,
    Resource,
    ResourceKind,
    ResourceSkill,
    Skill,
    Team,
)
from .policies import assignment_policy, rate_policy, resource_policy, run_policy, skill_policy, team_policy

# --- the pool ----------------------------------------------------------------------------------------


def resources_for(user) -> QuerySet[Resource]:
    return resource_policy.visible(user).select_related("team", "organisation", "user").prefetch_related(
        Prefetch("skills", queryset=ResourceSkill.objects.select_related("skill")))


def resource_detail(user, pk) -> Resource:
    return resource_policy.get(user, queryset=resource_policy.visible(user).select_related("team", "organisation",
                                                                                           "user"), pk=pk)


def skills_of(resource: Resource) -> list[ResourceSkill]:
    return list(resource.skills.select_related("skill"))


def leave_of(resource: Resource) -> list[Leave]:
    return list(resource.leave.order_by("start"))


def rates_of(user, resource: Resource) -> list[CostRate] | None:
    """The resource's cost rates, newest first, or None when the user may not see rates."""
    if not rate_policy.can_list(user):
        return None
    return list(resource.rates.order_by("-effective_from"))


def rate_on(resource_id: int, day: date) -> CostRate | None:
    """The cost rate in force on ``day`` (what the finance app reads for labour cost)."""
    return CostRate.objects.filter(resource_id=resource_id, effective_from__lte=day).order_by("-effective_from").first()


def teams_for(user) -> QuerySet[Team]:
    return team_policy.visible(user).select_related("organisation").annotate(
        size=Count("members", filter=Q(members__active=True)))


def skills_for(user) -> QuerySet[Skill]:
    return skill_policy.visible(user).annotate(
        people=Count("holders", filter=Q(holders__resource__kind=ResourceKind.PERSON, holders__resource__active=True)),
        roles=Count("holders", filter=Q(holders__resource__kind=ResourceKind.ROLE)))


def holders_of(skill: Skill) -> list[ResourceSkill]:
    return list(skill.holders.select_related("resource", "resource__team").order_by("-level", "resource__name"))


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(team_count=Count("teams", distinct=True),
                                         people_count=Count("people", distinct=True))


# --- assignments -------------------------------------------------------------------------------------


def assignment_queryset() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("task", "task__project", "task__project__program", "resource",
                                             "filled_from")


def assignments_for(user) -> QuerySet[Assignment]:
    return assignment_policy.visible(user, assignment_queryset())


def assignments_of_task(user, task: Task) -> list[Assignment]:
    """What the task page lists under "Resources" (registered in planning.selectors.TASK_LINKS)."""
    return list(assignments_for(user).filter(task=task).order_by("resource__name"))


def assignments_of_project(user, project: Project) -> QuerySet[Assignment]:
    return assignments_for(user).filter(task__project=project).order_by("task__order", "task__pk",
                                                                        "resource__name")


def assignments_of_resource(user, resource: Resource) -> QuerySet[Assignment]:
    return assignments_for(user).filter(resource=resource).order_by("task__start", "task__pk")


def open_demand(user, project: Project | None = None) -> QuerySet[Assignment]:
    qs = assignments_for(user).filter(resource__kind=ResourceKind.ROLE)
    return qs.filter(task__project=project) if project is not None else qs


def people_for_fill(role: Resource) -> list[Resource]:
    """Active people, those with the role's skills (at its levels) first."""
    needed = {rs.skill_id: rs.level for rs in role.skills.all()}
    people = list(Resource.objects.filter(kind=ResourceKind.PERSON, active=True)
                  .prefetch_related("skills").order_by("name"))
    for person in people:
        held = {rs.skill_id: rs.level for rs in person.skills.all()}
        person.fit = sum(1 for s, level in needed.items() if held.get(s, 0) >= level)
    return sorted(people, key=lambda p: (-p.fit, p.name))


# --- leveling runs -----------------------------------------------------------------------------------


def runs_for(user) -> QuerySet[LevelingRun]:
    return run_policy.visible(user).select_related("project", "project__program", "decided_by", "created_by")


def runs_of_project(user, project: Project) -> QuerySet[LevelingRun]:
    return runs_for(user).filter(project=project)


# --- capacity ----------------------------------------------------------------------------------------


def resource_rows(resources) -> list[cap.ResourceRow]:
    return [cap.ResourceRow(id=r.pk, max_units=float(r.max_units), hours_per_day=float(r.hours_per_day),
                            weekmask=r.weekmask, country=r.holiday_country, subdivision=r.holiday_subdivision,
                            leave=tuple((lv.start, lv.finish) for lv in r.leave.all()))
            for r in resources]


GRAINS = ("week", "month")
GROUPS = ("person", "team", "skill")
#: the longest window the heat map shows (days); past it the page asks for a shorter one
MAX_WINDOW = 3 * 366
MAX_DELAY = 730


@dataclass
class Scenario:
    """A what-if: people added, projects delayed (calendar days) or dropped; nothing is written."""

    add: list[tuple[str, int | None, Decimal]] = field(default_factory=list)  # (name, skill id, units)
    delay: dict[int, int] = field(default_factory=dict)
    drop: set[int] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.add or self.delay or self.drop)


@dataclass
class Row:
    key: str
    label: str
    url: str
    kind: str
    capacity: np.ndarray
    load: np.ndarray
    over_days: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def cells(self) -> list[dict]:
        out = []
        for c, load, over in zip(self.capacity, self.load, self.over_days, strict=True):
            pct = None if c <= 0 else 100 * load / c
            level = ("over" if over > 0 else "none" if load <= 0 else "high" if pct and pct >= 85
                     else "mid" if pct and pct >= 50 else "low")
            out.append({"capacity": c, "load": load, "pct": pct, "over_days": int(over), "level": level})
        return out

    @property
    def total_over(self) -> int:
        return int(self.over_days.sum())


@dataclass
class Capacity:
    first: date
    last: date
    grain: str
    buckets: list[date]
    rows: list[Row]
    grid: cap.Grid
    resources: list[Resource]
    rows_by_resource: dict[int, int]
    assignments: list[tuple]

    @property
    def over_people(self) -> list[Row]:
        return [r for r in self.rows if r.total_over and r.kind == "person"]


def window(start: date | None, count: int = 6, grain: str = "month") -> tuple[date, date]:
    """The first and last day of ``count`` months (or weeks) from the one holding ``start`` (default today)."""
    start = start or date.today()
    if grain == "week":
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=7 * count - 1)
    first = start.replace(day=1)
    month = first.month - 1 + count
    return first, date(first.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def bucketed(grid: cap.Grid, first: date, last: date, grain: str) -> tuple[list[date], np.ndarray, np.ndarray,
                                                                          np.ndarray]:
    """(bucket starts, capacity hours, load hours, over-allocated days) per resource and week or month."""
    buckets = cap.bucket_starts(first, last, grain)
    return (buckets, cap.by_bucket(grid.capacity, first, buckets), cap.by_bucket(grid.load, first, buckets),
            cap.by_bucket(grid.over.astype(np.int64), first, buckets))


def _bucket_days(buckets: list[date], first: date, bucket: int, days: int) -> tuple[int, int]:
    """Grid days ``lo .. hi - 1`` (from ``first``) of bucket ``bucket``."""
    lo = max((buckets[bucket] - first).days, 0)
    return lo, (buckets[bucket + 1] - first).days if bucket + 1 < len(buckets) else days


@dataclass
class OverWeek:
    """A resource over-allocated in a week: its load and capacity (hours) and the assignments loading it."""

    resource_id: int
    week: date
    load: float
    capacity: float
    assignments: list[int]

    @property
    def pct(self) -> float | None:
        return None if self.capacity <= 0 else 100 * self.load / self.capacity


def over_allocated_weeks(resources: list[Resource], assignments: list[cap.AssignmentRow], *,
                         first: date, last: date) -> list[OverWeek]:
    """The weeks (Monday starts) ``first .. last`` in which a resource has a day loaded beyond its capacity, from
    ``assignments`` dated as the caller says (a plan of record or a what-if schedule; the heat map's engine)."""
    grid = cap.grid(resource_rows(resources), assignments, first, last)
    buckets, c, load, over = bucketed(grid, first, last, "week")
    by_resource: dict[int, list[int]] = {}
    for a in assignments:
        if a.id in grid.spans:
            by_resource.setdefault(grid.spans[a.id][0], []).append(a.id)
    out = []
    for k, b in zip(*np.nonzero(over > 0), strict=True):
        lo, hi = _bucket_days(buckets, first, int(b), grid.days)
        loading = [a for a in by_resource.get(int(k), []) if grid.hours_in(a, lo, hi) > 0]
        out.append(OverWeek(grid.resource_ids[k], buckets[b], float(load[k, b]), float(c[k, b]), loading))
    return out


def _assignment_rows(scenario: Scenario) -> list[tuple]:
    """(id, resource, task, project, program, start, finish, units, work, effort) of every dated assignment."""
    rows = list(Assignment.objects.filter(task__start__isnull=False, task__finish__isnull=False)
                .values_list("pk", "resource_id", "task_id", "task__project_id", "task__project__program_id",
                             "task__start", "task__finish", "units", "work", "effort_driven"))
    out = []
    for pk, resource, task, project, program, start, finish, units, work, effort in rows:
        if project in scenario.drop:
            continue
        shift = timedelta(days=scenario.delay.get(project, 0))
        out.append((pk, resource, task, project, program, start + shift, finish + shift, units, work, effort))
    return out


def capacity(user, *, first: date, last: date, grain: str = "month", group: str = "person",
             scenario: Scenario | None = None) -> Capacity:
    """Capacity and load of the whole pool across all programs (the person is shared: load from programs the user
    cannot see counts too; the drill-down names only the tasks they can see). Four queries."""
    scenario = scenario or Scenario()
    resources = list(Resource.objects.filter(active=True).select_related("team")
                     .prefetch_related("leave", Prefetch("skills", queryset=ResourceSkill.objects.select_related(
                         "skill"))).order_by("kind", "name", "pk"))
    for k, (name, skill_id, units) in enumerate(scenario.add):
        extra = Resource(pk=-(k + 1), kind=ResourceKind.PERSON, name=f"{name} (what-if)", max_units=units)
        extra.what_if_skill = skill_id
        resources.append(extra)
    rows_in = resource_rows([r for r in resources if r.pk > 0]) + [
        cap.ResourceRow(id=r.pk, max_units=float(r.max_units), hours_per_day=float(r.hours_per_day))
        for r in resources if r.pk < 0]
    assignments = _assignment_rows(scenario)
    grid = cap.grid(rows_in, [cap.AssignmentRow(id=a[0], resource_id=a[1], start=a[5], finish=a[6],
                                                units=float(a[7]), work=float(a[8]), effort_driven=a[9])
                              for a in assignments], first, last)
    buckets, c, load, over = bucketed(grid, first, last, grain)
    rows: list[Row] = []
    index = {r.pk: k for k, r in enumerate(resources)}
    if group == "person":
        for k, r in enumerate(resources):
            url = r.get_absolute_url() if r.pk > 0 else ""
            rows.append(Row(f"r{r.pk}", r.name, url, r.kind, c[k], load[k], over[k],
                            {"team": r.team.name if r.team_id else "", "resource": r.pk}))
    elif group == "team":
        teams: dict = {}
        for k, r in enumerate(resources):
            if r.kind == ResourceKind.PERSON:
                teams.setdefault(r.team if r.team_id else None, []).append(k)
        for team, ks in sorted(teams.items(), key=lambda item: (item[0] is None, str(item[0] or ""))):
            rows.append(Row(f"t{team.pk if team else 0}", team.name if team else "No team",
                            team.get_absolute_url() if team else "", "team", c[ks].sum(0), load[ks].sum(0),
                            over[ks].sum(0), {"people": len(ks)}))
    else:
        skills: dict = {}
        for k, r in enumerate(resources):
            ids = [rs.skill for rs in r.skills.all()] if r.pk > 0 else (
                [Skill.objects.get(pk=r.what_if_skill)] if r.what_if_skill else [])
            for skill in ids:
                skills.setdefault(skill, {"people": [], "roles": []})["roles" if r.is_role else "people"].append(k)
        for skill, ks in sorted(skills.items(), key=lambda item: item[0].name):
            people, roles = ks["people"], ks["roles"]
            zero = np.zeros(len(buckets))
            demand = load[roles].sum(0) if roles else zero
            rows.append(Row(f"s{skill.pk}", skill.name, skill.get_absolute_url(), "skill",
                            c[people].sum(0) if people else zero, load[people].sum(0) if people else zero,
                            over[people].sum(0) if people else zero,
                            {"people": len(people), "demand": demand, "total": (load[people].sum(0) if people
                                                                               else zero) + demand}))
    return Capacity(first, last, grain, buckets, rows, grid, resources, index, assignments)


def drill(user, result: Capacity, resource_ids: list[int], bucket: int) -> tuple[list[dict], float]:
    """The tasks behind one heat-map cell: (visible tasks with their hours in the bucket, hours on hidden tasks)."""
    lo, hi = _bucket_days(result.buckets, result.first, bucket, result.grid.days)
    wanted = set(resource_ids)
    hours: dict[int, float] = {}
    rows = {}
    for a in result.assignments:
        if a[1] in wanted and a[0] in result.grid.spans:
            h = result.grid.hours_in(a[0], lo, hi)
            if h > 0:
                hours[a[0]] = h
                rows[a[0]] = a
    visible = set(visible_project_ids(user).values_list("pk", flat=True)) if rows else set()
    shown = {a.pk: a for a in assignment_queryset().filter(pk__in=[k for k, a in rows.items() if a[3] in visible])}
    items = [{"assignment": shown[k], "hours": hours[k]} for k in sorted(shown, key=lambda k: -hours[k])]
    hidden = sum(h for k, h in hours.items() if k not in shown)
    return items, hidden
