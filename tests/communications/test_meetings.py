"""Meetings: services (scope, bounds, sequence bumps, audit), recurrence expansion checked against dateutil's full
RRULE parser, and the .ics invitation read back with icalendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from pmo.communications import ics, services
from pmo.communications.models import MAX_OCCURRENCES, AgendaItem, Meeting, MeetingAction, MeetingAttendee
from pmo.communications.recurrence import occurrences, rrule_text
from pmo.core.models import AuditEvent
from pmo.stakeholders.models import Stakeholder

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _meeting(world, role="coordinator", **fields):
    defaults = {"title": "Weekly status", "starts_at": START, "kind": "status"}
    return services.meeting_create(actor=world.users[role], program=world.own("program"), **(defaults | fields))


def test_create_update_and_sequence(world):
    meeting = _meeting(world, location="Room 4.12", recurrence="weekly", count=10)
    assert meeting.uid.endswith("@pmo") and meeting.sequence == 0 and meeting.organizer == world.users["coordinator"]
    uid = meeting.uid
    moved = services.meeting_update(actor=world.users["program_manager"], meeting=meeting,
                                    expected_version=meeting.version, starts_at=START + timedelta(hours=1))
    assert moved.sequence == 1 and moved.uid == uid
    noted = services.meeting_update(actor=world.users["program_manager"], meeting=moved,
                                    expected_version=moved.version, minutes="Went well.")
    assert noted.sequence == 1  # minutes are not in the invitation
    services.agenda_item_add(actor=world.users["coordinator"], meeting=noted, title="Risks")
    noted.refresh_from_db()
    assert noted.sequence == 2 and noted.version == moved.version + 1  # the agenda bumps SEQUENCE, not the ETag
    assert AuditEvent.objects.filter(object_type="communications.meeting").count() == 3


def test_project_meeting_scope_and_roles(world):
    project = world.own("project")
    board = services.meeting_create(actor=world.users["project_manager"], project=project, title="Project board",
                                    kind="project_board", starts_at=START)
    assert board.program == world.own("program") and board.project == project
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=world.users["project_manager"], program=world.own("program"), title="x",
                                starts_at=START)
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=world.users["steering"], project=project, title="x", starts_at=START)
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(actor=world.users["coordinator"], project=world.other("project"), title="x",
                                starts_at=START)
    assert "project" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(actor=world.users["coordinator"], program=world.own("program"),
                                project=world.own("project").pk + 999, title="x", starts_at=START)
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"recurrence": "weekly"}, "count"),
    ({"recurrence": "weekly", "count": MAX_OCCURRENCES + 1}, "count"),
    ({"recurrence": "daily", "until": date(2036, 1, 1)}, "until"),
    ({"recurrence": "weekly", "count": 3, "until": date(2026, 6, 1)}, "until"),
    ({"recurrence": "weekly", "until": date(2026, 1, 1)}, "until"),
    ({"count": 3}, "recurrence"),
    ({"duration_minutes": 2}, "duration_minutes"),
    ({"interval": 0, "recurrence": "daily", "count": 2}, "interval"),
    ({"starts_at": datetime(2300, 1, 1, tzinfo=UTC)}, "starts_at"),
])
def test_bounded_recurrence_refused_naming_the_field(world, fields, field):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _meeting(world, **fields)
    assert field in caught.value.message_dict
    assert not Meeting.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.parametrize(("recurrence", "interval", "count", "until"), [
    ("daily", 1, 10, None), ("daily", 3, None, date(2026, 5, 1)), ("weekly", 1, 52, None),
    ("weekly", 2, None, date(2026, 12, 31)), ("monthly", 1, 12, None), ("monthly", 2, None, date(2028, 3, 1)),
])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_occurrences_match_dateutils_rrule_parser(settings, recurrence, interval, count, until, zone):
    """Our expansion against the RRULE text parsed by dateutil's full parser, on the local wall clock."""
    settings.TIME_ZONE = zone
    meeting = Meeting(starts_at=datetime(2026, 1, 31, 10, 0, tzinfo=ZoneInfo(zone)), recurrence=recurrence,
                      interval=interval, count=count, until=until, duration_minutes=60)
    local = meeting.starts_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    rule = rrule_text(meeting).replace("T235959Z", "T235959")
    expected = list(rrulestr(rule, dtstart=local))
    got = [when.replace(tzinfo=None) for when in occurrences(meeting)]
    assert got == expected and 0 < len(got) <= MAX_OCCURRENCES
    assert all(when.hour == 10 for when in got)  # the wall clock holds across daylight-saving changes
    if recurrence == "monthly" and interval == 1:
        assert date(2026, 2, 28) not in [g.date() for g in got]  # no 31 February: skipped, as RFC 5545 says


def test_occurrence_window_is_bounded(world):
    meeting = _meeting(world, recurrence="daily", count=MAX_OCCURRENCES)
    assert len(occurrences(meeting)) == MAX_OCCURRENCES
    assert len(occurrences(meeting, start=date(2026, 3, 10), end=date(2026, 3, 16))) == 7
    assert len(occurrences(meeting, limit=5)) == 5


def test_attendees_agenda_and_actions(world):
    own, other = world.own("program"), world.other("program")
    sponsor = Stakeholder.objects.create(program=own, name="Sponsor", email="sponsor@example.org")
    stranger = Stakeholder.objects.create(program=other, name="Stranger", email="x@example.org")
    actor = world.users["coordinator"]
    meeting = _meeting(world, attendee_users=[world.users["steering"]], attendee_stakeholders=[sponsor])
    assert meeting.attendees.count() == 2
    with pytest.raises(ValidationError) as caught:
        services.attendee_add(actor=actor, meeting=meeting, stakeholder=stranger)
    assert "stakeholder" in caught.value.message_dict
    outsider = type(actor).objects.create_user("outsider", "o@example.com", "x")
    with pytest.raises(ValidationError) as caught:
        services.attendee_add(actor=actor, meeting=meeting, user=outsider)
    assert "user" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.attendee_add(actor=actor, meeting=meeting, user=world.users["steering"])  # twice
    first = services.agenda_item_add(actor=actor, meeting=meeting, title="Status of the projects")
    subject = services.agenda_item_add(actor=actor, meeting=meeting, title="Project A1", subject=world.own("project"))
    assert (first.order, subject.order) == (1, 2) and subject.subject == world.own("project")
    with pytest.raises(ValidationError) as caught:
        services.agenda_item_add(actor=world.users["program_manager"], meeting=meeting, title="B",
                                 subject=world.other("project"))
    assert "subject" in caught.value.message_dict
    action = services.action_create(actor=actor, meeting=meeting, agenda_item=subject,
                                    description="Send the revised plan", owner=world.users["program_manager"],
                                    due=date(2026, 3, 9))
    assert action.ref == f"MA-{action.pk}" and action.agenda_item == subject
    with pytest.raises(ValidationError) as caught:
        services.action_create(actor=actor, meeting=meeting, description="x", owner=outsider)
    assert "owner" in caught.value.message_dict
    # the owner updates the status, but not the description
    owner = world.users["program_manager"]
    done = services.action_update(actor=owner, action=action, expected_version=action.version, status="done")
    assert done.status == "done"
    pm = world.users["project_manager"]
    board = services.meeting_create(actor=pm, project=world.own("project"), title="Board", starts_at=START)
    mine = services.action_create(actor=pm, meeting=board, description="Book the room", owner=pm)
    assert services.action_update(actor=pm, action=mine, expected_version=mine.version, status="done").status
    other_action = services.action_create(actor=actor, meeting=meeting, description="Note", owner=pm)
    with pytest.raises(PermissionDenied):
        services.action_update(actor=pm, action=other_action, expected_version=other_action.version,
                               description="changed")
    assert MeetingAction.objects.count() == 3 and AgendaItem.objects.count() == 2
    assert MeetingAttendee.objects.count() == 2


def test_invitation_ics(world, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    sponsor = Stakeholder.objects.create(program=world.own("program"), name="Sponsor", email="sponsor@example.org")
    meeting = _meeting(world, title="Weekly status", location="Room 4.12", recurrence="weekly", interval=1,
                       count=12, attendee_users=[world.users["steering"]], attendee_stakeholders=[sponsor])
    services.agenda_item_add(actor=world.users["coordinator"], meeting=meeting, title="Milestones")
    meeting.refresh_from_db()
    calendar = Calendar.from_ical(ics.invitation(meeting))
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 1
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["COUNT"] == [12]
    assert event.decoded("DTSTART") == START and event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert calendar.walk("VTIMEZONE")
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == ["mailto:sponsor@example.org", "mailto:steering@example.com"]
    assert str(event["ORGANIZER"]) == "mailto:coordinator@example.com"
    assert "1. Milestones" in str(event["DESCRIPTION"])
    cancelled = services.meeting_cancel(actor=world.users["coordinator"], meeting=meeting,
                                        expected_version=meeting.version)
    calendar = Calendar.from_ical(ics.invitation(cancelled))
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == meeting.uid
