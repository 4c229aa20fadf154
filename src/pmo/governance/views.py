"""Governance pages: the Steering Committee's queue, a program's lifecycle and gates, gate and review pages,
the decision forms (gates, budget changes beyond tolerance), the decision log, the history of any governed object
and the audit chain verification (PMO Director)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pmo.communications.models import MeetingActionStatus
from pmo.communications.policies import meeting_policy
from pmo.core.ids import parse_id
from pmo.core.models import AuditChainHead
from pmo.core.navigation import Crumb, breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.documents.selectors import documents_for
from pmo.finance.policies import budget_change_policy
from pmo.portfolio.models import Project
from pmo.portfolio.policies import program_policy

from . import selectors, services
from .forms import BudgetDecisionForm, CriterionForm, DecisionForm, MeetingDecisionForm, ReviewScheduleForm
from .models import ChainVerification, DecisionKind, GateReviewStatus, GateStatus
from .policies import (
    criterion_policy,
    decision_policy,
    gate_policy,
    is_director,
    manages_program,
    not_on_committee,
    on_committee,
    review_policy,
)

DECIDE = "governance/decide_form.html"
SORTS = {"ref": "pk", "date": "decided_on", "program": "program__code", "kind": "kind", "title": "title",
         "outcome": "outcome", "by": "decided_by__last_name"}
FILTERS = {"program": "program__code", "kind": "kind", "outcome": "outcome", "by": "decided_by_id",
           "since": "decided_on__gte", "until": "decided_on__lte"}


def _crumb() -> Crumb:
    return Crumb("Governance", reverse("governance:index"))


@login_required
def index(request):
    """What waits for the Steering Committee, coming gate reviews, and each program's phase."""
    programs = list(program_policy.visible(request.user).order_by("code"))
    pending = selectors.awaiting(request.user)
    return render(request, "governance/index.html", {
        "pending": pending, "coming": list(selectors.coming_reviews(request.user)[:50]), "programs": programs,
        "mine": {p.program_id for p in pending if on_committee(request.user, p.program_id)},
        "director": is_director(request.user), "breadcrumbs": breadcrumbs(request.user, "Governance"),
    })


@login_required
def program(request, program_pk):
    """A program's lifecycle: its own gates and each project's, with the next gate of each."""
    program = program_policy.get(request.user, pk=program_pk)
    gates = selectors.gates_of(request.user, program)
    projects = list(selectors.projects_of(request.user, program))
    tracks = [{"target": program, "gates": [g for g in gates if g.project_id is None]}]
    tracks += [{"target": p, "gates": [g for g in gates if g.project_id == p.pk]} for p in projects]
    for track in tracks:
        track["next"] = selectors.next_gate(track["gates"], track["target"])
        track["is_project"] = isinstance(track["target"], Project)
    return render(request, "governance/program.html", {
        "program": program, "tracks": tracks, "settings": services.settings_of(program),
        "can_manage": manages_program(request.user, program.pk),
        "pending": selectors.awaiting(request.user, program),
        "decisions": list(selectors.decisions_for(request.user).filter(program=program)[:10]),
        "breadcrumbs": breadcrumbs(request.user, program, Crumb("Governance")),
    })


@login_required
@require_POST
def lifecycle_apply(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    if not manages_program(request.user, program.pk):
        raise PermissionDenied(f"you may not set up lifecycles in {program.code}")
    target = program
    if request.POST.get("project"):
        target = selectors.projects_of(request.user, program).filter(
            pk=parse_id(request.POST.get("project")) or 0).first()
        if target is None:
            raise Http404("no such project in this program")
    try:
        gates = services.lifecycle_apply(actor=request.user, target=target)
    except services.ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("governance:program", program_pk=program.pk)
    messages.success(request, f"Lifecycle of {target.code}: {len(gates)} gate(s) created.")
    return redirect("governance:program", program_pk=program.pk)


@login_required
@require_POST
def settings_update(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    services.settings_update(actor=request.user, program=program, votes_required=request.POST.get("votes") == "on")
    messages.success(request, f"Governance settings of {program.code} saved.")
    return redirect("governance:program", program_pk=program.pk)


def _documents(user, obj):
    kind = ContentType.objects.get_for_model(type(obj))
    return list(documents_for(user).filter(content_type=kind, object_id=obj.pk).order_by("title")[:50])


@login_required
def gate_detail(request, pk):
    gate = gate_policy.get(request.user, queryset=selectors.gates_for(request.user), pk=pk)
    reviews = list(gate.reviews.select_related("decided_by").order_by("-scheduled_for", "-pk"))
    scheduled = next((r for r in reviews if r.status == GateReviewStatus.SCHEDULED), None)
    target = gate.target
    return detail_page(request, gate, "governance/gate_detail.html", {
        "gate": gate, "target": target, "evidence": selectors.evidence(request.user, gate), "reviews": reviews,
        "scheduled": scheduled, "is_next": gate.from_phase == target.phase and gate.status != GateStatus.PASSED,
        "can_decide": scheduled is not None and on_committee(request.user, gate.program_id),
        "documents": _documents(request.user, gate),
    }, actions=("change", "schedule"))


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk):
    criterion = criterion_policy.get(request.user, queryset=selectors.criteria_for(request.user), pk=pk)
    criterion_policy.require(request.user, "change", criterion, f"you may not record evidence for {criterion.gate}")
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.criterion_update(
            actor=request.user, criterion=criterion, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"Evidence of “{saved.text}” saved.")
            return redirect(saved.gate)
    return form_page(request, form, f"Evidence: {criterion.text}", criterion.gate, "Evidence")


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, pk):
    gate = gate_policy.get(request.user, queryset=selectors.gates_for(request.user), pk=pk)
    gate_policy.require(request.user, "schedule", gate, f"you may not schedule reviews of {gate.target_code}")
    form = ReviewScheduleForm(request.POST or None, initial={"scheduled_for": gate.planned_date})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.review_schedule(actor=request.user, gate=gate,
                                                                     **form.changes()))
        if saved:
            messages.success(request, f"Review of {gate} scheduled for {saved.scheduled_for}.")
            return redirect(saved)
    return form_page(request, form, f"Schedule the review of {gate}", gate, "Schedule review")


@login_required
def review_detail(request, pk):
    review = review_policy.get(request.user, queryset=selectors.reviews_for(request.user), pk=pk)
    live = selectors.evidence(request.user, review.gate) if review.status == GateReviewStatus.SCHEDULED else None
    decision = selectors.decisions_for(request.user).filter(subject_type=review._meta.label_lower,
                                                            subject_id=str(review.pk)).first()
    return detail_page(request, review, "governance/review_detail.html", {
        "review": review, "gate": review.gate, "live": live, "decision": decision,
        "documents": _documents(request.user, review),
        "upload": manages_program(request.user, review.gate.program_id),
    }, actions=("change", "decide"))


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request, pk):
    review = review_policy.get(request.user, queryset=selectors.reviews_for(request.user), pk=pk)
    program = review.gate.program
    if not on_committee(request.user, program.pk):
        raise PermissionDenied(not_on_committee(program))
    votes = services.settings_of(program).votes_required
    form = DecisionForm(request.POST or None, votes=votes, initial={"version": review.version})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.review_decide(
            actor=request.user, review=review, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{review.gate}: {saved.get_verdict_display()}.")
            return redirect(saved)
    return form_page(request, form, f"Decide: {review.gate}", review, "Decide", template=DECIDE,
                     context={"evidence": selectors.evidence(request.user, review.gate)})


@login_required
@require_http_methods(["GET", "POST"])
def budget_change_decide(request, pk):
    change = budget_change_policy.get(request.user, queryset=budget_change_policy.visible(request.user)
                                      .select_related("budget__program", "budget__project", "created_by"), pk=pk)
    program = change.budget.program
    if program is None or not on_committee(request.user, program.pk):
        raise PermissionDenied(not_on_committee(program) if program else
                               "the PMO's own budget is the PMO Director's, not a committee's")
    form = BudgetDecisionForm(request.POST or None, votes=services.settings_of(program).votes_required,
                              initial={"version": change.version})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.budget_change_decide(
            actor=request.user, change=change, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"Budget change #{saved.pk}: {saved.get_status_display().lower()}.")
            return redirect(saved)
    target = change.budget.project or program
    return form_page(request, form, f"Decide budget change #{change.pk} ({change.amount:+,.2f})", change,
                     "Decide", template=DECIDE, context={"facts": [
                         ("Budget of", f"{target.code} {target.name}"), ("Amount", f"{change.amount:+,.2f}"),
                         ("Approved budget now", f"{change.budget.approved:,.2f}"), ("Reason", change.reason),
                         ("Tolerance", change.rule),
                         ("Requested by", getattr(change.created_by, "display_name", "—"))]})


@login_required
def decisions(request):
    """The decision log across the programs the user sees, with filters (program, kind, date, who)."""
    rows = selectors.decision_search(selectors.decisions_for(request.user), request.GET.get("q"))
    query = request.GET.copy()  # filters that cannot be a date or an id are ignored, not a 500
    for name in ("since", "until"):
        if query.get(name) and not _is_day(query[name]):
            query.pop(name)
    if query.get("by") and parse_id(query["by"]) is None:
        query.pop("by")
    request.GET = query
    return render(request, "governance/decisions.html", {
        "listing": listing(request, rows, sortable=SORTS, default_sort="-date", filters=FILTERS),
        "programs": list(program_policy.visible(request.user).order_by("code")), "kinds": DecisionKind.choices,
        "breadcrumbs": breadcrumbs(request.user, _crumb(), "Decision log"),
    })


def _is_day(value: str) -> bool:
    from datetime import date

    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return 1900 <= day.year <= 2200


@login_required
def decision_detail(request, pk):
    decision = decision_policy.get(request.user, queryset=selectors.decisions_for(request.user), pk=pk)
    return detail_page(request, decision, "governance/decision_detail.html", {"decision": decision}, actions=())


@login_required
def history(request, object_type, object_id):
    """Who changed what and when on one object (before -> after), newest first."""
    subject = selectors.subject_of(request.user, object_type, object_id)
    if subject is None:
        raise Http404("no such object, or not one you can see")
    try:
        crumbs = breadcrumbs(request.user, subject.obj, Crumb("History")) if subject.obj is not None else None
    except NoReverseMatch:  # an object whose app has no page yet
        crumbs = None
    return render(request, "governance/history.html", {
        "subject": subject, "events": selectors.history(subject), "limit": selectors.MAX_HISTORY,
        "breadcrumbs": crumbs or breadcrumbs(request.user, _crumb(), subject.label, "History"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    """The audit chain's head, and its verification in the background (PMO Director): the page shows the latest."""
    if not is_director(request.user):
        raise PermissionDenied("the audit chain's verification is the PMO Director's")
    if request.method == "POST":
        job = services.verification_start(actor=request.user)
        messages.info(request, f"Verification #{job.pk} is {job.get_status_display().lower()}: "
                               "this page shows its result when it is done.")
        return redirect("governance:audit")
    return render(request, "governance/audit.html", {
        "head": AuditChainHead.objects.filter(pk=1).first(),
        "latest": ChainVerification.objects.select_related("created_by").order_by("-pk").first(),
        "breadcrumbs": breadcrumbs(request.user, _crumb(), "Audit trail"),
    })


# --- steering committee meetings and the action log ---------------------------------------------------------

ACTION_SORTS = {"ref": "pk", "due": "due", "program": "meeting__program__code", "owner": "owner__last_name",
                "status": "status", "meeting": "meeting__starts_at"}
ACTION_FILTERS = {"program": "meeting__program__code", "status": "status", "owner": "owner_id"}


def _meetings_crumb() -> Crumb:
    return Crumb("Steering committees", reverse("governance:meetings"), _crumb())


@login_required
def meetings(request):
    """Steering Committee meetings of the programs the user sees: coming ones first, then the past."""
    rows = selectors.steering_meetings_for(request.user)
    now = timezone.now()
    return render(request, "governance/meetings.html", {
        "coming": list(rows.filter(starts_at__gte=now).order_by("starts_at", "pk")[:50]),
        "past": list(rows.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:50]),
        "breadcrumbs": breadcrumbs(request.user, _crumb(), "Steering committees"),
    })


def _meeting(request, pk):
    meeting = meeting_policy.get(request.user, queryset=selectors.steering_meetings_for(request.user), pk=pk)
    return meeting


@login_required
def meeting(request, pk):
    """A Steering Committee meeting as the committee works it: its agenda (built from what waits for a decision,
    each item with where to decide it), the decisions taken and the actions agreed."""
    meeting = _meeting(request, pk)
    decisions = list(selectors.decisions_for(request.user).filter(meeting_id=meeting.pk).order_by("pk"))
    actions = list(meeting.actions.select_related("owner").order_by("due", "pk"))
    program = meeting.program
    agenda = selectors.agenda_of(meeting)
    on_agenda = {(type(row["subject"]), row["subject"].pk) for row in agenda if row["subject"] is not None}
    waiting = [p for p in selectors.awaiting(request.user, program, horizon=timezone.localdate(meeting.starts_at))
               if (type(p.subject), p.subject.pk) not in on_agenda]
    return render(request, "governance/meeting.html", {
        "meeting": meeting, "agenda": agenda, "decisions": decisions, "actions": actions, "waiting": waiting,
        "can_build": meeting_policy.can(request.user, "change", meeting),
        "on_committee": on_committee(request.user, program.pk), "today": selectors.today(),
        "communications_url": selectors.link_of(meeting), "history_url": selectors.history_url(meeting),
        "breadcrumbs": breadcrumbs(request.user, _meetings_crumb(), str(meeting)),
    })


@login_required
@require_POST
def meeting_agenda(request, pk):
    meeting = _meeting(request, pk)
    try:
        added = services.steering_agenda_build(actor=request.user, meeting=meeting)
    except services.ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"{len(added)} item(s) added to the agenda." if added else
                         "The agenda already holds everything that waits for a decision.")
    return redirect("governance:meeting", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request, pk):
    """Enter a decision the committee took in this meeting (a member of the program's Steering Committee)."""
    meeting = _meeting(request, pk)
    if not on_committee(request.user, meeting.program_id):
        raise PermissionDenied(not_on_committee(meeting.program))
    form = MeetingDecisionForm(request.POST or None, votes=services.settings_of(meeting.program).votes_required,
                               initial={"decided_on": timezone.localdate(meeting.starts_at)})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.meeting_decision_record(
            actor=request.user, meeting=meeting, **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} entered in the decision log.")
            return redirect("governance:meeting", pk=meeting.pk)
    return form_page(request, form, f"Record a decision of {meeting}", _meetings_crumb(),
                     Crumb(str(meeting), reverse("governance:meeting", args=[meeting.pk])), "New decision",
                     template=DECIDE)


@login_required
def actions(request):
    """The action log: actions agreed in Steering Committee meetings across the programs the user sees."""
    rows = selectors.steering_actions_for(request.user)
    query = request.GET.copy()
    if query.get("owner") and parse_id(query["owner"]) is None:
        query.pop("owner")
    request.GET = query
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        rows = rows.filter(pk__in=selectors.overdue_steering_actions(request.user).values("pk"))
    found = listing(request, rows, sortable=ACTION_SORTS, default_sort="due", filters=ACTION_FILTERS)
    return render(request, "governance/actions.html", {
        "listing": found, "overdue": overdue, "today": selectors.today(), "statuses": MeetingActionStatus.choices,
        "programs": list(program_policy.visible(request.user).order_by("code")),
        "breadcrumbs": breadcrumbs(request.user, _crumb(), "Action log"),
    })
