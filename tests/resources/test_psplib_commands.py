"""``pmo import-psplib`` and ``pmo level``: a real j30 instance imported, leveled exactly to its published
optimum (``j30opt.sm``), and the schedule written back checked by the independent checker (``rcpsp_check``)."""

from __future__ import annotations

import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pmo.core import audit
from pmo.engine import psplib, rcpsp_check
from pmo.planning.models import Calendar, Dependency, Task
from pmo.resources.models import Assignment, LevelingRun, Resource

DATA = Path("/work/shared/data/psplib")
J30 = DATA / "j30"
needs_j30 = pytest.mark.skipif(not (J30 / "j301_1.sm").is_file() or not (DATA / "j30opt.sm").is_file(),
                               reason=f"the PSPLIB j30 set is not in {J30} (see the issue's data note)")

TINY = """\
************************************************************************
jobs (incl. supersource/sink ):  4
horizon                       :  10
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     2       2
  4      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    3
************************************************************************
"""


def _import(path, project="PA-2", user="director"):
    out = StringIO()
    call_command("import-psplib", str(path), "--project", project, "--as", user, stdout=out, stderr=StringIO())
    return out.getvalue()


def _level(*args, project="PA-2", user="director"):
    out, err = StringIO(), StringIO()
    call_command("level", "--project", project, *args, "--as", user, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _written(tmp_path, text, name="x.sm"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _nothing_written(world):
    assert not Task.objects.filter(project=world.project_a2).exists()
    assert not Calendar.objects.filter(project=world.project_a2).exists()
    assert not Resource.objects.filter(name__startswith="PA-2 ").exists()


def test_tiny_file_imports_and_levels(world, tmp_path):
    text = _import(_written(tmp_path, TINY))
    assert "4 tasks, 4 links, 1 resources, 2 assignments" in text
    calendar = Calendar.objects.get(project=world.project_a2)
    assert calendar.weekmask == "1111111"
    tasks = {t.code: t for t in Task.objects.filter(project=world.project_a2)}
    assert tasks["J1"].is_milestone and tasks["J4"].is_milestone and tasks["J2"].duration == 3
    assert Dependency.objects.filter(successor__project=world.project_a2).count() == 4
    role = Resource.objects.get(name="PA-2 R1")
    assert role.kind == "role" and role.max_units == 3 and role.weekmask == "1111111"
    assert sorted(Assignment.objects.filter(resource=role).values_list("units", flat=True)) == [2, 2]
    # unleveled both jobs run in parallel (4 units of 3): leveled one follows the other, 5 days
    out, err = _level("--mode", "exact", "--time-limit", "5")
    assert out.strip().splitlines()[-1].startswith("makespan 5 lower-bound 5 gap 0.0% time ")
    assert "100/100" in err  # the tqdm bar
    run = LevelingRun.objects.get()
    assert run.status == "done" and run.decision == "pending" and run.results["current_makespan"] == 3
    assert audit.verify() is None


@needs_j30
def test_j30_exact_reaches_the_published_optimum_and_writes_a_feasible_plan(world):
    instance = psplib.read_sm(J30 / "j301_1.sm")
    optimum = psplib.read_reference(DATA / "j30opt.sm")[(1, 1)]
    assert optimum.optimal
    _import(J30 / "j301_1.sm")
    started = time.monotonic()
    out, _ = _level("--mode", "exact", "--time-limit", "20", "--workers", "2", "--apply")
    took = time.monotonic() - started
    last = out.strip().splitlines()[-1].split()
    assert last[0] == "makespan" and int(last[1]) == optimum.upper, out
    assert last[2] == "lower-bound" and int(last[3]) == optimum.upper and last[5] == "0.0%", out
    assert "accepted into the plan of PA-2" in out
    assert took < 30
    run = LevelingRun.objects.get()
    assert run.decision == "accepted" and run.results["status"] == "optimal"
    # the plan of record now: starts in days from the project start (seven-day calendar) back into the problem
    tasks = {t.code: t for t in Task.objects.filter(project=world.project_a2)}
    origin = min(t.start for t in tasks.values())
    # a milestone dated on its predecessors' last day sits at the end of that day; the source at the start
    has_pred = {s for job in instance.jobs for s in job.successors}
    starts = {str(job.number): (tasks[f"J{job.number}"].start - origin).days
              + (1 if job.duration == 0 and job.number in has_pred else 0) for job in instance.jobs}
    found = rcpsp_check.violations(instance.to_leveling(), starts)
    assert found == [], found
    finish = max((t.finish - origin).days + (0 if t.is_milestone else 1) for t in tasks.values())
    assert finish == optimum.upper
    assert audit.verify() is None


@pytest.mark.parametrize(("text", "line", "reason"), [
    (TINY.replace("   2        1          1           4", "   2        1          1           9"), 12,
     "successor 9 does not exist"),
    (TINY.replace("  2      1     3       2", "  2      1     x       2"), 20, "'x' is not an integer"),
    (TINY.replace("  2      1     3       2", "  2      1     3       5"), 20, "above its capacity 3"),
    (TINY.replace("   3        1          1           4", "   3        1          1           2")
         .replace("   2        1          1           4", "   2        1          1           3"), 13, "cycle"),
    ("hello\n", 1, "missing header line 'jobs'"),
])
def test_malformed_files_name_the_line_and_write_nothing(world, tmp_path, text, line, reason):
    with pytest.raises(CommandError, match=rf"x\.sm: line {line}: .*{re.escape(reason)}"):
        _import(_written(tmp_path, text))
    _nothing_written(world)


def test_refusals_write_nothing(world, tmp_path):
    path = _written(tmp_path, TINY)
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "missing.sm")
    with pytest.raises(CommandError, match="no project"):
        _import(path, project="NOPE")
    with pytest.raises(CommandError, match="no active user"):
        _import(path, user="ghost")
    with pytest.raises(CommandError, match="may not"):
        _import(path, user="steering")
    _nothing_written(world)
    # the project manager may plan A1 but not add to the pool: the tasks made before the refusal are rolled back
    with pytest.raises(CommandError, match="may not"):
        _import(path, project="PA-1", user="project_manager")
    assert not Task.objects.filter(project=world.project_a1).exists()
    assert not Calendar.objects.filter(project=world.project_a1).exists()
    _import(path)
    with pytest.raises(CommandError, match="already has 4 tasks"):
        _import(path)


def test_a_calendar_that_is_not_seven_days_is_refused(world, tmp_path):
    Calendar.objects.create(project=world.project_a2, name="office", weekmask="1111100")
    with pytest.raises(CommandError, match="not seven working days"):
        _import(_written(tmp_path, TINY))
    assert not Task.objects.filter(project=world.project_a2).exists()


def test_level_refusals(world, tmp_path):
    with pytest.raises(CommandError, match="no open scheduled tasks"):
        _level()
    _import(_written(tmp_path, TINY))
    with pytest.raises(CommandError, match="workers"):
        _level("--workers", "0")
    with pytest.raises(CommandError, match="--time-limit: must be a whole number"):
        _level("--time-limit", "0")
    with pytest.raises(CommandError, match="may not"):
        _level(user="steering")
    with pytest.raises(CommandError, match="no project"):
        _level(project="NOPE")
    out, _ = _level("--mode", "heuristic", "--time-limit", "1")
    assert out.strip().splitlines()[-1].startswith("makespan 5 ")
    # the analyst may level (a proposal changes nothing) but not accept it
    with pytest.raises(CommandError, match="--apply"):
        _level("--time-limit", "1", "--apply", user="analyst")
    assert not Task.objects.filter(project=world.project_a2, constraint_type="SNET").exists()
