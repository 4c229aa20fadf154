"""Activity-network helpers shared by the CPM and Monte Carlo engines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class CycleError(ValueError):
    """The dependency network has a cycle; ``cycle`` lists the activity ids on it, in link order."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__("dependency cycle: " + " -> ".join([*cycle, cycle[0]]))


def topological_order(n: int, pred: np.ndarray, succ: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Return the activity indices 0..n-1 in an order where every link's predecessor comes first.

    ``pred[k]`` and ``succ[k]`` are the ends of link k. Kahn's algorithm, O(n + links).
    Raises :class:`CycleError` naming the activities of one cycle.
    """
    pred = np.asarray(pred, dtype=np.int64)
    succ = np.asarray(succ, dtype=np.int64)
    indegree = np.bincount(succ, minlength=n)
    by_pred = np.argsort(pred, kind="stable")
    starts = np.searchsorted(pred[by_pred], np.arange(n + 1))
    succ_sorted = succ[by_pred].tolist()
    starts_list = starts.tolist()
    indeg = indegree.tolist()
    order = [i for i in range(n) if indeg[i] == 0]
    head = 0
    while head < len(order):
        node = order[head]
        head += 1
        for s in succ_sorted[starts_list[node] : starts_list[node + 1]]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
    if len(order) < n:
        raise CycleError(_find_cycle(n, pred, succ, indeg, ids))
    return np.asarray(order, dtype=np.int64)


def topological_levels(n: int, pred: np.ndarray, succ: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Level of each activity: 0 without predecessors, else one more than its highest predecessor.

    Kahn's algorithm one whole frontier at a time in numpy, so the Python overhead grows with the
    depth of the network rather than its size; the activities of one level can be processed as a batch.
    Raises :class:`CycleError` naming the activities of one cycle.
    """
    pred = np.asarray(pred, dtype=np.int64)
    succ = np.asarray(succ, dtype=np.int64)
    by_pred = np.argsort(pred)  # the order within one predecessor's links does not matter
    out_start = np.searchsorted(pred[by_pred], np.arange(n + 1))
    out_succ = succ[by_pred]
    indeg = np.bincount(succ, minlength=n)
    level = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        lo, hi = out_start[frontier], out_start[frontier + 1]
        count = hi - lo
        total = int(count.sum())
        if not total:
            break
        # the positions lo..hi-1 of every frontier node, concatenated
        targets = out_succ[np.repeat(lo - np.cumsum(count) + count, count) + np.arange(total)]
        targets, hits = np.unique(targets, return_counts=True)
        indeg[targets] -= hits
        frontier = targets[indeg[targets] == 0]
        depth += 1
    if (level < 0).any():
        raise CycleError(_find_cycle(n, pred, succ, indeg.tolist(), ids))
    return level


def _find_cycle(
    n: int, pred: np.ndarray, succ: np.ndarray, indeg: list[int], ids: Sequence[str]
) -> list[str]:
    """Walk predecessor links among the activities Kahn could not order until a node repeats."""
    left = {i for i in range(n) if indeg[i] > 0}
    preds_of: dict[int, int] = {}
    for p, s in zip(pred.tolist(), succ.tolist(), strict=True):
        if s in left and p in left:
            preds_of.setdefault(s, p)
    node = next(iter(left))
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = preds_of[node]
    cycle = path[seen[node] :]
    cycle.reverse()
    return [str(ids[i]) for i in cycle]
