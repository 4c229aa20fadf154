"""Oracles for the value engine: numpy-financial on generated cash flows, published worked examples, and
benefits at risk by hand. Each oracle states where its numbers come from.

Published figures are rounded: they are compared with a tolerance of half their last digit. NPVs are
compared to the cent plus the float error of the oracle's sum.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.value import (
    MAX_PERIODS,
    Frequency,
    Milestone,
    ValueInputError,
    appraise,
    benefit_at_risk,
    benefit_cost_ratio,
    discounted_payback,
    irr,
    irrs,
    npv,
    payback,
    period_rate,
    periods_between,
)

#: the per-period IRRs ``irrs`` searches (its grid: ln(1 + i) in -9.2..9.2)
IRR_RANGE = (math.expm1(-9.2), math.expm1(9.2))


def money(cents: list[int]) -> list[Decimal]:
    return [Decimal(c).scaleb(-2) for c in cents]


def floats(cents: list[int]) -> list[float]:
    return [c / 100 for c in cents]


# --- published worked examples -------------------------------------------------------------------------------


def test_microsoft_excel_irr_example():
    """Microsoft Support, "IRR function" (Excel), example: a business's initial cost of 70,000 and net income
    of 12,000, 15,000, 18,000, 21,000 and 26,000 in years 1-5. Published: IRR after four years -2.1 %,
    after five years 8.7 %, after two years -44.4 % (Excel needs the guess -10 % for that one; a bracketed
    search needs none). https://support.microsoft.com/zh-cn/excel/irr-function (the example is the same in
    every language of the page).
    """
    flows = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]
    assert irr(flows[:5]) == pytest.approx(-0.021, abs=0.0005)
    assert irr(flows) == pytest.approx(0.087, abs=0.0005)
    assert irr(flows[:3]) == pytest.approx(-0.444, abs=0.0005)


def test_textbook_discounted_payback_and_npv():
    """Ross, Westerfield & Jordan, *Fundamentals of Corporate Finance*, ch. 9 problem "Calculating
    Discounted Payback": annual inflows of 2,800, 3,700, 5,100 and 4,300 at a 14 % discount rate, with an
    initial cost of 5,200, 5,400 or 10,400. The worked solution (justaaa.com/finance/28200) tabulates the
    discounted flows 2,456.14, 2,847.03, 3,442.35, 2,545.95, the cumulative PV at year 4 (6,091.47,
    5,891.47 and 891.47: the NPVs) and the discounted paybacks 1.96, 2.03 and 3.65 years.
    """
    inflows = [2_800, 3_700, 5_100, 4_300]
    for cost, published_npv, published_payback in ((5_200, "6091.47", 1.96), (5_400, "5891.47", 2.03),
                                                   (10_400, "891.47", 3.65)):
        flows = [-cost, *inflows]
        assert npv(flows, Decimal("0.14")) == Decimal(published_npv)
        assert discounted_payback(flows, Decimal("0.14")) == pytest.approx(published_payback, abs=0.005)
    # the simple payback of the first case by hand: 2,800 leaves 2,400 of 5,200, recovered in 2,400 / 3,700
    assert payback([-5_200, *inflows]) == pytest.approx(1 + 2_400 / 3_700)


def test_numpy_financial_docstring_npv_and_irr():
    """numpy-financial's own examples: 40,000 invested, 5,000, 8,000, 12,000 and 30,000 back at 8 %: NPV
    3,065.22267; 100 invested, 39, 59, 55 and 20 back: IRR 0.28095 (Gitman, Principles of Managerial
    Finance, cited there)."""
    assert npv([-40_000, 5_000, 8_000, 12_000, 30_000], Decimal("0.08")) == Decimal("3065.22")
    assert irr([-100, 39, 59, 55, 20]) == pytest.approx(0.28095, abs=5e-6)


def test_pump_problem_has_two_irrs():
    """Lorie & Savage's pump problem (1955), as in Brealey, Myers & Allen, *Principles of Corporate
    Finance*: -1,600 now, +10,000 in a year, -10,000 in two. NPV is zero at 25 % and at 400 %; there is no
    single IRR, so ``irr`` says None and ``irrs`` lists both."""
    assert irrs([-1_600, 10_000, -10_000]) == pytest.approx((0.25, 4.0), rel=1e-12)
    assert irr([-1_600, 10_000, -10_000]) is None


# --- numpy-financial on generated series ---------------------------------------------------------------------

amounts = st.integers(-10**9, 10**9)
rates = st.decimals(Decimal("-0.2"), Decimal("1.5"), places=4)


@settings(max_examples=80, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=60), rates, st.sampled_from(Frequency))
def test_npv_matches_numpy_financial(cents, rate, frequency):
    theirs = npf.npv((1 + float(rate)) ** (1 / frequency.per_year) - 1, floats(cents))
    ours = npv(money(cents), rate, frequency=frequency)
    assert abs(float(ours) - theirs) <= 0.005 + 1e-13 * sum(abs(c) for c in cents) / 100


conventional = st.tuples(
    st.lists(st.integers(-10**9, -1), min_size=1, max_size=5),
    st.lists(st.integers(0, 10**9), min_size=0, max_size=10),
    st.lists(st.integers(1, 10**9), min_size=1, max_size=25),
).map(lambda parts: parts[0] + parts[1] + parts[2])


@settings(max_examples=80, deadline=None)
@given(conventional)
def test_irr_matches_numpy_financial_with_one_sign_change(cents):
    """Costs, then returns: one sign change, so exactly one IRR (Descartes) for both to find."""
    theirs = npf.irr(floats(cents))
    ours = irr(money(cents))
    if IRR_RANGE[0] < theirs < IRR_RANGE[1]:
        assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-9)
    else:
        assert ours is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=12))
def test_irrs_are_roots_and_contain_numpy_financials(cents):
    """Any signs: every rate found zeroes numpy-financial's NPV, and numpy-financial's answer (the root
    nearest zero) is among them when the NPV crosses zero there, away from the search's limits."""
    flows = floats(cents)
    scale = sum(abs(f) for f in flows)
    found = irrs(money(cents))
    assert list(found) == sorted(found)
    for rate in found:
        assert abs(npf.npv(rate, flows)) <= 1e-7 * scale * max(1.0, (1 + rate) ** -len(flows))
    theirs = npf.irr(flows)
    if math.isnan(theirs) or not -0.6 < theirs < 2.0:
        return
    step = 1e-6 * (1 + theirs)
    if npf.npv(theirs - step, flows) * npf.npv(theirs + step, flows) < 0:
        assert any(rate == pytest.approx(theirs, rel=1e-6, abs=1e-9) for rate in found)


@settings(max_examples=30, deadline=None)
@given(conventional)
def test_monthly_irr_is_annualised(cents):
    theirs = npf.irr(floats(cents))
    if not -0.5 < theirs < 2.0:
        return
    assert irr(money(cents), frequency=Frequency.MONTHLY) == pytest.approx((1 + theirs) ** 12 - 1, rel=1e-6)


def payback_oracle(flows: list[float], rate: float) -> float | None:
    """The documented definition with numpy-financial doing the discounting: after the last prefix whose
    NPV is below zero, the part of the next period's discounted flow that recovers it."""
    cumulative = [npf.npv(rate, flows[: k + 1]) for k in range(len(flows))]
    below = [k for k, c in enumerate(cumulative) if c < 0]
    if not below:
        return 0.0
    j = below[-1]
    if j == len(flows) - 1:
        return None
    return j + -cumulative[j] / (flows[j + 1] / (1 + rate) ** (j + 1))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(-10**7, 10**7), min_size=1, max_size=30), st.decimals(0, 1, places=3))
def test_paybacks_match_numpy_financial(cents, rate):
    flows = floats(cents)
    simple, oracle = payback(money(cents)), payback_oracle(flows, 0.0)
    assert (simple is None) == (oracle is None)
    if simple is not None:
        assert simple == pytest.approx(oracle, rel=1e-9, abs=1e-9)
    discounted, oracle = discounted_payback(money(cents), rate), payback_oracle(flows, float(rate))
    if discounted is None or oracle is None:  # the two sums may disagree on a last period at zero to 1e-9
        assert discounted is oracle or abs(npf.npv(float(rate), flows)) < 1e-6
    else:
        assert discounted == pytest.approx(oracle, rel=1e-6, abs=1e-6)


# --- conventions ---------------------------------------------------------------------------------------------


def test_monthly_discounting_uses_the_equivalent_effective_rate():
    assert period_rate(Decimal("0.08"), Frequency.MONTHLY) == pytest.approx(1.08 ** (1 / 12) - 1, rel=1e-15)
    yearly = npv([-1_000, 1_100], Decimal("0.10"))
    monthly = npv([-1_000] + [0] * 11 + [1_100], Decimal("0.10"), frequency=Frequency.MONTHLY)
    assert yearly == monthly == Decimal("0.00")
    assert irr([-1_000] + [0] * 11 + [1_100], frequency=Frequency.MONTHLY) == pytest.approx(0.10, rel=1e-12)


def test_period_zero_is_not_discounted():
    assert npv([100], Decimal("0.5")) == Decimal("100.00")
    assert npv([0, 150], Decimal("0.5")) == Decimal("100.00")


def test_no_irr():
    assert irr([100, 200]) is None  # never negative
    assert irr([-100, 0, 0]) is None  # never positive
    assert irr([0, 0]) is None
    assert irr([-100, 50]) == pytest.approx(-0.5)  # a loss has an IRR: -50 %


def test_several_sign_changes_with_one_root_give_it():
    flows = [-100, 50, -10, 100]  # three sign changes; the cumulative sum changes sign once (Norstrom)
    assert len(irrs(flows)) == 1
    assert npf.npv(irr(flows), [float(f) for f in flows]) == pytest.approx(0, abs=1e-9)


def test_paybacks():
    assert payback([-1_000, 300, 400, 500, 200]) == pytest.approx(2.6)
    assert payback([-1_000, 300, 300]) is None  # never recovered
    assert payback([0, 300, -400]) is None  # ends below zero
    assert payback([500, -100, 300]) == 0.0  # never below zero
    # recovered in period 2, below zero again after period 3, recovered for good in period 4
    assert payback([-100, 50, 100, -200, 300]) == pytest.approx(3 + 150 / 300)
    assert discounted_payback([-1_000, 340, 340, 340], Decimal("0.20")) is None


def test_benefit_cost_ratio_and_appraisal():
    assert benefit_cost_ratio([0, 1_100], [1_000], Decimal("0.10")) == pytest.approx(1.0)
    assert benefit_cost_ratio([0, 1_100], [0, 0], Decimal("0.10")) is None
    result = appraise([0, 300, 400, 500, 200], [1_000], Decimal("0.10"), frequency=Frequency.YEARLY)
    assert result.npv == result.pv_benefits - result.pv_costs == Decimal("115.57")
    assert abs(result.npv - npv([-1_000, 300, 400, 500, 200], Decimal("0.10"))) <= Decimal("0.01")
    assert result.irr == pytest.approx(npf.irr([-1_000, 300, 400, 500, 200]), rel=1e-9)
    assert result.payback == pytest.approx(2.6)
    assert result.benefit_cost_ratio == pytest.approx(float(result.pv_benefits) / 1_000, abs=1e-5)
    monthly = appraise([0] + [100] * 24, [1_200], Decimal("0.08"), frequency=Frequency.MONTHLY)
    assert monthly.payback == 12.0 and monthly.payback_years == 1.0


def test_refuses_bad_input():
    with pytest.raises(ValueInputError, match="period 1 is not a whole number of cents"):
        npv([1, Decimal("0.005")], 0.1)
    with pytest.raises(ValueInputError, match="not an amount of money"):
        npv([1, "x"], 0.1)
    with pytest.raises(ValueInputError, match="annual_rate"):
        npv([1], -1)
    with pytest.raises(ValueInputError, match="periods"):
        npv([1] * (MAX_PERIODS + 1), 0.1)
    with pytest.raises(ValueInputError, match="limit"):
        npv([10**15], 0.1)


# --- benefits at risk ----------------------------------------------------------------------------------------


def test_periods_between_counts_calendar_months():
    assert periods_between(date(2026, 1, 31), date(2026, 3, 1)) == 2
    assert periods_between(date(2026, 1, 1), date(2026, 1, 31)) == 0
    assert periods_between(date(2026, 1, 15), date(2026, 2, 14)) == 1
    assert periods_between(date(2025, 11, 30), date(2026, 2, 1)) == 3
    assert periods_between(date(2026, 3, 1), date(2026, 1, 31)) == -2
    assert periods_between(date(2025, 12, 31), date(2026, 1, 1), Frequency.YEARLY) == 1


def test_issue_oracle_two_month_slip_loses_two_months_of_benefit():
    """Issue 11, by hand: 10,000 a month enabled by a milestone that slips 2 months loses 20,000 inside a
    fixed horizon (12 months here): months 10 and 11 move past it, months 0-9 arrive two months later."""
    risk = benefit_at_risk([10_000] * 12, [Milestone(date(2026, 3, 15), date(2026, 5, 20))])
    assert risk.slip == 2
    assert risk.value_lost == Decimal("20000.00")
    assert risk.value_deferred == Decimal("100000.00")
    assert risk.lost == (Decimal(0),) * 10 + (Decimal(10_000),) * 2
    assert risk.deferred == (Decimal(10_000),) * 10 + (Decimal(0),) * 2
    assert risk.forecast == (Decimal(0),) * 2 + (Decimal(10_000),) * 10
    assert risk.npv_lost == Decimal("20000.00")  # no discounting: the NPV lost is the value lost


def test_npv_lost_counts_lost_and_deferred_value():
    rate = Decimal("0.08")
    i = 1.08 ** (1 / 12) - 1
    risk = benefit_at_risk([0, 0] + [10_000] * 10, [(date(2026, 1, 10), date(2026, 2, 1))], annual_rate=rate)
    planned = sum(10_000 / (1 + i) ** t for t in range(2, 12))
    forecast = sum(10_000 / (1 + i) ** t for t in range(3, 12))
    assert risk.slip == 1 and risk.value_lost == Decimal("10000.00")
    assert float(risk.npv_lost) == pytest.approx(planned - forecast, abs=0.01)
    assert risk.npv_lost == risk.npv_planned - risk.npv_forecast
    assert risk.npv_planned == npv([0, 0] + [10_000] * 10, rate, frequency=Frequency.MONTHLY)


def test_latest_milestone_governs():
    schedule = [0, 0, 0, 5_000, 5_000, 5_000]
    # planned March and June, forecast May and June: the benefit still starts after June
    on_time = benefit_at_risk(schedule, [Milestone(date(2026, 3, 1), date(2026, 5, 1)),
                                         Milestone(date(2026, 6, 1), date(2026, 6, 30))])
    assert on_time.slip == 0 and on_time.value_lost == 0 and on_time.value_deferred == 0
    late = benefit_at_risk(schedule, [Milestone(date(2026, 3, 1), date(2026, 8, 1)),
                                      Milestone(date(2026, 6, 1), date(2026, 6, 30))])
    assert late.slip == 2 and late.value_lost == Decimal("10000.00") and late.value_deferred == Decimal("5000.00")


def test_early_forecast_and_horizons():
    early = benefit_at_risk([1_000] * 6, [(date(2026, 6, 1), date(2026, 3, 1))])
    assert early.slip == 0 and early.forecast == early.planned and early.npv_lost == 0
    longer = benefit_at_risk([10_000] * 12, [(date(2026, 1, 1), date(2026, 3, 1))], horizon=24)
    assert longer.value_lost == 0 and longer.value_deferred == Decimal("120000.00")
    assert len(longer.planned) == 24
    shorter = benefit_at_risk([10_000] * 12, [(date(2026, 1, 1), date(2026, 3, 1))], horizon=6)
    assert shorter.value_lost == Decimal("20000.00") and sum(shorter.planned) == Decimal("60000.00")
    beyond = benefit_at_risk([10_000] * 12, [(date(2026, 1, 1), date(2027, 6, 1))])
    assert beyond.slip == 17 and beyond.value_lost == Decimal("120000.00") and not any(beyond.forecast)
    yearly = benefit_at_risk([50_000] * 5, [(date(2026, 12, 1), date(2027, 1, 15))], frequency=Frequency.YEARLY)
    assert yearly.slip == 1 and yearly.value_lost == Decimal("50000.00")


def test_benefit_at_risk_refuses_bad_input():
    with pytest.raises(ValueInputError, match="milestone"):
        benefit_at_risk([1], [])
    with pytest.raises(ValueInputError, match="horizon"):
        benefit_at_risk([1], [(date(2026, 1, 1), date(2026, 1, 1))], horizon=-1)
