"""Background jobs of the RAID app (django-tasks): the Monte Carlo simulation run."""

from __future__ import annotations

import logging
import time

from django.utils import timezone
from django_tasks import task

from pmo.engine.montecarlo import simulate

from . import engine_adapter
from .models import RunStatus, SimulationRun
from .services import run_mark

logger = logging.getLogger(__name__)


@task()
def run_simulation(run_id: int) -> str:
    """Run a queued simulation; the row always ends ``done`` or ``failed`` (with the reason)."""
    return execute(run_id)


def execute(run_id: int, *, on_progress=None) -> str:
    """Run ``run_id`` in this process, updating its progress; ``on_progress(done, total)`` is called too (CLI)."""
    run = SimulationRun.objects.filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return "skipped"
    run_mark(run, status=RunStatus.RUNNING)
    last = [0, 0.0]

    def progress(done: int, total: int) -> None:
        # the CPM passes are ~90 % of the work; the tornado pass that follows is the rest
        percent = min(int(90 * done / total), 90)
        now = time.monotonic()
        if percent > last[0] and (now - last[1] > 0.2 or percent == 90):
            SimulationRun.objects.filter(pk=run_id).update(progress=percent, updated_at=timezone.now())
            last[:] = [percent, now]
        if on_progress is not None:
            on_progress(done, total)

    try:
        inp = engine_adapter.engine_input(run.inputs, iterations=run.iterations, seed=run.seed)
        result = simulate(inp, progress=progress)
        payload = engine_adapter.results(run.inputs, result)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the run must not stay "running"
        logger.exception("simulation run %s failed", run_id)
        reason = "; ".join(str(m) for m in getattr(exc, "messages", [])) or str(exc) or type(exc).__name__
        run_mark(run, status=RunStatus.FAILED, reason=f"{type(exc).__name__}: {reason}")
        return "failed"
    except BaseException:  # the worker is stopping (SIGINT/SIGTERM): say so, then let it stop
        run_mark(run, status=RunStatus.FAILED, reason="interrupted: the worker stopped during the run")
        raise
    run_mark(run, status=RunStatus.DONE, results=payload)
    return "done"
