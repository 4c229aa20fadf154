"""Planning services: one audit event per write, auto-reschedule, scopes at both link ends, cycles, IMS."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.models import AuditEvent
from pmo.planning import services
from pmo.planning.models import Baseline, BaselineTask, Calendar, Dependency, Task
from pmo.portfolio.models import Project

from .factories import link, task


@pytest.fixture
def director(world):
    return world.users["director"]


def events() -> int:
    return AuditEvent.objects.count()


def test_task_create_schedules_the_project_and_writes_one_event(world, director):
    before = events()
    a = services.task_create(actor=director, project=world.project_a1, name="Design", duration=Decimal(3))
    assert events() == before + 1
    assert (a.start, a.finish) == (date(2026, 1, 12), date(2026, 1, 14))  # Monday .. Wednesday
    assert a.is_critical and a.total_float == 0 and a.wbs == "1"


def test_link_moves_the_successor_inside_the_same_call(world, director):
    a = services.task_create(actor=director, project=world.project_a1, name="A", duration=3)
    b = services.task_create(actor=director, project=world.project_a1, name="B", duration=2)
    before = events()
    services.dependency_create(actor=director, predecessor=a, successor=b, lag=1)
    assert events() == before + 1
    b.refresh_from_db()
    assert (b.start, b.finish) == (date(2026, 1, 16), date(2026, 1, 19))  # lag 1 day, over the weekend


def test_task_update_reschedules_and_writes_one_event(world, director):
    a = services.task_create(actor=director, project=world.project_a1, name="A", duration=3)
    b = services.task_create(actor=director, project=world.project_a1, name="B", duration=2)
    services.dependency_create(actor=director, predecessor=a, successor=b)
    before = events()
    a = services.task_update(actor=director, task=a, expected_version=a.version, duration=Decimal(5))
    assert events() == before + 1
    b.refresh_from_db()
    assert b.start == date(2026, 1, 19)
    with pytest.raises(StaleVersion):
        services.task_update(actor=director, task=a, expected_version=a.version - 1, name="late")


def test_summary_rolls_up_and_wbs_numbers(world, director):
    phase = services.task_create(actor=director, project=world.project_a1, name="Phase")
    a = services.task_create(actor=director, project=world.project_a1, name="A", duration=2, parent=phase)
    b = services.task_create(actor=director, project=world.project_a1, name="B", duration=4, parent=phase)
    services.dependency_create(actor=director, predecessor=a, successor=b)
    phase.refresh_from_db()
    b.refresh_from_db()
    assert phase.is_summary and (phase.start, phase.finish) == (date(2026, 1, 12), date(2026, 1, 19))
    assert b.wbs == "1.2"


def test_indent_and_outdent(world, director):
    a = services.task_create(actor=director, project=world.project_a1, name="A")
    b = services.task_create(actor=director, project=world.project_a1, name="B")
    b = services.task_indent(actor=director, task=b, expected_version=b.version)
    assert b.parent_id == a.pk and b.wbs == "1.1"
    b = services.task_outdent(actor=director, task=b, expected_version=b.version)
    assert b.parent_id is None and b.wbs == "2"
    with pytest.raises(ValidationError):
        services.task_outdent(actor=director, task=b, expected_version=b.version)


def test_cycle_is_refused_naming_the_tasks(world, director):
    a = task(world.project_a1, "Design", 2)
    b = task(world.project_a2, "Build", 2)
    c = task(world.project_a1, "Test", 2)
    link(a, b)
    link(b, c)
    with pytest.raises(ValidationError) as err:
        services.dependency_create(actor=director, predecessor=c, successor=a)
    message = str(err.value)
    assert "dependency cycle" in message and "PA-2/" in message and "Design" in message and "Test" in message
    assert Dependency.objects.count() == 2


def test_both_ends_must_be_changeable(world):
    manager = world.users["project_manager"]  # manages PA-1 only
    own = task(world.project_a1, "Own", 1)
    sibling = task(world.project_a2, "Sibling project", 1)  # visible (parent program summary? no) -> refused
    other = task(world.project_b1, "Other program", 1)
    with pytest.raises(ValidationError) as err:
        services.dependency_create(actor=manager, predecessor=other, successor=own)
    assert "predecessor" in err.value.message_dict
    program_manager = world.users["program_manager"]
    services.dependency_create(actor=program_manager, predecessor=sibling, successor=own)
    steering = world.users["steering"]  # sees both, may change neither
    with pytest.raises(PermissionDenied):
        services.dependency_create(actor=steering, predecessor=own, successor=sibling)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.dependency_create(actor=manager, predecessor=own, successor=sibling)


def test_project_reschedule_is_one_event_and_respects_scope(world, director):
    task(world.project_a1, "A", 2)
    before = events()
    result = services.project_reschedule(actor=director, project=world.project_a1)
    assert events() == before + 1
    assert result.finish == date(2026, 1, 13) and [t.name for t in result.critical_path] == ["A"]
    with pytest.raises(PermissionDenied):
        services.project_reschedule(actor=world.users["analyst"], project=world.project_a1)
    assert audit.verify() is None


def test_cross_project_change_moves_the_downstream_project(world, director):
    world.project_a2.start = date(2026, 1, 12)
    world.project_a2.save()
    sso = task(world.project_a1, "SSO go-live", 0, is_milestone=True)
    build = task(world.project_a1, "Build SSO", 10)
    link(build, sso)
    launch = task(world.project_a2, "Intranet launch", 0, is_milestone=True)
    services.project_reschedule(actor=director, project=world.project_a1)
    services.dependency_create(actor=director, predecessor=sso, successor=launch)
    launch.refresh_from_db()
    assert launch.finish == date(2026, 1, 23)
    build.refresh_from_db()
    build = services.task_update(actor=director, task=build, expected_version=build.version, duration=Decimal(15))
    launch.refresh_from_db()
    assert launch.finish == date(2026, 1, 30)
    assert [(s.task.name, s.days) for s in build.downstream_slips] == [("Intranet launch", 7)]


def test_program_reschedule_reports_slips_of_other_projects(world, director):
    for project in (world.project_a1, world.project_a2):
        project.start = date(2026, 1, 12)
        project.save()
    sso = task(world.project_a1, "SSO go-live", 0, is_milestone=True)
    build = task(world.project_a1, "Build SSO", 10)
    link(build, sso)
    launch = task(world.project_a2, "Intranet launch", 0, is_milestone=True)
    link(sso, launch)
    services.program_reschedule(actor=director, program=world.program_a)
    Task.objects.filter(pk=build.pk).update(duration=12)
    before = events()
    result = services.program_reschedule(actor=director, program=world.program_a)
    assert events() == before + 1
    slips = {s.task.name: s.days for s in result.slips}
    assert slips == {"SSO go-live": 4, "Intranet launch": 4}  # Fri 23 Jan -> Tue 27 Jan
    with pytest.raises(PermissionDenied):
        services.program_reschedule(actor=world.users["project_manager"], program=world.program_a)


def test_project_start_is_kept_in_the_integrated_schedule(world, director):
    world.project_a2.start = date(2026, 3, 2)
    world.project_a2.save()
    world.project_a1.start = date(2026, 1, 12)
    world.project_a1.save()
    late = task(world.project_a2, "Later project work", 2)
    services.program_reschedule(actor=director, program=world.program_a)
    late.refresh_from_db()
    assert late.start == date(2026, 3, 2)


def test_baseline_snapshot_and_who_sets_it(world):
    task(world.project_a1, "A", 2)
    services.project_reschedule(actor=world.users["director"], project=world.project_a1)
    before = events()
    baseline = services.baseline_create(actor=world.users["steering"], project=world.project_a1)
    assert events() == before + 1
    assert baseline.name == "Baseline 1" and baseline.set_by == world.users["steering"]
    row = BaselineTask.objects.get(baseline=baseline)
    assert row.finish == date(2026, 1, 13)
    with pytest.raises(PermissionDenied):
        services.baseline_create(actor=world.users["project_manager"], project=world.project_a1)
    assert Baseline.objects.count() == 1


def test_progress_is_kept_at_the_status_date(world, director):
    a = task(world.project_a1, "Started", 10, actual_start=date(2026, 1, 12), percent_complete=50)
    services.project_reschedule(actor=director, project=world.project_a1, status_date=date(2026, 1, 30))
    a.refresh_from_db()
    assert a.start == date(2026, 1, 12) and a.finish > date(2026, 1, 30)


def test_interface_crud_and_scope(world):
    program_manager = world.users["program_manager"]
    before = events()
    interface = services.interface_create(actor=program_manager, provider=world.project_a1,
                                          consumer=world.project_a2, title="Identity service",
                                          need_by=date(2026, 6, 1))
    assert events() == before + 1
    interface = services.interface_update(actor=program_manager, interface=interface,
                                          expected_version=interface.version, status="agreed")
    assert interface.version == 2
    with pytest.raises(ValidationError):
        services.interface_create(actor=program_manager, provider=world.project_a1, consumer=world.project_b1,
                                  title="out of scope")
    with pytest.raises(PermissionDenied):
        services.interface_update(actor=world.users["steering"], interface=interface,
                                  expected_version=interface.version, status="accepted")
    services.interface_delete(actor=program_manager, interface=interface, expected_version=interface.version)


def test_calendar_holidays_move_dates(world, director):
    a = task(world.project_a1, "A", 3)
    services.calendar_create(actor=director, project=world.project_a1, name="PA-1",
                             exceptions=[{"start": date(2026, 1, 13), "working": False, "name": "Closed"}])
    a.refresh_from_db()
    assert a.finish == date(2026, 1, 15)
    calendar = world.project_a1.calendar
    before = events()
    services.calendar_update(actor=director, calendar=calendar, expected_version=calendar.version, exceptions=[])
    assert events() == before + 1
    a.refresh_from_db()
    assert a.finish == date(2026, 1, 14)


def test_deleting_a_project_with_a_plan(world, director):
    a = task(world.project_b1, "A", 3)
    b = task(world.project_a1, "B", 3)
    link(a, b)
    Project.objects.filter(pk=world.project_b1.pk).delete()
    assert not Dependency.objects.exists()


def test_deleting_a_predecessor_moves_the_other_project_back(world, director):
    world.project_a2.start = date(2026, 1, 12)
    world.project_a2.save()
    build = task(world.project_a1, "Build", 10)
    launch = task(world.project_a2, "Launch", 0, is_milestone=True)
    services.project_reschedule(actor=director, project=world.project_a1)
    services.dependency_create(actor=director, predecessor=build, successor=launch)
    launch.refresh_from_db()
    assert launch.finish == date(2026, 1, 23)
    before = events()
    services.task_delete(actor=director, task=build, expected_version=build.version)
    assert events() == before + 1
    launch.refresh_from_db()
    assert launch.finish == date(2026, 1, 12)


def test_a_task_is_scheduled_on_its_own_calendar(world, director):
    """Setting a task's calendar reschedules: a Mon-Sat task after a Friday finish starts on Saturday;
    cleared, it is back on the project's calendar."""
    Calendar.objects.create(name="Standard")  # the portfolio default (the oldest)
    six = Calendar.objects.create(name="Six days", weekmask="1111110")
    a = services.task_create(actor=director, project=world.project_a1, name="A", duration=5)
    b = services.task_create(actor=director, project=world.project_a1, name="B", duration=2)
    services.dependency_create(actor=director, predecessor=a, successor=b)
    b.refresh_from_db()
    assert (b.start, b.finish) == (date(2026, 1, 19), date(2026, 1, 20))
    b = services.task_update(actor=director, task=b, expected_version=b.version, calendar=six)
    assert (b.start, b.finish) == (date(2026, 1, 17), date(2026, 1, 19))  # Saturday, Monday
    b = services.task_update(actor=director, task=b, expected_version=b.version, calendar=None)
    assert (b.start, b.finish) == (date(2026, 1, 19), date(2026, 1, 20))


def test_a_program_schedules_each_project_on_its_calendar(world, director):
    """The integrated schedule keeps each project's own calendar (and task calendars), so it gives the
    same dates as the projects' own schedules."""
    for project in (world.project_a1, world.project_a2):
        project.start = date(2026, 1, 12)
        project.save()
    services.calendar_create(actor=director, project=world.project_a2, name="PA-2 four days", weekmask="1111000")
    a = task(world.project_a1, "A", 5)
    b = task(world.project_a2, "B", 2)
    link(a, b)
    services.project_reschedule(actor=director, project=world.project_a1)
    services.project_reschedule(actor=director, project=world.project_a2)
    b.refresh_from_db()
    alone = (b.start, b.finish)
    assert alone == (date(2026, 1, 19), date(2026, 1, 20))  # Mon-Thu: after Friday comes Monday
    services.program_reschedule(actor=director, program=world.program_a)
    b.refresh_from_db()
    assert (b.start, b.finish) == alone
    Task.objects.filter(pk=b.pk).update(duration=5)
    services.program_reschedule(actor=director, program=world.program_a)
    b.refresh_from_db()
    assert (b.start, b.finish) == (date(2026, 1, 19), date(2026, 1, 26))  # Friday the 23rd is off
