"""Value of a benefit stream: NPV, IRR, payback, benefit-cost ratio, and benefits at risk from a slip.

Conventions (the same in every function):

- **Cash flows per period**, monthly or yearly (:class:`Frequency`). ``flows[0]`` is the valuation
  date itself and is not discounted; ``flows[t]`` falls at the end of period ``t`` and is discounted by
  ``(1 + i)**-t``. This is numpy-financial's ``npv``; Excel's ``NPV()`` differs (it discounts its first
  value a whole period). A stream that starts later than the valuation date is padded with zeros.
- **Rates are effective annual rates** (the portfolio's discount rate, ``Decimal("0.08")`` for 8 %). A
  monthly stream is discounted at the equivalent monthly rate ``i = (1 + r)**(1/12) - 1``, so twelve
  monthly steps equal one yearly step and the same money valued monthly or yearly at year ends has the same
  NPV; ``r / 12`` (a nominal rate) would discount more than the stated rate. IRRs are reported the same
  way: the per-period root, annualised as ``(1 + i)**12 - 1`` for a monthly stream.
- **Money** is ``Decimal`` (or int, or a decimal string) in whole cents at the edges. Inside, cents are
  float64 (exact below 2**53): discount factors are irrational, so NPVs are float sums rounded half up to
  the cent at the end (relative error about 1e-15 of the largest flow). Value moved by a slip is exact.
- **Months** are calendar months: a date's period is the month (year) it falls in, and the distance
  between two dates is the difference of those periods (:func:`periods_between`). 31 January to 1 March
  is two months; 1 to 31 January is none.

Example (the benefits app's shape: a program's monthly benefits and its budget, and one benefit's
schedule against its enabling milestones' baseline and P80 dates)::

    appraisal = appraise(benefits, costs, Decimal("0.08"), frequency=Frequency.MONTHLY)
    appraisal.npv, appraisal.irr, appraisal.payback_years, appraisal.benefit_cost_ratio
    risk = benefit_at_risk(schedule, [Milestone(baseline_date, p80_date)], horizon=60,
                           annual_rate=Decimal("0.08"))
    risk.slip, risk.lost, risk.deferred, risk.value_lost, risk.npv_lost
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

import numpy as np

#: periods of one stream: 100 years of months
MAX_PERIODS = 1200
#: one flow, in cents (75 billion in money): a sum of MAX_PERIODS of them stays exact in float64
MAX_FLOW_CENTS = 2**53 // MAX_PERIODS
#: the discount rates accepted, effective per year (-20 %..1,000 %: discount factors stay finite over
#: MAX_PERIODS years)
MIN_RATE, MAX_RATE = -0.2, 10.0

Money = Decimal | int | str


class ValueInputError(ValueError):
    """Input the value engine refuses: a fraction of a cent, too many periods, a rate out of range..."""


class Frequency(StrEnum):
    """How often a stream has a flow: one period is a calendar month or a year."""

    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def per_year(self) -> int:
        return 12 if self is Frequency.MONTHLY else 1


def _cents(flows: Sequence[Money], what: str) -> np.ndarray:
    if len(flows) > MAX_PERIODS:
        raise ValueInputError(f"{what}: {len(flows)} periods, more than the limit of {MAX_PERIODS}")
    out = np.empty(len(flows), np.int64)
    for k, amount in enumerate(flows):
        try:
            value = Decimal(amount) * 100
        except (ArithmeticError, TypeError, ValueError):
            raise ValueInputError(f"{what}: period {k} is not an amount of money: {amount!r}") from None
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueInputError(f"{what}: period {k} is not a whole number of cents: {amount}")
        if abs(value) > MAX_FLOW_CENTS:
            raise ValueInputError(f"{what}: period {k} is beyond the limit of {_money(MAX_FLOW_CENTS)}")
        out[k] = int(value)
    return out


def _money(cents: float) -> Decimal:
    """Cents (a float sum) as ``Decimal`` money, rounded half up to the cent."""
    return Decimal(math.floor(cents + 0.5)).scaleb(-2)


def period_rate(annual_rate: Decimal | float, frequency: Frequency = Frequency.YEARLY) -> float:
    """The effective rate per period equivalent to an effective annual rate: ``(1 + r)**(1/n) - 1``."""
    rate = float(annual_rate)
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueInputError(f"annual_rate: {annual_rate} is outside {MIN_RATE}..{MAX_RATE}")
    return (1.0 + rate) ** (1.0 / Frequency(frequency).per_year) - 1.0


def _discounted(cents: np.ndarray, annual_rate: Decimal | float, frequency: Frequency) -> np.ndarray:
    """Each period's flow at the valuation date, in float cents."""
    factor = (1.0 + period_rate(annual_rate, frequency)) ** -np.arange(len(cents), dtype=np.float64)
    return cents * factor


def npv(flows: Sequence[Money], annual_rate: Decimal | float, *, frequency: Frequency = Frequency.YEARLY) -> Decimal:
    """Net present value at the valuation date (``flows[0]``), to the cent."""
    return _money(_discounted(_cents(flows, "flows"), annual_rate, frequency).sum())


# --- IRR -------------------------------------------------------------------------------------------------

#: the search grid in ``u = ln(1 + i)`` (``i`` the rate per period): every 0.001 from -1 to 1.1 (i from
#: -63 % to +200 %, where real IRRs live), every 0.05 outside it, out to i = -99.99 % and +999,900 %
_GRID = np.unique(np.concatenate([
    np.linspace(-9.2, -1.0, 165), np.linspace(-1.0, 1.1, 2101), np.linspace(1.1, 9.2, 163),
]))


def _scaled_npv(u: np.ndarray, t: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``sum(c * exp(-t u))`` times a positive factor that keeps every term <= 1: same sign, same roots,
    no overflow at (1 + i) = 1e-4 over 1,200 periods."""
    exponent = -np.multiply.outer(u, t)
    return (np.exp(exponent - exponent.max(axis=-1, keepdims=True)) * c).sum(axis=-1)


def irrs(flows: Sequence[Money], *, frequency: Frequency = Frequency.YEARLY) -> tuple[float, ...]:
    """Every internal rate of return of ``flows`` (annual, effective), smallest first.

    The NPV as a function of ``u = ln(1 + i)`` is evaluated on a fixed grid (:data:`_GRID`); each
    interval where it changes sign is bisected to full float precision. With one sign change in the flows
    there is exactly one IRR (Descartes' rule of signs) and it is found whenever it lies in the grid's
    range; with several there may be several IRRs (``-1600, 10000, -10000``: 25 % and 400 %), one, or
    none. Not reported: a rate where the NPV touches zero without changing sign, per-period rates outside
    -99.99 %..+999,900 %, and pairs of roots closer together than the grid step (0.1 % of ``1 + i`` from
    -63 % to +200 % per period, 5 % outside).
    """
    return _irrs(_cents(flows, "flows"), Frequency(frequency).per_year)


def _irrs(cents: np.ndarray, per_year: int) -> tuple[float, ...]:
    t = np.flatnonzero(cents)
    c = cents[t].astype(np.float64)
    if len(c) < 2 or (c > 0).all() or (c < 0).all():
        return ()
    t = t.astype(np.float64)
    values = _scaled_npv(_GRID, t, c)
    roots = [float(u) for u, v in zip(_GRID, values, strict=True) if v == 0.0]
    for k in np.flatnonzero(values[:-1] * values[1:] < 0):
        lo, hi, f_lo = _GRID[k], _GRID[k + 1], values[k]
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            f_mid = _scaled_npv(np.array([mid]), t, c)[0]
            if f_mid == 0.0:
                lo = hi = mid
                break
            if (f_mid < 0) == (f_lo < 0):
                lo, f_lo = mid, f_mid
            else:
                hi = mid
        roots.append(float(0.5 * (lo + hi)))
    return tuple(math.expm1(u * per_year) for u in sorted(roots))


def irr(flows: Sequence[Money], *, frequency: Frequency = Frequency.YEARLY) -> float | None:
    """The internal rate of return (annual, effective), or ``None`` when there is none or more than one.

    Several IRRs (possible when the flows change sign more than once) make "the" IRR meaningless: NPV is the
    measure then, and :func:`irrs` lists them. Flows with several sign changes but one root get that root.
    """
    found = irrs(flows, frequency=frequency)
    return found[0] if len(found) == 1 else None


# --- payback and benefit-cost ratio ----------------------------------------------------------------------


def _payback(period_flows: np.ndarray) -> float | None:
    """Periods until the cumulative flow is recovered for good: after the last period ``j`` that ends
    below zero, ``j + (-cumulative[j]) / flow[j + 1]`` (linear within period ``j + 1``, the flow earned
    evenly over it). 0 when it is never below zero; ``None`` when the last period still ends below zero."""
    cumulative = np.cumsum(period_flows)
    below = np.flatnonzero(cumulative < 0)
    if not len(below):
        return 0.0
    j = int(below[-1])
    if j == len(cumulative) - 1:
        return None
    return j + float(-cumulative[j] / period_flows[j + 1])


def payback(flows: Sequence[Money]) -> float | None:
    """Simple payback in periods (see :func:`_payback`). "For good": a stream that is recovered, then
    falls below zero again (a later reinvestment), pays back only after its last dip."""
    return _payback(_cents(flows, "flows").astype(np.float64))


def discounted_payback(flows: Sequence[Money], annual_rate: Decimal | float, *,
                       frequency: Frequency = Frequency.YEARLY) -> float | None:
    """Payback in periods of the discounted flows (the cumulative NPV recovered for good)."""
    return _payback(_discounted(_cents(flows, "flows"), annual_rate, frequency))


def _ratio(benefits_pv: float, costs_pv: float) -> float | None:
    return None if math.floor(abs(costs_pv) + 0.5) == 0 else float(benefits_pv / costs_pv)


def benefit_cost_ratio(benefits: Sequence[Money], costs: Sequence[Money], annual_rate: Decimal | float, *,
                       frequency: Frequency = Frequency.YEARLY) -> float | None:
    """PV of the benefits over PV of the costs (costs as positive amounts); ``None`` when the costs' PV is
    zero to the cent."""
    return _ratio(_discounted(_cents(benefits, "benefits"), annual_rate, frequency).sum(),
                  _discounted(_cents(costs, "costs"), annual_rate, frequency).sum())


@dataclass(frozen=True)
class Appraisal:
    """The value measures of one benefit stream against its costs. Paybacks are in periods."""

    frequency: Frequency
    pv_benefits: Decimal
    pv_costs: Decimal
    npv: Decimal  # pv_benefits - pv_costs, to the cent
    irr: float | None
    irrs: tuple[float, ...]
    payback: float | None
    discounted_payback: float | None
    benefit_cost_ratio: float | None

    @property
    def payback_years(self) -> float | None:
        return None if self.payback is None else self.payback / self.frequency.per_year

    @property
    def discounted_payback_years(self) -> float | None:
        return None if self.discounted_payback is None else self.discounted_payback / self.frequency.per_year


def appraise(benefits: Sequence[Money], costs: Sequence[Money], annual_rate: Decimal | float, *,
             frequency: Frequency = Frequency.YEARLY) -> Appraisal:
    """NPV, IRR, paybacks and benefit-cost ratio of ``benefits - costs`` (both from the valuation date,
    costs as positive amounts; the shorter is padded with zeros)."""
    frequency = Frequency(frequency)
    b, c = _cents(benefits, "benefits"), _cents(costs, "costs")
    n = max(len(b), len(c))
    b, c = np.pad(b, (0, n - len(b))), np.pad(c, (0, n - len(c)))
    net = b - c
    pv_b, pv_c = _discounted(b, annual_rate, frequency).sum(), _discounted(c, annual_rate, frequency).sum()
    pv_benefits, pv_costs = _money(pv_b), _money(pv_c)
    roots = _irrs(net, frequency.per_year)
    return Appraisal(
        frequency=frequency,
        pv_benefits=pv_benefits,
        pv_costs=pv_costs,
        npv=pv_benefits - pv_costs,
        irr=roots[0] if len(roots) == 1 else None,
        irrs=roots,
        payback=_payback(net.astype(np.float64)),
        discounted_payback=_payback(_discounted(net, annual_rate, frequency)),
        benefit_cost_ratio=_ratio(pv_b, pv_c),
    )


# --- benefits at risk ------------------------------------------------------------------------------------


def periods_between(earlier: date, later: date, frequency: Frequency = Frequency.MONTHLY) -> int:
    """Calendar months (or years) from the period of ``earlier`` to the period of ``later``: the
    difference of the months (years) the dates fall in, negative when ``later`` is before ``earlier``.
    31 January to 1 March is 2 months; 1 to 31 January is 0; 15 January to 14 February is 1."""
    if Frequency(frequency) is Frequency.YEARLY:
        return later.year - earlier.year
    return (later.year - earlier.year) * 12 + later.month - earlier.month


class Milestone(NamedTuple):
    """An enabling milestone's planned date (its baseline) and its forecast (the current schedule's
    date, or a simulation's P80)."""

    planned: date
    forecast: date


@dataclass(frozen=True)
class BenefitAtRisk:
    """A benefit's realisation schedule shifted by its enabling milestones' slip, inside a fixed horizon.

    Per period ``t`` of the horizon: ``planned[t]`` and ``forecast[t]`` (the schedule and its shifted
    copy, the two curves of a chart); ``deferred[t]`` is the value planned in ``t`` that still comes
    inside the horizon, ``slip`` periods later, and ``lost[t]`` the value planned in ``t`` that the slip
    pushes past the horizon (``deferred[t] + lost[t] == planned[t]`` when the slip is positive, both zero
    otherwise). The NPVs discount both curves from period 0 (the valuation date, :func:`npv`), so
    ``npv_lost`` counts the lost value and the time value of the deferred value.
    """

    slip: int
    planned: tuple[Decimal, ...]
    forecast: tuple[Decimal, ...]
    deferred: tuple[Decimal, ...]
    lost: tuple[Decimal, ...]
    value_deferred: Decimal
    value_lost: Decimal
    npv_planned: Decimal
    npv_forecast: Decimal
    npv_lost: Decimal


def benefit_at_risk(schedule: Sequence[Money], milestones: Sequence[Milestone | tuple[date, date]], *,
                    horizon: int | None = None, annual_rate: Decimal | float = 0,
                    frequency: Frequency = Frequency.MONTHLY) -> BenefitAtRisk:
    """Value deferred and lost when the milestones that enable a benefit slip.

    ``schedule`` is the planned value per period from the valuation date (period 0), planned on the
    milestones' planned dates; ``horizon`` (periods from period 0, default the schedule's length) is the
    fixed window the benefit is counted in: value planned after it is ignored, value pushed past it is lost.

    The benefit needs all its enabling milestones, so the latest governs: the slip is
    :func:`periods_between` the latest planned date and the latest forecast date (planned March and June,
    forecast May and June: no slip, June still enables it). A forecast earlier than planned puts nothing
    at risk and does not pull the benefit forward (slip 0): the business adopts on its own plan.

    A benefit of 10,000 a month for 12 months, enabled by a milestone that slips 2 months, realises
    months 0..9's value in months 2..11 (100,000 deferred) and loses months 10 and 11's (20,000).
    """
    if not milestones:
        raise ValueInputError("milestones: a benefit at risk needs at least one enabling milestone")
    values = _cents(schedule, "schedule")
    horizon = len(values) if horizon is None else horizon
    if not 0 <= horizon <= MAX_PERIODS:
        raise ValueInputError(f"horizon: {horizon} is outside 0..{MAX_PERIODS}")
    planned_date = max(Milestone(*m).planned for m in milestones)
    forecast_date = max(Milestone(*m).forecast for m in milestones)
    slip = max(0, periods_between(planned_date, forecast_date, frequency))

    planned = np.zeros(horizon, np.int64)
    planned[:min(horizon, len(values))] = values[:horizon]
    forecast = np.zeros(horizon, np.int64)
    if slip < horizon:
        forecast[slip:] = planned[:horizon - slip]
    stays = np.arange(horizon) + slip < horizon
    moved = planned if slip else np.zeros(horizon, np.int64)
    deferred = np.where(stays, moved, 0)
    lost = np.where(stays, 0, moved)
    npv_planned = _money(_discounted(planned, annual_rate, frequency).sum())
    npv_forecast = _money(_discounted(forecast, annual_rate, frequency).sum())

    def money(cents: np.ndarray) -> tuple[Decimal, ...]:
        return tuple(Decimal(int(x)).scaleb(-2) for x in cents)

    return BenefitAtRisk(
        slip=slip,
        planned=money(planned),
        forecast=money(forecast),
        deferred=money(deferred),
        lost=money(lost),
        value_deferred=Decimal(int(deferred.sum())).scaleb(-2),
        value_lost=Decimal(int(lost.sum())).scaleb(-2),
        npv_planned=npv_planned,
        npv_forecast=npv_forecast,
        npv_lost=npv_planned - npv_forecast,
    )
