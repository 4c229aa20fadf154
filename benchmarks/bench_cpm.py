"""CPM benchmark: 100,000 activities, ~200,000 links of all four types, against a networkx CPM.

Run with ``python -m benchmarks.bench_cpm [--activities N] [--seed S]``. Both sides are timed twice, each
time from the same input: from the columns (``schedule_columns`` against a DiGraph built from the same
arrays) and from the ``Activity``/``Link`` objects (``schedule`` against a DiGraph built from the
objects). The network looks like a
large program: 100 projects of 1,000 activities running side by side, links mostly to recent activities
of the same project, 5 % across projects, shuffled so the engine sees them in random order.

Task calendars are timed from the columns too: every tenth activity on a copy of the project calendar
(the several-calendar path, which must give the same schedule as one calendar) and on a Monday-Saturday
calendar.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from datetime import date

import networkx as nx
import numpy as np

from pmo.engine import cpm
from pmo.engine.calendar import WorkCalendar
from pmo.engine.cpm import Activity, Link, LinkType, schedule, schedule_columns

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


def to_columns(activities: list[Activity], links: list[Link]) -> dict:
    """The network as columns (what :func:`pmo.engine.cpm.schedule_columns` takes): ids, durations, and
    links as positions in the activity list, with their type names and lags."""
    position = {a.id: k for k, a in enumerate(activities)}
    return {
        "ids": np.array([a.id for a in activities]),
        "duration": np.array([a.duration for a in activities]),
        "link_pred": np.array([position[link.pred] for link in links]),
        "link_succ": np.array([position[link.succ] for link in links]),
        "link_type": np.array([str(link.type) for link in links]),
        "link_lag": np.array([link.lag for link in links]),
    }


def networkx_cpm(
    activities: list[Activity], links: list[Link], start: float
) -> tuple[dict, dict, dict, dict]:
    """Textbook CPM over a networkx DiGraph built from the objects: one topological sort, per-node loops."""
    graph = nx.DiGraph()
    duration = {a.id: a.duration for a in activities}
    graph.add_nodes_from(duration)
    for link in links:
        graph.add_edge(link.pred, link.succ, type=link.type, lag=link.lag)
    return _networkx_passes(graph, duration, start)


def networkx_cpm_columns(columns: dict, start: float) -> tuple[dict, dict, dict, dict]:
    """The same CPM over a DiGraph built from the columns (activity positions as nodes)."""
    graph = nx.DiGraph()
    duration = dict(enumerate(columns["duration"].tolist()))
    graph.add_nodes_from(duration)
    graph.add_edges_from(
        (p, s, {"type": t, "lag": g})
        for p, s, t, g in zip(
            columns["link_pred"].tolist(), columns["link_succ"].tolist(), columns["link_type"].tolist(),
            columns["link_lag"].tolist(), strict=True,
        )
    )
    return _networkx_passes(graph, duration, start)


def _networkx_passes(graph: nx.DiGraph, duration: dict, start: float) -> tuple[dict, dict, dict, dict]:
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


def _phases(columns: dict, calendar: WorkCalendar, start: date) -> dict:
    """Time the engine's internal steps from the columns (private helpers: a benchmark, not an API)."""
    m = len(columns["link_pred"])
    code = np.zeros(m, dtype=np.int64)
    for kind, value in cpm._TYPE_CODE.items():
        code[columns["link_type"] == kind.value] = value
    cols = cpm._Columns(
        ids=columns["ids"], duration=columns["duration"], elapsed=np.zeros(len(columns["ids"]), bool), parent=None,
        details=[], pred=columns["link_pred"], succ=columns["link_succ"], code=code, lag=columns["link_lag"],
        lag_elapsed=np.zeros(m, bool), calendars=(calendar,), calendar_index=None,
    )
    t0 = time.perf_counter()
    net = cpm._compile(cols, start, None)
    t1 = time.perf_counter()
    levels = cpm._levels(net)
    t2 = time.perf_counter()
    es, ef = cpm._forward(net, levels)
    ls, lf = cpm._backward(net, levels, es, ef, float(ef.max()))
    cpm._result(net, es, ef, ls, lf, float(ef.max()))
    t3 = time.perf_counter()
    return {"compile": t1 - t0, "levels": t2 - t1, "passes": t3 - t2, "depth": len(levels.node_bounds) - 1}


def _best(repeat: int, run):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def _worst_gap(result: cpm.Schedule, ref: tuple[dict, dict, dict, dict], key) -> float:
    worst = 0.0
    for name, values in zip(("early_start", "early_finish", "late_start", "late_finish"), ref, strict=True):
        theirs = np.array([values[key(k, i)] for k, i in enumerate(result.ids)])
        worst = max(worst, float(np.abs(getattr(result, name) - theirs).max()))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=5)
    args, _ = parser.parse_known_args()

    calendar = WorkCalendar(weekmask="1111100", country="US", first_year=2024, last_year=2080)
    start = date(2025, 1, 6)
    t0 = time.perf_counter()
    activities, links = make_network(args.activities, seed=args.seed)
    columns = to_columns(activities, links)
    build = time.perf_counter() - t0

    objects_time, result = _best(args.repeat, lambda: schedule(activities, links, calendar, start=start))
    columns_time, from_columns = _best(args.repeat, lambda: schedule_columns(
        columns["ids"], columns["duration"], columns["link_pred"], columns["link_succ"], calendar, start=start,
        link_type=columns["link_type"], link_lag=columns["link_lag"],
    ))
    every_tenth = np.where(np.arange(len(columns["ids"])) % 10 == 0, 0, -1)

    def with_task_calendar(other: WorkCalendar) -> cpm.Schedule:
        return schedule_columns(
            columns["ids"], columns["duration"], columns["link_pred"], columns["link_succ"], calendar, start=start,
            link_type=columns["link_type"], link_lag=columns["link_lag"], calendars=[other],
            calendar_index=every_tenth,
        )

    twin_time, twin = _best(args.repeat, lambda: with_task_calendar(dataclasses.replace(calendar, name="copy")))
    six_days = dataclasses.replace(calendar, weekmask="1111110", name="Mon-Sat")
    six_time, on_six = _best(args.repeat, lambda: with_task_calendar(six_days))
    phases = [_phases(columns, calendar, start) for _ in range(args.repeat)]
    breakdown = {k: min(p[k] for p in phases) for k in phases[0]}
    passes = breakdown["levels"] + breakdown["passes"]

    t0 = time.perf_counter()
    nx_objects = networkx_cpm(activities, links, result.project_start)
    nx_objects_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    nx_columns = networkx_cpm_columns(columns, result.project_start)
    nx_columns_time = time.perf_counter() - t0

    position = {i: k for k, i in enumerate(columns["ids"].tolist())}
    worst = max(
        _worst_gap(result, nx_objects, lambda k, i: i),
        _worst_gap(from_columns, nx_columns, lambda k, i: position[i]),
        *(float(np.abs(getattr(result, f) - getattr(other, f)).max())
          for f in ("early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float")
          for other in (from_columns, twin)),
    )
    if worst > 1e-9 or result.ids != from_columns.ids:
        raise SystemExit(f"engine and networkx (or the two engine entry points) disagree by {worst} working days")

    rows = [
        ("generate network + columns (not timed below)", build),
        (f"engine: schedule_columns() from the columns (best of {args.repeat})", columns_time),
        ("  of which: columns -> network arrays", breakdown["compile"]),
        ("  of which: topological levels", breakdown["levels"]),
        ("  of which: forward + backward pass + floats", breakdown["passes"]),
        ("networkx CPM, graph from the same columns", nx_columns_time),
        (f"engine: schedule() from the objects (best of {args.repeat})", objects_time),
        ("networkx CPM, graph from the same objects", nx_objects_time),
        (f"engine: columns, 1 in 10 on a copy of the calendar (best of {args.repeat})", twin_time),
        (f"engine: columns, 1 in 10 on a Mon-Sat calendar (best of {args.repeat})", six_time),
    ]
    print(
        f"CPM benchmark: {len(activities):,} activities, {len(links):,} links, {breakdown['depth']} topological "
        f"levels, project length {result.project_finish - result.project_start:,.1f} working days, "
        f"{int(result.critical.sum()):,} critical"
    )
    print(f"{'step':<62}{'seconds':>10}")
    for label, seconds in rows:
        print(f"{label:<62}{seconds:>10.3f}")
    print(f"{'speed-up engine vs networkx, both from the same columns':<62}{nx_columns_time / columns_time:>9.1f}x")
    print(f"{'speed-up engine vs networkx, both from the same objects':<62}{nx_objects_time / objects_time:>9.1f}x")
    print(f"{'speed-up of the passes alone vs networkx (columns)':<62}{nx_columns_time / passes:>9.1f}x")
    print(f"dates identical: yes (max difference {worst:.1e} working days, objects, columns and the several-"
          "calendar path alike)")
    print(f"Mon-Sat task calendars: project length {on_six.project_finish - on_six.project_start:,.1f} working days")


if __name__ == "__main__":
    main()
