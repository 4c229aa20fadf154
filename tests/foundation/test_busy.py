"""A writer that cannot get the database's write lock answers 503 with Retry-After, never 500.

The lock is real: a second connection holds it (SQLite: ``BEGIN IMMEDIATE`` on the test database
file; PostgreSQL: a row lock), and the app's connection waits only briefly for it.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from django.db import connection

from pmo.planning.models import Task

from ..conftest import client_for, make_world
from ..planning.factories import task


@contextmanager
def locked(task_row: Task):
    """Hold the lock a writer of ``task_row`` needs, from another connection, with a short wait."""
    name = connection.settings_dict["NAME"]
    connection.close()
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    if connection.vendor == "sqlite":
        options["timeout"] = 0.2
        other = sqlite3.connect(name, timeout=0.2, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        options["options"] = "-c lock_timeout=200"
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("options", None)
        other = psycopg.connect(**params)
        other.execute(f"SELECT id FROM {Task._meta.db_table} WHERE id = %s FOR UPDATE", [task_row.pk])
    try:
        yield
    finally:
        other.rollback()
        other.close()
        connection.close()
        options.clear()
        options.update(saved)


@pytest.fixture
def plan():
    world = make_world()
    a = task(world.project_a1, "Design", 2)
    return world, a


@pytest.mark.django_db(transaction=True)
def test_api_patch_on_a_locked_database_is_503_with_retry_after(plan):
    world, a = plan
    client = client_for(world, "project_manager")
    with locked(a):
        response = client.patch(f"/api/v1/tasks/{a.pk}", {"duration": 5}, content_type="application/json",
                                HTTP_IF_MATCH=f'"{a.version}"')
    assert response.status_code == 503, response.content
    assert response["Retry-After"].isdigit()
    assert "busy" in response.json()["detail"]
    a.refresh_from_db()
    assert a.duration == 2  # nothing written
    response = client.patch(f"/api/v1/tasks/{a.pk}", {"duration": 5}, content_type="application/json",
                            HTTP_IF_MATCH=f'"{a.version}"')
    assert response.status_code == 200  # the retry succeeds once the lock is gone


@pytest.mark.django_db(transaction=True)
def test_page_post_on_a_locked_database_is_503_with_retry_after(plan):
    world, a = plan
    client = client_for(world, "project_manager")
    with locked(a):
        response = client.post(f"/plan/tasks/{a.pk}/edit/", {"version": a.version, "name": "Design", "duration": "5",
                                                              "constraint_type": "ASAP", "percent_complete": "0"})
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert b"The database is busy" in response.content
    a.refresh_from_db()
    assert a.duration == 2
