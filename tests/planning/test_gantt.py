"""Gantt axis: from the first bar (or today just before a plan starts) to the last bar, every tick label
inside the drawing, and the chart opening at today or at the first bar."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from pmo.planning import gantt
from pmo.planning.models import Task

from ..conftest import client_for


def _task(pk, start, finish, milestone=False):
    return SimpleNamespace(pk=pk, start=start, finish=finish, is_summary=False, is_milestone=milestone,
                           is_critical=False, name=f"T{pk}", wbs=str(pk), order=pk, parent_id=None,
                           percent_complete=0)


def _data_platform() -> list:
    """A first project of 30 rows that starts late: 29 two-week tasks from 7 Sep 2026, then a milestone."""
    rows = [_task(k, date(2026, 9, 7) + timedelta(weeks=2 * k), date(2026, 9, 18) + timedelta(weeks=2 * k))
            for k in range(29)]
    return [*rows, _task(99, date(2027, 12, 7), date(2027, 12, 7), milestone=True)]


PROJECTS = [
    # the first screen of rows starts late: opening at the axis start would show it an empty stretch
    (SimpleNamespace(code="DX-DATA", name="Data"), _data_platform()),
    (SimpleNamespace(code="DX-IAM", name="IAM"), [_task(200, date(2026, 3, 16), date(2026, 6, 30))]),
]


def _build(today, zoom="week"):
    return gantt.build(PROJECTS, [], {}, zoom=zoom, today=today)


@pytest.mark.parametrize("zoom", list(gantt.ZOOMS))
def test_axis_runs_from_the_first_bar_to_the_last_with_every_label_inside(zoom):
    chart = _build(date(2026, 11, 30), zoom)
    scale = gantt.ZOOMS[zoom]
    assert date(2026, 3, 16) - timedelta(days=38) <= chart.start <= date(2026, 3, 16)
    assert chart.finish == date(2027, 12, 7)
    end_of_last_bar = gantt.LABEL + ((chart.finish - chart.start).days + 1) * scale
    assert end_of_last_bar + 20 <= chart.width  # room for the milestone's date label
    last_tick = chart.ticks[-1]
    assert chart.width <= max(end_of_last_bar + 60, last_tick.x + gantt.label_width(last_tick.label) + 2)
    assert all(t.x + gantt.label_width(t.label) <= chart.width for t in chart.ticks)


def test_opens_at_today_when_the_first_rows_start_soon_after():
    chart = _build(date(2026, 8, 24))  # DX-DATA, the first rows, starts two weeks later
    assert chart.today_x is not None
    assert chart.scroll_x == int(chart.today_x - gantt.LABEL - gantt.SCROLL_MARGIN) > 0


def test_opens_at_the_first_bar_of_the_first_rows_when_today_is_elsewhere():
    """Today after the first rows' start, or long before it: the first screen opens on their bars."""
    for today in (date(2026, 11, 30), date(2026, 3, 30)):
        chart = _build(today)
        assert _opens_at_first_rows(chart) and chart.scroll_x > 0  # DX-DATA's span starts the first rows


def _opens_at_first_rows(chart) -> bool:
    return chart.scroll_x == int(chart.rows[0].x - gantt.LABEL - gantt.SCROLL_MARGIN)


def test_today_just_before_the_first_bar_is_on_the_axis():
    chart = _build(date(2026, 2, 23))  # three weeks before the first bar (DX-IAM)
    assert chart.start <= date(2026, 2, 23) and chart.today_x is not None and _opens_at_first_rows(chart)


def test_a_plan_far_ahead_has_no_long_lead_in():
    chart = _build(date(2024, 1, 1))
    assert chart.start == date(2026, 3, 9) and chart.today_x is None and _opens_at_first_rows(chart)


def test_after_the_last_bar_the_axis_still_ends_there():
    chart = _build(date(2028, 6, 1))
    assert chart.finish == date(2027, 12, 7) and chart.today_x is None and _opens_at_first_rows(chart)


def test_the_program_gantt_page_carries_the_scroll_position_and_its_script(world):
    Task.objects.create(project=world.project_a1, name="A", duration=2, order=1, start=date(2026, 1, 12),
                        finish=date(2026, 1, 13))
    body = client_for(world, "director").get(f"/programs/{world.program_a.pk}/plan/").content.decode()
    assert 'data-scroll-x="' in body and "planning/planning.js" in body
