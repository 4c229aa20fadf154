"""Quality pages: the non-conformance register, a program's quality dashboard (metrics and chart, plans, gate
criteria, reviews due, open non-conformances), the plan, criterion, review, non-conformance and action pages and
their forms, recording a review's results, and moving a non-conformance along its lifecycle."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.errors import StaleVersion
from pmo.core.ids import parse_id
from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.documents.policies import manages_target
from pmo.documents.selectors import documents_for
from pmo.portfolio.policies import program_policy, project_policy

from . import selectors, services
from .forms import ActionForm, CriterionForm, DecisionForm, NonConformanceForm, PlanForm, ReviewForm, RoleForm
from .hooks import deliverable_policy, deliverables_in_scope
from .models import (
    FIRST_DAY,
    LAST_DAY,
    NC_TRANSITIONS,
    Acceptance,
    CriterionResult,
    NcSeverity,
    NcStatus,
    quality_crumb,
)
from .policies import (
    acceptance_policy,
    accepts_deliverable,
    corrective_action_policy,
    criterion_policy,
    manages_quality,
    nc_policy,
    plan_policy,
    require_accepts_deliverable,
    review_policy,
    role_policy,
)

SORTS = {"ref": "pk", "title": "title", "severity": "severity", "status": "status", "detected": "detected_on",
         "program": "plan__program__code", "owner": "owner__last_name", "actions": "open_actions"}
FILTERS = {"program": "plan__program__code", "severity": "severity", "status": "status"}
#: labels of the lifecycle buttons
MOVES = {NcStatus.ACTION: "Start actions", NcStatus.VERIFIED: "Verify effectiveness", NcStatus.CLOSED: "Close",
         NcStatus.OPEN: "Back to open"}


def _day(value: str, field: str):
    """A YYYY-MM-DD date of a page's form field, within the bounds every date has (a ValidationError naming it)."""
    try:
        day = forms.DateField().clean(value[:20])
    except ValidationError as exc:
        raise ValidationError({field: "give a date as YYYY-MM-DD"}) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({field: f"must be between {FIRST_DAY} and {LAST_DAY}"})
    return day


@login_required
def index(request):
    """Every non-conformance the user may see, across programs; the user's overdue actions on top."""
    rows = selectors.search(selectors.nonconformances_for(request.user), request.GET.get("q"))
    if request.GET.get("open") == "1":
        rows = rows.filter(status__in=("open", "action", "verified"))
    return render(request, "quality/index.html", {
        "listing": listing(request, rows, sortable=SORTS, default_sort="-detected", filters=FILTERS),
        "programs": list(program_policy.visible(request.user).order_by("code")),
        "overdue": selectors.overdue_panel(request.user), "severities": NcSeverity.choices,
        "statuses": NcStatus.choices, "today": selectors.today(),
        "breadcrumbs": breadcrumbs(request.user, "Quality"),
    })


@login_required
def program(request, program_pk):
    """A program's quality dashboard."""
    program = program_policy.get(request.user, pk=program_pk)
    plans = list(selectors.plans_for(request.user).filter(program=program).order_by("project__code", "pk"))
    program_plan = next((p for p in plans if p.project_id is None), None)
    project_plans = {p.project_id: p for p in plans if p.project_id}
    projects = [(project, project_plans.get(project.pk), manages_quality(request.user, program.pk, project.pk))
                for project in project_policy.visible(request.user).filter(program=program).order_by("code")]
    day = selectors.today()
    metrics = selectors.metrics(program, user=request.user, day=day)
    return render(request, "quality/program.html", {
        "program": program, "program_plan": program_plan, "projects": projects,
        "metrics": metrics, "no_open": not metrics["open_total"],
        "gates": selectors.criteria_status(program, user=request.user),
        "reviews": list(selectors.reviews_for(request.user).filter(plan__program=program, status="planned")
                        .order_by("planned_on", "pk")[:20]),
        "open_ncs": list(selectors.nonconformances_for(request.user).filter(
            plan__program=program, status__in=("open", "action", "verified")).order_by("-detected_on", "-pk")[:50]),
        "can_manage": manages_quality(request.user, program.pk), "today": day,
        "breadcrumbs": breadcrumbs(request.user, program, Crumb("Quality")),
    })


# --- plans ------------------------------------------------------------------------------------------------

def _plan_form(request, program, project):
    if not manages_quality(request.user, program.pk, project.pk if project else None):
        raise PermissionDenied(f"you may not write the quality plan of {(project or program).code}")
    form = PlanForm(request.POST or None, initial={"title": f"Quality plan of {(project or program).code}"})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.plan_create(actor=request.user, program=program,
                                                                 project=project, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} written.")
            return redirect(saved)
    trail = project if project else quality_crumb(program)
    return form_page(request, form, f"Quality plan of {(project or program).code}", trail, "New quality plan")


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, program_pk):
    return _plan_form(request, program_policy.get(request.user, pk=program_pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def project_plan_create(request, project_pk):
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=project_pk)
    return _plan_form(request, project.program, project)


@login_required
def plan_detail(request, pk):
    plan = plan_policy.get(request.user, queryset=selectors.plans_for(request.user), pk=pk)
    criteria = list(plan.criteria.select_related("deliverable").order_by("pk"))
    deliverables = list(deliverables_in_scope(request.user, plan).order_by("project__code", "code", "pk")[:200])
    for item in deliverables:
        own = [c for c in criteria if c.deliverable_id == item.pk]
        item.criteria_count = len(own)
        item.passed = sum(1 for c in own if c.status == CriterionResult.PASS)
        item.blocked = any(c.mandatory and c.status != CriterionResult.PASS for c in own)
    return detail_page(request, plan, "quality/plan_detail.html", {
        "plan": plan, "roles": list(plan.roles.select_related("user")), "deliverables": deliverables,
        "criteria": criteria,
        "reviews": list(plan.reviews.select_related("reviewer").order_by("planned_on", "pk")),
        "ncs": list(selectors.nonconformances_for(request.user).filter(plan=plan).order_by("-detected_on", "-pk")),
        "status": selectors.criteria_status(plan.project or plan.program, gate_only=False, user=request.user)
        if plan.project_id else None,
        "today": selectors.today(),
    }, actions=("change",))


def _edit_page(request, policy, pk, form_class, service, field: str, *, scoped: bool = True):
    """The edit form of a quality record; ``service(actor=, <field>=obj, expected_version=, **changes)`` saves it
    (``scoped``: the form offers the deliverables of the record's plan)."""
    obj = policy.get(request.user, pk=pk)
    policy.require(request.user, "change", obj)
    extra = {"plan": obj.plan, "user": request.user} if scoped else {}
    form = form_class(request.POST or None, instance=obj, **extra)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: service(actor=request.user, **{field: obj},
                                                    expected_version=form.cleaned_data["version"] or 0,
                                                    **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {getattr(obj, 'title', None) or obj.ref}", obj, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    return _edit_page(request, plan_policy, pk, PlanForm, services.plan_update, "plan", scoped=False)


def _managed_plan(request, pk, what: str):
    plan = plan_policy.get(request.user, queryset=selectors.plans_for(request.user), pk=pk)
    plan_policy.require(request.user, "change", plan, f"you may not {what} in {plan.scope_label}")
    return plan


def _create_page(request, pk, form_class, service, what: str, label: str, initial: dict | None = None,
                 scoped: bool = True):
    """The form that adds something to a plan (a role, criterion or review)."""
    plan = _managed_plan(request, pk, what)
    initial = {**(initial or {}), "deliverable": parse_id(request.GET.get("deliverable"))}
    extra = {"plan": plan, "user": request.user} if scoped else {}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: service(actor=request.user, plan=plan, **form.changes()))
        if saved:
            messages.success(request, f"{getattr(saved, 'ref', saved)} added to {plan.ref}.")
            return redirect(saved)
    return form_page(request, form, f"{label} in {plan.title}", plan, label)


@login_required
@require_http_methods(["GET", "POST"])
def role_create(request, pk):
    return _create_page(request, pk, RoleForm, services.role_create, "name quality roles", "New quality role",
                        scoped=False)


@login_required
@require_POST
def role_delete(request, pk):
    role = role_policy.get(request.user, queryset=selectors.roles_for(request.user), pk=pk)
    role_policy.require(request.user, "delete", role)
    try:
        services.role_delete(actor=request.user, role=role, expected_version=parse_id(request.POST.get("version"))
                             or 0)
    except StaleVersion:
        messages.error(request, "The role was changed by someone else: look again before removing it.")
    else:
        messages.success(request, f"{role} removed.")
    return redirect(role.plan)


# --- criteria ---------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def criterion_create(request, pk):
    return _create_page(request, pk, CriterionForm, services.criterion_create, "add quality criteria",
                        "New quality criterion")


@login_required
def criterion_detail(request, pk):
    criterion = criterion_policy.get(request.user, queryset=selectors.criteria_for(request.user), pk=pk)
    return detail_page(request, criterion, "quality/criterion_detail.html", {
        "criterion": criterion,
        "results": list(criterion.results.select_related("review", "reviewer").order_by("-date", "-pk")),
        "ncs": list(criterion.nonconformances.order_by("-detected_on", "-pk")),
    }, actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk):
    return _edit_page(request, criterion_policy, pk, CriterionForm, services.criterion_update, "criterion")


# --- reviews ----------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, pk):
    return _create_page(request, pk, ReviewForm, services.review_create, "plan reviews", "New review",
                        initial={"planned_on": selectors.today()})


@login_required
def review_detail(request, pk):
    review = review_policy.get(request.user, queryset=selectors.reviews_for(request.user), pk=pk)
    return detail_page(request, review, "quality/review_detail.html", {
        "review": review, "results": list(review.results.select_related("criterion", "reviewer")
                                          .order_by("criterion_id")),
        "ncs": list(review.nonconformances.order_by("-detected_on", "-pk")),
    }, actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, pk):
    return _edit_page(request, review_policy, pk, ReviewForm, services.review_update, "review")


@login_required
@require_http_methods(["GET", "POST"])
def review_results(request, pk):
    """Record the review's results: a result and findings per criterion (left empty: not recorded now)."""
    review = review_policy.get(request.user, queryset=selectors.reviews_for(request.user), pk=pk)
    review_policy.require(request.user, "change", review, f"you may not record the results of {review.ref}")
    criteria = list(services.review_criteria(review).order_by("pk"))
    current = {r.criterion_id: r for r in review.results.all()}
    errors, status, sent = {}, 200, {}
    held_on = request.POST.get("held_on", "") if request.method == "POST" else (
        review.held_on or selectors.today()).isoformat()
    summary = request.POST.get("summary", review.summary) if request.method == "POST" else review.summary
    if request.method == "POST":
        results = []
        for criterion in criteria:
            result = request.POST.get(f"result-{criterion.pk}", "")
            findings = request.POST.get(f"findings-{criterion.pk}", "")
            sent[criterion.pk] = (result, findings)
            if result:
                results.append((criterion.pk, result, findings))
        try:
            day = _day(held_on, "held_on")
            services.review_record(actor=request.user, review=review, results=results, held_on=day,
                                   summary=summary[:4000], expected_version=parse_id(request.POST.get("version")) or 0)
        except StaleVersion:
            errors, status = {"__all__": ["Someone changed this review since you opened it: nothing was saved. "
                                          "Look at it again and repeat your results."]}, 409
        except ValidationError as exc:
            errors, status = exc.message_dict, 422
        else:
            messages.success(request, f"Results of {review.ref} recorded.")
            return redirect(review)
    rows = []
    for criterion in criteria:
        row = current.get(criterion.pk)
        result, findings = sent.get(criterion.pk, (row.result if row else "", row.findings if row else ""))
        rows.append({"criterion": criterion, "result": result, "findings": findings})
    return render(request, "quality/review_results.html", {
        "review": review, "rows": rows, "results": CriterionResult.choices, "errors": errors, "held_on": held_on,
        "summary": summary, "breadcrumbs": breadcrumbs(request.user, review, Crumb("Results")),
    }, status=status)


# --- non-conformances -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def nc_create(request, pk):
    plan = _managed_plan(request, pk, "raise non-conformances")
    form = NonConformanceForm(request.POST or None, plan=plan, user=request.user,
                              initial={"detected_on": selectors.today(),
                                       "deliverable": parse_id(request.GET.get("deliverable"))})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.nc_create(actor=request.user, plan=plan, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} raised.")
            return redirect(saved)
    return form_page(request, form, f"New non-conformance in {plan.title}", plan, "New non-conformance")


def _nc_page(request, nc, *, errors=None, status=200, verification=""):
    moves = [(to, MOVES[to]) for to in NC_TRANSITIONS[nc.status]]
    response = detail_page(request, nc, "quality/nc_detail.html", {
        "nc": nc, "actions": list(nc.actions.select_related("owner").order_by("due", "pk")), "moves": moves,
        "errors": errors or {}, "verification": verification or nc.verification, "today": selectors.today(),
    }, actions=("change",))
    response.status_code = status
    return response


@login_required
def nc_detail(request, pk):
    nc = nc_policy.get(request.user, queryset=selectors.nonconformances_for(request.user), pk=pk)
    return _nc_page(request, nc)


@login_required
@require_http_methods(["GET", "POST"])
def nc_edit(request, pk):
    return _edit_page(request, nc_policy, pk, NonConformanceForm, services.nc_update, "nc")


@login_required
@require_POST
def nc_transition(request, pk):
    """Move the non-conformance (the buttons of its page); a refusal shows the page again with the reason."""
    nc = nc_policy.get(request.user, queryset=selectors.nonconformances_for(request.user), pk=pk)
    nc_policy.require(request.user, "change", nc, f"you may not change the status of {nc.ref}")
    verification = request.POST.get("verification")
    try:
        saved = services.nc_transition(actor=request.user, nc=nc, to=request.POST.get("to", ""),
                                       verification=verification[:2000] if verification is not None else None,
                                       expected_version=parse_id(request.POST.get("version")) or 0)
    except StaleVersion:
        return _nc_page(request, nc, status=409, verification=verification or "", errors={
            "__all__": [f"{nc.ref} was changed by someone else since you opened it: look at it again."]})
    except ValidationError as exc:
        return _nc_page(request, nc, errors=exc.message_dict, status=422, verification=verification or "")
    messages.success(request, f"{saved.ref} is now {saved.get_status_display().lower()}.")
    return redirect(saved)


# --- corrective and preventive actions --------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    nc = nc_policy.get(request.user, queryset=selectors.nonconformances_for(request.user), pk=pk)
    nc_policy.require(request.user, "change", nc, f"you may not plan actions for {nc.ref}")
    form = ActionForm(request.POST or None, initial={"owner": nc.owner_id})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.action_create(actor=request.user, nonconformance=nc,
                                                                   **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} planned.")
            return redirect(nc)
    return form_page(request, form, f"New action for {nc.ref}", nc, "New action")


@login_required
def action_detail(request, pk):
    action = corrective_action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=pk)
    return detail_page(request, action, "quality/action_detail.html", {"action": action,
                                                                      "today": selectors.today()},
                       actions=("change",))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    return _edit_page(request, corrective_action_policy, pk, ActionForm, services.action_update, "action", scoped=False)



# --- deliverables and their acceptance --------------------------------------------------------------------

def _deliverable(request, pk):
    return deliverable_policy.get(request.user, queryset=deliverable_policy.visible(request.user)
                                  .select_related("project__program", "owner", "accepted_by"), pk=pk)


@login_required
def deliverable(request, pk):
    """A deliverable's quality: its criteria and their status, reviews, non-conformances and decisions."""
    item = _deliverable(request, pk)
    project = item.project
    criteria = list(selectors.criteria_for(request.user).filter(deliverable=item).order_by("pk"))
    plan = selectors.plans_for(request.user).filter(project=project).first()
    return render(request, "quality/deliverable.html", {
        "deliverable": item, "project": project, "plan": plan, "criteria": criteria,
        "blocking": [c for c in criteria if c.mandatory and c.status != CriterionResult.PASS],
        "reviews": list(selectors.reviews_for(request.user).filter(deliverable=item).order_by("planned_on", "pk")),
        "ncs": list(selectors.nonconformances_for(request.user).filter(deliverable=item)
                    .order_by("-detected_on", "-pk")),
        "decisions": list(selectors.acceptances_for(request.user).filter(deliverable=item)),
        "can_decide": accepts_deliverable(request.user, item),
        "can_manage": plan is not None and manages_quality(request.user, project.program_id, project.pk),
        "breadcrumbs": breadcrumbs(request.user, item, Crumb("Quality")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    """Accept or reject the deliverable; refused with the criterion named while a mandatory one has not passed."""
    item = _deliverable(request, pk)
    require_accepts_deliverable(request.user, item)
    form = DecisionForm(request.POST or None, initial={"decision": "accepted"})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.acceptance_record(
            actor=request.user, deliverable=item, decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"]))
        if saved:
            messages.success(request, f"{item.ref} {saved.get_decision_display().lower()}: attach the evidence.")
            return redirect(saved)
    blocking = services.blocking_criteria(item)
    return form_page(request, form, f"Accept or reject {item.ref} {item.name}", item,
                     Crumb("Quality", reverse("quality:deliverable", args=[item.pk])), "Decision",
                     template="quality/decide.html", context={"deliverable": item, "blocking": blocking})


@login_required
def acceptance_detail(request, pk):
    acceptance = acceptance_policy.get(request.user, queryset=selectors.acceptances_for(request.user), pk=pk)
    evidence = list(documents_for(request.user).filter(
        content_type=ContentType.objects.get_for_model(Acceptance), object_id=acceptance.pk).order_by("pk"))
    return detail_page(request, acceptance, "quality/acceptance_detail.html", {
        "acceptance": acceptance, "evidence": evidence,
        "can_attach": manages_target(request.user, acceptance)}, actions=("view",))
