"""What the role matrix (tests/test_permissions.py) needs for planning routes: objects to aim at
and well-formed request bodies. Created lazily, once per world and scope, only for planning routes."""

from __future__ import annotations

from pmo.planning.api import router
from pmo.planning.models import Baseline, Calendar, Interface
from pmo.portfolio.models import Project

from .factories import link, task

API_NAMES = {f"api:{op.view_func.__name__}" for view in router.path_operations.values() for op in view.operations}
#: route name -> the target whose version goes into If-Match
VERSIONED = {"task": "task", "dependency": "dependency", "calendar": "calendar", "interface": "interface"}


def is_planning(name: str) -> bool:
    return name.startswith("planning:") or name in API_NAMES


def targets(world, scope: str, name: str) -> dict:
    """task, task2, task3, dependency, baseline, calendar, interface of the scope's project."""
    if not is_planning(name):
        return {}
    cache = world.__dict__.setdefault("_planning_targets", {})
    if scope in cache:
        return cache[scope]
    project = world.own("project") if scope == "own" else world.other("project")
    if scope == "own":
        partner = world.project_a2
    else:
        partner = Project.objects.create(program=world.program_b, code="PB-2", name="Project B2")
    t1, t2, t3 = task(project, "Design", 5), task(project, "Build", 10), task(project, "Go-live", 0, is_milestone=True)
    out = {
        "task": t1, "task2": t2, "task3": t3,
        "dependency": link(t1, t2),
        "baseline": Baseline.objects.create(project=project, name="Plan of record"),
        "interface": Interface.objects.create(provider=project, consumer=partner, title="Identity service"),
        "partner": partner,
    }
    if name not in {"api:create_calendar", "planning:calendar"}:
        out["calendar"] = Calendar.objects.create(project=project, name=f"{project.code} calendar")
    cache[scope] = out
    return out


def url_ids(found: dict) -> dict:
    return {key: obj.pk for key, obj in found.items()}


def versioned(name: str, found: dict):
    for word, key in VERSIONED.items():
        if word in name and key in found:
            return found[key]
    return None


def request_data(world, name: str, scope: str):
    if name.startswith("planning:"):
        return page_data(world, name, scope)
    found = targets(world, scope, name)
    project = world.own("project") if scope == "own" else world.other("project")
    bodies = {
        "api:create_task": {"name": "New task", "duration": "3"},
        "api:update_task": {"name": "Renamed task"},
        "api:create_dependency": {"predecessor": found.get("task2") and found["task2"].pk,
                                  "successor": found.get("task3") and found["task3"].pk, "type": "FS"},
        "api:update_dependency": {"lag": "2"},
        "api:create_calendar": {"name": "Project calendar", "project": project.pk},
        "api:update_calendar": {"name": "Renamed calendar"},
        "api:create_baseline": {"name": "Re-plan"},
        "api:create_interface": {"provider": project.pk, "consumer": found.get("partner") and found["partner"].pk,
                                 "title": "Data feed"},
        "api:update_interface": {"description": "changed through the API"},
        "api:acknowledge_interface": {"note": "seen, thanks"},
    }
    return bodies.get(name)


def page_data(world, name: str, scope: str):
    """Form bodies of the planning pages' POSTs."""
    found = targets(world, scope, name)
    project = world.own("project") if scope == "own" else world.other("project")
    t1 = found["task"]
    if name == "planning:task_create":
        return {"quick": "1", "name": "Quick task", "duration": "2"}
    if name == "planning:dependency_create":
        return {"predecessor": found["task2"].pk, "successor": found["task3"].pk, "type": "FS", "lag": "0"}
    if name == "planning:task_edit":
        return {"name": "Renamed", "code": "", "parent": "", "duration": "4", "constraint_type": "ASAP",
                "percent_complete": "0", "version": t1.version}
    if name in {"planning:task_indent", "planning:task_outdent", "planning:task_delete"}:
        return {"version": t1.version}
    if name == "planning:dependency_delete":
        return {"version": found["dependency"].version}
    if name == "planning:interface_create":
        return {"provider": project.pk, "consumer": found["partner"].pk, "title": "Data feed", "status": "proposed"}
    if name in {"planning:interface_acknowledge", "planning:interface_delete"}:
        return {"version": found["interface"].version, "note": "seen, thanks"}
    if name == "planning:interface_edit":
        interface = found["interface"]
        return {"provider": interface.provider_id, "consumer": interface.consumer_id, "title": "Renamed",
                "status": "agreed", "version": interface.version}
    return {}
