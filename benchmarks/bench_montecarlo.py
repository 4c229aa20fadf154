"""Monte Carlo benchmark: the vectorised engine against per-iteration CPM loops, and a 10,000-task run.

Run with ``python -m benchmarks.bench_montecarlo [--baseline-iterations N] [--seed S]``.

(a) 10,000 iterations on 1,000 tasks (~2 links each, all four types, lags), 50 risk events;
    against two per-iteration baselines on the same network and pre-sampled durations (sampling
    excluded from their time, so the ratios are conservative): ``pmo.engine.cpm.schedule`` called
    once per iteration, and a plain Python forward pass (finish only). They are timed on
    ``--baseline-iterations`` iterations and scaled to 10,000 (both are linear in iterations).
(b) 10,000 iterations on 10,000 tasks: time, then peak traced memory (tracemalloc, second run)
    and the process's peak resident set size.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date

import numpy as np

from pmo.engine.distributions import pert_ppf
from pmo.engine.montecarlo import RiskEvent, SimActivity, SimLink, SimulationInput, simulate
from pmo.engine.network import topological_order

TYPES = ("FS", "SS", "FF", "SF")
ITERATIONS = 10_000


def make_input(
    tasks: int, risks: int = 50, seed: int = 20240601, correlation: float = 0.0
) -> SimulationInput:
    """A random program-like network: links go to recent earlier tasks (~2 per task, 70% FS,
    12% SS, 12% FF, 6% SF, lags -1..2), a third of the tasks PERT, half of them with a cost range,
    ``risks`` risk events (one in five an opportunity) hitting 1-5 tasks each."""
    rng = np.random.default_rng(seed)
    low = rng.integers(1, 10, tasks).astype(float)
    likely = low + rng.integers(0, 10, tasks)
    high = likely + rng.integers(1, 15, tasks)
    activities = [
        SimActivity(
            f"T{i:05d}",
            low[i],
            likely[i],
            high[i],
            distribution="pert" if i % 3 == 0 else "triangular",
            **({"cost_min": 800.0, "cost_most_likely": 1000.0, "cost_max": 1600.0} if i % 2 else {}),
            fixed_cost=100.0,
        )
        for i in range(tasks)
    ]
    succ = np.repeat(np.arange(1, tasks), 2)
    pred = succ - rng.integers(1, 40, succ.size)
    keep = pred >= 0
    pairs = np.unique(np.stack([pred[keep], succ[keep]], axis=1), axis=0)
    kinds = rng.choice(4, len(pairs), p=[0.70, 0.12, 0.12, 0.06])
    lags = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0, -1.0], len(pairs))
    links = [
        SimLink(f"T{p:05d}", f"T{s:05d}", TYPES[k], g)
        for (p, s), k, g in zip(pairs.tolist(), kinds.tolist(), lags.tolist(), strict=True)
    ]
    events = [
        RiskEvent(
            f"R{k:02d}",
            float(rng.uniform(0.05, 0.5)),
            tuple(f"T{j:05d}" for j in rng.choice(tasks, int(rng.integers(1, 6)), replace=False).tolist()),
            1.0,
            3.0,
            10.0,
            1_000.0,
            5_000.0,
            20_000.0,
            kind="opportunity" if k % 5 == 4 else "threat",
        )
        for k in range(risks)
    ]
    return SimulationInput(
        tuple(activities),
        tuple(links),
        tuple(events),
        iterations=ITERATIONS,
        seed=seed,
        correlation=correlation,
    )


def presampled_durations(inp: SimulationInput, iterations: int, seed: int) -> np.ndarray:
    """(iterations, tasks) triangular durations for the baselines (risks left out: less work for them)."""
    rng = np.random.default_rng(seed)
    a = np.array([x.min for x in inp.activities])
    m = np.array([x.most_likely for x in inp.activities])
    b = np.array([x.max for x in inp.activities])
    return rng.triangular(a, m, b, size=(iterations, len(a)))


def python_forward_pass(inp: SimulationInput, durations: np.ndarray) -> np.ndarray:
    """The naive engine: per iteration, one pure-Python forward pass in topological order."""
    index = {x.id: i for i, x in enumerate(inp.activities)}
    n = len(index)
    pred = np.array([index[k.pred] for k in inp.links])
    succ = np.array([index[k.succ] for k in inp.links])
    order = topological_order(n, pred, succ, list(index)).tolist()
    incoming: list[list[tuple[int, str, float]]] = [[] for _ in range(n)]
    for link in inp.links:
        incoming[index[link.succ]].append((index[link.pred], link.type, link.lag))
    finishes = np.empty(len(durations))
    for it, row in enumerate(durations.tolist()):
        es = [0.0] * n
        ef = [0.0] * n
        for j in order:
            d = row[j]
            start = 0.0
            for p, kind, lag in incoming[j]:
                if kind == "FS":
                    bound = ef[p] + lag
                elif kind == "SS":
                    bound = es[p] + lag
                elif kind == "FF":
                    bound = ef[p] + lag - d
                else:
                    bound = es[p] + lag - d
                if bound > start:
                    start = bound
            es[j] = start
            ef[j] = start + d
        finishes[it] = max(ef)
    return finishes


def vectorised_forward_pass(network, internal: np.ndarray) -> np.ndarray:
    """The engine's own forward pass (private API) over (tasks, iterations) durations, 1,024 a chunk."""
    finishes = [
        network.forward(internal[:, k : k + 1024])[network.n :].max(axis=0)
        for k in range(0, internal.shape[1], 1024)
    ]
    return np.concatenate(finishes)


def cpm_schedule_loop(inp: SimulationInput, durations: np.ndarray) -> np.ndarray:
    """The project's deterministic CPM engine (forward + backward pass) called once per iteration."""
    from pmo.engine.calendar import WorkCalendar
    from pmo.engine.cpm import Activity, Link, schedule

    calendar = WorkCalendar()
    links = [Link(k.pred, k.succ, k.type, k.lag) for k in inp.links]
    ids = [x.id for x in inp.activities]
    finishes = np.empty(len(durations))
    for it, row in enumerate(durations.tolist()):
        activities = [Activity(i, d) for i, d in zip(ids, row, strict=True)]
        finishes[it] = schedule(activities, links, calendar, start=date(2026, 1, 5)).project_finish
    return finishes


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall-clock and process CPU seconds; CPU time is the fairer ratio on a shared machine."""

    wall: float
    cpu: float

    def scaled(self, factor: float) -> Timing:
        return Timing(self.wall * factor, self.cpu * factor)

    def ratio(self, other: Timing) -> str:
        return f"x{self.wall / other.wall:.1f} wall, x{self.cpu / other.cpu:.1f} CPU"


def timed(fn, *args, repeat: int = 1):
    """Best of ``repeat`` runs (by wall time) and the last result."""
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn(*args)
        timing = Timing(time.perf_counter() - wall, time.process_time() - cpu)
        best = timing if best is None or timing.wall < best.wall else best
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-iterations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    pert_ppf(np.full((1, 1), 0.5), np.full((1, 1), 0.5))  # one-off table build (~0.8 s per process)
    rows: list[tuple[str, Timing | None, str]] = []

    small = make_input(1_000, seed=args.seed)
    simulate(small)  # warm caches and allocator
    engine, result = timed(simulate, small, repeat=3)
    rows.append(
        (
            "(a) engine: 1,000 tasks, 10,000 iterations",
            engine,
            f"{len(small.links)} links, 50 risks; P50 {result.finish.p50:.1f} P80 {result.finish.p80:.1f}",
        )
    )
    correlated = make_input(1_000, seed=args.seed, correlation=0.5)
    engine_c, _ = timed(simulate, correlated, repeat=3)
    rows.append(("(a) same with correlation 0.5", engine_c, "Gaussian copula: normals + Phi"))

    durations = presampled_durations(small, ITERATIONS, args.seed)
    sample = durations[: args.baseline_iterations]
    scale = ITERATIONS / args.baseline_iterations
    scaled = f"timed on {args.baseline_iterations} iterations, scaled"
    try:
        cpm, _ = timed(cpm_schedule_loop, small, sample)
    except ImportError as exc:  # the CPM engine is developed alongside
        rows.append(("baseline: pmo.engine.cpm.schedule per iteration", None, str(exc)))
    else:
        cpm = cpm.scaled(scale)
        rows.append(
            ("baseline: pmo.engine.cpm.schedule per iteration", cpm, f"{cpm.ratio(engine)}; {scaled}")
        )
    naive, naive_finish = timed(python_forward_pass, small, sample)
    naive = naive.scaled(scale)
    rows.append(("naive Python forward pass per iteration", naive, f"{naive.ratio(engine)}; {scaled}"))
    internal = np.ascontiguousarray(durations[:, small._network.order].T)  # the engine's row order
    kernel, finish = timed(vectorised_forward_pass, small._network, internal, repeat=3)
    difference = np.abs(finish[: len(naive_finish)] - naive_finish).max()
    rows.append(
        (
            "vectorised forward pass alone, same durations",
            kernel,
            f"naive is {naive.ratio(kernel)} (like for like); max |finish diff| {difference:g}",
        )
    )

    large = make_input(10_000, seed=args.seed)
    big, _ = timed(simulate, large)
    tracemalloc.start()
    simulate(large)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(
        (
            "(b) engine: 10,000 tasks, 10,000 iterations",
            big,
            f"{len(large.links)} links; peak traced {peak / 2**20:.0f} MiB, process max RSS {rss:.0f} MiB",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'wall s':>8}  {'CPU s':>8}  notes")
    for case, timing, note in rows:
        wall, cpu = (f"{timing.wall:.3f}", f"{timing.cpu:.3f}") if timing else ("n/a", "n/a")
        print(f"{case:<{width}}  {wall:>8}  {cpu:>8}  {note}")


if __name__ == "__main__":
    main()
