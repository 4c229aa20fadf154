"""Governance objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` gives program A (own) or B (other) its lifecycle (gates from the default template)
with a review scheduled on the gate out of the current phase, gives project A1 / B1 its lifecycle too (its first
gate has no review yet), a spare project without a lifecycle, a budget change of the project awaiting the
Steering Committee and one entry of the decision log.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from pmo.communications.models import Meeting, MeetingAction
from pmo.finance.models import Budget, BudgetChange
from pmo.governance import services
from pmo.governance.models import Decision, GateReview
from pmo.portfolio.models import Project

KEYS = {"gate": "gate", "open_gate": "open_gate", "criterion": "criterion", "review": "review",
        "decision": "decision", "budget_change": "budget_change", "steering_meeting": "meeting"}
API_NAMES = {"list_gates", "get_gate", "update_gate", "apply_lifecycle", "create_gate_criterion",
             "get_gate_criterion", "update_gate_criterion", "list_gate_reviews", "create_gate_review",
             "get_gate_review", "decide_gate_review", "list_awaiting_decisions", "list_decisions", "get_decision",
             "decide_budget_change", "object_history", "build_steering_agenda", "create_decision",
             "list_steering_actions"}


def make_items(world, program, project, spare_code: str) -> dict:
    director = world.users["director"]
    gates = services.lifecycle_apply(actor=director, target=program)
    project_gates = services.lifecycle_apply(actor=director, target=project)
    review = GateReview.objects.create(gate=gates[0], scheduled_for=date(2026, 6, 15))
    spare = Project.objects.filter(program=program).exclude(pk=project.pk).first() or Project.objects.create(
        program=program, code=spare_code, name="Spare project")
    budget = Budget.objects.get_or_create(key=Budget.key_for(project), defaults={
        "level": "project", "program": program, "project": project, "original": Decimal(100000),
        "approved": Decimal(100000)})[0]
    change = BudgetChange.objects.create(budget=budget, amount=Decimal(40000), reason="Extra interfaces",
                                         status="awaiting_steering", approved_before=budget.approved,
                                         approved_after=budget.approved)
    decision = Decision.objects.create(program=program, kind="other", title="Tranche 2 funding released",
                                       outcome="approved", decided_on=date(2026, 5, 4))
    meeting = Meeting.objects.create(program=program, kind="steering_committee", title="Steering committee",
                                     starts_at=timezone.now() + timedelta(days=10))
    MeetingAction.objects.create(meeting=meeting, description="Confirm the tranche 2 budget", owner=director,
                                 due=timezone.localdate() - timedelta(days=3))
    return {"meeting": meeting, "gate": gates[0], "gates": gates,
            "open_gate": project_gates[0], "criterion": gates[0].criteria.first(),
            "review": review, "spare": spare, "budget_change": change, "decision": decision}


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_governance", {})
    if scope not in cache:
        program = world.own("program") if scope == "own" else world.other("program")
        project = world.own("project") if scope == "own" else world.other("project")
        cache[scope] = make_items(world, program, project, "PB-9")
    return cache[scope]


def is_governance(name: str) -> bool:
    return name.startswith("governance:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    found = targets(world, scope)
    return {key: found[item].pk for key, item in KEYS.items()}


def etag_object(world, scope: str, name: str):
    if not is_governance(name):
        return None
    found = targets(world, scope)
    return {"api:update_gate": found["gate"], "api:update_gate_criterion": found["criterion"]}.get(name)


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the governance routes (so only permissions decide the status)."""
    found = targets(world, scope)
    decide = {"verdict": "go", "rationale": "Business case approved", "conditions": ""}
    bodies = {
        "governance:lifecycle_apply": {"project": found["spare"].pk},
        "governance:settings_update": {"votes": "on"},
        "governance:criterion_edit": {"met": "on", "evidence_url": "https://intranet.example.com/mandate",
                                      "note": "", "version": found["criterion"].version},
        "governance:review_create": {"scheduled_for": "2026-07-01"},
        "governance:review_decide": decide | {"version": found["review"].version},
        "governance:budget_change_decide": {"approve": "yes", "rationale": "Within the reserve",
                                            "version": found["budget_change"].version},
        "governance:audit": {},
        "api:apply_lifecycle": {"project": found["spare"].pk},
        "api:update_gate": {"planned_date": "2026-06-30"},
        "api:create_gate_criterion": {"gate": found["gate"].pk, "text": "Architecture board sign-off"},
        "api:update_gate_criterion": {"met": True, "note": "Signed on 2026-05-02"},
        "api:create_gate_review": {"scheduled_for": "2026-07-01"},
        "api:decide_gate_review": decide,
        "api:decide_budget_change": {"approve": True, "rationale": "Within the reserve"},
        "api:create_decision": {"meeting": found["meeting"].pk, "title": "Tranche 2 released", "outcome": "approved"},
        "governance:decision_create": {"title": "Tranche 2 released", "outcome": "approved", "kind": "other",
                                       "decided_on": "2026-06-15", "rationale": ""},
    }
    return bodies.get(name)
