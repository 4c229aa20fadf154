"""Working calendars: weekdays, hours, public holidays, dated exceptions, elapsed time."""

from dataclasses import FrozenInstanceError
from datetime import date, datetime, time

import numpy as np
import pytest

from pmo.engine.calendar import CalendarError, WorkCalendar

STANDARD = WorkCalendar(first_year=2024, last_year=2026)


def test_weekends_are_skipped_and_offsets_round_trip():
    friday, monday = date(2024, 7, 12), date(2024, 7, 15)
    assert STANDARD.offset(monday) - STANDARD.offset(friday) == 1
    assert STANDARD.offset(date(2024, 7, 13)) == STANDARD.offset(monday)  # Saturday -> next working start
    assert STANDARD.offset(date(2024, 7, 13), finish=True) == STANDARD.offset(monday)  # = end of Friday
    w = STANDARD.offset(friday)
    assert STANDARD.date_of(w) == friday
    assert (
        STANDARD.date_of(w + 1, finish=True) == friday
    )  # a whole offset read as a finish ends the day before
    assert STANDARD.date_of(w + 1) == monday


def test_working_days_between_matches_numpy_busday_count():
    us = WorkCalendar(country="US", first_year=2024, last_year=2025)
    holidays = [
        d for d in np.arange("2024-01-01", "2026-01-01", dtype="datetime64[D]") if not us.is_working(d.item())
    ]
    expected = np.busday_count("2024-01-01", "2025-12-31", holidays=holidays, weekmask="1111111")
    assert us.working_days_between(date(2024, 1, 1), date(2025, 12, 31)) == expected
    assert us.working_days_between(date(2024, 7, 1), date(2024, 7, 8)) == 4  # July 4th is a holiday


def test_public_holidays_by_country_and_subdivision():
    epiphany = date(2025, 1, 6)  # a Monday; a holiday in Bavaria, not in Berlin
    assert not WorkCalendar(country="DE", subdivision="BY", first_year=2025, last_year=2025).is_working(
        epiphany
    )
    assert WorkCalendar(country="DE", subdivision="BE", first_year=2025, last_year=2025).is_working(epiphany)
    assert not WorkCalendar(country="US", first_year=2024, last_year=2024).is_working(date(2024, 7, 4))


def test_dated_exceptions_override_weekmask_and_holidays():
    cal = WorkCalendar(
        country="US",
        non_working_days=frozenset({date(2024, 7, 10)}),
        working_days=frozenset({date(2024, 7, 13), date(2024, 7, 4)}),
        first_year=2024,
        last_year=2024,
    )
    assert not cal.is_working(date(2024, 7, 10))
    assert cal.is_working(date(2024, 7, 13))  # an extra working Saturday
    assert cal.is_working(date(2024, 7, 4))  # worked despite the holiday
    assert cal.working_days_between(date(2024, 7, 8), date(2024, 7, 15)) == 5


def test_vectorised_conversions_agree_with_scalar_ones():
    days = np.arange("2024-03-01", "2024-04-01", dtype="datetime64[D]")
    offsets = STANDARD.offsets(days)
    assert offsets.tolist() == [STANDARD.offset(d.item()) for d in days]
    starts = STANDARD.dates(offsets)
    assert all(STANDARD.is_working(d.item()) for d in starts)
    assert STANDARD.dates(offsets + 0.5).tolist() == starts.tolist()


def test_fractional_offsets_map_onto_working_times_around_lunch():
    w = STANDARD.offset(date(2024, 7, 9))
    assert STANDARD.hours_per_day == 8
    assert STANDARD.datetime_of(w) == datetime(2024, 7, 9, 8)
    assert STANDARD.datetime_of(w + 0.5) == datetime(2024, 7, 9, 13)  # a start resumes after lunch
    assert STANDARD.datetime_of(w + 0.5, finish=True) == datetime(2024, 7, 9, 12)  # a finish stops before it
    assert STANDARD.datetime_of(w + 1, finish=True) == datetime(2024, 7, 9, 17)
    assert STANDARD.offset(datetime(2024, 7, 9, 14)) == w + 5 / 8
    assert STANDARD.offset(datetime(2024, 7, 9, 12, 30)) == w + 0.5


def test_elapsed_days_run_through_weekends_and_snap_to_working_time():
    friday = STANDARD.offset(date(2024, 7, 12))
    end_of_friday = friday + 1
    # Friday 17:00 + 1 or 2 calendar days lands on the weekend: the next working instant is Monday 08:00
    assert STANDARD.add_elapsed([end_of_friday], [1], finish=True)[0] == end_of_friday
    assert STANDARD.add_elapsed([end_of_friday], [2], finish=True)[0] == end_of_friday
    assert STANDARD.add_elapsed([end_of_friday], [3], finish=True)[0] == end_of_friday + 1  # Monday 17:00
    monday = STANDARD.offset(date(2024, 7, 8))
    assert STANDARD.add_elapsed([monday], [7])[0] == monday + 5  # a week later, 08:00
    assert STANDARD.add_elapsed([monday], [1 / 24])[0] == monday + 1 / 8  # one clock hour at 08:00
    assert STANDARD.add_elapsed([monday + 5], [-7], finish=True)[0] == monday


def test_twenty_four_hour_calendar():
    cal = WorkCalendar(
        weekmask="1111111", working_times=((time(0), time(0)),), first_year=2024, last_year=2024
    )
    assert cal.hours_per_day == 24
    w = cal.offset(datetime(2024, 5, 1, 6))
    assert w == cal.offset(date(2024, 5, 1)) + 0.25
    assert cal.add_elapsed([w], [1.5])[0] == w + 1.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekmask": "11111"}, "weekmask"),
        ({"weekmask": "0000000"}, "no working day"),
        ({"working_times": ((time(8), time(12)), (time(11), time(17)))}, "ordered"),
        ({"working_times": ()}, "at least one"),
        ({"first_year": 2025, "last_year": 2024}, "after last_year"),
        ({"country": "XX"}, "unknown holiday country"),
        (
            {
                "working_days": frozenset({date(2024, 1, 1)}),
                "non_working_days": frozenset({date(2024, 1, 1)}),
            },
            "both",
        ),
        (
            {
                "working_days": frozenset({(date(2024, 3, 1), date(2024, 3, 9))}),
                "non_working_days": frozenset({(date(2024, 3, 9), date(2024, 3, 20))}),
            },
            "both working and non-working: from 2024-03-09",
        ),
        ({"non_working_days": frozenset({(date(2024, 3, 9), date(2024, 3, 1))})}, "ends before it starts"),
    ],
)
def test_invalid_calendars_are_rejected(kwargs, message):
    with pytest.raises(CalendarError, match=message):
        WorkCalendar(**{"first_year": 2024, "last_year": 2024, **kwargs})


def test_exception_ranges_apply_as_ranges_and_clip_to_the_calendar():
    """A range is one entry however long: 0001..9999 costs what a single day does."""
    cal = WorkCalendar(
        non_working_days=frozenset({(date(2024, 7, 8), date(2024, 7, 12)), date(2024, 7, 15)}),
        working_days=frozenset({(date(1, 1, 1), date(2024, 1, 7))}),  # reaches back past the range
        first_year=2024,
        last_year=2024,
    )
    assert cal.working_days_between(date(2024, 7, 8), date(2024, 7, 15)) == 0
    assert not cal.is_working(date(2024, 7, 15)) and cal.is_working(date(2024, 7, 16))
    assert cal.is_working(date(2024, 1, 6)) and not cal.is_working(date(2024, 1, 13))  # Saturdays
    forever = WorkCalendar(working_days=frozenset({(date(1, 1, 1), date(9999, 12, 31))}), first_year=2024,
                           last_year=2024)
    assert forever.working_days_between(date(2024, 1, 1), date(2024, 12, 31)) == 365
    same = WorkCalendar(non_working_days=frozenset({date(2024, 7, 8), (date(2024, 7, 9), date(2024, 7, 9))}),
                        first_year=2024, last_year=2024)
    assert same.working_days_between(date(2024, 7, 8), date(2024, 7, 10)) == 0


def test_out_of_range_and_immutability():
    with pytest.raises(CalendarError, match="outside the calendar range"):
        STANDARD.offset(date(2030, 1, 1))
    with pytest.raises(CalendarError, match="outside the calendar range"):
        STANDARD.dates([1e6])
    with pytest.raises(FrozenInstanceError):
        STANDARD.weekmask = "1111111"
    assert WorkCalendar(first_year=2024, last_year=2026) == STANDARD
    assert hash(WorkCalendar(first_year=2024, last_year=2026)) == hash(STANDARD)
