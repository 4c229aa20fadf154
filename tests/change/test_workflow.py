"""The workflow: routing by tolerance (within: the Program Manager; beyond: only the Steering Committee), a
stale assessment refused before approval, implementation through the owners' services with a baseline named
after the request, atomic (a refusal half-way rolls everything back), audit events for every state change."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.change import notices, services
from pmo.change.models import BaselineChange, ChangeRequest
from pmo.change.selectors import awaiting_steering
from pmo.core.models import AuditEvent
from pmo.notifications.models import Notification
from pmo.planning.models import Baseline, Dependency, Task
from pmo.planning.services import task_update

from .plans import make_plan


def assessed(world, edits, *, actor="program_manager", title="Change"):
    user = world.users[actor]
    request = services.change_request_create(actor=user, program=world.program_a, title=title, edits=edits,
                                             type="schedule")
    request = services.change_request_submit(actor=user, change_request=request)
    services.change_request_assess(actor=user, change_request=request)
    return ChangeRequest.objects.get(pk=request.pk)


def within(world, plan):
    return assessed(world, [{"op": "task_update", "task": plan["BLD"].pk, "duration": 12}], title="Within")


def beyond(world, plan):
    return assessed(world, [{"op": "link_add", "predecessor": plan["BLD"].pk, "successor": plan["MIG"].pk}],
                    title="Beyond")


def test_within_tolerance_the_program_manager_decides_and_it_never_reaches_the_steering_committee(world):
    plan = make_plan(world)
    request = within(world, plan)
    assert request.route == "program_manager" and request.status == "assessed"
    assert list(awaiting_steering(world.users["steering"])) == []
    with pytest.raises(PermissionDenied):
        services.change_request_decide(actor=world.users["steering"], change_request=request, decision="approved")
    approved = services.change_request_decide(actor=world.users["program_manager"], change_request=request,
                                              decision="approved", note="absorbed in the float of the program")
    assert approved.status == "approved" and approved.decided_by == world.users["program_manager"]


def test_an_assessment_within_tolerance_asks_the_program_managers_once(world, django_capture_on_commit_callbacks):
    plan = make_plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        request = within(world, plan)
        beyond(world, plan)
    waiting = Notification.objects.filter(kind=notices.APPROVAL_WAITING)
    assert [(n.recipient, n.url) for n in waiting] == [(world.users["program_manager"], request.get_absolute_url())]
    assert request.ref in waiting.get().subject  # beyond tolerance: governance tells the Steering Committee
    with django_capture_on_commit_callbacks(execute=True):  # re-assessed after the plan moved: asked again
        services.change_request_assess(actor=world.users["program_manager"], change_request=request)
    assert waiting.all().count() == 2


def test_beyond_tolerance_only_the_steering_committee_decides(world):
    plan = make_plan(world)
    request = beyond(world, plan)
    assert request.route == "steering"
    assert list(awaiting_steering(world.users["steering"])) == [request]
    assert list(awaiting_steering(world.users["program_manager"])) == [request]  # they see it waiting
    for role in ("program_manager", "director", "project_manager", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.change_request_decide(actor=world.users[role], change_request=request, decision="approved")
    assert ChangeRequest.objects.get(pk=request.pk).status == "assessed"
    services.change_request_decide(actor=world.users["steering"], change_request=request, decision="deferred")
    assert list(awaiting_steering(world.users["steering"])) == []


def test_a_stale_assessment_must_be_redone_before_approval(world):
    plan = make_plan(world)
    request = within(world, plan)
    task = Task.objects.get(pk=plan["TRN"].pk)
    task_update(actor=world.users["director"], task=task, expected_version=task.version, duration=8)
    events = AuditEvent.objects.count()
    with pytest.raises(services.StaleAssessment) as error:
        services.change_request_decide(actor=world.users["program_manager"], change_request=request,
                                       decision="approved")
    assert request.ref in str(error.value)
    assert ChangeRequest.objects.get(pk=request.pk).status == "assessed" and AuditEvent.objects.count() == events
    services.change_request_assess(actor=world.users["program_manager"], change_request=request)
    services.change_request_decide(actor=world.users["program_manager"],
                                   change_request=ChangeRequest.objects.get(pk=request.pk), decision="approved")


def test_implementing_applies_the_edits_and_sets_a_baseline_named_after_the_request(world):
    plan = make_plan(world)
    request = assessed(world, [
        {"op": "task_update", "task": plan["BLD"].pk, "duration": 12},
        {"op": "task_add", "key": "UAT", "project": world.project_a1.pk, "name": "User acceptance", "duration": 2},
        {"op": "link_add", "predecessor": plan["BLD"].pk, "successor": "UAT"}], title="UAT before go-live")
    request = services.change_request_decide(actor=world.users["program_manager"], change_request=request,
                                             decision="approved")
    done = services.change_request_implement(actor=world.users["program_manager"], change_request=request)
    assert done.status == "implemented" and done.implemented_at
    assert Task.objects.get(pk=plan["BLD"].pk).duration == 12
    uat = Task.objects.get(project=world.project_a1, name="User acceptance")
    assert Dependency.objects.filter(predecessor=plan["BLD"], successor=uat).exists()
    baseline = Baseline.objects.get(project=world.project_a1)
    assert baseline.name == f"{request.ref} UAT before go-live"
    assert BaselineChange.objects.get(baseline=baseline).change_request == request
    actions = set(AuditEvent.objects.filter(object_type__endswith="changerequest").values_list("action", flat=True))
    assert {"create", "submit", "assess", "approved", "implement"} <= actions


def test_a_failure_half_way_rolls_everything_back(world):
    plan = make_plan(world)
    request = assessed(world, [
        {"op": "task_update", "task": plan["BLD"].pk, "duration": 12},
        {"op": "task_add", "key": "UAT", "project": world.project_a1.pk, "name": "User acceptance", "duration": 2},
        {"op": "link_add", "predecessor": plan["BLD"].pk, "successor": "UAT"}])
    request = services.change_request_decide(actor=world.users["program_manager"], change_request=request,
                                             decision="approved")
    tasks = list(Task.objects.order_by("pk").values_list())
    counts = (Dependency.objects.count(), Baseline.objects.count(), AuditEvent.objects.count())
    from pmo.planning import services as planning_services

    with mock.patch.object(planning_services, "dependency_create",
                           side_effect=ValidationError({"successor": "refused half-way"})), \
            pytest.raises(ValidationError):
        services.change_request_implement(actor=world.users["program_manager"], change_request=request)
    assert list(Task.objects.order_by("pk").values_list()) == tasks
    assert (Dependency.objects.count(), Baseline.objects.count(), AuditEvent.objects.count()) == counts
    assert ChangeRequest.objects.get(pk=request.pk).status == "approved"


def test_only_approved_requests_are_implemented_and_only_by_the_program_manager(world):
    plan = make_plan(world)
    request = within(world, plan)
    with pytest.raises(ValidationError) as error:
        services.change_request_implement(actor=world.users["program_manager"], change_request=request)
    assert "status" in error.value.error_dict
    request = services.change_request_decide(actor=world.users["program_manager"], change_request=request,
                                             decision="approved")
    with pytest.raises(PermissionDenied):
        services.change_request_implement(actor=world.users["project_manager"], change_request=request)
