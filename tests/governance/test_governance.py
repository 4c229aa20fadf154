"""Governance: stage gates decided only by the Steering Committee (pages, API, services), the phase moving only
through a go, computed evidence, budget changes beyond tolerance, bad input (stale versions, other programs'
ids, votes), the decision log's filters and query pins, the history viewer and the chain verification."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.errors import StaleVersion
from pmo.core.models import AuditEvent
from pmo.finance.models import Budget, BudgetChange
from pmo.governance import selectors, services
from pmo.governance.models import Decision, Gate, GateReview, GovernanceSettings
from pmo.planning.models import Task
from pmo.portfolio import services as portfolio_services
from pmo.portfolio.models import Program, Project
from pmo.raid.models import Escalation, Risk

from ..conftest import client_for
from .matrix import make_items


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


@pytest.fixture
def items(world):
    return make_items(world, world.program_a, world.project_a1, "PA-9")


def _counts():
    return (AuditEvent.objects.count(), Decision.objects.count(), GateReview.objects.filter(status="decided").count(),
            Program.objects.get(code="PA").phase, Program.objects.get(code="PA").version)


# --- lifecycles --------------------------------------------------------------------------------------------

def test_lifecycle_from_the_default_template(world, items):
    gates = items["gates"]
    assert [(g.from_phase, g.to_phase) for g in gates] == [("identify", "define"), ("define", "deliver"),
                                                          ("deliver", "close")]
    assert [c.kind for c in gates[1].criteria.all()] == ["manual", "plan_check", "manual", "critical_risks",
                                                         "quality"]
    with pytest.raises(ValidationError) as refused:
        services.lifecycle_apply(actor=world.users["director"], target=world.program_a)
    assert "target" in refused.value.message_dict


def test_a_lifecycle_starts_at_the_current_phase(world):
    world.project_a2.phase = "deliver"
    world.project_a2.save()
    gates = services.lifecycle_apply(actor=world.users["program_manager"], target=world.project_a2)
    assert [(g.from_phase, g.to_phase) for g in gates] == [("deliver", "close")]


def test_a_gated_phase_is_not_edited_directly(world, items):
    program = world.program_a
    with pytest.raises(ValidationError) as refused:
        portfolio_services.program_update(actor=world.users["director"], program=program,
                                          expected_version=program.version, phase="deliver")
    assert "phase" in refused.value.message_dict
    # a project without gates still edits its phase
    portfolio_services.project_update(actor=world.users["director"], project=world.project_a2,
                                      expected_version=world.project_a2.version, phase="define")


# --- gate decisions ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["director", "coordinator", "program_manager", "analyst", "project_manager"])
def test_only_the_committee_decides_a_gate(world, items, role):
    review = items["review"]
    before = _counts()
    with pytest.raises(PermissionDenied, match="Steering Committee of PA"):
        services.review_decide(actor=world.users[role], review=review, expected_version=review.version,
                               verdict="go")
    assert _counts() == before


def test_a_go_advances_the_phase_audited(world, items):
    review, gate = items["review"], items["gate"]
    steering = world.users["steering"]
    decided = services.review_decide(actor=steering, review=review, expected_version=review.version, verdict="go",
                                     rationale="Mandate signed")
    program = Program.objects.get(pk=world.program_a.pk)
    assert program.phase == "define"
    assert Gate.objects.get(pk=gate.pk).status == "passed"
    assert decided.verdict == "go" and decided.decided_by == steering
    assert {c["kind"] for c in decided.evidence["criteria"]} == {"manual", "critical_risks"}
    moved = AuditEvent.objects.filter(object_type="portfolio.program", object_id=str(program.pk),
                                      action="phase_advance").get()
    assert (moved.before, moved.after, moved.actor_name) == ({"phase": "identify"}, {"phase": "define"}, "steering")
    logged = Decision.objects.get(kind="gate")
    assert logged.outcome == "go" and logged.subject_id == str(review.pk)
    # the next gate is now the one out of Define
    assert selectors.next_gate(selectors.gates_of(steering, program), program).to_phase == "deliver"


@pytest.mark.parametrize(("verdict", "status"), [("hold", "on_hold"), ("stop", "stopped")])
def test_hold_and_stop_keep_the_phase(world, items, verdict, status):
    review = items["review"]
    services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version,
                           verdict=verdict, rationale="Business case not convincing")
    assert Program.objects.get(pk=world.program_a.pk).phase == "identify"
    assert Gate.objects.get(pk=items["gate"].pk).status == status


def test_go_with_conditions_names_them(world, items):
    review = items["review"]
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version,
                               verdict="go_with_conditions")
    assert "conditions" in refused.value.message_dict
    assert _counts() == before
    services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version,
                           verdict="go_with_conditions", conditions="Works agreement signed by 30 June")
    assert Program.objects.get(pk=world.program_a.pk).phase == "define"


def test_stale_version_and_second_decision_write_nothing(world, items):
    review = items["review"]
    before = _counts()
    with pytest.raises(StaleVersion):
        services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version + 1,
                               verdict="go")
    assert _counts() == before
    services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version,
                           verdict="hold", rationale="wait")
    review.refresh_from_db()
    after = _counts()
    with pytest.raises(ValidationError) as refused:
        services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version,
                               verdict="go")
    assert "verdict" in refused.value.message_dict
    assert _counts() == after


def test_only_the_gate_out_of_the_current_phase_is_reviewed(world, items):
    later = items["gates"][1]
    with pytest.raises(ValidationError) as refused:
        services.review_schedule(actor=world.users["director"], gate=later, scheduled_for=date(2026, 9, 1))
    assert "gate" in refused.value.message_dict
    sneaky = GateReview.objects.create(gate=later, scheduled_for=date(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        services.review_decide(actor=world.users["steering"], review=sneaky, expected_version=sneaky.version,
                               verdict="go")
    assert "gate" in refused.value.message_dict
    assert Program.objects.get(pk=world.program_a.pk).phase == "identify"


def test_votes_where_the_program_asks_for_them(world, items):
    review = items["review"]
    GovernanceSettings.objects.create(program=world.program_a, votes_required=True)
    steering = world.users["steering"]
    with pytest.raises(ValidationError) as refused:
        services.review_decide(actor=steering, review=review, expected_version=review.version, verdict="go")
    assert "votes_for" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.review_decide(actor=steering, review=review, expected_version=review.version, verdict="go",
                               votes_for=2, votes_against=3, votes_abstain=0)
    assert "verdict" in refused.value.message_dict
    services.review_decide(actor=steering, review=review, expected_version=review.version, verdict="go",
                           votes_for=4, votes_against=1, votes_abstain=1)
    assert Decision.objects.get(kind="gate").votes_for == 4


def test_votes_refused_where_the_program_does_not_record_them(world, items):
    review = items["review"]
    with pytest.raises(ValidationError) as refused:
        services.review_decide(actor=world.users["steering"], review=review, expected_version=review.version,
                               verdict="go", votes_for=3)
    assert "votes_for" in refused.value.message_dict


# --- evidence -----------------------------------------------------------------------------------------------

def test_computed_evidence_follows_risks_and_the_plan(world, items):
    gate = items["gates"][1]  # into Deliver: plan check, critical risks, quality
    director = world.users["director"]
    found = {e.criterion.kind: e for e in selectors.evidence(director, gate)}
    assert found["critical_risks"].met is True
    assert found["quality"].met is None and "gate criterion" in found["quality"].detail
    Risk.objects.create(program=world.program_a, project=world.project_a1, title="Payroll vendor insolvent",
                        probability=5, impact=5, score=25, rating="critical")
    found = {e.criterion.kind: e for e in selectors.evidence(director, gate)}
    assert found["critical_risks"].met is False and "Payroll vendor insolvent" in found["critical_risks"].detail
    assert found["plan_check"].met is True


def test_computed_criteria_are_not_ticked_by_hand(world, items):
    computed = items["gates"][1].criteria.get(kind="plan_check")
    with pytest.raises(ValidationError) as refused:
        services.criterion_update(actor=world.users["director"], criterion=computed,
                                  expected_version=computed.version, met=True)
    assert "met" in refused.value.message_dict


def test_a_project_manager_records_evidence_of_own_project_gates(world, items):
    criterion = items["open_gate"].criteria.first()
    saved = services.criterion_update(actor=world.users["project_manager"], criterion=criterion,
                                      expected_version=criterion.version, met=True,
                                      evidence_url="https://intranet.example.com/charter")
    assert saved.met and saved.version == criterion.version + 1


# --- budget changes beyond tolerance ------------------------------------------------------------------------------

def test_the_committee_approves_a_budget_change(world, items):
    change = items["budget_change"]
    budget = Budget.objects.get(pk=change.budget_id)
    before = (AuditEvent.objects.count(), budget.approved)
    with pytest.raises(PermissionDenied, match="Steering Committee of PA"):
        services.budget_change_decide(actor=world.users["program_manager"], change=change,
                                      expected_version=change.version, approve=True)
    assert (AuditEvent.objects.count(), Budget.objects.get(pk=budget.pk).approved) == before
    decided = services.budget_change_decide(actor=world.users["steering"], change=change,
                                            expected_version=change.version, approve=True, rationale="reserve")
    assert decided.status == "approved"
    assert Budget.objects.get(pk=budget.pk).approved == budget.approved + Decimal(40000)
    assert Decision.objects.get(kind="budget_change").outcome == "approved"
    with pytest.raises(ValidationError) as refused:
        services.budget_change_decide(actor=world.users["steering"], change=decided,
                                      expected_version=decided.version, approve=False)
    assert "status" in refused.value.message_dict


def test_a_rejected_budget_change_leaves_the_budget(world, items):
    change = items["budget_change"]
    approved = change.budget.approved
    services.budget_change_decide(actor=world.users["steering"], change=change, expected_version=change.version,
                                  approve=False)
    assert BudgetChange.objects.get(pk=change.pk).status == "rejected"
    assert Budget.objects.get(pk=change.budget_id).approved == approved


# --- what waits for the committee ---------------------------------------------------------------------------------

def test_awaiting_lists_reviews_budget_changes_and_escalations(world, items):
    risk = Risk.objects.create(program=world.program_a, title="Works council veto", probability=4, impact=4,
                               score=16, rating="high")
    Escalation.objects.create(program=world.program_a, risk=risk, from_level="program", to_level="steering",
                              reason="score 16", escalated_at=timezone.now())
    items["review"].scheduled_for = timezone.localdate() + timedelta(days=7)
    items["review"].save()
    kinds = sorted(p.kind for p in selectors.awaiting(world.users["steering"]))
    assert kinds == ["budget_change", "escalation", "gate_review"]
    assert selectors.awaiting(world.users["steering"], world.program_b) == []
    panel = selectors.waiting_panel(world.users["steering"])
    assert len(panel["pending"]) == 3
    assert selectors.waiting_panel(world.users["program_manager"]) is None


# --- pages and API --------------------------------------------------------------------------------------------

def test_api_gate_decision_by_someone_else_is_a_403_naming_why(world, items):
    review = items["review"]
    before = _counts()
    response = _api(client_for(world, "director"), "POST", f"/api/v1/gate-reviews/{review.pk}/decision",
                    {"verdict": "go"})
    assert response.status_code == 403
    assert "Steering Committee of PA" in response.json()["detail"]
    assert _counts() == before


def test_api_stale_if_match_is_412(world, items):
    review = items["review"]
    before = _counts()
    response = _api(client_for(world, "steering"), "POST", f"/api/v1/gate-reviews/{review.pk}/decision",
                    {"verdict": "go"}, HTTP_IF_MATCH=f'"{review.version + 3}"')
    assert response.status_code == 412
    assert _counts() == before
    response = _api(client_for(world, "steering"), "POST", f"/api/v1/gate-reviews/{review.pk}/decision",
                    {"verdict": "go"}, HTTP_IF_MATCH=f'"{review.version}"')
    assert response.status_code == 200 and response.json()["verdict"] == "go"


def test_api_bad_input_names_the_field(world, items):
    other = make_items(world, world.program_b, world.project_b1, "PB-9")
    client = client_for(world, "program_manager")
    count = AuditEvent.objects.count()
    response = _api(client, "POST", "/api/v1/gate-criteria", {"gate": other["gate"].pk, "text": "x"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "gate"
    response = _api(client_for(world, "steering"), "POST", f"/api/v1/gate-reviews/{items['review'].pk}/decision",
                    {"verdict": "maybe"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "verdict"
    response = _api(client, "POST", f"/api/v1/programs/{world.program_a.pk}/lifecycle",
                    {"project": world.project_b1.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "project"
    response = _api(client_for(world, "steering"), "POST", f"/api/v1/gate-reviews/{items['review'].pk}/decision",
                    {"verdict": "go_with_conditions"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "conditions"
    assert AuditEvent.objects.count() == count


def test_page_decision_flow(world, items):
    review = items["review"]
    client = client_for(world, "steering")
    page = client.get(f"/governance/gates/{items['gate'].pk}/")
    assert page.status_code == 200 and b"Decide" in page.content
    response = client.post(f"/governance/reviews/{review.pk}/decide/",
                           {"verdict": "go", "rationale": "ok", "conditions": "", "version": review.version})
    assert response.status_code == 302
    assert Program.objects.get(pk=world.program_a.pk).phase == "define"
    stale = client.post(f"/governance/reviews/{review.pk}/decide/",
                        {"verdict": "go", "rationale": "again", "conditions": "", "version": review.version})
    assert stale.status_code == 409
    page = client_for(world, "director").get(f"/governance/gates/{items['gate'].pk}/")
    assert b'href="/governance/reviews/' in page.content


def test_decision_log_filters_and_query_pin(world, items, django_assert_max_num_queries):
    for day in range(20):
        Decision.objects.create(program=world.program_a, kind="gate" if day % 2 else "other", title=f"D{day}",
                                outcome="go", decided_on=date(2026, 1, 1) + timedelta(days=day),
                                decided_by=world.users["steering"])
    client = client_for(world, "director")
    with django_assert_max_num_queries(12):
        page = client.get("/governance/decisions/?kind=gate&since=2026-01-05&until=2026-01-15&program=PA")
    assert page.status_code == 200
    assert page.content.count(b'class="ref fw-semibold') == 5  # days 5, 7, 9, 11, 13
    assert client.get("/governance/decisions/?since=garbage&by=x").status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/decisions?kind=gate&since=2026-01-05&until=2026-01-15")
    assert response.json()["count"] == 5
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/gates").json()["count"] == 6


def test_history_viewer(world, items):
    criterion = items["criterion"]
    services.criterion_update(actor=world.users["program_manager"], criterion=criterion,
                              expected_version=criterion.version, note="Signed mandate in the board minutes")
    client = client_for(world, "coordinator")
    page = client.get(f"/governance/history/governance.gatecriterion/{criterion.pk}/")
    assert page.status_code == 200 and b"Signed mandate in the board minutes" in page.content
    assert b"program_manager" in page.content or b"Program" in page.content
    api = client.get(f"/api/v1/history/governance.gatecriterion/{criterion.pk}").json()
    assert api[0]["action"] == "update" and api[0]["changes"] == [
        {"field": "note", "before": "", "after": "Signed mandate in the board minutes"}]
    assert client.get(f"/governance/history/portfolio.program/{world.program_b.pk}/").status_code == 404
    assert client.get("/governance/history/no.such/1/").status_code == 404
    assert client.get("/governance/history/accounts.user/1/").status_code == 404
    # a detail page links its history
    detail = client.get(f"/programs/{world.program_a.pk}/")
    assert f'/governance/history/portfolio.program/{world.program_a.pk}/'.encode() in detail.content


def test_deleted_objects_history_for_the_director_only(world):
    project = Project.objects.create(program=world.program_a, code="PA-X", name="Short-lived")
    portfolio_services.project_delete(actor=world.users["director"], project=project,
                                      expected_version=project.version)
    url = f"/governance/history/portfolio.project/{project.pk}/"
    assert client_for(world, "program_manager").get(url).status_code == 404
    page = client_for(world, "director").get(url)
    assert page.status_code == 200 and b"deleted" in page.content


def test_chain_verification_in_the_background(world, items, django_capture_on_commit_callbacks):
    from pmo.governance.models import ChainVerification
    from pmo.governance.tasks import execute

    client = client_for(world, "director")
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post("/governance/audit/").status_code == 302
        assert client.post("/governance/audit/").status_code == 302  # one at a time
    job = ChainVerification.objects.get()
    assert b"queued" in client.get("/governance/audit/").content
    assert execute(job.pk) == "done"
    job.refresh_from_db()
    assert job.results["intact"] is True and job.results["events"] == AuditEvent.objects.count() - 1
    page = client.get("/governance/audit/").content
    assert b"the chain is intact" in page and page.count(b"The chain has not been verified") == 0
    assert page.count(b"<html") == 1
    assert client_for(world, "steering").post("/governance/audit/").status_code == 403


def test_task_findings_make_the_plan_check_fail(world, items):
    Task.objects.create(project=world.project_a1, name="Build", duration=5, constraint_type="MSO",
                        constraint_date=date(2026, 3, 2), early_start=date(2026, 3, 9), total_float=-5)
    gate = services.lifecycle_apply(actor=world.users["director"], target=world.project_a2)[0]
    assert gate.to_phase == "define"


# --- steering committee meetings ---------------------------------------------------------------------------------

def test_the_agenda_is_built_from_what_waits(world, items):
    from pmo.communications.models import AgendaItem

    meeting = items["meeting"]
    items["review"].scheduled_for = timezone.localdate() + timedelta(days=5)
    items["review"].save()
    risk = Risk.objects.create(program=world.program_a, title="Works council veto", probability=4, impact=4,
                               score=16, rating="high")
    Escalation.objects.create(program=world.program_a, risk=risk, from_level="program", to_level="steering",
                              reason="score 16", escalated_at=timezone.now())
    added = services.steering_agenda_build(actor=world.users["coordinator"], meeting=meeting)
    assert sorted(a.subject_type.model for a in added) == ["budgetchange", "escalation", "gatereview"]
    assert services.steering_agenda_build(actor=world.users["coordinator"], meeting=meeting) == []
    assert AgendaItem.objects.filter(meeting=meeting).count() == 3
    page = client_for(world, "steering").get(f"/governance/meetings/{meeting.pk}/")
    assert page.status_code == 200
    assert f'/governance/reviews/{items["review"].pk}/decide/'.encode() in page.content
    assert f'/governance/budget-changes/{items["budget_change"].pk}/decide/'.encode() in page.content


def test_only_steering_meetings_get_a_governance_agenda(world, items):
    from pmo.communications.models import Meeting

    status = Meeting.objects.create(program=world.program_a, kind="status", title="Weekly status",
                                    starts_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.steering_agenda_build(actor=world.users["director"], meeting=status)
    assert "meeting" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.steering_agenda_build(actor=world.users["steering"], meeting=items["meeting"])


def test_decisions_of_a_meeting(world, items):
    meeting = items["meeting"]
    count = AuditEvent.objects.count()
    response = _api(client_for(world, "program_manager"), "POST", "/api/v1/decisions",
                    {"meeting": meeting.pk, "title": "Tranche 2 released", "outcome": "approved"})
    assert response.status_code == 403 and "Steering Committee of PA" in response.json()["detail"]
    assert AuditEvent.objects.count() == count
    response = _api(client_for(world, "steering"), "POST", "/api/v1/decisions",
                    {"meeting": meeting.pk, "title": "Phase moved", "outcome": "go", "kind": "gate"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "kind"
    response = _api(client_for(world, "steering"), "POST", "/api/v1/decisions",
                    {"meeting": meeting.pk + 1000, "title": "Tranche 2 released", "outcome": "approved"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "meeting"
    assert AuditEvent.objects.count() == count
    response = _api(client_for(world, "steering"), "POST", "/api/v1/decisions",
                    {"meeting": meeting.pk, "title": "Tranche 2 released", "outcome": "approved",
                     "decided_on": "2026-06-15"})
    assert response.status_code == 201 and response.json()["meeting"] == meeting.pk
    page = client_for(world, "analyst").get(f"/governance/meetings/{meeting.pk}/")
    assert b"Tranche 2 released" in page.content


def test_the_action_log_and_overdue_actions(world, items, django_assert_max_num_queries):
    # communications' overview panel shows every overdue meeting action to its owner, steering ones included
    assert b"Confirm the tranche 2 budget" in client_for(world, "director").get("/").content
    client = client_for(world, "director")
    with django_assert_max_num_queries(10):
        listing = client.get("/governance/actions/?overdue=1&program=PA")
    assert listing.status_code == 200 and b"Confirm the tranche 2 budget" in listing.content
    assert client.get("/api/v1/steering-actions?overdue=true").json()["count"] == 1


def test_a_phase_the_template_skips_leads_to_its_next_phase(world):
    world.project_a2.phase = "transition"
    world.project_a2.save()
    gates = services.lifecycle_apply(actor=world.users["director"], target=world.project_a2)
    assert [(g.from_phase, g.to_phase) for g in gates] == [("transition", "close")]
    assert gates[0].criteria.count() == 4


def test_quality_gate_criteria_are_computed_evidence(world, items):
    from pmo.quality.models import QualityCriterion, QualityPlan

    gate = items["open_gate"].__class__.objects.get(project=world.project_a1, to_phase="deliver")
    plan = QualityPlan.objects.create(program=world.program_a, project=world.project_a1, title="A1 quality plan")
    passed = QualityCriterion.objects.create(plan=plan, name="Payslips reconcile", gate=True, status="pass")
    QualityCriterion.objects.create(plan=plan, name="Not a gate criterion", gate=False, status="fail")
    found = {e.criterion.kind: e for e in selectors.evidence(world.users["director"], gate)}
    assert found["quality"].met is True and "all 1" in found["quality"].detail
    QualityCriterion.objects.create(plan=plan, name="Load test at 2x peak", gate=True, status="fail")
    found = {e.criterion.kind: e for e in selectors.evidence(world.users["director"], gate)}
    assert found["quality"].met is False and "Load test at 2x peak" in found["quality"].detail
    assert passed.pk


def test_change_requests_beyond_tolerance_wait_for_the_committee(world, items):
    from pmo.change.models import ChangeRequest

    request = ChangeRequest.objects.create(program=world.program_a, title="Add the payroll interface",
                                           type="scope", status="assessed", route="steering")
    pending = {p.kind: p for p in selectors.awaiting(world.users["steering"])}
    assert pending["change_request"].subject == request and pending["change_request"].label == request.ref
