"""The demo's change requests: one implemented with its baseline, one within tolerance waiting for the Program
Manager, one beyond tolerance waiting for the Steering Committee (its impact is the closing note's); the pages of
the demo render for the deciders."""

from __future__ import annotations

from django.test import Client

from pmo.accounts.models import User
from pmo.change.models import BaselineChange, ChangeRequest, Deliverable, ScopeItem
from pmo.change.selectors import awaiting_decision, awaiting_steering
from pmo.change.services import is_stale
from pmo.portfolio.demo import load_demo


def test_demo_change_requests(db):
    load_demo()
    users = {u.username: u for u in User.objects.all()}
    requests = {cr.status + ":" + cr.route: cr for cr in ChangeRequest.objects.filter(program__code="DX")}
    assert set(requests) == {"implemented:program_manager", "assessed:program_manager", "assessed:steering"}
    done = requests["implemented:program_manager"]
    assert BaselineChange.objects.get(change_request=done).baseline.name.startswith(done.ref)
    beyond = requests["assessed:steering"]
    assert list(awaiting_steering(users["steering"])) == [beyond]
    assert list(awaiting_decision(users["program_manager"])) == [requests["assessed:program_manager"]]
    results = beyond.assessments.get().results
    wf = next(p for p in results["projects"] if p["code"] == "DX-WF")
    assert wf["working_days"] == 15 and results["worst_slip_working_days"] == 15
    staff = results["resources"]  # the Java developers and the integration people of the DX plan
    assert staff["people"] > 0 and staff["over_weeks_before"] >= 0 and staff["over_weeks_after"] >= 0
    assert all(r["status"] in ("newly over-allocated", "relieved", "still over-allocated") for r in staff["rows"])
    assert all("resources" in cr.assessments.get().results for cr in requests.values())
    assert not is_stale(beyond)
    assert Deliverable.objects.filter(status="accepted").exists() and ScopeItem.objects.count() > 13
    client = Client()
    client.force_login(users["steering"])
    page = client.get(beyond.get_absolute_url())
    assert page.status_code == 200 and b"Record decision" in page.content and b"DX-WF" in page.content
    assert b'data-testid="impact-resources"' in page.content
    assert load_demo() == {"users": 0, "programs": 0, "projects": 0}
    assert ChangeRequest.objects.count() == 3
