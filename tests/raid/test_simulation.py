"""The simulation job path: start -> queued -> running (with progress) -> done, failures marked failed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from pmo.core.models import AuditEvent
from pmo.engine.montecarlo import RiskEvent, SimActivity, SimLink, SimulationInput, simulate
from pmo.raid import engine_adapter, services, tasks
from pmo.raid.models import SimulationRun

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _quantified_risk(world):
    return services.risk_create(actor=world.users["project_manager"], project=world.project_a1,
                                title="Vendor API rate limits", probability=3, impact=3, probability_pct=40,
                                schedule_min=5, schedule_most_likely=10, schedule_max=30, cost_min=10_000,
                                cost_most_likely=25_000, cost_max=80_000)


@override_settings(TASKS=IMMEDIATE)
def test_start_runs_job_queued_running_done_with_progress(world, monkeypatch, django_capture_on_commit_callbacks):
    _quantified_risk(world)
    seen = []
    real = tasks.simulate

    def watching(inp, *, progress):
        def spy(done, total):
            progress(done, total)
            row = SimulationRun.objects.values("status", "progress").get()
            seen.append((row["status"], row["progress"]))
        return real(inp, progress=spy, chunk_size=256)

    monkeypatch.setattr(tasks, "simulate", watching)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_start(actor=world.users["program_manager"], program=world.program_a,
                                        iterations=2000, seed=11, target_date=date(2026, 12, 31))
        assert SimulationRun.objects.get(pk=run.pk).status == "queued"
    run.refresh_from_db()
    assert run.status == "done" and run.progress == 100 and run.reason == ""
    assert all(status == "running" for status, _ in seen) and len(seen) == 8
    assert [p for _, p in seen] == sorted(p for _, p in seen) and seen[-1][1] == 90
    finish = run.results["finish"]
    assert finish["p10"] <= finish["p50"] <= finish["p80"] <= finish["p90"]
    assert date.fromisoformat(finish["p50"]) >= date(2026, 12, 18)
    assert 0 <= finish["prob_planned"] <= 1 and 0 <= finish["prob_target"] <= 1
    assert sum(finish["histogram"]["counts"]) == 2000 and finish["histogram"]["cdf"][-1] == pytest.approx(1.0)
    assert run.results["cost"]["p90"] >= run.results["cost"]["p10"] >= 0
    assert run.results["tornado"][0]["id"] in {"R-1", f"P{world.project_a1.pk}"}
    assert run.results["criticality"][0]["value"] > 0
    actions = list(AuditEvent.objects.filter(object_type="raid.simulationrun").values_list("action", flat=True))
    assert actions == ["create", "running", "done"]


@override_settings(TASKS=IMMEDIATE)
def test_failing_run_is_marked_failed_with_reason(world, monkeypatch, django_capture_on_commit_callbacks):
    def boom(inp, *, progress):
        progress(1, 2)
        raise RuntimeError("out of memory in chunk 3")

    monkeypatch.setattr(tasks, "simulate", boom)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_start(actor=world.users["director"], project=world.project_a1, iterations=500)
    run.refresh_from_db()
    assert run.status == "failed" and "out of memory in chunk 3" in run.reason
    assert run.finished_at is not None and run.results is None


def test_corrupt_snapshot_fails_with_field(world):
    run = services.simulation_start(actor=world.users["director"], project=world.project_a1, iterations=500,
                                    enqueue=False)
    inputs = run.inputs
    inputs["activities"][1]["min"] = 999
    SimulationRun.objects.filter(pk=run.pk).update(inputs=inputs)
    assert tasks.execute(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and "min" in run.reason
    assert tasks.execute(run.pk) == "skipped"  # only queued runs start


@pytest.mark.parametrize("iterations", [0, 99, 200_001, 10**9, True, "100"])
def test_absurd_iterations_refused_nothing_written(world, iterations):
    with pytest.raises(ValidationError) as info:
        services.simulation_start(actor=world.users["director"], program=world.program_a, iterations=iterations)
    assert "iterations" in info.value.error_dict
    assert not SimulationRun.objects.exists()


def test_start_permissions_and_scope(world):
    with pytest.raises(PermissionDenied):
        services.simulation_start(actor=world.users["steering"], program=world.program_a, iterations=500)
    with pytest.raises(ValidationError):
        services.simulation_start(actor=world.users["program_manager"], program=world.program_b, iterations=500)
    with pytest.raises(ValidationError) as info:  # no project with dates: nothing to simulate
        services.simulation_start(actor=world.users["director"], program=world.program_b, iterations=500)
    assert "program" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        services.simulation_start(actor=world.users["director"], program=world.program_a, iterations=500,
                                  target_date=date(2000, 1, 1))
    assert "target_date" in info.value.error_dict


def test_snapshot_maps_risks_to_activities(world):
    risk = _quantified_risk(world)
    program_risk = services.risk_create(actor=world.users["director"], program=world.program_a, title="FX swing",
                                        probability_pct=10, cost_min=0, cost_most_likely=1000, cost_max=5000)
    data = engine_adapter.snapshot(program=world.program_a)
    rows = {r["id"]: r for r in data["risks"]}
    assert rows[risk.ref]["activity_ids"] == [f"P{world.project_a1.pk}"] and rows[risk.ref]["probability"] == 0.4
    assert rows[program_risk.ref]["activity_ids"] == []  # cost-only: no schedule impact
    assert {a["id"] for a in data["activities"]} == {"START", "FINISH", f"P{world.project_a1.pk}"}


def test_engine_directly_with_the_adapter_conventions():
    """The adapter's network shape (START/FINISH, SS lags, risk on an activity) simulated by the engine."""
    inp = SimulationInput(
        [SimActivity("START", 0, 0, 0), SimActivity("P1", 90, 100, 130, distribution="pert"),
         SimActivity("FINISH", 0, 0, 0)],
        links=[SimLink("START", "P1", "SS", 20), SimLink("P1", "FINISH")],
        risks=[RiskEvent("R-1", 1.0, ("P1",), 10, 10, 10)], iterations=500, seed=1, milestones=("FINISH",))
    result = simulate(inp)
    assert result.finish.p10 >= 20 + 90 + 10
    dates = engine_adapter.Dates({"start": "2026-01-05"})
    assert dates.finish(1) == "2026-01-05" and dates.finish(5) == "2026-01-09" and dates.finish(6) == "2026-01-12"


def test_abandoned_running_run_is_reaped(world):
    from datetime import timedelta

    from django.utils import timezone

    run = SimulationRun.objects.create(program=world.program_a, iterations=500, inputs={}, status="running")
    assert services.runs_reap() == 0
    SimulationRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert services.runs_reap() == 1
    run.refresh_from_db()
    assert run.status == "failed" and "abandoned" in run.reason


def test_interrupted_run_is_marked_failed(world, monkeypatch):
    def stop(inp, *, progress):
        raise KeyboardInterrupt

    run = services.simulation_start(actor=world.users["director"], project=world.project_a1, iterations=500,
                                    enqueue=False)
    monkeypatch.setattr(tasks, "simulate", stop)
    with pytest.raises(KeyboardInterrupt):
        tasks.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "interrupted" in run.reason
