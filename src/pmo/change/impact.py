"""Impact analysis: a change request's edits applied to an in-memory copy of its program's plan.

The program's network is read once (:func:`pmo.planning.engine_adapter.load_network`: three queries), scheduled
as it stands and again with the edits applied to a copy of its rows (:func:`pmo.planning.services.plan_in_memory`
runs :mod:`pmo.engine.cpm` exactly as a program reschedule does); nothing is written. The results compare the
two schedules: every milestone's finish, each project's and the program's finish (in working days of the
portfolio calendar and in calendar days), the tasks joining and leaving the critical path; the cost (the
program's budget at completion and estimate at completion from finance's EVM, plus the edits' cost change);
benefits whose enabling milestones slip (benefits' ``benefit_at_risk``); and the weeks in which the named people
assigned to the program's tasks are loaded beyond their capacity (resources' heat-map engine,
:func:`pmo.resources.selectors.over_allocated_weeks`, on each schedule's task dates). ``token`` is the plan state the
analysis ran on (:func:`pmo.planning.services.plan_token`).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import numpy as np
from django.utils import timezone

from pmo.planning import engine_adapter
from pmo.planning.engine_adapter import LinkRow, Network, TaskRow
from pmo.planning.models import Task
from pmo.planning.services import default_calendar, plan_in_memory, plan_token
from pmo.portfolio.models import Program

from . import edits as E

#: rows listed per section of the results (milestones, critical path changes)
MAX_ROWS = 200
ZERO = Decimal(0)


def _copy(net: Network) -> Network:
    return Network([dataclasses.replace(t) for t in net.tasks], list(net.links),
                   [dataclasses.replace(t) for t in net.pinned])


def _new_row(pk: int, e: E.TaskAdd, order: int) -> TaskRow:
    return TaskRow(pk=pk, project_id=e.project, parent_id=None, order=order, code="", name=e.name,
                   is_milestone=e.is_milestone, duration=0 if e.is_milestone else e.duration, elapsed=False,
                   constraint_type="ASAP", constraint_date=None, deadline=None, calendar_id=None, actual_start=None,
                   actual_finish=None, percent_complete=0, remaining=None, is_summary=False, wbs="", start=None,
                   finish=None, early_start=None, early_finish=None, late_start=None, late_finish=None,
                   total_float=None, free_float=None, is_critical=False)


def apply(net: Network, checked: E.Checked) -> tuple[Network, dict[str, int], dict[int, Decimal]]:
    """The network with the edits applied (a copy), the ids given to added tasks (negative), and the cost
    change of each task the edits touch."""
    out = _copy(net)
    rows = {t.pk: t for t in out.tasks}
    keys: dict[str, int] = {}
    cost: dict[int, Decimal] = {}
    order = max((t.order for t in out.tasks), default=0)
    for e in checked.edits:
        if isinstance(e, E.TaskAdd):
            pk = -(len(keys) + 1)
            order += 10
            row = _new_row(pk, e, order)
            out.tasks.append(row)
            rows[pk] = row
            keys[e.key] = pk
            if e.cost:
                cost[pk] = e.cost
        elif isinstance(e, E.TaskUpdate):
            row = rows.get(e.task)
            if row is None:
                continue
            if e.duration is not None:
                row.duration = e.duration
            if e.constraint_type is not None:
                row.constraint_type, row.constraint_date = e.constraint_type, e.constraint_date
            if e.name is not None:
                row.name = e.name
            if e.cost is not None:
                cost[e.task] = e.cost - (checked.tasks[e.task].cost or ZERO)
        elif isinstance(e, E.LinkAdd):
            pred = keys.get(e.predecessor, e.predecessor)
            succ = keys.get(e.successor, e.successor)
            out.links.append(LinkRow(pred, succ, e.type, e.lag, False))
            if pred not in rows and not any(p.pk == pred for p in out.pinned):
                out.pinned.extend(engine_adapter.task_rows(Task.objects.filter(pk=pred)))
        elif isinstance(e, E.LinkRemove):
            out.links = [link for link in out.links
                         if (link.predecessor_id, link.successor_id) != (e.predecessor, e.successor)]
    return out, keys, cost


@dataclasses.dataclass
class _Dates:
    start: dict[int, date]
    finish: dict[int, date]
    critical: set[int]
    project_finish: dict[int, date]
    program_finish: date | None


def _dates(result, net: Network) -> _Dates:
    if result is None:
        return _Dates({}, {}, set(), {}, None)
    own = [t for t in net.tasks]
    rows = np.array([result.index[str(t.pk)] for t in own], dtype=np.int64)
    finishes = result.finish_dates("finish", rows).tolist() if len(rows) else []
    finish = {t.pk: f for t, f in zip(own, finishes, strict=True)}
    starts = result.start_dates("start", rows).tolist() if len(rows) else []
    start = {t.pk: f for t, f in zip(own, starts, strict=True)}
    critical = {t.pk for t, c, s in zip(own, result.critical[rows].tolist(), result.summary[rows].tolist(),
                                        strict=True) if c and not s}
    project_finish: dict[int, date] = {}
    for t in own:
        f = finish[t.pk]
        if f and (t.project_id not in project_finish or f > project_finish[t.project_id]):
            project_finish[t.project_id] = f
    return _Dates(start, finish, critical, project_finish, max(project_finish.values(), default=None))


def _moved(calendar, before: date | None, after: date | None) -> tuple[int | None, int | None]:
    """(working days, calendar days) from ``before`` to ``after`` (negative: earlier)."""
    if before is None or after is None:
        return None, None
    if after >= before:
        return calendar.working_days_between(before, after), (after - before).days
    return -calendar.working_days_between(after, before), (after - before).days


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def analyse(program: Program, checked: E.Checked, *, net: Network | None = None, with_money: bool = True) -> dict:
    """The impact of ``checked`` edits on ``program``'s plan (nothing written). ``net``: the program's network,
    already read (the benchmark passes one)."""
    projects = list(program.projects.order_by("pk"))
    token = plan_token(projects)
    if net is None:
        net = engine_adapter.load_network(Task.objects.filter(project__program=program))
    calendar = default_calendar()
    before = plan_in_memory(net, projects=projects or [program], calendar=calendar)
    changed, keys, cost = apply(net, checked)
    after = plan_in_memory(changed, projects=projects or [program], calendar=calendar)
    run_calendar = (after or before).calendar if (after or before) is not None else None
    b, a = _dates(before, net), _dates(after, changed)
    names = {t.pk: t for t in changed.tasks}
    code = {p.pk: p.code for p in projects}
    new_key = {pk: key for key, pk in keys.items()}

    def label(pk: int) -> str:
        t = names[pk]
        ref = t.code or t.wbs or (f"new {new_key[pk]}" if pk in new_key else str(pk))
        return f"{code.get(t.project_id, '?')}/{ref} {t.name}"

    milestones = []
    for t in changed.tasks:
        if not t.is_milestone:
            continue
        working, days = _moved(run_calendar, b.finish.get(t.pk), a.finish.get(t.pk)) if run_calendar else (None, None)
        milestones.append({"id": t.pk if t.pk > 0 else None, "label": label(t.pk), "before": _iso(b.finish.get(t.pk)),
                           "after": _iso(a.finish.get(t.pk)), "working_days": working, "days": days})
    milestones.sort(key=lambda m: (-(m["working_days"] or 0), m["after"] or ""))
    project_rows = []
    for p in projects:
        working, days = (_moved(run_calendar, b.project_finish.get(p.pk), a.project_finish.get(p.pk))
                         if run_calendar else (None, None))
        project_rows.append({"id": p.pk, "code": p.code, "name": p.name, "before": _iso(b.project_finish.get(p.pk)),
                             "after": _iso(a.project_finish.get(p.pk)), "working_days": working, "days": days})
    working, days = _moved(run_calendar, b.program_finish, a.program_finish) if run_calendar else (None, None)
    joining = sorted(a.critical - b.critical, key=lambda pk: a.finish.get(pk) or date.max)
    leaving = sorted(b.critical - a.critical, key=lambda pk: b.finish.get(pk) or date.max)
    slips = [m["working_days"] for m in milestones if m["working_days"]] + [
        r["working_days"] for r in project_rows if r["working_days"]] + ([working] if working else [])
    results = {
        "token": token,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "tasks": len(changed.tasks),
        "program": {"before": _iso(b.program_finish), "after": _iso(a.program_finish), "working_days": working,
                    "days": days},
        "worst_slip_working_days": max(slips, default=0),
        "projects": project_rows,
        "milestones": milestones[:MAX_ROWS],
        "milestones_moved": sum(1 for m in milestones if m["days"]),
        "critical": {"before": len(b.critical), "after": len(a.critical),
                     "joining": [{"id": pk if pk > 0 else None, "label": label(pk)} for pk in joining[:MAX_ROWS]],
                     "leaving": [{"id": pk, "label": label(pk)} for pk in leaving[:MAX_ROWS]]},
    }
    if with_money:
        results["cost"] = _cost(program, checked, cost)
        results["benefits"] = _benefits(program, checked, b, a)
        results["resources"] = _resources(program, b, a, label)
    return results


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _cost(program: Program, checked: E.Checked, task_cost: dict[int, Decimal]) -> dict:
    """Budget at completion and EAC before (finance's EVM of the program) and after (plus the edits' cost
    change: task costs and budget lines), and the change as a share of the BAC."""
    from pmo.finance.engine_adapter import rollup_evm

    lines = sum((e.amount - checked.lines[e.line].amount for e in checked.edits if isinstance(e, E.BudgetLineEdit)),
                ZERO)
    tasks = sum(task_cost.values(), ZERO)
    delta = lines + tasks
    bac = eac = None
    try:
        evm = rollup_evm(program.projects.all(), timezone.localdate(), by="project", currency=program.currency)
        bac, eac = evm.cost.bac, evm.cost.eac
    except (ValueError, ZeroDivisionError):  # EvmError is a ValueError: no EVM, no money figures
        pass
    bac = Decimal(str(bac)) if bac is not None else None
    eac = Decimal(str(eac)) if eac is not None else bac
    base = bac if bac else None
    pct = (delta / base * 100) if base else (Decimal(100) if delta > 0 else ZERO)
    return {"currency": program.currency, "bac_before": _money(bac), "bac_after": _money((bac or ZERO) + delta),
            "eac_before": _money(eac), "eac_after": _money((eac or ZERO) + delta), "delta": _money(delta),
            "delta_budget_lines": _money(lines), "delta_task_cost": _money(tasks),
            "delta_pct": str(pct.quantize(Decimal("0.01")))}


def _benefits(program: Program, checked: E.Checked, before: _Dates, after: _Dates) -> list[dict]:
    """Benefits enabled by a milestone that slips (and benefit target edits), with the slip."""
    from pmo.benefits.models import Benefit

    slipped = {pk: (before.finish.get(pk), after.finish.get(pk)) for pk in before.finish
               if pk > 0 and after.finish.get(pk) and before.finish.get(pk) and after.finish[pk] > before.finish[pk]}
    out = []
    targets = {e.benefit: e for e in checked.edits if isinstance(e, E.BenefitTarget)}
    rows = Benefit.objects.filter(program=program).prefetch_related("milestones")
    for benefit in rows:
        late = [(m, *slipped[m.pk]) for m in benefit.milestones.all() if m.pk in slipped]
        edit = targets.get(benefit.pk)
        if not late and edit is None:
            continue
        out.append({
            "id": benefit.pk, "title": benefit.title,
            "milestones": [{"label": m.name, "before": _iso(b), "after": _iso(a), "days": (a - b).days}
                           for m, b, a in late],
            "target_before": f"{benefit.target_value} {benefit.unit} by {benefit.target_date}",
            "target_after": (f"{edit.target_value if edit.target_value is not None else benefit.target_value} "
                             f"{benefit.unit} by {edit.target_date or benefit.target_date}") if edit else None,
        })
    return out


#: a person's over-allocation after the change (those over-allocated alike before and after are only counted)
STATUS = {"newly": "newly over-allocated", "relieved": "relieved", "still": "still over-allocated"}


def _peak(weeks: list, task_of: dict[int, int], label) -> dict | None:
    if not weeks:
        return None
    w = max(weeks, key=lambda w: (w.pct is None, w.pct or 0, -w.week.toordinal()))
    own = [task_of[a] for a in w.assignments if a in task_of]
    return {"week": w.week.isoformat(), "load": round(w.load, 1), "capacity": round(w.capacity, 1),
            "pct": None if w.pct is None else round(w.pct), "tasks": [label(pk) for pk in own[:20]],
            "other_work": len(w.assignments) > len(own)}


def _resources(program: Program, before: _Dates, after: _Dates, label) -> dict:
    """Over-allocated person-weeks of the named people assigned to the program's tasks, before and after: their
    load on the program's tasks follows each schedule's dates, their work on other programs stays where it is."""
    from pmo.engine.capacity import AssignmentRow
    from pmo.resources.models import Assignment, Resource, ResourceKind
    from pmo.resources.selectors import over_allocated_weeks

    own = list(Assignment.objects.filter(task__project__program=program, resource__kind=ResourceKind.PERSON,
                                         resource__active=True)
               .values_list("pk", "resource_id", "task_id", "units", "work", "effort_driven"))
    out = {"people": 0, "over_weeks_before": 0, "over_weeks_after": 0, "newly": 0, "relieved": 0, "still": 0,
           "unchanged": 0, "rows": []}
    if not own:
        return out

    def rows(dates: _Dates) -> list[AssignmentRow]:
        return [AssignmentRow(pk, resource, dates.start[task], dates.finish[task], float(units), float(work), effort)
                for pk, resource, task, units, work, effort in own
                if dates.start.get(task) and dates.finish.get(task)]

    mine_before, mine_after = rows(before), rows(after)
    spans = [(r.start, r.finish) for r in mine_before + mine_after]
    people = {r[1] for r in own}
    out["people"] = len(people)
    if not spans:
        return out
    first, last = min(s for s, _ in spans), max(f for _, f in spans)
    others = [AssignmentRow(pk, resource, start, finish, float(units), float(work), effort)
              for pk, resource, start, finish, units, work, effort in Assignment.objects.filter(
                  resource_id__in=people, task__start__lte=last, task__finish__gte=first).exclude(
                  task__project__program=program).values_list("pk", "resource_id", "task__start", "task__finish",
                                                               "units", "work", "effort_driven")]
    resources = list(Resource.objects.filter(pk__in=people).prefetch_related("leave").order_by("name", "pk"))
    task_of = {r[0]: r[2] for r in own}
    weeks = {}
    for side, mine in (("before", mine_before), ("after", mine_after)):
        found = over_allocated_weeks(resources, mine + others, first=first, last=last)
        out[f"over_weeks_{side}"] = len(found)
        for w in found:
            weeks.setdefault(w.resource_id, {"before": [], "after": []})[side].append(w)
    for r in resources:
        if r.pk not in weeks:
            continue
        b, a = weeks[r.pk]["before"], weeks[r.pk]["after"]
        kind = "newly" if not b else "relieved" if not a else "still"
        out[kind] += 1
        row = {"id": r.pk, "name": r.name, "status": STATUS[kind], "weeks_before": len(b), "weeks_after": len(a),
               "peak_before": _peak(b, task_of, label), "peak_after": _peak(a, task_of, label)}
        if kind == "still" and len(b) == len(a) and row["peak_before"]["pct"] == row["peak_after"]["pct"]:
            out["unchanged"] += 1  # over-allocated as much before as after: counted, not listed
            continue
        out["rows"].append(row)
    order = list(STATUS.values())
    out["rows"].sort(key=lambda row: (order.index(row["status"]), -row["weeks_after"], row["name"]))
    out["rows"] = out["rows"][:MAX_ROWS]
    return out
