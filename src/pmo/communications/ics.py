"""iCalendar invitations of meetings (RFC 5545 / iTIP RFC 5546).

:func:`invitation` builds a METHOD:REQUEST calendar (METHOD:CANCEL for a cancelled meeting) with one VEVENT:
UID is the meeting's stable ``uid``, SEQUENCE its ``sequence`` (bumped by the services on every change to the
schedule, place, title or status), DTSTART/DTEND on the site's time zone with its VTIMEZONE, the RRULE of a
recurring series, the organizer and every attendee with an e-mail address. :func:`event` is the VEVENT alone,
for feeds that gather many meetings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from .models import Meeting, MeetingStatus
from .recurrence import rrule_text, zone

PRODID = "-//pmo//communications//EN"


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def _description(meeting: Meeting, base_url: str) -> str:
    lines = [meeting.purpose] if meeting.purpose else []
    agenda = list(meeting.agenda.all())
    if agenda:
        lines.append("Agenda:")
        lines.extend(f"{n}. {item.title}" for n, item in enumerate(agenda, start=1))
    if base_url:
        lines.append(f"{base_url.rstrip('/')}{meeting.get_absolute_url()}")
    return "\n".join(lines)


def event(meeting: Meeting, *, base_url: str = "", attendees: list | None = None) -> Event:
    """The meeting's VEVENT; ``attendees`` (MeetingAttendee rows) defaults to the meeting's."""
    tz = zone()
    item = Event()
    item.add("uid", meeting.uid)
    item.add("sequence", meeting.sequence)
    item.add("dtstamp", datetime.now(UTC))
    item.add("summary", meeting.title)
    item.add("dtstart", meeting.starts_at.astimezone(tz))
    item.add("dtend", meeting.ends_at.astimezone(tz))
    rule = rrule_text(meeting)
    if rule:
        item.add("rrule", vRecur.from_ical(rule))
    if meeting.location:
        item.add("location", meeting.location)
    description = _description(meeting, base_url)
    if description:
        item.add("description", description)
    item.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    item.add("categories", [meeting.get_kind_display()])
    organizer = meeting.organizer
    item.add("organizer", _address(organizer.email if organizer and organizer.email else settings.DEFAULT_FROM_EMAIL,
                                   organizer.display_name if organizer else "pmo"))
    rows = list(meeting.attendees.select_related("user", "stakeholder")) if attendees is None else attendees
    for row in rows:
        if row.email:
            item.add("attendee", _address(row.email, row.name, "OPT-PARTICIPANT" if row.optional
                                          else "REQ-PARTICIPANT"))
    return item


def invitation(meeting: Meeting, *, base_url: str = "") -> bytes:
    """The meeting's invitation as an .ics file (METHOD:REQUEST, or METHOD:CANCEL once cancelled)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST")
    calendar.add_component(event(meeting, base_url=base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}.ics"
