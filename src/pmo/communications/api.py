"""``/api/v1/meetings`` (with ``/occurrences`` and the ``/invitation`` .ics), ``/meeting-attendees``,
``/agenda-items``, ``/meeting-actions``, ``/communications`` (the programs' communication plans, ``/send``) and
``/communication-audiences`` (conventions in pmo.core.api).

Meetings take ``starts_at`` as an ISO 8601 date-time with an offset; a recurrence is ``daily``, ``weekly`` or
``monthly`` with ``interval`` 1..52 and either ``count`` (1..MAX_OCCURRENCES) or ``until``: a series that would
have more occurrences is a 422 naming the field. ``occurrences`` expands a series within a window of at most
366 days.
"""

from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime

from pmo.accounts.models import Role
from pmo.core.api import (
    IF_MATCH,
    Day,
    Id,
    Input,
    Pagination,
    expected_version,
    filtered,
    in_subset,
    optional_version,
    visible_in_body,
    with_etag,
)
from pmo.core.errors import StaleVersion
from pmo.portfolio.policies import program_policy, project_policy

from . import ics, selectors, services
from .models import (
    MAX_ATTENDEES,
    MAX_AUDIENCE,
    MAX_OCCURRENCES,
    CommunicationChannel,
    CommunicationFrequency,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
    Recurrence,
)
from .policies import (
    agenda_item_policy,
    attendee_policy,
    audience_policy,
    communication_policy,
    meeting_action_policy,
    meeting_policy,
)
from .recurrence import occurrence_end, occurrences

router = Router(tags=["communications"])

#: the longest window one occurrences request expands
MAX_WINDOW_DAYS = 366


# --- meetings -------------------------------------------------------------------------------------------

class MeetingOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    kind: MeetingKind
    title: str
    purpose: str
    location: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    recurrence: Literal["", "daily", "weekly", "monthly"]
    interval: int
    count: int | None
    until: date | None
    organizer: int | None = Field(None, alias="organizer_id")
    status: MeetingStatus
    minutes: str
    uid: str = Field(..., description="the iCalendar UID, stable for the meeting's life")
    sequence: int = Field(..., description="the iCalendar SEQUENCE, bumped by every change to the invitation")
    version: int


class MeetingPatch(Input):
    kind: MeetingKind = None
    title: str = Field(None, min_length=1, max_length=200)
    purpose: str = Field(None, max_length=2000)
    location: str = Field(None, max_length=200)
    starts_at: AwareDatetime = Field(None, description="ISO 8601 with an offset, e.g. 2026-03-02T09:00:00+01:00")
    duration_minutes: int = Field(None, ge=5, le=1440)
    recurrence: Recurrence = None
    interval: int = Field(None, ge=1, le=52)
    count: int | None = Field(None, ge=1, le=MAX_OCCURRENCES)
    until: Day | None = None
    organizer: Id | None = None
    status: MeetingStatus = None
    minutes: str = Field(None, max_length=20000)


class MeetingCreate(MeetingPatch):
    program: Id | None = Field(None, description="the program (or give the project)")
    project: Id | None = Field(None, description="a project: a project meeting of its program")
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: AwareDatetime
    attendee_users: list[Id] = Field(None, max_length=MAX_ATTENDEES)
    attendee_stakeholders: list[Id] = Field(None, max_length=MAX_ATTENDEES)


class MeetingFilter(Schema):
    program: Id | None = None
    project: Id | None = None
    kind: MeetingKind | None = None
    status: MeetingStatus | None = None
    q: str | None = Field(None, max_length=200, description="search title, purpose, place")


class OccurrenceOut(Schema):
    starts_at: datetime
    ends_at: datetime


class OccurrenceWindow(Schema):
    start: Day | None = Field(None, description="first day (default: the meeting's first day)")
    end: Day | None = Field(None, description="last day (default: start + 366 days)")


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pagination)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]):
    """Meetings of the programs and projects you see, newest first."""
    rows = selectors.search_meetings(selectors.meetings_for(request.user), filters.q)
    for name in ("program", "project"):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{f"{name}_id": value})
    for name in ("kind", "status"):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{name: value})
    return rows.order_by("-starts_at", "-pk")


@router.post("/meetings", response={201: MeetingOut})
def create_meeting(request: HttpRequest, response: HttpResponse, payload: MeetingCreate):
    """Schedule a meeting (PMO Director, PMO Coordinator, Program Manager; a project's Project Manager for it)."""
    data = payload.model_dump(exclude_unset=True)
    program = data.pop("program", None)
    project = data.pop("project", None)
    program = visible_in_body(program_policy.visible(request.user), program, "program", "program") if program else None
    project = visible_in_body(project_policy.visible(request.user), project, "project", "project") if project else None
    meeting = services.meeting_create(actor=request.user, program=program, project=project,
                                      attendee_users=data.pop("attendee_users", None) or (),
                                      attendee_stakeholders=data.pop("attendee_stakeholders", None) or (), **data)
    with_etag(response, meeting)
    return Status(201, meeting)


@router.get("/meetings/{meeting_id}", response=MeetingOut)
def get_meeting(request: HttpRequest, response: HttpResponse, meeting_id: Id):
    meeting = meeting_policy.get(request.user, pk=meeting_id)
    with_etag(response, meeting)
    return meeting


@router.patch("/meetings/{meeting_id}", response=MeetingOut, openapi_extra=IF_MATCH)
def update_meeting(request: HttpRequest, response: HttpResponse, meeting_id: Id, payload: MeetingPatch):
    """Change a meeting; a change to its time, place, title, recurrence or status bumps ``sequence``."""
    meeting = meeting_policy.get(request.user, pk=meeting_id)
    meeting = services.meeting_update(actor=request.user, meeting=meeting, expected_version=expected_version(request),
                                      **payload.model_dump(exclude_unset=True))
    with_etag(response, meeting)
    return meeting


@router.delete("/meetings/{meeting_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_meeting(request: HttpRequest, meeting_id: Id):
    meeting = meeting_policy.get(request.user, pk=meeting_id)
    services.meeting_delete(actor=request.user, meeting=meeting, expected_version=expected_version(request))
    return Status(204, None)


@router.get("/meetings/{meeting_id}/occurrences", response=list[OccurrenceOut])
def meeting_occurrences(request: HttpRequest, meeting_id: Id, window: Query[OccurrenceWindow]):
    """The occurrences of the meeting (a series expanded) in a window of at most 366 days."""
    meeting = meeting_policy.get(request.user, pk=meeting_id)
    start = window.start or meeting.starts_at.date()
    end = window.end or start + timedelta(days=MAX_WINDOW_DAYS)
    if end < start:
        raise ValidationError({"end": "must not be before start"})
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationError({"end": f"a window of at most {MAX_WINDOW_DAYS} days"})
    return [{"starts_at": w, "ends_at": occurrence_end(w, meeting)}
            for w in occurrences(meeting, start=start, end=end)]


@router.get("/meetings/{meeting_id}/invitation", response={200: str},
            openapi_extra={"responses": {200: {"description": "the invitation", "content": {
                "text/calendar": {"schema": {"type": "string"}}}}}})
def meeting_invitation(request: HttpRequest, meeting_id: Id):
    """The invitation as ``text/calendar`` (METHOD:REQUEST, or CANCEL; stable UID, SEQUENCE)."""
    meeting = meeting_policy.get(request.user, pk=meeting_id)
    meeting_policy.require(request.user, "invite", meeting)
    response = HttpResponse(ics.invitation(meeting, base_url=request.build_absolute_uri("/")),
                            content_type="text/calendar; method=REQUEST; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    return response


# --- attendees ------------------------------------------------------------------------------------------

class AttendeeOut(Schema):
    id: int
    meeting: int = Field(..., alias="meeting_id")
    user: int | None = Field(None, alias="user_id")
    stakeholder: int | None = Field(None, alias="stakeholder_id")
    name: str
    optional: bool
    version: int


class AttendeeCreate(Input):
    user: Id | None = Field(None, description="a user who can see the meeting")
    stakeholder: Id | None = Field(None, description="a stakeholder of the meeting's program")
    optional: bool = False


class MeetingRef(Schema):
    meeting: Id | None = None


@router.get("/meeting-attendees", response=list[AttendeeOut])
@paginate(Pagination)
def list_meeting_attendees(request: HttpRequest, filters: Query[MeetingRef]):
    rows = selectors.attendees_for(request.user).order_by("meeting_id", "pk")
    return rows.filter(meeting_id=filters.meeting) if filters.meeting else rows


@router.post("/meetings/{meeting_id}/attendees", response={201: AttendeeOut})
def add_meeting_attendee(request: HttpRequest, response: HttpResponse, meeting_id: Id, payload: AttendeeCreate):
    """Invite a user or a stakeholder (bumps the meeting's ``sequence``, not its ETag)."""
    meeting = meeting_policy.get(request.user, pk=meeting_id)
    row = services.attendee_add(actor=request.user, meeting=meeting, user=payload.user,
                                stakeholder=payload.stakeholder, optional=payload.optional)
    with_etag(response, row)
    return Status(201, row)


@router.delete("/meeting-attendees/{attendee_id}", response={204: None}, openapi_extra=IF_MATCH)
def remove_meeting_attendee(request: HttpRequest, attendee_id: Id):
    row = attendee_policy.get(request.user, queryset=selectors.attendees_for(request.user), pk=attendee_id)
    services.attendee_remove(actor=request.user, attendee=row, expected_version=expected_version(request))
    return Status(204, None)


# --- agenda ---------------------------------------------------------------------------------------------

class AgendaItemOut(Schema):
    id: int
    meeting: int = Field(..., alias="meeting_id")
    order: int
    title: str
    presenter: int | None = Field(None, alias="presenter_id")
    duration_minutes: int | None
    notes: str
    subject_type: str | None = Field(None, description="app_label.model of the object discussed")
    subject_id: int | None
    version: int

    @staticmethod
    def resolve_subject_type(obj) -> str | None:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}" if obj.subject_type_id else None


class AgendaItemPatch(Input):
    order: int = Field(None, ge=0, le=1000)
    title: str = Field(None, min_length=1, max_length=200)
    presenter: Id | None = None
    duration_minutes: int | None = Field(None, ge=1, le=1440)
    notes: str = Field(None, max_length=10000)


class AgendaItemCreate(AgendaItemPatch):
    meeting: Id
    title: str = Field(..., min_length=1, max_length=200)


@router.get("/agenda-items", response=list[AgendaItemOut])
@paginate(Pagination)
def list_agenda_items(request: HttpRequest, filters: Query[MeetingRef]):
    rows = selectors.agenda_items_for(request.user).order_by("meeting_id", "order", "pk")
    return rows.filter(meeting_id=filters.meeting) if filters.meeting else rows


@router.post("/agenda-items", response={201: AgendaItemOut})
def create_agenda_item(request: HttpRequest, response: HttpResponse, payload: AgendaItemCreate):
    """Add an item to a meeting's agenda (at the end unless ``order`` is given)."""
    data = payload.model_dump(exclude_unset=True)
    meeting = visible_in_body(selectors.meetings_for(request.user), data.pop("meeting"), "meeting", "meeting")
    item = services.agenda_item_add(actor=request.user, meeting=meeting, **data)
    with_etag(response, item)
    return Status(201, item)


@router.get("/agenda-items/{item_id}", response=AgendaItemOut)
def get_agenda_item(request: HttpRequest, response: HttpResponse, item_id: Id):
    item = agenda_item_policy.get(request.user, queryset=selectors.agenda_items_for(request.user), pk=item_id)
    with_etag(response, item)
    return item


@router.patch("/agenda-items/{item_id}", response=AgendaItemOut, openapi_extra=IF_MATCH)
def update_agenda_item(request: HttpRequest, response: HttpResponse, item_id: Id, payload: AgendaItemPatch):
    item = agenda_item_policy.get(request.user, queryset=selectors.agenda_items_for(request.user), pk=item_id)
    item = services.agenda_item_update(actor=request.user, item=item, expected_version=expected_version(request),
                                       **payload.model_dump(exclude_unset=True))
    with_etag(response, item)
    return item


@router.delete("/agenda-items/{item_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_agenda_item(request: HttpRequest, item_id: Id):
    item = agenda_item_policy.get(request.user, queryset=selectors.agenda_items_for(request.user), pk=item_id)
    services.agenda_item_delete(actor=request.user, item=item, expected_version=expected_version(request))
    return Status(204, None)


# --- actions --------------------------------------------------------------------------------------------

class MeetingActionOut(Schema):
    id: int
    ref: str
    meeting: int = Field(..., alias="meeting_id")
    agenda_item: int | None = Field(None, alias="agenda_item_id")
    description: str
    owner: int | None = Field(None, alias="owner_id")
    due: date | None
    status: MeetingActionStatus
    overdue: bool
    note: str
    version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(selectors.today())


class MeetingActionPatch(Input):
    agenda_item: Id | None = None
    description: str = Field(None, min_length=1, max_length=500)
    owner: Id | None = None
    due: Day | None = None
    status: MeetingActionStatus = None
    note: str = Field(None, max_length=2000)


class MeetingActionCreate(MeetingActionPatch):
    meeting: Id
    description: str = Field(..., min_length=1, max_length=500)


class MeetingActionFilter(Schema):
    meeting: Id | None = None
    program: Id | None = None
    owner: Id | None = None
    overdue: bool | None = None


@router.get("/meeting-actions", response=list[MeetingActionOut])
@paginate(Pagination)
def list_meeting_actions(request: HttpRequest, filters: Query[MeetingActionFilter]):
    """Meeting actions you see; ``overdue=true``: open ones past their due date."""
    rows = filtered(selectors.actions_for(request.user).order_by("due", "pk"), filters,
                    {"meeting": "meeting_id", "program": "meeting__program_id", "owner": "owner_id"})
    return in_subset(rows, filters.overdue, selectors.overdue_actions(request.user))


@router.post("/meeting-actions", response={201: MeetingActionOut})
def create_meeting_action(request: HttpRequest, response: HttpResponse, payload: MeetingActionCreate):
    data = payload.model_dump(exclude_unset=True)
    meeting = visible_in_body(selectors.meetings_for(request.user), data.pop("meeting"), "meeting", "meeting")
    action = services.action_create(actor=request.user, meeting=meeting, **data)
    with_etag(response, action)
    return Status(201, action)


@router.get("/meeting-actions/{action_id}", response=MeetingActionOut)
def get_meeting_action(request: HttpRequest, response: HttpResponse, action_id: Id):
    action = meeting_action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=action_id)
    with_etag(response, action)
    return action


@router.patch("/meeting-actions/{action_id}", response=MeetingActionOut, openapi_extra=IF_MATCH)
def update_meeting_action(request: HttpRequest, response: HttpResponse, action_id: Id, payload: MeetingActionPatch):
    """Change an action (its owner: only ``status`` and ``note``)."""
    action = meeting_action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=action_id)
    action = services.action_update(actor=request.user, action=action, expected_version=expected_version(request),
                                    **payload.model_dump(exclude_unset=True))
    with_etag(response, action)
    return action


@router.delete("/meeting-actions/{action_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_meeting_action(request: HttpRequest, action_id: Id):
    action = meeting_action_policy.get(request.user, queryset=selectors.actions_for(request.user), pk=action_id)
    services.action_delete(actor=request.user, action=action, expected_version=expected_version(request))
    return Status(204, None)


# --- the communication plan -------------------------------------------------------------------------------

class AudienceOut(Schema):
    id: int
    communication: int = Field(..., alias="communication_id")
    stakeholder: int | None = Field(None, alias="stakeholder_id")
    group: int | None = Field(None, alias="group_id")
    role: str
    label: str
    version: int


class AudienceIn(Input):
    stakeholder: Id | None = Field(None, description="a stakeholder of the program")
    group: Id | None = Field(None, description="a stakeholder group of the program")
    role: Role | None = Field(None, description="users holding this role over the program, its projects or the "
                                                "portfolio")


class CommunicationOut(Schema):
    id: int
    ref: str
    program: int = Field(..., alias="program_id")
    title: str
    purpose: str
    channel: CommunicationChannel
    frequency: CommunicationFrequency
    owner: int | None = Field(None, alias="owner_id")
    next_due: date | None
    overdue: bool
    subject: str
    body: str
    automatic: bool
    last_sent_at: datetime | None
    audiences: list[AudienceOut]
    version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(selectors.today())

    @staticmethod
    def resolve_audiences(obj) -> list:
        return list(obj.audiences.all())


class CommunicationPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    purpose: str = Field(None, max_length=2000)
    channel: CommunicationChannel = None
    frequency: CommunicationFrequency = None
    owner: Id | None = None
    next_due: Day | None = None
    subject: str = Field(None, max_length=200)
    body: str = Field(None, max_length=4000)
    automatic: bool = None


class CommunicationCreate(CommunicationPatch):
    program: Id
    title: str = Field(..., min_length=1, max_length=200)
    audiences: list[AudienceIn] = Field(None, max_length=MAX_AUDIENCE)


class CommunicationFilter(Schema):
    program: Id | None = None
    channel: CommunicationChannel | None = None
    owner: Id | None = None
    overdue: bool | None = None
    q: str | None = Field(None, max_length=200)


class SendOut(Schema):
    sent: bool = Field(..., description="false when this due date was already sent (by someone else, or the "
                                        "scheduler)")
    due: date | None
    recipients: int
    skipped: int
    next_due: date | None


@router.get("/communications", response=list[CommunicationOut])
@paginate(Pagination)
def list_communications(request: HttpRequest, filters: Query[CommunicationFilter]):
    """The communication plans of the programs you see; ``overdue=true``: past their next due date."""
    rows = filtered(selectors.search_communications(selectors.communications_for(request.user), filters.q), filters,
                    {"program": "program_id", "channel": "channel", "owner": "owner_id"})
    rows = in_subset(rows, filters.overdue, selectors.overdue_communications(request.user))
    return rows.prefetch_related("audiences__stakeholder", "audiences__group").order_by("next_due", "pk")


def _audience_args(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if v is not None}


@router.post("/communications", response={201: CommunicationOut})
def create_communication(request: HttpRequest, response: HttpResponse, payload: CommunicationCreate):
    """Add to a program's plan (PMO Director, PMO Coordinator, the program's Program Manager)."""
    data = payload.model_dump(exclude_unset=True)
    program = visible_in_body(program_policy.visible(request.user), data.pop("program"), "program", "program")
    audiences = [_audience_args(a) for a in data.pop("audiences", None) or []]
    item = services.communication_create(actor=request.user, program=program, audiences=audiences, **data)
    with_etag(response, item)
    return Status(201, item)


@router.get("/communications/{communication_id}", response=CommunicationOut)
def get_communication(request: HttpRequest, response: HttpResponse, communication_id: Id):
    item = communication_policy.get(request.user, pk=communication_id)
    with_etag(response, item)
    return item


@router.patch("/communications/{communication_id}", response=CommunicationOut, openapi_extra=IF_MATCH)
def update_communication(request: HttpRequest, response: HttpResponse, communication_id: Id,
                         payload: CommunicationPatch):
    item = communication_policy.get(request.user, pk=communication_id)
    item = services.communication_update(actor=request.user, communication=item,
                                         expected_version=expected_version(request),
                                         **payload.model_dump(exclude_unset=True))
    with_etag(response, item)
    return item


@router.delete("/communications/{communication_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_communication(request: HttpRequest, communication_id: Id):
    item = communication_policy.get(request.user, pk=communication_id)
    services.communication_delete(actor=request.user, communication=item, expected_version=expected_version(request))
    return Status(204, None)


@router.post("/communications/{communication_id}/send", response=SendOut)
def send_communication(request: HttpRequest, response: HttpResponse, communication_id: Id):
    """Send the occurrence due on ``next_due`` now (an e-mail; other channels: recorded done), then move
    ``next_due`` on by the frequency. Its owner and its managers; once per due date (If-Match optional)."""
    item = communication_policy.get(request.user, pk=communication_id)
    if optional_version(request, item) != item.version:
        raise StaleVersion(item.version)
    communication_policy.require(request.user, "send", item)
    send = services.communication_send(actor=request.user, communication=item, expected_due=item.next_due)
    item.refresh_from_db()
    with_etag(response, item)
    return {"sent": send is not None, "due": send.due if send else None,
            "recipients": send.recipient_count if send else 0, "skipped": send.skipped_count if send else 0,
            "next_due": item.next_due}


class AudienceFilter(Schema):
    communication: Id | None = None
    program: Id | None = None


@router.get("/communication-audiences", response=list[AudienceOut])
@paginate(Pagination)
def list_communication_audiences(request: HttpRequest, filters: Query[AudienceFilter]):
    return filtered(selectors.audiences_for(request.user).order_by("communication_id", "pk"), filters,
                    {"communication": "communication_id", "program": "communication__program_id"})


@router.post("/communications/{communication_id}/audiences", response={201: AudienceOut})
def add_communication_audience(request: HttpRequest, response: HttpResponse, communication_id: Id,
                               payload: AudienceIn):
    item = communication_policy.get(request.user, pk=communication_id)
    row = services.audience_add(actor=request.user, communication=item, **_audience_args(payload.model_dump()))
    with_etag(response, row)
    return Status(201, row)


@router.delete("/communication-audiences/{audience_id}", response={204: None}, openapi_extra=IF_MATCH)
def remove_communication_audience(request: HttpRequest, audience_id: Id):
    row = audience_policy.get(request.user, queryset=selectors.audiences_for(request.user), pk=audience_id)
    services.audience_remove(actor=request.user, audience=row, expected_version=expected_version(request))
    return Status(204, None)
