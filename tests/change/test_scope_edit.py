"""Creating, editing and deleting deliverables and scope items through the API and the pages: who may, If-Match,
bad input naming the field with nothing written, and the rules of deleting a deliverable."""

from __future__ import annotations

import json

import pytest

from pmo.change import services
from pmo.change.models import Deliverable, ScopeItem
from pmo.core.models import AuditEvent

from ..conftest import client_for
from .matrix import make_items


def _send(client, method, url, body=None, version=None):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.generic(method, url, json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


def _counts():
    return Deliverable.objects.count(), ScopeItem.objects.count(), AuditEvent.objects.count()


def test_the_api_creates_edits_and_deletes_with_one_audit_event_each(world):
    project = world.own("project")
    found = make_items(project)
    client = client_for(world, "project_manager")
    events = AuditEvent.objects.count()
    created = _send(client, "POST", "/api/v1/deliverables", {
        "project": project.pk, "code": "D2", "name": "Runbook", "due": "2026-05-01", "tasks": [found["build"].pk]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Runbook" and created["ETag"] == '"1"'
    deliverable = Deliverable.objects.get(pk=body["id"])
    assert list(deliverable.tasks.all()) == [found["build"]]
    assert AuditEvent.objects.count() == events + 2  # the create and the linked tasks
    patched = _send(client, "PATCH", f"/api/v1/deliverables/{deliverable.pk}", {"status": "in_progress"},
                    version=1)
    assert patched.status_code == 200 and patched.json()["status"] == "in_progress"
    item = _send(client, "POST", "/api/v1/scope-items", {"project": project.pk, "name": "Review", "code": "S2",
                                                        "deliverable": deliverable.pk, "tasks": []})
    assert item.status_code == 201, item.content
    item_id = item.json()["id"]
    assert _send(client, "PATCH", f"/api/v1/scope-items/{item_id}", {"status": "done"},
                 version=1).json()["status"] == "done"
    # the deliverable is referenced by the item: refused, nothing written
    counts = _counts()
    refused = _send(client, "DELETE", f"/api/v1/deliverables/{deliverable.pk}", version=2)
    assert refused.status_code == 422 and "scope items" in refused.content.decode()
    assert _counts() == counts
    assert _send(client, "DELETE", f"/api/v1/scope-items/{item_id}", version=2).status_code == 204
    assert _send(client, "DELETE", f"/api/v1/deliverables/{deliverable.pk}", version=2).status_code == 204
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()
    assert AuditEvent.objects.filter(action="delete").count() == 2


@pytest.mark.parametrize(("path", "body", "field"), [
    ("deliverables", {"name": "X", "tasks": ["other-task"]}, "tasks"),
    ("deliverables", {"name": "X", "status": "accepted"}, "status"),
    ("deliverables", {"name": "X" * 201}, "name"),
    ("deliverables", {"name": "X", "due": "1066-10-14"}, "due"),
    ("deliverables", {"name": "X", "owner": 999999}, "owner"),
    ("deliverables", {"name": "X", "tasks": list(range(1, 502))}, "tasks"),
    ("deliverables", {"name": "X", "project": "other-project"}, "project"),
    ("scope-items", {"name": "X", "deliverable": "other-deliverable"}, "deliverable"),
    ("scope-items", {"name": "X", "tasks": ["other-task"]}, "tasks"),
    ("scope-items", {"name": "X", "status": "maybe"}, "status"),
    ("scope-items", {"name": "", "code": "C" * 41}, "name"),
    ("scope-items", {"name": "X", "surprise": 1}, "surprise"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, path, body, field):
    own, other = make_items(world.own("project")), make_items(world.other("project"))
    names = {"other-task": other["design"].pk, "other-deliverable": other["deliverable"].pk,
             "other-project": world.other("project").pk}
    body = {"project": world.own("project").pk, **body}
    body = {k: ([names.get(t, t) for t in v] if isinstance(v, list) else names.get(v, v)) for k, v in body.items()}
    counts = _counts()
    response = _send(client_for(world, "project_manager"), "POST", f"/api/v1/{path}", body)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"]), response.json()
    assert _counts() == counts
    assert own["deliverable"].tasks.count() == 2


def test_other_users_ids_are_404_and_stale_versions_412(world):
    other = make_items(world.other("project"))
    own = make_items(world.own("project"))
    client = client_for(world, "project_manager")
    counts = _counts()
    assert _send(client, "PATCH", f"/api/v1/deliverables/{other['deliverable'].pk}", {"name": "Y"},
                 version=1).status_code == 404
    assert _send(client, "DELETE", f"/api/v1/scope-items/{other['item'].pk}", version=1).status_code == 404
    assert _send(client, "GET", f"/api/v1/scope-items/{other['item'].pk}").status_code == 404
    assert _send(client, "PATCH", f"/api/v1/scope-items/{own['item'].pk}", {"name": "Y"},
                 version=own["item"].version + 1).status_code == 412
    assert _send(client, "PATCH", f"/api/v1/deliverables/{own['deliverable'].pk}", {"name": "Y"}).status_code == 428
    assert _counts() == counts


def test_an_accepted_deliverable_is_kept(world):
    project = world.own("project")
    make_items(project)
    spare = services.deliverable_create(actor=world.users["director"], project=project, name="Training pack")
    accepted = services.deliverable_accept(actor=world.users["director"], deliverable=spare)
    counts = _counts()
    response = _send(client_for(world, "director"), "DELETE", f"/api/v1/deliverables/{spare.pk}",
                     version=accepted.version)
    assert response.status_code == 422 and "status" in json.dumps(response.json())
    assert _counts() == counts


def test_the_pages_create_edit_and_delete(world):
    project = world.own("project")
    found = make_items(project)
    client = client_for(world, "project_manager")
    scope = client.get(f"/change/projects/{project.pk}/scope/").content.decode()
    assert "New deliverable" in scope and "New scope item" in scope
    assert "New deliverable" not in client_for(world, "analyst").get(
        f"/change/projects/{project.pk}/scope/").content.decode()
    form = client.get(f"/change/projects/{project.pk}/scope/deliverables/new/")
    assert form.status_code == 200 and b'name="acceptance_criteria"' in form.content
    counts = _counts()
    bad = client.post(f"/change/projects/{project.pk}/scope/deliverables/new/",
                      {"name": "", "status": "planned", "due": "1066-10-14"})
    assert bad.status_code == 422 and b"invalid-feedback" in bad.content and _counts() == counts
    saved = client.post(f"/change/projects/{project.pk}/scope/deliverables/new/", {
        "code": "D2", "name": "Runbook", "status": "planned", "tasks": [found["build"].pk]})
    assert saved.status_code == 302
    deliverable = Deliverable.objects.get(project=project, code="D2")
    assert list(deliverable.tasks.all()) == [found["build"]]
    page = client.get(deliverable.get_absolute_url()).content.decode()
    assert f"/change/deliverables/{deliverable.pk}/edit/" in page and "Delete" in page
    edit = client.get(f"/change/deliverables/{deliverable.pk}/edit/")
    assert edit.status_code == 200 and b"Runbook" in edit.content
    assert client.post(f"/change/deliverables/{deliverable.pk}/edit/", {
        "code": "D2", "name": "Cut-over runbook", "status": "in_progress", "tasks": [], "version": 1,
    }).status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.name == "Cut-over runbook" and not deliverable.tasks.exists()
    stale = client.post(f"/change/deliverables/{deliverable.pk}/edit/", {"name": "Z", "status": "planned",
                                                                         "version": 1})
    assert stale.status_code == 409
    item = client.post(f"/change/projects/{project.pk}/scope/items/new/", {
        "code": "S2", "name": "Runbook review", "status": "in_scope", "deliverable": deliverable.pk})
    assert item.status_code == 302
    item = ScopeItem.objects.get(project=project, code="S2")
    assert client.get(f"/change/scope-items/{item.pk}/edit/").status_code == 200
    confirm = client.get(f"/change/deliverables/{deliverable.pk}/delete/")
    assert confirm.status_code == 200 and b"Delete" in confirm.content
    counts = _counts()
    refused = client.post(f"/change/deliverables/{deliverable.pk}/delete/", {"version": deliverable.version})
    assert refused.status_code == 409 and b"scope items" in refused.content and _counts() == counts
    assert client.post(f"/change/scope-items/{item.pk}/delete/", {"version": item.version}).status_code == 302
    assert client.post(f"/change/deliverables/{deliverable.pk}/delete/",
                       {"version": deliverable.version}).status_code == 302
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()
