"""Impact analysis oracles worked out by hand (tests/change/plans.py), the sandbox writes nothing, and bad
edits are 422s naming the edit and field with nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from pmo.change import edits as E
from pmo.change import impact, services
from pmo.change.models import Assessment, ChangeRequest
from pmo.core.models import AuditEvent
from pmo.planning.models import Baseline, BaselineTask, Dependency, Task

from .plans import make_plan


def _analyse(world, raw, actor="director"):
    program = world.program_a
    checked = E.check(world.users[actor], program, E.parse(raw))
    return impact.analyse(program, checked)


def _milestone(results, code):
    return next(m for m in results["milestones"] if f"/{code} " in m["label"])


def test_the_hand_plan_is_what_the_scheduler_says(world):
    plan = make_plan(world)
    assert plan["GO"].finish == date(2026, 1, 30) and plan["CUT"].finish == date(2026, 1, 23)
    assert plan["TRN"].total_float == 3 and plan["BLD"].is_critical


def test_a_critical_task_lengthened_by_5_moves_the_finish_by_5(world):
    plan = make_plan(world)
    results = _analyse(world, [{"op": "task_update", "task": plan["BLD"].pk, "duration": 15}])
    golive = _milestone(results, "GO")
    assert (golive["before"], golive["after"], golive["working_days"]) == ("2026-01-30", "2026-02-06", 5)
    assert results["program"]["working_days"] == 5 and results["worst_slip_working_days"] == 5
    a1 = next(p for p in results["projects"] if p["code"] == "PA-1")
    assert a1["working_days"] == 5
    assert _milestone(results, "CUT")["working_days"] == 0


def test_a_task_with_3_days_float_lengthened_by_2_moves_nothing(world):
    plan = make_plan(world)
    results = _analyse(world, [{"op": "task_update", "task": plan["TRN"].pk, "duration": 9}])
    assert all(m["working_days"] == 0 for m in results["milestones"])
    assert results["program"]["working_days"] == 0 and results["worst_slip_working_days"] == 0
    assert results["critical"]["joining"] == [] and results["critical"]["leaving"] == []


def test_lengthened_by_4_it_joins_the_critical_path_and_moves_the_finish_by_1(world):
    plan = make_plan(world)
    results = _analyse(world, [{"op": "task_update", "task": plan["TRN"].pk, "duration": 11}])
    assert _milestone(results, "GO")["working_days"] == 1
    assert [row["id"] for row in results["critical"]["joining"]] == [plan["TRN"].pk]
    assert [row["id"] for row in results["critical"]["leaving"]] == [plan["BLD"].pk]


def test_a_new_fs_link_across_projects_moves_the_downstream_milestone(world):
    """Build finishes Fri 30 Jan; Migration (10 d) then runs 2-13 Feb: Cut-over moves from 23 Jan to 13 Feb,
    15 working days (21 calendar days) later."""
    plan = make_plan(world)
    results = _analyse(world, [{"op": "link_add", "predecessor": plan["BLD"].pk, "successor": plan["MIG"].pk}])
    cutover = _milestone(results, "CUT")
    assert (cutover["after"], cutover["working_days"], cutover["days"]) == ("2026-02-13", 15, 21)
    assert _milestone(results, "GO")["working_days"] == 0


def test_added_tasks_and_links_by_key(world):
    plan = make_plan(world)
    results = _analyse(world, [
        {"op": "task_add", "key": "UAT", "project": world.project_a1.pk, "name": "User acceptance", "duration": 3},
        {"op": "link_remove", "predecessor": plan["BLD"].pk, "successor": plan["GO"].pk},
        {"op": "link_add", "predecessor": plan["BLD"].pk, "successor": "UAT"},
        {"op": "link_add", "predecessor": "UAT", "successor": plan["GO"].pk},
    ])
    assert _milestone(results, "GO")["after"] == "2026-02-04"
    assert any(row["label"].endswith("User acceptance") for row in results["critical"]["joining"])


def _dump():
    """Every column of every row of the plan tables."""
    return [list(model.objects.order_by("pk").values_list()) for model in (Task, Dependency, Baseline, BaselineTask)]


def test_assessment_changes_nothing_of_the_plan_of_record(world):
    plan = make_plan(world)
    request = services.change_request_create(
        actor=world.users["program_manager"], program=world.program_a, title="Longer build",
        edits=[{"op": "task_update", "task": plan["BLD"].pk, "duration": 15},
               {"op": "link_add", "predecessor": plan["BLD"].pk, "successor": plan["MIG"].pk}])
    services.change_request_submit(actor=world.users["program_manager"], change_request=request)
    before = _dump()
    assessment = services.change_request_assess(actor=world.users["program_manager"],
                                                change_request=ChangeRequest.objects.get(pk=request.pk))
    assert _dump() == before
    # Build 19 Jan-6 Feb, then Migration 9-20 Feb: the program ends 20 Feb (15 working days after 30 Jan), Cut-over
    # slips 20 working days (23 Jan -> 20 Feb)
    assert assessment.results["program"]["working_days"] == 15
    assert assessment.schedule_delta_days == 20 and assessment.beyond_tolerance  # beyond the program's 10
    assert ChangeRequest.objects.get(pk=request.pk).route == "steering"


@pytest.mark.parametrize(("edit", "key"), [
    ({"op": "task_update", "task": "x"}, "edits[0].task"),
    ({"op": "task_update", "task": 1, "duration": -1}, "edits[0].duration"),
    ({"op": "task_move"}, "edits[0]"),
    ({"op": "link_add", "predecessor": 1, "successor": 2, "type": "XX"}, "edits[0].type"),
    ({"op": "budget_line", "line": 1}, "edits[0].amount"),
])
def test_bad_shapes_name_the_edit_and_field(edit, key):
    with pytest.raises(ValidationError) as error:
        E.parse([edit])
    assert key in error.value.error_dict, error.value.error_dict


def _refused(world, raw, key, actor="program_manager"):
    counts = (ChangeRequest.objects.count(), Assessment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        services.change_request_create(actor=world.users[actor], program=world.program_a, title="T", edits=raw)
    assert key in error.value.error_dict, error.value.error_dict
    assert (ChangeRequest.objects.count(), Assessment.objects.count(), AuditEvent.objects.count()) == counts


def test_a_task_outside_the_users_scope_is_refused_naming_the_edit(world):
    plan = make_plan(world)
    other = Task.objects.create(project=world.project_b1, name="Elsewhere", duration=1)
    _refused(world, [{"op": "task_update", "task": plan["BLD"].pk, "duration": 6},
                     {"op": "task_update", "task": other.pk, "duration": 2}], "edits[1].task")
    # the Project Manager of A1 may not change A2's plan
    _refused(world, [{"op": "task_update", "task": plan["MIG"].pk, "duration": 2}], "edits[0].task",
             actor="project_manager")


def test_a_cycle_is_refused_naming_the_edit(world):
    plan = make_plan(world)
    _refused(world, [{"op": "task_update", "task": plan["BLD"].pk, "duration": 6},
                     {"op": "link_add", "predecessor": plan["GO"].pk, "successor": plan["DES"].pk}],
             "edits[1].predecessor")
    _refused(world, [{"op": "task_add", "key": "N", "project": world.project_a1.pk, "name": "N", "duration": 1},
                     {"op": "link_add", "predecessor": plan["GO"].pk, "successor": "N"},
                     {"op": "link_add", "predecessor": "N", "successor": plan["DES"].pk}], "edits[2].predecessor")
