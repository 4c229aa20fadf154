"""Portfolio selection benchmark: 300 candidates, 5 yearly budgets and 100 dependencies with CP-SAT, beside
the greedy rule of thumb (value per share of the budgets) in the same run.

Run with ``python -m benchmarks.bench_selection [--candidates N] [--dependencies D] [--seed S]
[--time-limit T] [--workers W ...] [--frontier]`` (``--frontier`` also times the default 20-level efficient
frontier, 2 s per level at most). The portfolio looks like a PMO's funding round: each candidate runs
1-3 of the 5 years from a random start, costs a log-normal amount (median 1 M) spread evenly over its
years, and is worth its cost times a return between -20 % and +150 % plus noise (so value follows cost:
the hard case for a knapsack); 3 % are mandatory (regulatory work); each dependency makes a candidate
require an earlier one; every year's budget is 35 % of what all candidates ask for that year. Both
selections are checked against every constraint independently before the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import time
from decimal import Decimal

import numpy as np

from pmo.engine.selection import Candidate, Selection, Status, frontier, greedy, select

YEARS = 5


def make_portfolio(n: int, dependencies: int, seed: int) -> tuple[list[Candidate], list[Decimal]]:
    rng = np.random.default_rng(seed)
    start = rng.integers(0, YEARS, n)
    length = np.minimum(rng.integers(1, 4, n), YEARS - start)
    total = np.round(rng.lognormal(np.log(1_000_000), 0.8, n), -3).astype(np.int64)
    value = np.round(total * rng.uniform(-0.2, 1.5, n) + rng.normal(0, 100_000, n), -2).astype(np.int64)
    mandatory = rng.random(n) < 0.03
    requires: list[list[str]] = [[] for _ in range(n)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < dependencies:
        a, b = sorted(rng.choice(n, 2, replace=False).tolist(), reverse=True)
        pairs.add((a, b))
    for a, b in sorted(pairs):
        requires[a].append(f"C{b:03d}")
    candidates, demand = [], np.zeros(YEARS, np.int64)
    for k in range(n):
        costs = [0] * YEARS
        for y in range(int(start[k]), int(start[k] + length[k])):
            costs[y] = int(total[k] // length[k])
        demand += costs
        candidates.append(Candidate(f"C{k:03d}", Decimal(int(value[k])), [Decimal(c) for c in costs],
                                    mandatory=bool(mandatory[k]), requires=tuple(requires[k])))
    return candidates, [Decimal(int(d * 35 // 100)) for d in demand]


def check(candidates: list[Candidate], budgets: list[Decimal], result: Selection) -> None:
    """Every constraint, recomputed from the candidates, and the objective as the sum of the chosen values."""
    chosen = set(result.chosen)
    by_id = {c.id: c for c in candidates}
    for c in candidates:
        if c.mandatory and c.id not in chosen:
            raise SystemExit(f"mandatory {c.id} left out")
        if c.id in chosen and not set(c.requires) <= chosen:
            raise SystemExit(f"{c.id} chosen without {set(c.requires) - chosen}")
    for y, budget in enumerate(budgets):
        if sum(by_id[i].costs[y] for i in chosen) > budget:
            raise SystemExit(f"year {y} over budget")
    if sum(Decimal(by_id[i].value) for i in chosen) != result.objective:
        raise SystemExit("objective is not the sum of the chosen values")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--dependencies", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--frontier", action="store_true")
    args, _ = parser.parse_known_args()

    candidates, budgets = make_portfolio(args.candidates, args.dependencies, args.seed)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    rule = greedy(candidates, budgets)
    greedy_time = time.perf_counter() - t0
    check(candidates, budgets, rule)
    runs = []
    for workers in args.workers:
        t0 = time.perf_counter()
        runs.append((workers, select(candidates, budgets, time_limit=args.time_limit, workers=workers,
                                     seed=args.seed), time.perf_counter() - t0))
        check(candidates, budgets, runs[-1][1])
    load = max(load, os.getloadavg()[0])

    mandatory = sum(c.mandatory for c in candidates)
    print(f"Selection benchmark: {len(candidates)} candidates ({mandatory} mandatory), {YEARS} yearly budgets "
          f"(35 % of demand), {args.dependencies} dependencies; CP-SAT limit {args.time_limit:g} s; load average "
          f"up to {load:.2f} on {os.cpu_count()} cores")
    print(f"{'method':<44}{'seconds':>9}{'value':>18}{'chosen':>8}  status")
    print(f"{'greedy by value per share of the budgets':<44}{greedy_time:>9.3f}{rule.objective:>18,.2f}"
          f"{len(rule.chosen):>8}  {rule.status}")
    for workers, result, seconds in runs:
        print(f"{f'CP-SAT (select), {workers} worker(s)':<44}{seconds:>9.3f}{result.objective:>18,.2f}"
              f"{len(result.chosen):>8}  {result.status}, bound {result.bound:,.2f}, gap {result.gap:.4%}")
    best = max((result for _, result, _ in runs), key=lambda r: r.objective)
    share = float(rule.objective / best.objective) if best.objective else float("nan")
    print(f"greedy reaches {share:.2%} of the best value found ({best.objective - rule.objective:,.2f} less); "
          f"budget use {sum(best.costs) / sum(budgets):.1%} (CP-SAT) vs {sum(rule.costs) / sum(budgets):.1%} "
          f"(greedy)")

    if args.frontier:
        t0 = time.perf_counter()
        points = frontier(candidates, budgets)
        proven = sum(p.status is Status.OPTIMAL for p in points)
        worst = max((float((p.bound - p.objective) / p.objective) for p in points if p.objective), default=0.0)
        print(f"efficient frontier, {len(points)} budget levels ({points[0].factor:g}x..{points[-1].factor:g}x): "
              f"{time.perf_counter() - t0:.1f} s, {proven} proven optimal, largest gap {worst:.3%}")


if __name__ == "__main__":
    main()
