"""The inbox, bell, preferences, the personal calendar and the communication log, as pages and API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from pmo.core.models import AuditEvent
from pmo.notifications import services
from pmo.notifications.models import Delivery, DeliveryChannel, DeliveryState, FeedToken, Notification, Preference
from pmo.planning.models import Task
from pmo.raid.models import Risk, RiskAction
from pmo.stakeholders.models import EngagementAction, Stakeholder

from ..conftest import client_for


def _note(user, subject="Risk action overdue", **extra):
    return Notification.objects.create(recipient=user, kind="raid.action_overdue", subject=subject,
                                       url="/raid/", created_at=timezone.now(), **extra)


def test_bell_inbox_read_and_read_all(world):
    director = world.users["director"]
    first, second = _note(director, "First"), _note(director, "Second")
    _note(world.users["analyst"], "Someone else's")
    client = client_for(world, "director")
    bell = client.get("/notifications/bell/")
    assert b'data-testid="unread-count">2' in bell.content
    page = client.get("/notifications/")
    assert b"First" in page.content and b"Someone else" not in page.content
    events = AuditEvent.objects.count()
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/raid/"})
    assert response.status_code == 302 and response["Location"] == "/raid/"
    first.refresh_from_db()
    assert first.read_at is not None and AuditEvent.objects.count() == events + 1
    response = client.post(f"/notifications/{second.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"  # never an open redirect
    _note(director, "Third")
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=director, read_at__isnull=True).exists()
    assert b"unread-count" not in client.get("/notifications/bell/").content
    assert client.get("/notifications/?show=unread").status_code == 200


def test_inbox_query_count_is_flat(world, django_assert_max_num_queries):
    for i in range(60):
        _note(world.users["director"], f"N{i}", program=world.program_a, project=world.project_a1)
    client = client_for(world, "director")
    with django_assert_max_num_queries(9):
        assert client.get("/notifications/").status_code == 200


def test_preferences_page_sets_channels_and_refuses_bad_ones(world):
    client = client_for(world, "steering")
    page = client.get("/notifications/preferences/")
    assert b"A risk action of yours is overdue" in page.content
    assert client.post("/notifications/preferences/", {"kind-raid.action_overdue": "pigeon"}).status_code == 422
    assert not Preference.objects.exists()
    assert client.post("/notifications/preferences/", {"kind-raid.action_overdue": "off"}).status_code == 302
    assert Preference.objects.get(user=world.users["steering"], kind="raid.action_overdue").channel == "off"


def test_preferences_api(world, api_token):
    headers = api_token("program_manager")
    from django.test import Client
    client = Client()
    kinds = client.get("/api/v1/notification-preferences", **headers).json()
    assert {k["kind"] for k in kinds} >= {"raid.action_assigned", "procurement.invoice_excess",
                                         "finance.budget_change_steering", "documents.review_due"}
    bad = client.patch("/api/v1/notification-preferences", json.dumps({"channels": {"nope.kind": "email"}}),
                       content_type="application/json", **headers)
    assert bad.status_code == 422 and "kind" in bad.content.decode()
    bad = client.patch("/api/v1/notification-preferences", json.dumps({"channels": {"raid.escalation": "fax"}}),
                       content_type="application/json", **headers)
    assert bad.status_code == 422
    assert not Preference.objects.exists()
    ok = client.patch("/api/v1/notification-preferences", json.dumps({"channels": {"raid.escalation": "digest"}}),
                      content_type="application/json", **headers)
    assert ok.status_code == 200
    assert next(k for k in ok.json() if k["kind"] == "raid.escalation")["channel"] == "digest"


def test_inbox_api_only_yours(world, api_token):
    from django.test import Client
    mine = _note(world.users["steering"])
    theirs = _note(world.users["director"])
    headers = api_token("steering")
    client = Client()
    listed = client.get("/api/v1/notifications?unread=true", **headers).json()
    assert [n["id"] for n in listed["items"]] == [mine.pk]
    assert client.get(f"/api/v1/notifications/{theirs.pk}", **headers).status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read", **headers).status_code == 404
    assert client.post(f"/api/v1/notifications/{mine.pk}/read", **headers).json()["read_at"]


def _delivery(program, state=DeliveryState.SENT, **extra):
    now = timezone.now()
    return Delivery.objects.create(channel=DeliveryChannel.EMAIL, kind="raid.escalation", to_address="x@example.com",
                                   subject=f"About {program.code if program else 'the PMO'}", program=program,
                                   state=state, attempts=1, created_at=now, **extra)


def test_log_is_scoped_for_coordinators(world, django_assert_max_num_queries):
    _delivery(world.program_a)
    _delivery(world.program_b, state=DeliveryState.FAILED, last_error="SMTPRecipientsRefused: 550")
    _delivery(None)
    director, coordinator = client_for(world, "director"), client_for(world, "coordinator")
    page = director.get("/notifications/log/")
    assert page.content.count(b"About ") == 3
    page = coordinator.get("/notifications/log/")
    assert b"About PA" in page.content and b"About PB" not in page.content and b"About the PMO" not in page.content
    assert director.get("/notifications/log/?state=failed").content.count(b"About ") == 1
    assert client_for(world, "analyst").get("/notifications/log/").status_code == 403
    for _i in range(40):
        _delivery(world.program_a, recipient=world.users["steering"])
    with django_assert_max_num_queries(8):
        assert director.get("/notifications/log/").status_code == 200


def test_feed_scope_and_revocation(world):
    """The calendar carries what the user sees (milestones of their projects, their own due actions), nothing
    from program B, and stops answering once revoked."""
    soon = timezone.localdate() + timedelta(days=10)
    Task.objects.create(project=world.project_a1, name="Go-live A1", duration=0, is_milestone=True, start=soon,
                        finish=soon)
    Task.objects.create(project=world.project_a2, name="Go-live A2", duration=0, is_milestone=True, start=soon,
                        finish=soon)
    Task.objects.create(project=world.project_b1, name="Go-live B1", duration=0, is_milestone=True, start=soon,
                        finish=soon)
    pm = world.users["project_manager"]
    risk_a = Risk.objects.create(program=world.program_a, project=world.project_a1, title="Vendor late",
                                 probability=3, impact=3, score=9, rating="medium", escalation_level="project")
    risk_b = Risk.objects.create(program=world.program_b, project=world.project_b1, title="Other vendor",
                                 probability=3, impact=3, score=9, rating="medium", escalation_level="project")
    RiskAction.objects.create(risk=risk_a, description="Chase the vendor", owner=pm, due=soon)
    RiskAction.objects.create(risk=risk_b, description="Hidden action", owner=pm, due=soon)  # owner, out of scope
    stakeholder = Stakeholder.objects.create(program=world.program_a, name="Works council", influence=4,
                                             interest=5)
    EngagementAction.objects.create(stakeholder=stakeholder, title="Brief the council", owner=pm, due=soon)
    client = client_for(world, "project_manager")
    page = client.post("/notifications/calendar/")
    url = page.context["new_url"]
    path = url.removeprefix("http://127.0.0.1:8000")
    assert FeedToken.objects.get(user=pm).key_hash != path  # only the hash is stored
    response = client_for(world, "anonymous").get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Due: Brief the council (Works council)", f"Due: Chase the vendor (R-{risk_a.pk})",
                         "◆ PA-1: Go-live A1"], summaries
    director_feed = services.feed_token_create(actor=world.users["director"])[1]
    everything = Calendar.from_ical(client.get(f"/notifications/calendar/{director_feed}.ics").content)
    assert {str(e["SUMMARY"]) for e in everything.walk("VEVENT")} >= {"◆ PA-2: Go-live A2", "◆ PB-1: Go-live B1"}
    client.post("/notifications/calendar/revoke/")
    assert client.get(path).status_code == 404
    assert client.get("/notifications/calendar/pmofeed_guessed.ics").status_code == 404


def test_feed_api_gives_the_url_once(world, api_token):
    from django.test import Client
    headers = api_token("analyst")
    created = Client().post("/api/v1/me/ical-feed", **headers)
    assert created.status_code == 201
    path = created.json()["url"].removeprefix("http://127.0.0.1:8000")
    assert Client().get(path).status_code == 200
    assert Client().delete("/api/v1/me/ical-feed", **headers).json() == {"revoked": 1}
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize("role", ["director", "steering"])
def test_pages_render(world, role):
    _note(world.users[role])
    client = client_for(world, role)
    for path in ("/notifications/", "/notifications/preferences/", "/notifications/calendar/"):
        assert client.get(path).status_code == 200, path
