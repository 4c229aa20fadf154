"""Communications pages and API: bad input (422 naming the field, nothing written), scope isolation, the
overview panel, the .ics endpoints, the personal iCal feed source, query counts pinned."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from pmo.communications import notify, services
from pmo.communications.models import MAX_OCCURRENCES, Communication, Meeting, MeetingAction
from pmo.communications.selectors import today
from pmo.core.models import AuditEvent

from ..conftest import client_for
from .matrix import make_items, targets


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


@pytest.mark.parametrize(("body", "field"), [
    ({"recurrence": "daily", "count": MAX_OCCURRENCES + 1}, "count"),
    ({"recurrence": "daily", "until": "2040-01-01"}, "until"),
    ({"recurrence": "weekly"}, "count"),
    ({"duration_minutes": 100000}, "duration_minutes"),
    ({"starts_at": "2026-06-01T10:00:00"}, "starts_at"),  # no offset
    ({"kind": "party"}, "kind"),
    ({"attendee_users": list(range(1, 500))}, "attendee_users"),
    ({"project": 999999}, "project"),
])
def test_meeting_bad_input(world, body, field):
    client = client_for(world, "coordinator")
    events = AuditEvent.objects.count()
    payload = {"program": world.own("program").pk, "title": "Status", "starts_at": "2026-06-01T10:00:00+02:00"}
    response = _api(client, "POST", "/api/v1/meetings", payload | body)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])
    assert not Meeting.objects.exists() and AuditEvent.objects.count() == events


def test_meeting_form_refuses_an_unbounded_series(world):
    client = client_for(world, "program_manager")
    page = client.post(f"/communications/programs/{world.own('program').pk}/meetings/new/", {
        "kind": "status", "title": "Daily stand-up", "starts_at": "2026-06-01T09:00", "duration_minutes": "15",
        "recurrence": "daily", "interval": "1", "count": "", "until": "2031-01-01"})
    assert page.status_code == 422 and "at most" in page.content.decode()
    assert not Meeting.objects.exists()


def test_other_scopes_ids_in_bodies_are_unknown(world):
    client = client_for(world, "coordinator")
    own, other = targets(world, "own"), targets(world, "other")
    for url, body, field in (
            ("/api/v1/agenda-items", {"meeting": other["meeting"].pk, "title": "x"}, "meeting"),
            ("/api/v1/meeting-actions", {"meeting": own["meeting"].pk, "description": "x",
                                         "agenda_item": other["agenda"].pk}, "agenda_item"),
            (f"/api/v1/meetings/{own['meeting'].pk}/attendees", {"stakeholder": other["stakeholder"].pk},
             "stakeholder"),
            (f"/api/v1/communications/{own['communication'].pk}/audiences", {"group": 999999}, "group"),
            ("/api/v1/communications", {"program": world.other("program").pk, "title": "x"}, "program")):
        response = _api(client, "POST", url, body)
        assert response.status_code == 422, (url, response.content)
        assert field in json.dumps(response.json()["detail"]), url
    assert MeetingAction.objects.count() == 2 and Communication.objects.count() == 2


def test_audience_needs_exactly_one(world):
    client = client_for(world, "coordinator")
    own = targets(world, "own")
    url = f"/api/v1/communications/{own['communication'].pk}/audiences"
    assert _api(client, "POST", url, {}).status_code == 422
    both = _api(client, "POST", url, {"role": "pmo_analyst", "stakeholder": own["guest"].pk})
    assert both.status_code == 422 and "audience" in both.content.decode()
    assert _api(client, "POST", url, {"role": "emperor"}).status_code == 422
    assert own["communication"].audiences.count() == 1


def test_scope_isolation(world):
    own, other = targets(world, "own"), targets(world, "other")
    for role in ("coordinator", "program_manager", "steering", "project_manager"):
        client = client_for(world, role)
        ids = {row["id"] for row in client.get("/api/v1/meetings").json()["items"]}
        assert own["meeting"].pk in ids and other["meeting"].pk not in ids, role
        plan = {row["id"] for row in client.get("/api/v1/communications").json()["items"]}
        assert own["communication"].pk in plan and other["communication"].pk not in plan, role
        page = client.get("/communications/meetings/").content.decode()
        assert f"MT-{own['meeting'].pk}<" in page and f"MT-{other['meeting'].pk}<" not in page
        assert client.get(f"/api/v1/meetings/{other['meeting'].pk}/invitation").status_code == 404


def test_project_meetings_are_seen_by_the_project_only(world):
    pm = world.users["project_manager"]
    a2 = services.meeting_create(actor=world.users["coordinator"], project=world.project_a2, title="A2 board",
                                 starts_at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    a1 = services.meeting_create(actor=pm, project=world.own("project"), title="A1 board",
                                 starts_at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    client = client_for(world, "project_manager")
    ids = {row["id"] for row in client.get("/api/v1/meetings").json()["items"]}
    assert a1.pk in ids and a2.pk not in ids
    assert client.get(f"/communications/meetings/{a2.pk}/").status_code == 404
    assert client_for(world, "steering").get(f"/communications/meetings/{a2.pk}/").status_code == 200


def test_invitation_endpoints_and_sequence(world):
    own = targets(world, "own")
    client = client_for(world, "program_manager")
    meeting = own["meeting"]
    first = Calendar.from_ical(client.get(f"/api/v1/meetings/{meeting.pk}/invitation").content)
    etag = client.get(f"/api/v1/meetings/{meeting.pk}")["ETag"]
    moved = _api(client, "PATCH", f"/api/v1/meetings/{meeting.pk}", {"starts_at": "2026-03-02T10:00:00+00:00"},
                 HTTP_IF_MATCH=etag)
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    page = client.get(f"/communications/meetings/{meeting.pk}/invitation.ics")
    assert page["Content-Type"].startswith("text/calendar") and "attachment" in page["Content-Disposition"]
    second = Calendar.from_ical(page.content)
    (before,), (after,) = first.walk("VEVENT"), second.walk("VEVENT")
    assert before["UID"] == after["UID"] and (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
    assert second["METHOD"] == "REQUEST"
    occurrences = client.get(f"/api/v1/meetings/{meeting.pk}/occurrences").json()
    assert len(occurrences) == 20 and occurrences[1]["starts_at"].startswith("2026-03-09")
    too_wide = client.get(f"/api/v1/meetings/{meeting.pk}/occurrences?start=2026-01-01&end=2028-01-01")
    assert too_wide.status_code == 422 and "end" in too_wide.content.decode()


def test_overdue_items_on_the_owners_pages(world):
    owner = world.users["program_manager"]
    own = targets(world, "own")
    actor = world.users["coordinator"]
    late = services.action_create(actor=actor, meeting=own["meeting"], description="Circulate the minutes",
                                  owner=owner, due=today() - timedelta(days=2))
    services.action_create(actor=actor, meeting=own["meeting"], description="Later", owner=owner,
                           due=today() + timedelta(days=2))
    plan = services.communication_create(actor=actor, program=world.own("program"), title="Monthly report",
                                         channel="report", frequency="monthly", owner=owner,
                                         next_due=today() - timedelta(days=1))
    for url in ("/", "/communications/"):
        page = client_for(world, "program_manager").get(url).content.decode()
        assert "Circulate the minutes" in page and "Monthly report" in page and "Later" not in page, url
    assert "Circulate the minutes" not in client_for(world, "director").get("/").content.decode()
    overdue = client_for(world, "program_manager").get(
        f"/api/v1/meeting-actions?overdue=true&owner={owner.pk}").json()["items"]
    assert [row["id"] for row in overdue] == [late.pk] and overdue[0]["overdue"] is True
    # the owner marks the report done: the next due date moves on, the item leaves the panel
    response = client_for(world, "program_manager").post(f"/communications/plan/{plan.pk}/send/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.next_due > today() and "Monthly report" not in client_for(world, "program_manager").get("/") \
        .content.decode()


def test_action_owner_updates_the_status_only(world):
    owner = world.users["steering"]
    own = targets(world, "own")
    action = services.action_create(actor=world.users["coordinator"], meeting=own["meeting"],
                                    description="Approve the budget", owner=owner, due=date(2026, 7, 1))
    client = client_for(world, "steering")
    etag = client.get(f"/api/v1/meeting-actions/{action.pk}")["ETag"]
    assert _api(client, "PATCH", f"/api/v1/meeting-actions/{action.pk}", {"description": "x"},
                HTTP_IF_MATCH=etag).status_code == 403
    done = _api(client, "PATCH", f"/api/v1/meeting-actions/{action.pk}", {"status": "done"}, HTTP_IF_MATCH=etag)
    assert done.status_code == 200 and done.json()["status"] == "done"
    page = client.get(f"/communications/actions/{action.pk}/edit/")
    assert page.status_code == 200 and 'name="description"' not in page.content.decode()


def test_feed_source_and_overdue_provider(world):
    owner = world.users["steering"]
    own = targets(world, "own")
    meeting = own["meeting"]
    services.attendee_add(actor=world.users["coordinator"], meeting=meeting, user=owner)
    action = services.action_create(actor=world.users["coordinator"], meeting=meeting, description="Sign off",
                                    owner=owner, due=date(2026, 3, 20))
    items = list(notify.feed(owner, date(2026, 3, 1), date(2026, 3, 31)))
    meetings = [i for i in items if i.uid.startswith("meeting-") and not i.uid.startswith("meeting-action")]
    assert [i.start.date() for i in meetings] == [date(2026, 3, d) for d in (2, 9, 16, 23, 30)]
    assert any(i.uid == f"meeting-action-{action.pk}" for i in items)
    assert list(notify.feed(world.users["analyst"], date(2026, 3, 1), date(2026, 3, 31))) == []  # not invited
    events = list(notify.overdue_events(datetime(2026, 3, 25, 12, tzinfo=UTC)))
    assert [e.dedupe_key for e in events] == [f"overdue:{action.pk}:2026-03-20"]


@pytest.mark.parametrize("count", [1, 10])
def test_query_counts_do_not_grow_with_rows(world, count):
    program = world.own("program")
    for n in range(count):
        make_items(program, name=f"Meeting {n}")
    client = client_for(world, "coordinator")
    meeting = Meeting.objects.filter(program=program).first()
    plan = Communication.objects.filter(program=program).first()
    for url, limit in (("/communications/", 16), ("/communications/meetings/", 16),
                       (f"/communications/programs/{program.pk}/meetings/", 18),
                       (f"/communications/programs/{program.pk}/plan/", 18),
                       (f"/communications/meetings/{meeting.pk}/", 22), (f"/communications/plan/{plan.pk}/", 20),
                       ("/api/v1/meetings", 10), ("/api/v1/communications", 12), ("/api/v1/meeting-actions", 10)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert len(queries) <= limit, (url, len(queries))


def test_demo_tells_its_story(db):
    from pmo.portfolio.demo import load_demo

    load_demo()
    overdue = Communication.objects.filter(next_due__lt=today())
    assert [(c.program.code, c.owner.username, c.channel) for c in overdue] == [("DX", "program_manager", "report")]
    assert Communication.objects.values("program").distinct().count() == 4
    weekly = Meeting.objects.get(title="DX weekly status")
    assert weekly.recurrence == "weekly" and weekly.agenda.count() == 3 and weekly.attendees.count() == 5
    board = Meeting.objects.get(title="DX-IAM project board")
    assert board.status == "held" and board.minutes and board.project.code == "DX-IAM"
    late = [a for a in board.actions.all() if a.is_overdue(today())]
    assert [a.owner.username for a in late] == ["project_manager"]
    assert board.agenda.filter(subject_id__isnull=False).count() == 2
    before = (Communication.objects.count(), Meeting.objects.count(), MeetingAction.objects.count())
    load_demo()
    assert (Communication.objects.count(), Meeting.objects.count(), MeetingAction.objects.count()) == before


def test_the_notifications_tick_sends_due_items_and_tells_overdue_actions(world, django_capture_on_commit_callbacks):
    from pmo.notifications.models import Notification
    from pmo.notifications.tasks import run_tick

    own = targets(world, "own")
    owner = world.users["program_manager"]
    with django_capture_on_commit_callbacks(execute=True):
        late = services.action_create(actor=world.users["coordinator"], meeting=own["meeting"],
                                      description="Circulate the minutes", owner=owner, due=today() - timedelta(days=1))
    assert Notification.objects.filter(recipient=owner, kind=services.KIND_ACTION_ASSIGNED).count() == 1
    run_tick(force=True)
    run_tick(force=True)
    told = Notification.objects.filter(recipient=owner, kind=services.KIND_ACTION_OVERDUE)
    assert [n.url for n in told] == [late.get_absolute_url()]
    own["communication"].refresh_from_db()
    assert own["communication"].next_due > today() and own["communication"].sends.count() == 1
