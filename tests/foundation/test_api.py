"""API conventions: pagination, ETag / If-Match, bad input naming each field, nothing written on refusal."""

from __future__ import annotations

import pytest

from pmo.core.models import AuditEvent
from pmo.portfolio.models import Program, Project

from ..conftest import client_for


@pytest.fixture
def director(world):
    return client_for(world, "director")


def _fields(response) -> set[str]:
    return {error["loc"][-1] for error in response.json()["detail"]}


def test_list_shape_and_pagination(world, director):
    body = director.get("/api/v1/projects?limit=2&offset=1").json()
    assert body["count"] == 3
    assert [item["code"] for item in body["items"]] == ["PA-2", "PB-1"]
    item = body["items"][0]
    assert {"id", "code", "name", "version"} <= set(item)


def test_list_filters(world, director):
    assert [p["code"] for p in director.get("/api/v1/projects?q=b1").json()["items"]] == ["PB-1"]
    assert director.get(f"/api/v1/projects?program={world.program_a.pk}").json()["count"] == 2
    assert director.get("/api/v1/programs?status=active").json()["count"] == 1


def test_lists_leave_out_other_scopes(world):
    body = client_for(world, "project_manager").get("/api/v1/projects").json()
    assert [p["code"] for p in body["items"]] == ["PA-1"]
    assert [p["code"] for p in client_for(world, "project_manager").get("/api/v1/programs").json()["items"]] == ["PA"]


def test_etag_if_match(world, director):
    url = f"/api/v1/projects/{world.project_a1.pk}"
    response = director.get(url)
    assert response["ETag"] == '"1"'
    assert director.patch(url, {"name": "n"}, content_type="application/json").status_code == 428
    assert director.patch(url, {"name": "n"}, content_type="application/json", HTTP_IF_MATCH='"7"').status_code == 412
    assert director.patch(url, {"name": "n"}, content_type="application/json",
                          HTTP_IF_MATCH="garbage").status_code == 412
    ok = director.patch(url, {"name": "n"}, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["version"] == 2
    assert director.patch(url, {"name": "m"}, content_type="application/json", HTTP_IF_MATCH='"1"').status_code == 412
    assert director.delete(url).status_code == 428
    assert director.delete(url, HTTP_IF_MATCH='"1"').status_code == 412
    assert Project.objects.filter(pk=world.project_a1.pk).exists()


BAD_PATCHES = [
    ({"colour": "blue"}, {"colour"}, "unknown field"),
    ({"id": 5}, {"id"}, "read-only field"),
    ({"version": 9, "created_at": "2020-01-01T00:00:00Z"}, {"version", "created_at"}, "read-only field"),
    ({"name": 12}, {"name"}, None),
    ({"name": "x" * 121}, {"name"}, None),
    ({"name": ""}, {"name"}, None),
    ({"start": "not a date"}, {"start"}, None),
    ({"status": "finished"}, {"status"}, None),
    ({"code": "lower case"}, {"code"}, None),
    ({"finish": "2020-01-01"}, {"finish"}, "must not be before start"),
    ({"project_manager": 99999}, {"project_manager"}, "no active user"),
    ({"description": "d" * 5001}, {"description"}, None),
]


@pytest.mark.parametrize(("payload", "fields", "message"), BAD_PATCHES, ids=[str(sorted(p)) for p, *_ in BAD_PATCHES])
def test_bad_patch_is_422_naming_the_field_and_writes_nothing(world, director, payload, fields, message):
    url = f"/api/v1/projects/{world.project_a1.pk}"
    before = (Project.objects.get(pk=world.project_a1.pk).__dict__.copy(), AuditEvent.objects.count())
    response = director.patch(url, payload, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 422, response.content
    assert _fields(response) == fields
    if message:
        assert all(message in error["msg"] for error in response.json()["detail"])
    after = Project.objects.get(pk=world.project_a1.pk).__dict__.copy()
    before[0].pop("_state"), after.pop("_state")
    assert after == before[0]
    assert AuditEvent.objects.count() == before[1]


def test_malformed_json_is_4xx(world, director):
    response = director.patch(f"/api/v1/projects/{world.project_a1.pk}", "{not json", content_type="application/json",
                              HTTP_IF_MATCH='"1"')
    assert 400 <= response.status_code < 500


def test_program_dates_out_of_order(world, director):
    response = director.post("/api/v1/programs", {"code": "NEW", "name": "N", "start": "2027-01-01",
                                                  "end": "2026-01-01"}, content_type="application/json")
    assert response.status_code == 422 and _fields(response) == {"end"}
    assert not Program.objects.filter(code="NEW").exists()


def test_duplicate_code_is_422(world, director):
    response = director.post("/api/v1/programs", {"code": "PA", "name": "Again"}, content_type="application/json")
    assert response.status_code == 422 and _fields(response) == {"code"}


def test_moving_a_project_into_another_scope_is_refused(world):
    client = client_for(world, "program_manager")
    response = client.patch(f"/api/v1/projects/{world.project_a1.pk}", {"program": world.program_b.pk},
                            content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 422 and _fields(response) == {"program"}
    assert Project.objects.get(pk=world.project_a1.pk).program_id == world.program_a.pk


def test_project_manager_may_not_reassign_own_project(world):
    client = client_for(world, "project_manager")
    response = client.patch(f"/api/v1/projects/{world.project_a1.pk}", {"project_manager": world.users["analyst"].pk},
                            content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 403
    assert "project_manager" in response.json()["detail"]


def test_program_manager_may_not_change_program_status(world):
    client = client_for(world, "program_manager")
    response = client.patch(f"/api/v1/programs/{world.program_a.pk}", {"status": "closed"},
                            content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 403 and "status" in response.json()["detail"]
    ok = client.patch(f"/api/v1/programs/{world.program_a.pk}", {"sponsor": "CFO"},
                      content_type="application/json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200


def test_delete_program_with_projects_is_refused(world, director):
    response = director.delete(f"/api/v1/programs/{world.program_a.pk}", HTTP_IF_MATCH='"1"')
    assert response.status_code == 422 and "PA-1" in response.json()["detail"][0]["msg"]
    assert Program.objects.filter(pk=world.program_a.pk).exists()


def test_openapi_schema_lists_the_collections(world, director):
    paths = director.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/programs", "/api/v1/programs/{program_id}", "/api/v1/projects", "/api/v1/projects/{project_id}",
            "/api/v1/auth/token", "/api/v1/me"} <= set(paths)


def test_me_lists_memberships(world):
    body = client_for(world, "project_manager").get("/api/v1/me").json()
    assert body["username"] == "project_manager"
    assert body["memberships"] == [{"role": "project_manager", "role_label": "Project Manager", "scope": "project",
                                    "program": None, "project": world.project_a1.pk}]


def test_text_with_a_nul_character_is_422_naming_the_field(world, director):
    """PostgreSQL cannot store NUL in text (a 500 there, found by the fuzzer on purchase orders): every body is
    refused up front, on both databases."""
    before = Program.objects.count()
    response = director.post("/api/v1/programs", {"code": "NUL", "name": "bad\x00name"},
                             content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name" and "NUL" in response.json()["detail"][0]["msg"]
    assert Program.objects.count() == before


def test_a_nul_character_in_the_query_string_is_422_on_the_api_and_400_on_pages(director):
    """``?q=%00`` was a 500 on PostgreSQL (found by the fuzzer on the purchase-order search)."""
    response = director.get("/api/v1/purchase-orders?q=a%00b")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"] and "NUL" in response.json()["detail"][0]["msg"]
    page = director.get("/portfolio/programs/?q=a%00b")
    assert page.status_code == 400 and "“q” must not contain NUL" in page.content.decode()


def test_list_filters_narrow_by_each_filter_given_and_by_an_overdue_subset(world):
    """``core.api.filtered`` and ``in_subset``, which the apps' list endpoints share."""
    from types import SimpleNamespace

    from pmo.core.api import filtered, in_subset

    rows = Program.objects.order_by("pk")
    a, b = world.program_a, world.program_b
    lookups = {"code": "code", "manager": "name"}
    assert list(filtered(rows, SimpleNamespace(code=None, manager=None), lookups)) == list(rows)
    assert list(filtered(rows, SimpleNamespace(code=a.code, manager=None), lookups)) == [a]
    assert list(filtered(rows, SimpleNamespace(code=a.code, manager=b.name), lookups)) == []
    subset = Program.objects.filter(pk=a.pk)
    assert list(in_subset(rows, True, subset)) == [a]
    assert a not in in_subset(rows, False, subset) and b in in_subset(rows, False, subset)
    assert list(in_subset(rows, None, subset)) == list(rows)


def test_every_filter_of_the_lists_on_the_shared_filters_is_a_valid_lookup(world):
    """A lookup the model does not have would be a 500 (FieldError) only when its filter is given: give them all."""
    a, p = world.program_a.pk, world.project_a1.pk
    client = client_for(world, "director")
    for url in (f"/api/v1/gates?program={a}&project={p}&status=pending",
                f"/api/v1/gate-reviews?program={a}&project={p}",
                f"/api/v1/steering-actions?program={a}&owner=1&status=open&overdue=false",
                f"/api/v1/communications?program={a}&channel=email&owner=1&overdue=true",
                f"/api/v1/communication-audiences?communication=1&program={a}",
                f"/api/v1/meeting-actions?meeting=1&program={a}&owner=1&overdue=false",
                f"/api/v1/engagement-actions?stakeholder=1&program={a}&owner=1&overdue=true",
                "/api/v1/corrective-actions?nonconformance=1&owner=1&overdue=true"):
        assert client.get(url).status_code == 200, url
