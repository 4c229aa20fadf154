"""Resource over-allocation in the impact analysis, worked out by hand on tests/change/plans.py (Monday-Friday,
8 h days): one person at 100 % on two tasks is loaded 80 h against 40 h (200 %) in a week where both run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pmo.change import edits as E
from pmo.change import impact, services
from pmo.change.models import ChangeRequest
from pmo.planning.models import Task
from pmo.resources.models import Assignment, Resource

from .plans import make_plan


def _analyse(world, raw):
    checked = E.check(world.users["director"], world.program_a, E.parse(raw))
    return impact.analyse(world.program_a, checked)["resources"]


def _assign(person, *tasks):
    for task in tasks:
        Assignment.objects.create(task=task, resource=person, units=Decimal(1), work=8 * task.duration,
                                  effort_driven=False)


def test_moving_a_task_onto_the_other_makes_the_person_200_percent_in_the_overlapping_week(world):
    """Design 12-16 Jan, Build 19-30 Jan: no overlap. Without the Design -> Build link Build runs 12-23 Jan, so
    the week of 12 Jan carries 5 d x 8 h on each task: 80 h of 40 h; the week of 19 Jan only Build (40 h)."""
    plan = make_plan(world)
    anja = Resource.objects.create(name="Anja Keller")
    _assign(anja, plan["DES"], plan["BLD"])
    res = _analyse(world, [{"op": "link_remove", "predecessor": plan["DES"].pk, "successor": plan["BLD"].pk}])
    assert (res["people"], res["over_weeks_before"], res["over_weeks_after"]) == (1, 0, 1)
    assert (res["newly"], res["relieved"]) == (1, 0)
    [row] = res["rows"]
    assert (row["name"], row["status"], row["weeks_before"], row["weeks_after"]) == (
        "Anja Keller", "newly over-allocated", 0, 1)
    peak = row["peak_after"]
    assert (peak["week"], peak["load"], peak["capacity"], peak["pct"]) == ("2026-01-12", 80.0, 40.0, 200)
    assert sorted(label.split(" ", 1)[1] for label in peak["tasks"]) == ["Build", "Design"]
    assert row["peak_before"] is None


def test_separating_the_tasks_relieves_the_person(world):
    """Migration 12-23 Jan and Build 19-30 Jan overlap in the week of 19 Jan (200 %); Build -> Migration moves
    Migration to 2-13 Feb and nobody is over-allocated after."""
    plan = make_plan(world)
    anja = Resource.objects.create(name="Anja Keller")
    _assign(anja, plan["MIG"], plan["BLD"])
    res = _analyse(world, [{"op": "link_add", "predecessor": plan["BLD"].pk, "successor": plan["MIG"].pk}])
    assert (res["over_weeks_before"], res["over_weeks_after"], res["newly"], res["relieved"]) == (1, 0, 0, 1)
    [row] = res["rows"]
    assert row["status"] == "relieved" and row["peak_after"] is None
    assert (row["peak_before"]["week"], row["peak_before"]["pct"]) == ("2026-01-19", 200)


def test_work_on_other_programs_counts_and_roles_are_not_people(world):
    """Anja also works half-time on a Program B task dated 12-16 Jan: Design (40 h) + 20 h = 60 h of 40 h (150 %)
    before and after a change that leaves Design where it is (counted, not listed); shortened to 3 days, Design
    leaves 24 h + 20 h = 44 h (110 %). The Program B task is not named. A generic role on
    the same tasks is demand, not a person, and is left out."""
    plan = make_plan(world)
    anja = Resource.objects.create(name="Anja Keller")
    role = Resource.objects.create(name="Java developer", kind="role")
    _assign(role, plan["DES"], plan["BLD"])
    _assign(anja, plan["DES"])
    elsewhere = Task.objects.create(project=world.project_b1, name="Secret work", order=1, duration=5,
                                    start=date(2026, 1, 12), finish=date(2026, 1, 16))
    Assignment.objects.create(task=elsewhere, resource=anja, units=Decimal("0.5"), work=20, effort_driven=False)
    res = _analyse(world, [{"op": "task_update", "task": plan["BLD"].pk, "duration": 12}])
    assert (res["people"], res["over_weeks_before"], res["over_weeks_after"], res["still"]) == (1, 1, 1, 1)
    assert (res["unchanged"], res["rows"]) == (1, [])  # over-allocated alike before and after: counted only
    res = _analyse(world, [{"op": "task_update", "task": plan["DES"].pk, "duration": 3}])  # 3 d x 8 h + 20 h
    [row] = res["rows"]
    before, after = row["peak_before"], row["peak_after"]
    assert (row["status"], before["load"], before["pct"], after["load"], after["pct"]) == (
        "still over-allocated", 60.0, 150, 44.0, 110)
    assert after["other_work"] and [label.split(" ", 1)[1] for label in after["tasks"]] == ["Design"]


def test_no_assignments_no_rows(world):
    plan = make_plan(world)
    res = _analyse(world, [{"op": "task_update", "task": plan["BLD"].pk, "duration": 12}])
    assert res == {"people": 0, "over_weeks_before": 0, "over_weeks_after": 0, "newly": 0, "relieved": 0,
                   "still": 0, "unchanged": 0, "rows": []}


def test_the_request_page_shows_them_side_by_side_in_words(world, client):
    plan = make_plan(world)
    anja = Resource.objects.create(name="Anja Keller")
    _assign(anja, plan["DES"], plan["BLD"])
    pm = world.users["program_manager"]
    request = services.change_request_create(
        actor=pm, program=world.program_a, title="Parallel build",
        edits=[{"op": "link_remove", "predecessor": plan["DES"].pk, "successor": plan["BLD"].pk}])
    services.change_request_submit(actor=pm, change_request=request)
    services.change_request_assess(actor=pm, change_request=ChangeRequest.objects.get(pk=request.pk))
    client.force_login(pm)
    page = client.get(request.get_absolute_url()).content.decode()
    table = page[page.index('data-testid="impact-resources"'):]
    table = table[:table.index("</p>")]
    assert "Anja Keller" in table and "newly over-allocated" in table and "200 %" in table
    assert "80 h of 40 h" in table and "2026-01-12" in table and "newly over-allocated: 1; relieved: 0" in table
