"""Every write path writes exactly one hash-chained audit event; tampering is detected."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pmo.core import audit
from pmo.core.models import AuditEvent
from pmo.portfolio import services

from ..conftest import client_for


def _events():
    return AuditEvent.objects.count()


def test_page_edit_writes_one_event(world):
    project = world.project_a1
    before = _events()
    response = client_for(world, "project_manager").post(f"/projects/{project.pk}/edit/", {
        "program": project.program_id, "code": project.code, "name": "Renamed on the page", "status": "active",
        "phase": "deliver", "version": project.version, "project_manager": project.project_manager_id,
        "start": "2026-01-12", "finish": "2026-12-18",
    })
    assert response.status_code == 302
    assert _events() == before + 1
    event = AuditEvent.objects.last()
    assert (event.action, event.actor_name, event.object_id) == ("update", "project_manager", str(project.pk))
    assert event.before["name"] == "Project A1" and event.after["name"] == "Renamed on the page"
    assert set(event.after) == {"name", "status", "phase"}


def test_api_create_update_delete_write_one_event_each(world):
    client = client_for(world, "director")
    before = _events()
    created = client.post("/api/v1/projects", {"program": world.program_b.pk, "code": "PB-9", "name": "Nine"},
                          content_type="application/json")
    assert created.status_code == 201
    assert _events() == before + 1
    pk = created.json()["id"]
    patched = client.patch(f"/api/v1/projects/{pk}", {"name": "Nine!"}, content_type="application/json",
                           HTTP_IF_MATCH=created["ETag"])
    assert patched.status_code == 200
    assert _events() == before + 2
    deleted = client.delete(f"/api/v1/projects/{pk}", HTTP_IF_MATCH=patched["ETag"])
    assert deleted.status_code == 204
    assert _events() == before + 3
    assert list(AuditEvent.objects.order_by("-id").values_list("action", flat=True)[:3]) == [
        "delete", "update", "create"]


def test_command_writes_one_event(world):
    before = _events()
    call_command("project", "update", "PA-1", "--as", "project_manager", "--set", "finish=2026-12-31",
                 stdout=io.StringIO())
    assert _events() == before + 1
    assert AuditEvent.objects.last().after == {"finish": "2026-12-31"}


def test_refused_writes_write_nothing(world):
    before = _events()
    client = client_for(world, "project_manager")
    assert client.patch(f"/api/v1/projects/{world.project_a1.pk}", {"program": world.program_b.pk},
                        content_type="application/json", HTTP_IF_MATCH='"1"').status_code in {403, 422}
    assert client.patch(f"/api/v1/projects/{world.project_a1.pk}", {"finish": "2000-01-01"},
                        content_type="application/json", HTTP_IF_MATCH='"1"').status_code == 422
    assert _events() == before


def test_no_change_writes_no_event(world):
    before = _events()
    services.project_update(actor=world.users["director"], project=world.project_a1, expected_version=1,
                            name=world.project_a1.name)
    assert _events() == before


def test_events_are_append_only(world):
    services.project_update(actor=world.users["director"], project=world.project_a1, expected_version=1, name="X")
    event = AuditEvent.objects.last()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")


def _chain(world, n=4):
    for i in range(n):
        project = type(world.project_a1).objects.get(pk=world.project_a1.pk)
        services.project_update(actor=world.users["director"], project=project, expected_version=project.version,
                                name=f"name {i}")
    return list(AuditEvent.objects.order_by("id"))


def test_verify_passes_on_an_intact_trail(world):
    _chain(world)
    assert audit.verify() is None
    call_command("audit", "verify", stdout=io.StringIO())


def test_verify_names_a_changed_event(world):
    events = _chain(world)
    victim = events[1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE id = %s",
                       [json.dumps({"name": "forged"}), victim.pk])
    with pytest.raises(CommandError, match=f"event #{victim.pk}: content does not match"):
        call_command("audit", "verify")


def test_verify_names_the_event_after_a_removed_one(world):
    events = _chain(world)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"event #{events[2].pk}: previous_hash"):
        call_command("audit", "verify")


def test_verify_detects_removal_of_the_newest_events(world):
    events = _chain(world)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[-1].pk])
    with pytest.raises(CommandError, match="newest events were removed"):
        call_command("audit", "verify")

