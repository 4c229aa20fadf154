"""Earned value management: time-phased planned value, earned value, actual cost and earned schedule.

Money is integer cents (minor units) inside the engine: a budget is spread over its days to the cent,
every roll-up is an exact integer sum, and the measures come out as ``Decimal``. Callers convert at
the edges (:func:`cents` from ``Decimal``; the planning/finance adapters may read cents from SQL).

The pieces, each usable alone:

- :func:`time_phase` spreads each task's budget over its baselined working days (a loading curve per
  task) into a :class:`Baseline`: a :class:`Ledger` of planned cents per day and control account.
- :func:`earned_value` gives each task's earned cents from its progress (physical % complete, 0/100,
  50/50); :func:`split_budget` turns a weighted-milestone work package into milestone rows.
- :func:`cost_ledger` holds the actual cost entries (date, cents, control account).
- :class:`Periods` are the reporting periods (working days, ISO weeks or months) the curves and the
  earned schedule are counted in.
- :func:`cost_measures` and :func:`schedule_measures` are the formulas (PMI Practice Standard for EVM;
  Lipke's earned schedule) on plain totals, for any roll-up; :func:`evaluate` runs everything at one
  status date for one baseline.

Example (the finance app's shape: one row per leaf task, accounts are positions)::

    base = time_phase(calendar, starts, finishes, budget_cents, loading=loadings, account=accounts, accounts=n)
    earned = earned_value(budget_cents, percent, earning=methods, started=started, finished=finished)
    actual = cost_ledger(entry_dates, entry_cents, account=entry_accounts, accounts=n)
    report = evaluate(base, earned, actual, date(2025, 6, 30), period=Period.MONTH)
    report.cost.cpi, report.cost.eac, report.schedule.spi_t, report.forecast_finish, report.pv_curve

The status date is inclusive everywhere: PV and AC count everything dated up to the end of that day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import numpy as np

from pmo.engine.calendar import CalendarError, WorkCalendar

#: a task's budget in cents: below 2**52, so ``floor(budget * share + 0.5)`` is exact at share 1
MAX_BUDGET_CENTS = 10**15
#: task-days one :func:`time_phase` call spreads (the sum of the tasks' working days): bounds its memory
MAX_PHASED_DAYS = 10_000_000


class EvmError(ValueError):
    """Input the engine cannot evaluate: a negative budget, a finish before its start, EV above budget..."""


class Loading(StrEnum):
    """How a task's budget is spread over its working days (its planned value curve).

    With ``n`` working days, day ``k`` (1..n) gets ``F(k/n) - F((k-1)/n)`` of the budget, where ``F`` is
    the cumulative share planned by the end of the fraction ``x`` of the task:

    - ``LINEAR``: ``F(x) = x``, the same every day (the default).
    - ``FRONT``: ``F(x) = 1 - (1 - x)**2``, a triangular density ``2(1 - x)`` (Beta(1, 2)): the most
      on the first day, falling linearly to nothing at the finish.
    - ``BACK``: ``F(x) = x**2``, density ``2x`` (Beta(2, 1)): the mirror image of ``FRONT``.
    - ``BELL``: ``F(x) = 3x**2 - 2x**3``, density ``6x(1 - x)`` (Beta(2, 2)): slow start, peak in the
      middle, slow finish, the S-shaped cumulative curve.
    - ``START`` (100/0): everything on the first working day.
    - ``FINISH`` (0/100): everything on the last working day.
    - ``FIFTY_FIFTY`` (50/50): half on the first working day, the rest on the last.

    Cents: day ``k`` gets ``round(B * F(k/n)) - round(B * F((k-1)/n))`` (half up), so the days sum to
    the budget ``B`` exactly and each is within a cent of its exact share (float rounding aside: less
    than 1e-15 of the budget). The standards expect a
    task's PV curve to match how it earns (0/100 earning with ``FINISH``, 50/50 with ``FIFTY_FIFTY``).
    """

    LINEAR = "linear"
    FRONT = "front"
    BACK = "back"
    BELL = "bell"
    START = "100/0"
    FINISH = "0/100"
    FIFTY_FIFTY = "50/50"


_CURVES = {
    Loading.LINEAR: lambda x: x,
    Loading.FRONT: lambda x: x * (2.0 - x),
    Loading.BACK: lambda x: x * x,
    Loading.BELL: lambda x: x * x * (3.0 - 2.0 * x),
    Loading.START: np.ones_like,
    Loading.FINISH: lambda x: (x >= 1.0).astype(np.float64),
    Loading.FIFTY_FIFTY: lambda x: np.where(x >= 1.0, 1.0, 0.5),
}


class Earning(StrEnum):
    """How a task earns its budget: ``PERCENT`` (physical % complete), ``ZERO_HUNDRED`` (all at the
    finish) or ``FIFTY_FIFTY`` (half at the start, half at the finish; the 0/50/100 rule).

    Weighted milestones are rows: :func:`split_budget` gives each milestone its weight's share of the
    work package's budget; each row is planned on its milestone date (``Loading.FINISH``) and earned
    when achieved (``ZERO_HUNDRED``), so PV and EV follow the milestones."""

    PERCENT = "percent"
    ZERO_HUNDRED = "0/100"
    FIFTY_FIFTY = "50/50"


class Period(StrEnum):
    """Reporting period: ``DAY`` (working days of the calendar), ``WEEK`` (ISO, Monday to Sunday) or
    ``MONTH`` (calendar months)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Forecast(StrEnum):
    """The EAC that ETC, VAC and TCPI(EAC) are based on."""

    CPI = "cpi"  # BAC / CPI: the cost efficiency so far continues
    REMAINING_AT_BUDGET = "remaining_at_budget"  # AC + (BAC - EV): the rest at the budgeted rate
    CPI_SPI = "cpi_spi"  # AC + (BAC - EV) / (CPI x SPI): cost and schedule pressure continue
    BOTTOM_UP = "bottom_up"  # AC + ETC: a bottom-up estimate of the remaining work


def _half_up(values: np.ndarray) -> np.ndarray:
    return np.floor(values + 0.5).astype(np.int64)


def _int_column(values: object, n: int | None, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or (n is not None and len(array) != n):
        raise EvmError(f"{what}: expected {n if n is not None else 'a'} 1-d column, got shape {array.shape}")
    whole = array.dtype.kind in "iu" or (
        array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array))
    )
    if array.size and not whole:
        raise EvmError(f"{what}: expected whole cents (integers)")
    return array.astype(np.int64)


def _days(values: object, n: int | None, what: str) -> np.ndarray:
    try:
        days = np.asarray(values, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise EvmError(f"{what}: expected dates ({exc})") from None
    if days.ndim != 1 or (n is not None and len(days) != n):
        raise EvmError(f"{what}: expected {n if n is not None else 'a'} 1-d column of dates, got shape {days.shape}")
    if np.isnat(days).any():
        raise EvmError(f"{what}: row {int(np.flatnonzero(np.isnat(days))[0])} has no date")
    return days


def _accounts(account: object, n: int, accounts: int | None) -> tuple[np.ndarray, int]:
    if account is None:
        return np.zeros(n, np.int64), 1 if accounts is None else accounts
    column = _int_column(account, n, "account")
    count = (int(column.max()) + 1 if n else 1) if accounts is None else accounts
    bad = (column < 0) | (column >= count)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise EvmError(f"account: row {k} names account {column[k]}, outside 0..{count - 1}")
    return column, count


def cents(amounts: Sequence[Decimal | int | str]) -> np.ndarray:
    """``Decimal`` (or int, or decimal string) amounts as int64 cents; refuses fractions of a cent."""
    out = np.empty(len(amounts), np.int64)
    for k, amount in enumerate(amounts):
        try:
            value = Decimal(amount) * 100
        except (ArithmeticError, TypeError, ValueError):
            raise EvmError(f"amount {amount!r} in row {k} is not a number") from None
        if not value.is_finite() or value != value.to_integral_value():
            raise EvmError(f"amount {amount} in row {k} is not a whole number of cents")
        out[k] = int(value)
    return out


def money(amount: int) -> Decimal:
    """Cents as a ``Decimal`` with two places."""
    return Decimal(int(amount)).scaleb(-2)


# --- ledgers and periods ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Ledger:
    """Amounts in cents on calendar days, each in a control account (``0..accounts-1``): a baseline's
    planned value or the actual cost entries. ``day`` is ``datetime64[D]``; rows are in no order."""

    day: np.ndarray
    cents: np.ndarray
    account: np.ndarray
    accounts: int

    def total(self, through: date | None = None) -> int:
        """Sum of the amounts, or of those dated up to the end of ``through``."""
        values = self.cents if through is None else self.cents[self.day <= np.datetime64(through, "D")]
        return int(values.sum())

    def by_account(self, through: date | None = None) -> np.ndarray:
        """:meth:`total` per control account (int64 cents)."""
        keep = slice(None) if through is None else self.day <= np.datetime64(through, "D")
        out = np.zeros(self.accounts, np.int64)
        np.add.at(out, self.account[keep], self.cents[keep])
        return out

    def cumulative(self, periods: Periods, *, through: date | None = None, by_account: bool = False) -> np.ndarray:
        """Cumulative cents at the end of each period (int64), over all accounts or one row per account.

        Amounts before the first period count from the first; those after the last are left out, as are
        those after ``through`` (a status date: no actual cost is known past it).
        """
        keep = self.day <= np.datetime64(through, "D") if through is not None else np.ones(len(self.day), bool)
        index = periods.index(self.day[keep])
        inside = index < len(periods)
        index = np.maximum(index[inside], 0)
        amounts = self.cents[keep][inside]
        if by_account:
            out = np.zeros((self.accounts, len(periods)), np.int64)
            np.add.at(out, (self.account[keep][inside], index), amounts)
            return np.cumsum(out, axis=1)
        out = np.zeros(len(periods), np.int64)
        np.add.at(out, index, amounts)
        return np.cumsum(out)


def cost_ledger(dates: object, amounts: object, *, account: object = None, accounts: int | None = None) -> Ledger:
    """Actual cost entries as a :class:`Ledger`: ``dates`` (``datetime64[D]``-convertible), ``amounts``
    in whole cents (negative ones are corrections and credits), ``account`` the control account of each
    entry (default: all in account 0)."""
    day = _days(dates, None, "dates")
    amount = _int_column(amounts, len(day), "amounts")
    column, count = _accounts(account, len(day), accounts)
    return Ledger(day, amount, column, count)


@dataclass(frozen=True, slots=True, eq=False)
class Periods:
    """Consecutive reporting periods; period 1 holds the first day they were built from, ``ends`` are
    the last calendar days of periods 1..n (``datetime64[D]``). Positions on this time axis are in
    periods from the start of period 1: 3.5 is half-way through period 4, counted in its working days.

    ``DAY`` periods are the calendar's working days: a non-working day belongs to the next working
    day's period, so money dated on a weekend counts with the Monday. ``base`` is the working offset
    of period 1 (``DAY``) or its week or month number.
    """

    calendar: WorkCalendar
    kind: Period
    base: int
    ends: np.ndarray

    @classmethod
    def build(cls, calendar: WorkCalendar, kind: Period | str, first: date, last: date) -> Periods:
        """The periods from the one holding ``first`` through the one holding ``last``."""
        kind = Period(kind)
        last = max(first, last)
        if kind is Period.DAY:
            base = int(calendar.offset(first))
            # through ``last``'s own working day, or the next working day's period when ``last`` is idle
            top = max(int(calendar.offset(last, finish=True)), int(calendar.offset(last)) + 1, base + 1)
            return cls(calendar, kind, base, calendar.dates(np.arange(base, top)))
        lo, hi = _period_number(kind, np.asarray([first, last], dtype="datetime64[D]")).tolist()
        ends = _period_start(kind, np.arange(lo + 1, hi + 2)) - 1
        return cls(calendar, kind, lo, ends)

    def __len__(self) -> int:
        return len(self.ends)

    def index(self, days: np.ndarray) -> np.ndarray:
        """0-based period of each day (negative before period 1, ``len(self)`` or more after the last)."""
        days = np.asarray(days, dtype="datetime64[D]")
        if self.kind is not Period.DAY:
            return _period_number(self.kind, days) - self.base
        first = np.datetime64(self.calendar.origin, "D")
        last = np.datetime64(date(self.calendar.last_year, 12, 31), "D")
        index = self.calendar.offsets(np.clip(days, first, last)).astype(np.int64) - self.base
        index[days > last] = len(self)  # past the calendar's range, so past every period
        return index

    def _span(self, p: int) -> tuple[np.datetime64, np.datetime64]:
        """First and last calendar day of 0-based period ``p`` (WEEK and MONTH, also past ``ends``)."""
        first, after = _period_start(self.kind, np.asarray([self.base + p, self.base + p + 1]))
        return first, after - 1

    def _working(self, first: np.datetime64, last: np.datetime64) -> int:
        """Working days in ``first..last``, both inclusive; a week or month that runs past the calendar's
        range counts the working days inside it."""
        first = max(first, np.datetime64(self.calendar.origin, "D"))
        last = min(last, np.datetime64(date(self.calendar.last_year, 12, 31), "D"))
        if last < first:
            return 0
        return int(self.calendar.offset(last.item(), finish=True) - self.calendar.offset(first.item()))

    def elapsed(self, status_date: date) -> float:
        """Actual time (AT) at the end of ``status_date``: whole periods before its period plus the share
        of its period's working days done by then (of its calendar days when it has no working day)."""
        if self.kind is Period.DAY:
            return max(0.0, self.calendar.offset(status_date, finish=True) - self.base)
        day = np.datetime64(status_date, "D")
        p = int(self.index(np.asarray([day]))[0])
        if p < 0:
            return 0.0
        first, last = self._span(p)
        working = self._working(first, last)
        if working:
            return p + self._working(first, day) / working
        return p + float((day - first + 1) / (last - first + 1))

    def date_at(self, position: float) -> date:
        """The calendar day a position falls in: the working day whose work reaches it (position 0 is
        the start of period 1). Past the built periods it keeps counting periods of the same kind. A
        week or month without working days (past the calendar's range, say) is shared by calendar days;
        working-day periods past the range raise :class:`~pmo.engine.calendar.CalendarError`."""
        if not math.isfinite(position) or position < 0:
            raise EvmError(f"a position on the time axis must be finite and >= 0, got {position}")
        position = round(position, 9)  # 2 + 10/21 is the end of day 10 of period 3, not a hair into day 11
        if self.kind is Period.DAY:
            return self.calendar.date_of(self.base + position, finish=position > 0)
        p = max(math.ceil(position) - 1, 0)
        first, last = self._span(p)
        share = position - p
        working = self._working(first, last)
        if not working:
            length = (last - first) // np.timedelta64(1, "D") + 1
            return (first + max(math.ceil(round(share * length, 9)) - 1, 0)).item()
        k = max(math.ceil(round(share * working, 9)), 1) - 1  # the k-th working day of the period, from 0
        return self.calendar.date_of(self.calendar.offset(first.item()) + k)


def _period_number(kind: Period, days: np.ndarray) -> np.ndarray:
    """Week number (weeks start on Monday; 1970-01-01 was a Thursday) or month number of each day."""
    if kind is Period.WEEK:
        return (days.astype(np.int64) + 3) // 7
    return days.astype("datetime64[M]").astype(np.int64)


def _period_start(kind: Period, numbers: np.ndarray) -> np.ndarray:
    """First calendar day of each week or month number."""
    if kind is Period.WEEK:
        return (numbers * 7 - 3).astype("datetime64[D]")
    return numbers.astype("datetime64[M]").astype("datetime64[D]")


# --- planned value ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Baseline:
    """A time-phased budget: each task's ``budget`` (cents) and control ``account``, ``pv``, the
    planned cents per day and account that :func:`time_phase` spread them into, and ``pv_task``, the
    task (row) of each ``pv`` entry."""

    calendar: WorkCalendar
    budget: np.ndarray
    account: np.ndarray
    accounts: int
    pv: Ledger
    pv_task: np.ndarray

    @property
    def bac(self) -> int:
        """Budget at completion in cents."""
        return int(self.budget.sum())

    def task_pv(self, through: date) -> np.ndarray:
        """Planned value of each task through the end of ``through`` (int64 cents)."""
        keep = self.pv.day <= np.datetime64(through, "D")
        out = np.zeros(len(self.budget), np.int64)
        np.add.at(out, self.pv_task[keep], self.pv.cents[keep])
        return out

    def account_bac(self) -> np.ndarray:
        """Budget at completion per control account (int64 cents)."""
        out = np.zeros(self.accounts, np.int64)
        np.add.at(out, self.account, self.budget)
        return out

    def periods(self, kind: Period | str, *, origin: date | None = None, through: date | None = None) -> Periods:
        """Periods of ``kind`` from ``origin`` (default: the first planned day) to the last planned day,
        or to ``through`` when later."""
        days = self.pv.day
        first = origin or (days.min().item() if len(days) else through)
        if first is None:
            raise EvmError("an empty baseline needs an origin or a through date for its periods")
        last = max([d for d in (days.max().item() if len(days) else None, through, first) if d is not None])
        return Periods.build(self.calendar, kind, first, last)


def _loadings(loading: object, n: int) -> np.ndarray:
    """Index in ``_CURVES`` of each task's loading."""
    names = list(_CURVES)
    if loading is None or isinstance(loading, str):
        try:
            return np.full(n, names.index(Loading(loading or Loading.LINEAR)), np.int64)
        except ValueError as exc:
            raise EvmError(f"loading: {exc}") from None
    values = np.asarray(loading, dtype=object)
    if values.shape != (n,):
        raise EvmError(f"loading: expected {n} values, got shape {values.shape}")
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    try:
        codes = np.array([names.index(Loading(u)) for u in unique.tolist()], np.int64)
    except ValueError as exc:
        raise EvmError(f"loading: {exc}") from None
    return codes[inverse] if n else np.zeros(0, np.int64)


def time_phase(
    calendar: WorkCalendar,
    start: object,
    finish: object,
    budget: object,
    *,
    loading: Loading | str | Sequence[Loading | str] | None = None,
    account: object = None,
    accounts: int | None = None,
) -> Baseline:
    """Spread each task's budget over the working days of its baselined ``start..finish`` (both dates
    inclusive, on ``calendar``) along its :class:`Loading` curve (one for all, or one per task).

    ``budget`` is in whole cents, ``account`` gives each task's control account (a position; default
    all in account 0, ``accounts`` the number of accounts). A task with no working day between its dates
    (a milestone on a holiday) has its whole budget on its finish date. Pass leaf tasks only: a summary
    task's own budget would count twice.

    Vectorised: one ``repeat`` builds every (task, working day) pair, one curve evaluation per loading
    gives the cumulative shares, and the cents are differences of rounded cumulative amounts.
    """
    start_day = _days(start, None, "start")
    n = len(start_day)
    finish_day = _days(finish, n, "finish")
    amount = _int_column(budget, n, "budget")
    column, count = _accounts(account, n, accounts)
    for bad, message in (
        (amount < 0, "budget must be >= 0"),
        (amount > MAX_BUDGET_CENTS, f"budget must be <= {MAX_BUDGET_CENTS} cents"),
        (finish_day < start_day, "finish is before start"),
    ):
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise EvmError(f"task {k}: {message} (budget {amount[k]}, {start_day[k]}..{finish_day[k]})")
    codes = _loadings(loading, n)
    try:
        first = calendar.offsets(start_day).astype(np.int64)
        days = calendar.offsets(finish_day, finish=True).astype(np.int64) - first
    except CalendarError as exc:
        raise EvmError(f"baseline dates: {exc}") from None
    spread = np.flatnonzero(days > 0)
    width = days[spread]
    if int(width.sum()) > MAX_PHASED_DAYS:
        raise EvmError(f"the baseline spans {int(width.sum()):,} task-days, more than {MAX_PHASED_DAYS:,}")
    task = np.repeat(spread, width)
    k = np.arange(len(task), dtype=np.int64) - np.repeat(np.cumsum(width) - width, width) + 1
    x = k / days[task]
    share = np.empty(len(task))
    code = codes[task]
    for c, curve in enumerate(_CURVES.values()):
        rows = code == c
        if rows.any():
            share[rows] = curve(x[rows])
    planned = _half_up(amount[task] * share)  # cumulative cents by the end of day k
    planned = _cumulative_to_daily(planned, k)
    on_day = calendar.dates(first[task] + k - 1)
    idle = np.flatnonzero(days <= 0)  # no working day in the span: all on the finish date
    day = np.concatenate([on_day, finish_day[idle]])
    value = np.concatenate([planned, amount[idle]])
    row = np.concatenate([task, idle])
    nonzero = value != 0
    pv = Ledger(day[nonzero], value[nonzero], column[row[nonzero]], count)
    return Baseline(calendar, amount, column, count, pv, row[nonzero])


def _cumulative_to_daily(cumulative: np.ndarray, k: np.ndarray) -> np.ndarray:
    daily = cumulative.copy()
    later = np.flatnonzero(k > 1)
    daily[later] -= cumulative[later - 1]
    return daily


def split_budget(budget: int, weights: Sequence[float]) -> np.ndarray:
    """``budget`` cents shared by non-negative ``weights`` (e.g. a work package's milestones), to the
    cent: cumulative rounding, so the parts sum to the budget exactly and each is within a cent of
    its exact share."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or not len(w) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise EvmError("weights: expected finite non-negative numbers with a positive sum")
    if not 0 <= budget <= MAX_BUDGET_CENTS:
        raise EvmError(f"budget must be within 0..{MAX_BUDGET_CENTS} cents, got {budget}")
    share = np.cumsum(w) / w.sum()
    share[-1] = 1.0
    cumulative = _half_up(budget * np.minimum(share, 1.0))
    return np.diff(cumulative, prepend=0)


# --- earned value ----------------------------------------------------------------------------------------


def earned_value(
    budget: object,
    percent: object,
    *,
    earning: Earning | str | Sequence[Earning | str] | None = None,
    started: object = None,
    finished: object = None,
) -> np.ndarray:
    """Earned cents of each task: ``budget`` (cents) times what its :class:`Earning` rule credits.

    ``percent`` is the physical % complete (0..100) that ``PERCENT`` earns, rounded half up to the cent;
    ``started`` (default ``percent > 0``) and ``finished`` (default ``percent >= 100``) drive the
    0/100 and 50/50 rules. The result never exceeds the budget.
    """
    amount = _int_column(budget, None, "budget")
    n = len(amount)
    done = np.asarray(percent, dtype=np.float64)
    if done.shape != (n,) or not np.all(np.isfinite(done)) or (done < 0).any() or (done > 100).any():
        raise EvmError(f"percent: expected {n} numbers within 0..100")
    begun = done > 0 if started is None else np.asarray(started, dtype=bool)
    ended = done >= 100 if finished is None else np.asarray(finished, dtype=bool)
    if begun.shape != (n,) or ended.shape != (n,):
        raise EvmError(f"started and finished: expected {n} flags each")
    if (amount < 0).any():
        raise EvmError(f"task {int(np.flatnonzero(amount < 0)[0])}: budget must be >= 0")
    try:
        if earning is None or isinstance(earning, str):
            rule = np.full(n, Earning(earning or Earning.PERCENT), dtype=object)
        else:
            rule = np.asarray([Earning(e) for e in earning], dtype=object)
    except ValueError as exc:
        raise EvmError(f"earning: {exc}") from None
    if rule.shape != (n,):
        raise EvmError(f"earning: expected {n} values, got shape {rule.shape}")
    half = np.where(begun | ended, _half_up(amount * 0.5), 0)
    return np.select(
        [rule == Earning.PERCENT, rule == Earning.ZERO_HUNDRED, rule == Earning.FIFTY_FIFTY],
        [_half_up(amount * (done / 100.0)), np.where(ended, amount, 0), np.where(ended, amount, half)],
    ).astype(np.int64)


# --- the formulas ----------------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _div(num: int, den: int) -> int:
    """``num / den`` (``den`` > 0) rounded half up to an integer, exactly (Python integers)."""
    q, r = divmod(num, den)
    return q + (2 * r >= den)


@dataclass(frozen=True, slots=True)
class CostMeasures:
    """Earned value figures at a status date. Money is ``Decimal`` (to the cent), indices are floats;
    a figure whose formula divides by zero is ``None`` (:func:`cost_measures` says when and why)."""

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: float | None
    cpi: float | None
    eac_cpi: Decimal | None
    eac_remaining_at_budget: Decimal
    eac_cpi_spi: Decimal | None
    eac_bottom_up: Decimal | None
    basis: Forecast
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: float | None
    tcpi_eac: float | None


def cost_measures(
    *, bac: int, pv: int, ev: int, ac: int, etc: int | None = None, basis: Forecast | str = Forecast.CPI
) -> CostMeasures:
    """The PMI formulas on totals in cents (any roll-up: account, project, program, portfolio).

    SV = EV - PV, CV = EV - AC, SPI = EV / PV, CPI = EV / AC; EAC by BAC / CPI, AC + (BAC - EV),
    AC + (BAC - EV) / (CPI x SPI) and AC + ``etc`` (bottom-up, when given); ``eac`` is the one named by
    ``basis``, and ETC = EAC - AC, VAC = BAC - EAC, TCPI(EAC) = (BAC - EV) / (EAC - AC) follow it;
    TCPI(BAC) = (BAC - EV) / (BAC - AC). EACs are exact fractions rounded half up to the cent.

    Undefined rather than infinite or a crash (``None``):

    - SPI when PV = 0: nothing was planned yet, so no pace can be measured against the plan.
    - CPI when AC = 0: no cost booked, so there is no efficiency (EV > 0 for free is missing actuals,
      not infinite efficiency).
    - EAC by CPI and by CPI x SPI when either index is ``None`` or zero (EV = 0): money spent with
      nothing earned extrapolates to no finite cost.
    - ETC, VAC and TCPI(EAC) when the chosen EAC is ``None``.
    - TCPI(BAC) when BAC - AC <= 0, TCPI(EAC) when EAC - AC <= 0: no funds remain, so no efficiency
      finishes the remaining work within them.
    """
    basis = Forecast(basis)
    if basis is Forecast.BOTTOM_UP and etc is None:
        raise EvmError("a bottom-up forecast needs the estimate to complete (etc)")
    spi, cpi = _ratio(ev, pv), _ratio(ev, ac)
    remaining = bac - ev
    eacs = {
        Forecast.CPI: _div(bac * ac, ev) if cpi else None,
        Forecast.REMAINING_AT_BUDGET: ac + remaining,
        Forecast.CPI_SPI: ac + _div(remaining * ac * pv, ev * ev) if cpi and spi else None,
        Forecast.BOTTOM_UP: None if etc is None else ac + etc,
    }
    eac = eacs[basis]

    def optional(value: int | None) -> Decimal | None:
        return None if value is None else money(value)

    return CostMeasures(
        bac=money(bac), pv=money(pv), ev=money(ev), ac=money(ac), sv=money(ev - pv), cv=money(ev - ac),
        spi=spi, cpi=cpi,
        eac_cpi=optional(eacs[Forecast.CPI]),
        eac_remaining_at_budget=money(eacs[Forecast.REMAINING_AT_BUDGET]),
        eac_cpi_spi=optional(eacs[Forecast.CPI_SPI]),
        eac_bottom_up=optional(eacs[Forecast.BOTTOM_UP]),
        basis=basis,
        eac=optional(eac),
        etc=None if eac is None else money(eac - ac),
        vac=None if eac is None else money(bac - eac),
        tcpi_bac=remaining / (bac - ac) if bac - ac > 0 else None,
        tcpi_eac=remaining / (eac - ac) if eac is not None and eac - ac > 0 else None,
    )


def planned_duration(pv_cumulative: object) -> int:
    """PD: the number of periods until the cumulative PV first reaches its final value (BAC)."""
    pv = np.asarray(pv_cumulative, dtype=np.float64)
    if not len(pv) or pv[-1] <= 0:
        return 0
    return int(np.searchsorted(pv, pv[-1], side="left")) + 1


def earned_schedule(pv_cumulative: object, ev: float | np.ndarray) -> float | np.ndarray:
    """Lipke's earned schedule ES = C + (EV - PV_C) / (PV_C+1 - PV_C), in periods.

    ``pv_cumulative`` is the cumulative PV at the end of periods 1..n (non-decreasing; PV_0 = 0).
    C counts the periods whose cumulative PV is at most EV (periods where the plan stands still
    count: their work is done too), and the fraction interpolates linearly within period C + 1. ES
    never exceeds the planned duration (:func:`planned_duration`), which it reaches when EV = BAC.
    Vectorised over ``ev`` (a series of EVs gives the ES trend).
    """
    pv = np.asarray(pv_cumulative, dtype=np.float64)
    values = np.asarray(ev, dtype=np.float64)
    if pv.ndim != 1 or not np.all(np.isfinite(pv)) or (pv < 0).any() or (np.diff(pv) < 0).any():
        raise EvmError("pv_cumulative: expected a non-decreasing series of non-negative numbers")
    if not np.all(np.isfinite(values)) or (values < 0).any():
        raise EvmError("ev: expected non-negative numbers")
    pd = planned_duration(pv)
    if pd == 0:
        es = np.zeros_like(values)
    else:
        head = np.concatenate([[0.0], pv[:pd]])  # PV_0..PV_PD
        c = np.minimum(np.searchsorted(head, values, side="right") - 1, pd)  # periods with PV <= EV
        low, high = head[c], head[np.minimum(c + 1, pd)]
        es = np.where(c >= pd, float(pd), c + (values - low) / np.where(c >= pd, 1.0, high - low))
    return float(es) if np.ndim(ev) == 0 else es


@dataclass(frozen=True, slots=True)
class ScheduleMeasures:
    """Earned schedule figures, durations in periods (working days with ``Period.DAY``); ``None`` where
    the formula divides by zero (:func:`schedule_measures` says when and why)."""

    es: float
    at: float
    pd: float
    sv_t: float
    spi_t: float | None
    tspi: float | None
    ieac_t: float | None


def schedule_measures(pv_cumulative: object, ev: float, at: float) -> ScheduleMeasures:
    """Earned schedule measures at actual time ``at`` (periods elapsed at the status date) for the
    cumulative EV ``ev`` (in the units of ``pv_cumulative``).

    SV(t) = ES - AT; SPI(t) = ES / AT; TSPI = (PD - ES) / (PD - AT); IEAC(t) = AT + (PD - ES) / SPI(t),
    which is the same number as PD / SPI(t).

    ``None``: SPI(t) when AT = 0 (no time has passed); IEAC(t) when SPI(t) is ``None`` or zero (ES = 0:
    nothing earned gives no rate to extrapolate); TSPI when PD - AT <= 0 (the planned duration is
    used up, so no pace finishes on time).
    """
    if not math.isfinite(at) or at < 0:
        raise EvmError(f"at: expected a finite number >= 0, got {at}")
    es = earned_schedule(pv_cumulative, ev)
    pd = float(planned_duration(pv_cumulative))
    spi_t = es / at if at > 0 else None
    return ScheduleMeasures(
        es=es, at=at, pd=pd, sv_t=es - at, spi_t=spi_t,
        tspi=(pd - es) / (pd - at) if pd - at > 0 else None,
        ieac_t=at + (pd - es) / spi_t if spi_t else None,
    )


# --- one status date -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class EvmReport:
    """:func:`evaluate`'s result. Curves are cumulative cents at the end of each of ``periods``; the
    AC curve leaves out costs dated after the status date. Account arrays are cents per control account.
    ``es_date`` is the day the earned schedule reaches; ``forecast_finish`` the day IEAC(t) reaches, from
    the start of period 1 (``None`` when IEAC(t) is, or when working-day periods run past the calendar's
    range)."""

    status_date: date
    cost: CostMeasures
    schedule: ScheduleMeasures
    periods: Periods
    pv_curve: np.ndarray
    ac_curve: np.ndarray
    account_bac: np.ndarray
    account_pv: np.ndarray
    account_ev: np.ndarray
    account_ac: np.ndarray
    es_date: date
    forecast_finish: date | None


def evaluate(
    baseline: Baseline,
    earned: object,
    actual: Ledger,
    status_date: date,
    *,
    period: Period | str = Period.MONTH,
    origin: date | None = None,
    etc: int | None = None,
    basis: Forecast | str = Forecast.CPI,
) -> EvmReport:
    """PV, EV, AC, the cost measures and the earned schedule of ``baseline`` at ``status_date``.

    ``earned`` holds each task's earned cents (:func:`earned_value`), ``actual`` the cost entries
    (:func:`cost_ledger`, same accounts). The earned schedule is counted on the PV curve per ``period``
    from ``origin`` (default: the first planned day); AT counts the working days of the status date's
    period done by then, while ES interpolates PV linearly within a period, so status dates at period
    ends (or ``Period.DAY``) give the cleanest figures. ``etc`` (cents) is a bottom-up estimate to
    complete; ``basis`` picks the EAC behind ETC, VAC and TCPI(EAC).
    """
    ev_task = _int_column(earned, len(baseline.budget), "earned")
    over = (ev_task < 0) | (ev_task > baseline.budget)
    if over.any():
        k = int(np.flatnonzero(over)[0])
        raise EvmError(f"task {k}: earned value {ev_task[k]} is outside 0..its budget {baseline.budget[k]}")
    if actual.accounts != baseline.accounts:
        raise EvmError(f"the actuals have {actual.accounts} accounts, the baseline {baseline.accounts}")
    account_ev = np.zeros(baseline.accounts, np.int64)
    np.add.at(account_ev, baseline.account, ev_task)
    account_pv = baseline.pv.by_account(status_date)
    account_ac = actual.by_account(status_date)
    ev, bac = int(account_ev.sum()), baseline.bac
    cost = cost_measures(bac=bac, pv=int(account_pv.sum()), ev=ev, ac=int(account_ac.sum()), etc=etc, basis=basis)
    periods = baseline.periods(period, origin=origin, through=status_date)
    pv_curve = baseline.pv.cumulative(periods)
    schedule = schedule_measures(pv_curve, ev, periods.elapsed(status_date))
    try:
        finish = None if schedule.ieac_t is None else periods.date_at(schedule.ieac_t)
    except (CalendarError, OverflowError):
        finish = None
    return EvmReport(
        status_date=status_date, cost=cost, schedule=schedule, periods=periods, pv_curve=pv_curve,
        ac_curve=actual.cumulative(periods, through=status_date), account_bac=baseline.account_bac(),
        account_pv=account_pv, account_ev=account_ev, account_ac=account_ac,
        es_date=periods.date_at(schedule.es), forecast_finish=finish,
    )

