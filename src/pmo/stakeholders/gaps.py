"""The gap between current and desired engagement over time (pure Python: rows in, rows out).

At each point in time a stakeholder's level is that of its latest assessment on or before that day (before its
first assessment it is not counted). The gap of a stakeholder is ``max(0, desired rank - current rank)``: levels
still to climb; being above the desired level is no negative gap (it does not offset another's gap).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from .models import RANK


@dataclass(frozen=True)
class GapPoint:
    day: date
    assessed: int  #: stakeholders with an assessment on or before the day
    total_gap: int  #: levels still to climb, summed over them
    below: int  #: how many of them are below their desired level


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month to ``last``'s (``last`` itself when it ends earlier)."""
    days = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        nxt = date(year + month // 12, month % 12 + 1, 1)
        days.append(min(nxt - timedelta(days=1), last))
        year, month = nxt.year, nxt.month
    return days


def level_on(history: list[tuple[date, str]], day: date) -> str | None:
    """The level of the latest assessment on or before ``day`` (``history`` sorted by date)."""
    index = bisect_right([d for d, _ in history], day)
    return history[index - 1][1] if index else None


def gap_series(desired: dict[int, str], history: dict[int, list[tuple[date, str]]], days: list[date]) -> list[GapPoint]:
    """``desired``: stakeholder -> desired level; ``history``: stakeholder -> [(date, level)] sorted by date."""
    points = []
    for day in days:
        assessed = total = below = 0
        for key, wanted in desired.items():
            level = level_on(history.get(key, []), day)
            if level is None:
                continue
            assessed += 1
            gap = max(0, RANK[wanted] - RANK[level])
            total += gap
            below += gap > 0
        points.append(GapPoint(day, assessed, total, below))
    return points
