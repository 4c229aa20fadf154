"""EVM benchmark: time-phasing, earned value and earned schedule of 10,000 tasks over 3 years, against a
naive per-task, per-day Python loop in the same run.

Run with ``python -m benchmarks.bench_evm [--tasks N] [--entries M] [--seed S] [--repeat R]``. The plan
looks like a program's baseline: tasks start anywhere in 2025-2027 on a US working calendar (weekends
and federal holidays), last 1-60 working days (one in fifty is level of effort, 200-600 days), use all
seven loading curves and three earning rules, and belong to 200 control accounts; 100,000 cost entries
are dated up to the status date, 30 June 2026. The engine side is ``time_phase`` + ``earned_value`` +
``cost_ledger`` + ``evaluate`` by month and by working day; the loop side computes the same figures
(BAC, PV at the status date per account, the monthly PV curve, EV, AC, ES) day by day from the same
formulas, and the run stops unless both agree to the cent (ES to 1e-9 periods).
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from pmo.engine.calendar import WorkCalendar
from pmo.engine.evm import Earning, Loading, Period, cost_ledger, earned_value, evaluate, time_phase

STATUS = date(2026, 6, 30)
ACCOUNTS = 200
CURVES = {
    Loading.LINEAR: lambda x: x,
    Loading.FRONT: lambda x: x * (2.0 - x),
    Loading.BACK: lambda x: x * x,
    Loading.BELL: lambda x: x * x * (3.0 - 2.0 * x),
    Loading.START: lambda x: 1.0,
    Loading.FINISH: lambda x: 1.0 if x >= 1.0 else 0.0,
    Loading.FIFTY_FIFTY: lambda x: 1.0 if x >= 1.0 else 0.5,
}


def make_plan(calendar: WorkCalendar, tasks: int, entries: int, seed: int) -> dict:
    """A random baseline with progress and actuals, as the columns the finance adapter would read."""
    rng = np.random.default_rng(seed)
    first, last = calendar.offset(date(2025, 1, 1)), calendar.offset(date(2027, 12, 31))
    duration = np.where(rng.random(tasks) < 0.02, rng.integers(200, 600, tasks), rng.integers(1, 61, tasks))
    start = rng.integers(first, last - duration + 1)
    start_date = calendar.dates(start)
    finish_date = calendar.dates(start + duration, finish=True)
    planned_share = np.clip((calendar.offset(STATUS, finish=True) - start) / duration, 0, 1)
    percent = np.round(np.clip(planned_share * rng.uniform(0.6, 1.2, tasks), 0, 1) * 100, 1)
    entry_day = rng.integers(np.datetime64("2025-01-01").astype(int), np.datetime64(STATUS).astype(int) + 1, entries)
    return {
        "start": start_date,
        "finish": finish_date,
        "budget": rng.integers(1_000_00, 250_000_00, tasks),
        "loading": rng.choice(list(Loading), tasks),
        "earning": rng.choice(list(Earning), tasks, p=[0.8, 0.1, 0.1]),
        "account": rng.integers(0, ACCOUNTS, tasks),
        "percent": percent,
        "entry_date": entry_day.astype("datetime64[D]"),
        "entry_cents": rng.integers(10_00, 10_000_00, entries),
        "entry_account": rng.integers(0, ACCOUNTS, entries),
    }


def engine(calendar: WorkCalendar, plan: dict, repeat: int) -> tuple[dict, dict]:
    """Each step timed (best of ``repeat``), and the two reports."""
    times: dict[str, float] = {}

    def timed(name, run):
        times[name], result = _best(repeat, run)
        return result

    base = timed("time_phase", lambda: time_phase(
        calendar, plan["start"], plan["finish"], plan["budget"], loading=plan["loading"], account=plan["account"],
        accounts=ACCOUNTS))
    earned = timed("earned_value", lambda: earned_value(plan["budget"], plan["percent"], earning=plan["earning"]))
    actual = timed("cost_ledger", lambda: cost_ledger(plan["entry_date"], plan["entry_cents"],
                                                       account=plan["entry_account"], accounts=ACCOUNTS))
    monthly = timed("evaluate by month", lambda: evaluate(base, earned, actual, STATUS, period=Period.MONTH))
    daily = timed("evaluate by working day", lambda: evaluate(base, earned, actual, STATUS, period=Period.DAY))
    return times, {"base": base, "monthly": monthly, "daily": daily}


def naive(calendar: WorkCalendar, plan: dict) -> dict:
    """The same figures from plain Python: every task walks its calendar days, every number is a loop."""
    starts = [d.item() for d in plan["start"]]
    finishes = [d.item() for d in plan["finish"]]
    budgets = plan["budget"].tolist()
    accounts = plan["account"].tolist()
    pv_by_day: dict[date, int] = defaultdict(int)
    pv_account = [0] * ACCOUNTS
    for start, finish, budget, loading, account in zip(starts, finishes, budgets, plan["loading"].tolist(),
                                                       accounts, strict=True):
        days, day = [], start
        while day <= finish:
            if calendar.is_working(day):
                days.append(day)
            day += timedelta(days=1)
        curve, before = CURVES[Loading(loading)], 0
        for k, day in enumerate(days, start=1):
            upto = math.floor(budget * curve(k / len(days)) + 0.5)
            pv_by_day[day] += upto - before
            if day <= STATUS:
                pv_account[account] += upto - before
            before = upto
    month_pv: dict[tuple[int, int], int] = defaultdict(int)
    for day, amount in pv_by_day.items():
        month_pv[(day.year, day.month)] += amount
    curve_pv, running = [], 0
    year, month = min(month_pv)
    while (year, month) <= max(month_pv):
        running += month_pv[(year, month)]
        curve_pv.append(running)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    ev = 0
    for budget, percent, rule in zip(budgets, plan["percent"].tolist(), plan["earning"].tolist(), strict=True):
        if rule == Earning.PERCENT:
            ev += math.floor(budget * (percent / 100.0) + 0.5)
        elif percent >= 100:
            ev += budget
        elif rule == Earning.FIFTY_FIFTY and percent > 0:
            ev += math.floor(budget * 0.5 + 0.5)
    ac = 0
    for day, amount in zip(plan["entry_date"].tolist(), plan["entry_cents"].tolist(), strict=True):
        if day <= STATUS:
            ac += amount
    es, bac = 0.0, curve_pv[-1]
    for k, value in enumerate(curve_pv):
        previous = curve_pv[k - 1] if k else 0
        if value <= ev:
            es = k + 1.0
            if value == bac:
                break
        else:
            es = k + (ev - previous) / (value - previous)
            break
    return {"bac": sum(budgets), "pv_account": pv_account, "curve": curve_pv, "ev": ev, "ac": ac, "es": es}


def _best(repeat: int, run):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=5)
    args, _ = parser.parse_known_args()

    calendar = WorkCalendar(country="US", first_year=2024, last_year=2030)
    plan = make_plan(calendar, args.tasks, args.entries, args.seed)
    load = os.getloadavg()[0]
    times, ours = engine(calendar, plan, args.repeat)
    t0 = time.perf_counter()
    theirs = naive(calendar, plan)
    naive_time = time.perf_counter() - t0
    load = max(load, os.getloadavg()[0])

    monthly, daily = ours["monthly"], ours["daily"]
    checks = {
        "BAC": (int(monthly.cost.bac * 100), theirs["bac"]),
        "PV per account at the status date": (monthly.account_pv.tolist(), theirs["pv_account"]),
        "monthly PV curve": (monthly.pv_curve.tolist(), theirs["curve"]),
        "EV": (int(monthly.cost.ev * 100), theirs["ev"]),
        "AC": (int(monthly.cost.ac * 100), theirs["ac"]),
    }
    wrong = [name for name, (a, b) in checks.items() if a != b]
    if wrong or abs(monthly.schedule.es - theirs["es"]) > 1e-9:
        raise SystemExit(f"engine and loop disagree on {wrong or 'ES'}")

    base = ours["base"]
    task_days = int((calendar.offsets(plan["finish"], finish=True) - calendar.offsets(plan["start"])).sum())
    print(f"EVM benchmark: {args.tasks:,} tasks over 2025-2027 ({task_days:,} task-days, {len(base.pv.cents):,} "
          f"non-zero PV entries), {ACCOUNTS} accounts, {args.entries:,} cost entries; load average up to "
          f"{load:.2f} on {os.cpu_count()} cores")
    monthly_path = sum(v for k, v in times.items() if k != "evaluate by working day")
    print(f"{'step (engine: best of ' + str(args.repeat) + ')':<66}{'seconds':>10}")
    for name, seconds in times.items():
        print(f"{'engine: ' + name:<66}{seconds:>10.3f}")
    print(f"{'engine: the monthly figures (all but evaluate by working day)':<66}{monthly_path:>10.3f}")
    print(f"{'naive per-task per-day Python loop, the monthly figures':<66}{naive_time:>10.3f}")
    print(f"{'speed-up engine vs loop, same figures':<66}{naive_time / monthly_path:>9.1f}x")
    cost, schedule = monthly.cost, monthly.schedule
    print(f"same totals: BAC {cost.bac:,}, PV {cost.pv:,}, EV {cost.ev:,}, AC {cost.ac:,} (to the cent), "
          f"ES {schedule.es:.4f} months (both sides)")
    print(f"at {STATUS}: SPI {cost.spi:.3f}, CPI {cost.cpi:.3f}, EAC {cost.eac:,}, SPI(t) {schedule.spi_t:.3f} by "
          f"month, {daily.schedule.spi_t:.3f} by working day; forecast finish {monthly.forecast_finish} (month) / "
          f"{daily.forecast_finish} (day)")


if __name__ == "__main__":
    main()
