"""RAID detail pages: issues link to the risk they came from and back, issues are escalated from their page,
the steering committee opens what it decides, and the pages' query counts do not grow with the rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.raid import services
from pmo.raid.models import Escalation, Issue, Risk

from ..conftest import client_for
from .matrix import make_items


@pytest.fixture
def occurred(world):
    """A risk of A1 that occurred, and the issue it became (through the service)."""
    risk = Risk.objects.create(program=world.program_a, project=world.project_a1, title="Data centre outage",
                               probability=4, impact=4, score=16, rating="critical")
    issue = services.risk_occur(actor=world.users["project_manager"], risk=risk, expected_version=risk.version)
    return Risk.objects.get(pk=risk.pk), Issue.objects.get(pk=issue.pk)


def test_issue_and_risk_link_to_each_other(world, occurred):
    risk, issue = occurred
    client = client_for(world, "analyst")
    body = client.get(issue.get_absolute_url()).content.decode()
    assert 'data-testid="source-risk"' in body and risk.get_absolute_url() in body
    body = client.get(risk.get_absolute_url()).content.decode()
    assert 'data-testid="resulting-issue"' in body and issue.get_absolute_url() in body


@pytest.mark.parametrize(("role", "may"), [("project_manager", True), ("program_manager", True), ("director", True),
                                           ("steering", False), ("analyst", False), ("coordinator", False)])
def test_escalate_control_only_for_those_who_may(world, occurred, role, may):
    _risk, issue = occurred
    response = client_for(world, role).get(issue.get_absolute_url())
    assert response.status_code == 200
    assert ('data-testid="escalate-form"' in response.content.decode()) is may
    assert ('data-testid="controls"' in response.content.decode()) is may


def test_project_manager_escalates_the_issue_from_its_page(world, occurred):
    _risk, issue = occurred
    level = issue.escalation_level
    client = client_for(world, "project_manager")
    response = client.post(f"/raid/issues/{issue.pk}/escalate/", {"version": issue.version, "reason": "blocks go-live"})
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    escalation = Escalation.objects.filter(issue=issue).latest("pk")
    assert escalation.from_level == level and escalation.reason == "blocks go-live"
    body = client.get(issue.get_absolute_url()).content.decode()
    assert escalation.get_absolute_url() in body


def test_steering_opens_the_issue_it_decides_and_decides_on_the_escalation_page(world, occurred):
    _risk, issue = occurred
    escalation = Escalation.objects.create(program=issue.program, issue=issue, from_level="program",
                                           to_level="steering", reason="needs funding", escalated_at=timezone.now())
    steering = client_for(world, "steering")
    listing = steering.get("/raid/escalations/").content.decode()
    assert issue.get_absolute_url() in listing and escalation.get_absolute_url() in listing
    assert steering.get(issue.get_absolute_url()).status_code == 200
    page = steering.get(escalation.get_absolute_url()).content.decode()
    assert 'data-testid="decide-form"' in page
    assert 'data-testid="decide-form"' not in client_for(world, "program_manager").get(
        escalation.get_absolute_url()).content.decode()


def test_assumption_and_action_pages(world):
    items = make_items(world.project_a1)
    coordinator = client_for(world, "coordinator")
    body = coordinator.get(items["assumption"].get_absolute_url()).content.decode()
    assert "Budget approved" in body and "/edit/" not in body
    body = coordinator.get(items["action"].get_absolute_url()).content.decode()
    assert items["risk"].get_absolute_url() in body
    crumbs = coordinator.get(items["action"].get_absolute_url()).context["breadcrumbs"]
    assert [c.label for c in crumbs] == ["Portfolio", "PA", "PA-1", "RAID", items["risk"].ref,
                                         "Pair a second architect"]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


PINNED = {"risk": 11, "issue": 7, "assumption": 5, "escalation": 6, "action": 5}


def test_detail_pages_query_counts_do_not_grow(world, occurred):
    risk, issue = occurred
    items = make_items(world.project_a1)
    urls = {"risk": risk.get_absolute_url(), "issue": issue.get_absolute_url(),
            "assumption": items["assumption"].get_absolute_url(),
            "escalation": items["escalation"].get_absolute_url(), "action": items["action"].get_absolute_url()}
    client = client_for(world, "steering")
    for url in urls.values():
        client.get(url)  # the first RAID page creates the portfolio's risk scale
    few = {name: _count(client, url) for name, url in urls.items()}
    for i in range(15):
        for item in (risk, issue):
            Escalation.objects.create(program=item.program, from_level="project", to_level="program",
                                      reason=f"step {i}", escalated_at=timezone.now(),
                                      **({"risk": item} if item is risk else {"issue": item}))
        risk.actions.create(description=f"action {i}", due=date(2026, 5, 1))
        task = items["raid_task"].__class__.objects.create(project=world.project_a1, name=f"T{i}", duration=1)
        risk.tasks.add(task)
        issue.tasks.add(task)
    many = {name: _count(client, url) for name, url in urls.items()}
    assert few == many == PINNED, (few, many)
