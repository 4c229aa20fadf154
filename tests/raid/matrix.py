"""RAID objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` makes one risk (with a response action), issue, assumption, steering-level
escalation and simulation run in project A1 (own) or B1 (other) and returns the ids the matrix URLs name.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from pmo.planning.models import Task
from pmo.portfolio.models import Project
from pmo.raid.models import Assumption, Escalation, Issue, Risk, RiskAction, SimulationRun, TaskEstimate

RAID_KEYS = ("risk", "issue", "assumption", "escalation", "run", "raid_task", "action")


def make_items(project: Project, *, title: str = "Key architect leaves") -> dict:
    """Rows written directly (fixtures only; the code under test goes through the services)."""
    risk = Risk.objects.create(program=project.program, project=project, title=title, probability=4, impact=4,
                               score=16, rating="critical", escalation_level="project")
    issue = Issue.objects.create(program=project.program, project=project, title="Vendor API rate limits",
                                 raised_on=date(2026, 1, 5))
    assumption = Assumption.objects.create(program=project.program, project=project, title="Budget approved")
    escalation = Escalation.objects.create(program=project.program, risk=risk, from_level="program",
                                           to_level="steering", reason="score 16 ≥ 15", escalated_at=timezone.now())
    run = SimulationRun.objects.create(program=project.program, project=project, iterations=1000, seed=1,
                                       inputs={}, status="done", results=None)
    raid_task = Task.objects.create(project=project, name="Cutover rehearsal", duration=10)
    TaskEstimate.objects.create(task=raid_task, min=8, most_likely=10, max=15)
    action = RiskAction.objects.create(risk=risk, description="Pair a second architect")
    return {"risk": risk, "issue": issue, "assumption": assumption, "escalation": escalation, "run": run,
            "raid_task": raid_task, "action": action}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_raid", {})
    if scope not in cache:
        project = world.own("project") if scope == "own" else world.other("project")
        if project.start is None:
            Project.objects.filter(pk=project.pk).update(start=date(2026, 2, 2), finish=date(2026, 12, 18))
        cache[scope] = make_items(project)
    return cache[scope]


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in RAID_KEYS):
        return {}
    return {key: obj.pk for key, obj in targets(world, scope).items()}


def etag_object(world, scope: str, name: str):
    """The object whose version an API PATCH/DELETE of ``name`` sends in If-Match (None: not a RAID route)."""
    for key in ("risk", "issue", "assumption"):
        if name.endswith(f"_{key}"):
            return targets(world, scope)[key]
    return None


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the RAID routes (so only permissions decide the status)."""
    program = world.own("program") if scope == "own" else world.other("program")
    project = world.own("project") if scope == "own" else world.other("project")
    objects = targets(world, scope) if is_raid(name) else {}
    if name in {"api:create_risk", "api:create_issue", "api:create_assumption"}:
        return {"project": project.pk, "title": "Works council delays HR go-live"}
    if name in {"api:update_risk", "api:update_issue", "api:update_assumption"}:
        return {"description": "changed through the API"}
    if name in {"api:escalate_risk", "api:escalate_issue"}:
        return {"reason": "needs a program decision"}
    if name == "api:decide_escalation":
        return {"status": "decided", "decision": "Fund a backup architect"}
    if name == "api:occur_risk":
        return {"note": "it happened"}
    if name == "api:set_estimate":
        return {"min": 5, "most_likely": 10, "max": 20, "distribution": "pert"}
    if name == "api:start_simulation":
        return {"program": program.pk, "iterations": 200, "seed": 3}
    if name in {"raid:risk_create", "raid:program_risk_create", "raid:risk_edit"}:
        risk = objects["risk"]
        return {"title": "Key SAP architect leaves", "category": "resource", "status": "open", "kind": "threat",
                "probability": 3, "impact": 3, "version": risk.version if name == "raid:risk_edit" else ""}
    if name in {"raid:issue_create", "raid:issue_edit"}:
        return {"title": "Vendor API rate limits", "severity": "medium", "priority": "normal", "status": "open",
                "raised_on": "2026-03-02", "version": objects["issue"].version if name == "raid:issue_edit" else ""}
    if name in {"raid:assumption_create", "raid:assumption_edit"}:
        return {"title": "Budget approved", "status": "unvalidated",
                "version": objects["assumption"].version if name == "raid:assumption_edit" else ""}
    if name == "raid:risk_occur":
        return {"version": objects["risk"].version}
    if name in {"raid:risk_escalate", "raid:issue_escalate"}:
        item = objects["risk" if name == "raid:risk_escalate" else "issue"]
        return {"version": item.version, "reason": "needs a program decision"}
    if name == "raid:action_create":
        return {"description": "Pair a second architect", "due": "2026-04-01"}
    if name == "raid:bulk":
        return {"kind": "risk", "ids": [objects["risk"].pk], "status": "mitigating", "owner": ""}
    if name == "raid:escalation_decide":
        return {"version": objects["escalation"].version, "status": "decided", "decision": "Fund a backup"}
    if name == "raid:run_start":
        return {"iterations": 200, "seed": 1}
    if name == "raid:scale":
        data = {"version": 1, "medium_from": 4, "high_from": 10, "critical_from": 16}
        for level in range(1, 6):
            data |= {f"probability_{level}": f"P{level}", f"impact_{level}": f"I{level}"}
        return data
    if name == "raid:settings":
        return {"escalation_threshold": 12}
    return None


def is_raid(name: str) -> bool:
    return name.startswith("raid:") or any(key in name for key in ("risk", "issue", "assumption", "simulation",
                                                                     "estimate", "escalat"))
