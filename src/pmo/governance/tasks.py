"""Background job of governance (django-tasks): the verification of the whole audit chain."""

from __future__ import annotations

import time

from django_tasks import task

from pmo.core import audit
from pmo.core.jobs import JobStatus, mark

from .models import ChainVerification


@task()
def verify_chain(verification_id: int) -> str:
    return execute(verification_id)


def execute(verification_id: int) -> str:
    """Verify the chain for a queued verification; the row ends ``done`` (intact or not) or ``failed``."""
    job = ChainVerification.objects.filter(pk=verification_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return "skipped"
    mark(job, status=JobStatus.RUNNING)
    started = time.perf_counter()
    try:
        broken = audit.verify()
    except Exception as exc:  # noqa: BLE001 - the row must say why it failed
        mark(job, status=JobStatus.FAILED, reason=f"{type(exc).__name__}: {exc}")
        return "failed"
    head = audit.AuditChainHead.objects.filter(pk=1).first()
    mark(job, status=JobStatus.DONE, results={
        "intact": broken is None, "events": head.event_count if head else 0,
        "broken_event_id": broken.event_id if broken else None, "broken_reason": broken.reason if broken else "",
        "seconds": round(time.perf_counter() - started, 3)})
    return "done"
