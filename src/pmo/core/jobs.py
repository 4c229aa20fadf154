"""What every background job's record shares (a simulation, a leveling run, a selection scenario): its status,
its state changes with their audit events, and the reaping of jobs whose worker died."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from . import audit

#: a running job without progress for this long lost its worker
STALE = timedelta(minutes=15)

#: called by ``pmo serve`` before it starts its worker (the apps above fill it: notifications starts its tick)
ON_SERVE: list = []


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def mark(job: models.Model, *, status: str, reason: str = "", results: dict | None = None) -> None:
    """Record a job's state change (running, done, failed) with its audit event; the job calls this. The start
    and finish times are kept where the job's model has ``started_at`` and ``finished_at``."""
    now = timezone.now()
    names = {field.name for field in type(job)._meta.concrete_fields}
    fields = {"status": status, "reason": reason[:2000]}
    if status == JobStatus.RUNNING:
        fields |= {"progress": 0, **({"started_at": now} if "started_at" in names else {})}
    elif "finished_at" in names:
        fields["finished_at"] = now
    if status == JobStatus.DONE:
        fields |= {"results": results, "progress": 100}
    with transaction.atomic():
        before = job.status
        for name, value in fields.items():
            setattr(job, name, value)
        job.version += 1
        type(job).objects.filter(pk=job.pk).update(**fields, version=job.version, updated_at=now)
        audit.record(actor=None, action=status, obj=job, before={"status": before},
                     after={"status": status, **({"reason": fields["reason"]} if reason else {})})


def reap(model: type[models.Model], now: datetime | None = None) -> int:
    """Mark the jobs of ``model`` whose worker died (no progress for :data:`STALE`) failed, with the reason."""
    now = now or timezone.now()
    reaped = 0
    for job in model.objects.filter(status=JobStatus.RUNNING, updated_at__lt=now - STALE):
        mark(job, status=JobStatus.FAILED,
             reason=f"abandoned: no progress since {job.updated_at:%Y-%m-%d %H:%M} UTC (the worker stopped)")
        reaped += 1
    return reaped
