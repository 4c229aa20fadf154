"""Every write path writes exactly one hash-chained audit event; tampering is detected."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pmo.core import audit
from pmo.core.models import AuditChainHead, AuditEvent
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



# -- a keyed chain and anchors, against someone who can write to the database --------------------------

def _rewrite(victim, hasher, after=None):
    """Change ``victim`` and recompute every later hash and the head with ``hasher``, as a DBA would."""
    table = AuditEvent._meta.db_table
    previous = audit.GENESIS
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.order_by("id"):
            if event.pk < victim.pk:
                previous = event.hash
                continue
            if event.pk == victim.pk:
                event.after = after or {"name": "forged"}
            event.previous_hash = previous
            previous = hasher(event)
            cursor.execute(f"UPDATE {table} SET after = %s, previous_hash = %s, hash = %s WHERE id = %s",
                           [json.dumps(event.after), event.previous_hash, previous, event.pk])
        cursor.execute(f"UPDATE {AuditChainHead._meta.db_table} SET last_hash = %s", [previous])


def test_rewrite_recomputed_without_the_key_is_named(world):
    events = _chain(world)
    _rewrite(events[1], audit.plain_hash)
    with pytest.raises(CommandError, match=f"event #{events[1].pk}: content does not match its hash: it is "
                                           "hashed without the audit key"):
        call_command("audit", "verify")


def test_rewrite_with_another_key_is_named(world):
    events = _chain(world)
    _rewrite(events[2], lambda event: audit.event_hash(event, "a guessed key of the attacker's"))
    with pytest.raises(CommandError, match=f"event #{events[2].pk}: content does not match its hash"):
        call_command("audit", "verify")


def test_anchor_appends_and_verify_anchors_names_a_rewrite_with_the_key(world, tmp_path):
    anchors = tmp_path / "anchors.log"
    events = _chain(world)
    call_command("audit", "anchor", "--file", str(anchors), stdout=io.StringIO())
    events = _chain(world, 2)
    call_command("audit", "anchor", "--file", str(anchors), stdout=io.StringIO())
    lines = anchors.read_text().splitlines()
    assert [line.split()[1:] for line in lines] == [
        [f"event={events[3].pk}", f"hash={events[3].hash}"], [f"event={events[5].pk}", f"hash={events[5].hash}"]]
    out = io.StringIO()
    call_command("audit", "verify", "--anchors", str(anchors), stdout=out)
    assert "matches its 2 anchors" in out.getvalue()

    _rewrite(events[1], audit.event_hash)  # with the key: the chain itself verifies again
    assert audit.verify() is None
    with pytest.raises(CommandError, match=f"at event #{events[3].pk}: its hash differs from the one anchored on "
                                           "line 1 .*from the start up to this one was rewritten"):
        call_command("audit", "verify", "--anchors", str(anchors))
    with pytest.raises(CommandError, match=f"event #{events[3].pk}"):  # and no new anchor blesses the rewrite
        call_command("audit", "anchor", "--file", str(anchors))
    assert len(anchors.read_text().splitlines()) == 2


def test_verify_anchors_bounds_the_rewrite_and_sees_removed_events(world, tmp_path):
    anchors = tmp_path / "anchors.log"
    events = _chain(world, 2)
    call_command("audit", "anchor", "--file", str(anchors), stdout=io.StringIO())
    events = _chain(world, 2)
    call_command("audit", "anchor", "--file", str(anchors), stdout=io.StringIO())
    _rewrite(events[2], audit.event_hash)
    with pytest.raises(CommandError, match=f"at event #{events[3].pk}: .*after event #{events[1].pk} up to"):
        call_command("audit", "verify", "--anchors", str(anchors))
    with connection.cursor() as cursor:  # a DBA removes the newest events and fixes the head row
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id >= %s", [events[2].pk])
        cursor.execute(f"UPDATE {AuditChainHead._meta.db_table} SET last_hash = %s, event_count = 2",
                       [events[1].hash])
    assert audit.verify() is None
    with pytest.raises(CommandError, match=f"event #{events[3].pk}: anchored on line 2 .* no longer exists"):
        call_command("audit", "verify", "--anchors", str(anchors))


def test_anchor_by_email_and_bad_anchor_files(world, tmp_path, mailoutbox):
    events = _chain(world, 1)
    call_command("audit", "anchor", "--email", "auditor@example.com", stdout=io.StringIO())
    assert mailoutbox[0].to == ["auditor@example.com"]
    assert f"event={events[0].pk} hash={events[0].hash}" in mailoutbox[0].body
    with pytest.raises(CommandError, match="--file FILE and/or --email ADDR"):
        call_command("audit", "anchor")
    bad = tmp_path / "bad.log"
    bad.write_text("2026-11-30T10:00:00Z event=1 hash=abc\n")
    with pytest.raises(CommandError, match="bad.log, line 1: not an anchor"):
        call_command("audit", "verify", "--anchors", str(bad))


def test_rekey_keys_an_unkeyed_chain_and_refuses_a_broken_one(world, monkeypatch):
    events = _chain(world)
    _rewrite(events[0], audit.plain_hash, after=events[0].after)  # as written before the chain was keyed
    assert "without the audit key" in audit.verify().reason
    assert audit.rekey(old_key=None) == 4
    assert audit.verify() is None

    monkeypatch.setenv("PMO_OLD_AUDIT_KEY", "the key the chain was written with")
    with pytest.raises(CommandError, match=f"event #{events[0].pk}: does not verify under the old key"):
        call_command("audit", "rekey", "--old-key-env", "PMO_OLD_AUDIT_KEY")
    _rewrite(events[0], lambda event: audit.event_hash(event, "the key the chain was written with"),
             after=events[0].after)
    out = io.StringIO()
    call_command("audit", "rekey", "--old-key-env", "PMO_OLD_AUDIT_KEY", stdout=out)
    assert "re-hashed 4 events" in out.getvalue()
    assert audit.verify() is None
