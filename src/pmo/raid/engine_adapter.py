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

Network source. Until the ``planning`` app provides tasks and dependencies, the network of a
program is its projects: one activity per project with dates, its most likely duration the
working days from start to finish and a default spread of -10 % / +30 % (:data:`DEFAULT_SPREAD`),
each tied to a zero-length ``START`` by a start-to-start lag equal to the project's planned start
offset, and all feeding a zero-length ``FINISH`` (the program's end milestone). A project-level
risk's schedule impact falls on its project's activity, a program-level risk's on ``FINISH``.
:func:`network_rows` is the interface to swap for planning's tasks: it returns the same
dictionaries whichever source it reads.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
from django.core.exceptions import ValidationError

from pmo.engine.montecarlo import (
    RiskEvent,
    SimActivity,
    SimLink,
    SimulationInput,
    SimulationInputError,
    SimulationResult,
    Target,
)
from pmo.portfolio.models import Program, Project

from .models import ACTIVE_RISK_STATUSES, Risk

#: (min, max) as multiples of the most likely duration when no three-point estimate is stored
DEFAULT_SPREAD = (0.9, 1.3)
WEEKMASK = "1111100"
START, FINISH = "START", "FINISH"
HISTOGRAM_BINS = 40


def _workdays(start: date, end: date) -> int:
    """Working days in [start, end)."""
    return int(np.busday_count(start, end, weekmask=WEEKMASK))


def network_rows(program: Program, project: Project | None) -> dict:
    """Activities, links, milestones and the start date of the scope (see the module docstring)."""
    projects = Project.objects.filter(program=program).exclude(status="cancelled")
    if project is not None:
        projects = projects.filter(pk=project.pk)
    projects = [p for p in projects.order_by("start", "code") if p.start and p.finish]
    if not projects:
        raise ValidationError({"project" if project else "program":
                               "nothing to simulate: no project with start and finish dates"})
    start = min(p.start for p in projects)
    activities = [{"id": START, "name": "Start", "min": 0, "most_likely": 0, "max": 0, "distribution": "triangular"}]
    links = []
    for p in projects:
        likely = max(_workdays(p.start, p.finish + timedelta(days=1)), 1)
        low, high = DEFAULT_SPREAD
        activities.append({"id": f"P{p.pk}", "name": f"{p.code} {p.name}", "min": round(likely * low, 1),
                           "most_likely": likely, "max": round(likely * high, 1), "distribution": "pert"})
        links.append({"pred": START, "succ": f"P{p.pk}", "type": "SS", "lag": _workdays(start, p.start)})
        links.append({"pred": f"P{p.pk}", "succ": FINISH, "type": "FS", "lag": 0})
    activities.append({"id": FINISH, "name": "Finish", "min": 0, "most_likely": 0, "max": 0,
                       "distribution": "triangular"})
    return {"source": "projects", "start": start.isoformat(), "weekmask": WEEKMASK, "holidays": [],
            "activities": activities, "links": links, "milestones": [{"id": FINISH, "name": "Finish"}],
            "project_activity": {str(p.pk): f"P{p.pk}" for p in projects}}


def risk_rows(program: Program, project: Project | None, project_activity: dict[str, str]) -> list[dict]:
    """Quantified, active risks of the scope as engine risk events (probability as a fraction)."""
    risks = Risk.objects.filter(program=program, status__in=ACTIVE_RISK_STATUSES, probability_pct__isnull=False)
    if project is not None:
        risks = risks.filter(project=project)
    rows = []
    for risk in risks.order_by("pk"):
        schedule = [float(v) if v is not None else 0.0
                    for v in (risk.schedule_min, risk.schedule_most_likely, risk.schedule_max)]
        cost = [float(v) if v is not None else 0.0 for v in (risk.cost_min, risk.cost_most_likely, risk.cost_max)]
        if not any(schedule) and not any(cost):
            continue
        target = project_activity.get(str(risk.project_id)) if risk.project_id else FINISH
        activity_ids = [target or FINISH] if any(schedule) else []
        rows.append({
            "id": risk.ref, "title": risk.title, "probability": float(risk.probability_pct) / 100.0,
            "kind": risk.kind, "activity_ids": activity_ids,
            "schedule_min": schedule[0], "schedule_most_likely": schedule[1], "schedule_max": schedule[2],
            "cost_min": cost[0], "cost_most_likely": cost[1], "cost_max": cost[2],
        })
    return rows


def snapshot(*, program: Program, project: Project | None = None, target_date: date | None = None) -> dict:
    """The frozen inputs of a run; checked by building the engine input once (bad input -> ValidationError)."""
    data = network_rows(program, project)
    data["risks"] = risk_rows(program, project, data.pop("project_activity"))
    start = date.fromisoformat(data["start"])
    if target_date is not None and target_date < start:
        raise ValidationError({"target_date": f"must not be before the start of the work ({start.isoformat()})"})
    data["target_date"] = target_date.isoformat() if target_date else None
    data["target_offset"] = _workdays(start, target_date + timedelta(days=1)) if target_date else None
    engine_input(data, iterations=1, seed=0)
    return data


def engine_input(data: dict, *, iterations: int, seed: int | None) -> SimulationInput:
    """The engine's input from a snapshot; engine refusals become a ValidationError naming the field."""
    try:
        activities = [SimActivity(a["id"], a["min"], a["most_likely"], a["max"], distribution=a["distribution"])
                      for a in data["activities"]]
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
                  for m, d in result.milestones.items()]
    criticality = sorted(({"id": k, "name": names.get(k, k), "value": round(v, 4)}
                          for k, v in result.criticality.items() if k not in (START, FINISH)),
                         key=lambda row: -row["value"])
    tornado = [{"kind": bar.kind, "id": bar.id, "name": names.get(bar.id, bar.id), "rho": round(bar.rho, 4)}
               for bar in result.tornado[:15]]
    return {"iterations": result.iterations, "seed": result.seed, "unit": "date", "finish": finish,
            "milestones": milestones, "cost": cost, "criticality": criticality[:40], "tornado": tornado}
