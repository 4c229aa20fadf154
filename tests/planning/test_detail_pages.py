"""Read-only detail pages of plan objects: what they show, who sees which controls, constant query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.planning import services
from pmo.planning.models import Baseline, BaselineTask, Calendar, CalendarException, Interface
from pmo.raid.models import Issue, Risk

from ..conftest import client_for
from .factories import link, task


@pytest.fixture
def chain(world):
    """Design -> Build -> Go-live in A1, scheduled, baselined, Build on its own calendar, a risk on Build."""
    project = world.project_a1
    design, build = task(project, "Design", 5), task(project, "Build", 10)
    golive = task(project, "Go-live", 0, is_milestone=True, deadline=date(2026, 1, 20))
    link(design, build)
    link(build, golive, type="SS", lag=2)
    calendar = Calendar.objects.create(project=project, name="A1 calendar")
    CalendarException.objects.create(calendar=calendar, start=date(2026, 12, 24), finish=date(2026, 12, 24),
                                     name="Christmas Eve")
    build.calendar = calendar
    build.save()
    services._reschedule_project(project)
    baseline = Baseline.objects.create(project=project, name="Plan of record")
    build.refresh_from_db()
    BaselineTask.objects.create(baseline=baseline, task=build, name="Build", start=build.start,
                                finish=date.fromordinal(build.finish.toordinal() - 3), duration=10)
    risk = Risk.objects.create(program=project.program, project=project, title="Vendor late", score=9)
    risk.tasks.add(build)
    return {"design": design, "build": build, "golive": golive, "calendar": calendar, "baseline": baseline,
            "risk": risk}


def test_task_page_shows_dates_floats_links_variance_calendar_and_risks(world, chain):
    build = chain["build"]
    response = client_for(world, "steering").get(build.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert build.start.isoformat() in body and build.finish.isoformat() in body
    assert "Total · free float" in body
    assert chain["design"].get_absolute_url() in body  # predecessor, linked
    assert chain["golive"].get_absolute_url() in body  # successor, linked
    assert "SS +2 d" in body
    assert chain["calendar"].get_absolute_url() in body
    assert chain["baseline"].get_absolute_url() in body and "+3 d" in body
    assert chain["risk"].get_absolute_url() in body
    assert [c.label for c in response.context["breadcrumbs"]] == ["Portfolio", "PA", "PA-1", "Plan", str(build)]


@pytest.mark.parametrize(("role", "controls"), [("project_manager", True), ("program_manager", True),
                                                ("director", True), ("steering", False), ("analyst", False),
                                                ("coordinator", False)])
def test_task_page_offers_edit_only_to_editors(world, chain, role, controls):
    body = client_for(world, role).get(chain["build"].get_absolute_url()).content.decode()
    assert ('data-testid="controls"' in body) is controls
    assert (f'/plan/tasks/{chain["build"].pk}/edit/' in body) is controls


def test_linked_risks_are_only_those_the_user_sees(world, chain):
    """A program-level risk on the task is not shown to a project manager, who cannot open it."""
    hidden = Risk.objects.create(program=world.program_a, title="Program-wide hiring freeze", score=12)
    hidden.tasks.add(chain["build"])
    pm = client_for(world, "project_manager").get(chain["build"].get_absolute_url()).content.decode()
    assert hidden.get_absolute_url() not in pm
    director = client_for(world, "director").get(chain["build"].get_absolute_url()).content.decode()
    assert hidden.get_absolute_url() in director


def test_baseline_calendar_and_link_pages(world, chain):
    client = client_for(world, "coordinator")
    body = client.get(chain["baseline"].get_absolute_url()).content.decode()
    assert "+3 d" in body and chain["build"].get_absolute_url() in body
    body = client.get(chain["calendar"].get_absolute_url()).content.decode()
    assert "2026-12-24" in body and "Christmas Eve" in body and "Mon, Tue, Wed, Thu, Fri" in body
    dependency = chain["build"].predecessor_links.get()
    body = client.get(dependency.get_absolute_url()).content.decode()
    assert chain["design"].get_absolute_url() in body and "Remove link" not in body
    assert "Remove link" in client_for(world, "project_manager").get(dependency.get_absolute_url()).content.decode()


def test_far_end_out_of_sight_is_named_not_linked(world, chain):
    """A link to a task of a project the user cannot see shows the task, without a link to a 404."""
    other = task(world.project_a2, "Data migration", 3)
    link(other, chain["design"])
    body = client_for(world, "project_manager").get(chain["design"].get_absolute_url()).content.decode()
    assert "Data migration" in body and other.get_absolute_url() not in body


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


#: pinned query counts of the detail pages (session, user, scopes, then the page's own reads; the task page's
#: last is the resources app's assignments, through TASK_LINKS)
PINNED = {"task": 11, "baseline": 5, "calendar": 5, "dependency": 5, "interface": 5}


def _grow(world, chain, n: int) -> None:
    """n more of everything a detail page lists: links both ways, baseline rows, exceptions, risks."""
    project = world.project_a1
    for i in range(n):
        before, after = task(project, f"Prep {i}", 1), task(project, f"Follow-up {i}", 1)
        link(before, chain["build"])
        link(chain["build"], after)
        BaselineTask.objects.create(baseline=chain["baseline"], task=before, name=before.name, duration=1)
        day = date(2027, 1, 4 + i)
        CalendarException.objects.create(calendar=chain["calendar"], start=day, finish=day, name=f"Off {i}")
        Risk.objects.create(program=project.program, project=project, title=f"Risk {i}").tasks.add(chain["build"])
        Issue.objects.create(program=project.program, project=project, title=f"Issue {i}",
                             raised_on=date(2026, 1, 5)).tasks.add(chain["build"])
        Baseline.objects.create(project=project, name=f"B{i}")
        BaselineTask.objects.create(baseline=Baseline.objects.latest("pk"), task=chain["build"], name="Build",
                                    duration=10)


def test_detail_pages_query_counts_do_not_grow(world, chain):
    interface = Interface.objects.create(provider=world.project_a1, consumer=world.project_a2, title="Feed",
                                         provider_task=chain["golive"])
    urls = {"task": chain["build"].get_absolute_url(), "baseline": chain["baseline"].get_absolute_url(),
            "calendar": chain["calendar"].get_absolute_url(),
            "dependency": chain["build"].predecessor_links.get().get_absolute_url(),
            "interface": interface.get_absolute_url()}
    client = client_for(world, "project_manager")
    client.get("/")
    few = {name: _count(client, url) for name, url in urls.items()}
    _grow(world, chain, 20)
    many = {name: _count(client, url) for name, url in urls.items()}
    assert few == many == PINNED, (few, many)
