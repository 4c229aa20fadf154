"""RAID services: one audit event per write, derived scores, occur -> issue, escalation rules, bad input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.models import AuditEvent
from pmo.raid import services
from pmo.raid.models import Escalation, Issue, RaidSettings, Risk, RiskScale


def _events(obj=None):
    qs = AuditEvent.objects.all()
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(qs)


def _risk(world, actor="project_manager", **fields):
    fields.setdefault("title", "Key SAP architect leaves before cutover")
    return services.risk_create(actor=world.users[actor], project=world.project_a1, **fields)


def test_create_scores_and_audits_once(world):
    services.risk_scale()
    before = AuditEvent.objects.count()
    risk = _risk(world, probability=4, impact=3, category="resource", strategy="reduce")
    assert (risk.score, risk.rating, risk.program_id) == (12, "high", world.program_a.pk)
    events = _events(risk)
    assert [e.action for e in events] == ["create"]
    assert AuditEvent.objects.count() == before + 1
    assert events[0].after["score"] == 12 and events[0].actor == world.users["project_manager"]
    assert audit.verify() is None


def test_update_one_event_with_diff_and_version(world):
    risk = _risk(world)
    updated = services.risk_update(actor=world.users["program_manager"], risk=risk, expected_version=1,
                                   probability=2, impact=2)
    assert (updated.version, updated.score, updated.rating) == (2, 4, "low")
    event = _events(risk)[-1]
    assert event.action == "update"
    assert event.before == {"probability": 3, "impact": 3, "score": 9, "rating": "medium"}
    with pytest.raises(StaleVersion):
        services.risk_update(actor=world.users["director"], risk=risk, expected_version=1, title="late")


def test_review_computes_trend(world):
    risk = _risk(world, probability=3, impact=3)
    risk = services.risk_update(actor=world.users["project_manager"], risk=risk, expected_version=risk.version,
                                review_date=date(2026, 3, 2))
    assert risk.trend == "new" and risk.reviewed_score == 9
    risk = services.risk_update(actor=world.users["project_manager"], risk=risk, expected_version=risk.version,
                                review_date=date(2026, 4, 6), probability=4)
    assert risk.trend == "up" and risk.reviewed_score == 12
    risk = services.risk_update(actor=world.users["project_manager"], risk=risk, expected_version=risk.version,
                                review_date=date(2026, 5, 4), probability=1)
    assert risk.trend == "down"


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "threat", "strategy": "exploit"}, "strategy"),
    ({"kind": "opportunity", "strategy": "avoid"}, "strategy"),
    ({"schedule_min": 10, "schedule_most_likely": 5, "schedule_max": 20}, "schedule_min"),
    ({"schedule_min": 1, "schedule_most_likely": 5, "schedule_max": 4}, "schedule_most_likely"),
    ({"schedule_min": -1, "schedule_most_likely": 5, "schedule_max": 9}, "schedule_min"),
    ({"cost_min": 1, "cost_most_likely": 5}, "cost_min"),
    ({"probability_pct": Decimal("101")}, "probability_pct"),
    ({"probability_pct": Decimal("-1")}, "probability_pct"),
    ({"probability": 6}, "probability"),
    ({"residual_probability": 2}, "residual_impact"),
    ({"status": "occurred"}, "status"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, fields, field):
    services.risk_scale()  # created (and audited) on first use
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        _risk(world, **fields)
    assert field in info.value.error_dict
    assert Risk.objects.count() == 0 and AuditEvent.objects.count() == count


def test_opportunity_strategies_accepted(world):
    risk = _risk(world, kind="opportunity", strategy="exploit")
    assert risk.strategy == "exploit"


def test_scope_and_permissions(world):
    with pytest.raises(ValidationError) as info:  # out of scope: refused as unknown
        services.risk_create(actor=world.users["project_manager"], project=world.project_b1, title="x")
    assert "project" in info.value.error_dict
    with pytest.raises(PermissionDenied):
        services.risk_create(actor=world.users["analyst"], project=world.project_a1, title="x")
    with pytest.raises(PermissionDenied):  # a project manager cannot write program-level items
        services.risk_create(actor=world.users["project_manager"], program=world.program_a, title="x")
    risk = services.risk_create(actor=world.users["program_manager"], program=world.program_a, title="x")
    assert risk.project is None and risk.escalation_level == "program"
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=world.users["steering"], risk=risk, expected_version=1, title="y")


def test_occur_creates_issue_in_one_transaction(world):
    risk = _risk(world, probability=4, impact=4, owner=world.users["project_manager"], event="Architect resigns")
    count = AuditEvent.objects.count()
    issue = services.risk_occur(actor=world.users["project_manager"], risk=risk, note="Resigned on Friday")
    risk.refresh_from_db()
    assert risk.status == "occurred"
    assert issue.source_risk == risk and issue.project == world.project_a1 and issue.severity == "critical"
    assert issue.owner == world.users["project_manager"] and "Resigned on Friday" in issue.description
    actions = [e.action for e in AuditEvent.objects.filter(pk__gt=0)[count:]]
    assert actions[:2] == ["occur", "create"]
    with pytest.raises(ValidationError):
        services.risk_occur(actor=world.users["project_manager"], risk=risk)
    assert Issue.objects.count() == 1


def test_occur_rolls_back_when_stale(world):
    risk = _risk(world)
    with pytest.raises(StaleVersion):
        services.risk_occur(actor=world.users["director"], risk=risk, expected_version=7)
    risk.refresh_from_db()
    assert risk.status == "open" and not Issue.objects.exists()


def test_escalation_threshold_project_to_program(world):
    risk = _risk(world, probability=4, impact=4)  # 16 >= 15
    assert risk.escalation_level == "program"
    escalation = Escalation.objects.get(risk=risk)
    assert (escalation.from_level, escalation.to_level) == ("project", "program")
    assert escalation.escalated_by == world.users["project_manager"] and "threshold 15" in escalation.reason
    assert [e.action for e in _events(risk)] == ["create"]
    assert _events(risk)[0].after["escalation_level"] == "program"


def test_threshold_is_per_program(world):
    RaidSettings.objects.create(program=world.program_a, escalation_threshold=20)
    assert _risk(world, probability=4, impact=4).escalation_level == "project"


def test_above_threshold_and_overdue_reaches_steering(world):
    past = timezone.localdate() - timedelta(days=3)
    risk = _risk(world, probability=5, impact=4, proximity=past)
    assert risk.escalation_level == "steering"
    levels = list(Escalation.objects.filter(risk=risk).order_by("id").values_list("from_level", "to_level"))
    assert levels == [("project", "program"), ("program", "steering")]


def test_update_escalates_once_with_one_update_event(world):
    risk = _risk(world, probability=2, impact=2)
    risk = services.risk_update(actor=world.users["project_manager"], risk=risk, expected_version=1,
                                probability=5, impact=5)
    assert risk.escalation_level == "program"
    assert [e.action for e in _events(risk)] == ["create", "update"]
    risk = services.risk_update(actor=world.users["project_manager"], risk=risk, expected_version=risk.version,
                                title="renamed")
    assert Escalation.objects.filter(risk=risk).count() == 1


def test_overdue_issue_escalates_by_sweep(world):
    issue = services.issue_create(actor=world.users["project_manager"], project=world.project_a1,
                                  title="Test environment unavailable", severity="low",
                                  raised_on=date(2026, 1, 5), due=date(2026, 1, 20))
    # created already overdue: program level
    assert issue.escalation_level == "program"
    Issue.objects.filter(pk=issue.pk).update(severity="critical")
    assert services.escalation_sweep(actor=None) == 1
    issue.refresh_from_db()
    assert issue.escalation_level == "steering"
    assert services.escalation_sweep(actor=None) == 0


def test_manual_escalation_and_steering_decision(world):
    issue = services.issue_create(actor=world.users["project_manager"], project=world.project_a1,
                                  title="Works council delays HR go-live", severity="medium")
    with pytest.raises(ValidationError):
        services.item_escalate(actor=world.users["project_manager"], item=issue, reason=" ",
                               expected_version=issue.version)
    issue = services.item_escalate(actor=world.users["project_manager"], item=issue, reason="needs funding",
                                   expected_version=issue.version)
    issue = services.item_escalate(actor=world.users["program_manager"], item=issue, reason="beyond tolerance",
                                   expected_version=issue.version)
    assert issue.escalation_level == "steering"
    escalation = Escalation.objects.get(issue=issue, to_level="steering")
    with pytest.raises(PermissionDenied):
        services.escalation_decide(actor=world.users["program_manager"], escalation=escalation,
                                   expected_version=1, status="decided", decision="x")
    with pytest.raises(ValidationError):
        services.escalation_decide(actor=world.users["steering"], escalation=escalation, expected_version=1,
                                   status="decided", decision="")
    decided = services.escalation_decide(actor=world.users["steering"], escalation=escalation, expected_version=1,
                                         status="decided", decision="Fund two extra testers")
    assert decided.decided_by == world.users["steering"] and decided.status == "decided"
    assert _events(escalation)[-1].action == "decided"


def test_bulk_update_all_or_nothing(world):
    own = [_risk(world, title=f"risk {i}") for i in range(3)]
    services.raid_bulk_update(actor=world.users["project_manager"], items=own, expected_versions={},
                              status="mitigating", owner=world.users["program_manager"])
    assert set(Risk.objects.values_list("status", flat=True)) == {"mitigating"}
    assert AuditEvent.objects.filter(object_type="raid.risk", action="update").count() == 3
    other = services.risk_create(actor=world.users["director"], project=world.project_b1, title="other")
    with pytest.raises(PermissionDenied):
        services.raid_bulk_update(actor=world.users["project_manager"], items=[*Risk.objects.all(), other],
                                  expected_versions={}, status="closed")
    assert not Risk.objects.filter(status="closed").exists()
    with pytest.raises(ValidationError):
        services.raid_bulk_update(actor=world.users["director"], items=own, expected_versions={}, status="occurred")


def test_scale_update_rerates_all_risks(world):
    risk = _risk(world, probability=3, impact=3)
    assert risk.rating == "medium"
    scale = services.risk_scale()
    with pytest.raises(PermissionDenied):
        services.risk_scale_update(actor=world.users["program_manager"], scale=scale, expected_version=1,
                                   medium_from=10)
    with pytest.raises(ValidationError):
        services.risk_scale_update(actor=world.users["director"], scale=scale, expected_version=1,
                                   medium_from=12, high_from=10)
    services.risk_scale_update(actor=world.users["director"], scale=scale, expected_version=1, medium_from=10,
                               high_from=12, critical_from=20)
    risk.refresh_from_db()
    assert risk.rating == "low" and RiskScale.objects.count() == 1 and risk.version == 2
    event = _events(risk)[-1]
    assert (event.action, event.before, event.after) == ("rerate", {"rating": "medium"}, {"rating": "low"})


def test_actions_and_assumptions(world):
    risk = _risk(world)
    action = services.action_create(actor=world.users["project_manager"], risk=risk, description="Pair a backup",
                                    due=date(2026, 4, 1))
    services.action_update(actor=world.users["project_manager"], action=action, expected_version=1, done=True)
    with pytest.raises(PermissionDenied):
        services.action_create(actor=world.users["coordinator"], risk=risk, description="x")
    assumption = services.assumption_create(actor=world.users["project_manager"], project=world.project_a1,
                                            title="Budget approved in Q1", validation_date=date(2026, 3, 31))
    assumption = services.assumption_update(actor=world.users["project_manager"], assumption=assumption,
                                            expected_version=1, status="valid")
    assert assumption.status == "valid" and [e.action for e in _events(assumption)] == ["create", "update"]


def test_issue_resolution_required(world):
    issue = services.issue_create(actor=world.users["project_manager"], project=world.project_a1, title="x")
    with pytest.raises(ValidationError) as info:
        services.issue_update(actor=world.users["project_manager"], issue=issue, expected_version=1,
                              status="resolved")
    assert "resolution" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        services.issue_update(actor=world.users["project_manager"], issue=issue, expected_version=1,
                              due=date(2000, 1, 1))
    assert "due" in info.value.error_dict
