"""Bounds on what pmo accepts as input: every importer and endpoint works within them.

One place for the numbers, so that the MS Project reader, the importer, the models and the API agree.
A value past a bound is refused with a message that names the bound (and the line, task or entry),
never truncated silently; imports are atomic, so nothing is written.
"""

from __future__ import annotations

import time
from datetime import date

#: the dates pmo plans with (MS Project itself stops at 2149-12-31)
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
#: tasks in one import
MAX_TASKS = 20_000
#: predecessor links in one import
MAX_LINKS = 100_000
#: exception entries (date ranges) of one calendar, recurring exceptions counted per occurrence
MAX_CALENDAR_EXCEPTIONS = 5_000
#: exception entries of one file, all its calendars together (MS Project keeps one calendar per resource)
MAX_FILE_EXCEPTIONS = 50_000
#: a task's duration, remaining duration or a link's lag, in days (the planning models' bound)
MAX_DAYS = 100_000
#: wall-clock seconds an import may take, checked between its steps (each step is bounded by the above);
#: a 20,000-task file takes about 20 s on a busy 2-core machine. A web server's worker timeout must be
#: longer (gunicorn's default is 30 s: run it with ``--timeout 90``)
IMPORT_SECONDS = 60.0


class LimitExceeded(ValueError):
    """An input is past one of the bounds above."""


def check_date(value: date, what: str) -> None:
    """Refuse a date outside ``EARLIEST_DATE..LATEST_DATE``; ``what`` names it in the message."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise LimitExceeded(f"{what} {value.isoformat()} is outside {EARLIEST_DATE}..{LATEST_DATE}")


class Deadline:
    """An elapsed-time budget: :meth:`check` raises once ``seconds`` (default ``IMPORT_SECONDS``)
    have passed since creation."""

    def __init__(self, seconds: float | None = None):
        self.seconds = IMPORT_SECONDS if seconds is None else seconds
        self._end = time.monotonic() + self.seconds

    def check(self, step: str) -> None:
        if time.monotonic() > self._end:
            raise LimitExceeded(f"the import took longer than {self.seconds:g} s (the limit) at: {step}")
