"""Background jobs of the benefits app (django-tasks): a portfolio selection scenario and its frontier."""

from __future__ import annotations

import logging
from decimal import Decimal

from django_tasks import task

from pmo.engine.selection import FACTORS, SelectionError, Weights, frontier, scores, select

from . import engine_adapter
from .models import Basis, ScenarioStatus, SelectionScenario
from .services import scenario_mark

logger = logging.getLogger(__name__)

#: seconds the optimiser may take for the selection, and per point of the frontier
TIME_LIMIT = 10.0
POINT_LIMIT = 2.0


@task()
def run_scenario(scenario_id: int) -> str:
    return execute(scenario_id)


def _point(p) -> dict:
    return {"factor": p.factor, "budgets": [str(b) for b in p.budgets], "status": str(p.status),
            "objective": None if p.objective is None else str(p.objective),
            "bound": None if p.bound is None else str(p.bound), "chosen": list(p.chosen)}


def execute(scenario_id: int) -> str:
    """Score, select and sweep the frontier for a queued scenario; it always ends ``done`` or ``failed``."""
    scenario = SelectionScenario.objects.filter(pk=scenario_id).first()
    if scenario is None or scenario.status != ScenarioStatus.QUEUED:
        return "skipped"
    scenario_mark(scenario, status=ScenarioStatus.RUNNING)
    try:
        inputs = scenario.inputs
        points = scores(engine_adapter.criteria(inputs), Weights(
            fit=float(scenario.weight_fit), npv=float(scenario.weight_npv), risk=float(scenario.weight_risk),
            urgency=float(scenario.weight_urgency)))
        values = points if scenario.basis == Basis.SCORE else {r["id"]: Decimal(r["npv"]) for r in inputs["candidates"]}
        candidates = engine_adapter.engine_candidates(inputs, values)
        budgets = [Decimal(b) for b in scenario.budgets]
        result = select(candidates, budgets, time_limit=TIME_LIMIT, workers=1)
        SelectionScenario.objects.filter(pk=scenario_id).update(progress=10)
        sweep = []
        for k, factor in enumerate(FACTORS):
            sweep.extend(frontier(candidates, budgets, [factor], time_limit=POINT_LIMIT, workers=1))
            SelectionScenario.objects.filter(pk=scenario_id).update(progress=10 + int(90 * (k + 1) / len(FACTORS)))
        results = {
            "status": str(result.status), "chosen": list(result.chosen), "objective": str(result.objective),
            "bound": None if result.bound is None else str(result.bound),
            "gap": result.gap if result.gap is None or result.gap != float("inf") else None,
            "costs": [str(c) for c in result.costs], "seconds": round(result.seconds, 3),
            "scores": {k: str(v) for k, v in points.items()}, "frontier": [_point(p) for p in sweep],
        }
    except SelectionError as exc:
        scenario_mark(scenario, status=ScenarioStatus.FAILED,
                      reason=str(exc) + (f" (candidate {exc.item})" if exc.item and exc.item not in str(exc) else ""))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the scenario must not stay "running"
        logger.exception("selection scenario %s failed", scenario_id)
        scenario_mark(scenario, status=ScenarioStatus.FAILED, reason=f"{type(exc).__name__}: {exc}")
        return "failed"
    except BaseException:
        scenario_mark(scenario, status=ScenarioStatus.FAILED, reason="interrupted: the worker stopped during the run")
        raise
    scenario_mark(scenario, status=ScenarioStatus.DONE, results=results)
    return "done"
