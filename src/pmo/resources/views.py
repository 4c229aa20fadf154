"""Resource pages: the pool, people and roles, teams, skills, the capacity heat map with its drill-down, demand vs
capacity by skill with what-if scenarios, a project's assignments and demand, and leveling proposals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.ids import parse_id
from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.planning.models import Task
from pmo.planning.policies import task_policy
from pmo.planning.selectors import task_queryset
from pmo.portfolio.policies import project_policy

from . import selectors, services
from .forms import (
    AssignmentForm,
    FillForm,
    HeldSkillForm,
    LeaveForm,
    OrganisationForm,
    RateForm,
    ResourceForm,
    RunForm,
    SkillForm,
    TeamForm,
)
from .models import Decision, ResourceKind, RunStatus, pool_crumb, skills_crumb, teams_crumb
from .policies import (
    assignment_policy,
    can_run_what_if,
    leave_policy,
    organisation_policy,
    rate_policy,
    resource_policy,
    resource_skill_policy,
    run_policy,
    skill_policy,
    team_policy,
)

POOL_SORTS = {"name": "name", "kind": "kind", "team": "team__name", "organisation": "organisation__name",
              "units": "max_units", "country": "holiday_country"}


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _post_form(request, form, action, done: str, back: str):
    """Run a small POST form's service call; errors come back as messages on ``back``."""
    if form.is_valid():
        result = apply_service(form, lambda: action(form.cleaned_data))
        if result is not None:
            messages.success(request, done)
            return redirect(back)
    messages.error(request, _errors(form))
    return redirect(back)


class _Done:
    """A truthy result for services that return None (deletes)."""


def _versioned(request) -> forms.Form:
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    return form


# --- the pool ----------------------------------------------------------------------------------------


@login_required
def pool(request):
    qs = selectors.resources_for(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(skills__skill__name__icontains=query)
                       ).distinct()
    result = listing(request, qs, sortable=POOL_SORTS, default_sort="name",
                     filters={"kind": "kind", "team": "team_id", "skill": "skills__skill_id"})
    return render(request, "resources/pool.html", {
        "listing": result, "breadcrumbs": breadcrumbs(request.user, pool_crumb()),
        "teams": selectors.teams_for(request.user).order_by("name"), "skills": selectors.skills_for(request.user),
        "kinds": ResourceKind.choices, "can_create": resource_policy.can(request.user, "create"),
        "active_filters": result.filters,
    })


def _create(request, policy, form_class, create, title: str, parent):
    policy.require(request.user, "create", None, "only the PMO Director manages the resource pool")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        created = apply_service(form, lambda: create(actor=request.user, **changes))
        if created:
            messages.success(request, f"{created} added.")
            return redirect(created)
    return form_page(request, form, title, parent, title)


def _edit(request, obj, policy, form_class, update, noun: str):
    policy.require(request.user, "change", obj)
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: update(actor=request.user, expected_version=form.cleaned_data["version"]
                                                     or 0, **{noun: obj}, **form.changes()))
        if updated:
            messages.success(request, f"{updated} saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {obj}", obj, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request):
    return _create(request, resource_policy, ResourceForm, services.resource_create, "New person or role", pool_crumb())


@login_required
def resource_detail(request, pk):
    resource = selectors.resource_detail(request.user, pk)
    first, last = selectors.window(date.today(), 6)
    strip = selectors.capacity(request.user, first=first, last=last, grain="month")
    row = strip.rows[strip.rows_by_resource[resource.pk]] if resource.pk in strip.rows_by_resource else None
    can_manage = resource_policy.can(request.user, "change", resource)
    return detail_page(request, resource, "resources/resource_detail.html", {
        "resource": resource, "skills": selectors.skills_of(resource), "leave": selectors.leave_of(resource),
        "rates": selectors.rates_of(request.user, resource),
        "can_rates": rate_policy.can(request.user, "create"),
        "assignments": selectors.assignments_of_resource(request.user, resource)[:200],
        "strip": row, "buckets": strip.buckets,
        "skill_form": HeldSkillForm() if can_manage else None, "leave_form": LeaveForm() if can_manage else None,
        "rate_form": RateForm() if rate_policy.can(request.user, "create") else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk):
    resource = selectors.resource_detail(request.user, pk)
    return _edit(request, resource, resource_policy, ResourceForm, services.resource_update, "resource")


@login_required
@require_POST
def resource_delete(request, pk):
    resource = selectors.resource_detail(request.user, pk)
    resource_policy.require(request.user, "delete", resource)
    form = _versioned(request)
    if form.is_valid() and apply_service(form, lambda: services.resource_delete(
            actor=request.user, resource=resource, expected_version=form.cleaned_data["version"]) or _Done()):
        messages.success(request, f"{resource.name} removed from the pool.")
        return redirect("resources:pool")
    messages.error(request, _errors(form))
    return redirect(resource)


@login_required
@require_POST
def skill_set(request, pk):
    resource = selectors.resource_detail(request.user, pk)
    resource_skill_policy.require(request.user, "create", None, "only the PMO Director manages the resource pool")
    return _post_form(request, HeldSkillForm(request.POST), lambda d: services.resource_skill_set(
        actor=request.user, resource=resource, skill=d["skill"], level=d["level"]), "Skill saved.",
        resource.get_absolute_url() + "#skills")


@login_required
@require_POST
def skill_remove(request, pk):
    held = resource_skill_policy.get(request.user, queryset=resource_skill_policy.visible(request.user)
                                     .select_related("resource", "skill"), pk=pk)
    resource_skill_policy.require(request.user, "delete", held)
    return _post_form(request, _versioned(request), lambda d: services.resource_skill_remove(
        actor=request.user, resource_skill=held, expected_version=d["version"]) or _Done(),
        f"{held.skill} removed.", held.resource.get_absolute_url() + "#skills")


@login_required
@require_POST
def leave_create(request, pk):
    resource = selectors.resource_detail(request.user, pk)
    leave_policy.require(request.user, "create", None, "only the PMO Director manages the resource pool")
    form = LeaveForm(request.POST)
    return _post_form(request, form, lambda d: services.leave_create(actor=request.user, resource=resource, **d),
                      "Leave recorded.", resource.get_absolute_url() + "#leave")


@login_required
@require_POST
def leave_delete(request, pk):
    leave = leave_policy.get(request.user, queryset=leave_policy.visible(request.user).select_related("resource"),
                             pk=pk)
    leave_policy.require(request.user, "delete", leave)
    return _post_form(request, _versioned(request), lambda d: services.leave_delete(
        actor=request.user, leave=leave, expected_version=d["version"]) or _Done(), "Leave removed.",
        leave.resource.get_absolute_url() + "#leave")


@login_required
@require_POST
def rate_create(request, pk):
    resource = selectors.resource_detail(request.user, pk)
    rate_policy.require(request.user, "create", None, "only the PMO Director sets cost rates")
    return _post_form(request, RateForm(request.POST), lambda d: services.rate_create(
        actor=request.user, resource=resource, **d), "Rate saved.", resource.get_absolute_url() + "#rates")


@login_required
@require_POST
def rate_delete(request, pk):
    rate_policy.require(request.user, "delete", None, "only the PMO Director sets cost rates")
    rate = rate_policy.get(request.user, queryset=rate_policy.visible(request.user).select_related("resource"), pk=pk)
    return _post_form(request, _versioned(request), lambda d: services.rate_delete(
        actor=request.user, rate=rate, expected_version=d["version"]) or _Done(), "Rate removed.",
        rate.resource.get_absolute_url() + "#rates")


# --- teams, organisations, skills --------------------------------------------------------------------


@login_required
def team_list(request):
    return render(request, "resources/team_list.html", {
        "teams": selectors.teams_for(request.user).order_by("name"), "organisations": selectors.organisations(),
        "can_create": team_policy.can(request.user, "create"),
        "breadcrumbs": breadcrumbs(request.user, teams_crumb()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    return _create(request, team_policy, TeamForm, services.team_create, "New team", teams_crumb())


@login_required
def team_detail(request, pk):
    team = team_policy.get(request.user, queryset=team_policy.visible(request.user).select_related("organisation"),
                           pk=pk)
    return detail_page(request, team, "resources/team_detail.html", {
        "team": team, "members": selectors.resources_for(request.user).filter(team=team).order_by("name"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    team = team_policy.get(request.user, pk=pk)
    return _edit(request, team, team_policy, TeamForm, services.team_update, "team")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    return _create(request, organisation_policy, OrganisationForm, services.organisation_create, "New organisation",
                   teams_crumb())


@login_required
def organisation_detail(request, pk):
    organisation = organisation_policy.get(request.user, pk=pk)
    return detail_page(request, organisation, "resources/organisation_detail.html", {
        "organisation": organisation, "teams": organisation.teams.order_by("name"),
        "people": selectors.resources_for(request.user).filter(organisation=organisation).order_by("name"),
    })


@login_required
def skill_list(request):
    return render(request, "resources/skill_list.html", {
        "skills": selectors.skills_for(request.user).order_by("name"),
        "can_create": skill_policy.can(request.user, "create"),
        "breadcrumbs": breadcrumbs(request.user, skills_crumb()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def skill_create(request):
    return _create(request, skill_policy, SkillForm, services.skill_create, "New skill", skills_crumb())


@login_required
def skill_detail(request, pk):
    skill = skill_policy.get(request.user, pk=pk)
    return detail_page(request, skill, "resources/skill_detail.html", {
        "skill": skill, "holders": selectors.holders_of(skill),
    })


# --- capacity ----------------------------------------------------------------------------------------


def _capacity_args(request) -> dict:
    grain = request.GET.get("grain", "month")
    grain = grain if grain in selectors.GRAINS else "month"
    group = request.GET.get("group", "person")
    group = group if group in selectors.GROUPS else "person"
    try:
        start = date.fromisoformat(request.GET["from"]) if request.GET.get("from") else date.today()
        if not 2000 <= start.year <= 2100:
            raise ValueError
    except ValueError:
        start = date.today()
    count = parse_id(request.GET.get("span")) or (6 if grain == "month" else 12)
    count = min(count, 36 if grain == "month" else 104)
    first, last = selectors.window(start, count, grain)
    return {"first": first, "last": last, "grain": grain, "group": group, "span": count}


@login_required
def heatmap(request):
    args = _capacity_args(request)
    result = selectors.capacity(request.user, first=args["first"], last=args["last"], grain=args["grain"],
                                group=args["group"])
    query = urlencode({"group": args["group"], "grain": args["grain"], "from": args["first"].isoformat(),
                       "span": args["span"]})
    cell_url = reverse("resources:heatmap_cell")
    for row in result.rows:
        row.linked = [{**c, "href": f"{cell_url}?row={row.key}&bucket={k}&{query}"} for k, c in enumerate(row.cells)]
    return render(request, "resources/heatmap.html", {
        "result": result, "args": args, "groups": [("person", "Person"), ("team", "Team"), ("skill", "Skill")],
        "breadcrumbs": breadcrumbs(request.user, pool_crumb(), "Capacity"),
        "people_rows": [r for r in result.rows if r.kind != "role"],
        "role_rows": [r for r in result.rows if r.kind == "role"],
    })


@login_required
def heatmap_cell(request):
    """The tasks behind one heat-map cell (a fragment under the heat map, or a page of its own)."""
    args = _capacity_args(request)
    key = request.GET.get("row", "")
    text = request.GET.get("bucket", "")
    if not (text.isascii() and text.isdigit() and len(text) < 4) or not (
            len(key) >= 2 and key[0] in "rts" and (parse_id(key[1:]) is not None or key == "t0")):
        raise Http404("choose a cell of the heat map")
    bucket = int(text) + 1
    result = selectors.capacity(request.user, first=args["first"], last=args["last"], grain=args["grain"],
                                group=args["group"])
    if bucket - 1 >= len(result.buckets):
        raise Http404("no such period")
    number = int(key[1:])
    if key[0] == "r":
        ids = [number]
    elif key[0] == "t":
        ids = [r.pk for r in result.resources if (r.team_id or 0) == number and r.kind == ResourceKind.PERSON]
    else:
        ids = [r.pk for r in result.resources if r.pk > 0 and any(rs.skill_id == number for rs in r.skills.all())]
    row = next((r for r in result.rows if r.key == key), None)
    if row is None:
        raise Http404("no such row")
    items, hidden = selectors.drill(request.user, result, ids, bucket - 1)
    context = {"row": row, "period": result.buckets[bucket - 1], "grain": args["grain"], "items": items,
               "hidden": hidden, "cell": row.cells[bucket - 1]}
    if request.htmx:
        return render(request, "resources/_cell.html", context)
    return render(request, "resources/cell.html", {**context, "breadcrumbs": breadcrumbs(
        request.user, Crumb("Capacity", reverse("resources:heatmap"), parent=pool_crumb()), row.label)})


def _scenario(request) -> tuple[selectors.Scenario, list[str]]:
    scenario, notes = selectors.Scenario(), []
    if not can_run_what_if(request.user):
        return scenario, notes
    visible = {p.pk: p for p in project_policy.visible(request.user)}
    skill_id = parse_id(request.GET.get("add_skill"))
    count = parse_id(request.GET.get("add_count")) or 0
    if skill_id and count:
        skill = skill_policy.visible(request.user).filter(pk=skill_id).first()
        if skill is not None:
            for k in range(min(count, 10)):
                scenario.add.append((f"New {skill.name} {k + 1}", skill.pk, Decimal(1)))
            notes.append(f"add {min(count, 10)} full-time {skill.name} {'person' if count == 1 else 'people'}")
    delay_project = parse_id(request.GET.get("delay_project"))
    days = request.GET.get("delay_days", "")
    if delay_project in visible and days.lstrip("-").isdigit() and 0 < abs(int(days)) <= selectors.MAX_DELAY:
        scenario.delay[delay_project] = int(days)
        notes.append(f"delay {visible[delay_project].code} by {int(days)} days")
    drop = parse_id(request.GET.get("drop_project"))
    if drop in visible:
        scenario.drop.add(drop)
        notes.append(f"drop {visible[drop].code}")
    return scenario, notes


@login_required
def demand(request):
    """Demand vs capacity by skill, and what-if scenarios beside the plan of record (nothing is written)."""
    args = _capacity_args(request)
    base = selectors.capacity(request.user, first=args["first"], last=args["last"], grain=args["grain"],
                              group="skill")
    scenario, notes = _scenario(request)
    what_if = None if scenario.empty else selectors.capacity(
        request.user, first=args["first"], last=args["last"], grain=args["grain"], group="skill", scenario=scenario)
    people = selectors.capacity(request.user, first=args["first"], last=args["last"], grain=args["grain"])
    people_if = None if scenario.empty else selectors.capacity(
        request.user, first=args["first"], last=args["last"], grain=args["grain"], scenario=scenario)
    others = {row.key: row for row in what_if.rows} if what_if else {}
    rows = []
    for row in base.rows:
        item = {"base": row, "base_cells": [{"total": t, "short": t > c + 1e-6} for t, c in
                                            zip(row.meta["total"], row.capacity, strict=True)]}
        other = others.get(row.key)
        if other is not None:
            item["if_cells"] = [{"total": t, "capacity": c, "short": t > c + 1e-6}
                                for t, c in zip(other.meta["total"], other.capacity, strict=True)]
        elif what_if is not None:
            item["if_cells"] = item["base_cells"]
        rows.append(item)
    return render(request, "resources/demand.html", {
        "base": base, "what_if": what_if, "rows": rows, "notes": notes, "args": args,
        "over_before": sum(r.total_over for r in people.rows if r.kind == "person"),
        "over_after": None if people_if is None else sum(r.total_over for r in people_if.rows if r.kind == "person"),
        "can_what_if": can_run_what_if(request.user),
        "projects": project_policy.visible(request.user).order_by("code"),
        "skills": selectors.skills_for(request.user).order_by("name"),
        "breadcrumbs": breadcrumbs(request.user, pool_crumb(), "Demand and what-if"),
    })


# --- assignments -------------------------------------------------------------------------------------


def _project(request, pk):
    return project_policy.get(request.user, queryset=project_policy.visible(request.user).select_related("program"),
                              pk=pk)


def _resources_crumb(project) -> Crumb:
    return Crumb("Resources", reverse("resources:project_assignments", args=[project.pk]), parent=project)


@login_required
def project_assignments(request, project_pk):
    project = _project(request, project_pk)
    assignments = list(selectors.assignments_of_project(request.user, project))
    fill_allowed = bool(assignments) and assignment_policy.can(request.user, "fill", assignments[0])
    can_level = run_policy.can(request.user, "start", project)
    tasks = Task.objects.filter(project=project, is_summary=False).order_by("order", "pk")
    return render(request, "resources/project_assignments.html", {
        "project": project, "assignments": assignments,
        "can_assign": project_policy.can(request.user, "change", project), "can_fill": fill_allowed,
        "people": selectors.people_for_fill(assignments[0].resource) if fill_allowed and any(
            a.is_demand for a in assignments) else [],
        "tasks": tasks, "runs": selectors.runs_of_project(request.user, project)[:20],
        "run_form": RunForm(tasks=tasks) if can_level else None,
        "breadcrumbs": breadcrumbs(request.user, _resources_crumb(project)),
    })


def _task(request, pk) -> Task:
    return task_policy.get(request.user, queryset=task_queryset(), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, task_pk):
    task = _task(request, task_pk)
    assignment_policy.require(request.user, "create", task, f"you may not assign resources in {task.project.code}")
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        created = apply_service(form, lambda: services.assignment_create(
            actor=request.user, task=task, resource=form.cleaned_data["resource"], **changes))
        if created:
            messages.success(request, f"{created.resource.name} assigned to {task.name}.")
            return redirect(reverse("resources:project_assignments", args=[task.project_id]))
    return form_page(request, form, f"Assign to {task.name}", task, "Assign")


@login_required
def assignment_detail(request, pk):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=pk)
    fill = assignment.is_demand and assignment_policy.can(request.user, "fill", assignment)
    return detail_page(request, assignment, "resources/assignment_detail.html", {
        "assignment": assignment, "people": selectors.people_for_fill(assignment.resource) if fill else [],
        "can_fill": fill,
    })


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=pk)
    assignment_policy.require(request.user, "change", assignment)
    form = AssignmentForm(request.POST or None, instance=assignment, with_resource=False)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.assignment_update(
            actor=request.user, assignment=assignment, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, "Assignment saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {assignment}", assignment, "Edit")


@login_required
@require_POST
def assignment_delete(request, pk):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=pk)
    assignment_policy.require(request.user, "delete", assignment)
    back = reverse("resources:project_assignments", args=[assignment.task.project_id])
    return _post_form(request, _versioned(request), lambda d: services.assignment_delete(
        actor=request.user, assignment=assignment, expected_version=d["version"]) or _Done(),
        "Assignment removed.", back)


@login_required
@require_POST
def assignment_fill(request, pk):
    assignment = assignment_policy.get(request.user, queryset=selectors.assignment_queryset(), pk=pk)
    assignment_policy.require(request.user, "fill", assignment, "the Program Manager fills demand with named people")
    back = request.POST.get("next") == "project" and reverse("resources:project_assignments",
                                                             args=[assignment.task.project_id]) or \
        assignment.get_absolute_url()
    return _post_form(request, FillForm(request.POST), lambda d: services.assignment_fill(
        actor=request.user, assignment=assignment, person=d["person"], expected_version=d["version"]),
        "Demand filled.", back)


# --- leveling ----------------------------------------------------------------------------------------


@login_required
@require_POST
def run_start(request, project_pk):
    project = _project(request, project_pk)
    run_policy.require(request.user, "start", project, f"you may not level the plan of {project.code}")
    tasks = Task.objects.filter(project=project, is_summary=False).order_by("order", "pk")
    form = RunForm(request.POST, tasks=tasks)
    back = reverse("resources:project_assignments", args=[project.pk])
    if form.is_valid():
        data = form.cleaned_data
        run = apply_service(form, lambda: services.leveling_start(
            actor=request.user, project=project, mode=data["mode"], time_limit=data["time_limit"],
            within_float=data["within_float"], priority_tasks=list(data["priority_tasks"])))
        if run:
            messages.success(request, f"Leveling #{run.pk} queued.")
            return redirect(run)
    messages.error(request, _errors(form))
    return redirect(back)


@login_required
def run_detail(request, pk):
    run = run_policy.get(request.user, queryset=selectors.runs_for(request.user), pk=pk)
    results = run.results or {}
    rows = results.get("tasks", [])
    moved = [t for t in rows if t["after"][0] != t["before"][0]]
    return detail_page(request, run, "resources/run_detail.html", {
        "run": run, "results": results, "moved": moved, "unmoved": len(rows) - len(moved),
        "gantt": _gantt(rows) if rows else None, "gap_pct": 100 * results.get("gap", 0),
        "pending": run.status == RunStatus.DONE and run.decision == Decision.PENDING,
    }, actions=("decide",))


def _gantt(rows: list[dict]) -> dict:
    """Before/after bars as percentages of the span both plans cover (drawn as plain HTML bars)."""
    days = [date.fromisoformat(d) for t in rows for d in (*t["before"], *t["after"])]
    first, last = min(days), max(days)
    span = max((last - first).days + 1, 1)

    def bar(pair):
        s, f = date.fromisoformat(pair[0]), date.fromisoformat(pair[1])
        return {"left": round(100 * (s - first).days / span, 2),
                "width": max(round(100 * ((f - s).days + 1) / span, 2), 0.6)}

    return {"first": first, "last": last, "rows": [
        {"task": t, "before": bar(t["before"]), "after": bar(t["after"]), "moved": t["after"][0] != t["before"][0]}
        for t in rows[:300]]}


@login_required
def run_progress(request, pk):
    run = run_policy.get(request.user, pk=pk)
    if run.status == RunStatus.RUNNING and services.runs_reap():
        run.refresh_from_db()
    response = render(request, "resources/_run_progress.html", {"run": run})
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def _decide(request, pk, decide, done: str):
    run = run_policy.get(request.user, queryset=selectors.runs_for(request.user), pk=pk)
    run_policy.require(request.user, "decide", run, "the Program Manager of the program decides on leveling")
    form = _versioned(request)
    if form.is_valid():
        try:
            result = apply_service(form, lambda: decide(actor=request.user, run=run,
                                                        expected_version=form.cleaned_data["version"]))
        except ValidationError as exc:  # pragma: no cover - apply_service turns these into form errors
            form.add_error(None, exc)
            result = None
        if result is not None:
            messages.success(request, done)
            return redirect(run)
    messages.error(request, _errors(form))
    return redirect(run)


@login_required
@require_POST
def run_accept(request, pk):
    return _decide(request, pk, services.leveling_accept, "Leveling accepted: the plan now starts the moved tasks "
                                                          "no earlier than their leveled dates.")


@login_required
@require_POST
def run_reject(request, pk):
    return _decide(request, pk, services.leveling_reject, "Leveling rejected: the plan is unchanged.")
