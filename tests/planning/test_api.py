"""Planning API: list shape, ETag/If-Match (412/428), 422 naming fields, scopes at both link ends, schedule."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pmo.core.models import AuditEvent
from pmo.planning.models import Calendar, Task

from ..conftest import client_for
from .factories import link, task


def call(client, method, path, data=None, **headers):
    return client.generic(method, path, data=json.dumps(data) if data is not None else "",
                          content_type="application/json", **headers)


@pytest.fixture
def pm(world):
    return client_for(world, "project_manager")


def test_task_crud_with_etags(world, pm):
    project = world.project_a1
    response = call(pm, "POST", f"/api/v1/projects/{project.pk}/tasks", {"name": "Design", "duration": "3"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"' and body["start"] == "2026-01-12" and body["finish"] == "2026-01-14"
    assert body["is_critical"] and body["wbs"] == "1"
    url = f"/api/v1/tasks/{body['id']}"
    assert call(pm, "PATCH", url, {"duration": "5"}).status_code == 428
    assert call(pm, "PATCH", url, {"duration": "5"}, HTTP_IF_MATCH='"7"').status_code == 412
    response = call(pm, "PATCH", url, {"duration": "5"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["finish"] == "2026-01-16" and response["ETag"] == '"2"'
    listing = call(pm, "GET", f"/api/v1/projects/{project.pk}/tasks").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    assert call(pm, "DELETE", url, HTTP_IF_MATCH='"1"').status_code == 412
    assert call(pm, "DELETE", url, HTTP_IF_MATCH='"2"').status_code == 204


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x", "duration": "-1"}, "duration"),
    ({"name": "x", "constraint_type": "SNET"}, "constraint_date"),
    ({"name": "x", "percent_complete": "50"}, "actual_start"),
    ({"name": "x", "version": 3}, "version"),
    ({"name": "x", "parent": 999999}, "parent"),
    ({"name": "x", "wbs": "1.2"}, "wbs"),
])
def test_422_names_the_field(world, pm, payload, field):
    before = (Task.objects.count(), AuditEvent.objects.count())
    response = call(pm, "POST", f"/api/v1/projects/{world.project_a1.pk}/tasks", payload)
    assert response.status_code == 422, response.content
    assert any(error["loc"][-1] == field for error in response.json()["detail"]), response.json()
    assert (Task.objects.count(), AuditEvent.objects.count()) == before


def test_dependency_both_ends_and_cycles(world, pm):
    a, b = task(world.project_a1, "A", 2), task(world.project_a1, "B", 2)
    other = task(world.project_b1, "Other program", 1)
    sibling = task(world.project_a2, "Sibling project", 1)
    response = call(pm, "POST", "/api/v1/dependencies", {"predecessor": other.pk, "successor": a.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "predecessor"
    response = call(pm, "POST", "/api/v1/dependencies", {"predecessor": a.pk, "successor": sibling.pk})
    assert response.status_code == 422  # PA-2 is out of the project manager's sight
    program_manager = client_for(world, "program_manager")
    response = call(program_manager, "POST", "/api/v1/dependencies",
                    {"predecessor": sibling.pk, "successor": a.pk, "type": "SS", "lag": "1"})
    assert response.status_code == 201, response.content
    dependency = response.json()
    # the project manager sees the link (one end is theirs) but may not change the other end
    assert call(pm, "GET", f"/api/v1/dependencies/{dependency['id']}").status_code == 200
    assert call(pm, "DELETE", f"/api/v1/dependencies/{dependency['id']}", HTTP_IF_MATCH='"1"').status_code == 403
    assert call(pm, "POST", "/api/v1/dependencies", {"predecessor": a.pk, "successor": b.pk}).status_code == 201
    response = call(program_manager, "POST", "/api/v1/dependencies", {"predecessor": b.pk, "successor": sibling.pk})
    assert response.status_code == 422
    assert "dependency cycle" in response.json()["detail"][0]["msg"]


def test_schedule_endpoints(world):
    director = client_for(world, "director")
    for project in (world.project_a1, world.project_a2):
        project.start = date(2026, 1, 12)
        project.save()
    a = task(world.project_a1, "Build", 5)
    m = task(world.project_a1, "Ready", 0, is_milestone=True)
    link(a, m)
    launch = task(world.project_a2, "Launch", 0, is_milestone=True)
    link(m, launch, lag=2)
    body = call(director, "POST", f"/api/v1/projects/{world.project_a1.pk}/schedule").json()
    assert body["finish"] == "2026-01-16" and body["critical_path"] == [a.pk, m.pk]
    assert {t["id"] for t in body["tasks"]} == {a.pk, m.pk}
    body = call(director, "POST", f"/api/v1/programs/{world.program_a.pk}/schedule").json()
    assert body["finish"] == "2026-01-20" and body["critical_path"] == [a.pk, m.pk, launch.pk]
    Task.objects.filter(pk=a.pk).update(duration=6)
    body = call(director, "POST", f"/api/v1/programs/{world.program_a.pk}/schedule").json()
    assert {s["name"]: s["days"] for s in body["slips"]} == {"Ready": 3, "Launch": 1}


def test_calendar_baseline_interface_and_checks(world):
    director = client_for(world, "director")
    a = task(world.project_a1, "A", 3, constraint_type="FNLT", constraint_date=date(2026, 1, 12))
    response = call(director, "POST", "/api/v1/calendars", {
        "name": "PA-1 calendar", "project": world.project_a1.pk, "holiday_country": "DE",
        "exceptions": [{"start": "2026-01-13", "working": False, "name": "Closed"}]})
    assert response.status_code == 201, response.content
    assert response.json()["exceptions"] == [{"start": "2026-01-13", "finish": "2026-01-13", "working": False,
                                             "name": "Closed"}]
    a.refresh_from_db()
    assert a.finish == date(2026, 1, 15)
    response = call(director, "POST", "/api/v1/calendars", {"name": "x", "working_times": "17:00-08:00"})
    assert response.status_code == 422
    response = call(director, "POST", f"/api/v1/projects/{world.project_a1.pk}/baselines", {"name": "B1"})
    assert response.status_code == 201
    detail = call(director, "GET", f"/api/v1/baselines/{response.json()['id']}").json()
    assert detail["tasks"][0]["finish"] == "2026-01-15"
    findings = call(director, "GET", f"/api/v1/projects/{world.project_a1.pk}/consistency").json()
    assert [f["kind"] for f in findings] == ["constraint_conflict"]
    response = call(director, "POST", "/api/v1/interfaces", {
        "provider": world.project_a1.pk, "consumer": world.project_a2.pk, "title": "Feed",
        "provider_task": a.pk, "need_by": "2026-01-14"})
    assert response.status_code == 201 and response.json()["late"] is True
    response = call(director, "POST", "/api/v1/interfaces", {
        "provider": world.project_a1.pk, "consumer": world.project_a1.pk, "title": "Self"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "consumer"


# --- calendar exceptions are date ranges; bad entries are a 422 naming the entry (issue 7, items 14, 17) ---

def calendar_with(client, exceptions, **fields):
    return call(client, "POST", "/api/v1/calendars", {"name": "Site", **fields, "exceptions": exceptions})


def test_calendar_exceptions_are_ranges(world):
    director = client_for(world, "director")
    a = task(world.project_a1, "A", 10)
    response = calendar_with(director, [{"start": "2026-01-19", "finish": "2026-01-23", "name": "Shutdown"},
                                        {"start": "2026-01-24", "working": True, "name": "Catch-up Saturday"}],
                             project=world.project_a1.pk)
    assert response.status_code == 201, response.content
    assert response.json()["exceptions"] == [
        {"start": "2026-01-19", "finish": "2026-01-23", "working": False, "name": "Shutdown"},
        {"start": "2026-01-24", "finish": "2026-01-24", "working": True, "name": "Catch-up Saturday"}]
    a.refresh_from_db()
    assert a.finish == date(2026, 1, 29)  # 5 days, the shutdown week off, the Saturday and 4 more days
    calendar = response.json()["id"]
    events = AuditEvent.objects.count()
    response = call(director, "PATCH", f"/api/v1/calendars/{calendar}", {"exceptions": []}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["exceptions"] == []
    assert AuditEvent.objects.count() == events + 1
    a.refresh_from_db()
    assert a.finish == date(2026, 1, 23)


@pytest.mark.parametrize(("exceptions", "message"), [
    ([{"start": "2026-01-13"}, {"start": "2026-01-13"}],
     "exceptions[1] (2026-01-13) overlaps exceptions[0] (2026-01-13)"),
    ([{"start": "2026-03-01", "finish": "2026-03-31"}, {"start": "2026-02-01", "finish": "2026-02-28"},
      {"start": "2026-03-15", "working": True, "name": "Open day"}],
     "exceptions[2] (2026-03-15 Open day) overlaps exceptions[0] (2026-03-01..2026-03-31)"),
    ([{"start": "2026-03-31", "finish": "2026-03-01"}], "exceptions[0]: finish 2026-03-01 is before start 2026-03-31"),
])
def test_duplicate_overlapping_or_reversed_exceptions_are_422_naming_the_entry(world, exceptions, message):
    director = client_for(world, "director")
    before = AuditEvent.objects.count()
    response = calendar_with(director, exceptions)
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "exceptions" and error["msg"] == message
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("exceptions", "loc"), [
    ([{"start": "0001-01-01", "finish": "9999-12-31"}], ["exceptions", 0, "start"]),
    ([{"start": "2026-01-01", "finish": "9999-12-31"}], ["exceptions", 0, "finish"]),
    ([{"date": "2026-01-13"}], ["exceptions", 0, "date"]),  # the old one-row-per-day shape
    ([{"start": "2026-01-01"}] * 5001, ["exceptions"]),
])
def test_exception_bounds_are_422(world, exceptions, loc):
    response = calendar_with(client_for(world, "director"), exceptions)
    assert response.status_code == 422
    assert any(error["loc"][-len(loc):] == loc for error in response.json()["detail"]), response.json()


def test_a_task_that_runs_past_the_calendar_is_422_naming_it(world, pm):
    """A duration within the field's bound that the schedule cannot place (was a CalendarError: 500)."""
    a = task(world.project_a1, "Design", 3, code="D1")
    task(world.project_a1, "Build", 2)
    response = call(pm, "PATCH", f"/api/v1/tasks/{a.pk}", {"duration": "100000"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["msg"].startswith("PA-1/D1 Design: runs past 2056-12-31, outside the dates")
    a.refresh_from_db()
    assert a.duration == 3 and a.version == 1
    response = call(pm, "PATCH", f"/api/v1/tasks/{a.pk}", {"deadline": "9999-12-31"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "deadline"


def test_reschedule_past_the_calendar_is_422_and_a_page_message(world, pm):
    a = task(world.project_a1, "Design", 100000, code="D1")  # written straight to the table, never scheduled
    response = call(pm, "POST", f"/api/v1/projects/{world.project_a1.pk}/schedule")
    assert response.status_code == 422 and "PA-1/D1 Design: runs past" in response.json()["detail"][0]["msg"]
    response = pm.post(f"/projects/{world.project_a1.pk}/plan/schedule/", follow=True)
    assert response.status_code == 200 and b"PA-1/D1 Design: runs past" in response.content
    a.refresh_from_db()
    assert a.finish is None


def test_a_task_calendar_is_the_portfolio_default_or_its_own_projects(world):
    """Another project's calendar is a 422 naming ``calendar`` on PATCH and POST, with nothing written."""
    director = client_for(world, "director")
    own = Calendar.objects.create(project=world.project_a1, name="PA-1 calendar")
    other = Calendar.objects.create(project=world.project_a2, name="PA-2 calendar")
    default = Calendar.objects.create(name="Portfolio default")
    t = task(world.project_a1, "Design", 3)
    url = f"/api/v1/tasks/{t.pk}"
    before = AuditEvent.objects.count()
    response = call(director, "PATCH", url, {"calendar": other.pk}, HTTP_IF_MATCH=f'"{t.version}"')
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == "calendar"
    assert "PA-2" in response.json()["detail"][0]["msg"]
    t.refresh_from_db()
    assert t.calendar_id is None and AuditEvent.objects.count() == before
    response = call(director, "POST", f"/api/v1/projects/{world.project_a1.pk}/tasks",
                    {"name": "x", "calendar": other.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "calendar"
    assert Task.objects.count() == 1 and AuditEvent.objects.count() == before
    for calendar in (own, default):
        t.refresh_from_db()
        response = call(director, "PATCH", url, {"calendar": calendar.pk}, HTTP_IF_MATCH=f'"{t.version}"')
        assert response.status_code == 200 and response.json()["calendar"] == calendar.pk
