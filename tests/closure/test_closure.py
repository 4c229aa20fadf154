"""Closure: the checklist's evidence from each app, hand ticks and the Director's overrides, archiving only when
complete, archived projects read-only through services, pages, API and commands, unarchiving, the lessons
library (search, tags) and adoptions, the report and its Excel file."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from pmo.closure import checklist, services
from pmo.closure.models import Adoption, ChecklistMark, Lesson
from pmo.core.models import AuditEvent
from pmo.planning import services as planning_services
from pmo.planning.models import Task
from pmo.portfolio.models import Project
from pmo.raid.models import Risk

from ..conftest import client_for


def _api(client, method, url, body=None, **headers):
    return client.generic(method, url, data=json.dumps(body) if body is not None else "",
                          content_type="application/json", **headers)


def _lesson(project, **extra):
    return Lesson.objects.create(program=project.program, project=project, title="Migrate data early",
                                 what_happened="The data migration started late.", recommendation="Start in Define.",
                                 tags=",data migration,erp,", **extra)


def _states(target):
    return {c.item: c.state for c in checklist.checklist(target)}


def _close(world, project):
    """Everything a project's checklist needs: a lesson, and a hand tick of each item no app computes (the
    sponsor's sign-off; deliverables while the change app is not installed)."""
    _lesson(project)
    for check in checklist.checklist(project):
        if check.state == "manual":
            services.mark_set(actor=world.users["program_manager"], target=project, item=check.item,
                              note="Sponsor's e-mail of 3 Nov, filed in the project file")


def test_checklist_computes_from_the_apps_and_lists_offenders(world):
    project = world.own("project")
    risk = Risk.objects.create(program=project.program, project=project, title="Vendor insolvency",
                               probability=3, impact=4)
    checks = {c.item: c for c in checklist.checklist(project)}
    assert checks["raid"].state == "open" and checks["raid"].count == 1
    assert checks["raid"].offenders[0].url == risk.get_absolute_url()
    assert checks["lessons"].state == "open"
    assert checks["signoff"].state == "manual"
    assert checks["contracts"].state == "met" and checks["documents"].state == "met"
    assert "projects" not in checks
    risk.status = "closed"
    risk.save()
    _close(world, project)
    assert not {item: s for item, s in _states(project).items() if s not in ("met", "ticked")}
    assert checklist.complete(checklist.checklist(project))


def test_hand_ticks_overrides_and_who_may(world):
    project = world.own("project")
    with pytest.raises(PermissionDenied):
        services.mark_set(actor=world.users["project_manager"], target=project, item="signoff", note="x")
    with pytest.raises(PermissionDenied, match="only the PMO Director overrides"):
        services.mark_set(actor=world.users["program_manager"], target=project, item="lessons", note="none to tell")
    with pytest.raises(ValidationError, match="note"):
        services.mark_set(actor=world.users["director"], target=project, item="lessons", note="  ")
    mark = services.mark_set(actor=world.users["director"], target=project, item="lessons",
                             note="a short maintenance project: nothing learnt")
    assert mark.kind == "override" and _states(project)["lessons"] == "overridden"
    services.mark_set(actor=world.users["program_manager"], target=project, item="signoff", note="signed")
    assert ChecklistMark.objects.filter(project=project).count() == 2
    with pytest.raises(PermissionDenied):
        services.mark_clear(actor=world.users["program_manager"], mark=mark)
    _lesson(project)
    with pytest.raises(ValidationError, match="already met"):
        services.mark_set(actor=world.users["director"], target=project, item="lessons", note="again")


def test_archive_only_when_complete_and_only_the_director(world):
    project = world.own("project")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Lessons captured"):
        services.archive_target(actor=world.users["director"], target=project)
    assert AuditEvent.objects.count() == events
    _close(world, project)
    with pytest.raises(PermissionDenied):
        services.archive_target(actor=world.users["program_manager"], target=project)
    project = services.archive_target(actor=world.users["director"], target=project, note="closed")
    assert Project.objects.get(pk=project.pk).archived_at is not None
    event = AuditEvent.objects.filter(action="archive").get()
    assert event.object_id == str(project.pk) and event.after["reason"] == "closed"


def test_a_program_is_archived_after_its_projects(world):
    program = world.own("program")
    services.mark_set(actor=world.users["director"], target=program, item="lessons", note="see the projects")
    for check in checklist.checklist(program):
        if check.state == "manual":
            services.mark_set(actor=world.users["director"], target=program, item=check.item, note="board minutes")
    with pytest.raises(ValidationError, match="Projects archived"):
        services.archive_target(actor=world.users["director"], target=program)
    with pytest.raises(ValidationError, match="each of its projects"):
        services.mark_set(actor=world.users["director"], target=program, item="projects", note="skip it")
    for project in program.projects.all():
        _close(world, project)
        services.archive_target(actor=world.users["director"], target=project)
    services.archive_target(actor=world.users["director"], target=program)
    project = world.own("project")
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="unarchive it first"):
        services.unarchive_target(actor=world.users["director"], target=project, reason="reopen")


@pytest.fixture
def archived(world):
    project = world.own("project")
    task = Task.objects.create(project=project, name="Cut-over", order=1, duration=3)
    _close(world, project)
    services.archive_target(actor=world.users["director"], target=project)
    project.refresh_from_db()
    task.refresh_from_db()
    return project, task


def test_archived_project_refuses_services_of_every_app(world, archived):
    project, task = archived
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match=f"project {project.code} is archived"):
        planning_services.task_update(actor=world.users["director"], task=task, name="x",
                                      expected_version=task.version)
    with pytest.raises(PermissionDenied, match="archived"):
        services.lesson_create(actor=world.users["director"], project=project, title="t", what_happened="w",
                               recommendation="r")
    from pmo.stakeholders import services as stakeholder_services

    # a service that checks its own rules (not Policy.can) is stopped where every write is audited
    stakeholder_services.stakeholder_create(actor=world.users["director"], program=project.program, name="Ok",
                                            interest=2, influence=2)
    with pytest.raises(PermissionDenied, match="archived"):
        stakeholder_services.stakeholder_create(actor=world.users["director"], program=project.program,
                                                project=project.pk, name="Not ok", interest=2, influence=2)
    assert AuditEvent.objects.count() == events + 1
    assert Task.objects.get(pk=task.pk).name == "Cut-over"


def test_archived_project_pages_and_api_refuse_and_name_the_archive(world, archived, api_token):
    project, task = archived
    client = client_for(world, "director")
    page = client.get(f"/plan/tasks/{task.pk}/")
    assert page.status_code == 200
    assert b"archived-notice" in page.content and b"/edit/" not in page.content.split(b"<main")[1]
    response = client.post(f"/plan/tasks/{task.pk}/edit/", {"name": "x", "version": task.version})
    assert response.status_code == 403 and f"{project.code} is archived".encode() in response.content
    response = _api(client, "PATCH", f"/api/v1/tasks/{task.pk}", {"name": "x"}, HTTP_IF_MATCH=f'"{task.version}"')
    assert response.status_code == 403 and "archived" in response.json()["detail"]
    detail = client.get(f"/projects/{project.pk}/")
    assert b"archived-badge" in detail.content
    assert f"/projects/{project.pk}/edit/".encode() not in detail.content


def test_commands_refuse_on_an_archived_project(world, archived, tmp_path):
    project, _task = archived
    sample = tmp_path / "plan.xml"
    sample.write_text("<Project xmlns='http://schemas.microsoft.com/project'><Tasks></Tasks></Project>")
    with pytest.raises((CommandError, PermissionDenied), match="archived"):
        call_command("import-mspdi", str(sample), "--project", project.code, "--as", "director")


def test_unarchive_is_the_directors_with_a_reason_and_audited(world, archived, api_token):
    project, task = archived
    pm = client_for(world, "program_manager")
    assert _api(pm, "POST", f"/api/v1/closure/projects/{project.pk}/unarchive", {"reason": "x"}).status_code == 403
    director = client_for(world, "director")
    assert _api(director, "POST", f"/api/v1/closure/projects/{project.pk}/unarchive", {}).status_code == 422
    response = _api(director, "POST", f"/api/v1/closure/projects/{project.pk}/unarchive",
                    {"reason": "a warranty claim needs a change"})
    assert response.status_code == 200 and response.json()["archived_at"] is None
    event = AuditEvent.objects.filter(action="unarchive").get()
    assert event.after["reason"] == "a warranty claim needs a change"
    planning_services.task_update(actor=world.users["director"], task=task, name="Cut-over 2",
                                  expected_version=task.version)


def test_checklist_api_and_archive_api(world):
    project = world.own("project")
    director = client_for(world, "director")
    body = _api(director, "GET", f"/api/v1/closure/projects/{project.pk}").json()
    assert not body["complete"] and {i["item"] for i in body["items"]} >= {"raid", "signoff", "budget"}
    response = _api(director, "POST", f"/api/v1/closure/projects/{project.pk}/archive", {})
    assert response.status_code == 422 and "checklist" in json.dumps(response.json())
    pm = client_for(world, "program_manager")
    url = f"/api/v1/closure/projects/{project.pk}/items"
    assert _api(pm, "PUT", f"{url}/signoff", {"note": "signed"}).status_code == 200
    assert _api(pm, "PUT", f"/api/v1/closure/projects/{project.pk}/items/lessons",
                {"note": "x"}).status_code == 403
    assert _api(director, "PUT", f"/api/v1/closure/projects/{project.pk}/items/nonsense",
                {"note": "x"}).status_code == 422
    assert _api(director, "PUT", f"/api/v1/closure/projects/{project.pk}/items/lessons",
                {"note": "x" * 1001}).status_code == 422
    other = world.other("project")
    assert _api(pm, "GET", f"/api/v1/closure/projects/{other.pk}").status_code == 404
    _close(world, project)
    project.refresh_from_db()
    response = _api(director, "POST", f"/api/v1/closure/projects/{project.pk}/archive", {"note": "done"},
                    HTTP_IF_MATCH=f'"{project.version}"')
    assert response.status_code == 200 and response.json()["archived_at"]


def test_lessons_library_search_tags_and_scope(world):
    project = world.own("project")
    pm = client_for(world, "project_manager")
    response = _api(pm, "POST", "/api/v1/lessons", {
        "project": project.pk, "title": "Freeze the interface specs", "what_happened": "Specs changed weekly.",
        "recommendation": "Freeze them at the design gate.", "tags": ["Interfaces", " vendor ", "interfaces"],
        "phase": "define", "category": "scope"})
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["interfaces", "vendor"]
    events = AuditEvent.objects.count()
    response = _api(pm, "POST", "/api/v1/lessons", {"project": world.other("project").pk, "title": "t",
                                                    "what_happened": "w", "recommendation": "r"})
    assert response.status_code == 422 and "project" in json.dumps(response.json())
    assert _api(pm, "POST", "/api/v1/lessons", {"project": project.pk, "title": "t", "what_happened": "w",
                                                "recommendation": "r", "tags": ["x" * 31]}).status_code == 422
    assert AuditEvent.objects.count() == events
    Lesson.objects.create(program=world.other("program"), project=world.other("project"), title="Other program",
                          what_happened="Vendor went bust.", recommendation="Escrow the code.", tags=",vendor,")
    # the library is portfolio-wide: the project manager of A1 reads program B's lesson
    found = _api(pm, "GET", "/api/v1/lessons?tag=vendor").json()
    assert {row["title"] for row in found["items"]} == {"Freeze the interface specs", "Other program"}
    found = _api(pm, "GET", "/api/v1/lessons?q=escrow bust").json()
    assert [row["title"] for row in found["items"]] == ["Other program"]
    page = pm.get("/closure/lessons/?q=freeze")
    assert page.status_code == 200 and b"Freeze the interface specs" in page.content
    other = Lesson.objects.get(title="Other program")
    assert _api(pm, "PATCH", f"/api/v1/lessons/{other.pk}", {"title": "x"},
                HTTP_IF_MATCH=f'"{other.version}"').status_code == 403


def test_adoption_is_visible_on_both_sides(world):
    source = world.other("project")
    lesson = Lesson.objects.create(program=source.program, project=source, title="Escrow",
                                   what_happened="Vendor went bust.", recommendation="Escrow the code.")
    pm = client_for(world, "project_manager")
    response = _api(pm, "POST", "/api/v1/lesson-adoptions", {"lesson": lesson.pk, "project": world.own("project").pk,
                                                             "note": "in the new contract"})
    assert response.status_code == 201, response.content
    again = _api(pm, "POST", "/api/v1/lesson-adoptions", {"lesson": lesson.pk, "project": world.own("project").pk})
    assert again.status_code == 422
    assert _api(pm, "POST", "/api/v1/lesson-adoptions", {"lesson": lesson.pk,
                                                         "project": world.project_a2.pk}).status_code == 422
    steering = client_for(world, "steering")
    assert _api(steering, "POST", "/api/v1/lesson-adoptions", {"lesson": lesson.pk,
                                                               "project": world.project_a2.pk}).status_code == 403
    assert Adoption.objects.count() == 1
    assert b"in the new contract" in pm.get(f"/closure/lessons/{lesson.pk}/").content
    assert b"LL-" in pm.get(f"/closure/projects/{world.own('project').pk}/").content
    director = client_for(world, "director")
    assert f"{world.own('project').code}".encode() in director.get(f"/closure/projects/{source.pk}/").content


def test_report_page_and_excel(world):
    project = world.own("project")
    _lesson(project)
    client = client_for(world, "steering")
    page = client.get(f"/closure/projects/{project.pk}/report/")
    assert page.status_code == 200 and b"Migrate data early" in page.content and b"closure.css" in page.content
    response = client.get(f"/closure/projects/{project.pk}/report.xlsx")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Checklist", "Benefits", "Lessons"]
    assert book["Lessons"]["E2"].value == "Migrate data early"
    assert client.get(f"/closure/programs/{project.program_id}/report/").status_code == 200


def test_lesson_list_query_count_is_pinned(world, django_assert_max_num_queries):
    for n in range(30):
        _lesson(world.own("project") if n % 2 else world.other("project"))
    client = client_for(world, "analyst")
    with django_assert_max_num_queries(8):
        assert client.get("/closure/lessons/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/lessons").status_code == 200


def test_today_is_a_date():
    assert isinstance(checklist.today(), date)
