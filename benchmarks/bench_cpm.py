"""CPM benchmark: 100,000 activities, ~200,000 links of all four types, against a networkx CPM.

Run with ``python -m benchmarks.bench_cpm [--activities N] [--seed S]``. The network looks like a
large program: 100 projects of 1,000 activities running side by side, links mostly to recent activities
of the same project, 5 % across projects, shuffled so the engine sees them in random order.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import networkx as nx
import numpy as np

from pmo.engine import cpm
from pmo.engine.calendar import WorkCalendar
from pmo.engine.cpm import Activity, Link, LinkType, schedule

TYPES = [LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF]


def make_network(
    n: int = 100_000, links_per_activity: float = 2.0, seed: int = 20240601
) -> tuple[list[Activity], list[Link]]:
    """Random program network with a fixed seed: ids are shuffled, links go to recent earlier activities
    of the same project, 5 % to another project's."""
    rng = np.random.default_rng(seed)
    projects = 100
    project, slot = (
        np.arange(n) % projects,
        np.arange(n) // projects,
    )  # interleaved: a valid topological order
    m = int(n * links_per_activity * 1.05)
    succ = rng.integers(0, n, m)
    back = rng.integers(1, 40, m)
    cross = rng.random(m) < 0.05
    pred_project = np.where(cross, rng.integers(0, projects, m), project[succ])
    pred = (slot[succ] - back) * projects + pred_project
    ok = (pred >= 0) & (pred != succ)
    pred, succ = pred[ok], succ[ok]
    pairs = np.unique(np.stack([pred, succ], axis=1), axis=0)
    pred, succ = pairs[:, 0], pairs[:, 1]
    kind = rng.choice(4, len(pred), p=[0.7, 0.12, 0.12, 0.06])
    lag = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0, -1.0, 0.5], len(pred))
    duration = np.where(rng.random(n) < 0.05, 0.0, rng.integers(1, 15, n).astype(float))
    names = [f"P{p:03d}-{i:06d}" for p, i in zip(project.tolist(), rng.permutation(n).tolist(), strict=True)]
    activities = [Activity(names[i], float(duration[i])) for i in rng.permutation(n).tolist()]
    links = [
        Link(names[p], names[s], TYPES[k], float(g))
        for p, s, k, g in zip(pred.tolist(), succ.tolist(), kind.tolist(), lag.tolist(), strict=True)
    ]
    order = rng.permutation(len(links))
    return activities, [links[i] for i in order.tolist()]


def networkx_cpm(
    activities: list[Activity], links: list[Link], start: float
) -> tuple[dict, dict, dict, dict]:
    """Textbook CPM over a networkx DiGraph: one topological sort, per-node Python loops."""
    graph = nx.DiGraph()
    duration = {a.id: a.duration for a in activities}
    graph.add_nodes_from(duration)
    for link in links:
        graph.add_edge(link.pred, link.succ, type=link.type, lag=link.lag)
    order = list(nx.topological_sort(graph))
    es, ef = {}, {}
    for node in order:
        s = start
        for p, _, data in graph.in_edges(node, data=True):
            t, lag = data["type"], data["lag"]
            if t == LinkType.FS:
                s = max(s, ef[p] + lag)
            elif t == LinkType.SS:
                s = max(s, es[p] + lag)
            elif t == LinkType.FF:
                s = max(s, ef[p] + lag - duration[node])
            else:
                s = max(s, es[p] + lag - duration[node])
        es[node], ef[node] = s, s + duration[node]
    finish = max(ef.values())
    ls, lf = {}, {}
    for node in reversed(order):
        f = finish
        for _, s, data in graph.out_edges(node, data=True):
            t, lag = data["type"], data["lag"]
            if t == LinkType.FS:
                f = min(f, ls[s] - lag)
            elif t == LinkType.SS:
                f = min(f, ls[s] - lag + duration[node])
            elif t == LinkType.FF:
                f = min(f, lf[s] - lag)
            else:
                f = min(f, lf[s] - lag + duration[node])
        lf[node], ls[node] = f, f - duration[node]
    return es, ef, ls, lf


def _phases(activities: list[Activity], links: list[Link], calendar: WorkCalendar, start: float) -> dict:
    """Time the engine's internal steps separately (private helpers: this is a benchmark, not an API)."""
    t0 = time.perf_counter()
    net = cpm._compile(list(activities), list(links), calendar, start, None)
    t1 = time.perf_counter()
    levels = cpm._levels(net)
    t2 = time.perf_counter()
    es, ef = cpm._forward(net, calendar, levels)
    ls, lf = cpm._backward(net, calendar, levels, es, ef, float(ef.max()))
    cpm._result(net, calendar, es, ef, ls, lf, start, float(ef.max()), None)
    t3 = time.perf_counter()
    return {
        "objects -> arrays": t1 - t0,
        "levels": t2 - t1,
        "passes": t3 - t2,
        "depth": len(levels.node_bounds) - 1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    calendar = WorkCalendar(weekmask="1111100", country="US", first_year=2024, last_year=2080)
    start = date(2025, 1, 6)
    t0 = time.perf_counter()
    activities, links = make_network(args.activities, seed=args.seed)
    build = time.perf_counter() - t0

    engine_times, phases = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = schedule(activities, links, calendar, start=start)
        engine_times.append(time.perf_counter() - t0)
        phases.append(_phases(activities, links, calendar, result.project_start))
    engine = min(engine_times)
    breakdown = {k: min(p[k] for p in phases) for k in phases[0]}
    passes = breakdown["levels"] + breakdown["passes"]

    t0 = time.perf_counter()
    es, ef, ls, lf = networkx_cpm(activities, links, result.project_start)
    nx_time = time.perf_counter() - t0

    worst = 0.0
    for name, ref in (("early_start", es), ("early_finish", ef), ("late_start", ls), ("late_finish", lf)):
        ours = getattr(result, name)
        theirs = np.array([ref[i] for i in result.ids])
        worst = max(worst, float(np.abs(ours - theirs).max()))
    if worst > 1e-9:
        raise SystemExit(f"engine and networkx disagree by {worst} working days")

    depth_note = f"{len(activities):,} activities, {len(links):,} links"
    rows = [
        ("generate network (not timed below)", build),
        (f"engine: schedule() from the objects (best of {args.repeat})", engine),
        ("  of which: objects -> arrays", breakdown["objects -> arrays"]),
        ("  of which: topological levels", breakdown["levels"]),
        ("  of which: forward + backward pass + floats", breakdown["passes"]),
        ("networkx CPM (graph from the same objects)", nx_time),
    ]
    print(
        f"CPM benchmark: {depth_note}, {breakdown['depth']} topological levels, "
        f"project length {result.project_finish - result.project_start:,.1f} working days, "
        f"{int(result.critical.sum()):,} critical"
    )
    print(f"{'step':<52}{'seconds':>10}")
    for label, seconds in rows:
        print(f"{label:<52}{seconds:>10.3f}")
    print(f"{'speed-up engine vs networkx':<52}{nx_time / engine:>9.1f}x")
    print(f"{'speed-up of the passes alone vs networkx':<52}{nx_time / passes:>9.1f}x")
    print(f"dates identical: yes (max difference {worst:.1e} working days)")


if __name__ == "__main__":
    main()
