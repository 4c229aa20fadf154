"""An independent feasibility check of a leveled schedule, the tests' oracle for :mod:`pmo.engine.leveling`.

It shares no code with the solver: it reads the problem's activities, links and resources as given and
checks, by plain loops over periods, each link with its type and lag, each earliest start and deadline,
and the load of each resource in each period against that period's capacity.
"""

from __future__ import annotations

from collections.abc import Mapping

from pmo.engine.leveling import Problem


def violations(problem: Problem, starts: Mapping[str, int], *, capacities: bool = True,
               deadlines: bool = True) -> list[str]:
    """Every way ``starts`` breaks ``problem`` (empty when feasible): links, earliest starts, deadlines (unless
    ``deadlines=False``) and capacities (unless ``capacities=False``, for schedules left over-allocated)."""
    found = []
    acts = {a.id: a for a in problem.activities}
    if set(starts) != set(acts):
        found.append(f"the schedule has activities {sorted(set(starts) ^ set(acts))} that the problem has not, "
                     "or lacks them")
        return found
    finish = {a: starts[a] + acts[a].duration for a in acts}
    for a in acts.values():
        if starts[a.id] < a.earliest_start:
            found.append(f"{a.id} starts at {starts[a.id]}, before its earliest start {a.earliest_start}")
        if deadlines and a.deadline is not None and finish[a.id] > a.deadline:
            found.append(f"{a.id} finishes at {finish[a.id]}, after its deadline {a.deadline}")
    for link in problem.links:
        kind = str(link.type)
        since = starts[link.pred] if kind[0] == "S" else finish[link.pred]
        until = starts[link.succ] if kind[1] == "S" else finish[link.succ]
        if until < since + link.lag:
            found.append(f"{kind} link {link.pred} -> {link.succ} lag {link.lag}: {until} < {since} + {link.lag}")
    if capacities:
        for resource in problem.resources:
            profile = resource.capacity if not isinstance(resource.capacity, int) else [resource.capacity]
            load: dict[int, int] = {}
            for a in acts.values():
                units = a.requests.get(resource.id, 0)
                for t in range(starts[a.id], finish[a.id]):
                    load[t] = load.get(t, 0) + units
            for t, units in sorted(load.items()):
                cap = profile[min(t, len(profile) - 1)]
                if units > cap:
                    found.append(f"{resource.id} in period {t}: load {units} above capacity {cap}")
    return found
