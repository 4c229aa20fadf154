"""The governance demo tells its story: a past gate review with evidence and a decision, an upcoming steering
committee whose agenda was built from what waits; loading twice changes nothing."""

from __future__ import annotations

from pmo.communications.models import AgendaItem, Meeting
from pmo.governance.demo import NEXT_TITLE, load_governance_demo
from pmo.governance.models import Decision, Gate, GateReview
from pmo.portfolio.demo import load_demo
from pmo.portfolio.models import Project

from ..conftest import client_for


def test_governance_demo(db):
    load_demo()
    data = Project.objects.get(code="DX-DATA")
    assert data.phase == "define"
    past = GateReview.objects.get(gate__project=data)
    assert past.verdict == "go_with_conditions" and past.decided_by.username == "steering"
    assert [c["met"] for c in past.evidence["criteria"]] == [True, True, True]
    upcoming = Meeting.objects.get(title=NEXT_TITLE)
    kinds = sorted({item.subject_type.model for item in AgendaItem.objects.filter(meeting=upcoming)})
    assert {"budgetchange", "escalation", "gatereview"} <= set(kinds)
    counts = (Gate.objects.count(), GateReview.objects.count(), Decision.objects.count(),
              AgendaItem.objects.count())
    from pmo.accounts.models import User

    again = load_governance_demo(User.objects.get(username="director"))
    assert again["gates"] == again["reviews"] == again["meetings"] == again["agenda"] == 0
    assert (Gate.objects.count(), GateReview.objects.count(), Decision.objects.count(),
            AgendaItem.objects.count()) == counts

    class Demo:
        users = {u.username: u for u in User.objects.all()}

    page = client_for(Demo, "steering").get(f"/governance/meetings/{upcoming.pk}/")
    assert page.status_code == 200 and b"Budget change beyond tolerance" in page.content
    overview = client_for(Demo, "program_manager").get("/")
    assert b"Explain DX-IAM" in overview.content
