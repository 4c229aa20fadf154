"""Communications objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in program A (own) or B (other), a stakeholder with an address, a program-level
weekly meeting with an attendee, an agenda item and an action, and an e-mail communication of the program's plan
with the stakeholder as its audience, and returns them by the names the matrix URLs use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from pmo.communications.models import (
    AgendaItem,
    Audience,
    Communication,
    Meeting,
    MeetingAction,
    MeetingAttendee,
)
from pmo.stakeholders.models import Stakeholder

KEYS = {"cm_meeting": "meeting", "cm_agenda": "agenda", "cm_attendee": "attendee", "cm_action": "action",
        "cm_plan": "communication", "cm_audience": "audience"}


def make_items(program, *, name: str = "Weekly status") -> dict:
    """Rows written directly (fixtures only; the code under test goes through the services)."""
    stakeholder = Stakeholder.objects.create(program=program, name=f"Sponsor of {name}", email="sponsor@example.org")
    guest = Stakeholder.objects.create(program=program, name=f"Guest of {name}", email="guest@example.org")
    meeting = Meeting.objects.create(program=program, title=name, kind="status", location="Room 4.12",
                                     starts_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), recurrence="weekly", count=20)
    attendee = MeetingAttendee.objects.create(meeting=meeting, stakeholder=stakeholder)
    agenda = AgendaItem.objects.create(meeting=meeting, order=1, title="Milestones")
    action = MeetingAction.objects.create(meeting=meeting, agenda_item=agenda, description="Send the revised plan",
                                          due=date(2026, 3, 9))
    communication = Communication.objects.create(program=program, title=f"{name} report", channel="email",
                                                 frequency="weekly", next_due=timezone.localdate() - timedelta(days=1),
                                                 subject="Status", body="The status of the program.")
    audience = Audience.objects.create(communication=communication, stakeholder=stakeholder)
    return {"stakeholder": stakeholder, "guest": guest, "meeting": meeting, "attendee": attendee, "agenda": agenda,
            "action": action, "communication": communication, "audience": audience}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_communications", {})
    if scope not in cache:
        cache[scope] = make_items(world.own("program") if scope == "own" else world.other("program"))
    return cache[scope]


API_NAMES = {
    "list_meetings", "create_meeting", "get_meeting", "update_meeting", "delete_meeting", "meeting_occurrences",
    "meeting_invitation", "list_meeting_attendees", "add_meeting_attendee", "remove_meeting_attendee",
    "list_agenda_items", "create_agenda_item", "get_agenda_item", "update_agenda_item", "delete_agenda_item",
    "list_meeting_actions", "create_meeting_action", "get_meeting_action", "update_meeting_action",
    "delete_meeting_action", "list_communications", "create_communication", "get_communication",
    "update_communication", "delete_communication", "send_communication", "list_communication_audiences",
    "add_communication_audience", "remove_communication_audience",
}


def is_communications(name: str) -> bool:
    return name.startswith("communications:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH/DELETE of ``name`` sends in If-Match (None: not ours)."""
    if not is_communications(name):
        return None
    found = targets(world, scope)
    for suffix, key in (("_meeting_attendee", "attendee"), ("_agenda_item", "agenda"), ("_meeting_action", "action"),
                        ("_communication_audience", "audience"), ("_meeting", "meeting"),
                        ("_communication", "communication")):
        if name.endswith(suffix):
            return found[key]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the communications routes (so only permissions decide the status)."""
    program = world.own("program") if scope == "own" else world.other("program")
    found = targets(world, scope)
    meeting_form = {"kind": "workshop", "title": "Design workshop", "purpose": "", "location": "",
                    "starts_at": "2026-06-01T10:00", "duration_minutes": "90", "recurrence": "", "interval": "1",
                    "count": "", "until": "", "organizer": ""}
    communication_form = {"title": "Newsletter", "purpose": "", "channel": "email", "frequency": "monthly",
                          "owner": "", "next_due": "2026-07-01", "subject": "News", "body": "Hello",
                          "automatic": "on"}
    bodies = {
        "api:create_meeting": {"program": program.pk, "title": "Design workshop", "kind": "workshop",
                               "starts_at": "2026-06-01T10:00:00+00:00"},
        "api:update_meeting": {"location": "Room 2"},
        "api:add_meeting_attendee": {"stakeholder": found["guest"].pk, "optional": True},
        "api:create_agenda_item": {"meeting": found["meeting"].pk, "title": "Risks"},
        "api:update_agenda_item": {"notes": "discussed"},
        "api:create_meeting_action": {"meeting": found["meeting"].pk, "description": "Book the room",
                                      "due": "2026-07-01"},
        "api:update_meeting_action": {"status": "in_progress"},
        "api:create_communication": {"program": program.pk, "title": "Newsletter", "channel": "email",
                                     "frequency": "monthly", "next_due": "2026-07-01",
                                     "audiences": [{"role": "steering_committee"}]},
        "api:update_communication": {"purpose": "changed through the API"},
        "api:add_communication_audience": {"stakeholder": found["guest"].pk},
        "communications:meeting_create": meeting_form,
        "communications:project_meeting_create": meeting_form | {"kind": "project_board"},
        "communications:meeting_edit": meeting_form | {"title": found["meeting"].title, "recurrence": "weekly",
                                                       "count": "20", "status": "scheduled", "minutes": "Agreed.",
                                                       "version": found["meeting"].version},
        "communications:meeting_delete": {"version": found["meeting"].version},
        "communications:attendee_add": {"stakeholder": found["guest"].pk, "user": ""},
        "communications:attendee_remove": {"version": found["attendee"].version},
        "communications:agenda_item_create": {"title": "Risks", "order": "", "presenter": "",
                                              "duration_minutes": "15", "notes": ""},
        "communications:agenda_item_edit": {"title": "Milestones", "order": "1", "presenter": "",
                                            "duration_minutes": "", "notes": "Two slipped.",
                                            "version": found["agenda"].version},
        "communications:agenda_item_delete": {"version": found["agenda"].version},
        "communications:action_create": {"agenda_item": "", "description": "Book the room", "owner": "",
                                         "due": "2026-07-01", "status": "", "note": ""},
        "communications:action_edit": {"agenda_item": "", "description": "Send the revised plan", "owner": "",
                                       "due": "2026-03-16", "status": "in_progress", "note": "",
                                       "version": found["action"].version},
        "communications:communication_create": communication_form,
        "communications:communication_edit": communication_form | {"title": found["communication"].title,
                                                                   "version": found["communication"].version},
        "communications:communication_delete": {"version": found["communication"].version},
        "communications:communication_send": {},
        "communications:audience_add": {"stakeholder": found["guest"].pk, "group": "", "role": ""},
        "communications:audience_remove": {"version": found["audience"].version},
    }
    return bodies.get(name)
