"""The demo plans: loaded with the portfolio demo, idempotent, plausible."""

from __future__ import annotations

from pmo.planning.models import Baseline, Dependency, Interface, Task
from pmo.portfolio.demo import load_demo
from pmo.portfolio.models import Project


def test_demo_plans(db):
    load_demo()
    counts = {p.code: p.tasks.count() for p in Project.objects.all()}
    assert all(30 <= n <= 150 for n in counts.values()), counts
    # one plan of record per project (the change demo adds the baseline its implemented change request set)
    assert Baseline.objects.filter(name="Plan of record").count() == len(counts)
    assert Dependency.objects.filter(predecessor__project__code="DX-IAM", successor__project__code="DX-INTRA").exists()
    assert Interface.objects.count() >= 4
    assert Task.objects.filter(project__code="DX-IAM", percent_complete=100).exists()
    assert not Task.objects.filter(is_summary=False, start__isnull=True).exists()
    before = (Task.objects.count(), Dependency.objects.count(), Interface.objects.count())
    load_demo()
    assert (Task.objects.count(), Dependency.objects.count(), Interface.objects.count()) == before
