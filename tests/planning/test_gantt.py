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


PROJECTS = [
    # the first project starts late: opening at the axis start would show it an empty stretch
    (SimpleNamespace(code="DX-DATA", name="Data"), [_task(1, date(2026, 9, 7), date(2027, 12, 7), milestone=True)]),
    (SimpleNamespace(code="DX-IAM", name="IAM"), [_task(2, date(2026, 3, 16), date(2026, 6, 30))]),
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


def test_opens_at_today_while_the_program_runs():
    chart = _build(date(2026, 11, 30))
    assert chart.today_x is not None
    assert chart.scroll_x == int(chart.today_x - gantt.LABEL - gantt.SCROLL_MARGIN) > 0


def test_today_just_before_the_start_is_on_the_axis_and_the_chart_opens_there():
    chart = _build(date(2026, 2, 23))  # three weeks before the first bar
    assert chart.start <= date(2026, 2, 23) and chart.today_x is not None
    assert chart.scroll_x == 0


def test_a_plan_far_ahead_opens_at_its_first_bar_without_a_long_lead_in():
    chart = _build(date(2024, 1, 1))
    assert chart.start == date(2026, 3, 9) and chart.today_x is None and chart.scroll_x == 0


def test_after_the_last_bar_the_axis_still_ends_there_and_opens_at_the_first_bar():
    chart = _build(date(2028, 6, 1))
    assert chart.finish == date(2027, 12, 7) and chart.today_x is None and chart.scroll_x == 0


def test_the_program_gantt_page_carries_the_scroll_position_and_its_script(world):
    Task.objects.create(project=world.project_a1, name="A", duration=2, order=1, start=date(2026, 1, 12),
                        finish=date(2026, 1, 13))
    body = client_for(world, "director").get(f"/programs/{world.program_a.pk}/plan/").content.decode()
    assert 'data-scroll-x="' in body and "planning/planning.js" in body
