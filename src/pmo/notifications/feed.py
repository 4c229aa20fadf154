"""The personal iCal feed: what every registered feed source (``registry.FEED_SOURCES``) gives one user, as an
``.ics`` calendar. Each source answers only what the user may see (it starts from its app's selectors)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from . import registry
from .services import absolute_url

logger = logging.getLogger(__name__)

#: the window of the feed around today, and the most events it carries
PAST = timedelta(days=30)
FUTURE = timedelta(days=400)
MAX_ITEMS = 3000


def window(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - PAST, today + FUTURE


def items_for(user, today: date | None = None) -> list[registry.FeedItem]:
    start, end = window(today)
    items: list[registry.FeedItem] = []
    for key, source in list(registry.FEED_SOURCES.items()):
        try:
            for item in source(user, start, end):
                items.append(item)
                if len(items) >= MAX_ITEMS:
                    return items
        except Exception:  # noqa: BLE001 - one app's bug must not take the whole feed down
            logger.exception("feed source %s failed", key)
    return items


def calendar_for(user, today: date | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//pmo//personal feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"pmo — {user.display_name}")
    stamp = timezone.now()
    for item in items_for(user, today):
        event = Event()
        event.add("uid", f"{item.uid}@pmo")
        event.add("dtstamp", stamp)
        event.add("summary", item.summary[:250])
        event.add("dtstart", item.start)
        end = item.end
        if end is None and not isinstance(item.start, datetime):
            end = item.start + timedelta(days=1)
        if end is not None:
            event.add("dtend", end)
        if item.url:
            event.add("url", absolute_url(item.url))
        if item.description:
            event.add("description", item.description[:2000])
        if item.categories:
            event.add("categories", list(item.categories))
        cal.add_component(event)
    return cal.to_ical()
