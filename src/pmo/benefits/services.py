"""Writes of the benefits app: each checks the policy, validates, saves and audits in one transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.core import audit, jobs
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.planning.models import Task
from pmo.portfolio.models import Program
from pmo.portfolio.policies import program_policy

from .models import (
    Benefit,
    BenefitSettings,
    Candidate,
    MapEdge,
    MapNode,
    Measurement,
    Objective,
    SelectionScenario,
)
from .policies import (
    benefit_policy,
    candidate_policy,
    edge_policy,
    node_policy,
    objective_policy,
    scenario_policy,
    settings_policy,
)

SETTINGS_FIELDS = {"discount_rate", "valuation_date", "horizon_months"}
OBJECTIVE_FIELDS = {"code", "title", "description", "weight"}
BENEFIT_FIELDS = {"title", "description", "is_disbenefit", "category", "owner_name", "owner_email", "owner_user",
                  "measure", "unit", "direction", "baseline_value", "baseline_date", "target_value", "target_date",
                  "method", "frequency", "schedule_start", "schedule"}
MEASUREMENT_FIELDS = {"measured_on", "value", "realised", "note"}
CANDIDATE_FIELDS = {"code", "name", "description", "project", "costs", "mandatory", "urgency", "npv_estimate",
                    "risk_estimate"}
SCENARIO_FIELDS = {"name", "first_year", "budgets", "basis", "weight_fit", "weight_npv", "weight_risk",
                   "weight_urgency"}


def _known(fields: dict, allowed: set[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({unknown[0]: "unknown or read-only field"})


def settings_update(*, actor, settings: BenefitSettings, expected_version: int, **changes) -> BenefitSettings:
    _known(changes, SETTINGS_FIELDS)
    settings_policy.require(actor, "change", settings, "only the PMO Director sets the valuation settings")
    return update_versioned(actor=actor, obj=settings, changes=changes, expected_version=expected_version)


# --- objectives ------------------------------------------------------------------------------------------


def objective_create(*, actor, **fields) -> Objective:
    _known(fields, OBJECTIVE_FIELDS)
    objective_policy.require(actor, "create", None, "only the PMO Director sets strategic objectives")
    return create_audited(actor=actor, obj=Objective(**fields))


def objective_update(*, actor, objective: Objective, expected_version: int, **changes) -> Objective:
    _known(changes, OBJECTIVE_FIELDS)
    objective_policy.require(actor, "change", objective)
    return update_versioned(actor=actor, obj=objective, changes=changes, expected_version=expected_version)


def objective_delete(*, actor, objective: Objective, expected_version: int) -> None:
    objective_policy.require(actor, "delete", objective)
    delete_versioned(actor=actor, obj=objective, expected_version=expected_version)


# --- benefits --------------------------------------------------------------------------------------------


def _checked_milestones(program: Program, milestones) -> list[Task] | None:
    if milestones is None:
        return None
    wanted = [m.pk if isinstance(m, Task) else m for m in milestones]
    if any(isinstance(pk, bool) or not isinstance(pk, int) for pk in wanted):
        raise ValidationError({"milestones": "give the ids of planning milestones"})
    found = {t.pk: t for t in Task.objects.filter(pk__in=wanted, project__program=program)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"milestones": f"no task with id {missing[0]} in a project of {program.code}"})
    not_milestones = [t for t in found.values() if not t.is_milestone]
    if not_milestones:
        raise ValidationError({"milestones": f"task {not_milestones[0].pk} ({not_milestones[0].name}) is not a "
                                             f"milestone"})
    return list(found.values())


def _set_milestones(actor, benefit: Benefit, milestones: list[Task] | None) -> None:
    if milestones is None:
        return
    before = sorted(benefit.milestones.values_list("pk", flat=True))
    after = sorted(t.pk for t in milestones)
    if before != after:
        benefit.milestones.set(milestones)
        audit.record(actor=actor, action="link_milestones", obj=benefit, before={"milestones": before},
                     after={"milestones": after})


def benefit_create(*, actor, program: Program, milestones=None, **fields) -> Benefit:
    _known(fields, BENEFIT_FIELDS)
    if not program_policy.can(actor, "view", program):
        raise ValidationError({"program": "no such program"})
    benefit_policy.require(actor, "create", program, f"you may not add benefits to {program.code}")
    linked = _checked_milestones(program, milestones)
    with transaction.atomic():
        benefit = create_audited(actor=actor, obj=Benefit(program=program, **fields))
        _set_milestones(actor, benefit, linked)
    return benefit


def benefit_update(*, actor, benefit: Benefit, expected_version: int, milestones=None, **changes) -> Benefit:
    _known(changes, BENEFIT_FIELDS)
    benefit_policy.require(actor, "change", benefit)
    linked = _checked_milestones(benefit.program, milestones)
    with transaction.atomic():
        updated = update_versioned(actor=actor, obj=benefit, changes=changes, expected_version=expected_version)
        _set_milestones(actor, updated, linked)
    return updated


def benefit_delete(*, actor, benefit: Benefit, expected_version: int) -> None:
    benefit_policy.require(actor, "delete", benefit)
    delete_versioned(actor=actor, obj=benefit, expected_version=expected_version)


def benefit_handover(*, actor, benefit: Benefit, expected_version: int, to: str, note: str = "",
                     on: date | None = None) -> Benefit:
    """Hand the benefit over to the business owner (a closure item); measuring continues after it."""
    benefit_policy.require(actor, "handover", benefit, "the program manager hands benefits over")
    if not (to or "").strip():
        raise ValidationError({"to": "name who takes the benefit over"})
    if benefit.handed_over_on:
        raise ValidationError({"to": f"handed over to {benefit.handed_over_to} on {benefit.handed_over_on}"})
    return update_versioned(actor=actor, obj=benefit, expected_version=expected_version, action="handover",
                            changes={"handed_over_on": on or timezone.localdate(), "handed_over_to": to.strip()[:120],
                                     "handover_note": note})


def measurement_create(*, actor, benefit: Benefit, **fields) -> Measurement:
    _known(fields, MEASUREMENT_FIELDS)
    benefit_policy.require(actor, "measure", benefit, "you may not record measurements of this benefit")
    return create_audited(actor=actor, obj=Measurement(benefit=benefit, **fields))


# --- the benefits map ------------------------------------------------------------------------------------


def node_create(*, actor, program: Program, kind: str, title: str) -> MapNode:
    node_policy.require(actor, "create", program, f"you may not change the benefits map of {program.code}")
    return create_audited(actor=actor, obj=MapNode(program=program, kind=kind, title=title))


def node_delete(*, actor, node: MapNode, expected_version: int) -> None:
    node_policy.require(actor, "delete", node)
    delete_versioned(actor=actor, obj=node, expected_version=expected_version)


def _key(obj) -> tuple[str, int]:
    return MapEdge.kind_of(obj), obj.pk


def _cycle(edges: list[MapEdge], new: MapEdge) -> list | None:
    """The path target -> ... -> source that the new arrow would close into a cycle, or None."""
    successors: dict = {}
    for edge in edges:
        successors.setdefault(_key(edge.source), []).append(edge.target)
    start, goal = new.target, _key(new.source)
    stack, parents = [start], {_key(start): None}
    while stack:
        node = stack.pop()
        if _key(node) == goal:
            path = [node]
            while parents[_key(path[-1])] is not None:
                path.append(parents[_key(path[-1])])
            return list(reversed(path))
        for nxt in successors.get(_key(node), []):
            if _key(nxt) not in parents:
                parents[_key(nxt)] = node
                stack.append(nxt)
    return None


def edge_create(*, actor, program: Program, contribution: str = "high", **ends) -> MapEdge:
    """Add an arrow to the program's map; one that closes a cycle is refused, naming the arrow and the path."""
    edge_policy.require(actor, "create", program, f"you may not change the benefits map of {program.code}")
    allowed = {"source_project", "source_node", "source_benefit", "target_node", "target_benefit", "target_objective"}
    _known(ends, allowed)
    edge = MapEdge(program=program, contribution=contribution, **ends)
    edge.full_clean()
    with transaction.atomic():
        existing = list(MapEdge.objects.select_for_update(of=("self",)).filter(program=program).select_related(
            "source_project", "source_node", "source_benefit", "target_node", "target_benefit", "target_objective"))
        if any(_key(e.source) == _key(edge.source) and _key(e.target) == _key(edge.target) for e in existing):
            raise ValidationError({"target": f"the arrow {edge} is already on the map"})
        path = _cycle(existing, edge)
        if path is not None:
            loop = " -> ".join(str(x) for x in [edge.source, *path])
            raise ValidationError({"target": f"the arrow {edge} would make the map cyclic: {loop}"})
        return create_audited(actor=actor, obj=edge)


def edge_delete(*, actor, edge: MapEdge, expected_version: int) -> None:
    edge_policy.require(actor, "delete", edge)
    delete_versioned(actor=actor, obj=edge, expected_version=expected_version)


# --- portfolio selection ---------------------------------------------------------------------------------


def _checked_requires(candidate: Candidate | None, code: str, requires) -> list[Candidate] | None:
    if requires is None:
        return None
    wanted = [r.pk if isinstance(r, Candidate) else r for r in requires]
    if any(isinstance(pk, bool) or not isinstance(pk, int) for pk in wanted):
        raise ValidationError({"requires": "give candidate ids"})
    if candidate is not None and candidate.pk in wanted:
        raise ValidationError({"requires": f"{code} cannot require itself"})
    found = {c.pk: c for c in Candidate.objects.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"requires": f"no candidate with id {missing[0]}"})
    return list(found.values())


def _set_m2m(actor, candidate: Candidate, name: str, objects) -> None:
    if objects is None:
        return
    manager = getattr(candidate, name)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted(o.pk for o in objects)
    if before != after:
        manager.set(objects)
        audit.record(actor=actor, action=f"set_{name}", obj=candidate, before={name: before}, after={name: after})


def _checked_objectives(objectives) -> list[Objective] | None:
    if objectives is None:
        return None
    wanted = [o.pk if isinstance(o, Objective) else o for o in objectives]
    found = {o.pk: o for o in Objective.objects.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"objectives": f"no objective with id {missing[0]}"})
    return list(found.values())


def candidate_create(*, actor, requires=None, objectives=None, **fields) -> Candidate:
    _known(fields, CANDIDATE_FIELDS)
    candidate_policy.require(actor, "create", None, "the PMO Director and Analysts keep the candidates")
    needed = _checked_requires(None, fields.get("code", ""), requires)
    served = _checked_objectives(objectives)
    with transaction.atomic():
        candidate = create_audited(actor=actor, obj=Candidate(**fields))
        _set_m2m(actor, candidate, "requires", needed)
        _set_m2m(actor, candidate, "objectives", served)
    return candidate


def candidate_update(*, actor, candidate: Candidate, expected_version: int, requires=None, objectives=None,
                     **changes) -> Candidate:
    _known(changes, CANDIDATE_FIELDS)
    candidate_policy.require(actor, "change", candidate)
    needed = _checked_requires(candidate, changes.get("code", candidate.code), requires)
    served = _checked_objectives(objectives)
    with transaction.atomic():
        updated = update_versioned(actor=actor, obj=candidate, changes=changes, expected_version=expected_version)
        _set_m2m(actor, updated, "requires", needed)
        _set_m2m(actor, updated, "objectives", served)
    return updated


def candidate_delete(*, actor, candidate: Candidate, expected_version: int) -> None:
    candidate_policy.require(actor, "delete", candidate)
    delete_versioned(actor=actor, obj=candidate, expected_version=expected_version)


def scenario_start(*, actor, enqueue: bool = True, **fields) -> SelectionScenario:
    """Validate, freeze the candidates' inputs (as the actor sees them), create the scenario, queue the job."""
    from . import selectors, tasks

    _known(fields, SCENARIO_FIELDS)
    if not scenario_policy.can(actor, "start", None):
        raise PermissionDenied("the PMO Director, Analysts and the Steering Committee run selection scenarios")
    scenario = SelectionScenario(**fields)
    scenario.full_clean()
    scenario.inputs = selectors.selection_inputs(actor)
    if not scenario.inputs["candidates"]:
        raise ValidationError({"name": "there are no candidates to select from"})
    with transaction.atomic():
        create_audited(actor=actor, obj=scenario)
        if enqueue:
            transaction.on_commit(lambda: tasks.run_scenario.enqueue(scenario.pk))
    return scenario


def scenario_mark(scenario: SelectionScenario, *, status: str, reason: str = "", results: dict | None = None) -> None:
    """Record a scenario's state change (running, done, failed) with its audit event; the job calls this."""
    jobs.mark(scenario, status=status, reason=reason, results=results)
