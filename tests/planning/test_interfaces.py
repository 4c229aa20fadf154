"""Who may do what with an interface (issue 7 item 20): the provider's side owns it and its delivery,
the consumer's side acknowledges it (and accepts a delivery), deleting one is the program's decision."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.models import AuditEvent
from pmo.planning import services
from pmo.planning.models import Interface

from ..conftest import client_for


@pytest.fixture
def consumed(world):
    """An interface A2 provides and A1 (the project manager's project) consumes."""
    return Interface.objects.create(provider=world.project_a2, consumer=world.project_a1, title="Payroll feed",
                                    status="agreed")


@pytest.fixture
def provided(world):
    """An interface A1 (the project manager's project) provides to A2."""
    return Interface.objects.create(provider=world.project_a1, consumer=world.project_a2, title="Identity service",
                                    status="agreed")


def test_consumer_cannot_deliver_or_delete_the_providers_interface(world, consumed):
    """What was seen: a project manager at the consumer end set 'delivered' and deleted the interface."""
    pm = world.users["project_manager"]
    with pytest.raises(PermissionDenied):
        services.interface_update(actor=pm, interface=consumed, expected_version=consumed.version, status="delivered")
    with pytest.raises(PermissionDenied):
        services.interface_delete(actor=pm, interface=consumed, expected_version=consumed.version)
    consumed.refresh_from_db()
    assert consumed.status == "agreed"


def test_consumer_acknowledges_and_it_is_recorded_and_audited(world, consumed):
    pm = world.users["project_manager"]
    updated = services.interface_acknowledge(actor=pm, interface=consumed, expected_version=consumed.version,
                                             note="we plan our cutover on it")
    assert updated.acknowledged_by == pm and updated.acknowledged_at is not None
    assert updated.consumer_note == "we plan our cutover on it" and updated.status == "agreed"
    event = AuditEvent.objects.filter(object_id=str(consumed.pk), action="acknowledge").get()
    assert event.actor == pm and event.after["acknowledged_by_id"] == pm.pk


def test_acknowledging_a_delivery_accepts_it(world, consumed):
    Interface.objects.filter(pk=consumed.pk).update(status="delivered")
    consumed.refresh_from_db()
    updated = services.interface_acknowledge(actor=world.users["project_manager"], interface=consumed,
                                             expected_version=consumed.version)
    assert updated.status == "accepted"


def test_provider_changes_but_neither_accepts_nor_deletes(world, provided):
    pm = world.users["project_manager"]
    updated = services.interface_update(actor=pm, interface=provided, expected_version=provided.version,
                                        status="delivered")
    assert updated.status == "delivered"
    with pytest.raises(ValidationError) as refused:
        services.interface_update(actor=pm, interface=updated, expected_version=updated.version, status="accepted")
    assert "status" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.interface_acknowledge(actor=pm, interface=updated, expected_version=updated.version)
    with pytest.raises(PermissionDenied):
        services.interface_delete(actor=pm, interface=updated, expected_version=updated.version)


def test_the_program_manager_deletes(world, provided):
    services.interface_delete(actor=world.users["program_manager"], interface=provided,
                              expected_version=provided.version)
    assert not Interface.objects.filter(pk=provided.pk).exists()


def test_only_the_provider_side_registers_an_interface(world):
    """The steering committee sees both projects but changes neither plan."""
    with pytest.raises(PermissionDenied):
        services.interface_create(actor=world.users["steering"], provider=world.project_a1,
                                  consumer=world.project_a2, title="Reports")
    form = client_for(world, "project_manager").get("/interfaces/new/").context["form"]
    assert list(form.fields["provider"].queryset) == [world.project_a1]


def test_a_new_consumer_starts_unacknowledged(world, provided):
    director = world.users["director"]
    acked = services.interface_acknowledge(actor=director, interface=provided, expected_version=provided.version)
    moved = services.interface_update(actor=director, interface=acked, expected_version=acked.version,
                                      consumer=world.project_b1)
    assert moved.acknowledged_by is None and moved.acknowledged_at is None


def test_api_enforces_the_same_rule(world, consumed, api_token):
    pm = api_token("project_manager")
    url = f"/api/v1/interfaces/{consumed.pk}"
    client = client_for(world, "anonymous")
    patch = client.patch(url, json.dumps({"status": "delivered"}), content_type="application/json",
                         HTTP_IF_MATCH=f'"{consumed.version}"', **pm)
    assert patch.status_code == 403
    assert client.delete(url, HTTP_IF_MATCH=f'"{consumed.version}"', **pm).status_code == 403
    ack = client.post(f"{url}/acknowledge", json.dumps({"note": "ok"}), content_type="application/json", **pm)
    assert ack.status_code == 200, ack.content
    assert ack.json()["acknowledged_by"] == world.users["project_manager"].pk
    assert ack["ETag"] == f'"{consumed.version + 1}"'


def test_pages_offer_each_side_its_own_control(world, consumed):
    pm = client_for(world, "project_manager")
    body = pm.get(consumed.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledge-form"' in body and f"/interfaces/{consumed.pk}/edit/" not in body
    assert "Delete" not in body
    assert pm.get(f"/interfaces/{consumed.pk}/edit/").status_code == 403
    assert pm.post(f"/interfaces/{consumed.pk}/delete/", {"version": consumed.version}).status_code == 403
    response = pm.post(f"/interfaces/{consumed.pk}/acknowledge/", {"version": consumed.version, "note": "noted"})
    assert response.status_code == 302
    assert Interface.objects.get(pk=consumed.pk).consumer_note == "noted"
    manager = client_for(world, "program_manager").get(consumed.get_absolute_url()).content.decode()
    assert f"/interfaces/{consumed.pk}/edit/" in manager and f"/interfaces/{consumed.pk}/delete/" in manager
