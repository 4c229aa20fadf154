"""The three registries the apps above fill from their ``AppConfig.ready()`` (docs/architecture.md, "Notifications").

- **Event kinds**: ``register_kind("raid.action_assigned", "A risk action is assigned to you", default=Channel.EMAIL)``.
  A user's preference per kind chooses the channel; the kind's default applies until they choose.
- **Providers** of time-based events: ``register_provider("raid.overdue", fn)``; the periodic tick calls
  ``fn(now)``, which yields :class:`Event`; each is notified once per recipient and ``dedupe_key``.
- **Feed sources** of the personal iCal feed: ``register_feed_source("planning.milestones", fn)``;
  ``fn(user, start, end)`` yields :class:`FeedItem` of what ``user`` may see between the two dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from .models import Channel


@dataclass(frozen=True)
class EventKind:
    key: str
    label: str
    default: str = Channel.IN_APP
    description: str = ""


@dataclass(frozen=True)
class Event:
    """One notification a provider wants sent: ``notify(**asdict(event))``."""

    kind: str
    recipients: Iterable
    subject: str
    body: str = ""
    url: str = ""
    dedupe_key: str = ""
    program: object = None
    project: object = None


@dataclass(frozen=True)
class FeedItem:
    """One event of the iCal feed: an all-day event when ``start`` is a date."""

    uid: str
    summary: str
    start: date | datetime
    end: date | datetime | None = None
    url: str = ""
    description: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


KINDS: dict[str, EventKind] = {}
PROVIDERS: dict[str, Callable[[datetime], Iterable[Event]]] = {}
FEED_SOURCES: dict[str, Callable[[object, date, date], Iterable[FeedItem]]] = {}


def register_kind(key: str, label: str, *, default: str = Channel.IN_APP, description: str = "") -> EventKind:
    if len(key) > 64 or not key:
        raise ValueError(f"an event kind's key has 1..64 characters: {key!r}")
    if default not in Channel.values:
        raise ValueError(f"unknown default channel {default!r} for {key}")
    kind = KINDS[key] = EventKind(key, label, Channel(default), description)
    return kind


def kind(key: str) -> EventKind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"unknown notification kind {key!r}: register it with register_kind() first") from None


def register_provider(key: str, provider: Callable[[datetime], Iterable[Event]]) -> None:
    PROVIDERS[key] = provider


def register_feed_source(key: str, source: Callable[[object, date, date], Iterable[FeedItem]]) -> None:
    FEED_SOURCES[key] = source
