"""Rows -> the value and selection engines (``pmo.engine.value``, ``pmo.engine.selection``), in one place.

Conventions (the engine's, labelled on the pages):

- Every stream is monthly from the portfolio's **valuation date** (``BenefitSettings``): period 0 is that
  month and is not discounted; amounts of earlier months count in period 0 (carried, not compounded).
- The discount rate is the portfolio's **effective annual rate** (monthly ``(1 + r)**(1/12) - 1``).
- **Costs**: a project's phased finance budget (its budget lines per month, read through
  ``pmo.finance.selectors``) where it has one, else the costs of its plan's leaf tasks (``pmo.planning``) spread
  evenly over the days of their scheduled dates, to the cent. Each value says where its costs came from
  (``cost_source``).
- A **program's** benefits are all of its benefits (dis-benefits subtract), its costs those of its projects; a
  **project's** benefits are those its milestones enable, each in full (a benefit needs all its enabling
  milestones, so every enabling project is necessary for all of it).
- **Benefits at risk**: each enabling milestone's planned date is its finish in the project's latest
  baseline; the forecast is its finish in the current schedule, or the P80 of the latest finished simulation
  of its program (raid) where that simulation reports the milestone. The engine's ``benefit_at_risk`` shifts
  the schedule by the latest milestone's slip in calendar months inside the fixed horizon.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pmo.engine import value as engine
from pmo.engine.selection import Candidate as EngineCandidate
from pmo.engine.selection import Criteria, strategic_fit
from pmo.planning.models import Task
from pmo.planning.selectors import latest_baseline_dates
from pmo.portfolio.models import Program, Project
from pmo.raid import selectors as raid_selectors
from pmo.raid.models import RunStatus

from .models import CONTRIBUTION_VALUE, Benefit, BenefitSettings, Candidate, MapEdge, Objective

MONTHLY = engine.Frequency.MONTHLY
CENT = Decimal("0.01")


def period(valuation: date, month: date) -> int:
    """The period of ``month`` from the valuation date (0 for it and any earlier month)."""
    return max(0, engine.periods_between(valuation, month, MONTHLY))


def add_months(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    return date(start.year + y, m + 1, 1)


def month_label(valuation: date, k: int) -> str:
    return add_months(valuation.replace(day=1), k).strftime("%Y-%m")


def benefit_flows(benefit: Benefit, valuation: date) -> list[Decimal]:
    """The benefit's planned schedule as flows from the valuation date (earlier months in period 0)."""
    flows: list[Decimal] = []
    if not benefit.schedule or benefit.schedule_start is None:
        return flows
    for k, amount in enumerate(benefit.schedule):
        t = period(valuation, add_months(benefit.schedule_start, k))
        flows.extend([Decimal(0)] * (t + 1 - len(flows)))
        flows[t] += Decimal(amount)
    return flows


def _add(total: list[Decimal], flows: list[Decimal], sign: int = 1) -> None:
    total.extend([Decimal(0)] * (len(flows) - len(total)))
    for t, amount in enumerate(flows):
        total[t] += sign * amount


def spread(cost: Decimal, start: date, finish: date) -> dict[date, Decimal]:
    """``cost`` over the calendar months of ``start..finish`` (inclusive) in proportion to days, to the cent:
    cumulative rounding, so the months sum to ``cost`` exactly."""
    days = (finish - start).days + 1
    out: dict[date, Decimal] = {}
    done_days, done_cents = 0, Decimal(0)
    month = start.replace(day=1)
    while month <= finish:
        following = add_months(month, 1)
        last = min(finish, following - timedelta(days=1))
        first = max(start, month)
        done_days += (last - first).days + 1
        cumulative = (cost * done_days / days).quantize(CENT, ROUND_HALF_UP)
        out[month] = cumulative - done_cents
        done_cents = cumulative
        month = following
    return out


def project_costs(project_ids: list[int], valuation: date, budgets: dict[int, list[tuple[date, Decimal]]] | None = None,
                  ) -> tuple[dict[int, list[Decimal]], dict[int, str]]:
    """Monthly cost flows per project and where they came from: ``budgets`` (project -> (month, amount) of its
    finance budget lines) where a project has any, else its plan's task costs (one query)."""
    flows: dict[int, list[Decimal]] = defaultdict(list)
    source: dict[int, str] = {}
    for pid, lines in (budgets or {}).items():
        if pid not in project_ids or not lines:
            continue
        source[pid] = "finance budget"
        for month, amount in lines:
            per = [Decimal(0)] * (period(valuation, month) + 1)
            per[-1] = amount
            _add(flows[pid], per)
    tasks = (Task.objects.filter(project_id__in=[p for p in project_ids if p not in source], is_summary=False,
                                 cost__isnull=False, start__isnull=False, finish__isnull=False)
             .values_list("project_id", "cost", "start", "finish"))
    for pid, cost, start, finish in tasks:
        source[pid] = "plan task costs"
        for month, amount in spread(cost, start, finish).items():
            per = [Decimal(0)] * (period(valuation, month) + 1)
            per[-1] = amount
            _add(flows[pid], per)
    for pid in project_ids:
        source.setdefault(pid, "no costs recorded")
    return flows, source


@dataclass
class Value:
    """The appraisal of one program or project, with the flows it came from."""

    appraisal: engine.Appraisal
    benefits: list[Decimal]
    costs: list[Decimal]
    cost_source: str
    rate: Decimal
    valuation_date: date
    labels: list[str] = field(default_factory=list)


def _appraise(benefits: list[Decimal], costs: list[Decimal], settings: BenefitSettings, source: str) -> Value:
    n = max(len(benefits), len(costs), 1)
    benefits = benefits + [Decimal(0)] * (n - len(benefits))
    costs = costs + [Decimal(0)] * (n - len(costs))
    appraisal = engine.appraise(benefits, costs, settings.discount_rate, frequency=MONTHLY)
    return Value(appraisal, benefits, costs, source, settings.discount_rate, settings.valuation_date,
                 [month_label(settings.valuation_date, k) for k in range(n)])


def program_value(program: Program, benefits: list[Benefit], project_ids: list[int],
                  settings: BenefitSettings, budgets: dict | None = None) -> Value:
    total: list[Decimal] = []
    for benefit in benefits:
        _add(total, benefit_flows(benefit, settings.valuation_date), -1 if benefit.is_disbenefit else 1)
    costs_by_project, sources = project_costs(project_ids, settings.valuation_date, budgets)
    costs: list[Decimal] = []
    for flows in costs_by_project.values():
        _add(costs, flows)
    return _appraise(total, costs, settings, ", ".join(sorted(set(sources.values()))) or "no projects")


def projects_value(projects: list[Project], benefits: list[Benefit], settings: BenefitSettings,
                   budgets: dict | None = None) -> dict[int, Value]:
    """Each project's value from the benefits its milestones enable (``benefits`` with milestones prefetched)."""
    costs_by_project, sources = project_costs([p.pk for p in projects], settings.valuation_date, budgets)
    out = {}
    for project in projects:
        total: list[Decimal] = []
        for benefit in benefits:
            if any(m.project_id == project.pk for m in benefit.milestones.all()):
                _add(total, benefit_flows(benefit, settings.valuation_date), -1 if benefit.is_disbenefit else 1)
        out[project.pk] = _appraise(total, costs_by_project.get(project.pk, []), settings, sources[project.pk])
    return out


# --- benefits at risk ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneDates:
    task: Task
    planned: date | None  # finish in the latest baseline
    current: date | None  # finish in the current schedule
    p80: date | None  # P80 finish of the latest finished simulation of its program
    run_id: int | None


def milestone_dates(user, tasks: list[Task]) -> dict[int, MilestoneDates]:
    """Baseline, current and P80 dates of the milestones (a fixed number of queries)."""
    baseline = latest_baseline_dates(sorted({t.project_id for t in tasks}))
    program_ids = {t.project.program_id for t in tasks}
    p80: dict[int, tuple[date, int]] = {}
    seen_programs: set[int] = set()
    runs = (raid_selectors.runs_for(user).filter(program_id__in=program_ids, project__isnull=True,
                                                 status=RunStatus.DONE).order_by("-finished_at", "-pk"))
    for run in runs:
        if run.program_id in seen_programs:
            continue
        seen_programs.add(run.program_id)
        for row in (run.results or {}).get("milestones", []):
            if str(row.get("id", "")).startswith("T") and row.get("p80"):
                p80[int(row["id"][1:])] = (date.fromisoformat(row["p80"]), run.pk)
    return {t.pk: MilestoneDates(t, (baseline.get(t.pk) or (None, None))[1], t.finish, *(p80.get(t.pk) or (None, None)))
            for t in tasks}


@dataclass(frozen=True)
class Risk:
    basis: str  # "schedule" or "p80"
    label: str
    result: engine.BenefitAtRisk
    milestones: list[tuple[Task, date, date]]  # (milestone, planned, forecast)
    run_id: int | None = None


def benefit_risk(benefit: Benefit, dates: dict[int, MilestoneDates], settings: BenefitSettings) -> list[Risk]:
    """The benefit at risk against the current schedule and against the latest P80 (where there is one)."""
    if benefit.is_disbenefit or not benefit.schedule:
        return []
    rows = [dates[m.pk] for m in benefit.milestones.all() if m.pk in dates and dates[m.pk].planned]
    if not rows:
        return []
    flows = benefit_flows(benefit, settings.valuation_date)
    out = []
    schedule = [(r.task, r.planned, r.current or r.planned) for r in rows]
    out.append(Risk("schedule", "current schedule",
                    engine.benefit_at_risk(flows, [(p, f) for _t, p, f in schedule], horizon=settings.horizon_months,
                                           annual_rate=settings.discount_rate, frequency=MONTHLY), schedule))
    if any(r.p80 for r in rows):
        p80 = [(r.task, r.planned, r.p80 or r.current or r.planned) for r in rows]
        run_id = next(r.run_id for r in rows if r.run_id)
        out.append(Risk("p80", f"P80 of simulation #{run_id}",
                        engine.benefit_at_risk(flows, [(p, f) for _t, p, f in p80], horizon=settings.horizon_months,
                                               annual_rate=settings.discount_rate, frequency=MONTHLY), p80, run_id))
    return out


# --- portfolio selection ---------------------------------------------------------------------------------


def fit_contributions(edges: list[MapEdge], project_id: int) -> dict[str, float]:
    """Objective code -> the project's contribution (0..1): the strongest benefit -> objective arrow it reaches
    through the map (high 1, medium 2/3, low 1/3)."""
    out_edges: dict[tuple[str, int], list[MapEdge]] = defaultdict(list)
    for edge in edges:
        source = edge.source
        out_edges[(MapEdge.kind_of(source), source.pk)].append(edge)
    seen, stack, found = set(), [("project", project_id)], {}
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        for edge in out_edges.get(key, []):
            target = edge.target
            if isinstance(target, Objective):
                found[target.code] = max(found.get(target.code, 0.0), CONTRIBUTION_VALUE[edge.contribution])
            else:
                stack.append((MapEdge.kind_of(target), target.pk))
    return found


def selection_inputs(candidates: list[Candidate], *, npv: dict[int, Decimal], exposure: dict[int, Decimal],
                     edges: list[MapEdge], objectives: list[Objective]) -> dict:
    """The frozen inputs of a scenario: per candidate its costs, flags, dependencies and criteria."""
    weights = {o.code: float(o.weight) for o in objectives}
    rows = []
    for c in candidates:
        if c.project_id:
            contributions = fit_contributions(edges, c.project_id)
            value = npv.get(c.project_id, Decimal(0))
            risk = exposure.get(c.project_id, Decimal(0))
        else:
            contributions = {o.code: 1.0 for o in c.objectives.all()}
            value = c.npv_estimate or Decimal(0)
            risk = c.risk_estimate or Decimal(0)
        fit = strategic_fit({k: v for k, v in contributions.items() if k in weights}, weights) if weights else 0.0
        rows.append({"id": c.code, "name": c.name, "candidate": c.pk, "project": c.project_id,
                     "costs": list(c.costs), "mandatory": c.mandatory, "urgency": c.urgency,
                     "requires": sorted(r.code for r in c.requires.all()), "fit": round(fit, 6),
                     "npv": str(value), "risk_exposure": str(Decimal(risk).quantize(CENT))})
    return {"candidates": rows, "objectives": weights}


def engine_candidates(inputs: dict, values: dict[str, Decimal]) -> list[EngineCandidate]:
    return [EngineCandidate(row["id"], value=values[row["id"]], costs=[Decimal(c) for c in row["costs"]],
                            mandatory=row["mandatory"], requires=tuple(row["requires"]))
            for row in inputs["candidates"]]


def criteria(inputs: dict) -> list[Criteria]:
    return [Criteria(row["id"], fit=row["fit"], npv=Decimal(row["npv"]), risk_exposure=Decimal(row["risk_exposure"]),
                     urgency=row["urgency"]) for row in inputs["candidates"]]
