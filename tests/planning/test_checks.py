"""Consistency checks: open ends, constraint conflicts, negative float, late milestones, closed-project links."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.planning import checks, services
from pmo.portfolio.models import Project

from .factories import link, task


def kinds(findings) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(f.kind, set()).add(f.task.name)
    return out


def test_findings(world):
    p = world.project_a1
    start = task(p, "Start", 0, is_milestone=True)
    a = task(p, "A", 5)
    b = task(p, "B", 5, constraint_type="MFO", constraint_date=date(2026, 1, 14))
    task(p, "Dangling", 1, constraint_type="SNET", constraint_date=date(2026, 1, 13))  # no links
    late_deadline = task(p, "Deadline missed", 3, deadline=date(2026, 1, 13))
    end = task(p, "End", 0, is_milestone=True, deadline=date(2026, 1, 13))
    link(start, a)
    link(a, b)
    link(b, end)
    link(start, late_deadline)
    link(late_deadline, end)
    closed = Project.objects.create(program=world.program_a, code="PA-OLD", name="Old", status="cancelled")
    old = task(closed, "Old deliverable", 1)
    link(old, late_deadline)
    services._reschedule_project(p)
    found = kinds(checks.project_findings(p))
    assert found["open_start"] == {"Dangling"} and found["open_end"] == {"Dangling"}
    assert found["constraint_conflict"] == {"B"}
    assert "A" in found["negative_float"] and "Deadline missed" in found["negative_float"]
    assert found["late_milestone"] == {"End"}
    assert found["closed_link"] == {"Deadline missed"}


def test_checks_use_two_queries(world):
    p = world.project_a1
    previous = None
    for i in range(50):
        t = task(p, f"T{i}", 1)
        if previous:
            link(previous, t)
        previous = t
    with CaptureQueriesContext(connection) as ctx:
        checks.project_findings(p)
    assert len(ctx.captured_queries) == 2
