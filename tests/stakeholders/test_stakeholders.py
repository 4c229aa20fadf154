"""Stakeholders: bad input (scales, a second A, other scopes' ids, stale versions), scope isolation, query pins,
the grid's quadrants and the engagement gap worked out by hand, the overdue panel."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.stakeholders import services
from pmo.stakeholders.gaps import gap_series, month_ends
from pmo.stakeholders.models import (
    EngagementAction,
    EngagementAssessment,
    RaciAssignment,
    RaciMatrix,
    Stakeholder,
    quadrant_of,
)
from pmo.stakeholders.selectors import grid, quadrant_filter, today

from ..conftest import client_for
from .matrix import make_items, targets


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


# --- the grid and the gap, by hand ---------------------------------------------------------------------

@pytest.mark.parametrize(("influence", "interest", "expected"), [
    (5, 5, "manage_closely"), (3, 3, "manage_closely"), (3, 2, "keep_satisfied"), (5, 1, "keep_satisfied"),
    (2, 3, "keep_informed"), (1, 5, "keep_informed"), (2, 2, "monitor"), (1, 1, "monitor"),
])
def test_quadrants_by_hand(influence, interest, expected):
    """High is 3 or more on the 1..5 scales (the grid splits at its midpoint)."""
    assert quadrant_of(influence, interest) == expected


def test_grid_and_quadrant_filter_agree_on_every_cell(world):
    program = world.own("program")
    for influence in range(1, 6):
        for interest in range(1, 6):
            Stakeholder.objects.create(program=program, name=f"p{influence}i{interest}", influence=influence,
                                       interest=interest)
    rows = Stakeholder.objects.filter(program=program)
    for quadrant, count in {"manage_closely": 9, "keep_satisfied": 6, "keep_informed": 6, "monitor": 4}.items():
        names = set(quadrant_filter(rows, quadrant).values_list("name", flat=True))
        assert len(names) == count
        assert all(quadrant_of(int(n[1]), int(n[3])) == quadrant for n in names)
    drawn = grid(list(rows))
    assert drawn["counts"] == {"Manage closely": 9, "Keep satisfied": 6, "Keep informed": 6, "Monitor": 4}
    point = next(p for p in drawn["points"] if p["name"] == "p4i2")
    assert (point["x"], point["y"], point["quadrant"]) == (2, 4, "keep satisfied")


def test_gap_over_time_by_hand():
    """Works council: resistant (2) from Feb, neutral (3) from Sep, desired supportive (4): gap 2 then 1.
    CFO: desired supportive, leading (5) from March: above, counts 0. Vendor: never assessed, not counted."""
    desired = {1: "supportive", 2: "supportive", 3: "neutral"}
    history = {1: [(date(2026, 2, 3), "resistant"), (date(2026, 9, 22), "neutral")],
               2: [(date(2026, 3, 10), "leading")]}
    days = month_ends(date(2026, 2, 3), date(2026, 10, 15))
    assert days[0] == date(2026, 2, 28) and days[-1] == date(2026, 10, 15) and len(days) == 9
    points = {p.day: p for p in gap_series(desired, history, days)}
    assert (points[date(2026, 2, 28)].assessed, points[date(2026, 2, 28)].total_gap) == (1, 2)
    assert (points[date(2026, 8, 31)].assessed, points[date(2026, 8, 31)].total_gap,
            points[date(2026, 8, 31)].below) == (2, 2, 1)
    assert (points[date(2026, 9, 30)].total_gap, points[date(2026, 9, 30)].below) == (1, 1)


# --- bad input ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [("interest", 0), ("interest", 6), ("influence", -1),
                                              ("influence", "5"), ("desired_engagement", "enthusiastic")])
def test_scales_refused_naming_the_field(world, api_token, field, value):
    client = client_for(world, "coordinator")
    body = {"program": world.own("program").pk, "name": "Sponsor", field: value}
    response = _api(client, "POST", "/api/v1/stakeholders", body)
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])
    assert not Stakeholder.objects.exists()
    with pytest.raises(ValidationError) as caught:
        services.stakeholder_create(actor=world.users["coordinator"], program=world.own("program"), name="Sponsor",
                                    **{field: value})
    assert field in caught.value.message_dict
    assert not Stakeholder.objects.exists()


def test_engagement_level_outside_the_scale(world):
    client = client_for(world, "coordinator")
    item = targets(world, "own")["stakeholder"]
    response = _api(client, "POST", "/api/v1/engagement-assessments",
                    {"stakeholder": item.pk, "date": "2026-06-01", "level": "hostile"})
    assert response.status_code == 422 and "level" in json.dumps(response.json()["detail"])
    page = client.post(f"/stakeholders/{item.pk}/assessments/new/", {"date": "2026-06-01", "level": "hostile"})
    assert page.status_code == 422 and "level" in page.content.decode()
    assert EngagementAssessment.objects.filter(stakeholder=item).count() == 1


def test_other_scopes_ids_are_unknown(world):
    """A group, project or stakeholder of another program is refused as unknown, nothing written."""
    client = client_for(world, "coordinator")
    own, other = targets(world, "own"), targets(world, "other")
    for field, value in (("group", other["group"].pk), ("project", world.other("project").pk)):
        response = _api(client, "POST", "/api/v1/stakeholders",
                        {"program": world.own("program").pk, "name": "X", field: value})
        assert response.status_code == 422 and field in json.dumps(response.json()["detail"])
    response = _api(client, "POST", "/api/v1/engagement-actions", {"stakeholder": other["stakeholder"].pk,
                                                                   "title": "x"})
    assert response.status_code == 422
    matrix = RaciMatrix.objects.get_or_create(project=world.own("project"))[0]
    response = _api(client, "PUT", f"/api/v1/projects/{world.own('project').pk}/raci",
                    {"cells": [{"task": own["summary"].pk, "stakeholder": other["stakeholder"].pk, "role": "R"}]},
                    HTTP_IF_MATCH=f'"{matrix.version}"')
    assert response.status_code == 422 and "no stakeholder" in response.content.decode()
    response = _api(client, "PUT", f"/api/v1/projects/{world.own('project').pk}/raci",
                    {"cells": [{"task": other["summary"].pk, "stakeholder": own["stakeholder"].pk, "role": "R"}]},
                    HTTP_IF_MATCH=f'"{matrix.version}"')
    assert response.status_code == 422 and "no WBS element" in response.content.decode()
    assert Stakeholder.objects.filter(name="X").count() == 0 and not RaciAssignment.objects.exists()


def test_a_second_a_is_refused_naming_the_row(world):
    client = client_for(world, "project_manager")
    own = targets(world, "own")
    cfo = Stakeholder.objects.create(program=world.own("program"), name="Chief Financial Officer")
    project = world.own("project")
    url = f"/api/v1/projects/{project.pk}/raci"
    etag = client.get(url)["ETag"]
    first = _api(client, "PUT", url, {"cells": [{"task": own["summary"].pk, "stakeholder": own["stakeholder"].pk,
                                                 "role": "A"}]}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    events = audit.AuditEvent.objects.count() if hasattr(audit, "AuditEvent") else None
    second = _api(client, "PUT", url, {"cells": [{"task": own["summary"].pk, "stakeholder": cfo.pk, "role": "A"}]},
                  HTTP_IF_MATCH=first["ETag"])
    assert second.status_code == 422
    message = json.dumps(second.json()["detail"])
    assert "HR go-live" in message and "one A" in message
    assert RaciAssignment.objects.filter(role="A").count() == 1
    if events is not None:
        assert audit.AuditEvent.objects.count() == events
    # two A's in one request, on the page: 422, the row named, nothing written
    page = client_for(world, "project_manager").post(f"/stakeholders/projects/{project.pk}/raci/", {
        "version": RaciMatrix.objects.get(project=project).version, f"cell-{own['summary'].pk}-{cfo.pk}": "A",
        f"cell-{own['summary'].pk}-{own['stakeholder'].pk}": "A"})
    assert page.status_code == 422 and "row HR go-live: one A" in page.content.decode()
    assert not RaciAssignment.objects.filter(stakeholder=cfo).exists()
    # a work package under a summary task is no row of its own (the summary is the WBS element)
    package = _api(client, "PUT", url, {"cells": [{"task": own["package"].pk, "stakeholder": cfo.pk, "role": "R"}]},
                   HTTP_IF_MATCH=first["ETag"])
    assert package.status_code == 422 and "no WBS element" in package.content.decode()
    # moving the A in one save is fine
    moved = _api(client, "PUT", url, {"cells": [
        {"task": own["summary"].pk, "stakeholder": own["stakeholder"].pk, "role": "R"},
        {"task": own["summary"].pk, "stakeholder": cfo.pk, "role": "A"}]}, HTTP_IF_MATCH=first["ETag"])
    assert moved.status_code == 200
    assert moved.json()["rows"][0]["roles"] == {str(own["stakeholder"].pk): "R", str(cfo.pk): "A"}


def test_stale_versions(world):
    client = client_for(world, "coordinator")
    item = targets(world, "own")["stakeholder"]
    response = _api(client, "PATCH", f"/api/v1/stakeholders/{item.pk}", {"interest": 2},
                    HTTP_IF_MATCH=f'"{item.version + 1}"')
    assert response.status_code == 412
    assert _api(client, "PATCH", f"/api/v1/stakeholders/{item.pk}", {"interest": 2}).status_code == 428
    project = world.own("project")
    matrix = RaciMatrix.objects.get_or_create(project=project)[0]
    own = targets(world, "own")
    stale = client.post(f"/stakeholders/projects/{project.pk}/raci/", {
        "version": matrix.version + 3, f"cell-{own['summary'].pk}-{item.pk}": "A"})
    assert stale.status_code == 409 and not RaciAssignment.objects.exists()
    with pytest.raises(StaleVersion):
        services.stakeholder_update(actor=world.users["coordinator"], stakeholder=item,
                                    expected_version=item.version + 1, notes="x")
    form = client.post(f"/stakeholders/{item.pk}/edit/", {
        "kind": "group", "name": item.name, "interest": "5", "influence": "4", "attitude": "neutral",
        "desired_engagement": "supportive", "version": item.version + 1})
    assert form.status_code == 409


def test_latest_assessment_sets_the_current_engagement(world):
    actor = world.users["program_manager"]
    item = targets(world, "own")["stakeholder"]
    services.assessment_create(actor=actor, stakeholder=item, date=date(2026, 9, 1), level="neutral")
    item.refresh_from_db()
    assert item.current_engagement == "neutral" and item.gap == 1
    services.assessment_create(actor=actor, stakeholder=item, date=date(2026, 1, 1), level="unaware")  # older
    item.refresh_from_db()
    assert item.current_engagement == "neutral"
    with pytest.raises(ValidationError) as caught:
        services.assessment_create(actor=actor, stakeholder=item, date=date(2026, 9, 1), level="leading")
    assert "date" in caught.value.message_dict


# --- scope ---------------------------------------------------------------------------------------------

def test_scope_isolation(world):
    own, other = targets(world, "own"), targets(world, "other")
    for role in ("coordinator", "program_manager", "steering", "project_manager"):
        client = client_for(world, role)
        ids = {row["id"] for row in client.get("/api/v1/stakeholders").json()["items"]}
        assert own["stakeholder"].pk in ids and other["stakeholder"].pk not in ids, role
        page = client.get("/stakeholders/").content.decode()
        assert f"SH-{own['stakeholder'].pk}<" in page and f"SH-{other['stakeholder'].pk}<" not in page
        assert client.get(f"/api/v1/programs/{world.other('program').pk}/engagement-gap").status_code == 404
    director = {row["id"] for row in client_for(world, "director").get("/api/v1/stakeholders").json()["items"]}
    assert {own["stakeholder"].pk, other["stakeholder"].pk} <= director


def test_overdue_actions_on_the_owners_overview(world):
    owner = world.users["coordinator"]
    item = targets(world, "own")["stakeholder"]
    late = services.action_create(actor=owner, stakeholder=item, title="Send the works agreement draft", owner=owner,
                                  due=today() - timedelta(days=3))
    services.action_create(actor=owner, stakeholder=item, title="Town hall", owner=owner,
                           due=today() + timedelta(days=3))
    services.action_create(actor=owner, stakeholder=item, title="Old and done", owner=owner,
                           due=today() - timedelta(days=30), status="done")
    page = client_for(world, "coordinator").get("/").content.decode()
    assert "Send the works agreement draft" in page and "Town hall" not in page and "Old and done" not in page
    assert "Send the works agreement draft" not in client_for(world, "director").get("/").content.decode()
    url = f"/api/v1/engagement-actions?overdue=true&owner={owner.pk}"
    overdue = client_for(world, "coordinator").get(url).json()["items"]
    assert [row["id"] for row in overdue] == [late.pk] and overdue[0]["overdue"] is True


# --- query pins ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 12])
def test_query_counts_do_not_grow_with_rows(world, count):
    program, project = world.own("program"), world.own("project")
    for n in range(count):
        make_items(program, project, name=f"Stakeholder {n}")
    client = client_for(world, "coordinator")
    matrix = RaciMatrix.objects.get_or_create(project=project)[0]
    for url, limit in ((f"/stakeholders/programs/{program.pk}/", 22), ("/stakeholders/", 20),
                       (f"/stakeholders/programs/{program.pk}/engagement/", 18),
                       (f"/stakeholders/projects/{project.pk}/raci/", 18), ("/api/v1/stakeholders", 10),
                       ("/api/v1/engagement-actions", 10), (f"/api/v1/projects/{project.pk}/raci", 12)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert len(queries) <= limit, (url, len(queries))
    assert matrix.pk


def test_demo_register_tells_its_story(db):
    from pmo.portfolio.demo import load_demo
    from pmo.portfolio.models import Program

    load_demo()
    council = Stakeholder.objects.get(program__code="ERP", name="Works council")
    assert (council.current_engagement, council.desired_engagement) == ("neutral", "supportive")
    assert list(council.assessments.values_list("level", flat=True)) == ["resistant", "resistant", "neutral"]
    assert EngagementAction.objects.filter(status__in=("planned", "in_progress"), due__lt=today()).count() == 1
    for program in Program.objects.all():
        assert Stakeholder.objects.filter(program=program).count() >= 3, program.code
        matrix = RaciMatrix.objects.get(project__program=program)
        per_row = {}
        for cell in matrix.cells.all():
            per_row.setdefault(cell.task_id, []).append(cell.role)
        assert per_row and all(roles.count("A") == 1 for roles in per_row.values())
    before = Stakeholder.objects.count(), EngagementAction.objects.count(), RaciAssignment.objects.count()
    load_demo()
    assert (Stakeholder.objects.count(), EngagementAction.objects.count(), RaciAssignment.objects.count()) == before
