"""Scope and change-control objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in project A1 (own) or B1 (other), two tasks, a deliverable, a scope item and a
scope baseline, and returns them by the names the matrix URLs use.
"""

from __future__ import annotations

from pmo.change.models import Assessment, ChangeRequest, Deliverable, ScopeBaseline, ScopeItem
from pmo.planning.models import Task

KEYS = {"deliverable": "deliverable", "scope_item": "item", "scope_baseline": "baseline",
        "change_request": "draft", "cr_submitted": "submitted", "cr_assessed": "assessed", "cr_approved": "approved"}


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
    requests = {}
    for status in ("draft", "submitted", "assessed", "approved"):
        requests[status] = ChangeRequest.objects.create(
            program=project.program, project=project, title=f"Change ({status})", status=status,
            description="Add a payroll parallel run",
            route="" if status in ("draft", "submitted") else "program_manager")
    Assessment.objects.create(change_request=requests["assessed"], plan_token="x", results={})
    return {"design": design, "build": build, "deliverable": deliverable, "item": item, "baseline": baseline,
            **requests}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_change", {})
    if scope not in cache:
        project = world.own("project") if scope == "own" else world.other("project")
        cache[scope] = make_items(project)
    return cache[scope]


API_NAMES = {"list_change_requests", "create_change_request", "get_change_request", "update_change_request",
             "submit_change_request", "assess_change_request", "decide_change_request", "implement_change_request",
             "list_deliverables", "get_deliverable", "accept_deliverable", "reject_deliverable", "list_scope_items"}


def is_change(name: str) -> bool:
    return name.startswith("change:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH sends in If-Match (None: not ours)."""
    if name == "api:update_change_request":
        return targets(world, scope)["draft"]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the change routes (so only permissions decide the status)."""
    if not is_change(name):
        return None
    program = world.own("program") if scope == "own" else world.other("program")
    form = {"project": "", "title": "Parallel payroll run", "type": "scope", "urgency": "medium",
            "description": "Run payroll twice for a month", "justification": "", "edits": "[]"}
    bodies = {
        "api:create_change_request": {"program": program.pk, "title": "Parallel payroll run"},
        "api:update_change_request": {"urgency": "high"},
        "api:decide_change_request": {"decision": "rejected", "note": "not now"},
        "api:accept_deliverable": {"note": ""},
        "api:reject_deliverable": {"note": "gaps"},
        "change:request_create": form,
        "change:deliverable_decide": {"decision": "accepted", "note": ""},
        "change:request_decide": {"decision": "rejected", "note": ""},
    }
    if name == "change:request_edit":
        return form | {"version": targets(world, scope)["draft"].version}
    return bodies.get(name, {})
