"""Data migrations of the planning app, run forward and back on a real schema."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("planning", "0004_interface_acknowledgement")]
AFTER = [("planning", "0005_calendar_exception_ranges")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_one_row_per_date_becomes_one_row_per_range_and_back():
    """Consecutive dates of the same kind and name merge; the bomb's rows shrink to one range cut to 1900..2200."""
    try:
        apps = migrate(BEFORE)
        calendar = apps.get_model("planning", "Calendar").objects.create(name="Site")
        other = apps.get_model("planning", "Calendar").objects.create(name="Other")
        rows = apps.get_model("planning", "CalendarException")
        days = [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3), date(2026, 1, 5)]
        rows.objects.bulk_create([rows(calendar=calendar, date=d, name="Shutdown") for d in days])
        rows.objects.create(calendar=calendar, date=date(2026, 1, 6), name="Other name")
        rows.objects.create(calendar=calendar, date=date(2026, 1, 7), name="Other name", working=True)
        bomb = [date(1899, 12, 25) + timedelta(days=k) for k in range(20)] + [date(2201, 1, 1)]
        rows.objects.bulk_create([rows(calendar=other, date=d, working=True) for d in bomb])

        apps = migrate(AFTER)
        ranges = apps.get_model("planning", "CalendarException").objects.order_by("calendar_id", "start")
        assert [(r.calendar_id, r.start, r.finish, r.working, r.name) for r in ranges] == [
            (calendar.pk, date(2026, 1, 1), date(2026, 1, 3), False, "Shutdown"),
            (calendar.pk, date(2026, 1, 5), date(2026, 1, 5), False, "Shutdown"),
            (calendar.pk, date(2026, 1, 6), date(2026, 1, 6), False, "Other name"),
            (calendar.pk, date(2026, 1, 7), date(2026, 1, 7), True, "Other name"),
            (other.pk, date(1900, 1, 1), date(1900, 1, 13), True, ""),
        ]

        apps = migrate(BEFORE)
        back = apps.get_model("planning", "CalendarException").objects.filter(calendar_id=calendar.pk)
        assert sorted(back.values_list("date", flat=True)) == [*days, date(2026, 1, 6), date(2026, 1, 7)]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
