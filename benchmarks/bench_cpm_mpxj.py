"""CPM benchmark against MPXJ's MicrosoftScheduler (MS Project's scheduling, reimplemented in Java).

Run with ``python -m benchmarks.bench_cpm_mpxj [--activities N] [--seed S]``. It schedules the network
of :mod:`benchmarks.bench_cpm` (100,000 activities, ~2 links each of all four types with lags, the
5-day US calendar with its holidays, random order) with pmo's engine and with
``org.mpxj.cpm.MicrosoftScheduler``, checks that every activity's early and late start and finish are
the same instant, and that non-milestones show on the same dates, then prints the ratio.

The MPXJ ProjectFile is built outside the timing; only ``MicrosoftScheduler().schedule()`` is timed
(best of ``--repeat``, after the JVM has warmed up on the earlier runs). pmo is timed the same way from
prepared columns (``schedule_columns``), and also from Python objects (``schedule``), which adds the
cost of reading 300,000 objects.
pmo never starts an activity before the project start, while MS Project (and MPXJ) let negative lags
and SF/FF links pull a task before it, so the project file gets a start milestone with an FS 0 link to
every activity, which states pmo's rule in MS Project's terms (see tests/engine/test_mpxj_oracle.py).
Those links add work for MPXJ, so it is also timed on the bare network (its fastest case, whose dates
differ where it starts activities before the project start) and both ratios are printed.
MPXJ shows a milestone on a day boundary at the next working day's 08:00, pmo at 17:00 the day before:
the same working instant, compared as such. Needs the ``dev`` extra (``mpxj``, ``JPype1``) and Java 17.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date, datetime, timedelta

import numpy as np

from benchmarks.bench_cpm import make_network, to_columns
from pmo.engine.calendar import WorkCalendar
from pmo.engine.cpm import Activity, Link, LinkType, schedule, schedule_columns


def _holidays(calendar: WorkCalendar) -> list[date]:
    """Weekdays the calendar does not work (the 5-day calendar's holidays)."""
    out, day = [], calendar.origin
    end = date(calendar.last_year, 12, 31)
    while day <= end:
        if day.weekday() < 5 and not calendar.is_working(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def build_project(activities: list[Activity], links: list[Link], holidays: list[date], start_milestone: bool = True):
    """An MPXJ ProjectFile of the network: Standard calendar (Mon-Fri 8-12/13-17) plus the holidays, and
    (unless ``start_milestone`` is false) the project-start milestone linked FS 0 to every activity."""
    from java.time import LocalDate
    from org.mpxj import Duration, ProjectFile, Relation, RelationType, TimeUnit

    types = {
        LinkType.FS: RelationType.FINISH_START,
        LinkType.SS: RelationType.START_START,
        LinkType.FF: RelationType.FINISH_FINISH,
        LinkType.SF: RelationType.START_FINISH,
    }
    days = TimeUnit.DAYS
    project = ProjectFile()
    calendar = project.addDefaultBaseCalendar()
    project.setDefaultCalendar(calendar)
    for day in holidays:
        d = LocalDate.of(day.year, day.month, day.day)
        calendar.addCalendarException(d, d)
    zero = Duration.getInstance(0, days)
    anchor = project.addTask()
    anchor.setName("__project_start__")
    anchor.setDuration(zero)
    anchor.setActualDuration(zero)
    anchor.setRemainingDuration(zero)
    tasks = {}
    for a in activities:
        task = project.addTask()
        task.setName(a.id)
        task.setDuration(Duration.getInstance(a.duration, days))
        task.setActualDuration(zero)
        task.setRemainingDuration(Duration.getInstance(a.duration, days))
        if start_milestone:
            task.addPredecessor(Relation.Builder().predecessorTask(anchor).type(RelationType.FINISH_START))
        tasks[a.id] = task
    for link in links:
        tasks[link.succ].addPredecessor(
            Relation.Builder()
            .predecessorTask(tasks[link.pred])
            .type(types[link.type])
            .lag(Duration.getInstance(link.lag, days))
        )
    return project, tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=3)
    args, _ = parser.parse_known_args()

    try:
        import jpype
        import mpxj  # noqa: F401  (puts the MPXJ jars on the class path)
    except ImportError:
        print("skipped: mpxj and JPype1 (the dev extra) are not installed")
        return
    if shutil.which("java") is None:
        print("skipped: no java on PATH (MPXJ needs Java 17)")
        return
    jpype.startJVM(convertStrings=False)
    from java.time import LocalDateTime
    from org.mpxj.cpm import MicrosoftScheduler

    calendar = WorkCalendar(weekmask="1111100", country="US", first_year=2024, last_year=2080)
    start = date(2025, 1, 6)
    activities, links = make_network(args.activities, seed=args.seed)

    engine_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = schedule(activities, links, calendar, start=start)
        engine_times.append(time.perf_counter() - t0)
    engine = min(engine_times)
    # Like MPXJ's ProjectFile (built before its timing), the columns are prepared input; schedule() above
    # also pays for reading 300,000 Python objects.
    columns = to_columns(activities, links)
    columns_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        from_columns = schedule_columns(
            columns["ids"], columns["duration"], columns["link_pred"], columns["link_succ"], calendar,
            start=start, link_type=columns["link_type"], link_lag=columns["link_lag"])
        columns_times.append(time.perf_counter() - t0)
    engine_columns = min(columns_times)
    if not np.array_equal(from_columns.early_start, result.early_start):
        raise SystemExit("schedule_columns() and schedule() disagree")

    holidays = _holidays(calendar)
    project_start = LocalDateTime.of(start.year, start.month, start.day, 8, 0)

    def time_mpxj(project) -> float:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            MicrosoftScheduler().schedule(project, project_start)
            times.append(time.perf_counter() - t0)
        return min(times)

    # the bare network first: MPXJ's fastest case, though it may pull tasks before the project start
    bare, bare_tasks = build_project(activities, links, holidays, start_milestone=False)
    bare_time = time_mpxj(bare)
    before = sum(1 for t in bare_tasks.values() if str(t.getEarlyStart().toString()) < str(project_start.toString()))
    del bare, bare_tasks
    t0 = time.perf_counter()
    project, tasks = build_project(activities, links, holidays)
    build = time.perf_counter() - t0
    mpxj_time = time_mpxj(project)

    t0 = time.perf_counter()
    fields = {
        "early_start": ("getEarlyStart", result.start_dates("early_start")),
        "early_finish": ("getEarlyFinish", result.finish_dates("early_finish")),
        "late_start": ("getLateStart", result.start_dates("late_start")),
        "late_finish": ("getLateFinish", result.finish_dates("late_finish")),
    }
    milestone = result.duration == 0
    worst, date_diffs = 0.0, 0
    for field, (getter, ours_dates) in fields.items():
        instants = [datetime.fromisoformat(str(getattr(tasks[i], getter)().toString())) for i in result.ids]
        theirs = np.array([calendar.offset(t) for t in instants])
        worst = max(worst, float(np.abs(getattr(result, field) - theirs).max()))
        their_dates = np.array([t.date() for t in instants], dtype="datetime64[D]")
        date_diffs += int(((ours_dates != their_dates) & ~milestone).sum())
    check = time.perf_counter() - t0
    if worst > 1e-9 or date_diffs:
        raise SystemExit(f"engine and MPXJ disagree: {worst} working days, {date_diffs} non-milestone dates")

    print(
        f"CPM vs MPXJ MicrosoftScheduler: {len(activities):,} activities, {len(links):,} links "
        f"(+{len(activities):,} FS links from the project-start milestone for MPXJ), "
        f"project length {result.project_finish - result.project_start:,.1f} working days"
    )
    print(f"{'step':<56}{'seconds':>10}")
    for label, seconds in (
        ("build the MPXJ ProjectFile (not timed below)", build),
        (f"pmo engine: schedule() from objects (best of {args.repeat})", engine),
        (f"pmo engine: schedule_columns() from columns (best of {args.repeat})", engine_columns),
        (f"MPXJ MicrosoftScheduler.schedule() (best of {args.repeat})", mpxj_time),
        ("  the bare network, without the start milestone", bare_time),
        ("compare every date (not timed above)", check),
    ):
        print(f"{label:<56}{seconds:>10.3f}")
    print(f"{'speed-up pmo vs MPXJ, both from prepared input':<56}{mpxj_time / engine_columns:>9.1f}x")
    print(f"{'speed-up pmo vs MPXJ, pmo from Python objects':<56}{mpxj_time / engine:>9.1f}x")
    print(f"{'speed-up pmo vs MPXJ on the bare network':<56}{bare_time / engine:>9.1f}x")
    print(f"  (bare network: MPXJ starts {before:,} activities before the project start, which pmo never does)")
    print(f"dates identical: yes (max difference {worst:.1e} working days over {len(result.ids):,} activities)")


if __name__ == "__main__":
    main()
