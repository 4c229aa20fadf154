"""CPM: textbook networks, link types, constraints, deadlines, progress, summaries, cycles."""

from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import numpy as np
import pytest

from pmo.engine.calendar import WorkCalendar
from pmo.engine.cpm import Activity, Constraint, CycleError, Link, LinkType, ScheduleError, schedule, schedule_columns
from pmo.engine.network import topological_levels

# a 7-day calendar makes offsets plain day numbers for textbook examples
DAYS = WorkCalendar(weekmask="1111111", first_year=2023, last_year=2026)
T0 = date(2024, 1, 8)
US = WorkCalendar(country="US", first_year=2024, last_year=2025)


def day(k: int) -> date:
    return T0 + timedelta(days=k)


def rows(result, *fields):
    """{id: (field values relative to the project start)} for compact assertions."""
    out = {}
    for i, key in enumerate(result.ids):
        values = []
        for name in fields:
            v = float(getattr(result, name)[i])
            values.append(v if name in ("total_float", "free_float") else v - result.project_start)
        out[key] = tuple(values)
    return out


def run(activities, links=(), **kwargs):
    return schedule(activities, links, kwargs.pop("calendar", DAYS), start=kwargs.pop("start", T0), **kwargs)


# Hillier & Lieberman, Introduction to Operations Research, "Reliable Construction Co." project
# (section 22.3/10.3): durations in weeks, and the book's table of ES, EF, LS, LF and slack.
RELIABLE = {
    #     weeks, predecessors, (ES, EF, LS, LF, slack) from the book
    "A": (2, "", (0, 2, 0, 2, 0)),  # excavate
    "B": (4, "A", (2, 6, 2, 6, 0)),  # lay the foundation
    "C": (10, "B", (6, 16, 6, 16, 0)),  # put up the rough wall
    "D": (6, "C", (16, 22, 20, 26, 4)),  # put up the roof
    "E": (4, "C", (16, 20, 16, 20, 0)),  # install the exterior plumbing
    "F": (5, "E", (20, 25, 20, 25, 0)),  # install the interior plumbing
    "G": (7, "D", (22, 29, 26, 33, 4)),  # put up the exterior siding
    "H": (9, "EG", (29, 38, 33, 42, 4)),  # do the exterior painting
    "I": (7, "C", (16, 23, 18, 25, 2)),  # do the electrical work
    "J": (8, "FI", (25, 33, 25, 33, 0)),  # put up the wallboard
    "K": (4, "J", (33, 37, 34, 38, 1)),  # install the flooring
    "L": (5, "J", (33, 38, 33, 38, 0)),  # do the interior painting
    "M": (2, "H", (38, 40, 42, 44, 4)),  # install the exterior fixtures
    "N": (6, "KL", (38, 44, 38, 44, 0)),  # install the interior fixtures
}


def test_reliable_construction_matches_the_book():
    result = run(
        [Activity(k, d) for k, (d, _, _) in RELIABLE.items()],
        [Link(p, k) for k, (_, preds, _) in RELIABLE.items() for p in preds],
    )
    got = rows(result, "early_start", "early_finish", "late_start", "late_finish", "total_float")
    assert got == {k: book for k, (_, _, book) in RELIABLE.items()}
    assert result.project_finish - result.project_start == 44
    assert result.critical_path() == tuple("ABCEFJLN")
    # free float: the gap to the earliest successor (or to the project end)
    free = dict(zip(result.ids, result.free_float.tolist(), strict=True))
    assert {k: v for k, v in free.items() if v} == {"I": 2, "K": 1, "M": 4}
    assert result.driving_predecessors("H") == ("G",)
    assert result.driving_predecessors("J") == ("F",)
    assert result.driving_predecessors("A") == ()


@pytest.mark.parametrize(
    ("link", "b_duration", "expected_b", "expected_a_float"),
    [
        # (ES, EF) of B relative to the start; A always takes days 0..3
        (Link("A", "B", LinkType.FS, 2), 2, (5, 7), 0),
        (Link("A", "B", LinkType.FS, -2), 2, (1, 3), 0),  # a lead overlaps the tasks
        (Link("A", "B", LinkType.SS, 1), 2, (1, 3), 0),
        (Link("A", "B", LinkType.SS, -1), 2, (0, 2), 0),  # nothing starts before the project start
        (Link("A", "B", LinkType.FF, 1), 2, (2, 4), 0),
        (Link("A", "B", LinkType.FF, -1), 5, (0, 5), 2),
        (Link("A", "B", LinkType.SF, 4), 2, (2, 4), 0),
        (Link("A", "B", LinkType.SF, 1), 2, (0, 2), 0),  # would start before the project: held at 0
    ],
)
def test_link_types_with_positive_and_negative_lags(link, b_duration, expected_b, expected_a_float):
    result = run([Activity("A", 3), Activity("B", b_duration)], [link])
    got = rows(result, "early_start", "early_finish", "total_float")
    assert got["A"][:2] == (0, 3)
    assert got["B"][:2] == expected_b
    assert got["A"][2] == expected_a_float


def test_links_count_working_days_across_weekends_and_holidays():
    # A: 3 working days from Wed 2024-07-03: Jul 3, (4th of July holiday), Jul 5, Jul 8
    result = run(
        [Activity("A", 3), Activity("B", 1), Activity("C", 0)],
        [Link("A", "B", LinkType.FS, 1), Link("B", "C")],
        calendar=US,
        start=date(2024, 7, 3),
    )
    assert result["A"].start_date == date(2024, 7, 3)
    assert result["A"].finish_date == date(2024, 7, 8)
    assert result["B"].start_date == date(2024, 7, 10)  # one working day of lag: July 9
    assert result["C"].start_date == result["C"].finish_date == date(2024, 7, 10)  # milestone at B's end


def test_elapsed_lags_and_durations_run_on_calendar_days():
    friday = date(2024, 7, 12)
    acts = [
        Activity("A", 1),
        Activity("B", 1),
        Activity("C", 1),
        Activity("D", 7, elapsed=True),
        Activity("E", 1),
    ]
    links = [
        Link("A", "B", LinkType.FS, 2, elapsed=True),  # Fri 17:00 + 2 days = Sun 17:00 -> Monday
        Link("A", "C", LinkType.FS, 3, elapsed=True),  # Mon 17:00 -> Tuesday
        Link("C", "D"),
        Link("D", "E"),
    ]
    result = run(acts, links, calendar=US, start=friday)
    assert result["B"].start_date == date(2024, 7, 15)
    assert result["C"].start_date == date(2024, 7, 16)
    assert result["D"].start_date == date(2024, 7, 17)  # Wednesday 08:00 + 7 days: Wednesday 08:00
    assert result["D"].finish_date == date(2024, 7, 23)  # = Tuesday 17:00
    assert result["E"].start_date == date(2024, 7, 24)
    assert result["D"].early_finish - result["D"].early_start == 5


@pytest.mark.parametrize(
    ("constraint", "when", "a", "b"),
    [
        # A(3) -> B(2), FS. (ES, EF, total float) relative to the start; dates are day(k)
        (Constraint.SNET, 5, (0, 3, 2), (5, 7, 0)),
        (Constraint.FNET, 9, (0, 3, 5), (8, 10, 0)),  # finish no earlier than the end of day 9
        (Constraint.SNLT, 1, (0, 3, -2), (1, 3, 0)),  # constraint honoured over the link: negative float
        (Constraint.FNLT, 2, (0, 3, -2), (1, 3, 0)),
        (Constraint.SNLT, 4, (0, 3, 0), (3, 5, 0)),
        (Constraint.MSO, 6, (0, 3, 3), (6, 8, 0)),
        (Constraint.MSO, 1, (0, 3, -2), (1, 3, 0)),
        (Constraint.MFO, 6, (0, 3, 2), (5, 7, 0)),
    ],
)
def test_constraints(constraint, when, a, b):
    result = run(
        [Activity("A", 3), Activity("B", 2, constraint=constraint, constraint_date=day(when))],
        [Link("A", "B")],
    )
    got = rows(result, "early_start", "early_finish", "total_float")
    assert got["A"] == a
    assert got["B"] == b
    assert bool(result["A"].critical) == (a[2] <= 0)


def test_finish_no_later_than_before_the_project_start_keeps_the_task_at_the_start():
    result = run([Activity("A", 3, constraint=Constraint.FNLT, constraint_date=day(0))])
    assert rows(result, "early_start", "late_start", "total_float")["A"] == (0, -2, -2)


def test_alap_takes_its_late_dates():
    result = run(
        [Activity("A", 3), Activity("B", 1, constraint=Constraint.ALAP), Activity("C", 1)],
        [Link("A", "C"), Link("B", "C")],
    )
    b = result["B"]
    assert (b.early_start, b.start, b.finish) == (
        result.project_start,
        result.project_start + 2,
        result.project_start + 3,
    )
    assert b.start_date == day(2)
    assert result.start_dates("early_start")[result.index["B"]] == np.datetime64(day(0))
    assert result.finish_dates("late_finish")[result.index["B"]] == np.datetime64(day(2))


def test_deadlines_produce_negative_float_without_moving_early_dates():
    result = run([Activity("A", 3), Activity("B", 2, deadline=day(2))], [Link("A", "B")])
    got = rows(result, "early_start", "early_finish", "late_finish", "total_float")
    assert got["B"] == (3, 5, 3, -2)
    assert got["A"] == (0, 3, 1, -2)
    assert result.critical_path() == ("A", "B")


def test_project_finish_date_bounds_the_backward_pass():
    result = run([Activity("A", 3)], finish=day(5))
    assert result["A"].total_float == 3


def test_progress_from_a_status_date():
    status = day(4)
    acts = [
        Activity("A", 4, actual_start=day(0), actual_finish=day(2)),  # done early: ends at offset 3
        Activity("B", 4, actual_start=day(3), percent_complete=50),  # resumes after 2 days' work
        Activity("C", 2),  # not started: not before the status date
        Activity("D", 3, actual_start=day(0), percent_complete=25),  # behind: rest moves to the status date
        Activity("E", 4, actual_start=day(1), percent_complete=50, remaining=3),
        Activity("F", 1, actual_start=day(0), percent_complete=100),
        Activity("G", 4, elapsed=True, actual_start=day(0), percent_complete=50),  # 2 calendar days done
    ]
    result = run(acts, [Link("A", "B"), Link("A", "C")], status_date=status)
    got = rows(result, "early_start", "early_finish")
    assert got == {
        "A": (0, 3),
        "B": (3, 7),
        "C": (4, 6),
        "D": (0, 6.25),
        "E": (1, 7),
        "F": (0, 1),
        "G": (0, 6),
    }
    assert not result["A"].critical and not result["F"].critical
    assert result["A"].total_float == result["A"].free_float == 0  # finished work has no float
    assert result["A"].late_finish == result["A"].early_finish
    assert result.status == DAYS.offset(status)


def test_summary_tasks_roll_up_and_carry_their_links_to_the_children():
    acts = [
        Activity("P", 1),
        Activity("S"),
        Activity("X", 2, parent="S"),
        Activity("Y", 3, parent="S"),
        Activity("Q", 2),
        Activity("R", 1),
    ]
    links = [Link("X", "Y"), Link("P", "S"), Link("S", "Q"), Link("S", "R", LinkType.SS, 1)]
    result = run(acts, links)
    got = rows(result, "early_start", "early_finish", "late_start", "late_finish", "total_float")
    assert got["S"] == (1, 6, 1, 6, 0)
    assert got["X"] == (1, 3, 1, 3, 0)
    assert got["Y"] == (3, 6, 3, 6, 0)
    assert got["Q"] == (6, 8, 6, 8, 0)
    assert got["R"] == (2, 3, 7, 8, 5)  # SS from the summary start, not from its last child
    assert result.summary.tolist() == [False, False, False, True, False, False]
    assert result.critical_path() == ("P", "X", "Y", "Q")
    assert result.driving_predecessors("Q") == ("S",)


def test_nested_summaries():
    acts = [
        Activity("S"),
        Activity("T", parent="S"),
        Activity("U", 2, parent="T"),
        Activity("V", 4, parent="S"),
    ]
    result = run([*acts, Activity("W", 1)], [Link("T", "V"), Link("S", "W")])
    got = rows(result, "early_start", "early_finish")
    assert got == {"S": (0, 6), "T": (0, 2), "U": (0, 2), "V": (2, 6), "W": (6, 7)}


def test_finish_links_into_a_summary_are_refused():
    with pytest.raises(ScheduleError, match="cannot be the successor of an FF link"):
        run([Activity("S"), Activity("X", 1, parent="S"), Activity("A", 1)], [Link("A", "S", LinkType.FF)])


def test_a_cycle_names_its_activities():
    links = [Link("A", "B"), Link("B", "C"), Link("C", "A"), Link("D", "A")]
    with pytest.raises(CycleError) as err:
        run([Activity(x, 1) for x in "ABCD"], links)
    assert sorted(err.value.cycle) == ["A", "B", "C"]
    assert "dependency cycle" in str(err.value)


@pytest.mark.parametrize(
    ("activities", "links", "message"),
    [
        ([Activity("A"), Activity("A")], [], "duplicate activity id 'A'"),
        ([Activity("A")], [Link("A", "Z")], "unknown activity 'Z'"),
        ([Activity("A", parent="Z")], [], "unknown parent 'Z'"),
        ([], [], "no activities"),
        (
            [Activity("A", parent="B"), Activity("B", parent="A")],
            [],
            "hierarchy loops: (A -> B -> A|B -> A -> B)",
        ),
    ],
)
def test_bad_networks_are_rejected(activities, links, message):
    with pytest.raises((ScheduleError, CycleError), match=message):
        run(activities, links)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"duration": -1}, "duration must be >= 0"),
        ({"duration": float("nan")}, "finite"),
        ({"constraint": Constraint.SNET}, "needs a constraint_date"),
        ({"constraint_date": T0}, "takes no constraint_date"),
        ({"constraint": "XYZ"}, "unknown constraint"),
        ({"percent_complete": 120, "actual_start": T0}, "within 0..100"),
        ({"percent_complete": 20}, "needs an actual_start"),
        ({"actual_start": day(3), "actual_finish": day(1)}, "before actual_start"),
        ({"parent": "A"}, "own parent"),
    ],
)
def test_activity_validates_itself(kwargs, message):
    with pytest.raises(ScheduleError, match=message):
        Activity("A", **{"duration": 1, **kwargs})


def test_links_validate_themselves_and_are_frozen():
    with pytest.raises(ScheduleError, match="depend on itself"):
        Link("A", "A")
    with pytest.raises(ScheduleError, match="unknown type"):
        Link("A", "B", "XX")
    assert Link("A", "B", "SS").type is LinkType.SS
    with pytest.raises(FrozenInstanceError):
        Link("A", "B").lag = 3


def test_result_does_not_depend_on_input_order():
    acts = [Activity(k, d) for k, (d, _, _) in RELIABLE.items()]
    links = [
        Link(p, k, LinkType.SS if p == "C" else LinkType.FS, 1)
        for k, (_, ps, _) in RELIABLE.items()
        for p in ps
    ]
    first = run(acts, links)
    rng = np.random.default_rng(7)
    for _ in range(5):
        again = run(
            [acts[i] for i in rng.permutation(len(acts))], [links[i] for i in rng.permutation(len(links))]
        )
        assert again.ids == first.ids
        for name in ("early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float"):
            assert getattr(again, name).tolist() == getattr(first, name).tolist()
        assert [again.driving_predecessors(i) for i in again.ids] == [
            first.driving_predecessors(i) for i in first.ids
        ]


def test_dates_and_rows():
    result = run([Activity("A", 2), Activity("M", 0)], [Link("A", "M")])
    assert result["A"].start_date == day(0) and result["A"].finish_date == day(1)
    assert result["M"].start_date == result["M"].finish_date == day(1)
    assert result.start_dates().dtype == np.dtype("datetime64[D]")
    assert result.link_type.tolist() == ["FS"]


def test_topological_levels_batch_the_network_and_name_cycles():
    # 0 -> 1 -> 3, 0 -> 2 -> 3, 4 alone
    level = topological_levels(5, np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]), list("abcde"))
    assert level.tolist() == [0, 1, 1, 2, 0]
    with pytest.raises(CycleError) as err:
        topological_levels(4, np.array([0, 1, 2, 3]), np.array([1, 2, 1, 0]), list("abcd"))
    assert sorted(err.value.cycle) == ["b", "c"]


# --- task calendars ----------------------------------------------------------------------------------

WEEK = WorkCalendar(first_year=2024, last_year=2025)  # Mon-Fri 8-12/13-17
SIX = WorkCalendar(weekmask="1111110", first_year=2024, last_year=2025, name="Mon-Sat")
FOUR = WorkCalendar(weekmask="1111000", first_year=2024, last_year=2025, name="Mon-Thu")
MONDAY = date(2024, 1, 8)


def test_each_task_works_on_its_own_calendar():
    """A Monday-Saturday successor starts on the Saturday after a Friday finish (the instant, not the
    offset, carries over); a Monday-Thursday one waits for Monday; floats are days of the task's calendar."""
    result = schedule(
        [Activity("A", 5), Activity("B", 2, calendar=SIX), Activity("C", 1, calendar=FOUR), Activity("D", 3)],
        [Link("A", "B"), Link("A", "C"), Link("B", "D"), Link("C", "D")],
        WEEK, start=MONDAY,
    )
    dates = dict(zip(result.ids, zip(result.start_dates("early_start").tolist(),
                                     result.finish_dates("early_finish").tolist(), strict=True), strict=True))
    assert dates == {
        "A": (date(2024, 1, 8), date(2024, 1, 12)),
        "B": (date(2024, 1, 13), date(2024, 1, 15)),  # Saturday and Monday
        "C": (date(2024, 1, 15), date(2024, 1, 15)),
        "D": (date(2024, 1, 16), date(2024, 1, 18)),
    }
    # C may finish no later than Monday evening either (on its Mon-Thu calendar): both are critical, and
    # B, which started on Saturday, comes first
    assert result.critical_path() == ("A", "B", "C", "D")
    assert result["C"].total_float == pytest.approx(0.0)
    assert result.calendars[result.calendar_index[result.index["B"]]] is SIX


def test_a_lag_is_counted_on_the_successors_calendar_and_a_milestone_keeps_friday_evening():
    """FS +1 day into a Mon-Sat task is Saturday's work; a milestone finishing Friday's work sits at
    17:00, so its Mon-Sat successor starts on Saturday (MS Project, MPXJ)."""
    result = schedule(
        [Activity("A", 5), Activity("B", 1, calendar=SIX), Activity("M", 0), Activity("N", 1, calendar=SIX)],
        [Link("A", "B", lag=1), Link("A", "M"), Link("M", "N")],
        WEEK, start=MONDAY,
    )
    starts = dict(zip(result.ids, result.start_dates("early_start").tolist(), strict=True))
    assert starts["B"] == date(2024, 1, 15)  # Saturday is the lag, Monday the work
    assert starts["N"] == date(2024, 1, 13)
    assert result["M"].finish_date == date(2024, 1, 12)


def test_columns_take_task_calendars_by_position():
    objects = schedule([Activity("A", 5), Activity("B", 2, calendar=SIX)], [Link("A", "B")], WEEK, start=MONDAY)
    columns = schedule_columns(["A", "B"], [5, 2], [0], [1], WEEK, start=MONDAY, calendars=[SIX],
                               calendar_index=[-1, 0])
    for name in ("early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float"):
        assert np.allclose(getattr(objects, name), getattr(columns, name))
    # a task calendar equal to the run's is the one-calendar path
    same = schedule_columns(["A", "B"], [5, 2], [0], [1], WEEK, start=MONDAY, calendars=[WEEK], calendar_index=[0, 0])
    assert same.calendar_index is None
    with pytest.raises(ScheduleError, match="calendar_index"):
        schedule_columns(["A", "B"], [5, 2], [0], [1], WEEK, start=MONDAY, calendars=[SIX], calendar_index=[0, 1])
