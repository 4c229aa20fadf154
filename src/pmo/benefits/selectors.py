"""Reads of the benefits app, starting from what the user may see, with query counts independent of the rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from pmo.finance.selectors import budget_lines_for
from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project
from pmo.portfolio.selectors import projects_for
from pmo.raid import selectors as raid_selectors

from . import engine_adapter
from .models import Benefit, BenefitSettings, Candidate, MapEdge, MapNode, Measurement, Objective, SelectionScenario
from .policies import (
    benefit_policy,
    candidate_policy,
    edge_policy,
    measurement_policy,
    node_policy,
    objective_policy,
    scenario_policy,
)

EDGE_RELATED = ("source_project", "source_node", "source_benefit", "target_node", "target_benefit",
                "target_objective")


def valuation_settings() -> BenefitSettings:
    return BenefitSettings.current()


def objectives_for(user) -> QuerySet[Objective]:
    return objective_policy.visible(user)


def benefits_for(user, program: Program | None = None) -> QuerySet[Benefit]:
    queryset = benefit_policy.visible(user).select_related("program", "owner_user").prefetch_related(
        Prefetch("milestones", queryset=Task.objects.select_related("project__program").order_by("finish", "pk")))
    return queryset if program is None else queryset.filter(program=program)


def benefit_detail(user, pk) -> Benefit:
    return benefit_policy.get(user, queryset=benefits_for(user), pk=pk)


def measurements_of(user, benefit: Benefit) -> QuerySet[Measurement]:
    return measurement_policy.visible(user, Measurement.objects.filter(benefit=benefit)).select_related(
        "created_by").order_by("measured_on", "pk")


def nodes_for(user, program: Program) -> QuerySet[MapNode]:
    return node_policy.visible(user, MapNode.objects.filter(program=program))


def edges_for(user, program: Program | None = None) -> QuerySet[MapEdge]:
    queryset = edge_policy.visible(user).select_related(*EDGE_RELATED)
    return queryset if program is None else queryset.filter(program=program)


def milestone_choices(program: Program) -> QuerySet[Task]:
    return Task.objects.filter(project__program=program, is_milestone=True).select_related("project").order_by(
        "project__code", "finish", "pk")


def risks_of(user, benefits: list[Benefit]) -> dict[int, list[engine_adapter.Risk]]:
    """Each benefit's value at risk (current schedule and P80) in a fixed number of queries."""
    settings = valuation_settings()
    tasks = {m.pk: m for b in benefits for m in b.milestones.all()}
    dates = engine_adapter.milestone_dates(user, list(tasks.values())) if tasks else {}
    return {b.pk: engine_adapter.benefit_risk(b, dates, settings) for b in benefits}


def budget_lines(user, project_ids: list[int]) -> dict[int, list]:
    """Project -> (month, amount) of its phased finance budget, as the user may see it (one query)."""
    out: dict[int, list] = {}
    rows = (budget_lines_for(user).filter(budget__project_id__in=project_ids).order_by()
            .values("budget__project_id", "month").annotate(amount=Sum("amount")))
    for row in rows:
        out.setdefault(row["budget__project_id"], []).append((row["month"], row["amount"]))
    return out


def program_value(user, program: Program) -> tuple[engine_adapter.Value, list[tuple[Project, engine_adapter.Value]]]:
    """The program's appraisal and each of its visible projects' (benefits the user sees)."""
    settings = valuation_settings()
    benefits = list(benefits_for(user, program))
    projects = list(projects_for(user, program))
    budgets = budget_lines(user, [p.pk for p in projects])
    total = engine_adapter.program_value(program, benefits, [p.pk for p in projects], settings, budgets)
    per_project = engine_adapter.projects_value(projects, benefits, settings, budgets)
    return total, [(p, per_project[p.pk]) for p in projects]


def realisation_curve(benefit: Benefit, measurements: list[Measurement]) -> dict:
    """Planned and actual realised value per month, each also cumulative (from the schedule's first month)."""
    months: dict[str, list[Decimal]] = {}
    if benefit.schedule_start:
        for k, amount in enumerate(benefit.schedule):
            label = engine_adapter.add_months(benefit.schedule_start, k).strftime("%Y-%m")
            months.setdefault(label, [Decimal(0), Decimal(0)])[0] += Decimal(amount)
    for m in measurements:
        if m.realised is not None:
            months.setdefault(m.measured_on.strftime("%Y-%m"), [Decimal(0), Decimal(0)])[1] += m.realised
    labels = sorted(months)
    planned, actual, cp, ca = [], [], Decimal(0), Decimal(0)
    for label in labels:
        cp += months[label][0]
        ca += months[label][1]
        planned.append(cp)
        actual.append(ca)
    last_actual = max((i for i, label in enumerate(labels) if months[label][1]), default=-1)
    return {"labels": labels, "planned": planned, "actual": actual[:last_actual + 1]}


def candidates_for(user) -> QuerySet[Candidate]:
    return candidate_policy.visible(user).select_related("project__program").prefetch_related("requires",
                                                                                              "objectives")


def scenarios_for(user) -> QuerySet[SelectionScenario]:
    return scenario_policy.visible(user).select_related("created_by")


def selection_inputs(user) -> dict:
    """What a scenario freezes: each candidate's costs, flags, dependencies, fit, NPV and risk exposure."""
    candidates = list(candidates_for(user))
    project_ids = {c.project_id for c in candidates if c.project_id}
    projects = list(projects_for(user).filter(pk__in=project_ids))
    settings = valuation_settings()
    benefits = list(benefits_for(user).filter(program__in={p.program_id for p in projects}))
    values = engine_adapter.projects_value(projects, benefits, settings, budget_lines(user, [p.pk for p in projects]))
    npv = {pk: v.appraisal.npv for pk, v in values.items()}
    exposure = {p.pk: Decimal(raid_selectors.exposure(
        raid_selectors.risks_for(user, raid_selectors.Scope(project=p)))["cost"]) for p in projects}
    edges = list(edges_for(user).filter(program__in={p.program_id for p in projects}))
    return engine_adapter.selection_inputs(candidates, npv=npv, exposure=exposure, edges=edges,
                                           objectives=list(objectives_for(user)))
