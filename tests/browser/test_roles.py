"""Each demo user logs in, opens the portfolio overview and a program page, and sees what the role allows."""

from __future__ import annotations

import pytest

from pmo.portfolio.models import Program, Project

from .conftest import login

# user -> (programs on the overview, edit button on DX, "New program" button, projects listed on DX)
EXPECTED = {
    "director": ("all", True, True, "all"),
    "analyst": ("all", False, False, "all"),
    "coordinator": ("all", False, False, "all"),
    "program_manager": (["DX"], True, False, "all"),
    "steering": (["DX"], False, False, "all"),
    "project_manager": (["DX"], False, False, ["DX-IAM", "DX-INTRA"]),
}


@pytest.mark.parametrize("username", EXPECTED)
def test_role_sees_what_it_may(demo, page, live_server, screenshot, username):
    programs, can_edit, can_create, dx_projects = EXPECTED[username]
    login(page, live_server, username)
    rows = page.locator("[data-testid=overview-table] tbody tr td:first-child a").all_inner_texts()
    expected_codes = sorted(Program.objects.values_list("code", flat=True)) if programs == "all" else programs
    assert sorted(rows) == expected_codes
    assert (page.get_by_role("link", name="New program").count() > 0) == can_create
    screenshot(f"overview-{username}")

    dx = Program.objects.get(code="DX")
    page.click("[data-testid=overview-table] a:text-is('DX')")
    page.wait_for_url(f"{live_server.url}/programs/{dx.pk}/")
    shown = sorted(t.split()[0] for t in page.locator("[data-testid=program-projects] tbody tr td:first-child")
                   .all_inner_texts())
    wanted = sorted(Project.objects.filter(program=dx).values_list("code", flat=True)) if dx_projects == "all" \
        else dx_projects
    assert shown == wanted
    assert (page.get_by_role("link", name="Edit").count() > 0) == can_edit
    screenshot(f"program-{username}")

    if programs != "all":
        other = Program.objects.exclude(code="DX").first()
        response = page.goto(f"{live_server.url}/programs/{other.pk}/")
        assert response.status == 404


def test_director_edits_a_project_in_the_browser(demo, page, live_server, screenshot):
    login(page, live_server, "director")
    project = Project.objects.get(code="DX-DATA")
    before = project.version  # the demo's gate review has already advanced its phase once
    page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
    page.fill("#id_name", "Operational data platform (re-scoped)")
    page.select_option("#id_status", "active")
    screenshot("project-edit")
    page.click("button:text('Save')")
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/")
    assert "re-scoped" in page.locator("h1").inner_text()
    project.refresh_from_db()
    assert (project.status, project.version) == ("active", before + 1)
