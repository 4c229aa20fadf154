"""RAID visibility and rights per role (the role matrix covers the routes; this covers the policies)."""

from __future__ import annotations

import pytest

from pmo.raid.models import Risk
from pmo.raid.policies import escalation_policy, risk_policy, run_policy

from .matrix import make_items

#: role -> (sees own project item, sees program-level item, sees other program's item, edits own project item)
EXPECTED = {
    "director": (True, True, True, True),
    "analyst": (True, True, True, False),
    "coordinator": (True, True, False, False),
    "program_manager": (True, True, False, True),
    "steering": (True, True, False, False),
    "project_manager": (True, False, False, True),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_visibility_and_edit(world, role):
    own = make_items(world.project_a1)["risk"]
    other = make_items(world.project_b1, title="Other program risk")["risk"]
    program_level = Risk.objects.create(program=world.program_a, title="Program-level", escalation_level="program")
    user = world.users[role]
    visible = set(risk_policy.visible(user).values_list("pk", flat=True))
    sees_own, sees_program, sees_other, edits_own = EXPECTED[role]
    assert (own.pk in visible, program_level.pk in visible, other.pk in visible) == (sees_own, sees_program, sees_other)
    assert risk_policy.can(user, "change", own) is edits_own
    assert risk_policy.can(user, "view", own) is sees_own
    assert risk_policy.can(user, "change", program_level) is (role in {"director", "program_manager"})


@pytest.mark.parametrize(("role", "decides"), [("director", True), ("steering", True), ("program_manager", False),
                                               ("project_manager", False), ("analyst", False)])
def test_steering_decides_steering_escalations(world, role, decides):
    escalation = make_items(world.project_a1)["escalation"]
    assert escalation_policy.can(world.users[role], "decide", escalation) is decides


def test_program_level_escalation_decided_by_program_manager(world):
    escalation = make_items(world.project_a1)["escalation"]
    escalation.to_level = "program"
    assert escalation_policy.can(world.users["program_manager"], "decide", escalation)
    assert not escalation_policy.can(world.users["steering"], "decide", escalation)


def test_runs(world):
    assert run_policy.can(world.users["analyst"], "start", world.program_a)
    assert run_policy.can(world.users["project_manager"], "start", world.project_a1)
    assert not run_policy.can(world.users["project_manager"], "start", world.program_a)
    assert not run_policy.can(world.users["coordinator"], "start", world.program_a)
