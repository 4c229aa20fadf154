"""Leveling benchmark: pmo's heuristic and exact modes on PSPLIB j30 and j120, beside naive baselines.

Run with ``python -m benchmarks.bench_leveling [options]`` (``--help`` lists them). The data are read from
``../shared/data/psplib`` (``--data``); without them the benchmark says so and stops.

* **j30 exact**: ``--j30`` instances spread evenly over the 480 (default: all), each under
  ``--j30-time-limit`` seconds, against the proven optima of ``j30opt.sm``: how many reach the optimum,
  how many are proven optimal, the mean and maximum solver (CP-SAT) and total times. Beside it, a plain
  CP-SAT model (an interval per job, one cumulative per resource, FS precedences, horizon = sum of
  durations, no warm start, no redundant constraint) under the same limit. pmo runs ``--workers`` CP-SAT
  threads (default 1) and its GA in the calling thread; the plain model gets one thread more, so both use
  the same number of threads (2 by default, the machine's cores).
* **j30 heuristic**: ``--j30-heuristic`` instances (default 48: one per parameter set) at
  ``--heuristic-time`` seconds each: mean gap to the optimum, beside one pass of the serial SGS with LFT.
* **j120 heuristic**: ``--j120-heuristic`` instances (default 60: instance 1 of each parameter set) at
  ``--heuristic-time`` seconds: mean percentage above the critical-path lower bound (the literature's
  measure), beside the single pass, and the best known solutions of ``j120hrs.sm`` on the same instances.
* **j120 exact**: ``--j120-exact`` instances (default 6: instance 1 of parameter sets spread over 1..60)
  at ``--j120-time-limit`` seconds (default 10; the issue's figure is at 60 s: ``--j120-time-limit 60
  --j120-exact 60``): mean percentage above ``j120hrs.sm``, beside the plain CP-SAT model.
* **j30 proofs** (``--j30-proof-limit S``): for each j30 instance the exact mode did not prove optimal, the
  seconds the plain model needs, told the optimum, to show that optimum - 1 is infeasible: the proof alone,
  which no warm start shortens.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from pmo.engine import leveling
from pmo.engine.psplib import PsplibProblem, read_reference, read_sm
from pmo.engine.rcpsp_check import violations

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "psplib"


def plain_model(problem: PsplibProblem, horizon: int | None = None):
    """The textbook CP-SAT model (makespan at most ``horizon``, default the sum of durations): (model, makespan)."""
    from ortools.sat.python import cp_model  # noqa: PLC0415

    jobs = problem.jobs
    horizon = sum(j.duration for j in jobs) if horizon is None else horizon
    model = cp_model.CpModel()
    start = [model.new_int_var(0, horizon - j.duration, f"s{j.number}") for j in jobs]
    intervals = [model.new_fixed_size_interval_var(start[k], j.duration, f"i{k}") for k, j in enumerate(jobs)]
    for k, job in enumerate(jobs):
        for s in job.successors:
            model.add(start[s - 1] >= start[k] + job.duration)
    for r, capacity in enumerate(problem.capacities):
        users = [k for k, j in enumerate(jobs) if j.requests[r] and j.duration]
        model.add_cumulative([intervals[k] for k in users], [jobs[k].requests[r] for k in users], capacity)
    makespan = model.new_int_var(0, horizon, "makespan")
    for k, job in enumerate(jobs):
        model.add(makespan >= start[k] + job.duration)
    return model, makespan


def _solver(time_limit: float, workers: int):
    from ortools.sat.python import cp_model  # noqa: PLC0415

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    return solver


def plain_cp_sat(problem: PsplibProblem, time_limit: float, workers: int) -> tuple[int | None, bool, float]:
    """The textbook CP-SAT model, no warm start: (makespan or None, proven optimal, seconds)."""
    from ortools.sat.python import cp_model  # noqa: PLC0415

    model, makespan = plain_model(problem)
    model.minimize(makespan)
    solver = _solver(time_limit, workers)
    t0 = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - t0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False, seconds
    return int(solver.objective_value), status == cp_model.OPTIMAL, seconds


def prove_optimum(problem: PsplibProblem, optimum: int, time_limit: float, workers: int) -> float | None:
    """Seconds the plain model takes to show that no schedule is shorter than the known ``optimum`` (the proof
    alone: the optimum is given), or None when the time limit ends first."""
    from ortools.sat.python import cp_model  # noqa: PLC0415

    model, _ = plain_model(problem, horizon=optimum - 1)
    solver = _solver(time_limit, workers)
    t0 = time.perf_counter()
    status = solver.solve(model)
    return time.perf_counter() - t0 if status == cp_model.INFEASIBLE else None


def spread(keys: list, count: int) -> list:
    """``count`` of ``keys`` evenly spread (all of them when count >= len)."""
    if count >= len(keys):
        return keys
    return [keys[int(i)] for i in np.linspace(0, len(keys) - 1, count).round()]


def load(data: Path, name: str) -> tuple[PsplibProblem, leveling.Problem]:
    """``name`` like ``j30/j301_1``: the file as read, and as a leveling problem."""
    problem = read_sm(data / f"{name}.sm")
    return problem, problem.to_leveling()


def checked(problem: leveling.Problem, result: leveling.Result) -> leveling.Result:
    errors = violations(problem, result.starts)
    if errors:
        raise SystemExit(f"infeasible schedule: {errors[:3]}")
    return result


def percent(values: list[float]) -> str:
    return f"{100 * statistics.fmean(values):.2f} %"


def j30_exact(data: Path, keys: list, optimum: dict, time_limit: float, workers: int) -> list:
    """The table; returns the instances pmo did not prove optimal."""
    ours = {"reached": 0, "proven": 0, "solver": [], "total": []}
    unproven = []
    plain = {"reached": 0, "proven": 0, "total": []}
    for p, i in keys:
        raw, problem = load(data, f"j30/j30{p}_{i}")
        best = optimum[p, i].upper
        result = checked(problem, leveling.level(problem, mode="exact", time_limit=time_limit, workers=workers))
        ours["reached"] += result.makespan == best
        ours["proven"] += result.status is leveling.Status.OPTIMAL
        if result.status is not leveling.Status.OPTIMAL:
            unproven.append((p, i))
        ours["solver"].append(result.solver_time)
        ours["total"].append(result.elapsed)
        makespan, proven, seconds = plain_cp_sat(raw, time_limit, workers + 1)
        plain["reached"] += makespan == best
        plain["proven"] += proven
        plain["total"].append(seconds)
    n = len(keys)
    print(f"\nj30 exact: {n} instances, time limit {time_limit:g} s, {workers + 1} threads each, against j30opt.sm")
    print(f"{'':34}{'at optimum':>11}{'proven':>8}{'mean s':>9}{'max s':>8}{f'> {time_limit:g} s':>8}")
    for label, row, times in (
        ("pmo exact: CP-SAT time", ours, ours["solver"]),
        ("pmo exact: total (warm start too)", ours, ours["total"]),
        ("plain CP-SAT, no warm start", plain, plain["total"]),
    ):
        late = sum(t >= time_limit - 0.05 for t in times)
        print(f"{label:34}{row['reached']:>7}/{n:<3}{row['proven']:>8}{statistics.fmean(times):>9.3f}"
              f"{max(times):>8.2f}{late:>8}")
    ratio = statistics.fmean(plain["total"]) / statistics.fmean(ours["total"])
    print(f"mean time, plain / pmo (total): {ratio:.1f}x")
    return unproven


def j30_proofs(data: Path, keys: list, optimum: dict, time_limit: float, workers: int) -> None:
    """Where the exact mode ran out of time: how long the proof alone takes, the optimum given."""
    print(f"\nj30 proofs: {len(keys)} instances pmo did not prove; the plain model, told the optimum, shows that "
          f"optimum - 1 is infeasible ({workers + 1} threads, limit {time_limit:g} s)")
    for p, i in keys:
        seconds = prove_optimum(read_sm(data / f"j30/j30{p}_{i}.sm"), optimum[p, i].upper, time_limit, workers + 1)
        print(f"  j30{p}_{i:<3} optimum {optimum[p, i].upper:>4}   "
              + (f"proven in {seconds:.2f} s" if seconds is not None else f"not proven in {time_limit:g} s"))


def heuristic_rows(data: Path, names: list[str], seconds: float) -> tuple[list, list, list, list]:
    """Per instance: pmo heuristic makespan, single-pass makespan, critical-path bound, schedules/s."""
    ours, single, bound, rate = [], [], [], []
    for name in names:
        _, problem = load(data, name)
        result = checked(problem, leveling.level(problem, time_limit=seconds))
        ours.append(result.makespan)
        single.append(checked(problem, leveling.single_pass(problem)).makespan)
        bound.append(result.unleveled_makespan)
        rate.append(result.schedules / result.elapsed)
    return ours, single, bound, rate


def j30_heuristic(data: Path, keys: list, optimum: dict, seconds: float) -> None:
    ours, single, _, rate = heuristic_rows(data, [f"j30/j30{p}_{i}" for p, i in keys], seconds)
    best = [optimum[k].upper for k in keys]
    gap = [m / b - 1 for m, b in zip(ours, best, strict=True)]
    single_gap = [m / b - 1 for m, b in zip(single, best, strict=True)]
    print(f"\nj30 heuristic: {len(keys)} instances at {seconds:g} s each, mean gap to the optimum")
    print(f"  pmo heuristic (GA + justification)   {percent(gap):>9}   at optimum {sum(g == 0 for g in gap)}"
          f"/{len(gap)}   {statistics.fmean(rate):,.0f} schedules/s")
    print(f"  single pass, serial SGS, LFT         {percent(single_gap):>9}")


def j120_heuristic(data: Path, keys: list, best: dict, seconds: float) -> None:
    ours, single, bound, rate = heuristic_rows(data, [f"j120/j120{p}_{i}" for p, i in keys], seconds)
    above = [m / b - 1 for m, b in zip(ours, bound, strict=True)]
    single_above = [m / b - 1 for m, b in zip(single, bound, strict=True)]
    best_above = [best[k].upper / b - 1 for k, b in zip(keys, bound, strict=True)]
    print(f"\nj120 heuristic: {len(keys)} instances at {seconds:g} s each, mean above the critical-path bound")
    print(f"  pmo heuristic (GA + justification)   {percent(above):>9}   {statistics.fmean(rate):,.0f} schedules/s")
    print(f"  single pass, serial SGS, LFT         {percent(single_above):>9}")
    print(f"  best known (j120hrs.sm)              {percent(best_above):>9}")
    ours_above = [m / best[k].upper - 1 for m, k in zip(ours, keys, strict=True)]
    print(f"  pmo above the best known             {percent(ours_above):>9}")


def j120_exact(data: Path, keys: list, best: dict, time_limit: float, workers: int) -> None:
    ours, plain, proven, bounds = [], [], 0, []
    for p, i in keys:
        raw, problem = load(data, f"j120/j120{p}_{i}")
        result = checked(problem, leveling.level(problem, mode="exact", time_limit=time_limit, workers=workers))
        ours.append(result.makespan / best[p, i].upper - 1)
        proven += result.status is leveling.Status.OPTIMAL
        bounds.append(result.gap)
        makespan, _, _ = plain_cp_sat(raw, time_limit, workers + 1)
        plain.append(makespan / best[p, i].upper - 1 if makespan else float("nan"))
    print(f"\nj120 exact: {len(keys)} instances (parameter sets {', '.join(str(p) for p, _ in keys)}, instance 1) "
          f"at {time_limit:g} s, {workers + 1} threads each, mean above j120hrs.sm")
    print(f"  pmo exact (warm start)               {percent(ours):>9}   proven optimal {proven}/{len(keys)}, "
          f"mean gap to its own lower bound {percent(bounds)}")
    print(f"  plain CP-SAT, no warm start          {percent(plain):>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--j30", type=int, default=480, help="j30 instances in exact mode (0: skip)")
    parser.add_argument("--j30-time-limit", type=float, default=2.0)
    parser.add_argument("--j30-heuristic", type=int, default=48, help="j30 instances in heuristic mode")
    parser.add_argument("--j120-heuristic", type=int, default=60, help="j120 instances in heuristic mode")
    parser.add_argument("--j120-exact", type=int, default=6, help="j120 instances in exact mode")
    parser.add_argument("--j120-time-limit", type=float, default=10.0)
    parser.add_argument("--j30-proof-limit", type=float, default=0.0,
                        help="seconds for the proof alone on each j30 instance pmo did not prove (0: skip)")
    parser.add_argument("--heuristic-time", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=1, help="pmo's CP-SAT threads (the plain model gets one more)")
    args, _ = parser.parse_known_args()
    if not args.data.is_dir():
        print(f"PSPLIB data not found at {args.data}: nothing to benchmark")
        return
    optimum = read_reference(args.data / "j30opt.sm")
    best = read_reference(args.data / "j120hrs.sm")
    j30 = sorted(optimum)
    j120_first = [(p, 1) for p in range(1, 61)]
    print(f"Leveling benchmark on PSPLIB ({args.data})")
    if args.j30:
        unproven = j30_exact(args.data, spread(j30, args.j30), optimum, args.j30_time_limit, args.workers)
        if args.j30_proof_limit > 0 and unproven:
            j30_proofs(args.data, unproven, optimum, args.j30_proof_limit, args.workers)
    if args.j30_heuristic:
        j30_heuristic(args.data, spread(j30, args.j30_heuristic), optimum, args.heuristic_time)
    if args.j120_heuristic:
        j120_heuristic(args.data, spread(j120_first, args.j120_heuristic), best, args.heuristic_time)
    if args.j120_exact:
        j120_exact(args.data, spread(j120_first, args.j120_exact), best, args.j120_time_limit, args.workers)


if __name__ == "__main__":
    main()
