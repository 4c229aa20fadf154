"""``schedule_columns`` gives exactly what ``schedule`` gives for the same network as objects."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from pmo.engine.calendar import WorkCalendar
from pmo.engine.cpm import Activity, Constraint, Link, ScheduleError, schedule, schedule_columns

US = WorkCalendar(country="US", first_year=2024, last_year=2026)
T0 = date(2024, 1, 8)
FIELDS = ("early_start", "early_finish", "late_start", "late_finish", "start", "finish", "total_float",
          "free_float", "critical", "summary", "link_pred", "link_succ", "link_type", "driving")


def _network(seed: int) -> tuple[list[Activity], list[Link]]:
    rng = random.Random(seed)
    acts = [Activity("S1"), Activity("S2", parent="S1"), Activity("X0", 2.0)]
    for i in range(40):
        kind = rng.random()
        extra: dict = {}
        if kind < 0.1:
            extra = {"constraint": Constraint.SNET, "constraint_date": T0 + timedelta(days=rng.randint(0, 30))}
        elif kind < 0.15:
            extra = {"constraint": Constraint.ALAP}
        elif kind < 0.2:
            extra = {"deadline": T0 + timedelta(days=rng.randint(10, 60))}
        elif kind < 0.25:
            extra = {"actual_start": T0, "percent_complete": 50.0}
        acts.append(Activity(f"T{i:02d}", float(rng.choice([0, 1, 2, 3, 5, 8])), elapsed=rng.random() < 0.1,
                             parent=rng.choice([None, None, "S1", "S2"]), **extra))
    acts.append(Activity("X1", 1.0))
    rng.shuffle(acts)
    links = set()
    for _ in range(70):
        a, b = sorted(rng.sample(range(40), 2))
        links.add((f"T{a:02d}", f"T{b:02d}"))
    out = [Link(p, s, rng.choice(["FS", "SS", "FF", "SF"]), rng.choice([0.0, 1.0, -1.0, 0.5]), rng.random() < 0.1)
           for p, s in sorted(links)]
    out += [Link("X0", "S2", "FS", 1.0), Link("S2", "X1", "SS"), Link("S1", "X1", "FS", 2.0)]
    return acts, out


@pytest.mark.parametrize("seed", range(6))
def test_columns_and_objects_schedule_alike(seed):
    acts, links = _network(seed)
    by_objects = schedule(acts, links, US, start=T0, status_date=T0 + timedelta(days=3))
    position = {a.id: k for k, a in enumerate(acts)}
    by_columns = schedule_columns(
        [a.id for a in acts], [a.duration for a in acts],
        [position[x.pred] for x in links], [position[x.succ] for x in links], US, start=T0,
        link_type=[x.type for x in links], link_lag=[x.lag for x in links], elapsed=[a.elapsed for a in acts],
        link_elapsed=[x.elapsed for x in links],
        parent=[position[a.parent] if a.parent else -1 for a in acts],
        details=[a for a in acts if a.constraint is not Constraint.ASAP or a.deadline or a.actual_start],
        status_date=T0 + timedelta(days=3),
    )
    assert by_columns.ids == by_objects.ids
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(by_columns, name), getattr(by_objects, name), err_msg=name)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"ids": ["A", "A"]}, "duplicate activity id 'A'"),
    ({"duration": [1.0, -1.0]}, "duration must be"),
    ({"link_pred": [1], "link_succ": [1]}, "cannot depend on itself"),
    ({"link_pred": [0], "link_succ": [5]}, "is not an activity"),
    ({"link_type": ["XX"]}, "unknown link type 'XX'"),
    ({"link_lag": [float("nan")]}, "finite"),
    ({"details": [Activity("Z", constraint="ALAP")]}, "unknown activity 'Z'"),
])
def test_bad_columns_are_refused(kwargs, message):
    args = {"ids": ["A", "B"], "duration": [1.0, 2.0], "link_pred": [0], "link_succ": [1], **kwargs}
    with pytest.raises(ScheduleError, match=message):
        schedule_columns(args.pop("ids"), args.pop("duration"), args.pop("link_pred"), args.pop("link_succ"), US,
                         start=T0, **args)
