"""Capacity and load per day (numpy, pmo.engine.capacity) against an independent day-by-day count with the
``holidays`` package; the heat map's sums and flags; the query count of every capacity page."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import holidays
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.engine.capacity import AssignmentRow, ResourceRow, bucket_starts, by_bucket, grid
from pmo.planning.models import Task
from pmo.resources import selectors
from pmo.resources.models import Assignment, Leave, Resource

from ..conftest import client_for


def _oracle(resources, assignments, first, last):
    """Per resource and day: (capacity hours, load hours), counted one day at a time."""
    def works(r, day):
        if r.weekmask[day.weekday()] != "1":
            return False
        if r.country and day in holidays.country_holidays(r.country, subdiv=r.subdivision or None, years=day.year):
            return False
        return not any(s <= day <= f for s, f in r.leave)

    out = {}
    for r in resources:
        days = {}
        day = first
        while day <= last:
            days[day] = [r.max_units * r.hours_per_day if works(r, day) else 0.0, 0.0]
            day += timedelta(days=1)
        for a in assignments:
            if a.resource_id != r.id:
                continue
            span = [a.start + timedelta(days=k) for k in range((a.finish - a.start).days + 1)]
            working = [d for d in span if works(r, d)]
            per_day = (a.work / len(working) if working else 0.0) if a.effort_driven else a.units * r.hours_per_day
            for d in working:
                if d in days:
                    days[d][1] += per_day
        out[r.id] = days
    return out


def test_a_known_fortnight():
    """Anja in Germany over Christmas 2026: 25 Dec and 1 Jan are holidays, 28-30 Dec she is away."""
    anja = ResourceRow(1, 1.0, 8.0, country="DE", leave=((date(2026, 12, 28), date(2026, 12, 30)),))
    g = grid([anja], [AssignmentRow(1, 1, date(2026, 12, 21), date(2027, 1, 1), 0.5, 24.0, True)],
             date(2026, 12, 21), date(2027, 1, 3))
    # working days: 21-24 Dec and 31 Dec = 5 days (25 Dec, 1 Jan holidays; 28-30 Dec leave; weekends)
    assert g.capacity.sum() == pytest.approx(40.0)
    assert g.load.sum() == pytest.approx(24.0)  # effort-driven: 24 h over those 5 days
    assert g.load[0, 0] == pytest.approx(24 / 5)
    assert not g.over.any()
    fixed = grid([anja], [AssignmentRow(1, 1, date(2026, 12, 21), date(2027, 1, 1), 1.5, 0.0, False)],
                 date(2026, 12, 21), date(2027, 1, 3))
    assert fixed.over.sum() == 5  # 150 % on each of the five working days


@pytest.mark.parametrize("seed", range(6))
def test_grid_matches_a_day_by_day_count(seed):
    rng = random.Random(seed)
    first, last = date(2026, 11, 2), date(2027, 3, 28)
    resources = []
    for k in range(6):
        leave = []
        start = first + timedelta(days=rng.randrange(0, 120))
        for _ in range(rng.randrange(0, 3)):
            leave.append((start, start + timedelta(days=rng.randrange(0, 12))))
            start = leave[-1][1] + timedelta(days=rng.randrange(2, 30))
        resources.append(ResourceRow(k + 1, rng.choice([0.5, 0.8, 1.0, 2.0]), rng.choice([7.5, 8.0]),
                                     weekmask=rng.choice(["1111100", "1111000", "0111110"]),
                                     country=rng.choice(["", "DE", "FR", "GB"]), leave=tuple(leave)))
    assignments = []
    for a in range(40):
        start = date(2026, 9, 1) + timedelta(days=rng.randrange(0, 300))
        finish = start + timedelta(days=rng.randrange(0, 60))
        assignments.append(AssignmentRow(a + 1, rng.randrange(1, 7), start, finish, rng.choice([0.25, 0.5, 1.0]),
                                         float(rng.randrange(8, 400)), rng.random() < 0.5))
    g = grid(resources, assignments, first, last)
    expected = _oracle(resources, assignments, first, last)
    for k, r in enumerate(resources):
        days = expected[r.id]
        cap = [days[first + timedelta(days=d)][0] for d in range(g.days)]
        load = [days[first + timedelta(days=d)][1] for d in range(g.days)]
        assert g.capacity[k].tolist() == pytest.approx(cap)
        assert g.load[k].tolist() == pytest.approx(load)
    buckets = bucket_starts(first, last, "month")
    assert by_bucket(g.load, first, buckets).sum() == pytest.approx(g.load.sum())


def _pool(world):
    director = world.users["director"]
    people = [Resource.objects.create(name=f"Person {k}", holiday_country="DE") for k in range(12)]
    Leave.objects.bulk_create([Leave(resource=p, start=date(2026, 12, 21), finish=date(2026, 12, 31))
                               for p in people[:4]])
    task = Task.objects.create(project=world.project_a1, name="Build", duration=20, start=date(2026, 12, 1),
                               finish=date(2026, 12, 28))
    # 1-28 Dec has 19 working days in Germany (25 Dec off): 152 h fill them exactly at 8 h a day
    Assignment.objects.bulk_create([Assignment(task=task, resource=p, units=1, work=152) for p in people])
    return director, people, task


def test_heat_map_sums_and_flags(world):
    director, people, _task = _pool(world)
    result = selectors.capacity(director, first=date(2026, 12, 1), last=date(2027, 1, 31))
    row = result.rows[result.rows_by_resource[people[0].pk]]
    # December 2026 in Germany: 23 weekdays, 25 Dec a holiday (26 Dec is a Saturday): 22 working days; leave
    # 21-31 Dec takes 21-24 and 28-31 Dec (8 of them): 14 days x 8 h
    assert row.capacity[0] == pytest.approx(112.0)
    assert row.load[0] == pytest.approx(152.0)  # effort-driven: the 152 h squeeze into the 14 days at work
    assert row.over_days[0] > 0 and row.cells[0]["level"] == "over"
    fine = result.rows[result.rows_by_resource[people[5].pk]]
    assert fine.over_days.sum() == 0


def test_capacity_costs_the_same_queries_for_3_or_30_people(world, django_assert_max_num_queries):
    director, _people, _task = _pool(world)
    client = client_for(world, "director")
    for url in ("/resources/capacity/?from=2026-12-01", "/resources/capacity/?group=team&from=2026-12-01",
                "/resources/capacity/?group=skill&grain=week", "/resources/demand/", "/resources/",
                f"/resources/projects/{world.project_a1.pk}/", "/api/v1/capacity"):
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        more = [Resource.objects.create(name=f"Extra {url} {k}", max_units=Decimal(1)) for k in range(20)]
        Assignment.objects.bulk_create([Assignment(task=_task, resource=r, units=1, work=160) for r in more])
        with CaptureQueriesContext(connection) as big:
            assert client.get(url).status_code == 200
        assert len(big) == len(small), (url, [q["sql"] for q in big.captured_queries][:40])
