"""Plan pages render, and the Gantt and list pages use a constant number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.planning import services
from pmo.planning.models import Baseline, BaselineTask, Calendar, Interface, Task

from ..conftest import client_for
from .factories import link, task


def plan(project, n: int) -> list[Task]:
    """n tasks under two summaries, chained, with a milestone at the end, scheduled and baselined."""
    phase1 = task(project, "Design phase", 0)
    phase2 = task(project, "Build phase", 0)
    rows = []
    for i in range(n):
        rows.append(Task(project=project, name=f"Task {i}", duration=2, order=100 + i,
                         parent=phase1 if i < n // 2 else phase2, percent_complete=0))
    Task.objects.bulk_create(rows)
    rows = list(Task.objects.filter(project=project, name__startswith="Task ").order_by("order"))
    for a, b in zip(rows, rows[1:], strict=False):
        link(a, b, type="SS" if a.order % 3 == 0 else "FS", lag=1 if a.order % 5 == 0 else 0)
    end = task(project, "Go-live", 0, order=10000, is_milestone=True, deadline=date(2026, 2, 1))
    link(rows[-1], end)
    services._reschedule_project(project)
    baseline = Baseline.objects.create(project=project, name="B1")
    BaselineTask.objects.bulk_create([BaselineTask(baseline=baseline, task=t, name=t.name, start=t.start,
                                                   finish=t.finish, duration=t.duration)
                                      for t in Task.objects.filter(project=project)])
    Interface.objects.create(provider=project, consumer=project.program.projects.exclude(pk=project.pk).first(),
                             title="Handover", provider_task=end)
    return rows


PAGES = [
    "/projects/{project}/plan/", "/projects/{project}/plan/?zoom=day", "/projects/{project}/plan/?zoom=month",
    "/projects/{project}/plan/?zoom=quarter", "/projects/{project}/plan/tasks/", "/projects/{project}/plan/checks/",
    "/programs/{program}/plan/", "/programs/{program}/roadmap/", "/programs/{program}/plan/checks/",
    "/interfaces/", "/projects/{project}/plan/import/", "/projects/{project}/plan/tasks/new/",
    "/projects/{project}/plan/links/new/", "/interfaces/new/", "/projects/{project}/", "/programs/{program}/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render(world, url):
    plan(world.project_a1, 6)
    client = client_for(world, "program_manager")
    response = client.get(url.format(project=world.project_a1.pk, program=world.program_a.pk))
    assert response.status_code == 200, response.content[:500]


def test_gantt_draws_bars_milestones_baselines_and_arrows(world):
    plan(world.project_a1, 6)
    body = client_for(world, "director").get(f"/projects/{world.project_a1.pk}/plan/").content.decode()
    assert body.count("<polygon") == 1  # the go-live milestone
    assert "url(#critical-hatch)" in body  # critical bars (hatched: not colour alone)
    assert 'fill="#a3acb5"' in body  # baseline bars
    assert body.count('marker-end="url(#arrowhead)"') == 6
    assert "Design phase" in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


#: pinned query counts (session, user, scopes, the page's own reads); the same for 1 and 100 tasks
PINNED = {
    "/projects/{project}/plan/": 10,
    "/projects/{project}/plan/tasks/": 8,
    "/programs/{program}/plan/": 9,
    "/programs/{program}/roadmap/": 5,
    "/projects/{project}/plan/checks/": 6,
    "/interfaces/": 5,
}


@pytest.mark.parametrize("url", list(PINNED))
def test_constant_query_counts(world, url):
    client = client_for(world, "project_manager" if "program" not in url else "program_manager")
    path = url.format(project=world.project_a1.pk, program=world.program_a.pk)
    plan(world.project_a1, 2)
    small = _queries(client, path)
    Task.objects.filter(project=world.project_a1).delete()
    Baseline.objects.all().delete()
    Interface.objects.all().delete()
    plan(world.project_a1, 100)
    large = _queries(client, path)
    assert small == large == PINNED[url], (small, large)


def test_gantt_of_2000_tasks_uses_the_same_queries(world):
    """Bulk-built 2,000-task plan: the Gantt page's query count is the pinned one."""
    from pmo.planning.models import Dependency

    project = world.project_a1
    phases = [Task(project=project, name=f"Phase {i}", order=i * 1000, duration=0) for i in range(20)]
    Task.objects.bulk_create(phases)
    leaves = [Task(project=project, parent=phases[i // 100], name=f"Task {i}", order=(i // 100) * 1000 + 1 + i,
                   duration=1 + i % 5) for i in range(1980)]
    Task.objects.bulk_create(leaves)
    Dependency.objects.bulk_create([Dependency(predecessor=a, successor=b) for a, b in zip(leaves, leaves[1:],
                                                                                          strict=False)])
    services._reschedule_project(project)
    services.baseline_create(actor=world.users["director"], project=project)
    client = client_for(world, "project_manager")
    assert _queries(client, f"/projects/{project.pk}/plan/?zoom=quarter") == PINNED["/projects/{project}/plan/"]


def test_inline_edit_with_htmx(world):
    a = task(world.project_a1, "Design", 2)
    b = task(world.project_a1, "Build", 2)
    link(a, b)
    services._reschedule_project(world.project_a1)
    client = client_for(world, "project_manager")
    url = f"/plan/tasks/{a.pk}/edit/?inline=1"
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'data-testid="inline-edit"' in response.content
    response = client.post(url, {"version": a.version, "name": "Detailed design", "duration": "4",
                                 "percent_complete": "50"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Detailed design" in response.content
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.duration, a.percent_complete, a.actual_start) == (4, 50, date(2026, 1, 12))
    assert b.start > a.start  # rescheduled in the same call (from the status date, as work is reported)
    response = client.post(url, {"version": 1, "name": "Stale"}, HTTP_HX_REQUEST="true")
    assert b"changed by someone else" in response.content
    assert client_for(world, "steering").get(url, HTTP_HX_REQUEST="true").status_code == 403


def test_interface_form_lists_no_milestones_of_projects_out_of_sight(world):
    """A program manager editing an interface with a project of another program sees that project's
    linked milestone (it is part of the interface) but none of its other milestones."""
    linked = task(world.project_b1, "PB go-live", 0, is_milestone=True)
    task(world.project_b1, "PB secret milestone", 0, is_milestone=True)
    own = task(world.project_a1, "PA handover", 0, is_milestone=True)
    interface = Interface.objects.create(provider=world.project_a1, consumer=world.project_b1, title="Feed",
                                         provider_task=own, consumer_task=linked)
    response = client_for(world, "program_manager").get(f"/interfaces/{interface.pk}/edit/")
    assert response.status_code == 200
    names = {str(label) for _value, label in response.context["form"].fields["consumer_task"].choices}
    assert any("PB go-live" in n for n in names) and any("PA handover" in n for n in names)
    assert not any("secret" in n for n in names)


def test_task_form_offers_only_the_default_and_the_projects_calendars(world):
    """The task form lists the portfolio default and the project's own calendar; another project's is a 422."""
    own = Calendar.objects.create(project=world.project_a1, name="PA-1 calendar")
    other = Calendar.objects.create(project=world.project_a2, name="PA-2 calendar")
    default = Calendar.objects.create(name="Portfolio default")
    t = task(world.project_a1, "Design", 2)
    client = client_for(world, "director")
    url = f"/plan/tasks/{t.pk}/edit/"
    offered = {value for value, _label in client.get(url).context["form"].fields["calendar"].choices if value}
    assert {int(str(v)) for v in offered} == {own.pk, default.pk}
    data = {"version": t.version, "name": t.name, "duration": "2", "constraint_type": "ASAP",
            "percent_complete": "0", "calendar": other.pk}
    response = client.post(url, data)
    assert response.status_code == 422 and "calendar" in response.context["form"].errors
    t.refresh_from_db()
    assert t.calendar_id is None and t.version == 1
    response = client.post(url, {**data, "calendar": own.pk})
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.calendar_id == own.pk
