"""Resource objects and request bodies for the role matrix in tests/test_permissions.py.

The pool is one for the portfolio (no scope): a person, a spare person (no assignments, so it can be deleted), a
generic role, a team, an organisation, a skill held at a level, leave and a cost rate. Assignments and leveling
runs follow the project: ``targets(world, scope)`` makes a task with a person's assignment, a task with demand for
the generic role, and a finished leveling proposal in project A1 (own) or B1 (other).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pmo.planning.models import Task
from pmo.resources.models import (
    Assignment,
    CostRate,
    Leave,
    LevelingRun,
    Organisation,
    Resource,
    ResourceSkill,
    Skill,
    Team,
)

POOL_KEYS = ("resource", "held", "leave", "rate", "team", "organisation", "skill", "role")
SCOPED_KEYS = ("res_task", "assignment", "demand", "levelrun")


def pool(world) -> dict:
    """Rows written directly (fixtures only; the code under test goes through the services)."""
    cache = world.__dict__.setdefault("_resources_pool", {})
    if not cache:
        organisation = Organisation.objects.create(name="Group IT")
        team = Team.objects.create(name="Identity & Security", organisation=organisation)
        skill = Skill.objects.create(name="Identity & access")
        person = Resource.objects.create(name="Anja Keller", team=team, organisation=organisation,
                                         holiday_country="DE")
        spare = Resource.objects.create(name="Tom Becker", team=team)
        role = Resource.objects.create(name="Java developer", kind="role", max_units=Decimal(3))
        held = ResourceSkill.objects.create(resource=spare, skill=skill, level=4)
        ResourceSkill.objects.create(resource=role, skill=skill, level=3)
        leave = Leave.objects.create(resource=spare, start=date(2026, 8, 3), finish=date(2026, 8, 14))
        rate = CostRate.objects.create(resource=spare, effective_from=date(2026, 1, 1), hourly_rate=Decimal("95.00"))
        cache.update({"person": person, "resource": spare, "role": role, "team": team, "organisation": organisation,
                      "skill": skill, "held": held, "leave": leave, "rate": rate})
    return cache


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_resources", {})
    if scope not in cache:
        objects = pool(world)
        project = world.own("project") if scope == "own" else world.other("project")
        task = Task.objects.create(project=project, name="Single sign-on: configuration", duration=10,
                                   start=date(2026, 3, 2), finish=date(2026, 3, 13), early_start=date(2026, 3, 2))
        other = Task.objects.create(project=project, name="Integration hub: integrations", duration=5,
                                    start=date(2026, 3, 16), finish=date(2026, 3, 20), early_start=date(2026, 3, 16))
        assignment = Assignment.objects.create(task=task, resource=objects["person"], units=1, work=80)
        demand = Assignment.objects.create(task=other, resource=objects["role"], units=1, work=40)
        run = LevelingRun.objects.create(project=project, status="done", progress=100,
                                         results={"tasks": [], "gap": 0, "status": "optimal"})
        cache[scope] = {"res_task": task, "assignment": assignment, "demand": demand, "levelrun": run}
    return cache[scope]


def ids(world, scope: str, url: str) -> dict:
    out = {}
    if any("{" + key + "}" in url for key in POOL_KEYS):
        out |= {key: obj.pk for key, obj in pool(world).items()}
    if any("{" + key + "}" in url for key in SCOPED_KEYS):
        out |= {key: obj.pk for key, obj in targets(world, scope).items()}
    return out


def is_resources(name: str) -> bool:
    return name.startswith("resources:") or name in API_NAMES


API_NAMES = {
    "api:list_resources", "api:create_resource", "api:get_resource", "api:update_resource", "api:delete_resource",
    "api:set_resource_skill", "api:list_leave", "api:create_leave", "api:delete_leave", "api:list_rates",
    "api:create_rate", "api:list_teams", "api:create_team", "api:get_team", "api:list_organisations",
    "api:create_organisation", "api:list_skills", "api:create_skill", "api:get_skill", "api:list_assignments",
    "api:create_assignment", "api:get_assignment", "api:update_assignment", "api:delete_assignment",
    "api:fill_assignment", "api:get_capacity", "api:list_leveling_runs", "api:start_leveling",
    "api:get_leveling_run", "api:accept_leveling", "api:reject_leveling",
}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH/DELETE of ``name`` sends in If-Match (None: not a resources route)."""
    if name in {"api:update_resource", "api:delete_resource"}:
        return pool(world)["resource"]
    if name == "api:delete_leave":
        return pool(world)["leave"]
    if name in {"api:update_assignment", "api:delete_assignment"}:
        return targets(world, scope)["assignment"]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the resources routes (so only permissions decide the status)."""
    objects = pool(world)
    project = world.own("project") if scope == "own" else world.other("project")
    scoped = targets(world, scope) if name in SCOPED_NAMES else {}
    if name in {"resources:resource_create", "resources:resource_edit"}:
        return {"kind": "person", "name": "Lea Wolff", "max_units": "1", "hours_per_day": "8", "weekmask": "1111100",
                "holiday_country": "DE", "active": "on", "version": objects["resource"].version}
    if name == "resources:resource_delete":
        return {"version": objects["resource"].version}
    if name == "resources:skill_set":
        return {"skill": objects["skill"].pk, "level": 5}
    if name in {"resources:skill_remove", "resources:leave_delete", "resources:rate_delete"}:
        key = {"resources:skill_remove": "held", "resources:leave_delete": "leave", "resources:rate_delete": "rate"}
        return {"version": objects[key[name]].version}
    if name == "resources:leave_create":
        return {"start": "2026-09-07", "finish": "2026-09-11", "kind": "vacation", "note": ""}
    if name == "resources:rate_create":
        return {"effective_from": "2027-01-01", "hourly_rate": "99.00", "currency": "EUR"}
    if name in {"resources:team_create", "resources:team_edit"}:
        return {"name": "Data & Analytics", "description": "", "version": objects["team"].version}
    if name == "resources:organisation_create":
        return {"name": "Nordlicht Consulting"}
    if name == "resources:skill_create":
        return {"name": "Power BI", "description": ""}
    if name == "resources:assignment_create":
        return {"resource": objects["resource"].pk, "units": "50", "effort_driven": "on"}
    if name == "resources:assignment_edit":
        return {"units": "50", "effort_driven": "on", "version": scoped["assignment"].version}
    if name == "resources:assignment_delete":
        return {"version": scoped["assignment"].version}
    if name == "resources:assignment_fill":
        return {"person": objects["resource"].pk, "version": scoped["demand"].version}
    if name == "resources:run_start":
        return {"mode": "heuristic", "time_limit": 5}
    if name in {"resources:run_accept", "resources:run_reject"}:
        return {"version": scoped["levelrun"].version}
    if name in {"api:create_resource"}:
        return {"name": "Lea Wolff", "max_units": "1.00"}
    if name == "api:update_resource":
        return {"hours_per_day": "7.50"}
    if name == "api:set_resource_skill":
        return {"skill": objects["skill"].pk, "level": 2}
    if name == "api:create_leave":
        return {"start": "2026-09-07", "finish": "2026-09-11"}
    if name == "api:create_rate":
        return {"effective_from": "2027-01-01", "hourly_rate": "99.00"}
    if name == "api:create_team":
        return {"name": "Data & Analytics"}
    if name == "api:create_organisation":
        return {"name": "Nordlicht Consulting", "external": True}
    if name == "api:create_skill":
        return {"name": "Power BI"}
    if name == "api:create_assignment":
        return {"task": targets(world, scope)["res_task"].pk, "resource": objects["resource"].pk, "units": "0.50"}
    if name == "api:update_assignment":
        return {"units": "0.50"}
    if name == "api:fill_assignment":
        return {"person": objects["resource"].pk}
    if name == "api:start_leveling":
        return {"project": project.pk, "mode": "heuristic", "time_limit": 5}
    return None


SCOPED_NAMES = {"resources:assignment_edit", "resources:assignment_delete", "resources:assignment_fill",
                "resources:run_accept", "resources:run_reject"}
