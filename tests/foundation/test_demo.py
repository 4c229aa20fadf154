"""The demo portfolio: enough programs, projects and one user per role; loading twice changes nothing."""

from __future__ import annotations

from pmo.accounts.scopes import scopes_of
from pmo.core import audit
from pmo.portfolio.demo import load_demo
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import project_policy


def test_demo_is_complete_and_idempotent(db):
    load_demo()
    counts = (Program.objects.count(), Project.objects.count())
    assert counts[0] >= 3 and counts[1] >= 10
    assert load_demo() == {"users": 0, "programs": 0, "projects": 0}
    assert (Program.objects.count(), Project.objects.count()) == counts
    assert audit.verify() is None


def test_demo_roles(db):
    from pmo.accounts.models import User

    load_demo()
    users = {u.username: u for u in User.objects.all()}
    assert all(users[name].check_password("pmo-demo") for name in
               ["director", "analyst", "coordinator", "program_manager", "steering", "project_manager"])
    pgm, steering = scopes_of(users["program_manager"]), scopes_of(users["steering"])
    assert len(pgm.program_roles) == 1 and pgm.program_roles.keys() == steering.program_roles.keys()
    program_id = next(iter(pgm.program_roles))
    own = project_policy.visible(users["project_manager"])
    assert own.count() == 2 and set(own.values_list("program_id", flat=True)) == {program_id}
    assert Project.objects.filter(program_id=program_id).count() > 2
