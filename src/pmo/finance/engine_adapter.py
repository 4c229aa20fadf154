"""Earned value of projects, programs and the portfolio, from the baselined schedule (``pmo.engine.evm``).

Rows become engine columns here, in a fixed number of queries whatever the size of the portfolio:

- the budget of each work package is its cost in the project's latest baseline (leaf tasks only: a
  summary's cost would count twice), spread over its baselined working days on the project's calendar
  along its control account's loading curve (linear unless the account says otherwise) by
  :func:`pmo.engine.evm.time_phase`: that is the time-phased PV;
- EV is what each work package has earned by its control account's technique: its budget times its current
  physical % complete (the default), or 0/100, or 50/50 (:func:`~pmo.engine.evm.earned_value`, rounded per
  task, so any grouping sums to the same cents);
- AC is the sum of the cost entries (actuals and accruals) dated up to the end of the status date, summed in
  the database per project and per (program, day) for the curves;
- ETC (bottom-up) is the sum of the latest forecast of each control account up to the status date; a project
  without any forecast is forecast at budget (ETC = BAC - EV);
- a project with no baseline has no planned value and no budget at completion (EVM needs a baseline).

Money is integer cents inside (the engine's unit) and ``Decimal`` outside. A project is measured in its
program's currency; a program in its own; the portfolio in the portfolio's currency, each program converted at
the rate in force on the status date (:func:`pmo.finance.services.rate_on`) and rounded to the cent before
summing, so every roll-up is exactly the sum of its parts. Durations (ES, SV(t), IEAC(t)) are in working days:
of the project's calendar for a project, of the portfolio's default calendar for programs and the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.db import connection
from django.db.models import (
    BigIntegerField,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round

from pmo.engine import evm
from pmo.engine.calendar import WorkCalendar
from pmo.planning.engine_adapter import work_calendar
from pmo.planning.models import Baseline, BaselineTask, Calendar, Task
from pmo.portfolio.models import Portfolio, Project

from .models import ControlAccount, CostEntry, EvmSnapshot, Forecast
from .services import rate_on, rate_table

PERIODS = ("day", "week", "month")


def _fetch(values_list) -> list[tuple]:
    """The rows of a ``values_list`` query as the driver returns them (no per-value converters)."""
    sql, params = values_list.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]") if len(values) else np.zeros(0, "datetime64[D]")


class EpochDay(Func):
    """A date column as days since 1970-01-01 (an integer): the driver hands back ints, not date objects or
    strings to parse, which at 200,000 rows is most of the fetch."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
                           **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)


def _epoch_days(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("datetime64[D]") if len(values) else _days([])


def _cents(expression) -> Cast:
    """An amount column (or a sum of one) as whole cents, computed by the database."""
    if isinstance(expression, str):
        expression = F(expression)
    hundred = ExpressionWrapper(expression * Value(Decimal(100)), output_field=DecimalField(max_digits=24,
                                                                                               decimal_places=2))
    return Cast(Round(hundred), BigIntegerField())


def cents_to_money(value: int | None) -> Decimal | None:
    return None if value is None else evm.money(int(value))


def _convert(cents: int, rate: Decimal) -> int:
    """Cents of one currency in another at ``rate``, half up to the cent."""
    return int((Decimal(int(cents)) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- reading the plan ---------------------------------------------------------------------------------------

@dataclass
class WorkPackages:
    """The leaf tasks of the latest baselines of some projects, as columns (one row per work package)."""

    task: np.ndarray
    project: np.ndarray
    start: np.ndarray
    finish: np.ndarray
    budget: np.ndarray
    percent: np.ndarray
    #: each row's loading curve and EV technique (object arrays), or None when every row has the defaults
    loading: np.ndarray | None = None
    earning: np.ndarray | None = None

    @property
    def earned(self) -> np.ndarray:
        return evm.earned_value(self.budget, self.percent, earning=self.earning)

    def loading_of(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray | None:
        return None if self.loading is None else self.loading[rows]


def _techniques(wp: WorkPackages) -> WorkPackages:
    """Give each work package the loading and earning of the nearest control account above it.

    One query finds the projects with an account that departs from the defaults (linear, % complete); when
    there is none, the common case, that is all. Otherwise two more read those projects' accounts and task tree.
    """
    project_ids = np.unique(wp.project).tolist()
    special = set(ControlAccount.objects.filter(project_id__in=project_ids).exclude(
        loading=evm.Loading.LINEAR, earning=evm.Earning.PERCENT).values_list("project_id", flat=True).distinct())
    if not special:
        return wp
    methods = {task: (loading, earning) for task, loading, earning in ControlAccount.objects.filter(
        project_id__in=special).values_list("task_id", "loading", "earning")}
    parents = dict(Task.objects.filter(project_id__in=special).values_list("pk", "parent_id"))
    loading = np.full(len(wp.task), evm.Loading.LINEAR.value, dtype=object)
    earning = np.full(len(wp.task), evm.Earning.PERCENT.value, dtype=object)
    for k in np.flatnonzero(np.isin(wp.project, list(special))).tolist():
        node, steps = int(wp.task[k]), 0
        while node is not None and steps <= len(parents):
            if node in methods:
                loading[k], earning[k] = methods[node]
                break
            node, steps = parents.get(node), steps + 1
    wp.loading, wp.earning = loading, earning
    return wp


def work_packages(project_ids) -> WorkPackages:
    """One query: every costed leaf task of each project's latest baseline (the newest, by id), with its current
    % complete. ``project_ids`` is a list of ids or a query of them (``projects.values("pk")``)."""
    latest = (Baseline.objects.filter(project_id__in=project_ids).order_by().values("project_id")
              .annotate(latest=Max("pk")).values("latest"))
    rows = (BaselineTask.objects
            .filter(baseline_id__in=Subquery(latest), cost__isnull=False, start__isnull=False, finish__isnull=False)
            .filter(Q(task__isnull=True) | Q(task__is_summary=False))
            .order_by()
            .values_list(Coalesce("task_id", -F("pk")), "baseline__project_id", EpochDay("start"),
                         EpochDay("finish"), _cents("cost"),
                         Cast(Coalesce("task__percent_complete", Value(Decimal(0))), FloatField())))
    data = _fetch(rows)
    if not data:
        empty = np.zeros(0, np.int64)
        return WorkPackages(empty, empty, _days([]), _days([]), empty, np.zeros(0))
    columns = np.array(data, dtype=np.float64)  # ids, day numbers and cents stay below 2**53: exact
    whole = columns[:, :5].astype(np.int64)
    return _techniques(WorkPackages(whole[:, 0], whole[:, 1], whole[:, 2].astype("datetime64[D]"),
                                    whole[:, 3].astype("datetime64[D]"), whole[:, 4], columns[:, 5]))


def _calendars(project_ids, first: date, last: date) -> tuple[dict[int, int | None], dict[int | None, WorkCalendar]]:
    """Project -> calendar id (None: Monday-Friday) and each calendar as the engine's, in two queries."""
    years = {"first_year": first.year - 1, "last_year": last.year + 6}
    default = Calendar.objects.filter(project__isnull=True).prefetch_related("exceptions").order_by("pk").first()
    own = {c.project_id: c for c in Calendar.objects.filter(project_id__in=project_ids).prefetch_related("exceptions")}
    of_project = {pk: (own[pk].pk if pk in own else (default.pk if default else None)) for pk in project_ids}
    engines: dict[int | None, WorkCalendar] = {None: work_calendar(None, **years)}
    for calendar in [*own.values(), *([default] if default else [])]:
        engines[calendar.pk] = work_calendar(calendar, **years)
    return of_project, engines


def default_calendar(first: date, last: date) -> WorkCalendar:
    default = Calendar.objects.filter(project__isnull=True).prefetch_related("exceptions").order_by("pk").first()
    return work_calendar(default, first_year=first.year - 1, last_year=last.year + 6)


# --- results ------------------------------------------------------------------------------------------------

@dataclass
class Part:
    """The figures of one piece of a roll-up (a control account, a project or a program), in cents."""

    key: int | None
    label: str
    url: str = ""
    bac: int = 0
    pv: int = 0
    ev: int = 0
    ac: int = 0
    etc: int = 0
    currency: str = ""

    def measures(self) -> evm.CostMeasures:
        return evm.cost_measures(bac=self.bac, pv=self.pv, ev=self.ev, ac=self.ac, etc=self.etc)


@dataclass
class EvmResult:
    status_date: date
    currency: str
    cost: evm.CostMeasures
    schedule: evm.ScheduleMeasures
    period: str
    series: list[dict]
    parts: list[Part]
    parts_label: str
    forecast_finish: date | None
    planned_finish: date | None
    trend: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        c, s = self.cost, self.schedule
        return {
            "status_date": self.status_date, "currency": self.currency,
            "bac": c.bac, "pv": c.pv, "ev": c.ev, "ac": c.ac, "sv": c.sv, "cv": c.cv, "spi": c.spi, "cpi": c.cpi,
            "eac_cpi": c.eac_cpi, "eac_remaining_at_budget": c.eac_remaining_at_budget, "eac_cpi_spi": c.eac_cpi_spi,
            "eac_bottom_up": c.eac_bottom_up, "eac": c.eac, "etc": c.etc, "vac": c.vac, "tcpi_bac": c.tcpi_bac,
            "tcpi_eac": c.tcpi_eac, "es": s.es, "at": s.at, "pd": s.pd, "sv_t": s.sv_t, "spi_t": s.spi_t,
            "ieac_t": s.ieac_t, "forecast_finish": self.forecast_finish, "planned_finish": self.planned_finish,
            "period": self.period, "series": self.series,
            "parts": [{"id": p.key, "label": p.label, "bac": cents_to_money(p.bac), "pv": cents_to_money(p.pv),
                       "ev": cents_to_money(p.ev), "ac": cents_to_money(p.ac),
                       "eac": p.measures().eac_bottom_up} for p in self.parts],
        }


def _series(periods: evm.Periods, pv: np.ndarray, ac: np.ndarray, ev_points: dict[int, int], status: date) -> list:
    """One row per period: its last day, cumulative PV, AC (through the status date) and EV where known."""
    ends = periods.ends.tolist()
    last = int(periods.index(np.asarray([status], dtype="datetime64[D]"))[0])
    out = []
    for p, end in enumerate(ends):
        out.append({"period_end": end, "pv": cents_to_money(pv[p]),
                    "ac": cents_to_money(ac[p]) if p <= last else None,
                    "ev": cents_to_money(ev_points[p]) if p in ev_points else None})
    return out


def _ev_points(periods: evm.Periods, snapshots: list[tuple[date, int]], status: date, ev_now: int) -> dict[int, int]:
    """EV per period from the status records (the latest in each period) and the current EV at the status date."""
    points: dict[int, int] = {}
    for day, cents in sorted(snapshots):
        if day < status:
            points[int(periods.index(np.asarray([day], dtype="datetime64[D]"))[0])] = cents
    points[int(periods.index(np.asarray([status], dtype="datetime64[D]"))[0])] = ev_now
    return {p: v for p, v in points.items() if 0 <= p < len(periods)}


def _snapshot_ev(project_ids, rate_of_project: dict[int, Decimal] | None = None) -> list[tuple[date, int]]:
    """EV of past status records summed per status date (converted per project when rates are given)."""
    rows = (EvmSnapshot.objects.filter(project_id__in=project_ids).order_by()
            .values_list("status_date", "project_id", _cents("ev")))
    by_day: dict[date, int] = {}
    for day, project, cents in rows:
        value = cents if rate_of_project is None else _convert(cents, rate_of_project[project])
        by_day[day] = by_day.get(day, 0) + value
    return list(by_day.items())


# --- one project ----------------------------------------------------------------------------------------------

def project_evm(project: Project, status_date: date, *, period: str = "month") -> EvmResult:
    """EVM of one project, per control account, in its program's currency and its calendar's working days."""
    wp = work_packages([project.pk])
    first = min([status_date, *([wp.start.min().item()] if len(wp.task) else [])])
    last = max([status_date, *([wp.finish.max().item()] if len(wp.task) else [])])
    of_project, engines = _calendars([project.pk], first, last)
    calendar = engines[of_project[project.pk]]
    # control accounts: each work package belongs to the nearest account above it (0: none)
    accounts = list(ControlAccount.objects.filter(project=project).select_related("task").order_by("task__order"))
    position = {a.task_id: k + 1 for k, a in enumerate(accounts)}
    parents = dict(Task.objects.filter(project=project).values_list("pk", "parent_id"))
    account_of_task: dict[int, int] = {}

    def account_of(task_id: int) -> int:
        node, seen = task_id, 0
        while node is not None and seen <= len(parents):
            if node in position:
                return position[node]
            node, seen = parents.get(node), seen + 1
        return 0

    column = np.asarray([account_of_task.setdefault(t, account_of(t)) for t in wp.task.tolist()], np.int64)
    n = len(accounts) + 1
    base = evm.time_phase(calendar, wp.start, wp.finish, wp.budget, loading=wp.loading_of(), account=column,
                          accounts=n)
    index_of_account = {a.pk: k + 1 for k, a in enumerate(accounts)}
    ac_rows = _fetch(CostEntry.objects.filter(project=project, date__lte=status_date).order_by()
                     .values_list("control_account_id", "date")
                     .annotate(c=_cents(Sum("amount"))))
    actual = evm.cost_ledger(_days([r[1] for r in ac_rows]), [int(r[2]) for r in ac_rows],
                             account=[index_of_account.get(r[0], 0) for r in ac_rows], accounts=n)
    forecasts = _latest_forecasts([project.pk], status_date)
    etc_by_account = {index_of_account[a]: cents for a, (_p, cents) in forecasts.items() if a in index_of_account}
    earned = wp.earned
    report = evm.evaluate(base, earned, actual, status_date, period="day")
    total_etc = base.bac - int(earned.sum()) + sum(
        cents - int(report.account_bac[k] - report.account_ev[k]) for k, cents in etc_by_account.items())
    cost = evm.cost_measures(bac=base.bac, pv=int(report.account_pv.sum()), ev=int(report.account_ev.sum()),
                             ac=int(report.account_ac.sum()), etc=total_etc)
    periods = base.periods(period, through=status_date) if len(base.pv.day) else evm.Periods.build(
        calendar, period, status_date, status_date)
    pv_curve, ac_curve = base.pv.cumulative(periods), actual.cumulative(periods, through=status_date)
    points = _ev_points(periods, _snapshot_ev([project.pk]), status_date, int(earned.sum()))
    parts = []
    for k, label, url in [(0, "Not under a control account", ""),
                          *((k + 1, str(a), a.get_absolute_url()) for k, a in enumerate(accounts))]:
        etc = etc_by_account.get(k, max(int(report.account_bac[k] - report.account_ev[k]), 0))
        part = Part(key=accounts[k - 1].pk if k else None, label=label, url=url, bac=int(report.account_bac[k]),
                    pv=int(report.account_pv[k]), ev=int(report.account_ev[k]), ac=int(report.account_ac[k]),
                    etc=etc)
        if k or part.bac or part.ac:
            parts.append(part)
    return EvmResult(status_date=status_date, currency=project.program.currency, cost=cost,
                     schedule=report.schedule, period=period,
                     series=_series(periods, pv_curve, ac_curve, points, status_date), parts=parts,
                     parts_label="Control account", forecast_finish=report.forecast_finish,
                     planned_finish=wp.finish.max().item() if len(wp.task) else None)


def _latest_forecasts(project_ids, status_date: date) -> dict[int, tuple[int, int]]:
    """Control account -> (project, cents of its latest ETC up to the status date), one query."""
    latest = (Forecast.objects.filter(control_account_id=OuterRef("control_account_id"), as_of__lte=status_date)
              .order_by("-as_of", "-pk").values("pk")[:1])
    rows = (Forecast.objects.filter(control_account__project_id__in=project_ids, pk=Subquery(latest)).order_by()
            .values_list("control_account_id", "control_account__project_id",
                         _cents("etc")))
    return {account: (project, int(cents)) for account, project, cents in _fetch(rows)}


def _forecast_adjustments(wp: WorkPackages, earned: np.ndarray, forecasts: dict) -> dict[int, int]:
    """Per project, what its control accounts' forecasts change in the at-budget ETC (BAC - EV): for each
    forecast account, its ETC minus its own BAC - EV. Two queries (the outlines of the projects with forecasts)."""
    if not forecasts:
        return {}
    projects = {project for project, _cents in forecasts.values()}
    parents = dict(Task.objects.filter(project_id__in=projects).values_list("pk", "parent_id"))
    account_of_summary = dict(ControlAccount.objects.filter(project_id__in=projects).values_list("task_id", "pk"))
    out: dict[int, int] = {}
    for project, cents in forecasts.values():
        out[project] = out.get(project, 0) + cents
    rows = np.flatnonzero(np.isin(wp.project, list(projects)))
    for k in rows.tolist():
        node, steps = int(wp.task[k]), 0
        while node is not None and steps <= len(parents):
            if node in account_of_summary:  # the nearest control account: adjust when it has a forecast
                if account_of_summary[node] in forecasts:
                    out[int(wp.project[k])] -= int(wp.budget[k]) - int(earned[k])
                break
            node, steps = parents.get(node), steps + 1
    return out


# --- programs and the portfolio -----------------------------------------------------------------------------

def rollup_evm(projects, status_date: date, *, by: str, currency: str | None = None,
               period: str = "month") -> EvmResult:
    """EVM of a set of projects rolled up ``by`` program (the portfolio) or project (a program).

    ``projects`` is a queryset of the projects to include (the caller's visible set). Each program's money
    is converted to ``currency`` (default: the portfolio's) at the rate in force on the status date, rounded
    to the cent per program (per project when ``by="project"``) before summing.
    """
    rows = list(projects.order_by("program__code", "code").values_list("pk", "code", "name", "program_id",
                                                                        "program__code", "program__currency"))
    ids = [r[0] for r in rows]
    id_query = projects.order_by().values("pk")
    currency = currency or Portfolio.default().currency
    rates = rate_table()
    rate_of_program = {r[3]: rate_on(r[5], status_date, rates=rates) if r[5] != currency else Decimal(1)
                       for r in rows}
    # the parts: programs or projects; each project's index and its part's index
    keys = list(dict.fromkeys(r[3] if by == "program" else r[0] for r in rows))
    part_index = {key: k for k, key in enumerate(keys)}
    project_index = {pk: k for k, pk in enumerate(ids)}
    part_of_project = np.asarray([part_index[r[3] if by == "program" else r[0]] for r in rows] or [0], np.int64)
    program_of_key = {(r[3] if by == "program" else r[0]): r[3] for r in rows}
    rate_of_part = [rate_of_program[program_of_key[key]] for key in keys]
    n_parts = max(len(keys), 1)

    wp = work_packages(id_query)
    first = min([status_date, *([wp.start.min().item()] if len(wp.task) else [])])
    last = max([status_date, *([wp.finish.max().item()] if len(wp.task) else [])])
    of_project, engines = _calendars(ids, first, last)
    project_of_row = np.asarray([project_index[p] for p in wp.project.tolist()], np.int64)
    part_of_row = part_of_project[project_of_row] if len(project_of_row) else project_of_row
    # PV: the projects of each calendar spread on it (one engine call per calendar), accounts are the parts
    calendar_of_row = np.asarray([of_project[p] or 0 for p in wp.project.tolist()], np.int64)
    ledgers = []
    for cal in set(of_project.values()):
        chosen = np.flatnonzero(calendar_of_row == (cal or 0))
        if len(chosen):
            ledgers.append(evm.time_phase(engines[cal], wp.start[chosen], wp.finish[chosen], wp.budget[chosen],
                                          loading=wp.loading_of(chosen), account=part_of_row[chosen],
                                          accounts=n_parts).pv)
    pv = evm.Ledger(np.concatenate([x.day for x in ledgers]) if ledgers else _days([]),
                    np.concatenate([x.cents for x in ledgers]) if ledgers else np.zeros(0, np.int64),
                    np.concatenate([x.account for x in ledgers]) if ledgers else np.zeros(0, np.int64), n_parts)
    earned = wp.earned
    bac_of_part = np.zeros(n_parts, np.int64)
    np.add.at(bac_of_part, part_of_row, wp.budget)
    ev_of_part = np.zeros(n_parts, np.int64)
    np.add.at(ev_of_part, part_of_row, earned)
    pv_of_part = pv.by_account(status_date)
    # AC: summed in the database per (part, day) up to the status date; the curve and the totals from it
    key_field = "program_id" if by == "program" else "project_id"
    ac_rows = _fetch(CostEntry.objects.filter(project_id__in=id_query, date__lte=status_date).order_by()
                     .values_list(key_field, EpochDay("date")).annotate(c=_cents(Sum("amount"))))
    actual = evm.cost_ledger(_epoch_days([r[1] for r in ac_rows]), [int(r[2]) for r in ac_rows],
                             account=[part_index[r[0]] for r in ac_rows], accounts=n_parts)
    ac_of_part = actual.by_account()
    adjustment = _forecast_adjustments(wp, earned, _latest_forecasts(id_query, status_date))
    etc_of_part = bac_of_part - ev_of_part
    for project_id, cents in adjustment.items():
        etc_of_part[part_of_project[project_index[project_id]]] += cents
    # each part in its own currency, converted once, to the cent
    labels = {r[3] if by == "program" else r[0]: (r[4] if by == "program" else f"{r[1]} {r[2]}") for r in rows}
    parts = []
    for k, key in enumerate(keys):
        rate = rate_of_part[k]
        values = [int(v[k]) for v in (bac_of_part, pv_of_part, ev_of_part, ac_of_part, etc_of_part)]
        if rate != 1:
            values = [_convert(v, rate) for v in values]
        parts.append(Part(key, labels[key], "", *values, currency=currency))
    totals = {name: sum(getattr(p, name) for p in parts) for name in ("bac", "pv", "ev", "ac", "etc")}
    cost = evm.cost_measures(**totals)
    # curves and the earned schedule on the default calendar's working days
    calendar = default_calendar(first, last)
    periods_day = evm.Periods.build(calendar, "day", pv.day.min().item() if len(pv.day) else status_date,
                                    max(last, status_date))
    periods = evm.Periods.build(calendar, period, periods_day.ends[0].item(), max(last, status_date))
    schedule = evm.schedule_measures(_converted(pv.cumulative(periods_day, by_account=True), rate_of_part),
                                     totals["ev"], periods_day.elapsed(status_date))
    try:
        finish = None if schedule.ieac_t is None else periods_day.date_at(schedule.ieac_t)
    except (ValueError, OverflowError):
        finish = None
    pv_curve = _converted(pv.cumulative(periods, by_account=True), rate_of_part)
    ac_curve = _converted(actual.cumulative(periods, through=status_date, by_account=True), rate_of_part)
    rate_of_project = {r[0]: rate_of_program[r[3]] for r in rows}
    points = _ev_points(periods, _snapshot_ev(id_query, rate_of_project), status_date, totals["ev"])
    return EvmResult(status_date=status_date, currency=currency, cost=cost, schedule=schedule, period=period,
                     series=_series(periods, pv_curve, ac_curve, points, status_date), parts=parts,
                     parts_label="Program" if by == "program" else "Project", forecast_finish=finish,
                     planned_finish=wp.finish.max().item() if len(wp.task) else None)


def _converted(curves: np.ndarray, rates: list[Decimal]) -> np.ndarray:
    """The sum of the parts' cumulative curves (one row per part), each converted at its rate to the cent."""
    total = np.zeros(curves.shape[1] if curves.ndim == 2 else 0, np.int64)
    for k, rate in enumerate(rates):
        total += curves[k] if rate == 1 else np.asarray([_convert(v, rate) for v in curves[k].tolist()], np.int64)
    return total
