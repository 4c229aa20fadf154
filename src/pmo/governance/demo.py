"""Demo governance: every program and project gets its lifecycle from the standard template; ERP records votes.

The story (program DX, whose Steering Committee member is ``steering``):
- three weeks ago the DX steering committee reviewed the gate of DX-DATA (the data platform) out of Identify:
  mandate and outline business case ticked with their evidence, no open critical risk (computed); the committee
  decided "go with conditions" (a data-protection impact assessment before Define ends), so DX-DATA is in
  Define; the meeting also extended the intranet pilot and agreed two actions, one of them now overdue;
- in nine days the next DX steering committee meets; its agenda was built automatically from what waits for the
  committee: the gate review of DX-WF into Deliver, DX-IAM's budget increase beyond the cost tolerance and the
  risks and issues escalated to the committee.
Written through the services; loading twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from pmo.accounts.models import User
from pmo.communications import services as communications
from pmo.communications.models import Meeting
from pmo.portfolio.models import Program, Project

from . import services
from .models import Decision, Gate, GateReview, GovernanceSettings

PAST_TITLE = "DX steering committee (Q3 review)"
NEXT_TITLE = "DX steering committee"
EVIDENCE = {
    "Mandate approved by the sponsor": ("https://intranet.example.com/dx/data-platform/mandate",
                                        "Signed by the COO on the program board"),
    "Outline business case": ("https://intranet.example.com/dx/data-platform/outline-business-case",
                              "Payback in 3.5 years; 14 reports retired"),
    "Business case approved": ("https://intranet.example.com/dx/case-workflow/business-case",
                               "Approved by the investment committee"),
    "Budget approved": ("", "Within the DX envelope; see the finance page"),
}


def _tick(actor, gate: Gate, texts) -> None:
    for criterion in gate.criteria.filter(kind="manual", text__in=list(texts)):
        url, note = EVIDENCE.get(criterion.text, ("", ""))
        services.criterion_update(actor=actor, criterion=criterion, expected_version=criterion.version, met=True,
                                  evidence_url=url, note=note)


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_governance_demo(director: User) -> dict[str, int]:
    created = {"gates": 0, "reviews": 0, "decisions": 0, "meetings": 0, "agenda": 0}
    users = {u.username: u for u in User.objects.filter(username__in=["steering", "program_manager",
                                                                       "coordinator", "lhughes"])}
    steering, manager = users.get("steering"), users.get("program_manager")
    today = timezone.localdate()
    with transaction.atomic():
        services.default_template()
        erp = Program.objects.filter(code="ERP").first()
        if erp is not None and not GovernanceSettings.objects.filter(program=erp).exists():
            services.settings_update(actor=director, program=erp, votes_required=True)
        dx = Program.objects.filter(code="DX").first()
        if dx is None or steering is None or manager is None:
            return created
        past = Meeting.objects.filter(program=dx, title=PAST_TITLE).first()
        if past is None:
            past = communications.meeting_create(
                actor=director, program=dx, kind="steering_committee", title=PAST_TITLE, location="Board room 4.12",
                starts_at=_at(today - timedelta(days=21), 14), duration_minutes=90, attendee_users=[steering, manager],
                purpose="Quarterly review of the Digital Workplace program", minutes=(
                    "The sponsor opened the Q3 review. DX-DATA passes its first gate with a condition on data "
                    "protection. The intranet pilot is extended to two more sites. DX-IAM's overrun is to be "
                    "explained at the next meeting."))
            created["meetings"] += 1
        for program in Program.objects.order_by("code"):
            for target in (program, *Project.objects.filter(program=program).order_by("code")):
                lookup = {"project": target} if isinstance(target, Project) else {"program": target, "project": None}
                if not Gate.objects.filter(**lookup).exists():
                    created["gates"] += len(services.lifecycle_apply(actor=director, target=target))
        data = Project.objects.filter(code="DX-DATA").first()
        if data is not None and not GateReview.objects.filter(gate__project=data).exists():
            gate = Gate.objects.get(project=data, to_phase="define")
            _tick(manager, gate, ["Mandate approved by the sponsor", "Outline business case"])
            review = services.review_schedule(actor=manager, gate=gate, scheduled_for=today - timedelta(days=21))
            services.review_decide(
                actor=steering, review=review, expected_version=review.version, verdict="go_with_conditions",
                meeting_id=past.pk, rationale="The case is sound and the sponsor committed the data owners.",
                conditions="A data-protection impact assessment is approved by the DPO before the Define gate.")
            services.meeting_decision_record(
                actor=steering, meeting=past, title="Intranet pilot extended to the Nord and Süd sites",
                outcome="approved", rationale="Adoption above 70 % in the pilot site.",
                decided_on=today - timedelta(days=21))
            communications.action_create(actor=director, meeting=past, owner=manager,
                                         description="Explain DX-IAM's cost overrun with a recovery plan",
                                         due=today - timedelta(days=4))
            communications.action_create(actor=director, meeting=past, owner=users.get("coordinator"),
                                         description="Book the DPIA workshop with the DPO",
                                         due=today + timedelta(days=12))
            created["reviews"] += 1
            created["decisions"] += 2
        workflow = Project.objects.filter(code="DX-WF").first()
        if workflow is not None and not GateReview.objects.filter(gate__project=workflow).exists():
            gate = Gate.objects.get(project=workflow, to_phase="deliver")
            _tick(workflow.project_manager or manager, gate, ["Business case approved", "Budget approved"])
            services.review_schedule(actor=manager, gate=gate, scheduled_for=today + timedelta(days=9))
            created["reviews"] += 1
        upcoming = Meeting.objects.filter(program=dx, title=NEXT_TITLE).first()
        if upcoming is None:
            upcoming = communications.meeting_create(
                actor=director, program=dx, kind="steering_committee", title=NEXT_TITLE, location="Board room 4.12",
                starts_at=_at(today + timedelta(days=9), 14), duration_minutes=90,
                attendee_users=[steering, manager], purpose="Decisions waiting for the committee")
            created["meetings"] += 1
            created["agenda"] += len(services.steering_agenda_build(actor=director, meeting=upcoming))
    created["decision_log"] = Decision.objects.count()
    return created
