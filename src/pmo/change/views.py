"""Scope and change-control pages: a project's scope (deliverables, scope items, scope baselines), their detail
pages and forms; a program's change requests, a request with its impact side by side, the decision and the
change log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.errors import StaleVersion
from pmo.core.ids import parse_id
from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.planning.models import Baseline, Task
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .forms import ChangeRequestForm, DecisionForm, DeliverableDecisionForm, DeliverableForm, ScopeItemForm
from .models import BaselineChange, ChangeRequestStatus, ChangeType, Deliverable, Route, changes_crumb, scope_crumb
from .policies import (
    change_request_policy,
    deliverable_policy,
    raises_changes,
    scope_baseline_policy,
    scope_item_policy,
)


@login_required
def scope(request, project_pk):
    """A project's scope: its deliverables with their acceptance, its scope items and its scope baselines."""
    project = project_policy.get(request.user, pk=project_pk)
    return render(request, "change/scope.html", {
        "project": project,
        "deliverables": list(selectors.deliverables_for(request.user).filter(project=project).order_by("code", "pk")),
        "items": list(selectors.scope_items_for(request.user).filter(project=project).order_by("code", "pk")),
        "baselines": list(selectors.scope_baselines_for(request.user).filter(project=project)[:50]),
        "can_change": project_policy.can(request.user, "change", project),
        "breadcrumbs": breadcrumbs(request.user, scope_crumb(project)),
    })


@login_required
def deliverable_detail(request, pk):
    deliverable = deliverable_policy.get(request.user, selectors.deliverables_for(request.user), pk=pk)
    return detail_page(request, deliverable, "change/deliverable_detail.html", {
        "deliverable": deliverable, "tasks": list(deliverable.tasks.order_by("order", "pk")),
        "items": list(deliverable.items.order_by("code", "pk")),
    }, actions=("change", "delete", "accept"))


@login_required
def item_detail(request, pk):
    item = scope_item_policy.get(request.user, selectors.scope_items_for(request.user), pk=pk)
    return detail_page(request, item, "change/item_detail.html", {
        "item": item, "tasks": list(item.tasks.order_by("order", "pk")),
    }, actions=("change", "delete"))


def _project_tasks(project):
    return Task.objects.filter(project=project).order_by("order", "pk")


def _changeable_project(request, project_pk):
    project = project_policy.get(request.user, pk=project_pk)
    project_policy.require(request.user, "change", project, f"you may not change the scope of {project.code}")
    return project


def _confirm_delete(request, obj, delete, done_url: str):
    """The confirmation page (GET) and the deletion (POST, with the version it was read at)."""
    error = None
    if request.method == "POST":
        try:
            delete(parse_id(request.POST.get("version")) or 0)
        except (ValidationError, StaleVersion) as exc:
            error = _message(exc)
        else:
            messages.success(request, f"{obj} deleted.")
            return redirect(done_url)
    return render(request, "portfolio/confirm_delete.html", {
        "object": obj, "error": error, "breadcrumbs": breadcrumbs(request.user, obj, "Delete")},
        status=409 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_create(request, project_pk):
    project = _changeable_project(request, project_pk)
    form = DeliverableForm(request.POST or None, tasks=_project_tasks(project))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.deliverable_create(actor=request.user, project=project,
                                                                        **form.changes()))
        if saved:
            messages.success(request, f"{saved} added to the scope of {project.code}.")
            return redirect(saved)
    return form_page(request, form, f"New deliverable of {project.code}", scope_crumb(project), "New deliverable")


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_edit(request, pk):
    deliverable = deliverable_policy.get(request.user, pk=pk)
    deliverable_policy.require(request.user, "change", deliverable)
    form = DeliverableForm(request.POST or None, instance=deliverable, tasks=_project_tasks(deliverable.project))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.deliverable_update(
            actor=request.user, deliverable=deliverable, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {deliverable}", deliverable, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_delete(request, pk):
    deliverable = deliverable_policy.get(request.user, pk=pk)
    deliverable_policy.require(request.user, "delete", deliverable)
    return _confirm_delete(request, deliverable, lambda version: services.deliverable_delete(
        actor=request.user, deliverable=deliverable, expected_version=version), scope_crumb(deliverable.project).url)


def _deliverables(project):
    return Deliverable.objects.filter(project=project).order_by("code", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, project_pk):
    project = _changeable_project(request, project_pk)
    initial = {}
    wanted = parse_id(request.GET.get("deliverable"))
    if wanted:
        initial["deliverable"] = _deliverables(project).filter(pk=wanted).first()
    form = ScopeItemForm(request.POST or None, initial=initial, tasks=_project_tasks(project),
                         deliverables=_deliverables(project))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.scope_item_create(actor=request.user, project=project,
                                                                       **form.changes()))
        if saved:
            messages.success(request, f"{saved} added to the scope of {project.code}.")
            return redirect(saved)
    return form_page(request, form, f"New scope item of {project.code}", scope_crumb(project), "New scope item")


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = scope_item_policy.get(request.user, pk=pk)
    scope_item_policy.require(request.user, "change", item)
    form = ScopeItemForm(request.POST or None, instance=item, tasks=_project_tasks(item.project),
                         deliverables=_deliverables(item.project))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.scope_item_update(
            actor=request.user, item=item, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if saved:
            messages.success(request, f"{saved} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {item}", item, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request, pk):
    item = scope_item_policy.get(request.user, pk=pk)
    scope_item_policy.require(request.user, "delete", item)
    return _confirm_delete(request, item, lambda version: services.scope_item_delete(
        actor=request.user, item=item, expected_version=version), scope_crumb(item.project).url)


@login_required
def scope_baseline_detail(request, pk):
    baseline = scope_baseline_policy.get(request.user, selectors.scope_baselines_for(request.user), pk=pk)
    return detail_page(request, baseline, "change/scope_baseline_detail.html", {
        "baseline": baseline, "deliverables": baseline.snapshot.get("deliverables", []),
        "items": baseline.snapshot.get("items", []),
    }, actions=("view",))


@login_required
@require_POST
def deliverable_decide(request, pk):
    """Accept or reject a deliverable (those who manage the program)."""
    deliverable = deliverable_policy.get(request.user, pk=pk)
    deliverable_policy.require(request.user, "accept", deliverable,
                               f"you may not accept or reject deliverables of {deliverable.project.code}")
    form = DeliverableDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or reject (a note of at most 2000 characters).")
        return redirect(deliverable)
    decide = services.deliverable_accept if form.cleaned_data["decision"] == "accepted" else services.deliverable_reject
    try:
        saved = decide(actor=request.user, deliverable=deliverable, note=form.cleaned_data["note"],
                       expected_version=parse_id(request.POST.get("version")))
    except (ValidationError, StaleVersion) as exc:
        messages.error(request, _message(exc))
        return redirect(deliverable)
    messages.success(request, f"{saved} {saved.get_status_display().lower()}.")
    return redirect(saved)


# --- change requests ----------------------------------------------------------------------------------

SORTS = {"ref": "pk", "title": "title", "program": "program__code", "type": "type", "urgency": "urgency",
         "status": "status", "route": "route", "raised": "created_at", "updated": "updated_at"}
FILTERS = {"program": "program__code", "status": "status", "route": "route", "type": "type"}


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(m for e in errors for m in e.messages)}"
                             for field, errors in exc.error_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _listing(request, rows):
    rows = rows.annotate(assessments_count=Count("assessments"))
    q = (request.GET.get("q") or "").strip()
    if q:
        match = Q(title__icontains=q) | Q(description__icontains=q)
        if q.upper().startswith("CR-") and q[3:].isdigit():
            match |= Q(pk=int(q[3:]))
        rows = rows.filter(match)
    return listing(request, rows, sortable=SORTS, default_sort="-ref", filters=FILTERS)


def _choices():
    return {"statuses": ChangeRequestStatus.choices, "routes": Route.choices, "types": ChangeType.choices}


@login_required
def request_list(request):
    """Every change request the user may see; the ones waiting for the user's decision on top."""
    return render(request, "change/request_list.html", {
        "listing": _listing(request, selectors.change_requests_for(request.user)),
        "waiting": list(selectors.awaiting_decision(request.user)[:20]), "show_program": True,
        "programs": list(program_policy.visible(request.user).order_by("code")),
        "breadcrumbs": breadcrumbs(request.user, "Change requests"), **_choices(),
    })


@login_required
def program(request, program_pk):
    """A program's change requests, its tolerances and who decides."""
    program = program_policy.get(request.user, pk=program_pk)
    return render(request, "change/program.html", {
        "program": program, "listing": _listing(request, selectors.change_requests_for(request.user)
                                                .filter(program=program)),
        "can_raise": raises_changes(request.user, program.pk),
        "waiting": list(selectors.awaiting_decision(request.user).filter(program=program)[:20]),
        "breadcrumbs": breadcrumbs(request.user, changes_crumb(program)), **_choices(),
    })


def _projects(user, program):
    return project_policy.visible(user).filter(program=program).order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    if not raises_changes(request.user, program.pk):
        raise PermissionDenied(f"you may not raise change requests in {program.code}")
    form = ChangeRequestForm(request.POST or None, projects=_projects(request.user, program))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.change_request_create(
            actor=request.user, program=program, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} raised as a draft: submit it when it is complete.")
            return redirect(saved)
    return form_page(request, form, f"New change request in {program.code}", changes_crumb(program),
                     "New change request")


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    change_request = change_request_policy.get(request.user, pk=pk)
    change_request_policy.require(request.user, "change", change_request)
    form = ChangeRequestForm(request.POST or None, instance=change_request,
                             projects=_projects(request.user, change_request.program))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.change_request_update(
            actor=request.user, change_request=change_request, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {change_request.ref}", change_request, "Edit")


@login_required
def request_detail(request, pk):
    """The request, its edits, and its impact: before and after side by side."""
    change_request = change_request_policy.get(request.user, selectors.change_requests_for(request.user), pk=pk)
    assessment = services.latest_assessment(change_request)
    stale = (services.is_stale(change_request, assessment)
             if assessment is not None and change_request.status == ChangeRequestStatus.ASSESSED else False)
    results = assessment.results if assessment else None
    milestones = (results or {}).get("milestones", [])
    return detail_page(request, change_request, "change/request_detail.html", {
        "cr": change_request, "assessment": assessment, "results": results, "edit_rows": _edit_rows(change_request),
        "moved": [m for m in milestones if m.get("days")], "unmoved": [m for m in milestones if not m.get("days")],
        "stale": stale, "decision_form": DecisionForm(),
        "edits_json": json.dumps(change_request.edits, indent=1),
        "baselines": list(change_request.baseline_changes.select_related("baseline", "project")),
        "tolerance": {"days": change_request.program.schedule_tolerance_days,
                      "pct": change_request.program.cost_tolerance_pct},
    }, actions=("change", "submit", "assess", "decide", "implement"))


#: the fields of an edit that name a task
TASK_FIELDS = ("task", "predecessor", "successor")


def _edit_rows(change_request) -> list[dict]:
    """The proposed edits for the page: op and fields, tasks by their label (one query)."""
    ids = {e.get(f) for e in change_request.edits if isinstance(e, dict) for f in TASK_FIELDS}
    ids = [pk for pk in ids if isinstance(pk, int) and not isinstance(pk, bool)]
    labels = {t.pk: t.label for t in Task.objects.filter(pk__in=ids, project__program=change_request.program_id)
              .select_related("project")} if ids else {}
    rows = []
    for e in change_request.edits:
        if not isinstance(e, dict):
            continue
        fields = [(k.replace("_", " "), labels.get(v, v) if k in TASK_FIELDS else v)
                  for k, v in e.items() if k != "op"]
        rows.append({"op": str(e.get("op", "")).replace("_", " "), "fields": fields})
    return rows


def _act(request, pk, action: str, call, done: str):
    change_request = change_request_policy.get(request.user, pk=pk)
    change_request_policy.require(request.user, action, change_request)
    try:
        call(change_request)
    except services.StaleAssessment as exc:
        messages.error(request, str(exc))
        return render(request, "change/stale.html", {"cr": change_request, "message": str(exc),
                                                     "breadcrumbs": breadcrumbs(request.user, change_request)},
                      status=409)
    except (ValidationError, StaleVersion) as exc:
        messages.error(request, _message(exc))
        return redirect(change_request)
    messages.success(request, f"{change_request.ref} {done}.")
    return redirect(change_request)


@login_required
@require_POST
def request_submit(request, pk):
    return _act(request, pk, "submit", lambda cr: services.change_request_submit(
        actor=request.user, change_request=cr, expected_version=parse_id(request.POST.get("version"))),
        "submitted for assessment")


@login_required
@require_POST
def request_assess(request, pk):
    return _act(request, pk, "assess", lambda cr: services.change_request_assess(actor=request.user,
                                                                                  change_request=cr), "assessed")


@login_required
@require_POST
def request_decide(request, pk):
    form = DecisionForm(request.POST)
    decision = form.cleaned_data["decision"] if form.is_valid() else request.POST.get("decision", "")
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _act(request, pk, "decide", lambda cr: services.change_request_decide(
        actor=request.user, change_request=cr, decision=decision, note=note,
        expected_version=parse_id(request.POST.get("version"))), f"{decision or 'decided'}")


@login_required
@require_POST
def request_implement(request, pk):
    return _act(request, pk, "implement", lambda cr: services.change_request_implement(
        actor=request.user, change_request=cr, expected_version=parse_id(request.POST.get("version"))),
        "implemented: the plan changed and new baselines are set")


@login_required
def change_log(request, program_pk):
    """Every plan baseline of the program's projects, newest first, with the change request that set it."""
    program = program_policy.get(request.user, pk=program_pk)
    projects = _projects(request.user, program)
    baselines = list(Baseline.objects.filter(project__in=projects).select_related("project", "set_by")
                     .order_by("-created_at", "-pk")[:500])
    by_baseline = {c.baseline_id: c.change_request for c in BaselineChange.objects.filter(
        baseline__in=[b.pk for b in baselines]).select_related("change_request")}
    rows = [{"baseline": b, "request": by_baseline.get(b.pk)} for b in baselines]
    return render(request, "change/change_log.html", {
        "program": program, "rows": rows,
        "breadcrumbs": breadcrumbs(request.user, changes_crumb(program), "Change log"),
    })
