"""Communication pages: the communications home (upcoming meetings, the user's overdue items), the meeting list,
a program's meetings and communication plan, the meeting page (attendees, agenda, minutes, actions, the
occurrences of a series, the .ics invitation), the action and plan-item pages and their forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pmo.core.errors import StaleVersion
from pmo.core.ids import parse_id
from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.portfolio.policies import program_policy, project_policy
from pmo.stakeholders.models import Stakeholder, StakeholderGroup
from pmo.stakeholders.policies import manages_program

from . import ics, selectors, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    AttendeeForm,
    AudienceForm,
    CommunicationForm,
    MeetingForm,
)
from .models import CommunicationChannel, CommunicationFrequency, MeetingKind, MeetingStatus, meetings_crumb, plan_crumb
from .policies import (
    agenda_item_policy,
    attendee_policy,
    audience_policy,
    communication_policy,
    manages_meetings,
    meeting_action_policy,
    meeting_policy,
)
from .recurrence import occurrence_end, occurrences

MEETING_SORTS = {"ref": "pk", "title": "title", "kind": "kind", "program": "program__code",
                 "starts": "starts_at", "status": "status", "organizer": "organizer__last_name",
                 "actions": "open_actions"}
MEETING_FILTERS = {"program": "program__code", "kind": "kind", "status": "status"}
PLAN_SORTS = {"ref": "pk", "title": "title", "channel": "channel", "frequency": "frequency",
              "owner": "owner__last_name", "due": "next_due", "program": "program__code"}
PLAN_FILTERS = {"channel": "channel", "frequency": "frequency"}


def _fail(request, exc: Exception, obj):
    if isinstance(exc, StaleVersion):
        messages.error(request, f"{obj} was changed by someone else: look again and repeat.")
    else:
        text = "; ".join(m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms)
        messages.error(request, text)
    return redirect(obj)


# --- home and lists ---------------------------------------------------------------------------------

@login_required
def home(request):
    """The user's overdue communications and actions, the meetings of the next two weeks, the programs."""
    meetings = selectors.meetings_for(request.user)
    return render(request, "communications/home.html", {
        "overdue": selectors.overdue_panel(request.user),
        "upcoming": selectors.upcoming(meetings, start=selectors.today(), days=14),
        "programs": list(program_policy.visible(request.user).order_by("code")),
        "breadcrumbs": breadcrumbs(request.user, "Communications"),
    })


def _meeting_rows(request, queryset):
    return listing(request, selectors.search_meetings(queryset, request.GET.get("q")), sortable=MEETING_SORTS,
                   default_sort="-starts", filters=MEETING_FILTERS)


def _meeting_choices():
    return {"kinds": MeetingKind.choices, "statuses": MeetingStatus.choices}


@login_required
def meeting_list(request):
    return render(request, "communications/meeting_list.html", {
        "listing": _meeting_rows(request, selectors.meetings_for(request.user)),
        "programs": list(program_policy.visible(request.user).order_by("code")),
        "breadcrumbs": breadcrumbs(request.user, "Meetings"), **_meeting_choices(),
    })


@login_required
def program_meetings(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    meetings = selectors.meetings_for(request.user).filter(program=program)
    return render(request, "communications/program_meetings.html", {
        "program": program, "listing": _meeting_rows(request, meetings),
        "upcoming": selectors.upcoming(meetings, start=selectors.today(), days=28),
        "can_manage": manages_meetings(request.user, program.pk),
        "projects": [p for p in project_policy.visible(request.user).filter(program=program).order_by("code")
                     if manages_meetings(request.user, program.pk, p.pk)],
        "breadcrumbs": breadcrumbs(request.user, meetings_crumb(program)), **_meeting_choices(),
    })


# --- meetings -----------------------------------------------------------------------------------------

def _create_meeting(request, *, program, project):
    scope = project or program
    if not manages_meetings(request.user, program.pk, project.pk if project else None):
        raise PermissionDenied(f"you may not schedule meetings of {scope.code}")
    form = MeetingForm(request.POST or None, initial={"organizer": request.user.pk,
                                                      "kind": "project_board" if project else "status"})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.meeting_create(
            actor=request.user, program=program, project=project, **form.changes()))
        if saved:
            messages.success(request, f"{saved.title} scheduled.")
            return redirect(saved)
    return form_page(request, form, f"New meeting of {scope.code}", meetings_crumb(program), "New meeting")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, program_pk):
    return _create_meeting(request, program=program_policy.get(request.user, pk=program_pk), project=None)


@login_required
@require_http_methods(["GET", "POST"])
def project_meeting_create(request, project_pk):
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=project_pk)
    return _create_meeting(request, program=project.program, project=project)


@login_required
def meeting_detail(request, pk):
    meeting = meeting_policy.get(request.user, queryset=selectors.meetings_for(request.user), pk=pk)
    agenda = selectors.with_subjects(list(meeting.agenda.select_related("presenter", "subject_type")))
    can_manage = manages_meetings(request.user, meeting.program_id, meeting.project_id)
    series, past, total = [], 0, 0
    if meeting.is_recurring:
        start = selectors.today()
        every = occurrences(meeting)  # bounded: MAX_OCCURRENCES
        past = sum(1 for when in every if when.date() < start)
        series = [{"starts_at": w, "ends_at": occurrence_end(w, meeting)} for w in every[past:past + 12]]
        total = len(every)
    context = {
        "meeting": meeting, "agenda": agenda,
        "attendees": list(meeting.attendees.select_related("user", "stakeholder")),
        "actions": list(meeting.actions.select_related("owner", "agenda_item").order_by("due", "pk")),
        "series": series, "series_past": past, "series_total": total,
        "series_coming": total - past,
        "today": selectors.today(),
        "can_manage": can_manage,
    }
    if can_manage:
        context["attendee_form"] = AttendeeForm(stakeholders=Stakeholder.objects.filter(
            program_id=meeting.program_id).order_by("name"))
    return detail_page(request, meeting, "communications/meeting_detail.html", context,
                       actions=("change", "delete"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = meeting_policy.get(request.user, pk=pk)
    meeting_policy.require(request.user, "change", meeting)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.meeting_update(
            actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.title} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {meeting.title}", meeting, "Edit")


@login_required
@require_POST
def meeting_delete(request, pk):
    meeting = meeting_policy.get(request.user, pk=pk)
    meeting_policy.require(request.user, "delete", meeting)
    try:
        services.meeting_delete(actor=request.user, meeting=meeting,
                                expected_version=parse_id(request.POST.get("version")) or 0)
    except (StaleVersion, ValidationError) as exc:
        return _fail(request, exc, meeting)
    messages.success(request, f"{meeting.title} deleted.")
    return redirect("communications:program_meetings", program_pk=meeting.program_id)


@login_required
def meeting_invitation(request, pk):
    """The meeting's invitation as an .ics file (METHOD:REQUEST, UID stable, SEQUENCE bumped on change)."""
    meeting = meeting_policy.get(request.user, pk=pk)
    meeting_policy.require(request.user, "invite", meeting)
    response = HttpResponse(ics.invitation(meeting, base_url=request.build_absolute_uri("/")),
                            content_type="text/calendar; method=REQUEST; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    return response


@login_required
@require_POST
def attendee_add(request, pk):
    meeting = meeting_policy.get(request.user, pk=pk)
    meeting_policy.require(request.user, "change", meeting, "you may not invite people to this meeting")
    form = AttendeeForm(request.POST, stakeholders=Stakeholder.objects.filter(program_id=meeting.program_id))
    if not form.is_valid():
        messages.error(request, "Choose a user or a stakeholder of the program.")
        return redirect(meeting)
    try:
        row = services.attendee_add(actor=request.user, meeting=meeting, user=form.cleaned_data["user"],
                                    stakeholder=form.cleaned_data["stakeholder"],
                                    optional=form.cleaned_data["optional"])
    except ValidationError as exc:
        return _fail(request, exc, meeting)
    messages.success(request, f"{row.name} invited.")
    return redirect(meeting)


@login_required
@require_POST
def attendee_remove(request, pk):
    row = attendee_policy.get(request.user, queryset=selectors.attendees_for(request.user), pk=pk)
    attendee_policy.require(request.user, "delete", row)
    try:
        services.attendee_remove(actor=request.user, attendee=row,
                                 expected_version=parse_id(request.POST.get("version")) or 0)
    except (StaleVersion, ValidationError) as exc:
        return _fail(request, exc, row.meeting)
    messages.success(request, f"{row.name} removed from the attendees.")
    return redirect(row.meeting)


# --- agenda -------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_create(request, pk):
    meeting = meeting_policy.get(request.user, pk=pk)
    meeting_policy.require(request.user, "change", meeting, "you may not change this meeting's agenda")
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.agenda_item_add(actor=request.user, meeting=meeting,
                                                                     **form.changes()))
        if saved:
            messages.success(request, f"Agenda item {saved.title} added.")
            return redirect(meeting)
    return form_page(request, form, f"New agenda item of {meeting.title}", meeting, "New agenda item")


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk):
    item = agenda_item_policy.get(request.user, queryset=selectors.agenda_items_for(request.user), pk=pk)
    agenda_item_policy.require(request.user, "change", item)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.agenda_item_update(
            actor=request.user, item=item, expected_version=form.cleaned_data["version"] or 0, **form.changes()))
        if saved:
            messages.success(request, f"Agenda item {saved.title} saved.")
            return redirect(item.meeting)
    return form_page(request, form, f"Edit agenda item {item.title}", item.meeting, "Edit agenda item")


@login_required
@require_POST
def agenda_item_delete(request, pk):
    item = agenda_item_policy.get(request.user, queryset=selectors.agenda_items_for(request.user), pk=pk)
    agenda_item_policy.require(request.user, "delete", item)
    try:
        services.agenda_item_delete(actor=request.user, item=item,
                                    expected_version=parse_id(request.POST.get("version")) or 0)
    except (StaleVersion, ValidationError) as exc:
        return _fail(request, exc, item.meeting)
    messages.success(request, f"Agenda item {item.title} removed.")
    return redirect(item.meeting)


# --- actions ------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    meeting = meeting_policy.get(request.user, pk=pk)
    meeting_policy.require(request.user, "change", meeting, "you may not record actions of this meeting")
    form = ActionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.action_create(actor=request.user, meeting=meeting,
                                                                   **form.changes()))
        if saved:
            messages.success(request, f"Action {saved.ref} recorded.")
            return redirect(meeting)
    return form_page(request, form, f"New action of {meeting.title}", meeting, "New action")


@login_required
def action_detail(request, pk):
    action = meeting_action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=pk)
    return detail_page(request, action, "communications/action_detail.html",
                       {"action": action, "today": selectors.today()}, actions=("change", "delete"))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = meeting_action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=pk)
    meeting_action_policy.require(request.user, "change", action)
    full = manages_meetings(request.user, action.meeting.program_id, action.meeting.project_id)
    form = (ActionForm(request.POST or None, instance=action, meeting=action.meeting) if full
            else ActionStatusForm(request.POST or None, instance=action))
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.action_update(
            actor=request.user, action=action, expected_version=form.cleaned_data["version"] or 0,
            **{k: v for k, v in form.changes().items() if v or k != "status"}))
        if saved:
            messages.success(request, f"Action {saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit action {action.ref}", action, "Edit")


# --- the communication plan ----------------------------------------------------------------------------

@login_required
def program_plan(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    rows = selectors.search_communications(selectors.communications_for(request.user).filter(program=program),
                                           request.GET.get("q"))
    found = listing(request, rows.prefetch_related("audiences__stakeholder", "audiences__group"),
                    sortable=PLAN_SORTS, default_sort="due", filters=PLAN_FILTERS)
    return render(request, "communications/program_plan.html", {
        "program": program, "listing": found, "today": selectors.today(),
        "can_manage": manages_program(request.user, program.pk),
        "channels": CommunicationChannel.choices, "frequencies": CommunicationFrequency.choices,
        "breadcrumbs": breadcrumbs(request.user, plan_crumb(program)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def communication_create(request, program_pk):
    program = program_policy.get(request.user, pk=program_pk)
    if not manages_program(request.user, program.pk):
        raise PermissionDenied(f"you may not change the communication plan of {program.code}")
    form = CommunicationForm(request.POST or None, initial={"owner": request.user.pk,
                                                            "next_due": selectors.today()})
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.communication_create(actor=request.user, program=program,
                                                                          **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} added to the plan: now choose its audience.")
            return redirect(saved)
    return form_page(request, form, f"New communication of {program.code}", plan_crumb(program),
                     "New communication")


def _audience_form(communication, data=None):
    program_id = communication.program_id
    return AudienceForm(data, stakeholders=Stakeholder.objects.filter(program_id=program_id).order_by("name"),
                        groups=StakeholderGroup.objects.filter(program_id=program_id).order_by("name"))


@login_required
def communication_detail(request, pk):
    item = communication_policy.get(request.user, queryset=selectors.communications_for(request.user), pk=pk)
    can_change = communication_policy.can(request.user, "change", item)
    return detail_page(request, item, "communications/communication_detail.html", {
        "item": item, "today": selectors.today(),
        "audiences": list(item.audiences.select_related("stakeholder", "group")),
        "recipients": services.recipients(item) if can_change else None,
        "log": selectors.log_of(item),
        "audience_form": _audience_form(item) if can_change else None,
    }, actions=("change", "delete", "send"))


@login_required
@require_http_methods(["GET", "POST"])
def communication_edit(request, pk):
    item = communication_policy.get(request.user, pk=pk)
    communication_policy.require(request.user, "change", item)
    form = CommunicationForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.communication_update(
            actor=request.user, communication=item, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {item.ref} {item.title}", item, "Edit")


@login_required
@require_POST
def communication_delete(request, pk):
    item = communication_policy.get(request.user, pk=pk)
    communication_policy.require(request.user, "delete", item)
    try:
        services.communication_delete(actor=request.user, communication=item,
                                      expected_version=parse_id(request.POST.get("version")) or 0)
    except (StaleVersion, ValidationError) as exc:
        return _fail(request, exc, item)
    messages.success(request, f"{item.ref} removed from the plan.")
    return redirect("communications:program_plan", program_pk=item.program_id)


@login_required
@require_POST
def audience_add(request, pk):
    item = communication_policy.get(request.user, pk=pk)
    communication_policy.require(request.user, "change", item, "you may not change this communication's audience")
    form = _audience_form(item, request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stakeholder, a group or a role of the program.")
        return redirect(item)
    try:
        row = services.audience_add(actor=request.user, communication=item,
                                    stakeholder=form.cleaned_data["stakeholder"], group=form.cleaned_data["group"],
                                    role=form.cleaned_data["role"])
    except ValidationError as exc:
        return _fail(request, exc, item)
    messages.success(request, f"{row.label} added to the audience.")
    return redirect(item)


@login_required
@require_POST
def audience_remove(request, pk):
    row = audience_policy.get(request.user, queryset=selectors.audiences_for(request.user), pk=pk)
    audience_policy.require(request.user, "delete", row)
    try:
        services.audience_remove(actor=request.user, audience=row,
                                 expected_version=parse_id(request.POST.get("version")) or 0)
    except (StaleVersion, ValidationError) as exc:
        return _fail(request, exc, row.communication)
    messages.success(request, f"{row.label} removed from the audience.")
    return redirect(row.communication)


@login_required
@require_POST
def communication_send(request, pk):
    """Send a due e-mail communication now (its owner or its managers); then its next due date moves on."""
    item = communication_policy.get(request.user, pk=pk)
    communication_policy.require(request.user, "send", item)
    try:
        result = services.communication_send(actor=request.user, communication=item,
                                             expected_due=item.next_due)
    except (StaleVersion, ValidationError) as exc:
        return _fail(request, exc, item)
    if result is None:
        messages.info(request, f"{item.ref} was already sent for this date.")
    else:
        messages.success(request, f"{item.ref} sent to {result.recipient_count} recipients.")
    return redirect(item)
