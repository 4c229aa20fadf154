"""Writes to the pool and assignments: bad input is a 4xx naming the field (and the resource), nothing is written;
demand is filled by the Program Manager; every write is audited."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.models import AuditEvent
from pmo.planning.models import Task
from pmo.resources import services
from pmo.resources.models import Assignment, Leave, Resource, ResourceKind

from ..conftest import client_for


@pytest.fixture
def pool(world):
    director = world.users["director"]
    anja = services.resource_create(actor=director, name="Anja Keller", max_units=Decimal("0.8"),
                                    holiday_country="DE")
    role = services.resource_create(actor=director, kind=ResourceKind.ROLE, name="Java developer",
                                    max_units=Decimal(3))
    task = Task.objects.create(project=world.project_a1, name="Build", duration=10, start=date(2026, 3, 2),
                               finish=date(2026, 3, 13))
    return {"director": director, "anja": anja, "role": role, "task": task}


def test_units_above_the_maximum_are_refused_naming_the_resource(world, pool):
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(actor=world.users["project_manager"], task=pool["task"], resource=pool["anja"],
                                   units=Decimal(1))
    assert "Anja Keller" in str(exc.value.message_dict["units"]) and "80 %" in str(exc.value.message_dict["units"])
    assert not Assignment.objects.exists()


def test_hours_become_units_and_units_hours(world, pool):
    pm = world.users["project_manager"]
    by_hours = services.assignment_create(actor=pm, task=pool["task"], resource=pool["anja"], work=Decimal(40))
    assert by_hours.units == Decimal("0.50") and by_hours.work == Decimal(40)  # 40 h over 10 days of 8 h
    by_units = services.assignment_create(actor=pm, task=pool["task"], resource=pool["role"], units=Decimal(2))
    assert by_units.work == Decimal(160)
    with pytest.raises(ValidationError) as exc:  # 100 h in 10 days is 1.25 units: above Anja's 0.8
        services.assignment_update(actor=pm, assignment=by_hours, expected_version=by_hours.version,
                                   work=Decimal(100))
    assert "Anja Keller" in str(exc.value)


def test_the_api_answers_422_naming_the_resource(world, pool, api_token):
    client = client_for(world, "anonymous")
    response = client.post("/api/v1/assignments", json.dumps({"task": pool["task"].pk, "resource": pool["anja"].pk,
                                                              "units": "0.90"}),
                           content_type="application/json", **api_token("project_manager"))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "units" and "Anja Keller" in detail["msg"]
    assert not Assignment.objects.exists()


def test_a_milestone_takes_no_work(world, pool):
    milestone = Task.objects.create(project=world.project_a1, name="Go-live", duration=0, is_milestone=True)
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(actor=world.users["director"], task=milestone, resource=pool["anja"])
    assert "task" in exc.value.message_dict


def test_negative_or_zero_capacity_is_refused(world, pool):
    for field, value in (("max_units", Decimal("-1")), ("max_units", Decimal(0)), ("hours_per_day", Decimal(-8))):
        with pytest.raises(ValidationError) as exc:
            services.resource_create(actor=pool["director"], name="Nobody", **{field: value})
        assert field in exc.value.message_dict
    assert not Resource.objects.filter(name="Nobody").exists()


def test_overlapping_leave_is_refused_naming_the_other_leave(world, pool, api_token):
    services.leave_create(actor=pool["director"], resource=pool["anja"], start=date(2026, 8, 3),
                          finish=date(2026, 8, 14))
    with pytest.raises(ValidationError) as exc:
        services.leave_create(actor=pool["director"], resource=pool["anja"], start=date(2026, 8, 14),
                              finish=date(2026, 8, 20))
    assert "2026-08-03" in str(exc.value.message_dict["start"])
    response = client_for(world, "anonymous").post(
        f"/api/v1/resources/{pool['anja'].pk}/leave", json.dumps({"start": "2026-08-10", "finish": "2026-08-12"}),
        content_type="application/json", **api_token("director"))
    assert response.status_code == 422 and "overlaps" in response.json()["detail"][0]["msg"]
    with pytest.raises(ValidationError):  # backwards
        services.leave_create(actor=pool["director"], resource=pool["anja"], start=date(2026, 9, 5),
                              finish=date(2026, 9, 1))
    assert Leave.objects.count() == 1


def test_only_the_director_manages_the_pool(world, pool):
    for role in ("analyst", "program_manager", "project_manager"):
        with pytest.raises(PermissionDenied):
            services.resource_create(actor=world.users[role], name="Someone")
        with pytest.raises(PermissionDenied):
            services.leave_create(actor=world.users[role], resource=pool["anja"], start=date(2026, 8, 3),
                                  finish=date(2026, 8, 4))


def test_demand_is_filled_by_the_program_manager_keeping_the_work(world, pool):
    demand = services.assignment_create(actor=world.users["project_manager"], task=pool["task"],
                                        resource=pool["role"], units=Decimal("0.5"))
    with pytest.raises(PermissionDenied):
        services.assignment_fill(actor=world.users["project_manager"], assignment=demand, person=pool["anja"],
                                 expected_version=demand.version)
    filled = services.assignment_fill(actor=world.users["program_manager"], assignment=demand, person=pool["anja"],
                                      expected_version=demand.version)
    assert filled.resource == pool["anja"] and filled.filled_from == pool["role"] and filled.work == Decimal(40)
    assert AuditEvent.objects.filter(action="fill", object_id=str(demand.pk)).exists()
    with pytest.raises(ValidationError):  # a person is no demand
        services.assignment_fill(actor=world.users["program_manager"], assignment=filled, person=pool["anja"],
                                 expected_version=filled.version)


def test_assignments_outside_the_users_projects_are_refused(world, pool):
    other = Task.objects.create(project=world.project_b1, name="Elsewhere", duration=5)
    with pytest.raises(ValidationError) as exc:  # out of sight: named as a bad field, not a 403 that leaks it
        services.assignment_create(actor=world.users["project_manager"], task=other, resource=pool["anja"])
    assert "task" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=world.users["analyst"], task=pool["task"], resource=pool["anja"],
                                   units=Decimal("0.5"))


def test_every_write_is_audited(world, pool):
    before = AuditEvent.objects.count()
    assignment = services.assignment_create(actor=world.users["project_manager"], task=pool["task"],
                                            resource=pool["anja"], units=Decimal("0.5"))
    services.assignment_update(actor=world.users["project_manager"], assignment=assignment,
                               expected_version=assignment.version, note="pairing")
    assert AuditEvent.objects.count() == before + 2
