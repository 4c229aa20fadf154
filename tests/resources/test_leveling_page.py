"""Leveling end to end through the pages: start (queued as a background job), progress polled until done, the
proposal beside the plan of record, accept (writes the plan, audited; refused when the plan changed since the
run) and reject."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pmo.core import audit
from pmo.core.models import AuditEvent
from pmo.planning import services as planning_services
from pmo.planning.models import Task
from pmo.resources.models import LevelingRun
from pmo.resources.tasks import execute

from ..conftest import client_for
from .test_psplib_commands import TINY


def _project(world, tmp_path):
    path = tmp_path / "tiny.sm"
    path.write_text(TINY)
    call_command("import-psplib", str(path), "--project", "PA-1", "--as", "director", stdout=StringIO(),
                 stderr=StringIO())
    return world.project_a1


def _start(world, client, project, django_capture_on_commit_callbacks) -> LevelingRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/resources/projects/{project.pk}/level/", {"mode": "exact", "time_limit": 5})
    run = LevelingRun.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/resources/leveling/{run.pk}/"
    return run


def test_run_queues_a_job_polls_and_shows_the_proposal(world, tmp_path, django_capture_on_commit_callbacks):
    project = _project(world, tmp_path)
    client = client_for(world, "project_manager")
    assert f'action="/resources/projects/{project.pk}/level/"' in client.get(
        f"/resources/projects/{project.pk}/").content.decode()
    run = _start(world, client, project, django_capture_on_commit_callbacks)
    assert run.status == "queued" and DBTaskResult.objects.filter(args_kwargs__args=[run.pk]).exists()
    page = client.get(f"/resources/leveling/{run.pk}/").content.decode()
    assert f'hx-get="/resources/leveling/{run.pk}/progress/"' in page and "Queued" in page
    assert execute(run.pk) == "done"  # what the worker does with the queued job
    progress = client.get(f"/resources/leveling/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and "100 %" in progress.content.decode()
    page = client.get(f"/resources/leveling/{run.pk}/").content.decode()
    facts = re.sub(r"\s+", " ", re.search(r'data-testid="run-facts">(.*?)</dl>', page, re.S).group(1))
    results = LevelingRun.objects.get(pk=run.pk).results
    assert results["current_makespan"] == 3 and results["makespan"] == 5 and results["lower_bound"] == 5
    assert f"{results['finish_before']}</dd>" in facts and f"{results['finish_after']}</dd>" in facts
    assert results["finish_after"] > results["finish_before"]
    assert "3 → 5" in facts and "optimal" in facts and "5 working days" in facts and "0 % (proven optimal)" in facts
    table = re.search(r'data-testid="compare">(.*?)</table>', page, re.S).group(1)
    assert table.count("moved</span>") == 2  # one of the two parallel jobs and the sink move
    # the project manager sees the proposal but the Program Manager decides
    assert 'data-testid="controls"' not in page
    assert 'data-testid="controls"' in client_for(world, "program_manager").get(
        f"/resources/leveling/{run.pk}/").content.decode()


def test_accept_writes_the_plan_audited_and_refuses_a_changed_plan(world, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    project = _project(world, tmp_path)
    pm = client_for(world, "program_manager")
    run = _start(world, pm, project, django_capture_on_commit_callbacks)
    execute(run.pk)
    run.refresh_from_db()
    finish_after = run.results["finish_after"]
    # the plan changes after the run froze it: accepting is refused, nothing is written
    job3 = Task.objects.get(project=project, code="J3")
    planning_services.task_update(actor=world.users["director"], task=job3, expected_version=job3.version,
                                  name="Job 3 renamed")
    response = pm.post(f"/resources/leveling/{run.pk}/accept/", {"version": run.version}, follow=True)
    assert "the plan changed since this run" in response.content.decode()
    assert LevelingRun.objects.get(pk=run.pk).decision == "pending"
    assert not Task.objects.filter(project=project, constraint_type="SNET").exists()
    pm.post(f"/resources/leveling/{run.pk}/reject/", {"version": run.version})
    assert LevelingRun.objects.get(pk=run.pk).decision == "rejected"
    # level again and accept: the moved tasks start no earlier than their leveled dates, the finish moves
    run = _start(world, pm, project, django_capture_on_commit_callbacks)
    execute(run.pk)
    run.refresh_from_db()
    response = pm.post(f"/resources/leveling/{run.pk}/accept/", {"version": run.version})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.decision == "accepted" and run.decided_by == world.users["program_manager"]
    moved = Task.objects.filter(project=project, constraint_type="SNET")
    assert moved.count() == 2 and max(Task.objects.filter(project=project).values_list("finish", flat=True)) \
        .isoformat() == run.results["finish_after"] == finish_after
    assert AuditEvent.objects.filter(action="accepted", object_id=str(run.pk)).exists()
    assert all(AuditEvent.objects.filter(action="update", object_id=str(t.pk)).exists() for t in moved)
    assert audit.verify() is None
    # decided once
    again = pm.post(f"/resources/leveling/{run.pk}/reject/", {"version": run.version}, follow=True)
    assert "already accepted" in again.content.decode()
