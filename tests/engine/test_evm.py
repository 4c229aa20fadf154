"""Oracles and properties of the earned value engine. Each oracle states where its numbers come from.

Published figures are rounded (CPI 0.893, SPI(t) 0.83): they are compared with a tolerance of half
their last digit; exact cents are compared exactly.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.calendar import WorkCalendar
from pmo.engine.evm import (
    MAX_BUDGET_CENTS,
    Earning,
    EvmError,
    Forecast,
    Loading,
    Period,
    Periods,
    cents,
    cost_ledger,
    cost_measures,
    earned_schedule,
    earned_value,
    evaluate,
    planned_duration,
    schedule_measures,
    split_budget,
    time_phase,
)

WORKWEEK = WorkCalendar(first_year=2024, last_year=2027)
MONDAY = date(2025, 3, 3)


def dollars(*values: float) -> list[int]:
    return [round(v * 100) for v in values]


def fence(status: date = date(2025, 3, 5), period: Period = Period.DAY):
    """The PMP fence: four sides of $1,000, one working day each in sequence from Monday 3 March 2025;
    sides 1 and 2 done, side 3 half done; actuals $1,000, $1,200 and $600 on days 1-3."""
    days = [MONDAY + timedelta(days=k) for k in range(4)]
    base = time_phase(WORKWEEK, days, days, dollars(1000, 1000, 1000, 1000))
    earned = earned_value(base.budget, [100, 100, 50, 0])
    actual = cost_ledger(days[:3], dollars(1000, 1200, 600))
    return evaluate(base, earned, actual, status, period=period)


# --- published oracles --------------------------------------------------------------------------------------


def test_pmp_fence_end_of_day_three():
    # "Earned Value Exercise", after Rita Mulcahy, PMP Exam Prep, p. 210:
    # https://studylib.net/doc/5898152/earned-value-exercise
    # PV 3,000  EV 2,500  AC 2,800  BAC 4,000  CV -300  CPI .893  SV -500  SPI .833;
    # EAC 4,000/.893 = 4,479, ETC 1,679, VAC -479 there, because the sheet divides by the CPI rounded
    # to .893; unrounded, BAC/CPI = 4,000 x 2,800 / 2,500 = 4,480 exactly.
    cost = fence().cost
    assert (cost.pv, cost.ev, cost.ac, cost.bac) == (Decimal("3000.00"), Decimal("2500.00"), Decimal("2800.00"),
                                                     Decimal("4000.00"))
    assert (cost.cv, cost.sv) == (Decimal("-300.00"), Decimal("-500.00"))
    assert cost.cpi == pytest.approx(0.893, abs=5e-4)
    assert cost.spi == pytest.approx(0.833, abs=5e-4)
    assert cost.eac_cpi == Decimal("4480.00") and abs(cost.eac_cpi - 4479) <= 1
    assert (cost.etc, cost.vac) == (Decimal("1680.00"), Decimal("-480.00"))


def test_pmp_fence_other_forecasts_and_earned_schedule():
    # Issue 8's acceptance figures for the same fence: EAC 4,480 / 4,300 / 4,816 by BAC/CPI,
    # AC + (BAC - EV) and AC + (BAC - EV)/(CPI x SPI) (the three EAC formulas of the PMBOK Guide, 6th ed.,
    # table 7-1), TCPI(BAC) 1.25, ES 2.5 days, SPI(t) 0.833.
    report = fence()
    cost, schedule = report.cost, report.schedule
    assert cost.eac_remaining_at_budget == Decimal("4300.00")
    assert cost.eac_cpi_spi == Decimal("4816.00")
    assert cost.tcpi_bac == pytest.approx(1.25)
    assert schedule.es == pytest.approx(2.5) and schedule.at == 3 and schedule.pd == 4
    assert schedule.spi_t == pytest.approx(0.833, abs=5e-4)
    assert schedule.sv_t == pytest.approx(-0.5)
    assert schedule.ieac_t == pytest.approx(4.8)  # 4 days / 0.8333
    assert report.es_date == date(2025, 3, 5) and report.forecast_finish == date(2025, 3, 7)
    assert report.pv_curve.tolist() == dollars(1000, 2000, 3000, 4000)
    assert report.ac_curve.tolist() == dollars(1000, 2200, 2800, 2800)


def test_ms_project_spi_example_time_phased_linearly():
    # Microsoft Support, "SPI fields" (Project), example: a four-day task budgeted at $100; after two
    # days BCWS is $50; after two days of work 60 % is done at a cost of $60 (BCWP $60). SPI = 1.2.
    # https://support.microsoft.com/el-gr/project/spi-fields (the page's localised copy in the corpus)
    base = time_phase(WORKWEEK, [MONDAY], [MONDAY + timedelta(days=3)], dollars(100))
    assert base.pv.total(MONDAY + timedelta(days=1)) == dollars(50)[0]
    report = evaluate(base, earned_value(base.budget, [60]), cost_ledger([MONDAY], dollars(60)),
                      MONDAY + timedelta(days=1))
    assert report.cost.spi == pytest.approx(1.2)
    assert report.cost.cpi == pytest.approx(1.0)


def test_pra_package_spi_example():
    # R package PRA, reference page of spi(): bac 100000, cumulative schedule c(0.1, 0.2, 0.4, 0.7, 1.0),
    # period 3, 35 % complete -> "Schedule Performance Index (SPI): 0.875".
    # https://paulgovan.github.io/PRA/reference/spi.html
    cost = cost_measures(bac=dollars(100_000)[0], pv=dollars(40_000)[0], ev=dollars(35_000)[0], ac=1)
    assert cost.spi == pytest.approx(0.875)


def test_larson_gray_status_report_forecast():
    # Status report at the end of period 12 of a Larson & Gray ch. 13 exercise (values in $00): EV 148,
    # AC 210, PV 158, BAC 248 -> CV -62, SV -10, SPI 0.94, EAC = BAC/CPI = 248/0.7047 = 352, VAC -104.
    # https://www.coursehero.com/file/pbt8e/ (IE5411 HW 9, published solution; its index table shows the
    # CPI as 0.71, its forecast uses 0.7047 = 148/210)
    cost = cost_measures(bac=24_800_00, pv=15_800_00, ev=14_800_00, ac=21_000_00)
    assert (cost.cv, cost.sv) == (Decimal("-6200.00"), Decimal("-1000.00"))
    assert cost.spi == pytest.approx(0.94, abs=5e-3) and cost.cpi == pytest.approx(0.7047, abs=1e-4)
    assert abs(cost.eac_cpi - Decimal("35200")) < 50  # 351.9 ($00) rounds to 352
    assert abs(cost.vac + Decimal("10400")) < 50


def test_fifty_fifty_and_zero_hundred_rules():
    # "Earned value for the project using the 50-50 Rule" (after Vanhoucke 2013): tasks A-F with
    # budgets 3,100 / 4,000 / 2,500 / 4,000 / 3,500 / 2,500; A, B, C, E complete, D begun, F not begun.
    # EV by 50/50 = 15,100, by 0/100 = 13,100.
    # https://myassignmenthelp.com/free-samples/earned-value-for-the-project
    budget = dollars(3100, 4000, 2500, 4000, 3500, 2500)
    started = [True, True, True, True, True, False]
    finished = [True, True, True, False, True, False]
    percent = [100, 100, 100, 0, 100, 0]
    for rule, expected in ((Earning.FIFTY_FIFTY, 15_100), (Earning.ZERO_HUNDRED, 13_100)):
        ev = earned_value(budget, percent, earning=rule, started=started, finished=finished)
        assert ev.sum() == dollars(expected)[0]


def test_earned_schedule_prepcast_example():
    # PM PrepCast forum, "Explanation": a project planned to take 5 months is 3 months in with half the
    # work done -> ES 2.5 months, SV(t) -0.5 months, SPI(t) 0.83.
    # https://www.project-management-prepcast.com/kunena/pmp-exam-discussion/9649-explanation
    m = schedule_measures([20, 40, 60, 80, 100], 50, 3)
    assert m.es == pytest.approx(2.5) and m.sv_t == pytest.approx(-0.5)
    assert m.spi_t == pytest.approx(0.83, abs=5e-3)


def test_earned_schedule_issue_series():
    # Issue 8's earned-schedule oracle (Lipke's ES = C + (EV - PV_C)/(PV_C+1 - PV_C), "Schedule is
    # Different", The Measurable News, March 2003): cumulative PV per period 100 ... 4000, EV through
    # period 7 = 2260 -> ES 6.52, SV(t) -0.48, SPI(t) 0.93, IEAC(t) 12.9 periods, SPI 0.904, SV -240.
    pv = [100, 350, 650, 1050, 1500, 2000, 2500, 2950, 3350, 3650, 3900, 4000]
    ev = [98, 325, 600, 960, 1360, 1830, 2260]
    m = schedule_measures(pv, ev[-1], 7)
    assert m.es == pytest.approx(6.52) and m.sv_t == pytest.approx(-0.48)
    assert m.spi_t == pytest.approx(0.93, abs=5e-3) and m.ieac_t == pytest.approx(12.9, abs=0.05)
    assert m.pd == 12
    cost = cost_measures(bac=400_000, pv=250_000, ev=226_000, ac=226_000)
    assert cost.spi == pytest.approx(0.904, abs=5e-4) and cost.sv == Decimal("-240.00")
    # the ES trend over the seven status dates, vectorised, each by hand from the formula
    trend = earned_schedule(pv, ev)
    assert trend == pytest.approx([0.98, 1 + 225 / 250, 2 + 250 / 300, 3 + 310 / 400, 4 + 310 / 450,
                                   5 + 330 / 500, 6.52])


# --- loading curves, periods, rules ------------------------------------------------------------------------


def test_loading_curves_shapes():
    two_weeks = ([MONDAY], [MONDAY + timedelta(days=11)])  # 10 working days
    daily = {load: time_phase(WORKWEEK, *two_weeks, [1_000_000], loading=load).pv for load in Loading}
    front, back, bell = (daily[k].cents for k in (Loading.FRONT, Loading.BACK, Loading.BELL))
    assert front.tolist() == back[::-1].tolist() == [190_000, 170_000, 150_000, 130_000, 110_000, 90_000,
                                                     70_000, 50_000, 30_000, 10_000]
    assert bell.tolist() == bell[::-1].tolist() and bell.argmax() in (4, 5)
    assert daily[Loading.LINEAR].cents.tolist() == [100_000] * 10
    assert daily[Loading.START].day.tolist() == [MONDAY]
    assert daily[Loading.FINISH].day.tolist() == [date(2025, 3, 14)]
    assert daily[Loading.FIFTY_FIFTY].cents.tolist() == [500_000, 500_000]


def test_loading_per_task_and_accounts():
    base = time_phase(WORKWEEK, [MONDAY, MONDAY], [MONDAY + timedelta(days=4)] * 2, [500, 1000],
                      loading=["0/100", Loading.LINEAR], account=[1, 0], accounts=3)
    assert base.account_bac().tolist() == [1000, 500, 0]
    assert base.pv.by_account(MONDAY + timedelta(days=1)).tolist() == [400, 0, 0]
    assert base.pv.by_account().tolist() == [1000, 500, 0]


def test_milestone_on_a_holiday_counts_on_its_date_and_in_the_next_working_day():
    saturday = date(2025, 3, 8)
    base = time_phase(WORKWEEK, [MONDAY, saturday], [MONDAY, saturday], [100, 50])
    assert base.pv.total(date(2025, 3, 7)) == 100 and base.pv.total(saturday) == 150
    periods = base.periods(Period.DAY)
    assert periods.ends.tolist() == [MONDAY + timedelta(days=k) for k in (0, 1, 2, 3, 4, 7)]
    assert base.pv.cumulative(periods).tolist() == [100, 100, 100, 100, 100, 150]


def test_weighted_milestones_are_rows():
    # a $10,000 work package measured by three milestones weighted 20/30/50, the first two achieved
    parts = split_budget(1_000_000, [20, 30, 50])
    assert parts.tolist() == [200_000, 300_000, 500_000]
    dates = [MONDAY, MONDAY + timedelta(days=7), MONDAY + timedelta(days=14)]
    base = time_phase(WORKWEEK, dates, dates, parts, loading=Loading.FINISH)
    earned = earned_value(parts, [100, 100, 0], earning=Earning.ZERO_HUNDRED)
    report = evaluate(base, earned, cost_ledger([], []), dates[1], period=Period.WEEK)
    assert report.cost.ev == Decimal("5000.00") and report.cost.pv == Decimal("5000.00")
    assert split_budget(100, [1, 1, 1]).tolist() == [33, 34, 33]


def test_month_periods_and_actual_time():
    calendar = WorkCalendar(first_year=2024, last_year=2027)
    periods = Periods.build(calendar, Period.MONTH, date(2025, 1, 15), date(2025, 4, 2))
    assert periods.ends.tolist() == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert periods.elapsed(date(2025, 2, 28)) == 2  # status at a month end: whole months
    assert periods.elapsed(date(2025, 3, 2)) == 2  # a weekend: no working day of March done yet
    assert periods.elapsed(date(2025, 3, 14)) == pytest.approx(2 + 10 / 21)  # March 2025 has 21 working days
    assert periods.date_at(2 + 10 / 21) == date(2025, 3, 14)
    assert periods.date_at(0) == date(2025, 1, 1) and periods.date_at(14.0) == date(2026, 2, 27)
    weeks = Periods.build(calendar, Period.WEEK, date(2025, 3, 5), date(2025, 3, 10))
    assert weeks.ends.tolist() == [date(2025, 3, 9), date(2025, 3, 16)]
    assert weeks.elapsed(date(2025, 3, 7)) == 1.0  # Friday ends the working week


def test_periods_at_the_edge_of_the_calendar():
    short = WorkCalendar(first_year=2025, last_year=2026)
    base = time_phase(short, [MONDAY], [MONDAY + timedelta(days=4)], [1000])
    # the ISO week of 31 December 2026 ends in 2027, past the calendar: it counts the working days it has
    weekly = evaluate(base, [100], cost_ledger([], []), date(2026, 12, 31), period=Period.WEEK)
    assert weekly.schedule.spi_t == pytest.approx(0.1 / weekly.schedule.at)
    assert weekly.forecast_finish is not None and weekly.forecast_finish.year > 2026  # by calendar days
    daily = evaluate(base, [100], cost_ledger([], []), date(2026, 12, 31), period=Period.DAY)
    assert daily.schedule.ieac_t > 2000 and daily.forecast_finish is None  # past the calendar's range


def test_actual_cost_after_the_status_date_is_left_out():
    report = fence(status=date(2025, 3, 4))
    assert report.cost.ac == Decimal("2200.00")
    assert report.ac_curve.tolist() == dollars(1000, 2200, 2200, 2200)


def test_flat_periods_count_as_earned():
    # nothing planned in period 3: with everything through period 2 earned, ES runs to the end of the pause
    assert earned_schedule([10, 20, 20, 30], 20) == 3.0
    assert planned_duration([10, 20, 20, 30, 30]) == 4


def test_undefined_ratios_are_none():
    before = cost_measures(bac=1000, pv=0, ev=0, ac=0)
    assert (before.spi, before.cpi, before.eac_cpi, before.eac_cpi_spi) == (None, None, None, None)
    assert (before.eac, before.etc, before.vac, before.tcpi_eac) == (None, None, None, None)
    assert before.eac_remaining_at_budget == Decimal("10.00") and before.tcpi_bac == 1.0
    spent_nothing_earned = cost_measures(bac=1000, pv=500, ev=0, ac=300)
    assert spent_nothing_earned.cpi == 0 and spent_nothing_earned.eac_cpi is None
    overspent = cost_measures(bac=1000, pv=1000, ev=800, ac=1000)
    assert overspent.tcpi_bac is None
    schedule = schedule_measures([10, 20], 0, 0)
    assert (schedule.spi_t, schedule.ieac_t) == (None, None)
    late = schedule_measures([10, 20], 15, 2)
    assert late.tspi is None and late.ieac_t == pytest.approx(4 / 1.5)


def test_bottom_up_forecast():
    cost = cost_measures(bac=400_000, pv=300_000, ev=250_000, ac=280_000, etc=200_000, basis=Forecast.BOTTOM_UP)
    assert cost.eac_bottom_up == cost.eac == Decimal("4800.00")
    assert (cost.etc, cost.vac) == (Decimal("2000.00"), Decimal("-800.00"))
    assert cost.tcpi_eac == pytest.approx(1500 / 2000)
    with pytest.raises(EvmError, match="estimate to complete"):
        cost_measures(bac=1, pv=1, ev=1, ac=1, basis="bottom_up")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: time_phase(WORKWEEK, [MONDAY], [MONDAY], [-1]), "task 0: budget must be >= 0"),
        (lambda: time_phase(WORKWEEK, [MONDAY], [MONDAY - timedelta(days=1)], [1]), "finish is before start"),
        (lambda: time_phase(WORKWEEK, [MONDAY], [MONDAY], [1.5]), "whole cents"),
        (lambda: time_phase(WORKWEEK, [MONDAY], [MONDAY], [1], loading="steep"), "steep"),
        (lambda: time_phase(WORKWEEK, [MONDAY], [MONDAY], [1], account=[2], accounts=2), "outside 0..1"),
        (lambda: time_phase(WORKWEEK, [date(2030, 1, 1)], [date(2030, 1, 1)], [1]), "outside the calendar"),
        (lambda: earned_value([100], [101]), "within 0..100"),
        (lambda: cents([Decimal("1.005")]), "whole number of cents"),
        (lambda: cents(["1,5"]), "not a number"),
        (lambda: earned_value([100], [10], earning="20/80"), "20/80"),
        (lambda: evaluate(time_phase(WORKWEEK, [MONDAY], [MONDAY], [100]), [101], cost_ledger([], []), MONDAY),
         "outside 0..its budget"),
        (lambda: earned_schedule([10, 5], 1), "non-decreasing"),
    ],
)
def test_bad_input_is_refused_with_a_message(call, message):
    with pytest.raises(EvmError, match=message):
        call()


def test_cents_from_decimals():
    assert cents([Decimal("12.34"), "0.10", 7]).tolist() == [1234, 10, 700]


# --- properties ---------------------------------------------------------------------------------------------

CURVE = {
    Loading.LINEAR: lambda x: x,
    Loading.FRONT: lambda x: 1 - (1 - x) ** 2,
    Loading.BACK: lambda x: x**2,
    Loading.BELL: lambda x: 3 * x**2 - 2 * x**3,
    Loading.START: lambda x: Fraction(1) if x > 0 else Fraction(0),
    Loading.FINISH: lambda x: Fraction(1) if x >= 1 else Fraction(0),
    Loading.FIFTY_FIFTY: lambda x: Fraction(1) if x >= 1 else Fraction(1, 2) if x > 0 else Fraction(0),
}


@settings(max_examples=150, deadline=None)
@given(
    load=st.sampled_from(list(Loading)),
    budget=st.one_of(st.integers(0, 10_000), st.integers(0, MAX_BUDGET_CENTS)),
    offset=st.integers(0, 300),
    span=st.integers(0, 120),
    weekmask=st.sampled_from(["1111100", "1111111", "1010100"]),
)
def test_pv_sums_to_the_budget_to_the_cent(load, budget, offset, span, weekmask):
    calendar = WORKWEEK if weekmask == "1111100" else WorkCalendar(weekmask=weekmask, first_year=2024,
                                                                    last_year=2027)
    start = date(2024, 1, 1) + timedelta(days=offset)
    base = time_phase(calendar, [start], [start + timedelta(days=span)], [budget], loading=load)
    assert base.pv.total() == budget == base.bac
    assert (base.pv.cents >= 0).all()
    # each working day within a cent of its exact share of the curve (float rounding aside)
    n = calendar.working_days_between(start, start + timedelta(days=span + 1))
    if n and budget:
        exact = [budget * (CURVE[load](Fraction(k, n)) - CURVE[load](Fraction(k - 1, n))) for k in range(1, n + 1)]
        days = calendar.dates(np.arange(n) + calendar.offset(start))
        got = dict(zip(base.pv.day.tolist(), base.pv.cents.tolist(), strict=True))
        assert all(abs(got.get(d.item(), 0) - e) <= 1 + budget * 4e-15 for d, e in zip(days, exact, strict=True))


@st.composite
def plans(draw, max_tasks: int = 12):
    n = draw(st.integers(1, max_tasks))
    starts = [date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 200))) for _ in range(n)]
    finishes = [s + timedelta(days=draw(st.integers(0, 60))) for s in starts]
    budgets = draw(st.lists(st.integers(0, 10**9), min_size=n, max_size=n))
    loads = draw(st.lists(st.sampled_from(list(Loading)), min_size=n, max_size=n))
    accounts = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return time_phase(WORKWEEK, starts, finishes, budgets, loading=loads, account=accounts, accounts=4)


@settings(max_examples=80, deadline=None)
@given(base=plans(), status=st.integers(0, 300), period=st.sampled_from(list(Period)))
def test_roll_ups_equal_the_sum_of_their_parts(base, status, period):
    day = date(2025, 1, 1) + timedelta(days=status)
    assert base.account_bac().sum() == base.bac == base.pv.total()
    assert base.pv.by_account(day).sum() == base.pv.total(day)
    periods = base.periods(period, through=day)
    by_account = base.pv.cumulative(periods, by_account=True)
    assert (by_account.sum(axis=0) == base.pv.cumulative(periods)).all()
    assert base.pv.cumulative(periods)[-1] == base.bac


@settings(max_examples=100, deadline=None)
@given(
    budget=st.lists(st.integers(0, MAX_BUDGET_CENTS), min_size=1, max_size=20),
    data=st.data(),
)
def test_ev_never_exceeds_the_budget(budget, data):
    n = len(budget)
    percent = data.draw(st.lists(st.floats(0, 100), min_size=n, max_size=n))
    rules = data.draw(st.lists(st.sampled_from(list(Earning)), min_size=n, max_size=n))
    started = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    ev = earned_value(budget, percent, earning=rules, started=started, finished=[p >= 100 for p in percent])
    assert ((ev >= 0) & (ev <= np.asarray(budget))).all()
    assert (earned_value(budget, [100] * n, earning=rules) == budget).all()


@settings(max_examples=150, deadline=None)
@given(
    increments=st.lists(st.integers(0, 1000), min_size=1, max_size=40).filter(lambda xs: sum(xs) > 0),
    fraction=st.floats(0, 1),
)
def test_es_lies_between_zero_and_the_planned_duration(increments, fraction):
    pv = np.cumsum(increments)
    es = earned_schedule(pv, fraction * pv[-1])
    assert 0 <= es <= planned_duration(pv) <= len(pv)
    assert earned_schedule(pv, pv[-1]) == planned_duration(pv)


@settings(max_examples=150, deadline=None)
@given(increments=st.lists(st.integers(1, 1000), min_size=1, max_size=40))
def test_spi_t_is_one_when_ev_follows_pv(increments):
    pv = np.cumsum(increments)
    for at in range(1, len(pv) + 1):
        m = schedule_measures(pv, float(pv[at - 1]), at)
        assert m.es == pytest.approx(at) and m.spi_t == pytest.approx(1.0) and m.sv_t == pytest.approx(0)
        assert m.ieac_t == pytest.approx(m.pd)
        assert m.ieac_t == pytest.approx(m.pd / m.spi_t)  # AT + (PD - ES)/SPI(t) is PD/SPI(t)


@settings(max_examples=40, deadline=None)
@given(tasks=st.lists(st.tuples(st.integers(1, 15), st.integers(0, 50_000)), min_size=1, max_size=6))
def test_spi_t_is_one_on_plan_through_the_engine(tasks):
    # a chain of linear tasks with at least a cent a day: EV equal to PV at each day's end is on time
    starts, finishes, budgets, day = [], [], [], MONDAY
    for days, extra in tasks:
        first = WORKWEEK.offset(day)
        last = WORKWEEK.date_of(first + days, finish=True)
        starts.append(day)
        finishes.append(last)
        budgets.append(days + extra)
        day = last + timedelta(days=1)
    base = time_phase(WORKWEEK, starts, finishes, budgets)
    for status in base.periods(Period.DAY).ends.tolist():
        report = evaluate(base, base.task_pv(status), cost_ledger([], []), status, period=Period.DAY)
        assert report.cost.ev == report.cost.pv
        assert report.schedule.es == pytest.approx(report.schedule.at)
        assert report.schedule.spi_t == pytest.approx(1.0)


@settings(max_examples=150, deadline=None)
@given(
    bac=st.integers(1, 10**10),
    ev_share=st.floats(0.01, 0.99),
    ac=st.integers(1, 10**10),
    pv=st.integers(1, 10**10),
)
def test_tcpi_to_the_cpi_forecast_is_the_cpi(bac, ev_share, ac, pv):
    ev = max(1, int(bac * ev_share))
    cost = cost_measures(bac=bac, pv=pv, ev=ev, ac=ac)
    if cost.etc is not None and cost.etc >= 100:  # the EAC is rounded to the cent: compare where that is small
        assert cost.tcpi_eac == pytest.approx(cost.cpi, rel=1e-3)
    assert cost.eac_remaining_at_budget == cost.ac + cost.bac - cost.ev
