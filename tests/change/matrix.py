"""Scope and change-control objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in project A1 (own) or B1 (other), two tasks, a deliverable, a scope item and a
scope baseline, and returns them by the names the matrix URLs use.
"""

from __future__ import annotations

from pmo.change.models import Assessment, ChangeRequest, Deliverable, ScopeBaseline, ScopeItem
from pmo.planning.models import Task

KEYS = {"deliverable": "deliverable", "dl_spare": "spare", "scope_item": "item", "scope_baseline": "baseline",
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
        # a deliverable nothing refers to (the delete routes)
        spare = Deliverable.objects.create(project=project, code="D9", name="Training pack")
        cache[scope] = make_items(project) | {"spare": spare}
    return cache[scope]


API_NAMES = {"list_change_requests", "create_change_request", "get_change_request", "update_change_request",
             "submit_change_request", "assess_change_request", "decide_change_request", "implement_change_request",
             "list_deliverables", "get_deliverable", "accept_deliverable", "reject_deliverable", "list_scope_items",
             "create_deliverable", "update_deliverable", "delete_deliverable", "create_scope_item", "get_scope_item",
             "update_scope_item", "delete_scope_item"}


def is_change(name: str) -> bool:
    return name.startswith("change:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH sends in If-Match (None: not ours)."""
    found = {"api:update_change_request": "draft", "api:update_deliverable": "deliverable",
             "api:delete_deliverable": "spare", "api:update_scope_item": "item", "api:delete_scope_item": "item"}
    return targets(world, scope)[found[name]] if name in found else None


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
    project = world.own("project") if scope == "own" else world.other("project")
    deliverable = {"code": "D2", "name": "Payroll runbook", "status": "planned", "due": "2026-03-31", "owner": "",
                   "description": "", "acceptance_criteria": "Reviewed by payroll", "tasks": []}
    item = {"code": "S2", "name": "Runbook review", "status": "in_scope", "deliverable": "", "description": "",
            "acceptance_criteria": "", "tasks": []}
    bodies |= {
        "api:create_deliverable": {"project": project.pk, "name": "Payroll runbook", "tasks": []},
        "api:update_deliverable": {"acceptance_criteria": "Parallel run matches to the cent, twice"},
        "api:create_scope_item": {"project": project.pk, "name": "Runbook review", "status": "proposed"},
        "api:update_scope_item": {"status": "done"},
        "change:deliverable_create": deliverable,
        "change:item_create": item,
    }
    if name == "change:request_edit":
        return form | {"version": targets(world, scope)["draft"].version}
    if name in {"change:deliverable_edit", "change:item_edit"}:
        found = targets(world, scope)["deliverable" if name == "change:deliverable_edit" else "item"]
        return (deliverable if name == "change:deliverable_edit" else item) | {"version": found.version}
    if name in {"change:deliverable_delete", "change:item_delete"}:
        return {"version": targets(world, scope)["spare" if name == "change:deliverable_delete" else "item"].version}
    return bodies.get(name, {})
