"""PSPLIB parsing: a small hand-written file, every kind of malformed input (line and reason), and the real
j30/j120 files and result tables from ../shared/data/psplib when they are there."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo.engine import leveling
from pmo.engine.cpm import LinkType
from pmo.engine.psplib import PsplibError, Reference, parse_reference, parse_sm, read_reference, read_sm

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"  # shared/ sits beside the repo
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"PSPLIB data not found at {DATA}")

# five jobs (1 and 5 the dummy source and sink), two renewable resources
SMALL = """\
************************************************************************
file with basedata            : small.bas
initial value random generator: 1
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  5
horizon                       :  12
RESOURCES
  - renewable                 :  2   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PROJECT INFORMATION:
pronr.  #jobs rel.date duedate tardcost  MPM-Time
    1      3      0        6        1        6
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           5
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    1
  3      1     4       1    2
  4      1     2       2    0
  5      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    3    2
************************************************************************
"""


def line_of(text: str, fragment: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_small_file_parses_into_jobs_successors_capacities():
    problem = parse_sm(SMALL, name="small")
    assert [j.number for j in problem.jobs] == [1, 2, 3, 4, 5]
    assert [j.duration for j in problem.jobs] == [0, 3, 4, 2, 0]
    assert [j.successors for j in problem.jobs] == [(2, 3), (4,), (5,), (5,), ()]
    assert problem.jobs[2].requests == (1, 2)
    assert problem.capacities == (3, 2)
    assert problem.resources == ("R1", "R2")
    assert problem.horizon == 12
    assert problem.name == "small"


def test_to_leveling_gives_fs_links_and_named_resources():
    problem = parse_sm(SMALL).to_leveling()
    assert [a.id for a in problem.activities] == ["1", "2", "3", "4", "5"]
    assert problem.activities[1].requests == {"R1": 2, "R2": 1}
    assert problem.activities[0].requests == {}
    assert {(link.pred, link.succ) for link in problem.links} == {("1", "2"), ("1", "3"), ("2", "4"), ("3", "5"),
                                                                  ("4", "5")}
    assert all(link.type is LinkType.FS and link.lag == 0 for link in problem.links)
    assert [(r.id, r.capacity) for r in problem.resources] == [("R1", 3), ("R2", 2)]
    # jobs 2 and 3 cannot overlap on R1 (2 + 1 fits) ... but on R2 (1 + 2 > 2) they can't: the optimum is 3+4
    result = leveling.level(problem, mode="exact", time_limit=10, workers=1)
    assert result.makespan == 7 and result.status is leveling.Status.OPTIMAL


def replace_line(text: str, fragment: str, new: str) -> str:
    return "\n".join(new if fragment in line else line for line in text.splitlines()) + "\n"


@pytest.mark.parametrize(
    ("change", "line_fragment", "reason"),
    [
        (lambda t: t.replace("PRECEDENCE RELATIONS:", "PRECEDENCES:"), None, "missing section PRECEDENCE RELATIONS"),
        (lambda t: t.replace("RESOURCEAVAILABILITIES:", "AVAILABILITIES:"), None,
         "missing section RESOURCEAVAILABILITIES"),
        (lambda t: replace_line(t, "   2        1          1           4", "   2        1          2           4"),
         "   2        1          2           4", "job 2 (2 successors) has 4 columns, expected 5"),
        (lambda t: replace_line(t, "  3      1     4       1    2", "  3      1     4       1"),
         "  3      1     4       1", "4 columns, expected 5"),
        (lambda t: replace_line(t, "  4      1     2       2    0", "  4      1     2x      2    0"),
         "  4      1     2x", "'2x' is not an integer"),
        (lambda t: replace_line(t, "   2        1          1           4", "   2        1          1           9"),
         "   2        1          1           9", "successor 9 does not exist (jobs are 1..5)"),
        (lambda t: replace_line(t, "  3      1     4       1    2", "  3      1     4       1    3"),
         "  3      1     4       1    3", "job 3 requests 3 of R2, above its capacity 2"),
        (lambda t: replace_line(t, "   4        1          1           5", "   4        1          1           2"),
         "   4        1          1           2", "the successors form a cycle: jobs 4 -> 2 -> 4"),
        (lambda t: replace_line(t, "   3        1          1           5", "   3        2          1           5"),
         "   3        2          1           5", "job 3 has 2 modes"),
        (lambda t: replace_line(t, "  4      1     2       2    0", "  5      1     2       2    0"),
         "  5      1     2       2    0", "job number 5, expected 4"),
        (lambda t: replace_line(t, "jobs (incl.", "jobs (incl. supersource/sink ):  many"),
         "jobs (incl.", "jobs: 'many' is not an integer"),
        (lambda t: replace_line(t, "    3    2", "    3   -2"), "    3   -2", "negative value -2"),
        (lambda t: t.split("REQUESTS/DURATIONS")[0] + "REQUESTS/DURATIONS:\njobnr. mode\n  1  1  0  0  0\n", None,
         "expected 5 job rows, found 1"),
    ],
    ids=["no-precedences", "no-capacities", "successor-count", "request-columns", "not-integer", "no-such-job",
         "above-capacity", "cycle", "multi-mode", "job-order", "bad-header", "negative", "truncated"],
)
def test_malformed_files_name_the_line_and_the_reason(change, line_fragment, reason):
    text = change(SMALL)
    with pytest.raises(PsplibError) as info:
        parse_sm(text, name="bad")
    error = info.value
    assert reason in str(error)
    expected_line = line_of(text, line_fragment) if line_fragment else None
    if expected_line is not None:
        assert error.line == expected_line
    assert str(error).startswith(f"bad line {error.line}: ")
    assert isinstance(error, ValueError)


def test_reference_tables_of_each_kind():
    optimum = "Paramter Instance Makespan CPU-Time[sec.]\n-----\n1       1         43       0.30\n2  10  51  0.01\n"
    assert parse_reference(optimum) == {(1, 1): Reference(43, 43), (2, 10): Reference(51, 51)}
    assert parse_reference(optimum)[1, 1].optimal
    best = "Par\tInst\tMakespan\tDate\t\t\t   Author\n=====\n1\t1\t105\t\tTue Jan 30 16:52:23 2001  V. Valls\n"
    row = parse_reference(best)[1, 1]
    assert row.upper == 105 and row.lower is None and not row.optimal
    bounds = "Par  Inst    UB   LB     Author LB\n====\n  1   1   105   104   A. Schutt\n  1   2   109   109    *\n"
    rows = parse_reference(bounds)
    assert (rows[1, 1].upper, rows[1, 1].lower, rows[1, 1].optimal) == (105, 104, False)
    assert rows[1, 2].optimal


def test_reference_errors():
    with pytest.raises(PsplibError, match="line 1: no column header"):
        parse_reference("nothing here")
    with pytest.raises(PsplibError, match="line 3: expected a bounds row"):
        parse_reference("Par Inst UB LB\n  1 1 105 104\n  1 2 105 x\n")
    with pytest.raises(PsplibError, match="line 3: parameter 1 instance 1 appears twice"):
        parse_reference("Par Inst Makespan CPU-Time\n1 1 43 0.3\n1 1 44 0.3\n")


@needs_data
def test_j301_1_as_published():
    problem = read_sm(DATA / "j30" / "j301_1.sm")
    assert problem.name == "j301_1"
    assert len(problem.jobs) == 32 and problem.horizon == 158
    assert problem.capacities == (12, 13, 4, 12)
    assert problem.jobs[0].successors == (2, 3, 4)
    assert problem.jobs[1].duration == 8 and problem.jobs[1].requests == (4, 0, 0, 0)
    assert problem.jobs[-1].successors == ()


@needs_data
def test_every_instance_file_parses():
    for folder, count in (("j30", 480), ("j120", 600)):
        files = sorted((DATA / folder).glob("*.sm"))
        assert len(files) == count
        for path in files:
            problem = read_sm(path)
            assert problem.jobs[0].duration == 0 and problem.jobs[-1].duration == 0


@needs_data
def test_result_tables():
    optimum = read_reference(DATA / "j30opt.sm")
    assert len(optimum) == 480 and optimum[1, 1].upper == 43 and all(r.optimal for r in optimum.values())
    best = read_reference(DATA / "j120hrs.sm")
    assert len(best) == 600 and best[1, 1].upper == 105 and best[60, 10].upper == 89
    bounds = read_reference(DATA / "j120lb.sm")  # Latin-1; this copy stops at parameter 19 instance 4
    assert len(bounds) == 184 and bounds[1, 1] == Reference(105, 104) and bounds[1, 2].optimal
    # the bounds table is older than the best-known table: its upper bounds are never better
    assert all(best[key].upper <= bounds[key].upper and bounds[key].lower <= best[key].upper for key in bounds)
