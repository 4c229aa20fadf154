"""Pages of the benefits app: register, program benefits and value, the map, benefit profiles, objectives,
valuation settings and portfolio selection."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.portfolio.policies import program_policy
from pmo.portfolio.selectors import projects_for

from . import selectors, services
from .engine_adapter import month_label
from .forms import (
    BenefitForm,
    CandidateForm,
    EdgeForm,
    HandoverForm,
    MeasurementForm,
    NodeForm,
    ObjectiveForm,
    ScenarioForm,
    SettingsForm,
)
from .models import BenefitCategory, MapNode, benefits_crumb, selection_crumb
from .policies import (
    benefit_policy,
    candidate_policy,
    edge_policy,
    node_policy,
    objective_policy,
    scenario_policy,
    sees_selection,
    settings_policy,
)


def _money(value) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def _years(value) -> str:
    return "—" if value is None else f"{value:.1f}"


# --- register and program pages --------------------------------------------------------------------------


@login_required
def register(request):
    queryset = selectors.benefits_for(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(measure__icontains=q) | Q(owner_name__icontains=q))
    page = listing(request, queryset, sortable={"program": "program__code", "title": "title",
                                                "owner": "owner_name", "target": "target_date", "id": "pk"},
                   default_sort="program", filters={"category": "category", "program": "program__code"})
    benefits = list(page.page.object_list)
    risks = selectors.risks_of(request.user, benefits)
    rows = [(b, max((r.result.value_lost for r in risks[b.pk]), default=None),
             max((r.result.slip for r in risks[b.pk]), default=0)) for b in benefits]
    return render(request, "benefits/register.html", {
        "listing": page, "rows": rows, "categories": BenefitCategory.choices,
        "programs": program_policy.visible(request.user).order_by("code"),
        "breadcrumbs": breadcrumbs(request.user, "Benefits"), "sees_selection": sees_selection(request.user),
    })


def _value_rows(total, projects, program) -> list[dict]:
    out = []
    for label, url, value in [(program.code, "", total), *[(p.code, p.get_absolute_url(), v) for p, v in projects]]:
        a = value.appraisal
        out.append({"label": label, "url": url, "source": value.cost_source, "pv_benefits": _money(a.pv_benefits),
                    "pv_costs": _money(a.pv_costs), "npv": _money(a.npv),
                    "irr": "—" if a.irr is None else f"{a.irr * 100:.1f} %",
                    "irrs": len(a.irrs), "payback": _years(a.payback_years),
                    "discounted_payback": _years(a.discounted_payback_years),
                    "bcr": "—" if a.benefit_cost_ratio is None else f"{a.benefit_cost_ratio:.2f}"})
    return out


@login_required
def program(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    benefits = list(selectors.benefits_for(request.user, program))
    if not benefits and not node_policy.can(request.user, "view", MapNode(program=program)):
        raise PermissionDenied("you see no benefits of this program")
    risks = selectors.risks_of(request.user, benefits)
    total, projects = selectors.program_value(request.user, program)
    settings = selectors.valuation_settings()
    at_risk = [(b, r) for b in benefits for r in risks[b.pk] if r.result.slip > 0]
    return render(request, "benefits/program.html", {
        "program": program, "benefits": benefits, "risks": risks, "at_risk": at_risk, "settings": settings,
        "value_rows": _value_rows(total, projects, program),
        "sees_map": node_policy.can(request.user, "view", MapNode(program=program)),
        "can_create": benefit_policy.can(request.user, "create", program),
        "breadcrumbs": breadcrumbs(request.user, benefits_crumb(program)),
    })


# --- the benefits map ------------------------------------------------------------------------------------


def _map_choices(nodes, benefits, objectives, projects):
    sources = ([(f"project:{p.pk}", f"Project {p.code}") for p in projects]
               + [(f"node:{n.pk}", f"{n.get_kind_display()}: {n.title}") for n in nodes]
               + [(f"benefit:{b.pk}", f"Benefit {b.ref}: {b.title}") for b in benefits])
    targets = ([(f"node:{n.pk}", f"{n.get_kind_display()}: {n.title}") for n in nodes]
               + [(f"benefit:{b.pk}", f"Benefit {b.ref}: {b.title}") for b in benefits]
               + [(f"objective:{o.pk}", f"Objective {o.code}: {o.title}") for o in objectives])
    return sources, targets


def _map_data(program, nodes, benefits, objectives, projects, edges) -> dict:
    """The graph for ECharts: nodes in five columns (project, output, outcome, benefit, objective) and arrows."""
    columns = {"project": 0, "output": 1, "outcome": 2, "benefit": 3, "objective": 4}
    items = ([("project", p.pk, p.code, p.name) for p in projects]
             + [(n.kind, n.pk, n.title, n.get_kind_display()) for n in nodes]
             + [("benefit", b.pk, b.ref, b.title) for b in benefits]
             + [("objective", o.pk, o.code, o.title) for o in objectives])
    used = {(e.kind_of(e.source), e.source.pk) for e in edges} | {(e.kind_of(e.target), e.target.pk) for e in edges}
    rows: dict[int, int] = {}
    data = []
    for kind, pk, name, title in items:
        if kind in ("project", "objective") and (kind, pk) not in used:
            continue
        col = columns[kind]
        rows[col] = rows.get(col, 0) + 1
        data.append({"id": f"{kind}:{pk}", "name": name, "title": title, "kind": kind, "x": col * 220,
                     "y": rows[col] * 70})
    ids = {d["id"] for d in data}
    links = [{"source": f"{e.kind_of(e.source)}:{e.source.pk}", "target": f"{e.kind_of(e.target)}:{e.target.pk}",
              "from": str(e.source), "to": str(e.target), "contribution": e.contribution} for e in edges]
    return {"nodes": data, "links": [link for link in links if link["source"] in ids and link["target"] in ids]}


@login_required
def benefits_map(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    node_policy.require(request.user, "view", MapNode(program=program), "you may not see this program's map")
    nodes = list(selectors.nodes_for(request.user, program))
    benefits = list(selectors.benefits_for(request.user, program))
    objectives = list(selectors.objectives_for(request.user))
    projects = list(projects_for(request.user, program))
    edges = list(selectors.edges_for(request.user, program))
    can_edit = node_policy.can(request.user, "create", program)
    sources, targets = _map_choices(nodes, benefits, objectives, projects)
    table = {"caption": f"Benefits map of {program.code}", "headers": ["From", "To", "Contribution"],
             "rows": [[str(e.source), str(e.target), e.get_contribution_display()] for e in edges]}
    return render(request, "benefits/map.html", {
        "program": program, "nodes": nodes, "edges": edges, "can_edit": can_edit,
        "node_form": NodeForm(), "edge_form": EdgeForm(sources=sources, targets=targets), "table": table,
        "graph": _map_data(program, nodes, benefits, objectives, projects, edges),
        "breadcrumbs": breadcrumbs(request.user, Crumb("Benefits map", parent=benefits_crumb(program))),
    })


@login_required
@require_POST
def node_create(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    node_policy.require(request.user, "create", program)
    form = NodeForm(request.POST)
    if form.is_valid() and apply_service(form, lambda: services.node_create(actor=request.user, program=program,
                                                                            **form.cleaned_data)):
        messages.success(request, "Map node added.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("benefits:map", program_pk=program.pk)


@login_required
@require_POST
def edge_create(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    edge_policy.require(request.user, "create", program)
    nodes = list(selectors.nodes_for(request.user, program))
    benefits = list(selectors.benefits_for(request.user, program))
    objectives = list(selectors.objectives_for(request.user))
    projects = list(projects_for(request.user, program))
    sources, targets = _map_choices(nodes, benefits, objectives, projects)
    form = EdgeForm(request.POST, sources=sources, targets=targets)
    lookup = {f"project:{p.pk}": ("source_project", p) for p in projects}
    for n in nodes:
        lookup[f"node:{n.pk}"] = ("node", n)
    for b in benefits:
        lookup[f"benefit:{b.pk}"] = ("benefit", b)
    for o in objectives:
        lookup[f"objective:{o.pk}"] = ("target_objective", o)
    if form.is_valid():
        (s_kind, source), (t_kind, target) = lookup[form.cleaned_data["source"]], lookup[form.cleaned_data["target"]]
        ends = {s_kind if s_kind.startswith("source_") else f"source_{s_kind}": source,
                t_kind if t_kind.startswith("target_") else f"target_{t_kind}": target}
        if apply_service(form, lambda: services.edge_create(actor=request.user, program=program,
                                                            contribution=form.cleaned_data["contribution"], **ends)):
            messages.success(request, "Arrow added to the map.")
            return redirect("benefits:map", program_pk=program.pk)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("benefits:map", program_pk=program.pk)


def _delete(request, obj, policy, delete, back):
    policy.require(request.user, "delete", obj)
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    if form.is_valid() and apply_service(form, lambda: delete(form.cleaned_data["version"]) or True):
        messages.success(request, f"{obj} deleted.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(back)


@login_required
@require_POST
def node_delete(request, pk):
    node = node_policy.get(request.user, pk=pk)
    return _delete(request, node, node_policy,
                   lambda v: services.node_delete(actor=request.user, node=node, expected_version=v),
                   reverse("benefits:map", args=[node.program_id]))


@login_required
@require_POST
def edge_delete(request, pk):
    edge = edge_policy.get(request.user, queryset=selectors.edges_for(request.user), pk=pk)
    return _delete(request, edge, edge_policy,
                   lambda v: services.edge_delete(actor=request.user, edge=edge, expected_version=v),
                   reverse("benefits:map", args=[edge.program_id]))


# --- benefits --------------------------------------------------------------------------------------------


def _risk_chart(risk, settings) -> dict:
    r = risk.result
    last = max((k for k, v in enumerate(r.planned) if v or r.forecast[k]), default=-1) + 1
    labels = [month_label(settings.valuation_date, k) for k in range(last)]
    return {"labels": labels, "planned": [float(v) for v in r.planned[:last]],
            "forecast": [float(v) for v in r.forecast[:last]],
            "table": {"caption": f"Planned and forecast value per month ({risk.label})",
                      "headers": ["Month", "Planned", "Forecast", "Deferred", "Lost"],
                      "rows": [[labels[k], _money(r.planned[k]), _money(r.forecast[k]), _money(r.deferred[k]),
                                _money(r.lost[k])] for k in range(last) if r.planned[k] or r.forecast[k]]}}


@login_required
def benefit_detail(request, pk):
    benefit = selectors.benefit_detail(request.user, pk)
    measurements = list(selectors.measurements_of(request.user, benefit))
    settings = selectors.valuation_settings()
    risks = selectors.risks_of(request.user, [benefit])[benefit.pk]
    curve = selectors.realisation_curve(benefit, measurements)
    worst = max(risks, key=lambda r: (r.result.npv_lost, r.basis == "schedule"), default=None)
    curve_table = {"caption": "Cumulative planned and actual realised value",
                   "headers": ["Month", "Planned (cumulative)", "Actual (cumulative)"],
                   "rows": [[label, _money(curve["planned"][k]),
                             _money(curve["actual"][k]) if k < len(curve["actual"]) else "—"]
                            for k, label in enumerate(curve["labels"])]}
    charts = {"curve": {"labels": curve["labels"], "planned": [float(v) for v in curve["planned"]],
                        "actual": [float(v) for v in curve["actual"]]}}
    if worst is not None and worst.result.slip > 0:
        charts["risk"] = _risk_chart(worst, settings)
    return detail_page(request, benefit, "benefits/benefit_detail.html", {
        "benefit": benefit, "measurements": measurements, "risks": risks, "worst": worst, "settings": settings,
        "charts": charts, "curve_table": curve_table, "risk_table": charts.get("risk", {}).get("table"),
    }, actions=("change", "delete", "measure", "handover"))


@login_required
def benefit_create(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    benefit_policy.require(request.user, "create", program, f"you may not add benefits to {program.code}")
    form = BenefitForm(request.POST or None, milestones=selectors.milestone_choices(program),
                       initial={"unit": program.currency})
    if request.method == "POST" and form.is_valid():
        benefit = apply_service(form, lambda: services.benefit_create(actor=request.user, program=program,
                                                                      **form.changes()))
        if benefit:
            messages.success(request, f"{benefit.ref} created.")
            return redirect(benefit)
    return form_page(request, form, f"New benefit of {program.code}", benefits_crumb(program), "New benefit")


@login_required
def benefit_edit(request, pk):
    benefit = selectors.benefit_detail(request.user, pk)
    benefit_policy.require(request.user, "change", benefit)
    form = BenefitForm(request.POST or None, instance=benefit, milestones=selectors.milestone_choices(benefit.program))
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.benefit_update(
            actor=request.user, benefit=benefit, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, f"{updated.ref} saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {benefit}", benefit, "Edit")


@login_required
@require_POST
def benefit_delete(request, pk):
    benefit = selectors.benefit_detail(request.user, pk)
    program_pk = benefit.program_id
    benefit_policy.require(request.user, "delete", benefit)
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    if form.is_valid() and apply_service(form, lambda: services.benefit_delete(
            actor=request.user, benefit=benefit, expected_version=form.cleaned_data["version"]) or True):
        messages.success(request, f"{benefit.ref} deleted.")
        return redirect("benefits:program", program_pk=program_pk)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(benefit)


@login_required
def measurement_create(request, pk):
    benefit = selectors.benefit_detail(request.user, pk)
    benefit_policy.require(request.user, "measure", benefit, "you may not record measurements of this benefit")
    form = MeasurementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        if apply_service(form, lambda: services.measurement_create(actor=request.user, benefit=benefit, **data)):
            messages.success(request, "Measurement recorded.")
            return redirect(benefit)
    return form_page(request, form, f"Measurement of {benefit.ref}", benefit, "New measurement")


@login_required
def benefit_handover(request, pk):
    benefit = selectors.benefit_detail(request.user, pk)
    benefit_policy.require(request.user, "handover", benefit, "the program manager hands benefits over")
    form = HandoverForm(request.POST or None, initial={"version": benefit.version, "to": benefit.owner_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if apply_service(form, lambda: services.benefit_handover(actor=request.user, benefit=benefit,
                                                                 expected_version=data["version"], to=data["to"],
                                                                 note=data["note"], on=data["on"])):
            messages.success(request, f"{benefit.ref} handed over to {data['to']}.")
            return redirect(benefit)
    return form_page(request, form, f"Hand {benefit.ref} over to the business", benefit, "Handover")


# --- objectives and settings -----------------------------------------------------------------------------


def _objectives_crumb():
    return Crumb("Objectives", reverse("benefits:objectives"), parent=benefits_crumb())


@login_required
def objectives(request):
    rows = list(selectors.objectives_for(request.user))
    total = sum((o.weight for o in rows), Decimal(0))
    return render(request, "benefits/objectives.html", {
        "objectives": [(o, (o.weight / total * 100) if total else 0) for o in rows],
        "can_create": objective_policy.can(request.user, "create"),
        "breadcrumbs": breadcrumbs(request.user, _objectives_crumb()),
    })


@login_required
def objective_detail(request, pk):
    objective = objective_policy.get(request.user, pk=pk)
    contributions = list(selectors.edges_for(request.user).filter(target_objective=objective)
                         .select_related("program"))
    return detail_page(request, objective, "benefits/objective_detail.html", {
        "objective": objective, "contributions": contributions})


@login_required
def objective_create(request):
    objective_policy.require(request.user, "create", None, "only the PMO Director sets strategic objectives")
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        objective = apply_service(form, lambda: services.objective_create(actor=request.user, **form.changes()))
        if objective:
            messages.success(request, f"{objective.code} created.")
            return redirect(objective)
    return form_page(request, form, "New strategic objective", _objectives_crumb(), "New")


@login_required
def objective_edit(request, pk):
    objective = objective_policy.get(request.user, pk=pk)
    objective_policy.require(request.user, "change", objective)
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.objective_update(
            actor=request.user, objective=objective, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, f"{updated.code} saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {objective}", objective, "Edit")


@login_required
def settings_page(request):
    settings = selectors.valuation_settings()
    can_change = settings_policy.can(request.user, "change", settings)
    form = SettingsForm(request.POST or None, instance=settings) if can_change else None
    if request.method == "POST":
        settings_policy.require(request.user, "change", settings, "only the PMO Director sets the valuation settings")
        if form.is_valid() and apply_service(form, lambda: services.settings_update(
                actor=request.user, settings=settings, expected_version=form.cleaned_data["version"] or 0,
                **form.changes())):
            messages.success(request, "Valuation settings saved.")
            return redirect("benefits:settings")
    status = 200 if form is None or not form.errors else 422
    return render(request, "benefits/settings.html", {
        "settings": settings, "form": form, "breadcrumbs": breadcrumbs(request.user, settings)}, status=status)


# --- portfolio selection ---------------------------------------------------------------------------------


def _require_selection(user):
    if not sees_selection(user):
        raise PermissionDenied("portfolio selection is for the PMO and the Steering Committee")


@login_required
def selection(request):
    _require_selection(request.user)
    return render(request, "benefits/selection.html", {
        "candidates": selectors.candidates_for(request.user),
        "scenarios": selectors.scenarios_for(request.user)[:50],
        "can_create": candidate_policy.can(request.user, "create"),
        "can_start": scenario_policy.can(request.user, "start"),
        "breadcrumbs": breadcrumbs(request.user, selection_crumb()),
    })


@login_required
def candidate_detail(request, pk):
    candidate = candidate_policy.get(request.user, queryset=selectors.candidates_for(request.user), pk=pk)
    return detail_page(request, candidate, "benefits/candidate_detail.html", {"candidate": candidate})


@login_required
def candidate_create(request):
    candidate_policy.require(request.user, "create", None, "the PMO Director and Analysts keep the candidates")
    form = CandidateForm(request.POST or None, projects=projects_for(request.user))
    if request.method == "POST" and form.is_valid():
        candidate = apply_service(form, lambda: services.candidate_create(actor=request.user, **form.changes()))
        if candidate:
            messages.success(request, f"{candidate.code} created.")
            return redirect(candidate)
    return form_page(request, form, "New candidate", selection_crumb(), "New candidate")


@login_required
def candidate_edit(request, pk):
    candidate = candidate_policy.get(request.user, pk=pk)
    candidate_policy.require(request.user, "change", candidate)
    form = CandidateForm(request.POST or None, instance=candidate, projects=projects_for(request.user))
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.candidate_update(
            actor=request.user, candidate=candidate, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, f"{updated.code} saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {candidate}", candidate, "Edit")


@login_required
def scenario_start(request):
    _require_selection(request.user)
    if not scenario_policy.can(request.user, "start"):
        raise PermissionDenied("the PMO Director, Analysts and the Steering Committee run selection scenarios")
    form = ScenarioForm(request.POST or None, initial={"budgets": "4000000 4000000 4000000"})
    if request.method == "POST" and form.is_valid():
        scenario = apply_service(form, lambda: services.scenario_start(actor=request.user, **form.changes()))
        if scenario:
            messages.success(request, f"Scenario “{scenario.name}” queued.")
            return redirect(scenario)
    return form_page(request, form, "New selection scenario (what-if)", selection_crumb(), "New scenario")


def _scenario_view(scenario) -> dict:
    results = scenario.results or {}
    inputs = scenario.inputs or {}
    chosen = set(results.get("chosen", []))
    years = [scenario.first_year + k for k in range(len(scenario.budgets))]
    rows = [{**row, "score": results.get("scores", {}).get(row["id"]), "chosen": row["id"] in chosen,
             "costs_shown": [_money(c) for c in row["costs"]] + ["—"] * (len(years) - len(row["costs"])),
             "npv_shown": _money(row["npv"]),
             "risk_shown": _money(row["risk_exposure"]), "fit_pct": f"{row['fit'] * 100:.0f} %"}
            for row in inputs.get("candidates", [])]
    rows.sort(key=lambda r: (not r["chosen"], -Decimal(r["score"] or 0)))
    points = results.get("frontier", [])
    frontier = {"labels": [f"{p['factor']:.1f}" for p in points],
                "budget": [float(sum(Decimal(b) for b in p["budgets"])) for p in points],
                "value": [None if p["objective"] is None else float(p["objective"]) for p in points],
                "unit": "score points" if scenario.basis == "score" else "NPV"}
    table = {"caption": "Efficient frontier: best value at each budget level",
             "headers": ["Budget factor", "Total budget", "Best value", "Status", "Funded"],
             "rows": [[f"{p['factor']:.1f}", _money(sum(Decimal(b) for b in p["budgets"])),
                       "—" if p["objective"] is None else _money(p["objective"]), p["status"], len(p["chosen"])]
                      for p in points]}
    costs = results.get("costs", [])
    budget_rows = [(y, _money(b), _money(costs[k]) if k < len(costs) else "—")
                   for k, (y, b) in enumerate(zip(years, scenario.budgets, strict=True))]
    gap = results.get("gap")
    results = {**results, "gap_shown": "—" if gap is None else f"{gap * 100:.2f} %"}
    return {"rows": rows, "frontier": frontier, "frontier_table": table, "budget_rows": budget_rows,
            "years": years, "results": results}


@login_required
def scenario_detail(request, pk):
    scenario = scenario_policy.get(request.user, queryset=selectors.scenarios_for(request.user), pk=pk)
    return render(request, "benefits/scenario_detail.html", {
        "scenario": scenario, **_scenario_view(scenario), "breadcrumbs": breadcrumbs(request.user, scenario)})


@login_required
def scenario_progress(request, pk):
    scenario = scenario_policy.get(request.user, pk=pk)
    response = render(request, "benefits/_scenario_progress.html", {"scenario": scenario})
    if scenario.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response



