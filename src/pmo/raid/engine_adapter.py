"""Rows -> Monte Carlo engine input, and engine results -> the JSON a run stores. The one place raid
meets :mod:`pmo.engine.montecarlo`.

A run's network is frozen into ``SimulationRun.inputs`` when it starts (:func:`snapshot`), so the
job, the CLI and a later re-read all see the same figures. The snapshot is plain JSON:

``start``            the date working-day offset 0 stands for (ISO date)
``weekmask``         numpy weekmask of the working week (Monday first)
``holidays``         ISO dates that are not worked
``activities``       ``[{"id", "name", "min", "most_likely", "max", "distribution"}]`` (working days)
``links``            ``[{"pred", "succ", "type", "lag"}]``
``milestones``       ``[{"id", "name"}]``
``risks``            ``[{"id", "title", "probability" (fraction), "kind", "activity_ids",
                     "schedule_min", "schedule_most_likely", "schedule_max", "cost_min", ...}]``
``target_offset``    working-day offset of the target date, or null
``source``           ``"projects"`` (see below) or ``"planning"``

Network source (:func:`network_rows`). A project with planning tasks contributes its leaf tasks
(durations -> most likely; a :class:`~pmo.raid.models.TaskEstimate` gives the three points,
otherwise the default spread of -10 % / +30 %, :data:`DEFAULT_SPREAD`; finished tasks count 0,
started ones their remaining duration) and its dependencies. A project without tasks but with
start and finish dates is one activity. Every project hangs from a zero-length ``START`` by a
start-to-start lag equal to its planned start offset and feeds a zero-length ``FINISH``. A risk's
schedule impact lengthens the tasks it is linked to, else its project's end, else (program-level
risks) ``FINISH``. Work not finished cannot start before today; a task's planned cost is a fixed
cost of its activity, so the cost distribution is planned cost plus risk costs. Limits: task
constraints, elapsed durations, resource levelling and links to
work outside the simulated scope are not modelled; dates use the first project calendar's week
and non-working days.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone

from pmo.engine.montecarlo import (
    RiskEvent,
    SimActivity,
    SimLink,
    SimulationInput,
    SimulationInputError,
    SimulationResult,
    Target,
)
from pmo.planning.engine_adapter import work_calendar
from pmo.planning.models import Calendar, Dependency, Task
from pmo.portfolio.models import Program, Project

from .models import ACTIVE_RISK_STATUSES, Risk

#: (min, max) as multiples of the most likely duration when no three-point estimate is stored
DEFAULT_SPREAD = (0.9, 1.3)
WEEKMASK = "1111100"
START, FINISH = "START", "FINISH"
HISTOGRAM_BINS = 40
HORIZON_YEARS = 6
MAX_MILESTONES = 8


class _Days:
    """Working days of the run's calendar (weekmask + holidays), for offsets of planned dates."""

    def __init__(self, weekmask: str, holidays: list[str]):
        self.weekmask, self.holidays = weekmask, holidays

    def between(self, start: date, end: date) -> int:
        """Working days in [start, end)."""
        return int(np.busday_count(start, end, weekmask=self.weekmask, holidays=self.holidays))


def _calendar(projects: list[Project], start: date) -> tuple[str, list[str]]:
    """Weekmask and non-working dates (public holidays, exceptions) of the first project calendar, or Mon-Fri."""
    calendar = Calendar.objects.filter(project__in=projects).prefetch_related("exceptions").order_by("pk").first()
    if calendar is None:
        return WEEKMASK, []
    work = work_calendar(calendar, first_year=start.year - 1, last_year=start.year + HORIZON_YEARS)
    holidays = []
    day, last = start - timedelta(days=366), date(start.year + HORIZON_YEARS, 12, 31)
    while day <= last:
        if work.weekmask[day.weekday()] == "1" and not work.is_working(day):
            holidays.append(day.isoformat())
        day += timedelta(days=1)
    return work.weekmask, holidays


def _spread(likely: float) -> tuple[float, float]:
    low, high = DEFAULT_SPREAD
    return round(likely * low, 2), round(likely * high, 2)


def _task_estimate(task: Task) -> dict:
    """Three-point estimate of a leaf task: its TaskEstimate, or its (remaining) duration with the default spread."""
    if task.actual_finish:
        return {"min": 0, "most_likely": 0, "max": 0, "distribution": "triangular"}
    if task.is_milestone:
        return {"min": 0, "most_likely": 0, "max": 0, "distribution": "triangular"}
    estimate = getattr(task, "estimate", None)
    if task.actual_start:
        remaining = (float(task.remaining) if task.remaining is not None
                     else float(task.duration) * (1 - float(task.percent_complete) / 100))
        low, high = _spread(remaining)
        return {"min": low, "most_likely": round(remaining, 2), "max": high, "distribution": "pert"}
    if estimate is not None:
        return {"min": float(estimate.min), "most_likely": float(estimate.most_likely), "max": float(estimate.max),
                "distribution": estimate.distribution}
    likely = float(task.duration)
    low, high = _spread(likely)
    return {"min": low, "most_likely": likely, "max": high, "distribution": "pert"}


def network_rows(program: Program, project: Project | None) -> dict:
    """Activities, links, milestones, calendar and start date of the scope (see the module docstring).

    A project with planning tasks contributes its leaf tasks (``T<id>``), its dependencies (a link
    to or from a summary task stands for links to or from all its leaves) and a zero-length
    ``E<project id>`` end that its last tasks feed; a project without tasks but with dates
    contributes one activity ``P<id>``. Everything starts from ``START`` (by a start-to-start lag of
    the project's planned start) and ends in ``FINISH``. Dependencies to work outside the scope are
    left out. A fixed number of queries whatever the size.
    """
    projects = list(Project.objects.filter(program=program).exclude(status="cancelled").order_by("start", "code"))
    if project is not None:
        projects = [p for p in projects if p.pk == project.pk]
    tasks = list(Task.objects.filter(project__in=projects).select_related("estimate").order_by("project_id",
                                                                                               "order", "pk"))
    by_project: dict[int, list[Task]] = {}
    for task in tasks:
        by_project.setdefault(task.project_id, []).append(task)
    starts = {}
    for p in projects:
        first = min((t.start for t in by_project.get(p.pk, []) if t.start), default=None)
        begin = p.start or first or program.start
        if begin and (by_project.get(p.pk) or p.finish):
            starts[p.pk] = begin
    projects = [p for p in projects if p.pk in starts]
    if not projects:
        raise ValidationError({"project" if project else "program":
                               "nothing to simulate: no project with tasks or with start and finish dates"})
    start = min(starts.values())
    weekmask, holidays = _calendar(projects, start)
    days = _Days(weekmask, holidays)
    activities = [{"id": START, "name": "Start", "min": 0, "most_likely": 0, "max": 0, "distribution": "triangular"}]
    links, milestones, project_activity, open_milestones = [], [], {}, []
    today = timezone.localdate()
    today_lag = days.between(start, today) if today > start else 0
    parents = {t.parent_id for t in tasks if t.parent_id}
    children: dict[int, list[int]] = {}
    for task in tasks:
        if task.parent_id:
            children.setdefault(task.parent_id, []).append(task.pk)

    def leaves(pk: int) -> list[int]:
        if pk not in parents:
            return [pk]
        return [leaf for child in children.get(pk, []) for leaf in leaves(child)]

    leaf_ids: dict[int, str] = {}
    for p in projects:
        lag = days.between(start, starts[p.pk])
        own = [t for t in by_project.get(p.pk, []) if t.pk not in parents]
        if not own:
            likely = max(days.between(p.start, p.finish + timedelta(days=1)), 1)
            low, high = _spread(likely)
            activities.append({"id": f"P{p.pk}", "name": f"{p.code} {p.name}", "min": low, "most_likely": likely,
                               "max": high, "distribution": "pert"})
            links += [{"pred": START, "succ": f"P{p.pk}", "type": "SS", "lag": lag},
                      {"pred": f"P{p.pk}", "succ": FINISH, "type": "FS", "lag": 0}]
            project_activity[str(p.pk)] = f"P{p.pk}"
            continue
        for task in own:
            leaf_ids[task.pk] = f"T{task.pk}"
            activities.append({"id": f"T{task.pk}", "name": f"{p.code} {task.code or task.wbs} {task.name}".strip(),
                               "fixed_cost": float(task.cost or 0), **_task_estimate(task)})
            if task.is_milestone and not task.actual_finish:
                open_milestones.append((task.finish or date.max, task.pk, f"{p.code} {task.name}"))
            if not task.actual_finish and today_lag > lag:
                # work not done yet cannot happen before today
                links.append({"pred": START, "succ": f"T{task.pk}", "type": "SS", "lag": today_lag})
        end = f"E{p.pk}"
        activities.append({"id": end, "name": f"{p.code} end", "min": 0, "most_likely": 0, "max": 0,
                           "distribution": "triangular"})
        project_activity[str(p.pk)] = end
        starts[p.pk] = (lag, [t.pk for t in own], end)
    seen = set()
    task_links = Dependency.objects.filter(predecessor__in=[t.pk for t in tasks], successor__in=[t.pk for t in tasks])
    has_pred, has_succ = set(), set()
    for dep in task_links.order_by("pk"):
        for pred in leaves(dep.predecessor_id):
            for succ in leaves(dep.successor_id):
                if pred == succ or (pred, succ) in seen:
                    continue
                seen.add((pred, succ))
                links.append({"pred": leaf_ids[pred], "succ": leaf_ids[succ], "type": dep.type,
                              "lag": float(dep.lag)})
                has_pred.add(succ)
                has_succ.add(pred)
    for value in starts.values():
        if not isinstance(value, tuple):
            continue
        lag, own, end = value
        for pk in own:
            if pk not in has_pred:
                links.append({"pred": START, "succ": leaf_ids[pk], "type": "SS", "lag": lag})
            if pk not in has_succ:
                links.append({"pred": leaf_ids[pk], "succ": end, "type": "FS", "lag": 0})
        links.append({"pred": end, "succ": FINISH, "type": "FS", "lag": 0})
    activities.append({"id": FINISH, "name": "Finish", "min": 0, "most_likely": 0, "max": 0,
                       "distribution": "triangular"})
    # the key milestones: the last ones still to come
    for _finish, pk, name in sorted(open_milestones)[-MAX_MILESTONES:]:
        milestones.append({"id": f"T{pk}", "name": name})
    milestones.append({"id": FINISH, "name": "Finish"})
    task_activity = {str(pk): [leaf_ids[leaf] for leaf in leaves(pk) if leaf in leaf_ids] for pk in
                     (t.pk for t in tasks)}
    return {"source": "planning" if leaf_ids else "projects", "start": start.isoformat(), "weekmask": weekmask,
            "holidays": holidays, "activities": activities, "links": links, "milestones": milestones,
            "project_activity": project_activity, "task_activity": task_activity}


def risk_rows(program: Program, project: Project | None, project_activity: dict[str, str],
              task_activity: dict[str, list[str]] | None = None) -> list[dict]:
    """Quantified, active risks of the scope as engine risk events (probability as a fraction).

    A risk's schedule impact falls on the tasks it is linked to; without links (or with links to
    work outside the network) on its project's end, and for a program-level risk on ``FINISH``.
    """
    task_activity = task_activity or {}
    risks = Risk.objects.filter(program=program, status__in=ACTIVE_RISK_STATUSES, probability_pct__isnull=False)
    if project is not None:
        risks = risks.filter(project=project)
    rows = []
    for risk in risks.prefetch_related("tasks").order_by("pk"):
        schedule = [float(v) if v is not None else 0.0
                    for v in (risk.schedule_min, risk.schedule_most_likely, risk.schedule_max)]
        cost = [float(v) if v is not None else 0.0 for v in (risk.cost_min, risk.cost_most_likely, risk.cost_max)]
        if not any(schedule) and not any(cost):
            continue
        targets = list(dict.fromkeys(a for t in risk.tasks.all() for a in task_activity.get(str(t.pk), [])))
        if not targets:
            fallback = project_activity.get(str(risk.project_id)) if risk.project_id else FINISH
            targets = [fallback or FINISH]
        rows.append({
            "id": risk.ref, "title": risk.title, "probability": float(risk.probability_pct) / 100.0,
            "kind": risk.kind, "activity_ids": targets if any(schedule) else [],
            "schedule_min": schedule[0], "schedule_most_likely": schedule[1], "schedule_max": schedule[2],
            "cost_min": cost[0], "cost_most_likely": cost[1], "cost_max": cost[2],
        })
    return rows


def snapshot(*, program: Program, project: Project | None = None, target_date: date | None = None) -> dict:
    """The frozen inputs of a run; checked by building the engine input once (bad input -> ValidationError)."""
    data = network_rows(program, project)
    data["risks"] = risk_rows(program, project, data.pop("project_activity"), data.pop("task_activity"))
    start = date.fromisoformat(data["start"])
    if target_date is not None and target_date < start:
        raise ValidationError({"target_date": f"must not be before the start of the work ({start.isoformat()})"})
    data["target_date"] = target_date.isoformat() if target_date else None
    days = _Days(data["weekmask"], data["holidays"])
    data["target_offset"] = days.between(start, target_date + timedelta(days=1)) if target_date else None
    engine_input(data, iterations=1, seed=0)
    return data


def engine_input(data: dict, *, iterations: int, seed: int | None) -> SimulationInput:
    """The engine's input from a snapshot; engine refusals become a ValidationError naming the field."""
    try:
        activities = [SimActivity(a["id"], a["min"], a["most_likely"], a["max"], distribution=a["distribution"],
                                  fixed_cost=a.get("fixed_cost", 0.0)) for a in data["activities"]]
        links = [SimLink(link["pred"], link["succ"], link["type"], link["lag"]) for link in data["links"]]
        risks = [RiskEvent(r["id"], r["probability"], tuple(r["activity_ids"]), r["schedule_min"],
                           r["schedule_most_likely"], r["schedule_max"], r["cost_min"], r["cost_most_likely"],
                           r["cost_max"], kind=r["kind"]) for r in data["risks"]]
        targets = (Target(float(data["target_offset"])),) if data.get("target_offset") is not None else ()
        return SimulationInput(activities, links=links, risks=risks, iterations=iterations, seed=seed,
                               milestones=tuple(m["id"] for m in data["milestones"]), targets=targets)
    except SimulationInputError as exc:
        raise ValidationError({exc.field.split("[")[0]: str(exc)}) from exc


class Dates:
    """Working-day offsets of a snapshot -> calendar dates (an offset ``k`` finishes on working day ``k``)."""

    def __init__(self, data: dict):
        self.start = np.datetime64(data["start"], "D")
        self.weekmask = data.get("weekmask", WEEKMASK)
        self.holidays = data.get("holidays", [])
        self.start = np.busday_offset(self.start, 0, roll="forward", weekmask=self.weekmask, holidays=self.holidays)

    def finish(self, offset: float) -> str:
        days = max(math.ceil(offset - 1e-9) - 1, 0)
        return str(np.busday_offset(self.start, days, weekmask=self.weekmask, holidays=self.holidays))


def _summary(dist, fmt) -> dict:
    return {"p10": fmt(dist.p10), "p50": fmt(dist.p50), "p80": fmt(dist.p80), "p90": fmt(dist.p90),
            "mean": fmt(dist.mean), "planned": fmt(dist.deterministic),
            "prob_planned": round(dist.deterministic_probability, 4),
            "offsets": {"p10": dist.p10, "p50": dist.p50, "p80": dist.p80, "p90": dist.p90, "mean": dist.mean,
                        "planned": dist.deterministic}}


def _histogram(dist, fmt) -> dict:
    edges, counts, cdf = dist.histogram(HISTOGRAM_BINS)
    return {"labels": [fmt(e) for e in edges[1:]], "counts": counts.tolist(),
            "cdf": [round(float(c), 4) for c in cdf]}


def results(data: dict, result: SimulationResult) -> dict:
    """What a run stores: P-values as dates and money, probabilities, histogram + CDF, criticality, tornado."""
    dates = Dates(data)
    names = {a["id"]: a["name"] for a in data["activities"]}
    names |= {r["id"]: r["title"] for r in data["risks"]}
    finish = _summary(result.finish, dates.finish)
    target = result.finish.targets[0][1] if result.finish.targets else None
    finish |= {"prob_target": round(target, 4) if target is not None else None, "target": data.get("target_date"),
               "histogram": _histogram(result.finish, dates.finish)}
    cost = _summary(result.cost, lambda v: round(float(v), 2))
    cost["histogram"] = _histogram(result.cost, lambda v: round(float(v), 0))
    milestones = [{"id": m, "name": names.get(m, m), **_summary(d, dates.finish)}
                  for m, d in sorted(result.milestones.items(), key=lambda item: item[1].deterministic)]
    fixed = {a["id"] for a in data["activities"] if a["max"] == 0}  # milestones, finished work, START/FINISH
    criticality = sorted(({"id": k, "name": names.get(k, k), "value": round(v, 4)}
                          for k, v in result.criticality.items() if k not in fixed),
                         key=lambda row: -row["value"])
    tornado = [{"kind": bar.kind, "id": bar.id, "name": names.get(bar.id, bar.id), "rho": round(bar.rho, 4)}
               for bar in result.tornado[:15]]
    return {"iterations": result.iterations, "seed": result.seed, "unit": "date", "finish": finish,
            "milestones": milestones, "cost": cost, "criticality": criticality[:40], "tornado": tornado}
