"""Scope: deliverables and scope items through the services (acceptance, bad input naming the field, nothing
written), the scope baseline snapshot, and the scope pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.change import services
from pmo.change.models import Deliverable, ScopeBaseline, ScopeItem
from pmo.change.selectors import accepted_deliverables
from pmo.core.errors import StaleVersion
from pmo.core.models import AuditEvent

from ..conftest import client_for
from .matrix import make_items


def test_deliverable_accept_records_who_and_when(world):
    found = make_items(world.own("project"))
    deliverable = found["deliverable"]
    events = AuditEvent.objects.count()
    saved = services.deliverable_accept(actor=world.users["program_manager"], deliverable=deliverable,
                                        note="Signed off by payroll")
    assert saved.status == "accepted" and saved.accepted_by == world.users["program_manager"]
    assert saved.accepted_at is not None and saved.acceptance_note == "Signed off by payroll"
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.last().action == "accepted"
    assert list(accepted_deliverables(world.own("project"))) == [saved]
    with pytest.raises(ValidationError) as error:
        services.deliverable_accept(actor=world.users["director"], deliverable=saved)
    assert "status" in error.value.error_dict


def test_the_project_manager_delivers_but_does_not_accept(world):
    deliverable = make_items(world.own("project"))["deliverable"]
    Deliverable.objects.filter(pk=deliverable.pk).update(owner=world.users["coordinator"])
    for role in ("project_manager", "coordinator"):  # the Coordinator, also the owner here, administers
        with pytest.raises(PermissionDenied):
            services.deliverable_accept(actor=world.users[role], deliverable=Deliverable.objects.get(pk=deliverable.pk))
    with pytest.raises(PermissionDenied):
        services.deliverable_reject(actor=world.users["steering"], deliverable=deliverable)
    assert Deliverable.objects.get(pk=deliverable.pk).status == "submitted"


def test_accept_with_a_stale_version_is_refused(world):
    deliverable = make_items(world.own("project"))["deliverable"]
    with pytest.raises(StaleVersion):
        services.deliverable_accept(actor=world.users["director"], deliverable=deliverable,
                                    expected_version=deliverable.version + 1)


def test_reopening_a_rejected_deliverable_clears_the_decision(world):
    deliverable = make_items(world.own("project"))["deliverable"]
    rejected = services.deliverable_reject(actor=world.users["director"], deliverable=deliverable, note="gaps")
    assert rejected.status == "rejected" and rejected.accepted_by == world.users["director"]
    reopened = services.deliverable_update(actor=world.users["project_manager"], deliverable=rejected,
                                           expected_version=rejected.version, status="in_progress")
    assert reopened.status == "in_progress" and reopened.accepted_by is None and reopened.accepted_at is None


def test_status_accepted_is_not_an_edit(world):
    deliverable = make_items(world.own("project"))["deliverable"]
    with pytest.raises(ValidationError) as error:
        services.deliverable_update(actor=world.users["project_manager"], deliverable=deliverable,
                                    expected_version=deliverable.version, status="accepted")
    assert "status" in error.value.error_dict


def test_tasks_of_another_project_are_unknown_ids_nothing_written(world):
    other = make_items(world.other("project"))
    counts = (Deliverable.objects.count(), ScopeItem.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        services.deliverable_create(actor=world.users["director"], project=world.own("project"), name="X",
                                    tasks=[other["design"].pk])
    assert "tasks" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.scope_item_create(actor=world.users["director"], project=world.own("project"), name="X",
                                   deliverable=other["deliverable"].pk)
    assert "deliverable" in error.value.error_dict
    assert (Deliverable.objects.count(), ScopeItem.objects.count(), AuditEvent.objects.count()) == counts


def test_create_with_tasks_and_baseline_snapshot(world):
    project = world.own("project")
    found = make_items(project)
    deliverable = services.deliverable_create(actor=world.users["project_manager"], project=project,
                                              name="Cut-over runbook", tasks=[found["build"].pk])
    item = services.scope_item_create(actor=world.users["project_manager"], project=project, name="Runbook",
                                      deliverable=deliverable.pk, tasks=[found["build"]])
    assert list(deliverable.tasks.all()) == [found["build"]] and item.deliverable == deliverable
    baseline = services.scope_baseline_create(actor=world.users["project_manager"], project=project,
                                              name="Scope after design")
    names = {d["name"] for d in baseline.snapshot["deliverables"]}
    assert names == {"Payroll interface", "Cut-over runbook"}
    assert [i["name"] for i in baseline.snapshot["items"] if i["tasks"] == [found["build"].pk]] == ["Runbook"]
    assert ScopeBaseline.objects.filter(project=project).count() == 2


def test_scope_pages(world, django_assert_max_num_queries):
    found = make_items(world.own("project"))
    client = client_for(world, "project_manager")
    with django_assert_max_num_queries(12):
        response = client.get(f"/change/projects/{world.own('project').pk}/scope/")
    assert response.status_code == 200 and b"Payroll interface" in response.content
    assert client.get(found["deliverable"].get_absolute_url()).status_code == 200
