"""Quality objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes, in program A / project A1 (own) or B / B1 (other), a program plan and a project
plan with a role, criteria, a held and a planned review, an open non-conformance and its corrective action
(``factories.make_items``), and returns them by the names the matrix URLs use. Routes that create a plan do not
make them (a scope has one plan), so the targets are made only when a route needs one.
"""

from __future__ import annotations

from .factories import make_items

#: URL placeholder -> item
KEYS = {"qplan": "plan", "qrole": "role", "qcriterion": "criterion", "qreview": "planned", "qnc": "nc",
        "qaction": "action", "qdeliverable": "deliverable", "qacceptance": "acceptance"}

API_NAMES = {f"{verb}_{noun}" for verb in ("list", "create", "get", "update", "delete")
             for noun in ("quality_plan", "quality_plans", "quality_role", "quality_criterion", "quality_criteria",
                          "quality_review", "quality_reviews", "nonconformance", "nonconformances",
                          "corrective_action", "corrective_actions", "acceptance", "acceptances")} | {
    "record_quality_review", "transition_nonconformance", "program_quality", "project_quality"}
#: POST actions that take If-Match
ACTIONS = {"api:record_quality_review": "planned", "api:transition_nonconformance": "nc"}
#: routes that make a plan (their scope must have none)
PLAN_MAKERS = {"api:create_quality_plan", "quality:plan_create", "quality:project_plan_create"}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_quality", {})
    if scope not in cache:
        program = world.own("program") if scope == "own" else world.other("program")
        project = world.own("project") if scope == "own" else world.other("project")
        cache[scope] = make_items(program, project, owner=world.users["project_manager"])
    return cache[scope]


def is_quality(name: str) -> bool:
    return name.startswith("quality:") or name.removeprefix("api:") in API_NAMES


def is_action(name: str) -> bool:
    return name in ACTIONS


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    """The object whose version a PATCH/DELETE or POST action of ``name`` sends in If-Match (None: not ours)."""
    if not is_quality(name) or name in PLAN_MAKERS:
        return None
    found = targets(world, scope)
    if name in ACTIONS:
        return found[ACTIONS[name]]
    for suffix, key in (("_quality_plan", "plan"), ("_quality_role", "role"), ("_quality_criterion", "criterion"),
                        ("_quality_review", "planned"), ("_nonconformance", "nc"), ("_corrective_action", "action")):
        if name.endswith(suffix):
            return found[key]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the quality routes (so only permissions decide the status)."""
    program = world.own("program") if scope == "own" else world.other("program")
    if name in PLAN_MAKERS:
        plan_form = {"title": "Quality plan", "standards": "ISO 9001", "approach": ""}
        return {"api:create_quality_plan": {"program": program.pk, "standards": "ISO 9001"}}.get(name, plan_form)
    if not is_quality(name) or name.startswith(("api:list_", "api:get_")) or name.endswith("_quality"):
        return None
    found = targets(world, scope)
    user = world.users["steering"].pk
    criterion_form = {"name": "Penetration test", "description": "", "target": "no high finding", "mandatory": "on"}
    review_form = {"kind": "audit", "title": "Process audit", "planned_on": "2026-10-01", "reviewer": "",
                   "status": "planned", "summary": ""}
    nc_form = {"title": "Missing test evidence", "description": "", "severity": "minor", "detected_on": "2026-06-01",
               "owner": "", "criterion": "", "review": "", "root_cause": "", "rework_hours": "2"}
    action_form = {"kind": "preventive", "description": "Checklist for test evidence", "owner": "",
                   "due": "2026-07-01", "status": "open", "done_on": ""}
    bodies = {
        "api:update_quality_plan": {"approach": "changed through the API"},
        "api:create_quality_role": {"plan": found["plan"].pk, "user": user, "responsibility": "approver"},
        "api:create_quality_criterion": {"plan": found["plan"].pk, "name": "Penetration test", "gate": True},
        "api:update_quality_criterion": {"target": "no high or critical finding"},
        "api:create_quality_review": {"plan": found["plan"].pk, "title": "Process audit", "kind": "audit",
                                      "planned_on": "2026-10-01"},
        "api:update_quality_review": {"summary": "changed through the API"},
        "api:record_quality_review": {"held_on": "2026-09-02",
                                      "results": [{"criterion": found["criterion"].pk, "result": "pass"}]},
        "api:create_nonconformance": {"plan": found["plan"].pk, "title": "Missing test evidence",
                                      "severity": "minor"},
        "api:update_nonconformance": {"rework_hours": 6},
        "api:transition_nonconformance": {"to": "action"},
        "api:create_corrective_action": {"nonconformance": found["nc"].pk, "description": "Checklist",
                                         "kind": "preventive"},
        "api:update_corrective_action": {"status": "done"},
        "quality:plan_edit": {"title": found["plan"].title, "standards": "ISO 9001", "approach": "changed",
                              "version": found["plan"].version},
        "quality:role_create": {"user": user, "responsibility": "approver", "note": ""},
        "quality:role_delete": {"version": found["role"].version},
        "quality:criterion_create": criterion_form,
        "quality:criterion_edit": criterion_form | {"version": found["criterion"].version},
        "quality:review_create": review_form,
        "quality:review_edit": review_form | {"version": found["planned"].version},
        "quality:review_results": {"version": found["planned"].version, "held_on": "2026-09-02",
                                   f"result-{found['criterion'].pk}": "fail",
                                   f"findings-{found['criterion'].pk}": "contrast 3.2:1 on buttons", "summary": ""},
        "quality:nc_create": nc_form,
        "quality:nc_edit": nc_form | {"title": found["nc"].title, "version": found["nc"].version},
        "quality:nc_transition": {"to": "action", "version": found["nc"].version},
        "api:create_acceptance": {"deliverable": found["deliverable"].pk, "decision": "accepted",
                                  "note": "UAT signed"},
        "quality:decide": {"decision": "accepted", "note": "UAT signed"},
        "quality:action_create": action_form,
        "quality:action_edit": action_form | {"version": found["action"].version},
    }
    return bodies.get(name)
