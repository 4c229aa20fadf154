"""Routing through every door: beyond tolerance the Program Manager gets 403 from the page, the API and the
command; a stale assessment is a 409 on the API and the page; bad edits through the API are 422 naming the edit."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from pmo.change.models import ChangeRequest
from pmo.core.models import AuditEvent
from pmo.planning.models import Task
from pmo.planning.services import task_update

from ..conftest import client_for
from .plans import make_plan
from .test_workflow import beyond, within


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_beyond_tolerance_the_program_manager_is_refused_everywhere(world):
    request = beyond(world, make_plan(world))
    client = client_for(world, "program_manager")
    page = client.post(f"/change/requests/{request.pk}/decide/", {"decision": "approved"})
    assert page.status_code == 403
    api = _post(client, f"/api/v1/change-requests/{request.pk}/decide", {"decision": "approved"})
    assert api.status_code == 403 and "Steering Committee" in api.json()["detail"]
    with pytest.raises(CommandError, match="forbidden"):
        call_command("change", "decide", request.ref, "--as", "program_manager", "--decision", "approved")
    assert ChangeRequest.objects.get(pk=request.pk).status == "assessed"
    call_command("change", "decide", request.ref, "--as", "steering", "--decision", "approved")
    assert ChangeRequest.objects.get(pk=request.pk).status == "approved"


def test_a_stale_assessment_is_a_409_on_the_api_and_the_page(world):
    plan = make_plan(world)
    request = within(world, plan)
    task = Task.objects.get(pk=plan["DES"].pk)
    task_update(actor=world.users["director"], task=task, expected_version=task.version, duration=6)
    client = client_for(world, "program_manager")
    response = _post(client, f"/api/v1/change-requests/{request.pk}/decide", {"decision": "approved"})
    assert response.status_code == 409 and request.ref in response.json()["detail"]
    assert client.get(f"/api/v1/change-requests/{request.pk}").json()["assessment"]["stale"] is True
    assert client.post(f"/change/requests/{request.pk}/decide/", {"decision": "approved"}).status_code == 409
    with pytest.raises(CommandError, match="conflict"):
        call_command("change", "decide", request.ref, "--as", "program_manager", "--decision", "approved")


def test_bad_edits_through_the_api_name_the_edit_and_field(world):
    plan = make_plan(world)
    other = Task.objects.create(project=world.project_b1, name="Elsewhere", duration=1)
    client = client_for(world, "program_manager")
    counts = (ChangeRequest.objects.count(), AuditEvent.objects.count())
    for edits, loc in (
        ([{"op": "task_update", "task": plan["BLD"].pk, "duration": 6}, {"op": "task_update", "task": other.pk}],
         "edits[1].task"),
        ([{"op": "link_add", "predecessor": plan["GO"].pk, "successor": plan["DES"].pk}], "edits[0].predecessor"),
        ([{"op": "task_update", "task": plan["BLD"].pk, "duration": "long"}], "edits[0].duration"),
    ):
        response = _post(client, "/api/v1/change-requests", {"program": world.program_a.pk, "title": "T",
                                                              "edits": edits})
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"][-1] == loc
    assert (ChangeRequest.objects.count(), AuditEvent.objects.count()) == counts


def test_the_whole_flow_through_the_api_and_the_pages(world, django_assert_max_num_queries):
    plan = make_plan(world)
    client = client_for(world, "program_manager")
    created = _post(client, "/api/v1/change-requests", {
        "program": world.program_a.pk, "title": "Longer build", "type": "schedule",
        "edits": [{"op": "task_update", "task": plan["BLD"].pk, "duration": "12.5"}]})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert _post(client, f"/api/v1/change-requests/{pk}/submit", {}).status_code == 200
    assessed = _post(client, f"/api/v1/change-requests/{pk}/assess", {}).json()
    assert assessed["status"] == "assessed" and assessed["route"] == "program_manager"
    assert assessed["assessment"]["results"]["program"]["working_days"] == 3
    page = client.get(f"/change/requests/{pk}/")
    assert page.status_code == 200 and b"Program finish" in page.content and b"Record decision" in page.content
    assert client.post(f"/change/requests/{pk}/decide/", {"decision": "approved"}).status_code == 302
    assert client.post(f"/change/requests/{pk}/implement/").status_code == 302
    assert ChangeRequest.objects.get(pk=pk).status == "implemented"
    log = client.get(f"/change/programs/{world.program_a.pk}/log/")
    assert f"CR-{pk}".encode() in log.content
    for n in range(30):
        ChangeRequest.objects.create(program=world.program_a, title=f"CR {n}")
    with django_assert_max_num_queries(14):
        assert client.get(f"/change/programs/{world.program_a.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/change/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/change-requests").status_code == 200
