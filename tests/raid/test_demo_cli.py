"""The RAID demo (with the portfolio demo, idempotent) and ``pmo simulate``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pmo.core import audit
from pmo.portfolio.demo import load_demo
from pmo.raid.models import Escalation, Issue, Risk, SimulationRun


def test_demo_raid(db):
    load_demo()
    per_program = {code: Risk.objects.filter(program__code=code).count() + Issue.objects.filter(
        program__code=code).count() for code in ("ERP", "DX")}
    assert all(n >= 10 for n in per_program.values()), per_program
    assert Risk.objects.filter(tasks__isnull=False, probability_pct__isnull=False).distinct().count() >= 8
    assert Escalation.objects.filter(to_level="steering").exists()
    assert Escalation.objects.filter(status="decided", decided_by__username="steering").exists()
    runs = SimulationRun.objects.order_by("program__code")
    assert [r.program.code for r in runs] == ["DX", "ERP"]
    assert all(r.status in ("done", "queued") for r in runs)
    before = (Risk.objects.count(), Issue.objects.count(), Escalation.objects.count(), runs.count())
    load_demo()
    assert (Risk.objects.count(), Issue.objects.count(), Escalation.objects.count(),
            SimulationRun.objects.count()) == before
    assert audit.verify() is None


def test_simulate_command_prints_figures(world):
    out, err = StringIO(), StringIO()
    call_command("simulate", "--program", "PA", "--iterations", "300", "--seed", "4", stdout=out, stderr=err)
    text = out.getvalue()
    assert "300 iterations, seed 4" in text and "finish" in text and "P(finish by planned" in text
    assert "300/300" in err.getvalue()  # the tqdm bar
    assert not SimulationRun.objects.exists()


def test_simulate_command_records_run_as_user(world):
    out = StringIO()
    call_command("simulate", "--program", "PA", "--iterations", "300", "--seed", "4", "--as", "program_manager",
                 "--target", "2026-12-31", stdout=out, stderr=StringIO())
    run = SimulationRun.objects.get()
    assert run.status == "done" and f"simulation #{run.pk}" in out.getvalue()
    assert "P(finish by target 2026-12-31)" in out.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["--program", "NOPE"], "no program"),
    (["--program", "PA", "--iterations", "10"], "iterations"),
    (["--program", "PA", "--as", "steering"], "may not"),
    (["--program", "PA", "--as", "ghost"], "no active user"),
    (["--program", "PB", "--as", "director"], "nothing to simulate"),
])
def test_simulate_command_refusals(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("simulate", *args, stdout=StringIO(), stderr=StringIO())
    assert not SimulationRun.objects.exists()


def test_escalate_command(world):
    from datetime import date

    from pmo.raid import services

    issue = services.issue_create(actor=world.users["project_manager"], project=world.project_a1, title="Late",
                                  severity="low", raised_on=date(2026, 1, 5))
    Issue.objects.filter(pk=issue.pk).update(due=date(2026, 1, 20))
    out = StringIO()
    call_command("escalate", "--program", "PA", stdout=out)
    assert "1 item escalated." in out.getvalue()
    escalation = Escalation.objects.get(issue=issue)
    assert escalation.escalated_by is None and "overdue since 2026-01-20" in escalation.reason
    with pytest.raises(CommandError):
        call_command("escalate", "--program", "NOPE", stdout=StringIO())
