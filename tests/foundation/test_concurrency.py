"""20 writers with the same ETag: exactly one wins, 19 get 412, one audit event (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from pmo.core.models import AuditEvent
from pmo.portfolio.models import Project

from ..conftest import client_for

WRITERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_patches_one_winner():
    from ..conftest import make_world

    world = make_world()
    project = world.project_a1
    etag = f'"{project.version}"'
    events_before = AuditEvent.objects.count()
    barrier = threading.Barrier(WRITERS)

    def patch(i: int):
        client = client_for(world, "director")
        try:
            barrier.wait(timeout=30)
            response = client.patch(f"/api/v1/projects/{project.pk}", {"name": f"writer {i}"},
                                    content_type="application/json", HTTP_IF_MATCH=etag)
            return i, response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(patch, range(WRITERS)))
    statuses = sorted(status for _, status in results)
    assert statuses == [200] + [412] * (WRITERS - 1), statuses
    winner = next(i for i, status in results if status == 200)
    row = Project.objects.get(pk=project.pk)
    assert row.name == f"writer {winner}"
    assert row.version == project.version + 1
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.last().after == {"name": f"writer {winner}"}
