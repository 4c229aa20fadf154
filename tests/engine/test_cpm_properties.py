"""Property tests of the CPM engine on random acyclic networks (hypothesis)."""

import dataclasses
from datetime import date

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.calendar import WorkCalendar
from pmo.engine.cpm import Activity, Link, LinkType, schedule

DAYS = WorkCalendar(weekmask="1111111", first_year=2024, last_year=2026)
WORKWEEK = WorkCalendar(country="US", first_year=2024, last_year=2027)
START = date(2024, 3, 4)
TYPES = [LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF]


@st.composite
def networks(draw, *, fs_only: bool = False, max_size: int = 25):
    """Random DAG: activities a000.. in a hidden order, links only from earlier to later ones."""
    n = draw(st.integers(1, max_size))
    durations = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1])
    edges = draw(st.lists(pairs, max_size=3 * n, unique=True)) if n > 1 else []
    links = []
    for p, s in edges:
        kind = LinkType.FS if fs_only else draw(st.sampled_from(TYPES))
        lag = draw(st.integers(0, 4)) if fs_only else draw(st.integers(-3, 4))
        links.append(Link(f"a{p:03d}", f"a{s:03d}", kind, lag))
    return [Activity(f"a{i:03d}", d) for i, d in enumerate(durations)], links


def reference_cpm(activities, links):
    """Dictionary CPM straight from the definitions, same conventions (nothing before the start)."""
    dur = {a.id: a.duration for a in activities}
    graph = nx.DiGraph()
    graph.add_nodes_from(dur)
    for link in links:
        graph.add_edge(link.pred, link.succ, link=link)
    es, ef = {}, {}
    for v in nx.topological_sort(graph):
        s = 0.0
        for u, _, data in graph.in_edges(v, data=True):
            link = data["link"]
            src = ef[u] if link.type in (LinkType.FS, LinkType.FF) else es[u]
            back = dur[v] if link.type in (LinkType.FF, LinkType.SF) else 0
            s = max(s, src + link.lag - back)
        es[v], ef[v] = s, s + dur[v]
    finish = max(ef.values())
    ls, lf = {}, {}
    for v in reversed(list(nx.topological_sort(graph))):
        f = finish
        for _, w, data in graph.out_edges(v, data=True):
            link = data["link"]
            tgt = lf[w] if link.type in (LinkType.FF, LinkType.SF) else ls[w]
            ahead = dur[v] if link.type in (LinkType.SS, LinkType.SF) else 0
            f = min(f, tgt - link.lag + ahead)
        lf[v], ls[v] = f, f - dur[v]
    return es, ef, ls, lf


def relative(result, name):
    return dict(zip(result.ids, (getattr(result, name) - result.project_start).tolist(), strict=True))


@settings(max_examples=150, deadline=None)
@given(networks())
def test_floats_are_consistent(net):
    activities, links = net
    result = schedule(activities, links, DAYS, start=START)
    assert np.all(result.late_start >= result.early_start - 1e-9)
    assert np.all(result.late_finish >= result.early_finish - 1e-9)
    assert np.all(result.total_float >= -1e-9)  # no constraints: never negative
    assert np.all(result.free_float >= -1e-9)
    assert np.all(result.free_float <= result.total_float + 1e-9)
    assert np.all(result.early_start >= result.project_start)
    assert np.isclose(result.early_finish.max(), result.project_finish)
    assert result.critical.any()


@settings(max_examples=150, deadline=None)
@given(networks())
def test_all_link_types_agree_with_a_reference_cpm(net):
    activities, links = net
    result = schedule(activities, links, DAYS, start=START)
    for name, ref in zip(
        ("early_start", "early_finish", "late_start", "late_finish"),
        reference_cpm(activities, links),
        strict=True,
    ):
        assert relative(result, name) == ref, name


@settings(max_examples=100, deadline=None)
@given(networks(fs_only=True))
def test_critical_activities_are_exactly_those_on_a_longest_path(net):
    activities, links = net
    graph = nx.DiGraph()
    dur = {a.id: a.duration for a in activities}
    for a in activities:  # source -> a -> sink; edge weights carry durations and lags
        graph.add_edge("source", a.id, weight=0)
        graph.add_edge(a.id, "sink", weight=a.duration)
    for link in links:
        graph.add_edge(link.pred, link.succ, weight=dur[link.pred] + link.lag)
    length = nx.dag_longest_path_length(graph, weight="weight")
    result = schedule(activities, links, DAYS, start=START)
    assert result.project_finish - result.project_start == length
    order = list(nx.topological_sort(graph))
    head = dict.fromkeys(graph, -np.inf)
    head["source"] = 0
    for v in order:
        for _, w, d in graph.out_edges(v, data=True):
            head[w] = max(head[w], head[v] + d["weight"])
    tail = dict.fromkeys(graph, -np.inf)
    tail["sink"] = 0
    for v in reversed(order):
        for _, w, d in graph.out_edges(v, data=True):
            tail[v] = max(tail[v], d["weight"] + tail[w])
    on_longest = {a.id for a in activities if head[a.id] + tail[a.id] == length}
    assert set(np.asarray(result.ids)[result.critical].tolist()) == on_longest
    longest = [v for v in nx.dag_longest_path(graph, weight="weight") if v not in ("source", "sink")]
    assert set(longest) <= on_longest


@settings(max_examples=60, deadline=None)
@given(networks(max_size=20), st.randoms(use_true_random=False))
def test_result_is_independent_of_input_order(net, rnd):
    activities, links = net
    first = schedule(activities, links, WORKWEEK, start=START)
    shuffled_acts, shuffled_links = activities[:], links[:]
    rnd.shuffle(shuffled_acts)
    rnd.shuffle(shuffled_links)
    again = schedule(shuffled_acts, shuffled_links, WORKWEEK, start=START)
    assert again.ids == first.ids
    for name in (
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float",
        "free_float",
        "critical",
    ):
        assert getattr(again, name).tolist() == getattr(first, name).tolist(), name
    assert again.start_dates().tolist() == first.start_dates().tolist()
    assert [again.driving_predecessors(i) for i in again.ids] == [
        first.driving_predecessors(i) for i in first.ids
    ]


@settings(max_examples=60, deadline=None)
@given(networks(max_size=15))
def test_every_activity_after_the_start_has_a_driving_predecessor(net):
    activities, links = net
    result = schedule(activities, links, DAYS, start=START)
    for i, key in enumerate(result.ids):
        if result.early_start[i] > result.project_start:
            assert result.driving_predecessors(key), key


SATURDAYS = WorkCalendar(weekmask="1111110", country="US", first_year=2024, last_year=2027, name="Mon-Sat")


@settings(max_examples=100, deadline=None)
@given(networks(), st.data())
def test_task_calendars_equal_to_the_project_calendar_change_nothing(net, data):
    """Tasks on a copy of the project calendar go through the several-calendar path (instants) and get
    the same schedule as on one calendar."""
    activities, links = net
    copy = dataclasses.replace(WORKWEEK, name="copy")
    chosen = data.draw(st.lists(st.booleans(), min_size=len(activities), max_size=len(activities)))
    moved = [dataclasses.replace(a, calendar=copy) if c else a for a, c in zip(activities, chosen, strict=True)]
    one = schedule(activities, links, WORKWEEK, start=START)
    several = schedule(moved, links, WORKWEEK, start=START)
    for name in ("early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float"):
        assert np.allclose(getattr(one, name), getattr(several, name), atol=1e-9), name
    assert (one.start_dates() == several.start_dates()).all() and (one.finish_dates() == several.finish_dates()).all()


@settings(max_examples=100, deadline=None)
@given(networks(), st.data())
def test_task_calendars_keep_every_link(net, data):
    """With tasks on a Monday-Saturday calendar every link holds in the early schedule, counted on its
    successor's calendar (where MS Project counts the lag), and nothing starts before the project start.

    Total float may go negative without any constraint: converting between calendars is not
    invertible (a Saturday counts on one and not on the other), and MS Project's late pass is not
    bounded by the project start; MPXJ gives the same negative slack (tests/engine/test_mpxj_oracle.py).
    """
    activities, links = net
    chosen = data.draw(st.lists(st.booleans(), min_size=len(activities), max_size=len(activities)))
    moved = [dataclasses.replace(a, calendar=SATURDAYS) if c else a for a, c in zip(activities, chosen, strict=True)]
    result = schedule(moved, links, WORKWEEK, start=START)
    calendar = {a.id: a.calendar or WORKWEEK for a in moved}

    def earliest_instant(name: str, field: str) -> float:
        """The earliest instant an offset can be (a start may sit at the end of the previous working day)."""
        return calendar[name].instants([getattr(result, field)[result.index[name]]], finish=True)[0]

    for link in links:
        src = earliest_instant(link.pred, "early_finish" if link.type in (LinkType.FS, LinkType.FF) else "early_start")
        field = "early_finish" if link.type in (LinkType.FF, LinkType.SF) else "early_start"
        on = calendar[link.succ]
        assert getattr(result, field)[result.index[link.succ]] >= on.offsets_at([src])[0] + link.lag - 1e-9
    for a in moved:
        assert result.early_start[result.index[a.id]] >= calendar[a.id].offset(START) - 1e-9
