"""Scope and change-control objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in project A1 (own) or B1 (other), two tasks, a deliverable, a scope item and a
scope baseline, and returns them by the names the matrix URLs use.
"""

from __future__ import annotations

from pmo.change.models import Deliverable, ScopeBaseline, ScopeItem
from pmo.planning.models import Task

KEYS = {"deliverable": "deliverable", "scope_item": "item", "scope_baseline": "baseline"}


def make_items(project) -> dict:
    """Rows written directly (fixtures only; the code under test goes through the services)."""
    design = Task.objects.create(project=project, name="Design", order=1, duration=5)
    build = Task.objects.create(project=project, name="Build", order=2, duration=10)
    deliverable = Deliverable.objects.create(project=project, code="D1", name="Payroll interface",
                                             acceptance_criteria="Parallel run matches to the cent",
                                             status="submitted")
    deliverable.tasks.set([design, build])
    item = ScopeItem.objects.create(project=project, deliverable=deliverable, code="S1", name="Interface spec")
    item.tasks.set([design])
    baseline = ScopeBaseline.objects.create(project=project, name="Scope at charter", snapshot={
        "deliverables": [{"id": deliverable.pk, "code": "D1", "name": deliverable.name, "status": "planned",
                          "due": None, "tasks": [design.pk, build.pk]}], "items": []})
    return {"design": design, "build": build, "deliverable": deliverable, "item": item, "baseline": baseline}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_change", {})
    if scope not in cache:
        project = world.own("project") if scope == "own" else world.other("project")
        cache[scope] = make_items(project)
    return cache[scope]


API_NAMES: set[str] = set()


def is_change(name: str) -> bool:
    return name.startswith("change:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    if not is_change(name):
        return None
    return None


def request_data(world, name: str, scope: str):
    return None
