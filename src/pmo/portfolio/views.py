"""Portfolio overview, program and project pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing

from . import selectors, services
from .forms import ProgramForm, ProjectForm
from .models import ProgramStatus, ProjectStatus
from .policies import program_policy, project_policy

PROGRAM_SORTS = {"code": "code", "name": "name", "status": "status", "phase": "phase", "start": "start",
                 "end": "end", "projects": "project_count"}
PROJECT_SORTS = {"code": "code", "name": "name", "program": "program__code", "status": "status",
                 "phase": "phase", "start": "start", "finish": "finish"}


@login_required
def overview(request):
    programs = list(selectors.programs_for(request.user).order_by("code"))
    by_status = {status.label: sum(1 for p in programs if p.status == status) for status in ProgramStatus}
    return render(request, "portfolio/overview.html", {
        "programs": programs,
        "by_status": by_status,
        "project_total": sum(p.project_count for p in programs),
        "can_create": program_policy.can(request.user, "create"),
        "breadcrumbs": breadcrumbs(request.user),
        "panels": selectors.overview_panels(request.user),
    })


def _programs_crumb() -> Crumb:
    return Crumb("Programs", reverse("portfolio:program_list"))


@login_required
def program_list(request):
    programs = selectors.search(selectors.programs_for(request.user), q=request.GET.get("q"))
    return render(request, "portfolio/program_list.html", {
        "listing": listing(request, programs, sortable=PROGRAM_SORTS, default_sort="code",
                           filters={"status": "status", "phase": "phase"}),
        "statuses": ProgramStatus.choices,
        "can_create": program_policy.can(request.user, "create"),
        "breadcrumbs": breadcrumbs(request.user, "Programs"),
    })


@login_required
def program_detail(request, pk):
    program = program_policy.get(request.user, queryset=selectors.programs_for(request.user), pk=pk)
    return detail_page(request, program, "portfolio/program_detail.html", {
        "program": program, "projects": selectors.projects_for(request.user, program).order_by("code"),
    }, actions=("change", "delete", "manage_projects"))


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request):
    program_policy.require(request.user, "create", message="only the PMO Director starts new programs")
    form = ProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        program = apply_service(form, lambda: services.program_create(actor=request.user, **form.changes()))
        if program:
            messages.success(request, f"Program {program.code} created.")
            return redirect("portfolio:program_detail", pk=program.pk)
    return form_page(request, form, "New program", _programs_crumb(), "New program")


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request, pk):
    program = program_policy.get(request.user, pk=pk)
    program_policy.require(request.user, "change", program)
    form = ProgramForm(request.POST or None, instance=program, user=request.user)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.program_update(
            actor=request.user, program=program, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, f"Program {updated.code} saved.")
            return redirect("portfolio:program_detail", pk=program.pk)
    return form_page(request, form, f"Edit {program}", program, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def program_delete(request, pk):
    program = program_policy.get(request.user, pk=pk)
    program_policy.require(request.user, "delete", program)
    return _confirm_delete(request, program, "portfolio:program_list",
                           lambda version: services.program_delete(actor=request.user, program=program,
                                                                   expected_version=version))


@login_required
def project_list(request):
    projects = selectors.search(selectors.projects_for(request.user), q=request.GET.get("q"))
    return render(request, "portfolio/project_list.html", {
        "listing": listing(request, projects, sortable=PROJECT_SORTS, default_sort="code",
                           filters={"status": "status", "program": "program__code", "phase": "phase"}),
        "statuses": ProjectStatus.choices,
        "programs": selectors.programs_for(request.user).order_by("code"),
        "breadcrumbs": breadcrumbs(request.user, "Projects"),
    })


@login_required
def project_detail(request, pk):
    project = project_policy.get(request.user, queryset=selectors.projects_for(request.user), pk=pk)
    return detail_page(request, project, "portfolio/project_detail.html", {"project": project})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    program_policy.require(request.user, "manage_projects", program, "you may not add projects to this program")
    form = ProjectForm(request.POST or None, initial={"program": program}, user=request.user,
                       programs=_manageable_programs(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        project = apply_service(form, lambda: services.project_create(actor=request.user, **data))
        if project:
            messages.success(request, f"Project {project.code} created.")
            return redirect("portfolio:project_detail", pk=project.pk)
    return form_page(request, form, f"New project in {program}", program, "New project")


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = project_policy.get(request.user, pk=pk)
    project_policy.require(request.user, "change", project)
    form = ProjectForm(request.POST or None, instance=project, user=request.user,
                       programs=_manageable_programs(request.user, include=project.program_id),
                       can_reassign=project_policy.can(request.user, "reassign", project))
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.project_update(
            actor=request.user, project=project, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, f"Project {updated.code} saved.")
            return redirect("portfolio:project_detail", pk=project.pk)
    return form_page(request, form, f"Edit {project}", project, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request, pk):
    project = project_policy.get(request.user, pk=pk)
    project_policy.require(request.user, "delete", project)
    return _confirm_delete(request, project, "portfolio:project_list",
                           lambda version: services.project_delete(actor=request.user, project=project,
                                                                   expected_version=version))


def _manageable_programs(user, include: int | None = None):
    """Programs the user may place projects in (plus the current one, so the form shows it)."""
    ids = [p.pk for p in program_policy.visible(user) if program_policy.can(user, "manage_projects", p)]
    if include:
        ids.append(include)
    return program_policy.visible(user).filter(pk__in=ids).order_by("code")


def _confirm_delete(request, obj, list_url: str, delete):
    error = None
    if request.method == "POST":
        form = forms.Form(request.POST)
        form.fields["version"] = forms.IntegerField()
        if form.is_valid() and apply_service(form, lambda: delete(form.cleaned_data["version"]) or True):
            messages.success(request, f"{obj} deleted.")
            return redirect(list_url)
        error = " ".join(e for errors in form.errors.values() for e in errors)
    return render(request, "portfolio/confirm_delete.html", {
        "object": obj, "error": error, "breadcrumbs": breadcrumbs(request.user, obj, "Delete")},
        status=409 if error else 200)
