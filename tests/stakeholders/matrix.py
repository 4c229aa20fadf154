"""Stakeholder objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in program A (own) or B (other), a group, a program-level stakeholder with an
assessment and an engagement action, and in project A1 / B1 a summary task with a work package under it (the RACI
grid's rows), and returns them by the names the matrix URLs use.
"""

from __future__ import annotations

from datetime import date

from pmo.planning.models import Task
from pmo.stakeholders.models import EngagementAction, EngagementAssessment, RaciMatrix, Stakeholder, StakeholderGroup

KEYS = {"stakeholder": "stakeholder", "sh_group": "group", "sh_action": "action", "sh_assessment": "assessment"}


def make_items(program, project, *, name: str = "Works council") -> dict:
    """Rows written directly (fixtures only; the code under test goes through the services)."""
    group = StakeholderGroup.objects.create(program=program, name=f"Employee representatives {name}")
    stakeholder = Stakeholder.objects.create(program=program, kind="group", name=name, organisation="Betriebsrat",
                                             group=group, influence=4, interest=5, current_engagement="resistant",
                                             desired_engagement="supportive")
    assessment = EngagementAssessment.objects.create(stakeholder=stakeholder, date=date(2026, 3, 2), level="resistant")
    action = EngagementAction.objects.create(stakeholder=stakeholder, title="Co-determination workshop",
                                             due=date(2026, 4, 30))
    summary = Task.objects.create(project=project, name="HR go-live", order=1, is_summary=True)
    package = Task.objects.create(project=project, parent=summary, name="Payroll parallel run", order=2)
    return {"group": group, "stakeholder": stakeholder, "assessment": assessment, "action": action,
            "summary": summary, "package": package}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_stakeholders", {})
    if scope not in cache:
        program = world.own("program") if scope == "own" else world.other("program")
        project = world.own("project") if scope == "own" else world.other("project")
        cache[scope] = make_items(program, project)
    return cache[scope]


API_NAMES = {f"{verb}_{noun}" for verb in ("list", "create", "get", "update", "delete")
             for noun in ("stakeholder", "stakeholders", "stakeholder_group", "stakeholder_groups",
                          "engagement_assessment", "engagement_assessments", "engagement_action",
                          "engagement_actions")} | {"power_interest_grid", "engagement_gap", "get_raci", "set_raci"}


def is_stakeholders(name: str) -> bool:
    return name.startswith("stakeholders:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PUT/PATCH/DELETE of ``name`` sends in If-Match (None: not ours)."""
    if not is_stakeholders(name):
        return None
    found = targets(world, scope)
    if name == "api:set_raci":
        project = world.own("project") if scope == "own" else world.other("project")
        return RaciMatrix.objects.get_or_create(project=project)[0]
    for suffix, key in (("_stakeholder_group", "group"), ("_engagement_assessment", "assessment"),
                        ("_engagement_action", "action"), ("_stakeholder", "stakeholder")):
        if name.endswith(suffix):
            return found[key]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the stakeholder routes (so only permissions decide the status)."""
    program = world.own("program") if scope == "own" else world.other("program")
    found = targets(world, scope)
    stakeholder_form = {"project": "", "kind": "person", "name": "Chief Financial Officer", "organisation": "Board",
                        "title": "CFO", "email": "", "phone": "", "group": "", "interest": "2", "influence": "5",
                        "attitude": "neutral", "desired_engagement": "supportive", "owner": "", "notes": ""}
    bodies = {
        "api:create_stakeholder": {"program": program.pk, "name": "Chief Financial Officer", "interest": 2,
                                   "influence": 5, "desired_engagement": "supportive"},
        "api:update_stakeholder": {"interest": 3},
        "api:create_stakeholder_group": {"program": program.pk, "name": "Suppliers"},
        "api:update_stakeholder_group": {"description": "changed through the API"},
        "api:create_engagement_assessment": {"stakeholder": found["stakeholder"].pk, "date": "2026-06-01",
                                             "level": "neutral"},
        "api:update_engagement_assessment": {"note": "changed through the API"},
        "api:create_engagement_action": {"stakeholder": found["stakeholder"].pk, "title": "Town hall",
                                         "due": "2026-07-01"},
        "api:update_engagement_action": {"status": "in_progress"},
        "api:set_raci": {"cells": [{"task": found["summary"].pk, "stakeholder": found["stakeholder"].pk,
                                    "role": "A"}]},
        "stakeholders:stakeholder_create": stakeholder_form,
        "stakeholders:stakeholder_edit": stakeholder_form | {"name": found["stakeholder"].name,
                                                             "version": found["stakeholder"].version},
        "stakeholders:stakeholder_delete": {"version": found["stakeholder"].version},
        "stakeholders:group_create": {"name": "Suppliers", "description": ""},
        "stakeholders:group_edit": {"name": found["group"].name, "description": "changed",
                                    "version": found["group"].version},
        "stakeholders:assessment_create": {"date": "2026-06-01", "level": "neutral", "note": ""},
        "stakeholders:action_create": {"title": "Town hall", "owner": "", "due": "2026-07-01", "status": "planned",
                                       "note": ""},
        "stakeholders:action_edit": {"title": "Co-determination workshop", "owner": "", "due": "2026-05-15",
                                     "status": "in_progress", "note": "", "version": found["action"].version},
        "stakeholders:raci": {"version": RaciMatrix.objects.get_or_create(project=found["summary"].project)[0]
                              .version, f"cell-{found['summary'].pk}-{found['stakeholder'].pk}": "A"},
    }
    return bodies.get(name)
