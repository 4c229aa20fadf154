"""Background jobs of the resources app (django-tasks): leveling a project."""

from __future__ import annotations

import logging
import time

from django.utils import timezone
from django_tasks import task

from . import engine_adapter
from .models import LevelingRun, RunStatus
from .services import run_mark

logger = logging.getLogger(__name__)


@task()
def level_project(run_id: int) -> str:
    """Level a queued run; the row always ends ``done`` or ``failed`` (with the reason)."""
    return execute(run_id)


def execute(run_id: int, *, on_progress=None, workers: int = 2) -> str:
    """Run ``run_id`` in this process, updating its progress; ``on_progress(fraction, message)`` too (CLI)."""
    run = LevelingRun.objects.select_related("project").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return "skipped"
    run_mark(run, status=RunStatus.RUNNING)
    last = [0, 0.0]

    def progress(fraction: float, message: str = "") -> None:
        percent = min(int(99 * fraction), 99)
        now = time.monotonic()
        if percent > last[0] and now - last[1] > 0.2:
            LevelingRun.objects.filter(pk=run_id).update(progress=percent, updated_at=timezone.now())
            last[:] = [percent, now]
        if on_progress is not None:
            on_progress(fraction, message)

    try:
        payload = engine_adapter.level(run, progress=progress, workers=workers)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the run must not stay "running"
        logger.exception("leveling run %s failed", run_id)
        reason = "; ".join(str(m) for m in getattr(exc, "messages", [])) or str(exc) or type(exc).__name__
        run_mark(run, status=RunStatus.FAILED, reason=f"{type(exc).__name__}: {reason}")
        return "failed"
    except BaseException:  # the worker is stopping (SIGINT/SIGTERM): say so, then let it stop
        run_mark(run, status=RunStatus.FAILED, reason="interrupted: the worker stopped during the run")
        raise
    run_mark(run, status=RunStatus.DONE, results=payload)
    return "done"
