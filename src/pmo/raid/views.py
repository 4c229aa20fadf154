"""RAID pages: the log per portfolio, program and project (heat maps, exposure, ageing), forms,
escalations for the steering committee, and simulation runs."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from pmo.accounts.selectors import users_for_choice
from pmo.core.ids import parse_id
from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.planning.policies import task_policy
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .forms import ActionForm, AssumptionForm, IssueForm, RiskForm, RunForm, ScaleForm
from .models import (
    OPEN_ISSUE_STATUSES,
    AssumptionStatus,
    EscalationStatus,
    IssueStatus,
    Rating,
    RiskCategory,
    RiskStatus,
    RunStatus,
    raid_crumb,
)
from .policies import (
    action_policy,
    assumption_policy,
    edits_target,
    escalation_policy,
    issue_policy,
    risk_policy,
    run_policy,
    scale_policy,
)
from .selectors import Scope

RISK_SORTS = {"ref": "pk", "title": "title", "score": "score", "residual": "residual_probability",
              "status": "status", "owner": "owner__username", "proximity": "proximity", "scope": "project__code",
              "category": "category", "level": "escalation_level", "exposure": "cost_most_likely"}
ISSUE_SORTS = {"ref": "pk", "title": "title", "severity": "severity", "priority": "priority", "status": "status",
               "owner": "owner__username", "raised": "raised_on", "due": "due", "scope": "project__code"}
ASSUMPTION_SORTS = {"ref": "pk", "title": "title", "status": "status", "validation": "validation_date",
                    "owner": "owner__username"}
TABS = ("risks", "issues", "assumptions", "escalations", "simulations")


def _scope(request, program_pk=None, project_pk=None) -> Scope:
    if project_pk is not None:
        return Scope(project=project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                                .select_related("program"), pk=project_pk))
    if program_pk is not None:
        return Scope(program=program_policy.get(request.user, pk=program_pk))
    return Scope()


def _scope_from_query(request) -> Scope:
    try:
        project = int(request.GET["project"]) if request.GET.get("project") else None
        program = int(request.GET["program"]) if request.GET.get("program") else None
    except ValueError as exc:
        raise Http404("bad scope") from exc
    return _scope(request, program, project)


def _raid_home() -> Crumb:
    return Crumb("RAID", reverse("raid:portfolio_log"))


def _scope_crumbs(user, scope: Scope, *trail) -> list:
    """Portfolio > RAID (the whole portfolio's log), or Portfolio > program > project > RAID."""
    if scope.project is None and scope.program is None:
        return breadcrumbs(user, _raid_home(), *trail)
    return breadcrumbs(user, raid_crumb(scope.program or scope.project.program, scope.project), *trail)


def _scope_query(scope: Scope) -> str:
    if scope.project is not None:
        return f"project={scope.project.pk}"
    if scope.program is not None:
        return f"program={scope.program.pk}"
    return ""


@login_required
def log(request, program_pk=None, project_pk=None):
    """The RAID log of a scope: heat maps, exposure, top risks, ageing, and one tab of items."""
    scope = _scope(request, program_pk, project_pk)
    tab = request.GET.get("tab", "risks")
    tab = tab if tab in TABS else "risks"
    risks = selectors.risks_for(request.user, scope)
    issues = selectors.issues_for(request.user, scope)
    context = {
        "scope": scope, "tab": tab, "tabs": TABS, "scope_query": _scope_query(scope),
        "heat": selectors.heat_map(risks), "residual_heat": selectors.heat_map(risks, residual=True),
        "scale": services.risk_scale(),
        "exposure": selectors.exposure(risks),
        "top_risks": list(risks.filter(status__in=("open", "mitigating")).order_by("-score", "proximity", "pk")[:5]),
        "ageing": selectors.issue_ageing(issues),
        "can_edit": scope.project is not None and edits_target(request.user, scope.project)
        or scope.program is not None and edits_target(request.user, scope.program),
        "can_simulate": scope.program is not None and run_policy.can(request.user, "start", scope.program),
        "statuses": RiskStatus.choices, "issue_statuses": IssueStatus.choices, "categories": RiskCategory.choices,
        "ratings": Rating.choices, "users": users_for_choice(), "breadcrumbs": _scope_crumbs(request.user, scope),
    }
    if scope.program is not None:
        context["threshold"] = services.escalation_threshold(scope.program.pk)
    context["heat_rows"] = _heat_rows(context["heat"], context["scale"])
    context["residual_rows"] = _heat_rows(context["residual_heat"], context["scale"])
    if tab == "risks":
        context["listing"] = listing(request, risks, sortable=RISK_SORTS, default_sort="-score",
                                     filters={"status": "status", "rating": "rating", "category": "category",
                                              "kind": "kind", "level": "escalation_level"})
    elif tab == "issues":
        context["listing"] = listing(request, issues, sortable=ISSUE_SORTS, default_sort="-raised",
                                     filters={"status": "status", "severity": "severity"})
    elif tab == "assumptions":
        context["listing"] = listing(request, selectors.assumptions_for(request.user, scope),
                                     sortable=ASSUMPTION_SORTS, default_sort="validation",
                                     filters={"status": "status"})
        context["assumption_statuses"] = AssumptionStatus.choices
    elif tab == "escalations":
        context["escalation_rows"] = [(e, escalation_policy.can(request.user, "decide", e))
                                      for e in selectors.escalations_for(request.user, scope)[:100]]
    else:
        context["runs"] = list(selectors.runs_for(request.user, scope)[:50])
        context["run_form"] = RunForm()
    return render(request, "raid/log.html", context)


def _heat_rows(grid, scale):
    """Rows for the template: probability label and, per impact, (count, score, band)."""
    rows = []
    for index, counts in enumerate(grid):
        probability = 5 - index
        cells = [{"count": n, "p": probability, "i": impact, "score": probability * impact,
                  "band": scale.rating(probability * impact)} for impact, n in enumerate(counts, start=1)]
        rows.append({"p": probability, "label": scale.probability_levels[probability - 1], "cells": cells})
    return rows


@login_required
def cell(request):
    """The active risks of one heat-map cell (htmx partial)."""
    scope = _scope_from_query(request)
    try:
        p, i = int(request.GET.get("p", "")), int(request.GET.get("i", ""))
    except ValueError as exc:
        raise Http404("no such cell") from exc
    if not (1 <= p <= 5 and 1 <= i <= 5):
        raise Http404("no such cell")
    residual = request.GET.get("residual") == "1"
    lookup = {"residual_probability": p, "residual_impact": i} if residual else {"probability": p, "impact": i}
    risks = (selectors.risks_for(request.user, scope).filter(status__in=("open", "mitigating"), **lookup)
             .order_by("-score", "pk")[:50])
    return render(request, "raid/_cell.html", {"risks": risks, "p": p, "i": i, "residual": residual})


@login_required
@require_POST
def bulk(request):
    """Set status and/or owner of the selected risks or issues (all or nothing)."""
    kind = request.POST.get("kind")
    policy = {"risk": risk_policy, "issue": issue_policy}.get(kind)
    if policy is None:
        raise Http404("unknown kind")
    ids = {parse_id(v) for v in request.POST.getlist("ids")}
    if None in ids:
        raise Http404("bad selection")
    items = list(policy.visible(request.user).filter(pk__in=ids))
    if len(items) != len(ids):
        raise Http404("some of the selected items do not exist")
    changes = {}
    if request.POST.get("status"):
        changes["status"] = request.POST["status"]
    if request.POST.get("owner"):
        owner_id = parse_id(request.POST["owner"])
        owner = users_for_choice().filter(pk=owner_id).first() if owner_id else None
        if owner is None:
            raise Http404("no such owner")
        changes["owner"] = owner
    for item in items:
        policy.require(request.user, "change", item)
    try:
        count = services.raid_bulk_update(actor=request.user, items=items, expected_versions={}, **changes)
        messages.success(request, f"{count} {kind}{'s' if count != 1 else ''} updated.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_next(request, reverse("raid:portfolio_log")))


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _form_status(form) -> int:
    if getattr(form, "stale", False):
        return 409
    return 422 if form.errors else 200


def _task_choices(user, program_id: int, project_id: int | None):
    tasks = task_policy.visible(user).filter(project__program_id=program_id).select_related("project")
    if project_id:
        tasks = tasks.filter(project_id=project_id)
    return tasks.order_by("project__code", "order", "pk")


def _create(request, scope: Scope, form_class, create, noun: str):
    target = scope.project or scope.program
    if not edits_target(request.user, target):
        raise PermissionDenied(f"you may not edit the RAID log of {target.code}")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        obj = apply_service(form, lambda: create(actor=request.user, program=scope.program, project=scope.project,
                                                 **form.changes()))
        if obj:
            messages.success(request, f"{obj.ref} created.")
            return redirect(obj)
    return form_page(request, form, f"New {noun} in {target.code}", raid_crumb(scope.program or target.program,
                                                                                 scope.project), f"New {noun}")


@login_required
@require_http_methods(["GET", "POST"])
def risk_create(request, project_pk=None, program_pk=None):
    scope = _scope(request, program_pk, project_pk)
    target = scope.project or scope.program
    program_id = scope.project.program_id if scope.project else scope.program.pk
    form_class = partial(RiskForm, task_choices=_task_choices(request.user, program_id,
                                                                scope.project.pk if scope.project else None))
    return _create(request, scope, form_class, services.risk_create, "risk") if target else None


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request, project_pk):
    return _create(request, _scope(request, None, project_pk), IssueForm, services.issue_create, "issue")


@login_required
@require_http_methods(["GET", "POST"])
def assumption_create(request, project_pk):
    return _create(request, _scope(request, None, project_pk), AssumptionForm, services.assumption_create,
                   "assumption")


def _edit(request, obj, policy, form_class, update, noun: str):
    policy.require(request.user, "change", obj)
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: update(actor=request.user, expected_version=form.cleaned_data["version"]
                                                     or 0, **{noun: obj}, **form.changes()))
        if updated:
            messages.success(request, f"{updated.ref} saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {obj}", obj, "Edit")


@login_required
def risk_detail(request, pk):
    risk = risk_policy.get(request.user, queryset=selectors.risks_for(request.user), pk=pk)
    issue = selectors.issue_of(request.user, risk) if risk.status == RiskStatus.OCCURRED else None
    return detail_page(request, risk, "raid/risk_detail.html", {
        "risk": risk,
        "actions": risk.actions.select_related("owner"),
        "escalations": risk.escalations.select_related("escalated_by", "decided_by"),
        "issue": issue,
        "tasks": selectors.tasks_of_item(request.user, risk),
        "action_form": ActionForm(),
        "labels": _labels(risk),
    }, actions=("change", "escalate"))


@login_required
def issue_detail(request, pk):
    """The issue, the risk it came from, its escalations (the steering committee decides from here too)."""
    issue = issue_policy.get(request.user, queryset=selectors.issues_for(request.user), pk=pk)
    return detail_page(request, issue, "raid/issue_detail.html", {
        "issue": issue,
        "source_risk": issue.source_risk if issue.source_risk_id else None,
        "escalations": [(e, escalation_policy.can(request.user, "decide", e))
                        for e in issue.escalations.select_related("escalated_by", "decided_by", "program")],
        "tasks": selectors.tasks_of_item(request.user, issue),
        "open": issue.status in OPEN_ISSUE_STATUSES,
    }, actions=("change", "escalate"))


@login_required
def assumption_detail(request, pk):
    assumption = assumption_policy.get(request.user, queryset=selectors.assumptions_for(request.user), pk=pk)
    return detail_page(request, assumption, "raid/assumption_detail.html", {"assumption": assumption},
                       actions=("change",))


@login_required
def action_detail(request, pk):
    action = action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=pk)
    return detail_page(request, action, "raid/action_detail.html", {"action": action}, actions=("change",))


@login_required
def escalation_detail(request, pk):
    escalation = escalation_policy.get(request.user, queryset=selectors.escalations_for(request.user), pk=pk)
    return detail_page(request, escalation, "raid/escalation_detail.html", {"escalation": escalation},
                       actions=("decide",))


def _labels(risk) -> dict:
    scale = services.risk_scale()
    return {"probability": scale.probability_levels[risk.probability - 1],
            "impact": scale.impact_levels[risk.impact - 1]}


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request, pk):
    risk = risk_policy.get(request.user, pk=pk)
    form_class = partial(RiskForm, task_choices=_task_choices(request.user, risk.program_id, risk.project_id))
    return _edit(request, risk, risk_policy, form_class, services.risk_update, "risk")


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request, pk):
    issue = issue_policy.get(request.user, pk=pk)
    return _edit(request, issue, issue_policy, IssueForm, services.issue_update, "issue")


@login_required
@require_http_methods(["GET", "POST"])
def assumption_edit(request, pk):
    assumption = assumption_policy.get(request.user, pk=pk)
    return _edit(request, assumption, assumption_policy, AssumptionForm, services.assumption_update, "assumption")


def _post_action(request, obj, action, done: str, back: str):
    """Run a POST-only service action from a small form with ``version``; errors come back as messages."""
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    if form.is_valid():
        result = apply_service(form, lambda: action(form.cleaned_data["version"]))
        if result is not None:
            messages.success(request, done)
            return redirect(back)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(back)


@login_required
@require_POST
def risk_occur(request, pk):
    risk = risk_policy.get(request.user, pk=pk)
    risk_policy.require(request.user, "change", risk)
    return _post_action(request, risk, lambda v: services.risk_occur(actor=request.user, risk=risk, expected_version=v,
                                                                     note=request.POST.get("note", "")),
                        f"{risk.ref} recorded as occurred; the issue was raised.", reverse("raid:risk_detail",
                                                                                            args=[risk.pk]))


@login_required
@require_POST
def risk_escalate(request, pk):
    risk = risk_policy.get(request.user, pk=pk)
    risk_policy.require(request.user, "escalate", risk)
    return _post_action(request, risk, lambda v: services.item_escalate(
        actor=request.user, item=risk, reason=request.POST.get("reason", ""), expected_version=v),
        f"{risk.ref} escalated.", reverse("raid:risk_detail", args=[risk.pk]))


@login_required
@require_POST
def issue_escalate(request, pk):
    issue = issue_policy.get(request.user, pk=pk)
    issue_policy.require(request.user, "escalate", issue)
    return _post_action(request, issue, lambda v: services.item_escalate(
        actor=request.user, item=issue, reason=request.POST.get("reason", ""), expected_version=v),
        f"{issue.ref} escalated.", _next(request, issue.get_absolute_url()))


@login_required
@require_POST
def action_create(request, pk):
    risk = risk_policy.get(request.user, pk=pk)
    risk_policy.require(request.user, "change", risk)
    form = ActionForm(request.POST)
    if form.is_valid() and apply_service(form, lambda: services.action_create(actor=request.user, risk=risk,
                                                                               **form.cleaned_data)):
        messages.success(request, "Response action added.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("raid:risk_detail", pk=risk.pk)


@login_required
def escalations(request):
    """Escalations the user can see; the steering committee's list of items raised to it, newest first."""
    status = request.GET.get("status", "open")
    level = request.GET.get("level", "steering")
    queryset = selectors.escalations_for(request.user)
    if status in EscalationStatus.values:
        queryset = queryset.filter(status=status)
    if level in ("program", "steering"):
        queryset = queryset.filter(to_level=level)
    rows = list(queryset[:200])
    return render(request, "raid/escalations.html", {
        "rows": [(e, escalation_policy.can(request.user, "decide", e)) for e in rows],
        "status": status, "level": level, "statuses": EscalationStatus.choices,
        "breadcrumbs": breadcrumbs(request.user, _raid_home(), "Escalations"),
    })


@login_required
@require_POST
def escalation_decide(request, pk):
    escalation = escalation_policy.get(request.user, pk=pk)
    escalation_policy.require(request.user, "decide", escalation, "only the steering committee decides this")
    return _post_action(request, escalation, lambda v: services.escalation_decide(
        actor=request.user, escalation=escalation, expected_version=v, status=request.POST.get("status", ""),
        decision=request.POST.get("decision", "")), "Escalation updated.", _next(request, reverse("raid:escalations")))


@login_required
@require_POST
def run_start(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    run_policy.require(request.user, "start", program, "you may not start simulations of this program")
    form = RunForm(request.POST)
    if form.is_valid():
        run = apply_service(form, lambda: services.simulation_start(actor=request.user, program=program,
                                                                    **form.cleaned_data))
        if run:
            messages.success(request, f"Simulation #{run.pk} queued.")
            return redirect("raid:run_detail", pk=run.pk)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("raid:program_log", args=[program.pk]) + "?tab=simulations")


@login_required
def run_detail(request, pk):
    run = run_policy.get(request.user, queryset=selectors.runs_for(request.user), pk=pk)
    charts = _chart_data(run) if run.status == RunStatus.DONE else None
    return render(request, "raid/run_detail.html", {
        "run": run, "breadcrumbs": breadcrumbs(request.user, run), "charts": charts, "tables": _chart_tables(charts),
        "others": selectors.runs_for(request.user).filter(program=run.program, status=RunStatus.DONE)
        .exclude(pk=run.pk)[:20],
    })


@login_required
def run_progress(request, pk):
    """The status/progress fragment the run page polls every second while the run is queued or running."""
    run = run_policy.get(request.user, pk=pk)
    if run.status == RunStatus.RUNNING and services.runs_reap():
        run.refresh_from_db()
    response = render(request, "raid/_run_progress.html", {"run": run})
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
def run_compare(request):
    runs = []
    for key in ("a", "b"):
        try:
            pk = int(request.GET.get(key, ""))
        except ValueError as exc:
            raise Http404("choose two runs") from exc
        runs.append(run_policy.get(request.user, queryset=selectors.runs_for(request.user), pk=pk))
    rows = []
    for label, path in (("Finish P10", ("finish", "p10")), ("Finish P50", ("finish", "p50")),
                        ("Finish P80", ("finish", "p80")), ("Finish P90", ("finish", "p90")),
                        ("Finish mean", ("finish", "mean")), ("Planned finish", ("finish", "planned")),
                        ("P(meet planned)", ("finish", "prob_planned")), ("P(meet target)", ("finish", "prob_target")),
                        ("Cost P50", ("cost", "p50")), ("Cost P80", ("cost", "p80")), ("Cost P90", ("cost", "p90"))):
        rows.append((label, [_dig(r.results, path) for r in runs]))
    charts = [_chart_data(r) if r.status == RunStatus.DONE else None for r in runs]
    return render(request, "raid/run_compare.html", {
        "runs": runs, "rows": rows, "runs_tables": zip(runs, [_chart_tables(c) for c in charts], strict=True),
        "charts": charts,
        "breadcrumbs": breadcrumbs(request.user, _raid_home(), "Compare runs"),
    })


def _dig(data, path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


#: longest bar label of the tornado and criticality charts (the full name is in the tooltip)
CHART_LABEL = 34


def _bar_rows(rows: list[dict]) -> list[dict]:
    """Chart rows labelled by what people call them: a task by its project code, WBS and name, a risk by
    its reference and title; never the network's internal ids ("T145")."""
    out = []
    for row in rows:
        full = f"{row['id']} {row['name']}" if row.get("kind") == "risk" else row["name"]
        short = full if len(full) <= CHART_LABEL else full[:CHART_LABEL - 1].rstrip() + "…"
        out.append({"label": short, "name": full, "value": row.get("rho", row.get("value"))})
    return out


def _chart_tables(charts: dict | None) -> dict | None:
    """Each chart's data as a table (its text alternative, under the chart): the same numbers the chart draws."""
    if not charts:
        return None

    def histogram(data: dict, caption: str, first: str) -> dict:
        rows = [(label, formats.number_format(count, 0, use_l10n=True, force_grouping=True),
                 f"{formats.number_format(cdf * 100, 1, use_l10n=True)} %")
                for label, count, cdf in zip(data["labels"], data["counts"], data["cdf"], strict=True)]
        return {"caption": caption, "headers": (first, "Iterations", "Cumulative"), "rows": rows}

    return {
        "finish": histogram(charts["finish"], "Finish date: iterations per date and cumulative share", "Finish"),
        "cost": histogram(charts["cost"], "Cost: iterations per amount and cumulative share",
                          f"Cost ({charts['currency']})"),
        "tornado": {"caption": "Correlation of each input with the finish (Spearman's rho)",
                    "headers": ("Task or risk", "rho"),
                    "rows": [(row["name"], formats.number_format(row["value"], 2, use_l10n=True))
                             for row in charts["tornado"]]},
        "criticality": {"caption": "Share of iterations in which each task is critical",
                        "headers": ("Task", "Critical in"),
                        "rows": [(row["name"], f"{round(row['value'] * 100)} %") for row in charts["criticality"]]},
    }


def _chart_data(run) -> dict | None:
    results = run.results or {}
    if not results:
        return None
    cost = dict(results["cost"]["histogram"])
    cost["labels"] = [formats.number_format(v, 0, use_l10n=True, force_grouping=True) for v in cost["labels"]]
    return {"finish": results["finish"]["histogram"], "cost": cost, "currency": run.program.currency,
            "tornado": _bar_rows(results.get("tornado", [])),
            "criticality": _bar_rows(results.get("criticality", [])[:15]),
            "title": f"#{run.pk} {run.scope_label}"}


@login_required
@require_POST
def settings_update(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    if not edits_target(request.user, program):
        raise PermissionDenied("only the program manager or the PMO Director sets the threshold")
    form = forms.Form(request.POST)
    form.fields["escalation_threshold"] = forms.IntegerField(min_value=1, max_value=25)
    if form.is_valid() and apply_service(form, lambda: services.raid_settings_update(
            actor=request.user, program=program, escalation_threshold=form.cleaned_data["escalation_threshold"])):
        messages.success(request, "Escalation threshold saved.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("raid:program_log", program_pk=program.pk)



@login_required
@require_http_methods(["GET", "POST"])
def scale(request):
    """The portfolio's 5x5 risk scale; everyone reads it, the PMO Director changes it."""
    current = services.risk_scale()
    can_change = scale_policy.can(request.user, "change", current)
    if request.method == "POST":
        scale_policy.require(request.user, "change", current, "only the PMO Director changes the risk scale")
    form = ScaleForm(request.POST or None, scale=current, disabled=not can_change)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.risk_scale_update(
            actor=request.user, scale=current, expected_version=form.cleaned_data["version"], **form.changes()))
        if saved:
            messages.success(request, "Risk scale saved; every risk was re-rated.")
            return redirect("raid:scale")
    return render(request, "raid/scale.html", {
        "form": form, "can_change": can_change, "scale": current,
        "breadcrumbs": breadcrumbs(request.user, _raid_home(), "Risk scale")}, status=_form_status(form))
