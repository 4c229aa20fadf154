"""Closure pages: the checklist of a project or program (evidence, hand ticks, overrides, archive, unarchive),
the printable closure report (and its Excel file), and the lessons learned library with adoptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.errors import StaleVersion
from pmo.core.ids import parse_id
from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.core.xlsx import xlsx_response
from pmo.portfolio.models import Lifecycle, Project
from pmo.portfolio.policies import program_policy, project_policy

from . import checklist, selectors, services
from .forms import AdoptionForm, ArchiveForm, LessonForm, MarkForm, UnarchiveForm
from .models import AdoptionStatus, Impact, Item, LessonCategory, closure_crumb
from .policies import adoption_policy, captures, closure_policy, lesson_policy

KINDS = ("project", "program")


def _target(request, kind: str, pk: int):
    if kind == "project":
        return project_policy.get(request.user, queryset=Project.objects.select_related("program"), pk=pk)
    return program_policy.get(request.user, pk=pk)


def _can(user, target) -> dict:
    return {action: closure_policy.can(user, action, target)
            for action in ("tick", "override", "archive", "unarchive")}


@login_required
def index(request):
    """The programs and projects in scope with their archive state."""
    programs = list(program_policy.visible(request.user).order_by("code"))
    projects = list(project_policy.visible(request.user).select_related("program").order_by("program__code", "code"))
    return render(request, "closure/index.html", {
        "programs": programs, "projects": projects,
        "breadcrumbs": breadcrumbs(request.user, "Closure"),
    })


def _checklist_page(request, target, kind):
    checks = checklist.for_user(request.user, target, checklist.checklist(target))
    adoptions = selectors.adoptions_of_project(request.user, target) if kind == "project" else []
    return render(request, "closure/checklist.html", {
        "target": target, "kind": kind, "checks": checks, "complete": checklist.complete(checks),
        "can": _can(request.user, target), "adoptions": adoptions,
        "adopted": selectors.adopted_from(request.user, target),
        "lessons": list(selectors.lessons_for(request.user).filter(**{kind: target}).order_by("-pk")[:100]),
        "can_capture": lesson_policy.can(request.user, "create", target),
        "breadcrumbs": breadcrumbs(request.user, closure_crumb(target)),
    })


@login_required
def project(request, pk):
    return _checklist_page(request, _target(request, "project", pk), "project")


@login_required
def program(request, pk):
    return _checklist_page(request, _target(request, "program", pk), "program")


def _mark(request, kind, pk, item):
    target = _target(request, kind, pk)
    if item not in Item.values:
        raise Http404(f"no checklist item {item}")
    check = next((c for c in checklist.checklist(target) if c.item == item), None)
    if check is None:
        raise Http404(f"no checklist item {item} on a {kind}")
    action = "override" if check.computed else "tick"
    closure_policy.require(request.user, action, target,
                           "only the PMO Director overrides a computed item" if check.computed
                           else "the program manager ticks the closure checklist")
    form = MarkForm(request.POST or None, initial={"note": check.mark.note if check.mark else ""})
    if request.method == "POST" and form.is_valid() and apply_service(form, lambda: services.mark_set(
            actor=request.user, target=target, item=item, note=form.cleaned_data["note"])):
        messages.success(request, f"{check.label}: {'overridden' if check.computed else 'ticked'}.")
        return redirect(closure_crumb(target).url)
    verb = "Override" if check.computed else "Tick"
    return form_page(request, form, f"{verb}: {check.label}", closure_crumb(target), verb,
                     template="closure/mark_form.html", context={"check": check, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def project_mark(request, pk, item):
    return _mark(request, "project", pk, item)


@login_required
@require_http_methods(["GET", "POST"])
def program_mark(request, pk, item):
    return _mark(request, "program", pk, item)


def _clear(request, kind, pk, item):
    target = _target(request, kind, pk)
    mark = checklist.marks_of(target).get(item)
    if mark is None:
        raise Http404(f"no mark on {item}")
    closure_policy.require(request.user, "clear", mark)
    services.mark_clear(actor=request.user, mark=mark)
    messages.success(request, f"{mark.get_item_display()}: mark removed.")
    return redirect(closure_crumb(target).url)


@login_required
@require_POST
def project_clear(request, pk, item):
    return _clear(request, "project", pk, item)


@login_required
@require_POST
def program_clear(request, pk, item):
    return _clear(request, "program", pk, item)


def _archive(request, kind, pk, archived: bool):
    target = _target(request, kind, pk)
    action = "archive" if archived else "unarchive"
    closure_policy.require(request.user, action, target, f"only the PMO Director may {action}")
    form = (ArchiveForm if archived else UnarchiveForm)(request.POST or None, initial={"version": target.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        if archived:
            call = lambda: services.archive_target(actor=request.user, target=target, expected_version=version,  # noqa: E731
                                                   note=form.cleaned_data["note"])
        else:
            call = lambda: services.unarchive_target(actor=request.user, target=target,  # noqa: E731
                                                     reason=form.cleaned_data["reason"], expected_version=version)
        if apply_service(form, call):
            messages.success(request, f"{target.code} {'archived: it is read-only now' if archived else 'unarchived'}.")
            return redirect(closure_crumb(target).url)
    checks = checklist.checklist(target)
    title = f"{'Archive' if archived else 'Unarchive'} {target.code}"
    return form_page(request, form, title, closure_crumb(target), "Archive" if archived else "Unarchive",
                     template="closure/archive_form.html",
                     context={"target": target, "checks": checks, "complete": checklist.complete(checks),
                              "archiving": archived})


@login_required
@require_http_methods(["GET", "POST"])
def project_archive(request, pk):
    return _archive(request, "project", pk, True)


@login_required
@require_http_methods(["GET", "POST"])
def program_archive(request, pk):
    return _archive(request, "program", pk, True)


@login_required
@require_http_methods(["GET", "POST"])
def project_unarchive(request, pk):
    return _archive(request, "project", pk, False)


@login_required
@require_http_methods(["GET", "POST"])
def program_unarchive(request, pk):
    return _archive(request, "program", pk, False)


# --- the closure report ----------------------------------------------------------------------------------

def _report(request, kind, pk):
    target = _target(request, kind, pk)
    report = selectors.report(request.user, target)
    return render(request, "closure/report.html", {
        "target": target, "kind": kind, "report": report, "today": selectors.today(),
        "breadcrumbs": breadcrumbs(request.user, closure_crumb(target), "Closure report"),
    })


@login_required
def project_report(request, pk):
    return _report(request, "project", pk)


@login_required
def program_report(request, pk):
    return _report(request, "program", pk)


def _report_xlsx(request, kind, pk):
    target = _target(request, kind, pk)
    r = selectors.report(request.user, target)
    money = r.money or checklist.Money()
    evm = r.evm or {}
    summary = [
        ("Code", target.code), ("Name", target.name), ("Archived", r.target.archived_at),
        ("Planned start (baseline)", r.planned_start), ("Planned finish (baseline)", r.planned_finish),
        ("Actual start", r.actual_start), ("Actual finish", r.actual_finish), ("Finish slip (days)", r.slip_days),
        (f"Budget ({r.currency})", money.budget), (f"Actual cost, booked ({r.currency})", money.actual),
        (f"Accrued, not yet invoiced ({r.currency})", money.accrued),
        (f"Variance ({r.currency})", money.variance), (f"Open commitments ({r.currency})", money.committed),
        ("CPI", evm.get("cpi")), ("SPI", evm.get("spi")), ("SPI(t)", evm.get("spi_t")),
        ("EAC", evm.get("eac")), ("VAC", evm.get("vac")),
    ]
    return xlsx_response(f"closure-{target.code}.xlsx", [
        ("Summary", ("Measure", "Value"), summary),
        ("Checklist", ("Item", "State", "Evidence", "Count", "Mark", "Note", "By"), [
            (c.label, c.state_label, c.summary, c.count, c.mark.get_kind_display() if c.mark else "",
             c.mark.note if c.mark else "",
             c.mark.created_by.username if c.mark and c.mark.created_by_id else "") for c in r.checks]),
        ("Benefits", ("Benefit", "Owner", "Target", "Target date", "Handed over on", "Handed over to"), [
            (b.title, b.owner_name, b.target_value, b.target_date, b.handed_over_on, b.handed_over_to)
            for b in r.benefits]),
        ("Lessons", ("Ref", "Scope", "Phase", "Category", "Title", "What happened", "Impact", "Recommendation",
                     "Tags", "Adoptions"), [
            (lesson.ref, lesson.scope_label, lesson.get_phase_display(), lesson.get_category_display(),
             lesson.title, lesson.what_happened, lesson.get_impact_display(), lesson.recommendation,
             ", ".join(lesson.tag_list), lesson.adoption_count) for lesson in r.lessons]),
    ])


@login_required
def project_report_xlsx(request, pk):
    return _report_xlsx(request, "project", pk)


@login_required
def program_report_xlsx(request, pk):
    return _report_xlsx(request, "program", pk)


# --- lessons ------------------------------------------------------------------------------------------------

SORTS = {"ref": "pk", "title": "title", "scope": "program__code", "phase": "phase", "category": "category",
         "impact": "impact", "adoptions": "adoption_count"}
FILTERS = {"program": "program__code", "project": "project__code", "phase": "phase", "category": "category",
           "impact": "impact"}


def _lessons(request):
    rows = selectors.search(selectors.lessons_for(request.user), request.GET.get("q", "")[:200],
                            request.GET.get("tag", "")[:30])
    found = listing(request, rows, sortable=SORTS, default_sort="-ref", filters=FILTERS)
    if request.GET.get("tag"):
        found.filters["tag"] = request.GET["tag"][:30]
    return found


@login_required
def lessons(request):
    """The portfolio's lessons learned library: search, tags, filters."""
    everyone = selectors.lessons_for(request.user)
    return render(request, "closure/lessons.html", {
        "listing": _lessons(request), "tags": selectors.tag_cloud(everyone),
        "programs": list(program_policy.visible(request.user).order_by("code").values_list("code", flat=True)),
        "phases": Lifecycle.choices, "categories": LessonCategory.choices, "impacts": Impact.choices,
        "can_capture": lesson_policy.can(request.user, "create", None),
        "breadcrumbs": breadcrumbs(request.user, "Lessons learned"),
    })


@login_required
def lessons_export(request):
    rows = _lessons(request).page.paginator.object_list
    return xlsx_response("lessons-learned.xlsx", [("Lessons learned", (
        "Ref", "Program", "Project", "Phase", "Category", "Title", "What happened", "Impact", "Impact in detail",
        "Recommendation", "Tags", "Adoptions", "Captured", "By"), (
        (lesson.ref, lesson.program.code, lesson.project.code if lesson.project_id else "",
         lesson.get_phase_display(), lesson.get_category_display(), lesson.title, lesson.what_happened,
         lesson.get_impact_display(), lesson.impact_note, lesson.recommendation, ", ".join(lesson.tag_list),
         lesson.adoption_count, lesson.created_at, lesson.created_by.username if lesson.created_by_id else "")
        for lesson in rows.iterator(chunk_size=2000)))])


def _capture_projects(user):
    """Projects the user may capture lessons for (not archived)."""
    rows = project_policy.visible(user).select_related("program").filter(archived_at__isnull=True)
    return rows.order_by("program__code", "code")


def _capturable(user, projects):
    ids = [p.pk for p in projects if captures(user, p.program_id, p.pk)]
    return Project.objects.filter(pk__in=ids).select_related("program").order_by("program__code", "code")


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request):
    lesson_policy.require(request.user, "create", None, "you may not capture lessons")
    projects = _capturable(request.user, _capture_projects(request.user))
    initial = {}
    wanted = parse_id(request.GET.get("project"))
    if wanted and projects.filter(pk=wanted).exists():
        initial["project"] = wanted
    form = LessonForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.lesson_create(actor=request.user, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} captured.")
            return redirect(saved)
    return form_page(request, form, "Capture a lesson", Crumb("Lessons learned", _lessons_url()), "New lesson")


def _lessons_url():
    from django.urls import reverse

    return reverse("closure:lessons")


@login_required
def lesson_detail(request, pk):
    lesson = lesson_policy.get(request.user, queryset=selectors.lessons_for(request.user), pk=pk)
    adoptions = list(selectors.adoptions_for(request.user).filter(lesson=lesson).order_by("-pk")[:200])
    visible = set(project_policy.visible(request.user).filter(pk__in=[a.project_id for a in adoptions]
                                                              + [lesson.project_id or 0])
                  .values_list("pk", flat=True))
    for adoption in adoptions:
        adoption.can_change = adoption_policy.can(request.user, "change", adoption)
    return detail_page(request, lesson, "closure/lesson_detail.html", {
        "lesson": lesson, "adoptions": adoptions, "visible_projects": visible,
        "can_adopt": adoption_policy.can(request.user, "create", None),
    }, actions=("change", "delete"))


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request, pk):
    lesson = lesson_policy.get(request.user, pk=pk)
    lesson_policy.require(request.user, "change", lesson)
    projects = _capturable(request.user, _capture_projects(request.user).filter(program=lesson.program))
    form = LessonForm(request.POST or None, instance=lesson, projects=projects)
    if lesson.project_id is None:
        form.fields["project"].required = False
        form.fields["project"].empty_label = f"the whole program {lesson.program.code}"
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.lesson_update(
            actor=request.user, lesson=lesson, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {lesson.ref}", lesson, "Edit")


@login_required
@require_POST
def lesson_delete(request, pk):
    lesson = lesson_policy.get(request.user, pk=pk)
    lesson_policy.require(request.user, "delete", lesson)
    try:
        services.lesson_delete(actor=request.user, lesson=lesson,
                               expected_version=parse_id(request.POST.get("version")) or 0)
    except (StaleVersion, ValidationError) as exc:
        messages.error(request, f"{lesson.ref} was not deleted: "
                                f"{'; '.join(exc.messages) if isinstance(exc, ValidationError) else exc}")
        return redirect(lesson)
    messages.success(request, f"{lesson.ref} deleted.")
    return redirect("closure:lessons")


@login_required
@require_http_methods(["GET", "POST"])
def adoption_create(request, pk):
    lesson = lesson_policy.get(request.user, pk=pk)
    adoption_policy.require(request.user, "create", None, "you may not adopt lessons")
    taken = lesson.adoptions.values("project_id")
    projects = _capturable(request.user, _capture_projects(request.user).exclude(pk=lesson.project_id or 0)
                           .exclude(pk__in=taken))
    form = AdoptionForm(request.POST or None, projects=projects, initial={"status": AdoptionStatus.PLANNED})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.adoption_create(
            actor=request.user, lesson=lesson, project=form.cleaned_data["project"], status=form.cleaned_data["status"],
            note=form.cleaned_data["note"]))
        if saved:
            messages.success(request, f"{saved.project.code} adopts {lesson.ref}.")
            return redirect(lesson)
    return form_page(request, form, f"Adopt {lesson.ref}", lesson, "Adopt")


@login_required
@require_http_methods(["GET", "POST"])
def adoption_edit(request, pk):
    adoption = adoption_policy.get(request.user, queryset=selectors.adoptions_for(request.user), pk=pk)
    adoption_policy.require(request.user, "change", adoption)
    form = AdoptionForm(request.POST or None, instance=adoption)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.adoption_update(
            actor=request.user, adoption=adoption, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{adoption} saved.")
            return redirect(adoption.lesson)
    return form_page(request, form, f"{adoption.project.code}'s adoption of {adoption.lesson.ref}", adoption.lesson,
                     "Adoption")


@login_required
@require_POST
def adoption_delete(request, pk):
    adoption = adoption_policy.get(request.user, queryset=selectors.adoptions_for(request.user), pk=pk)
    adoption_policy.require(request.user, "delete", adoption)
    try:
        services.adoption_delete(actor=request.user, adoption=adoption,
                                 expected_version=parse_id(request.POST.get("version")) or 0)
    except StaleVersion:
        messages.error(request, "The adoption was changed by someone else: look again.")
        return redirect(adoption.lesson)
    messages.success(request, f"{adoption} removed.")
    return redirect(adoption.lesson)
