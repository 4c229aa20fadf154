"""The proposed edits of a change request, as data: one typed operation per kind, validated as a list.

``edits`` is a JSON list; each item has an ``op`` naming its kind:

- ``task_add``: a new task or milestone in a project of the program (``key`` names it for links below);
- ``task_update``: a task's duration, constraint, name or cost;
- ``link_add`` / ``link_remove``: a dependency, also across projects (an end is a task id, or the ``key`` of a
  task added above);
- ``budget_line``: a budget line's amount (finance);
- ``benefit_target``: a benefit's target value and/or date (benefits).

:func:`parse` checks the shapes (pydantic), :func:`check` the references against what the actor may change,
and a link that would close a loop. Every refusal is a ValidationError keyed ``edits[i].field``: the index of
the edit and its field, so nothing is written and the author knows which edit to fix.
"""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError

from pmo.benefits.models import Benefit
from pmo.benefits.policies import benefit_policy
from pmo.finance.models import BudgetLine
from pmo.finance.policies import budget_line_policy
from pmo.planning.models import ConstraintType, Dependency, LinkType, Task
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import project_policy

#: edits one change request may propose
MAX_EDITS = 200
DAYS = Field(ge=0, le=100000, max_digits=9, decimal_places=2)
MONEY = Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)
PLANNING_DATE = Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))
Key = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")]
TaskRef = int | Key


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TaskAdd(_Edit):
    op: Literal["task_add"]
    key: Key
    project: int
    name: Annotated[str, Field(min_length=1, max_length=200)]
    duration: Annotated[Decimal, DAYS] = Decimal(0)
    is_milestone: bool = False
    cost: Annotated[Decimal, MONEY] | None = None


class TaskUpdate(_Edit):
    op: Literal["task_update"]
    task: int
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    duration: Annotated[Decimal, DAYS] | None = None
    constraint_type: Literal[tuple(ConstraintType.values)] | None = None  # type: ignore[valid-type]
    constraint_date: Annotated[date, PLANNING_DATE] | None = None
    cost: Annotated[Decimal, MONEY] | None = None


class LinkAdd(_Edit):
    op: Literal["link_add"]
    predecessor: TaskRef
    successor: TaskRef
    type: Literal[tuple(LinkType.values)] = "FS"  # type: ignore[valid-type]
    lag: Annotated[Decimal, Field(ge=-100000, le=100000, max_digits=9, decimal_places=2)] = Decimal(0)


class LinkRemove(_Edit):
    op: Literal["link_remove"]
    predecessor: int
    successor: int


class BudgetLineEdit(_Edit):
    op: Literal["budget_line"]
    line: int
    amount: Annotated[Decimal, MONEY]


class BenefitTarget(_Edit):
    op: Literal["benefit_target"]
    benefit: int
    target_value: Annotated[Decimal, Field(ge=Decimal("-1e13"), le=Decimal("1e13"), max_digits=16,
                                           decimal_places=2)] | None = None
    target_date: Annotated[date, PLANNING_DATE] | None = None


Edit = Annotated[TaskAdd | TaskUpdate | LinkAdd | LinkRemove | BudgetLineEdit | BenefitTarget,
                 Field(discriminator="op")]
EditList = Annotated[list[Edit], Field(max_length=MAX_EDITS)]
_ADAPTER = TypeAdapter(EditList)


def _key(loc: tuple) -> str:
    """``edits[i].field`` from a pydantic error location (``(i, op, field, ...)``)."""
    if not loc or not isinstance(loc[0], int):
        return "edits"
    rest = [str(p) for p in loc[1:] if not (isinstance(p, str) and p in _OPS)]
    return f"edits[{loc[0]}]" + ("." + ".".join(rest) if rest else "")


_OPS = {"task_add", "task_update", "link_add", "link_remove", "budget_line", "benefit_target"}


def parse(raw) -> list:
    """The typed edits of ``raw`` (a list of dicts, JSON-decoded); a ValidationError keyed ``edits[i].field``.

    Decimals and dates may come as JSON strings or numbers (strict otherwise: no "5" for an id)."""
    if not isinstance(raw, list):
        raise ValidationError({"edits": "must be a list of edits"})
    try:
        return _ADAPTER.validate_python(_loosen(raw))
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            errors.setdefault(_key(tuple(error["loc"])), []).append(error["msg"])
        raise ValidationError(errors) from None


def _loosen(raw: list) -> list:
    """Strict mode refuses "2026-05-01" for a date and 2.5 for a Decimal: convert those two kinds only."""
    out = []
    for item in raw:
        if not isinstance(item, dict):
            out.append(item)
            continue
        fixed = dict(item)
        for name in ("duration", "cost", "lag", "amount", "target_value"):
            value = fixed.get(name)
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                with contextlib.suppress(ArithmeticError):
                    fixed[name] = Decimal(str(value))
        for name in ("constraint_date", "target_date"):
            value = fixed.get(name)
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    fixed[name] = date.fromisoformat(value)
        out.append(fixed)
    return out


def dump(edits: list) -> list[dict]:
    """The edits as JSON (what the request stores)."""
    return _ADAPTER.dump_python(edits, mode="json", exclude_none=True)


# --- references and cycles ---------------------------------------------------------------------------


class Checked:
    """The edits with their references resolved: tasks, links, budget lines and benefits by id."""

    def __init__(self, edits: list, tasks: dict[int, Task], lines: dict[int, BudgetLine],
                 benefits: dict[int, Benefit], links: dict[tuple[int, int], Dependency]):
        self.edits, self.tasks, self.lines, self.benefits, self.links = edits, tasks, lines, benefits, links


def _fail(index: int, field: str, message: str):
    raise ValidationError({f"edits[{index}].{field}": message})


def check(actor, program: Program, edits: list) -> Checked:
    """Resolve every reference; a task, project, line or benefit outside the actor's scope (or of another
    program, except a link's predecessor, which may be any task the actor sees), a key used before its
    ``task_add``, or a link that closes a loop is refused naming the edit and field. A fixed number of queries."""
    task_ids = set()
    for e in edits:
        if isinstance(e, TaskUpdate):
            task_ids.add(e.task)
        elif isinstance(e, LinkAdd | LinkRemove):
            task_ids |= {v for v in (e.predecessor, e.successor) if isinstance(v, int)}
    visible_projects = {p.pk: p for p in project_policy.visible(actor).select_related("program")}
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids, project__in=list(visible_projects))}
    for t in tasks.values():
        t.project = visible_projects[t.project_id]
    lines = {line.pk: line for line in BudgetLine.objects.filter(
        pk__in=[e.line for e in edits if isinstance(e, BudgetLineEdit)]).select_related(
        "budget__program", "budget__project")}
    benefits = {b.pk: b for b in Benefit.objects.filter(
        pk__in=[e.benefit for e in edits if isinstance(e, BenefitTarget)])}
    removals = [(e.predecessor, e.successor) for e in edits if isinstance(e, LinkRemove)]
    links = {(d.predecessor_id, d.successor_id): d for d in Dependency.objects.filter(
        predecessor__in=[p for p, _ in removals], successor__in=[s for _, s in removals])} if removals else {}

    def changeable(index: int, field: str, pk) -> Task:
        task = tasks.get(pk)
        if task is None:
            _fail(index, field, f"no task with id {pk}")
        if task.project.program_id != program.pk:
            _fail(index, field, f"{task.label} is not in {program.code}")
        if not project_policy.can(actor, "change", task.project):
            _fail(index, field, f"you may not change the plan of {task.project.code}")
        return task

    keys: dict[str, int] = {}
    for index, e in enumerate(edits):
        if isinstance(e, TaskAdd):
            project = visible_projects.get(e.project)
            if project is None or project.program_id != program.pk:
                _fail(index, "project", f"no project with id {e.project} in {program.code}")
            if not project_policy.can(actor, "change", project):
                _fail(index, "project", f"you may not change the plan of {project.code}")
            if e.key in keys:
                _fail(index, "key", f"edit {keys[e.key]} already adds a task {e.key!r}")
            if e.is_milestone and e.duration:
                _fail(index, "duration", "a milestone has no duration")
            keys[e.key] = index
        elif isinstance(e, TaskUpdate):
            task = changeable(index, "task", e.task)
            if e.constraint_type is not None and (e.constraint_type in {"ASAP", "ALAP"}) != (e.constraint_date is None):
                _fail(index, "constraint_date", f"{e.constraint_type} "
                      + ("takes no constraint date" if e.constraint_date else "needs a constraint date"))
            if task.is_milestone and e.duration:
                _fail(index, "duration", f"{task.label} is a milestone: it has no duration")
        elif isinstance(e, LinkAdd):
            for field in ("predecessor", "successor"):
                ref = getattr(e, field)
                if isinstance(ref, str):
                    if ref not in keys:
                        _fail(index, field, f"no task added with key {ref!r} before this edit")
                elif field == "successor":
                    changeable(index, field, ref)
                elif ref not in tasks:
                    _fail(index, field, f"no task with id {ref}")
            if e.predecessor == e.successor:
                _fail(index, "successor", "a task cannot depend on itself")
        elif isinstance(e, LinkRemove):
            changeable(index, "successor", e.successor)
            if (e.predecessor, e.successor) not in links:
                _fail(index, "predecessor", f"task {e.successor} does not depend on task {e.predecessor}")
        elif isinstance(e, BudgetLineEdit):
            line = lines.get(e.line)
            budget = line.budget if line else None
            line_program = budget and (budget.program_id or (budget.project.program_id if budget.project_id else None))
            if line is None or not budget_line_policy.can(actor, "view", line) or line_program != program.pk:
                _fail(index, "line", f"no budget line with id {e.line} in {program.code}")
            if not budget_line_policy.can(actor, "change", line):
                _fail(index, "line", f"you may not change the budget of {budget}")
        elif isinstance(e, BenefitTarget):
            benefit = benefits.get(e.benefit)
            if benefit is None or benefit.program_id != program.pk or not benefit_policy.can(actor, "view", benefit):
                _fail(index, "benefit", f"no benefit with id {e.benefit} in {program.code}")
            if not benefit_policy.can(actor, "change", benefit):
                _fail(index, "benefit", f"you may not change the benefits of {program.code}")
            if e.target_value is None and e.target_date is None:
                _fail(index, "target_value", "give a new target value or date")
    _check_cycles(program, edits)
    return Checked(edits, tasks, lines, benefits, links)


def _check_cycles(program: Program, edits: list) -> None:
    """Add the edits' links one by one to the program's link graph; the first that closes a loop is refused
    naming it (one query for the graph, a walk per added link)."""
    adds = [(i, e) for i, e in enumerate(edits) if isinstance(e, LinkAdd)]
    if not adds:
        return
    successors: dict[object, set] = {}
    for pred, succ in Dependency.objects.filter(successor__project__program=program).values_list(
            "predecessor_id", "successor_id"):
        successors.setdefault(pred, set()).add(succ)
    for e in edits:
        if isinstance(e, LinkRemove):
            successors.get(e.predecessor, set()).discard(e.successor)
    for index, e in adds:
        # would successor reach predecessor?
        seen, stack = {e.successor}, [e.successor]
        while stack:
            node = stack.pop()
            if node == e.predecessor:
                _fail(index, "predecessor", f"linking {e.predecessor} -> {e.successor} would close a loop "
                                            "(the successor already leads to the predecessor)")
            for nxt in successors.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        successors.setdefault(e.predecessor, set()).add(e.successor)


def validated(actor, program: Program, raw) -> tuple[list[dict], Checked]:
    """Parse and check ``raw``; the JSON to store and the resolved references."""
    edits = parse(raw)
    return dump(edits), check(actor, program, edits)


def touched(checked: Checked) -> list[dict]:
    """The objects the edits touch, for the request's page: (kind, id, label)."""
    out: list[dict] = []
    seen = set()
    for e in checked.edits:
        if isinstance(e, TaskUpdate | LinkAdd | LinkRemove):
            for pk in [getattr(e, "task", None), getattr(e, "predecessor", None), getattr(e, "successor", None)]:
                if isinstance(pk, int) and pk in checked.tasks and ("task", pk) not in seen:
                    seen.add(("task", pk))
                    out.append({"kind": "task", "id": pk, "label": checked.tasks[pk].label})
        elif isinstance(e, BudgetLineEdit) and ("line", e.line) not in seen:
            seen.add(("line", e.line))
            out.append({"kind": "budget line", "id": e.line, "label": str(checked.lines[e.line])})
        elif isinstance(e, BenefitTarget) and ("benefit", e.benefit) not in seen:
            seen.add(("benefit", e.benefit))
            out.append({"kind": "benefit", "id": e.benefit, "label": checked.benefits[e.benefit].title})
    return out


def projects_of(checked: Checked, program: Program) -> set[int]:
    """Projects whose plan the edits change."""
    ids = {t.project_id for t in checked.tasks.values() if t.project.program_id == program.pk}
    ids |= {e.project for e in checked.edits if isinstance(e, TaskAdd)}
    return ids


__all__ = ["TaskAdd", "TaskUpdate", "LinkAdd", "LinkRemove", "BudgetLineEdit", "BenefitTarget", "parse", "check",
           "dump", "validated", "touched", "Project"]
