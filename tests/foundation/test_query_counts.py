"""List pages and endpoints run the same number of queries for 1 and for 100 rows (no N+1).

The pinned numbers are today's; a change that adds a query per page is fine if deliberate (update
the table), a change that adds a query per row fails the 1-vs-100 comparison.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.accounts.models import User
from pmo.portfolio.models import Program, Project

from ..conftest import client_for

# url -> queries for a signed-in director: session, user, memberships, then the page's own (list, count, filters)
PINNED = {
    "/": 8,  # + the user's overdue engagement actions (stakeholders' overview panel) and quality actions (quality's),
    #   overdue plan items and meeting actions (communications' panel: one query each)
    "/programs/": 5,
    "/projects/": 6,
    "/api/v1/programs": 5,
    "/api/v1/projects": 5,
}


def _grow(world, n: int):
    manager = User.objects.create_user("pm-bulk", "b@example.com", "x")
    programs = Program.objects.bulk_create(
        Program(code=f"G{i:03d}", name=f"Grown {i}", program_manager=manager, portfolio_id=world.program_a.portfolio_id)
        for i in range(n)
    )
    Project.objects.bulk_create(
        Project(program=programs[i % len(programs)], code=f"G{i:03d}-P", name=f"Grown project {i}",
                project_manager=manager)
        for i in range(n)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", PINNED)
def test_query_count_independent_of_rows(world, url):
    client = client_for(world, "director")
    client.get(url)  # warm caches that are per process, not per request
    few = _count(client, url)
    _grow(world, 100)
    many = _count(client, url)
    assert few == many, f"{url}: {few} queries with 3 projects, {many} with 103"
    assert many == PINNED[url], f"{url}: {many} queries, pinned {PINNED[url]}"


@pytest.mark.parametrize("role", ["project_manager", "coordinator"])
def test_scoped_lists_also_constant(world, role):
    client = client_for(world, role)
    few = [_count(client, url) for url in PINNED]
    _grow(world, 100)
    assert [_count(client, url) for url in PINNED] == few
