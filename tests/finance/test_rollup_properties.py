"""Every roll-up equals the sum of its parts to the cent (hypothesis): projects -> program -> portfolio, with
programs in other currencies converted at the status date's rate; and the EVM measures stay Decimal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo.finance import engine_adapter
from pmo.finance.models import CostEntry, ExchangeRate
from pmo.planning.models import Baseline, BaselineTask, Task
from pmo.portfolio.models import Program, Project

STATUS = date(2026, 4, 15)
money = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False, allow_infinity=False)
task = st.tuples(st.integers(0, 120), st.integers(0, 30), money, st.sampled_from([0, 0, 10, 33.33, 50, 99.99, 100]))
project = st.tuples(st.lists(task, min_size=0, max_size=6), st.lists(st.tuples(st.integers(0, 150), money),
                                                                      max_size=5))
programs = st.lists(st.tuples(st.sampled_from(["EUR", "USD", "GBP"]), st.lists(project, min_size=1, max_size=3)),
                    min_size=1, max_size=3)


def _load(spec) -> list[Program]:
    for model in (CostEntry, BaselineTask, Baseline, Task, Project, Program):
        model.objects.all().delete()
    ExchangeRate.objects.all().delete()
    ExchangeRate.objects.create(currency="USD", valid_from=date(2026, 1, 1), rate=Decimal("0.91234567"))
    ExchangeRate.objects.create(currency="GBP", valid_from=date(2026, 1, 1), rate=Decimal("1.16666667"))
    ExchangeRate.objects.create(currency="GBP", valid_from=STATUS + timedelta(days=1), rate=Decimal("9"))  # not yet
    origin = date(2026, 1, 5)
    out = []
    for p, (currency, projects) in enumerate(spec):
        program = Program.objects.create(code=f"PR{p}", name=f"Program {p}", currency=currency)
        out.append(program)
        for j, (tasks, costs) in enumerate(projects):
            proj = Project.objects.create(program=program, code=f"PR{p}-{j}", name="x", status="active")
            baseline = Baseline.objects.create(project=proj, name="B")
            for k, (offset, length, cost, percent) in enumerate(tasks):
                start = origin + timedelta(days=offset)
                row = Task.objects.create(project=proj, name=f"T{k}", order=k, cost=cost, percent_complete=percent)
                BaselineTask.objects.create(baseline=baseline, task=row, name=row.name, start=start,
                                            finish=start + timedelta(days=length), duration=1, cost=cost)
            for offset, amount in costs:
                CostEntry.objects.create(program=program, project=proj, date=origin + timedelta(days=offset),
                                         amount=amount, category="labour")
    return out


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(spec=programs)
def test_roll_ups_are_the_sum_of_their_parts_to_the_cent(spec):
    loaded = _load(spec)
    fields = ("bac", "pv", "ev", "ac", "eac_bottom_up")
    portfolio = engine_adapter.rollup_evm(Project.objects.all(), STATUS, by="program")
    assert portfolio.currency == "EUR"
    assert {type(getattr(portfolio.cost, f)) for f in fields} == {Decimal}
    program_totals = {f: Decimal(0) for f in fields}
    for program in loaded:
        projects = Project.objects.filter(program=program)
        result = engine_adapter.rollup_evm(projects, STATUS, by="project", currency=program.currency)
        parts = [engine_adapter.project_evm(p, STATUS).cost for p in projects]
        for f in fields:  # the program is the sum of its projects, in its own currency
            assert getattr(result.cost, f) == sum(getattr(c, f) for c in parts), f
        rate = {"EUR": Decimal(1), "USD": Decimal("0.91234567"), "GBP": Decimal("1.16666667")}[program.currency]
        part = next(p for p in portfolio.parts if p.key == program.pk)
        for f in ("bac", "pv", "ev", "ac"):  # converted once per program, half up to the cent
            expected = (getattr(result.cost, f) * rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            assert engine_adapter.cents_to_money(getattr(part, f)) == expected, f
            program_totals[f] += expected
    for f in ("bac", "pv", "ev", "ac"):  # the portfolio is the sum of its converted programs
        assert getattr(portfolio.cost, f) == program_totals[f], f
    assert portfolio.series[-1]["pv"] == portfolio.cost.bac  # the converted S-curve ends at the converted BAC
