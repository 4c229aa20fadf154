"""Small helpers to build plans in tests (straight rows, no services, unless a test says so)."""

from __future__ import annotations

from pmo.planning.models import Dependency, Task


def task(project, name, duration=1, order=None, **fields) -> Task:
    if order is None:
        order = (Task.objects.filter(project=project).count() + 1) * 10
    return Task.objects.create(project=project, name=name, duration=duration, order=order, **fields)


def link(pred, succ, type="FS", lag=0, **fields) -> Dependency:  # noqa: A002
    return Dependency.objects.create(predecessor=pred, successor=succ, type=type, lag=lag, **fields)
