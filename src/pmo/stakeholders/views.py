"""Stakeholder pages: the register (search, filters, sort, Excel), a program's power/interest grid and register,
its engagement over time and plan, the stakeholder, group and action pages and forms, and a project's RACI grid."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.errors import StaleVersion
from pmo.core.ids import parse_id
from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.core.xlsx import xlsx_response
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .forms import ActionForm, AssessmentForm, GroupForm, StakeholderForm
from .models import Attitude, Engagement, Kind, Quadrant, RaciRole, register_crumb
from .policies import action_policy, edits_raci, group_policy, manages_program, raci_policy, stakeholder_policy

SORTS = {"ref": "pk", "name": "name", "organisation": "organisation", "program": "program__code",
         "influence": "influence", "interest": "interest", "attitude": "attitude",
         "current": "current_engagement", "desired": "desired_engagement", "owner": "owner__last_name",
         "actions": "open_actions"}
FILTERS = {"program": "program__code", "kind": "kind", "current": "current_engagement",
           "desired": "desired_engagement", "attitude": "attitude", "group": "group_id"}


def _rows(request, queryset):
    rows = selectors.search(queryset, request.GET.get("q"))
    quadrant = request.GET.get("quadrant", "")
    rows = selectors.quadrant_filter(rows, quadrant)
    found = listing(request, rows, sortable=SORTS, default_sort="name", filters=FILTERS)
    if quadrant in Quadrant.values:
        found.filters["quadrant"] = quadrant
    return found


def _choices():
    return {"kinds": Kind.choices, "levels": Engagement.choices, "quadrants": Quadrant.choices,
            "attitudes": Attitude.choices}


@login_required
def register(request):
    """Every stakeholder the user may see, across programs; the user's overdue engagement actions on top."""
    programs = list(program_policy.visible(request.user).order_by("code"))
    return render(request, "stakeholders/register.html", {
        "listing": _rows(request, selectors.stakeholders_for(request.user)), "programs": programs,
        "overdue": selectors.overdue_panel(request.user),
        "breadcrumbs": breadcrumbs(request.user, "Stakeholders"), **_choices(),
    })


@login_required
def export(request):
    """The register as an Excel file, with the page's search, filters and sort."""
    rows = _rows(request, selectors.stakeholders_for(request.user)).page.paginator.object_list
    return xlsx_response("stakeholders.xlsx", [("Stakeholders", (
        "Ref", "Name", "Kind", "Organisation", "Role / title", "Program", "Project", "Group", "Influence / power",
        "Interest", "Quadrant", "Attitude", "Current engagement", "Desired engagement", "Gap", "Owner", "E-mail",
        "Phone", "Open actions"), (
        (s.ref, s.name, s.get_kind_display(), s.organisation, s.title, s.program.code,
         s.project.code if s.project_id else "", s.group.name if s.group_id else "", s.influence, s.interest,
         s.get_quadrant_display(), s.get_attitude_display(), s.get_current_engagement_display(),
         s.get_desired_engagement_display(), s.gap, s.owner.display_name if s.owner_id else "", s.email, s.phone,
         s.open_actions) for s in rows.iterator(chunk_size=2000)))])


def _program(request, program_pk):
    return program_policy.get(request.user, pk=program_pk)


@login_required
def program(request, program_pk):
    """A program's register: the power/interest grid, the stakeholders and the groups."""
    program = _program(request, program_pk)
    found = _rows(request, selectors.stakeholders_for(request.user).filter(program=program))
    everyone = list(selectors.stakeholders_for(request.user).filter(program=program).order_by("name", "pk"))
    return render(request, "stakeholders/program.html", {
        "program": program, "listing": found, "grid": selectors.grid(everyone), "total": len(everyone),
        "groups": list(selectors.groups_for(request.user).filter(program=program).order_by("name")),
        "can_manage": manages_program(request.user, program.pk),
        "projects": list(project_policy.visible(request.user).filter(program=program).order_by("code")),
        "breadcrumbs": breadcrumbs(request.user, register_crumb(program)), **_choices(),
    })


@login_required
def engagement(request, program_pk):
    """The program's engagement: the gap over time, the assessment matrix and the engagement plan."""
    program = _program(request, program_pk)
    stakeholders = list(selectors.stakeholders_for(request.user).filter(program=program).order_by("name", "pk"))
    actions = list(selectors.actions_for(request.user).filter(stakeholder__program=program)
                   .select_related("stakeholder").order_by("status", "due", "pk")[:500])
    return render(request, "stakeholders/engagement.html", {
        "program": program, "stakeholders": stakeholders, "levels": Engagement.choices,
        "gaps": selectors.engagement(program, stakeholders), "actions": actions, "today": selectors.today(),
        "breadcrumbs": breadcrumbs(request.user, register_crumb(program), "Engagement"),
    })


# --- stakeholders --------------------------------------------------------------------------------

def _projects(user, program):
    return project_policy.visible(user).filter(program=program).order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_create(request, program_pk):
    program = _program(request, program_pk)
    if not manages_program(request.user, program.pk):
        raise PermissionDenied(f"you may not add stakeholders to {program.code}")
    form = StakeholderForm(request.POST or None, program=program, projects=_projects(request.user, program))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.stakeholder_create(
            actor=request.user, program=program, **form.changes()))
        if saved:
            messages.success(request, f"{saved.name} added to the register.")
            return redirect(saved)
    return form_page(request, form, f"New stakeholder in {program.code}", register_crumb(program), "New stakeholder")


@login_required
def stakeholder_detail(request, pk):
    stakeholder = stakeholder_policy.get(request.user, queryset=selectors.stakeholders_for(request.user), pk=pk)
    raci = list(stakeholder.raci.select_related("task__project").order_by("task__project__code", "task__order"))
    return detail_page(request, stakeholder, "stakeholders/stakeholder_detail.html", {
        "stakeholder": stakeholder, "history": selectors.history_of(stakeholder),
        "actions": list(stakeholder.actions.select_related("owner").order_by("due", "pk")), "raci": raci,
        "today": selectors.today(), "levels": Engagement.choices,
    }, actions=("change", "delete"))


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk):
    stakeholder = stakeholder_policy.get(request.user, pk=pk)
    stakeholder_policy.require(request.user, "change", stakeholder)
    form = StakeholderForm(request.POST or None, instance=stakeholder, program=stakeholder.program,
                           projects=_projects(request.user, stakeholder.program))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.stakeholder_update(
            actor=request.user, stakeholder=stakeholder, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.name} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {stakeholder.name}", stakeholder, "Edit")


@login_required
@require_POST
def stakeholder_delete(request, pk):
    stakeholder = stakeholder_policy.get(request.user, pk=pk)
    stakeholder_policy.require(request.user, "delete", stakeholder)
    version = parse_id(request.POST.get("version")) or 0
    try:
        services.stakeholder_delete(actor=request.user, stakeholder=stakeholder, expected_version=version)
    except StaleVersion:
        messages.error(request, f"{stakeholder.name} was changed by someone else: look again before deleting.")
        return redirect(stakeholder)
    messages.success(request, f"{stakeholder.name} removed from the register.")
    return redirect("stakeholders:program", program_pk=stakeholder.program_id)


# --- groups ----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def group_create(request, program_pk):
    program = _program(request, program_pk)
    if not manages_program(request.user, program.pk):
        raise PermissionDenied(f"you may not add stakeholder groups to {program.code}")
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.group_create(actor=request.user, program=program,
                                                                  **form.changes()))
        if saved:
            messages.success(request, f"Group {saved.name} added.")
            return redirect(saved)
    return form_page(request, form, f"New stakeholder group in {program.code}", register_crumb(program), "New group")


@login_required
def group_detail(request, pk):
    group = group_policy.get(request.user, queryset=selectors.groups_for(request.user), pk=pk)
    members = list(selectors.stakeholders_for(request.user).filter(group=group).order_by("name", "pk"))
    return detail_page(request, group, "stakeholders/group_detail.html", {"group": group, "members": members},
                       actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = group_policy.get(request.user, pk=pk)
    group_policy.require(request.user, "change", group)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.group_update(
            actor=request.user, group=group, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if saved:
            messages.success(request, f"Group {saved.name} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit group {group.name}", group, "Edit")


# --- assessments and actions -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request, pk):
    stakeholder = stakeholder_policy.get(request.user, pk=pk)
    stakeholder_policy.require(request.user, "change", stakeholder, "you may not assess this stakeholder")
    form = AssessmentForm(request.POST or None, initial={"date": selectors.today(),
                                                         "level": stakeholder.current_engagement})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.assessment_create(
            actor=request.user, stakeholder=stakeholder, **form.changes()))
        if saved:
            messages.success(request, f"Engagement of {stakeholder.name} on {saved.date}: {saved.get_level_display()}.")
            return redirect(stakeholder)
    return form_page(request, form, f"Assess the engagement of {stakeholder.name}", stakeholder, "New assessment")


def _action_changes(form) -> dict:
    changes = form.changes()
    if not changes.get("status"):
        changes.pop("status", None)
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    stakeholder = stakeholder_policy.get(request.user, pk=pk)
    stakeholder_policy.require(request.user, "change", stakeholder, "you may not plan actions for this stakeholder")
    form = ActionForm(request.POST or None, initial={"owner": stakeholder.owner_id})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.action_create(
            actor=request.user, stakeholder=stakeholder, **_action_changes(form)))
        if saved:
            messages.success(request, f"Action {saved.ref} planned.")
            return redirect(stakeholder)
    return form_page(request, form, f"New engagement action for {stakeholder.name}", stakeholder, "New action")


@login_required
def action_detail(request, pk):
    action = action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=pk)
    return detail_page(request, action, "stakeholders/action_detail.html", {"action": action,
                                                                            "today": selectors.today()},
                       actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = action_policy.get(request.user, pk=pk)
    action_policy.require(request.user, "change", action)
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.action_update(
            actor=request.user, action=action, expected_version=form.cleaned_data["version"] or 0,
            **_action_changes(form)))
        if saved:
            messages.success(request, f"Action {saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit action {action.ref}", action, "Edit")


# --- RACI --------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def raci(request, project_pk):
    """The project's RACI grid: a select per cell for those who may edit it, letters for everyone else."""
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=project_pk)
    matrix = services.raci_matrix(project)
    raci_policy.get(request.user, pk=matrix.pk)
    editable = edits_raci(request.user, project)
    errors, status = [], 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(f"you may not change the RACI matrix of {project.code}")
        cells = []
        for key, value in request.POST.items():
            if key.startswith("cell-"):
                task_id, _, stakeholder_id = key[5:].partition("-")
                cells.append((parse_id(task_id), parse_id(stakeholder_id), value))
        try:
            services.raci_set(actor=request.user, project=project, cells=cells,
                              expected_version=parse_id(request.POST.get("version")) or 0)
        except StaleVersion:
            errors, status = ["Someone saved this grid since you opened it: your changes were not saved. "
                              "Look at the grid again and repeat them."], 409
        except services.ValidationError as exc:
            errors, status = [m for ms in exc.message_dict.values() for m in ms], 422
        else:
            messages.success(request, f"RACI matrix of {project.code} saved.")
            return redirect("stakeholders:raci", project_pk=project.pk)
        matrix.refresh_from_db()
    grid = selectors.raci_grid(project, matrix)
    if errors:  # show what was sent, so the user can correct it
        sent = {key: value for key, value in request.POST.items() if key.startswith("cell-")}
        for row in grid["rows"]:
            row["cells"] = [(s, sent.get(f"cell-{row['task'].pk}-{s.pk}", role)) for s, role in row["cells"]]
    return render(request, "stakeholders/raci.html", {
        "project": project, "program": project.program, "matrix": matrix, "grid": grid, "editable": editable,
        "roles": RaciRole.choices, "errors": errors,
        "breadcrumbs": breadcrumbs(request.user, project, Crumb("RACI")),
    }, status=status)
