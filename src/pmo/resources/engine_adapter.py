"""Between the pool and the leveling engine (:mod:`pmo.engine.leveling`): a project's plan and assignments become a
:class:`~pmo.engine.leveling.Problem` in working days of the project's calendar, and the engine's result becomes a
proposal of dates.

* Periods are working days of the project calendar from the earliest task start (period 0). Task calendars are
  ignored: every task is measured on the project calendar (a task with its own calendar keeps the length its
  current dates have in project working days). A task keeps the
  length of its current schedule (working days from its start to its finish) and may not start before its early
  start (which carries its constraints, the status date and links from other projects); a deadline or a
  finish-no-later-than constraint becomes its deadline; a task already started is pinned where it is; finished
  tasks, summaries and links that touch them are left out.
* Each resource assigned in the project is an engine resource measured in hundredths of a unit (a full-time
  person is 100 per day). Its capacity per period is its maximum units on the days it works (its weekmask,
  public holidays and leave), less what other projects' assignments already load on it that day, so leveling
  one project respects the others. After the horizon the full capacity holds.
* A task's request is its assignments' units (x 100).

The snapshot is frozen in the run at start (JSON), so the job levels exactly the plan the user saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from pmo.engine import capacity as cap
from pmo.planning.engine_adapter import work_calendar
from pmo.planning.models import Dependency, Task
from pmo.planning.services import project_calendar
from pmo.portfolio.models import Project

from .models import Assignment, Resource
from .selectors import resource_rows

if TYPE_CHECKING:
    from pmo.engine import leveling

#: periods of capacity given to the engine beyond the current finish (after them the full capacity holds)
HORIZON_MARGIN = 260
MAX_HORIZON = 6000
MAX_TASKS = 5000


def _calendar_spec(project: Project) -> dict:
    calendar = project_calendar(project)
    if calendar is None:
        return {"id": None, "weekmask": "1111100", "working_times": "", "country": "", "subdivision": "",
                "exceptions": []}
    return {"id": calendar.pk, "weekmask": calendar.weekmask, "working_times": calendar.working_times,
            "country": calendar.holiday_country, "subdivision": calendar.holiday_subdivision,
            "exceptions": [[e.start.isoformat(), e.finish.isoformat(), e.working] for e in calendar.exceptions.all()]}


def _work_calendar(spec: dict, first: date, last: date):
    from pmo.planning.models import Calendar

    if spec["id"] is None:
        return work_calendar(None, first_year=first.year - 1, last_year=last.year + 3)
    calendar = Calendar(weekmask=spec["weekmask"], working_times=spec["working_times"],
                        holiday_country=spec["country"], holiday_subdivision=spec["subdivision"])
    exceptions = [(date.fromisoformat(s), date.fromisoformat(f), w) for s, f, w in spec["exceptions"]]
    return work_calendar(calendar, exceptions=exceptions, first_year=first.year - 1, last_year=last.year + 3)


def snapshot(project: Project) -> dict:
    """The project's schedulable tasks, links, assignments and each assigned resource's free capacity per period."""
    tasks = list(Task.objects.filter(project=project, is_summary=False).order_by("order", "pk")
                 .values("pk", "name", "wbs", "code", "version", "start", "finish", "early_start", "duration",
                         "is_milestone", "actual_start", "actual_finish", "percent_complete", "deadline",
                         "constraint_type", "constraint_date"))
    if len(tasks) > MAX_TASKS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"project": f"{project.code} has {len(tasks):,} tasks: leveling takes at most "
                                          f"{MAX_TASKS:,}"})
    open_tasks = [t for t in tasks if t["start"] and t["finish"] and not t["actual_finish"]
                  and float(t["percent_complete"] or 0) < 100]
    spec = _calendar_spec(project)
    if not open_tasks:
        return {"calendar": spec, "origin": None, "tasks": [], "links": [], "resources": [], "requests": {}}
    origin = min(t["start"] for t in open_tasks)
    latest = max(t["finish"] for t in open_tasks)
    calendar = _work_calendar(spec, origin, latest + timedelta(days=MAX_HORIZON * 2))
    o0 = calendar.offset(origin)
    ids = {t["pk"] for t in open_tasks}
    rows = []
    for t in open_tasks:
        start = int(round(calendar.offset(t["start"]) - o0))
        length = 0 if t["is_milestone"] else max(int(round(calendar.offset(t["finish"], finish=True) - o0)) - start,
                                                  1 if float(t["duration"]) > 0 else 0)
        early = t["early_start"] or t["start"]
        deadline_dates = [d for d in (t["deadline"], t["constraint_date"] if t["constraint_type"] in ("FNLT", "MFO")
                                      else None) if d]
        deadline = int(round(calendar.offset(min(deadline_dates), finish=True) - o0)) if deadline_dates else None
        rows.append({
            "id": t["pk"], "name": t["name"], "wbs": t["code"] or t["wbs"], "version": t["version"],
            "start": t["start"].isoformat(), "finish": t["finish"].isoformat(), "period": start, "duration": length,
            "earliest": max(0, min(start, int(round(calendar.offset(early) - o0)))),
            "deadline": None if deadline is None else max(deadline, 0),
            "pinned": bool(t["actual_start"]), "constraint": t["constraint_type"],
        })
    links = [[p, s, kind, int(round(float(lag)))] for p, s, kind, lag in
             Dependency.objects.filter(predecessor__in=ids, successor__in=ids).order_by("pk")
             .values_list("predecessor_id", "successor_id", "type", "lag")]
    assignments = list(Assignment.objects.filter(task__in=ids).values_list("task_id", "resource_id", "units"))
    resource_ids = sorted({r for _, r, _ in assignments})
    requests: dict[str, dict[str, int]] = {}
    for task_id, resource_id, units in assignments:
        requests.setdefault(str(task_id), {})[f"r{resource_id}"] = int(round(float(units) * 100))
    horizon = min(max(r["period"] + r["duration"] for r in rows) * 2 + HORIZON_MARGIN, MAX_HORIZON)
    return {"calendar": spec, "origin": origin.isoformat(), "tasks": rows, "links": links,
            "resources": _free_capacity(project, resource_ids, calendar, o0, horizon), "requests": requests}


def _free_capacity(project: Project, resource_ids: list[int], calendar, o0: float, horizon: int) -> list[dict]:
    """Per resource: its name, full units (x 100) and free units per period (x 100) after other projects' load."""
    if not resource_ids:
        return []
    resources = list(Resource.objects.filter(pk__in=resource_ids).prefetch_related("leave").order_by("pk"))
    days = calendar.dates(o0 + np.arange(horizon))
    first, last = days[0].astype(object), days[-1].astype(object)
    others = [cap.AssignmentRow(id=pk, resource_id=r, start=s, finish=f, units=float(u), work=float(w),
                                effort_driven=e)
              for pk, r, s, f, u, w, e in Assignment.objects.filter(resource__in=resource_ids)
              .exclude(task__project=project).filter(task__start__isnull=False, task__finish__isnull=False,
                                                     task__start__lte=last, task__finish__gte=first)
              .values_list("pk", "resource_id", "task__start", "task__finish", "units", "work", "effort_driven")]
    grid = cap.grid(resource_rows(resources), others, first, last)
    index = (days - np.datetime64(first, "D")).astype(np.int64)
    out = []
    for k, resource in enumerate(resources):
        hpd = float(resource.hours_per_day)
        full = int(round(float(resource.max_units) * 100))
        free = np.floor((grid.capacity[k, index] - grid.load[k, index]) / hpd * 100 + 1e-6)
        profile = np.clip(free, 0, full).astype(int).tolist()
        out.append({"id": f"r{resource.pk}", "pk": resource.pk, "name": resource.name, "full": full,
                    "capacity": [*profile, full]})
    return out


def problem(inputs: dict, *, priority_tasks=()) -> leveling.Problem:
    from pmo.engine import leveling

    priority = set(priority_tasks)
    requests = inputs["requests"]
    activities = []
    for t in inputs["tasks"]:
        pinned = t["pinned"]
        activities.append(leveling.Activity(
            id=str(t["id"]), duration=t["duration"], requests=requests.get(str(t["id"]), {}),
            earliest_start=t["period"] if pinned else t["earliest"],
            deadline=t["period"] + t["duration"] if pinned else t["deadline"],
            priority=1 if t["id"] in priority else 0,
        ))
    links = [leveling.Link(str(p), str(s), kind, lag) for p, s, kind, lag in inputs["links"]]
    resources = [leveling.Resource(r["id"], r["capacity"]) for r in inputs["resources"]]
    return leveling.Problem(activities=activities, links=links, resources=resources)


def _over_periods(inputs: dict, starts: dict[str, int]) -> dict[str, int]:
    """Resource -> periods loaded above its free capacity, for a schedule of period starts."""
    out = {}
    for r in inputs["resources"]:
        capacity = np.asarray(r["capacity"], dtype=np.int64)
        length = max([len(capacity), *(starts[str(t["id"])] + t["duration"] + 1 for t in inputs["tasks"])])
        avail = np.concatenate([capacity, np.full(length - len(capacity), capacity[-1])])
        load = np.zeros(length + 1, dtype=np.int64)
        for t in inputs["tasks"]:
            q = inputs["requests"].get(str(t["id"]), {}).get(r["id"], 0)
            if q and t["duration"]:
                s = starts[str(t["id"])]
                load[s] += q
                load[s + t["duration"]] -= q
        over = int((np.cumsum(load)[:length] > avail).sum())
        if over:
            out[r["name"]] = over
    return out


def results(inputs: dict, result: leveling.Result) -> dict:
    """The proposal as JSON: each task's dates before and after, the finish before and after, the solver's
    status, lower bound and gap, the over-allocations before and after."""
    origin = date.fromisoformat(inputs["origin"])
    last = origin + timedelta(days=int(result.makespan * 7 / 5) + 400 + MAX_HORIZON)
    calendar = _work_calendar(inputs["calendar"], origin, last)
    o0 = calendar.offset(origin)
    tasks = []
    for t in inputs["tasks"]:
        s = result.starts[str(t["id"])]
        # a milestone after period 0 is dated on the working day that ends where it sits, as the scheduler
        # dates a milestone after its predecessor's finish
        start = calendar.date_of(o0 + s, finish=not t["duration"] and s > 0)
        finish = calendar.date_of(o0 + s + t["duration"], finish=True) if t["duration"] else start
        tasks.append({"id": t["id"], "name": t["name"], "wbs": t["wbs"], "version": t["version"],
                      "before": [t["start"], t["finish"]], "after": [start.isoformat(), finish.isoformat()],
                      "shift": s - t["period"], "pinned": t["pinned"], "constraint": t["constraint"]})
    before_finish = max((t["before"][1] for t in tasks), default=None)
    after_finish = max((t["after"][1] for t in tasks), default=None)
    names = {r["id"]: r["name"] for r in inputs["resources"]}
    current = {str(t["id"]): t["period"] for t in inputs["tasks"]}
    return {
        "status": str(result.status), "makespan": result.makespan, "lower_bound": result.lower_bound,
        "gap": result.gap, "unleveled_makespan": result.unleveled_makespan, "schedules": result.schedules,
        "elapsed": round(result.elapsed, 3), "solver_time": round(result.solver_time, 3),
        "cancelled": result.cancelled, "late": [int(a) for a in result.late],
        "current_makespan": max((t["period"] + t["duration"] for t in inputs["tasks"]), default=0),
        "finish_before": before_finish, "finish_after": after_finish,
        "over_before": _over_periods(inputs, current), "over_after": _over_periods(inputs, result.starts),
        "remaining": [{"resource": names.get(o.resource, o.resource), "start": o.start, "finish": o.finish,
                       "peak": o.peak, "capacity": o.capacity} for o in result.over_allocations],
        "tasks": tasks,
    }


@dataclass(frozen=True)
class Move:
    task_id: int
    name: str
    version: int
    start: date


def changes_since(run) -> list[str]:
    """What in the project's plan differs from the run's frozen inputs (empty: the proposal still applies):
    tasks added, removed or changed (their version), links and assignments added, removed or changed."""
    frozen, now = run.inputs or {}, snapshot(run.project)
    out = []
    before = {t["id"]: t for t in frozen.get("tasks", [])}
    after = {t["id"]: t for t in now["tasks"]}
    for pk in sorted(set(before) | set(after)):
        if pk not in after or pk not in before or after[pk]["version"] != before[pk]["version"]:
            t = after.get(pk) or before[pk]
            out.append(f"{t['wbs']} {t['name']}".strip())
    if sorted(map(tuple, frozen.get("links", []))) != sorted(map(tuple, now["links"])):
        out.append("the links")
    if frozen.get("requests", {}) != now["requests"]:
        out.append("the assignments")
    return out


def moves(run) -> list[Move]:
    """The tasks the proposal starts later than the plan of record (pinned, started tasks never move)."""
    out = []
    for t in (run.results or {}).get("tasks", []):
        after, before = date.fromisoformat(t["after"][0]), date.fromisoformat(t["before"][0])
        if after > before and not t["pinned"]:
            out.append(Move(t["id"], f"{t['wbs']} {t['name']}".strip(), t["version"], after))
    return out


def level(run, *, progress=None, cancel=None, workers: int = 2) -> dict:
    """Level a run's frozen inputs (the job and ``pmo level`` call this); ``workers`` are CP-SAT's threads."""
    from pmo.engine import leveling

    inputs = run.inputs
    if not inputs.get("tasks"):
        raise leveling.LevelingError(f"{run.project.code} has no open scheduled tasks to level")
    result = leveling.level(problem(inputs, priority_tasks=run.priority_tasks), mode=run.mode,
                            within_float=run.within_float, time_limit=float(run.time_limit), progress=progress,
                            cancel=cancel, workers=workers)
    return results(inputs, result)
