"""Pages: forms refuse bad input with field errors and write nothing; stale forms are 409."""

from __future__ import annotations

from pmo.core.models import AuditEvent
from pmo.portfolio.models import Program, Project

from ..conftest import client_for


def _program_form(program, **overrides):
    data = {"code": program.code, "name": program.name, "status": program.status, "phase": program.phase,
            "currency": program.currency, "schedule_tolerance_days": 10, "cost_tolerance_pct": "5",
            "version": program.version}
    data.update(overrides)
    return data


def test_edit_form_shows_field_errors_and_writes_nothing(world):
    client = client_for(world, "director")
    before = AuditEvent.objects.count()
    response = client.post(f"/programs/{world.program_a.pk}/edit/",
                           _program_form(world.program_a, start="2027-01-01", end="2026-01-01", currency="euro",
                                         name="x" * 200))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"name", "currency"} <= set(errors)
    assert AuditEvent.objects.count() == before
    assert Program.objects.get(pk=world.program_a.pk).name == "Program A"


def test_dates_out_of_order_are_a_field_error(world):
    client = client_for(world, "director")
    response = client.post(f"/programs/{world.program_a.pk}/edit/",
                           _program_form(world.program_a, start="2027-01-01", end="2026-01-01"))
    assert response.status_code == 422
    assert "end" in response.context["form"].errors


def test_stale_form_is_409(world):
    client = client_for(world, "director")
    program = world.program_a
    assert client.post(f"/programs/{program.pk}/edit/", _program_form(program, name="First")).status_code == 302
    response = client.post(f"/programs/{program.pk}/edit/", _program_form(program, name="Second"))
    assert response.status_code == 409
    assert b"changed by someone else" in response.content
    assert Program.objects.get(pk=program.pk).name == "First"


def test_project_form_offers_only_manageable_programs(world):
    response = client_for(world, "program_manager").get(f"/programs/{world.program_a.pk}/projects/new/")
    choices = {str(label) for _value, label in response.context["form"].fields["program"].choices}
    assert any("PA" in c for c in choices) and not any("PB" in c for c in choices)


def test_project_create_page_rejects_other_scope_program(world):
    client = client_for(world, "program_manager")
    response = client.post(f"/programs/{world.program_a.pk}/projects/new/",
                           {"program": world.program_b.pk, "code": "SNEAK", "name": "Sneak", "status": "proposed",
                            "phase": "identify"})
    assert response.status_code == 422
    assert "program" in response.context["form"].errors
    assert not Project.objects.filter(code="SNEAK").exists()


def test_list_search_filter_sort(world):
    client = client_for(world, "director")
    page = client.get("/projects/?q=A&sort=-code").context["listing"].page
    assert [p.code for p in page] == ["PA-2", "PA-1"]
    page = client.get("/projects/?program=PB").context["listing"].page
    assert [p.code for p in page] == ["PB-1"]
    page = client.get("/programs/?sort=bogus").context["listing"].page
    assert [p.code for p in page] == ["PA", "PB"]


def test_project_manager_sees_parent_program_summary_only(world):
    response = client_for(world, "project_manager").get(f"/programs/{world.program_a.pk}/")
    assert [p.code for p in response.context["projects"]] == ["PA-1"]
    assert not response.context["can"]["change"]


def test_the_menu_marks_the_section_the_page_is_under(world):
    """By prefix of the address: /communications/programs/… is Communications, not Programs."""
    import re

    client = client_for(world, "director")
    for path, section in ((f"/communications/programs/{world.program_a.pk}/meetings/", "Communications"),
                          (f"/programs/{world.program_a.pk}/", "Programs"), ("/closure/lessons/", "Lessons")):
        html = client.get(path).content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
        assert re.findall(r'class="nav-link active" href="[^"]*">([^<]+)<', html) == [section], path
