"""Plan pages: Gantt (project and program), task table, links, roadmap, checks, interfaces, MSPDI import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template import defaultfilters
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.ids import parse_id
from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page
from pmo.portfolio import selectors as portfolio_selectors
from pmo.portfolio.models import Project
from pmo.portfolio.policies import program_policy, project_policy

from . import checks, gantt, importer, selectors, services
from .forms import DependencyForm, ImportForm, InlineTaskForm, InterfaceForm, QuickTaskForm, TaskForm
from .models import Task, interface_crumb, plan_crumb
from .policies import baseline_policy, dependency_policy, interface_policy, plan_policy, task_policy

MAX_UPLOAD = 20 * 1024 * 1024


def _project(request, pk):
    return project_policy.get(request.user, queryset=portfolio_selectors.projects_for(request.user), pk=pk)


def _program(request, pk):
    return program_policy.get(request.user, pk=pk)


def _gantt(request, groups, project_ids):
    ids = [t.pk for _, tasks in groups for t in tasks]
    links = selectors.links_within(project_ids) if ids else []
    # one reverse() for the pattern, not one per row
    pattern = reverse("planning:task_detail", args=[_PK_SLOT]).replace(str(_PK_SLOT), "{}")
    return gantt.build(groups, links, selectors.latest_baseline_dates(project_ids),
                       zoom=request.GET.get("zoom", "week"), today=timezone.localdate(),
                       href=lambda t: pattern.format(t.pk))


_PK_SLOT = 987654321
_STRIPE = '<rect x="0" y="{}" width="{}" height="24" fill="{}"/>'
#: bar paints: a critical task is hatched and a critical milestone ringed, so the state never rests on colour alone
TASK_FILL = "#2f6fb5"
CRITICAL_FILL = "url(#critical-hatch)"
CRITICAL_HATCH = ('<pattern id="critical-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                  'patternTransform="rotate(45)"><rect width="6" height="6" fill="#c43c3c"/>'
                  '<rect width="2" height="6" fill="#7a1f1f"/></pattern>')
CRITICAL_MILESTONE = 'fill="#c43c3c" stroke="#5a1010" stroke-width="2"'
TODAY = "#b3261e"


def gantt_svg(chart: gantt.Gantt) -> SafeString:
    """The chart's SVG markup in one pass of string formatting (what a per-row template loop drew, at a
    fraction of the cost for thousands of rows); text is escaped, dates and numbers localised as a
    template would."""
    localized: dict = {}
    short: dict = {}

    def loc(value) -> str:  # {{ value }} of a date or number, localised (cached: dates repeat a lot)
        if value not in localized:
            localized[value] = escape(formats.localize(value))
        return localized[value]

    def day_month(value) -> str:  # {{ value|date:"j M" }}
        if value not in short:
            short[value] = escape(defaultfilters.date(value, "j M"))
        return short[value]

    def label(text: str) -> str:  # at most 44 characters, cut at a word: the accessible name (the whole name)
        # must contain every visible word (WCAG 2.5.3), so the ellipsis is hidden from it
        if len(text) <= 44:
            return escape(text)
        return f'{escape(text[:43].rsplit(" ", 1)[0])}<tspan aria-hidden="true">…</tspan>'


    def spoken(r) -> str:  # what a screen reader says for a row's name and its bar: the task, dates, critical
        t = r.task
        if r.kind == "milestone":
            when = f"milestone {loc(t.finish)}" if t.finish else "milestone"
        elif t is not None and t.start and t.finish:
            when = f"{loc(t.start)} to {loc(t.finish)}"
        else:
            when = "not scheduled"
        critical = ", critical" if r.critical and r.kind != "summary" else ""
        return f"{escape(r.wbs + ' ' if r.wbs else '')}{escape(r.label)}: {when}{critical}"

    lw, width, height = chart.label_width, chart.width, chart.height
    out = [
        '<div class="gantt border rounded bg-white" style="overflow:auto; max-height:78vh" data-testid="gantt" '
        f'data-scroll-x="{chart.scroll_x}" tabindex="0" role="region" '
        'aria-label="Gantt chart: arrow keys move between tasks and their bars">\n'
        f'<div style="display:flex; width:{width}px">\n\n'
        f'<div style="position:sticky; left:0; z-index:2; flex:0 0 {lw}px; background:#fff; '
        'border-right:1px solid #c5ccd3">\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lw}" height="{height}" '
        'font-family="system-ui, sans-serif" font-size="12" role="group" aria-label="Tasks">\n  '
    ]
    stripes_label, stripes_chart, names, bars = [], [], [], []
    for i, r in enumerate(chart.rows):
        if r.kind == "project":
            stripes_label.append(_STRIPE.format(r.y, lw, "#e7eef7"))
            stripes_chart.append(_STRIPE.format(r.y, width, "#e7eef7"))
        elif i % 2:
            stripes_label.append(_STRIPE.format(r.y, lw, "#f6f8fa"))
            stripes_chart.append(_STRIPE.format(r.y, width, "#f6f8fa"))
        bold = 'font-weight="600"' if r.kind in ("summary", "project") else ""
        fill = "#b02a2a" if r.critical and r.kind != "summary" else "#1d2b36"
        text = (f"{escape(r.wbs)} " if r.wbs else "") + label(r.label)
        name = f'<text x="{round(r.depth * 14)}" dx="8" y="{r.mid + 4}" {bold} fill="{fill}">{text}</text>'
        if r.href:  # the row's name and its bar are links to the task, named alike (planning.js moves between them)
            said = spoken(r)
            name = f'<a href="{escape(r.href)}" aria-label="{said}" data-row="{i}">{name}</a>'
            link = f'<a href="{escape(r.href)}" aria-label="{said}" data-row="{i}" tabindex="-1">'
        names.append(name)
        bar = []
        if r.baseline:
            bar.append(f'<rect x="{r.baseline[0]}" y="{r.y + 18}" width="{r.baseline[1]}" height="4" '
                       'fill="#a3acb5"><title>baseline</title></rect>')
        bar.append("\n    ")
        t = r.task
        shape_start = len(bar)
        if r.kind == "project" and r.w:
            bar.append(f'<path d="{r.summary_path}" fill="#1f4e79"><title>{escape(r.label)}</title></path>\n    ')
        elif r.kind == "summary" and r.w:
            bar.append(f'<path d="{r.summary_path}" fill="#2b3640"><title>{escape(r.wbs)} {escape(r.label)}: '
                       f'{loc(t.start)} – {loc(t.finish)}</title></path>\n    ')
        elif r.kind == "milestone" and r.x:
            paint, note = (CRITICAL_MILESTONE, " (critical)") if r.critical else ('fill="#2b3640"', "")
            bar.append(f'<polygon points="{r.diamond}" {paint}><title>{escape(r.label)}: {loc(t.finish)}'
                       f'{note}</title></polygon><text x="{int(r.x) + 10}" y="{r.mid + 4}" fill="#2b3640" '
                       f'font-size="11">{day_month(t.finish)}</text>\n    ')
        elif r.kind == "task" and r.w:
            colour, note = (CRITICAL_FILL, " (critical)") if r.critical else (TASK_FILL, "")
            total = defaultfilters.floatformat(t.total_float, "-1")
            bar.append(f'<rect x="{r.x}" y="{r.y + 5}" width="{r.w}" height="12" rx="2" fill="{colour}"><title>'
                       f'{escape(r.wbs)} {escape(r.label)}: {loc(t.start)} – {loc(t.finish)}, float {total} d'
                       f'{note}</title></rect>')
            if r.progress_w:
                bar.append(f'<rect x="{r.x}" y="{r.y + 9}" width="{r.progress_w}" height="4" fill="#1d2b36" '
                           'opacity=".55"/>')
            bar.append("\n    ")
        if r.href and len(bar) > shape_start:  # the bar was drawn: it links to the task too
            bar.insert(shape_start, link)
            bar.append("</a>")
        bars.append("\n    " + "".join(bar) + "\n  ")
    out += stripes_label
    out.append(f'\n  <line x1="0" y1="39" x2="{lw}" y2="39" stroke="#c5ccd3"/>\n'
               '  <text x="8" y="30" fill="#5c6770" font-weight="600">WBS · Task</text>\n  ')
    out += names
    out.append(
        "\n</svg>\n</div>\n"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.chart_width}" height="{height}" '
        f'viewBox="{lw} 0 {chart.chart_width} {height}" font-family="system-ui, sans-serif" font-size="12" '
        'role="group" aria-label="Gantt chart">\n'
        '  <defs><marker id="arrowhead" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#5c6770"/></marker>'
        f'{CRITICAL_HATCH}</defs>\n  '
    )
    out += stripes_chart
    out.append("\n  ")
    for tick in chart.ticks:
        out.append(f'<line x1="{tick.x}" y1="22" x2="{tick.x}" y2="{height}" '
                   f'stroke="{"#c5ccd3" if tick.major else "#e3e7eb"}"/><text x="{int(tick.x) + 3}" y="16" '
                   f'fill="#5c6770" font-size="11">{escape(tick.label)}</text>')
    out.append(f'\n  <line x1="0" y1="39" x2="{width}" y2="39" stroke="#c5ccd3"/>\n  ')
    out += bars
    out.append('\n  <g fill="none" stroke="#5c6770" stroke-width="1">')
    out += [f'<path d="{d}" marker-end="url(#arrowhead)"/>' for d in chart.arrows]
    out.append("</g>\n  ")
    if chart.today_x:
        out.append(f'<line x1="{chart.today_x}" y1="22" x2="{chart.today_x}" y2="{height}" stroke="{TODAY}" '
                   f'stroke-dasharray="4 3"/><text x="{int(chart.today_x) + 3}" y="34" fill="{TODAY}" '
                   'font-size="10">today</text>')
    out.append("\n</svg>\n</div>\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above


def _plan_context(request, project, *trail) -> dict:
    """What every tab of a project's plan shows; ``trail`` names the tab after "Plan" in the breadcrumbs."""
    return {
        "project": project,
        "can_change": plan_policy.can_change(request.user, project),
        "can_baseline": plan_policy.can_set_baseline(request.user, project),
        "breadcrumbs": breadcrumbs(request.user, plan_crumb(project), *trail),
    }


@login_required
def project_gantt(request, pk):
    project = _project(request, pk)
    tasks = list(selectors.tasks_of(request.user, project))
    chart = _gantt(request, [(None, tasks)], [project.pk])
    finish = max((t.finish for t in tasks if t.finish), default=None)
    return render(request, "planning/project_gantt.html", {
        **_plan_context(request, project), "gantt": chart, "gantt_svg": gantt_svg(chart), "task_count": len(tasks),
        "finish": finish, "baselines": selectors.baselines_for(request.user, project),
        "calendar": selectors.calendar_of(project),
        "critical_count": sum(1 for t in tasks if t.is_critical and not t.is_summary), "tab": "gantt",
    })


@login_required
def program_gantt(request, pk):
    program = _program(request, pk)
    projects = list(portfolio_selectors.projects_for(request.user, program).order_by("code"))
    tasks = list(selectors.tasks_in(request.user, [p.pk for p in projects]))
    by_project: dict[int, list] = {p.pk: [] for p in projects}
    for t in tasks:
        by_project[t.project_id].append(t)
    chart = _gantt(request, [(p, by_project[p.pk]) for p in projects], [p.pk for p in projects])
    return render(request, "planning/program_gantt.html", {
        "program": program, "gantt": chart, "gantt_svg": gantt_svg(chart), "task_count": len(tasks), "tab": "gantt",
        "can_change": plan_policy.can_change_program(request.user, program),
        "breadcrumbs": breadcrumbs(request.user, program, "Integrated schedule"),
    })


@login_required
def program_roadmap(request, pk):
    program = _program(request, pk)
    milestones = list(selectors.milestones_of(request.user, program))
    by_project: dict = {}
    for m in milestones:
        by_project.setdefault(m.project, []).append(m)
    groups = [(project, rows) for project, rows in sorted(by_project.items(), key=lambda kv: kv[0].code)]
    chart = gantt.build(groups, [], {}, zoom=request.GET.get("zoom", "month"), today=timezone.localdate())
    return render(request, "planning/program_roadmap.html", {
        "program": program, "gantt": chart, "gantt_svg": gantt_svg(chart), "milestones": milestones, "tab": "roadmap",
        "breadcrumbs": breadcrumbs(request.user, program, "Roadmap"),
    })


def _task_rows(request, project) -> list[tuple]:
    """(task, depth, predecessor links) in outline order, each task with its latest baseline finish and
    slip in days: five queries whatever the plan's size."""
    tasks = list(selectors.tasks_of(request.user, project).select_related("owner"))
    links = list(selectors.dependencies_of(request.user, project).select_related(
        "predecessor__project", "successor__project"))
    preds: dict[int, list] = {}
    for d in links:
        preds.setdefault(d.successor_id, []).append(d)
    baseline = selectors.latest_baseline_dates([project.pk])
    for t in tasks:
        base_finish = baseline.get(t.pk, (None, None))[1]
        t.baseline_finish = base_finish
        t.slip_days = (t.finish - base_finish).days if base_finish and t.finish else None
    return [(t, depth, preds.get(t.pk, [])) for t, depth in gantt.outline(tasks)]


@login_required
def task_list(request, pk):
    project = _project(request, pk)
    return render(request, "planning/task_list.html", {
        **_plan_context(request, project, "Tasks"), "rows": _task_rows(request, project), "form": QuickTaskForm(),
        "tab": "tasks",
    })


def _task_edit_inline(request, task):
    """htmx: the row becomes a small form (GET); saving (POST) re-renders the whole table, since a
    reschedule may have moved every row. Errors show above the table."""
    if request.method == "GET":
        return render(request, "planning/_task_row_form.html", {"task": task})
    form = InlineTaskForm(request.POST)
    error = notice = None
    if form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version" and v is not None}
        if changes.get("percent_complete") and not task.actual_start:
            changes["actual_start"] = task.start or timezone.localdate()
        if task.is_summary or task.is_milestone:
            changes.pop("duration", None)
        updated = apply_service(form, lambda: services.task_update(
            actor=request.user, task=task, expected_version=form.cleaned_data["version"], **changes))
        if updated is None:
            error = " ".join(e for errors in form.errors.values() for e in errors)
        else:
            slips = [s for s in getattr(updated, "downstream_slips", []) if s.days]
            notice = "Moved in other projects: " + ", ".join(
                f"{s.task.project.code} {s.task.name} {s.days:+d} d" for s in slips[:8]) if slips else None
    else:
        error = " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
    return render(request, "planning/_task_table.html", {
        **_plan_context(request, task.project), "rows": _task_rows(request, task.project), "inline_error": error,
        "inline_notice": notice})


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request, pk):
    project = _project(request, pk)
    task_policy.require(request.user, "create", project, "you may not change the plan of this project")
    quick = "quick" in request.POST
    form = (QuickTaskForm if quick else TaskForm)(request.POST or None,
                                                 **({} if quick else {"project": project}))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data) if quick else form.changes()
        if data.get("is_milestone"):
            data["duration"] = 0
        task = apply_service(form, lambda: services.task_create(actor=request.user, project=project, **data))
        if task:
            messages.success(request, f"Task {task.wbs} {task.name} added.")
            return redirect("planning:task_list", pk=project.pk)
    if quick and form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("planning:task_list", pk=project.pk)
    return form_page(request, form, f"New task in {project.code}", plan_crumb(project), "New task")


def _task(request, pk):
    return task_policy.get(request.user, queryset=selectors.task_queryset(), pk=pk)


@login_required
def task_detail(request, pk):
    """Dates, floats, constraint, calendar, links both ways, baseline variance and what else refers to it."""
    task = selectors.task_detail(request.user, pk)
    predecessors, successors = selectors.links_of(task)
    rows = selectors.baseline_rows_of(task)
    for row in rows:
        row.slip_days = (task.finish - row.finish).days if task.finish and row.finish else None
    return detail_page(request, task, "planning/task_detail.html", {
        "task": task, "predecessors": predecessors, "successors": successors, "baseline_rows": rows,
        "calendar": selectors.calendar_of(task.project, task),
        "visible_projects": selectors.visible_project_id_set(request.user),
        "linked": [(heading, reader(request.user, task)) for heading, reader in selectors.TASK_LINKS],
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    task = _task(request, pk)
    task_policy.require(request.user, "change", task)
    if request.GET.get("inline") and request.htmx:
        return _task_edit_inline(request, task)
    form = TaskForm(request.POST or None, instance=task, project=task.project)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.task_update(
            actor=request.user, task=task, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if updated:
            messages.success(request, f"Task {updated.wbs} {updated.name} saved.")
            _report_slips(request, updated)
            return redirect("planning:task_list", pk=task.project_id)
    return form_page(request, form, f"Edit {task.wbs} {task.name}", task, "Edit")


def _report_slips(request, obj) -> None:
    slips = [s for s in getattr(obj, "downstream_slips", []) if s.days]
    if slips:
        messages.warning(request, "Moved in other projects: " + ", ".join(
            f"{s.task.project.code} {s.task.name} {s.days:+d} d" for s in slips[:8]))


def _versioned_post(request, action, back, done: str = ""):
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    if not form.is_valid():
        messages.error(request, "the form was out of date; reload and retry")
    elif apply_service(form, lambda: action(form.cleaned_data["version"])) is None:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif done:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def task_indent(request, pk):
    task = _task(request, pk)
    task_policy.require(request.user, "change", task)
    return _versioned_post(request, lambda v: services.task_indent(actor=request.user, task=task, expected_version=v),
                           reverse("planning:task_list", args=[task.project_id]))


@login_required
@require_POST
def task_outdent(request, pk):
    task = _task(request, pk)
    task_policy.require(request.user, "change", task)
    return _versioned_post(request, lambda v: services.task_outdent(actor=request.user, task=task,
                                                                    expected_version=v),
                           reverse("planning:task_list", args=[task.project_id]))


@login_required
@require_POST
def task_delete(request, pk):
    task = _task(request, pk)
    task_policy.require(request.user, "delete", task)
    return _versioned_post(request, lambda v: services.task_delete(actor=request.user, task=task,
                                                                   expected_version=v) or True,
                           reverse("planning:task_list", args=[task.project_id]))


@login_required
@require_http_methods(["GET", "POST"])
def dependency_create(request, pk):
    project = _project(request, pk)
    task_policy.require(request.user, "create", project, "you may not change the plan of this project")
    form = DependencyForm(request.POST or None, tasks=selectors.link_candidates(request.user, project),
                          project=project, initial={"successor": request.GET.get("successor")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link = apply_service(form, lambda: services.dependency_create(
            actor=request.user, predecessor=data["predecessor"], successor=data["successor"], type=data["type"],
            lag=data["lag"], elapsed=data["elapsed"]))
        if link:
            messages.success(request, _link_summary(link))
            _report_slips(request, link)
            return redirect("planning:task_list", pk=project.pk)
    return render(request, "planning/dependency_form.html", {**_plan_context(request, project, "New link"),
                                                             "form": form, "tab": "tasks"},
                  status=422 if form.errors else 200)


@login_required
def dependency_detail(request, pk):
    link = dependency_policy.get(request.user, queryset=selectors.dependency_queryset(), pk=pk)
    return detail_page(request, link, "planning/dependency_detail.html", {
        "link": link, "visible_projects": selectors.visible_project_id_set(request.user)})


def _link_summary(link) -> str:
    """Where a new link went: "Linked Design (PA-1 1.2) → Build (PA-2 3) FS +2 d; PA-2 rescheduled."."""
    def end(t):
        reference = " ".join(part for part in (t.project.code, t.code or t.wbs) if part)
        return f"{t.name} ({reference})"

    lag = ""
    if link.lag:
        sign = "+" if link.lag > 0 else ""
        lag = f" {sign}{defaultfilters.floatformat(link.lag, -2)} {'elapsed ' if link.elapsed else ''}d"
    return (f"Linked {end(link.predecessor)} → {end(link.successor)} {link.type}{lag}; "
            f"{link.successor.project.code} rescheduled.")


@login_required
@require_POST
def dependency_delete(request, pk):
    link = dependency_policy.get(request.user, queryset=selectors.dependency_queryset(), pk=pk)
    dependency_policy.require(request.user, "delete", link, "you may not change both ends of this link")
    return _versioned_post(request, lambda v: services.dependency_delete(actor=request.user, dependency=link,
                                                                         expected_version=v) or True,
                           reverse("planning:task_list", args=[link.successor.project_id]))


@login_required
@require_POST
def project_schedule(request, pk):
    project = _project(request, pk)
    try:
        result = services.project_reschedule(actor=request.user, project=project)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Rescheduled: finish {result.finish or '—'}, "
                                  f"{len(result.critical_path)} critical tasks.")
    return redirect("planning:project_gantt", pk=project.pk)


@login_required
@require_POST
def program_schedule(request, pk):
    program = _program(request, pk)
    try:
        result = services.program_reschedule(actor=request.user, program=program)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        moved = ", ".join(f"{s.task.project.code} {s.task.name} {s.days:+d} d" for s in result.slips
                          if s.days is not None)
        messages.success(request, f"Integrated schedule computed: finish {result.finish or '—'}."
                         + (f" Milestones moved: {moved}." if moved else " No milestone moved."))
    return redirect("planning:program_gantt", pk=program.pk)


@login_required
@require_POST
def baseline_create(request, pk):
    project = _project(request, pk)
    baseline_policy.require(request.user, "create", project,
                            "baselines are set by the Program Manager, the Steering Committee or the Director")
    baseline = services.baseline_create(actor=request.user, project=project, name=request.POST.get("name", "")[:120])
    messages.success(request, f"{baseline.name} set.")
    return redirect("planning:project_gantt", pk=project.pk)


@login_required
def baseline_detail(request, pk):
    """The tasks as the baseline recorded them beside their dates now (finish variance in calendar days)."""
    baseline = selectors.baseline_detail(request.user, pk)
    rows = list(baseline.tasks.all())
    for row in rows:
        now = row.task
        row.slip_days = (now.finish - row.finish).days if now and now.finish and row.finish else None
    return detail_page(request, baseline, "planning/baseline_detail.html", {"baseline": baseline, "rows": rows},
                       actions=())


@login_required
def calendar_detail(request, pk):
    calendar = selectors.calendar_detail(request.user, pk)
    days = [name for name, on in zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), calendar.weekmask,
                                     strict=True) if on == "1"]
    return detail_page(request, calendar, "planning/calendar_detail.html", {"calendar": calendar, "days": days},
                       actions=())


@login_required
def project_checks(request, pk):
    project = _project(request, pk)
    return render(request, "planning/checks.html", {
        **_plan_context(request, project, "Checks"), "findings": checks.project_findings(project), "tab": "checks",
    })


@login_required
def program_checks(request, pk):
    program = _program(request, pk)
    return render(request, "planning/checks.html", {
        "program": program, "tab": "checks", "breadcrumbs": breadcrumbs(request.user, program, "Checks"),
        "findings": checks.program_findings(program, portfolio_selectors.projects_for(request.user, program)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def mspdi_import(request, pk):
    project = _project(request, pk)
    task_policy.require(request.user, "create", project, "you may not change the plan of this project")
    if request.method == "POST" and request.META.get("CONTENT_LENGTH", "0").isdigit() \
            and int(request.META.get("CONTENT_LENGTH", "0")) > MAX_UPLOAD + 64 * 1024:
        return render(request, "planning/import.html", {
            **_plan_context(request, project, "Import"), "form": ImportForm(), "tab": "import",
            "error": "the file is larger than 20 MB"}, status=413)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            error = "the file is larger than 20 MB"
        else:
            try:
                count = importer.mspdi_import(actor=request.user, project=project, data=upload.read(),
                                              replace=form.cleaned_data["replace"])
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except PermissionDenied:
                raise
            else:
                messages.success(request, f"Imported {count} tasks from {upload.name}.")
                return redirect("planning:project_gantt", pk=project.pk)
    status = 413 if error and "20 MB" in error else 422 if error or form.errors else 200
    return render(request, "planning/import.html", {**_plan_context(request, project, "Import"), "form": form,
                                                    "error": error, "tab": "import"}, status=status)


# --- interfaces --------------------------------------------------------------------------------------


def _providers(user):
    """Projects whose interfaces the user may register: those whose plan they may change."""
    projects = portfolio_selectors.projects_for(user)
    return projects.filter(pk__in=[p.pk for p in projects if interface_policy.can(user, "create", p)])


@login_required
def interface_list(request):
    interfaces = selectors.interfaces_for(request.user)
    project = parse_id(request.GET.get("project"))
    if project is not None:
        interfaces = interfaces.filter(Q(provider_id=project) | Q(consumer_id=project))
    projects = list(portfolio_selectors.projects_for(request.user))
    return render(request, "planning/interface_list.html", {
        "rows": [(i, interface_policy.can(request.user, "change", i)) for i in interfaces],
        "visible_projects": {p.pk for p in projects},
        "can_create": any(interface_policy.can(request.user, "create", p) for p in projects),
        "breadcrumbs": breadcrumbs(request.user, "Interfaces"),
    })


def _interface_form(request, instance=None):
    visible = portfolio_selectors.projects_for(request.user)
    projects = visible
    if instance is not None:  # the far end stays selectable even when its project is out of sight
        projects = projects | Project.objects.filter(pk__in=[instance.provider_id, instance.consumer_id])
    providers = _providers(request.user)
    if instance is not None:
        providers = providers | Project.objects.filter(pk=instance.provider_id)
    # milestones only of projects the user sees; the interface's own linked tasks stay as they are
    linked = [instance.provider_task_id, instance.consumer_task_id] if instance else []
    tasks = Task.objects.filter(
        Q(project__in=visible.values("pk"), is_milestone=True) | Q(pk__in=linked)
    ).select_related("project").order_by("project__code", "order")
    return InterfaceForm(request.POST or None, instance=instance, projects=projects.order_by("code"),
                         providers=providers.order_by("code"), tasks=tasks)


def _interface(request, pk):
    return interface_policy.get(request.user, queryset=selectors.interface_queryset(), pk=pk)


@login_required
def interface_detail(request, pk):
    interface = _interface(request, pk)
    return detail_page(request, interface, "planning/interface_detail.html", {
        "interface": interface, "visible_projects": selectors.visible_project_id_set(request.user),
    }, actions=("change", "acknowledge", "delete"))


@login_required
@require_http_methods(["GET", "POST"])
def interface_create(request):
    if not _providers(request.user).exists():
        raise PermissionDenied("interfaces are registered by the provider's side: you may change no project's plan")
    form = _interface_form(request)
    if request.method == "POST" and form.is_valid():
        interface = apply_service(form, lambda: services.interface_create(actor=request.user, **form.changes()))
        if interface:
            messages.success(request, f"Interface {interface.title} added.")
            return redirect(interface)
    return form_page(request, form, "New interface", interface_crumb(), "New interface")


@login_required
@require_http_methods(["GET", "POST"])
def interface_edit(request, pk):
    interface = _interface(request, pk)
    interface_policy.require(request.user, "change", interface,
                             "the provider's side changes this interface; the consumer's side acknowledges it")
    form = _interface_form(request, interface)
    if request.method == "POST" and form.is_valid():
        updated = apply_service(form, lambda: services.interface_update(
            actor=request.user, interface=interface, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if updated:
            messages.success(request, f"Interface {updated.title} saved.")
            return redirect(updated)
    return form_page(request, form, f"Edit {interface}", interface, "Edit")


@login_required
@require_POST
def interface_acknowledge(request, pk):
    interface = _interface(request, pk)
    interface_policy.require(request.user, "acknowledge", interface,
                             "only the consumer project's side acknowledges this interface")
    return _versioned_post(request, lambda v: services.interface_acknowledge(
        actor=request.user, interface=interface, expected_version=v, note=request.POST.get("note", "")),
        interface.get_absolute_url(), f"Interface {interface.title} acknowledged.")


@login_required
@require_POST
def interface_delete(request, pk):
    interface = _interface(request, pk)
    interface_policy.require(request.user, "delete", interface,
                             "deleting an interface is for the provider's Program Manager or the PMO Director")
    form = forms.Form(request.POST)
    form.fields["version"] = forms.IntegerField()
    if form.is_valid() and apply_service(form, lambda: services.interface_delete(
            actor=request.user, interface=interface, expected_version=form.cleaned_data["version"]) or True):
        messages.success(request, f"Interface {interface.title} deleted.")
        return redirect("planning:interface_list")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(interface)
