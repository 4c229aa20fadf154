"""Expanding a meeting's recurrence (the RRULE subset FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, COUNT or UNTIL).

Occurrences are computed on the wall clock of the site's time zone (``settings.TIME_ZONE``), as calendar clients
do with a DTSTART that has a TZID, so a weekly 10:00 meeting stays at 10:00 across daylight-saving changes. A
monthly series on the 31st skips the months without one (RFC 5545). Every expansion stops after
:data:`~pmo.communications.models.MAX_OCCURRENCES` occurrences, whatever the input.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.conf import settings

from .models import MAX_OCCURRENCES, Recurrence

FREQUENCIES = {Recurrence.DAILY: rrule.DAILY, Recurrence.WEEKLY: rrule.WEEKLY, Recurrence.MONTHLY: rrule.MONTHLY}
RRULE_NAMES = {Recurrence.DAILY: "DAILY", Recurrence.WEEKLY: "WEEKLY", Recurrence.MONTHLY: "MONTHLY"}


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rrule_text(meeting) -> str:
    """The meeting's RRULE value ("" for a single meeting)."""
    if not meeting.recurrence:
        return ""
    parts = [f"FREQ={RRULE_NAMES[meeting.recurrence]}", f"INTERVAL={meeting.interval}"]
    if meeting.count:
        parts.append(f"COUNT={meeting.count}")
    elif meeting.until:
        parts.append(f"UNTIL={meeting.until.strftime('%Y%m%d')}T235959Z")
    return ";".join(parts)


def _series(meeting):
    """The (naive, local wall-clock) occurrences as a lazy iterator, at most MAX_OCCURRENCES + 1 of them."""
    local = meeting.starts_at.astimezone(zone()).replace(tzinfo=None)
    if not meeting.recurrence:
        return iter([local])
    kwargs = {"dtstart": local, "interval": meeting.interval or 1}
    if meeting.count:
        kwargs["count"] = min(meeting.count, MAX_OCCURRENCES)
    elif meeting.until:
        kwargs["until"] = datetime.combine(meeting.until, time.max)
    return islice(rrule.rrule(FREQUENCIES[meeting.recurrence], **kwargs), MAX_OCCURRENCES + 1)


def occurrences_between_bound(meeting) -> int:
    """How many occurrences the series has (MAX_OCCURRENCES + 1 means: too many)."""
    return sum(1 for _ in _series(meeting))


def occurrences(meeting, *, start: date | None = None, end: date | None = None,
                limit: int = MAX_OCCURRENCES) -> list[datetime]:
    """Aware start times of the occurrences whose day (local) lies in [start, end], at most ``limit``."""
    tz = zone()
    found = []
    for when in islice(_series(meeting), MAX_OCCURRENCES):
        if end is not None and when.date() > end:
            break
        if start is not None and when.date() < start:
            continue
        found.append(when.replace(tzinfo=tz))
        if len(found) >= limit:
            break
    return found


def next_occurrence(meeting, *, after: datetime) -> datetime | None:
    """The first occurrence starting at or after ``after`` (aware), or None when the series is over."""
    for when in occurrences(meeting):
        if when >= after:
            return when
    return None


def last_day(meeting) -> date:
    """The local day of the series' last occurrence."""
    found = occurrences(meeting)
    return found[-1].date() if found else meeting.starts_at.astimezone(zone()).date()


def occurrence_end(when: datetime, meeting) -> datetime:
    return when + timedelta(minutes=meeting.duration_minutes)
