"""Acceptance of deliverables (refused naming the criterion, nothing written; the change app's status follows;
first-pass acceptance), the API's bad input, the pages' refusals, notifications, evidence and query pins."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from pmo.change.models import Deliverable
from pmo.core.models import AuditEvent
from pmo.documents import samples
from pmo.documents import services as document_services
from pmo.notifications.models import Notification
from pmo.quality import notices, selectors
from pmo.quality.models import Acceptance, CorrectiveAction, NonConformance, QualityCriterion, ReviewResult

from ..conftest import client_for
from .factories import make_items


@pytest.fixture
def items(world):
    return make_items(world.program_a, world.project_a1, owner=world.users["project_manager"])


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


def _written():
    return (AuditEvent.objects.count(), Acceptance.objects.count(), NonConformance.objects.count(),
            ReviewResult.objects.count(), CorrectiveAction.objects.count(), QualityCriterion.objects.count())


def test_acceptance_refused_naming_the_criterion_nothing_written(world, items):
    deliverable = items["deliverable"]
    failed = QualityCriterion.objects.create(plan=items["plan"], deliverable=deliverable, name="Load test",
                                             status="fail")
    unassessed = QualityCriterion.objects.create(plan=items["plan"], deliverable=deliverable, name="Pen test")
    QualityCriterion.objects.create(plan=items["plan"], deliverable=deliverable, name="Nice to have",
                                    mandatory=False, status="fail")  # not mandatory: does not block
    client = client_for(world, "program_manager")
    before = _written()
    response = _api(client, "POST", "/api/v1/acceptances", {"deliverable": deliverable.pk, "decision": "accepted"})
    assert response.status_code == 422, response.content
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "deliverable"
    assert f"{failed.ref} 'Load test' failed" in detail["msg"] and f"{unassessed.ref} 'Pen test' is not assessed" \
        in detail["msg"] and "Nice to have" not in detail["msg"]
    assert _written() == before
    deliverable.refresh_from_db()
    assert deliverable.status == "submitted"
    # the page says the same, 422, nothing written
    page = client.post(f"/quality/deliverables/{deliverable.pk}/decide/", {"decision": "accepted", "note": ""})
    assert page.status_code == 422 and failed.ref in page.content.decode()
    assert _written() == before
    # rejecting is allowed: the change app's status follows
    response = _api(client, "POST", "/api/v1/acceptances", {"deliverable": deliverable.pk, "decision": "rejected",
                                                            "note": "load test failed"})
    assert response.status_code == 201
    deliverable.refresh_from_db()
    assert deliverable.status == "rejected" and response.json()["first_decision"] is False


def test_acceptance_through_change_and_first_pass(world, items):
    client = client_for(world, "director")
    deliverable = items["deliverable"]  # rejected once (fixture), its mandatory criterion passed since
    response = _api(client, "POST", "/api/v1/acceptances", {"deliverable": deliverable.pk, "decision": "accepted",
                                                            "note": "UAT signed"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 201, response.content
    body = response.json()
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.accepted_by, body["decided_by"], body["decided_on"]) == (
        "accepted", world.users["director"], world.users["director"].pk, selectors.today().isoformat())
    assert body["first_decision"] is False
    second = Deliverable.objects.create(project=world.project_a1, code="D2", name="Training material",
                                        status="submitted")
    assert _api(client, "POST", "/api/v1/acceptances", {"deliverable": second.pk,
                                                        "decision": "accepted"}).status_code == 201
    assert selectors.first_pass(world.program_a) == {"decided": 2, "first_pass": 1, "rate": 0.5}
    metrics = client.get(f"/api/v1/programs/{world.program_a.pk}/quality").json()
    assert (metrics["first_pass_decided"], metrics["first_pass_accepted"], metrics["first_pass_rate"]) == (2, 1, 0.5)
    # accepted twice: the change app refuses (422 on status), nothing written
    before = _written()
    again = _api(client, "POST", "/api/v1/acceptances", {"deliverable": second.pk, "decision": "accepted"})
    assert again.status_code == 422 and again.json()["detail"][0]["loc"][-1] == "status"
    assert _written() == before
    # a stale If-Match on the deliverable: 412
    third = Deliverable.objects.create(project=world.project_a1, code="D3", name="Runbook", status="submitted")
    assert _api(client, "POST", "/api/v1/acceptances", {"deliverable": third.pk, "decision": "accepted"},
                HTTP_IF_MATCH='"9"').status_code == 412


def test_coordinator_and_project_manager_do_not_accept_not_even_as_the_owner(world, items):
    for role in ("coordinator", "project_manager", "analyst"):  # the Project Manager owns the deliverable (items)
        response = _api(client_for(world, role), "POST", "/api/v1/acceptances",
                        {"deliverable": items["deliverable"].pk, "decision": "accepted"})
        assert response.status_code == 403, role
    other = make_items(world.program_b, world.project_b1)
    response = _api(client_for(world, "program_manager"), "POST", "/api/v1/acceptances",
                    {"deliverable": other["deliverable"].pk, "decision": "accepted"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "deliverable"


def test_evidence_attached_to_the_decision(world, items):
    acceptance = items["acceptance"]
    document = document_services.document_create(
        actor=world.users["program_manager"], target=acceptance, title="UAT sign-off", kind="other",
        upload=ContentFile(samples.pdf(["UAT sign-off", "All 42 scripts passed."]), name="uat.pdf"))
    assert (document.program, document.project) == (world.program_a, world.project_a1)
    page = client_for(world, "steering").get(acceptance.get_absolute_url())
    assert page.status_code == 200 and "UAT sign-off" in page.content.decode()
    assert client_for(world, "analyst").get(document.get_absolute_url()).status_code == 200


def test_api_bad_input_names_the_field_and_writes_nothing(world, items):
    client = client_for(world, "project_manager")
    other = make_items(world.program_b, world.project_b1)
    nc, review = items["nc"], items["planned"]
    before = _written()
    cases = [
        ("POST", "/api/v1/nonconformances", {"plan": items["plan"].pk, "title": "x", "rework_hours": -1}, {},
         "rework_hours"),
        ("POST", "/api/v1/nonconformances", {"plan": items["plan"].pk, "title": "x" * 201}, {}, "title"),
        ("POST", "/api/v1/nonconformances", {"plan": items["plan"].pk, "title": "x",
                                             "criterion": other["criterion"].pk}, {}, "criterion"),
        ("POST", "/api/v1/nonconformances", {"plan": items["plan"].pk, "title": "x",
                                             "deliverable": other["deliverable"].pk}, {}, "deliverable"),
        ("POST", "/api/v1/nonconformances", {"plan": other["plan"].pk, "title": "x"}, {}, "plan"),
        ("POST", "/api/v1/quality-criteria", {"plan": items["plan"].pk, "name": "x", "mandatory": 1}, {},
         "mandatory"),
        ("POST", f"/api/v1/quality-reviews/{review.pk}/results",
         {"results": [{"criterion": other["gate"].pk, "result": "pass"}]}, {"HTTP_IF_MATCH": f'"{review.version}"'},
         "results"),
        ("POST", f"/api/v1/quality-reviews/{review.pk}/results",
         {"results": [{"criterion": items["gate"].pk, "result": "maybe"}]},
         {"HTTP_IF_MATCH": f'"{review.version}"'}, "result"),
        ("POST", f"/api/v1/quality-reviews/{review.pk}/results", {"results": []},
         {"HTTP_IF_MATCH": f'"{review.version}"'}, "results"),
        ("POST", f"/api/v1/nonconformances/{nc.pk}/transition", {"to": "closed"},
         {"HTTP_IF_MATCH": f'"{nc.version}"'}, "status"),
        ("POST", f"/api/v1/nonconformances/{nc.pk}/transition", {"to": "sideways"},
         {"HTTP_IF_MATCH": f'"{nc.version}"'}, "to"),
        ("POST", "/api/v1/quality-reviews", {"plan": items["plan"].pk, "title": "x", "planned_on": "2301-01-01"},
         {}, "planned_on"),
    ]
    for method, url, body, headers, field in cases:
        response = _api(client, method, url, body, **headers)
        assert response.status_code == 422, (url, body, response.content)
        assert field in json.dumps(response.json()["detail"]), (field, response.json())
    assert _api(client, "POST", f"/api/v1/nonconformances/{nc.pk}/transition", {"to": "action"}).status_code == 428
    assert _api(client, "POST", f"/api/v1/nonconformances/{nc.pk}/transition", {"to": "action"},
                HTTP_IF_MATCH='"99"').status_code == 412
    assert _written() == before


def test_nc_assigned_and_overdue_notify_the_owner(world, items):
    pm = world.users["project_manager"]
    response = _api(client_for(world, "program_manager"), "POST", "/api/v1/nonconformances",
                    {"plan": items["plan"].pk, "title": "Broken links in help", "severity": "major", "owner": pm.pk})
    assert response.status_code == 201
    assert Notification.objects.filter(recipient=pm, kind=notices.ASSIGNED).count() == 1
    events = list(notices.overdue_events(timezone.make_aware(datetime(2026, 6, 2, 8))))
    assert [(e.kind, list(e.recipients), e.dedupe_key) for e in events] == [
        (notices.OVERDUE, [pm.pk], f"{items['action'].pk}:2026-06-01")]
    assert list(notices.overdue_events(timezone.make_aware(datetime(2026, 6, 1, 8)))) == []
    feed = list(notices.feed(pm, date(2026, 5, 1), date(2026, 6, 30)))
    assert [f.uid for f in feed] == [f"quality-action-{items['action'].pk}"]
    assert list(notices.feed(world.users["director"], date(2026, 5, 1), date(2026, 6, 30))) == []


def test_pages_refuse_with_the_field_named(world, items):
    client = client_for(world, "project_manager")
    nc, review = items["nc"], items["planned"]
    NonConformance.objects.filter(pk=nc.pk).update(root_cause="")
    before = _written()
    page = client.post(f"/quality/nonconformances/{nc.pk}/status/", {"to": "action", "version": nc.version})
    assert page.status_code == 422 and "root_cause" in page.content.decode()
    page = client.post(f"/quality/nonconformances/{nc.pk}/status/", {"to": "action", "version": nc.version + 5})
    assert page.status_code == 409
    page = client.post(f"/quality/reviews/{review.pk}/results/", {"version": review.version, "held_on": "tomorrow",
                                                                  f"result-{items['gate'].pk}": "pass"})
    assert page.status_code == 422 and "held_on" in page.content.decode()
    page = client.post(f"/quality/reviews/{review.pk}/results/", {"version": review.version, "held_on": "2026-09-02",
                                                                  f"result-{items['gate'].pk}": "nope"})
    assert page.status_code == 422 and "must be pass, fail or not_assessed" in page.content.decode()
    page = client.post(f"/quality/plans/{items['plan'].pk}/nonconformances/new/", {
        "title": "", "severity": "minor", "detected_on": "2026-06-01", "rework_hours": "-3"})
    assert page.status_code == 422
    assert _written() == before


def test_dashboard_and_register_show_the_story(world, items):
    client = client_for(world, "steering")
    page = client.get(f"/quality/programs/{world.program_a.pk}/").content.decode()
    assert 'id="nc-age-chart"' in page and 'role="img"' in page and "nc-age-data" in page
    assert "Open non-conformances by age and severity" in page  # the table alternative's caption
    assert items["nc"].title in page
    register = client.get("/quality/?severity=major").content.decode()
    assert items["nc"].ref in register
    overview = client_for(world, "project_manager").get("/").content.decode()
    assert 'data-testid="overdue-corrective-actions"' in overview and items["action"].ref in overview


def test_list_queries_do_not_grow_with_rows(world, items, django_assert_max_num_queries):
    client = client_for(world, "director")
    plan = items["plan"]

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    urls = ["/quality/", f"/quality/programs/{world.program_a.pk}/", f"/quality/plans/{plan.pk}/",
            "/api/v1/nonconformances", "/api/v1/quality-reviews", "/api/v1/quality-plans"]
    few = {url: count(url) for url in urls}
    for i in range(30):
        nc = NonConformance.objects.create(plan=plan, title=f"NC {i}", detected_on=date(2026, 5, 1) - timedelta(i),
                                           owner=world.users["program_manager"], criterion=items["criterion"])
        CorrectiveAction.objects.create(nonconformance=nc, description="fix", due=date(2026, 6, 1))
        QualityCriterion.objects.create(plan=plan, name=f"C {i}", deliverable=items["deliverable"])
    for url in urls:
        assert count(url) == few[url], url
    with django_assert_max_num_queries(12):
        client.get("/quality/")


def test_the_change_apps_own_accept_is_guarded_too(world, items):
    """One rule whoever accepts: change's /deliverables/{id}/accept runs quality's guard."""
    deliverable = items["deliverable"]
    failed = QualityCriterion.objects.create(plan=items["plan"], deliverable=deliverable, name="Load test",
                                             status="fail")
    before = _written()
    response = _api(client_for(world, "director"), "POST", f"/api/v1/deliverables/{deliverable.pk}/accept", {},
                    HTTP_IF_MATCH=f'"{deliverable.version}"')
    assert response.status_code == 422, response.content
    assert failed.ref in response.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.status == "submitted" and _written() == before


def test_api_filters(world, items):
    client = client_for(world, "analyst")
    make_items(world.program_b, world.project_b1)
    deliverable = items["deliverable"]
    rows = client.get(f"/api/v1/quality-criteria?deliverable={deliverable.pk}").json()["items"]
    assert [r["id"] for r in rows] == [items["deliverable_criterion"].pk]
    gates = client.get(f"/api/v1/quality-criteria?program={world.program_a.pk}&gate=true").json()["items"]
    assert [r["id"] for r in gates] == [items["gate"].pk]
    assert [r["id"] for r in client.get(f"/api/v1/nonconformances?program={world.program_a.pk}&severity=major")
            .json()["items"]] == [items["nc"].pk]
    assert client.get(f"/api/v1/quality-reviews?deliverable={deliverable.pk}").json()["count"] == 0
    assert [r["id"] for r in client.get(f"/api/v1/acceptances?deliverable={deliverable.pk}").json()["items"]] == [
        items["acceptance"].pk]
    assert client.get(f"/api/v1/quality-plans?project={world.project_a1.pk}").json()["count"] == 1
    assert [r["id"] for r in client.get("/api/v1/corrective-actions?overdue=true&owner="
                                        f"{world.users['project_manager'].pk}").json()["items"]] == [
        items["action"].pk]
