"""Quality services: criteria status from review results, the non-conformance lifecycle, bad input with nothing
written, the gate evidence and the metrics worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.errors import StaleVersion
from pmo.core.models import AuditEvent
from pmo.quality import selectors, services
from pmo.quality.models import NonConformance, QualityCriterion, QualityPlan, ReviewResult

from .factories import make_items


@pytest.fixture
def items(world):
    return make_items(world.program_a, world.project_a1, owner=world.users["project_manager"])


def _counts():
    return (AuditEvent.objects.count(), QualityPlan.objects.count(), QualityCriterion.objects.count(),
            ReviewResult.objects.count(), NonConformance.objects.count())


def test_plans_one_per_scope_and_who_writes_them(world, items):
    pm, steering = world.users["project_manager"], world.users["steering"]
    before = _counts()
    with pytest.raises(ValidationError) as err:
        services.plan_create(actor=world.users["director"], program=world.program_a, project=world.project_a1)
    assert "project" in err.value.message_dict and "already has a quality plan" in str(err.value)
    with pytest.raises(PermissionDenied):  # a Project Manager writes the plan of their project, not the program's
        services.plan_create(actor=pm, program=world.program_a)
    with pytest.raises(ValidationError) as err:  # nor one of a project they do not see (an unknown id)
        services.plan_create(actor=pm, program=world.program_a, project=world.project_a2)
    assert "project" in err.value.message_dict
    with pytest.raises(ValidationError) as err:  # another program's project is out of the program
        services.plan_create(actor=world.users["director"], program=world.program_a, project=world.project_b1)
    assert "project" in err.value.message_dict
    with pytest.raises(ValidationError) as err:  # out of scope: an unknown id, not a 403
        services.plan_create(actor=steering, program=world.program_b)
    assert "program" in err.value.message_dict
    assert _counts() == before
    plan = services.plan_create(actor=world.users["coordinator"], program=world.program_a, project=world.project_a2,
                                standards="ISO 9001")
    assert plan.title == "Quality plan of PA-2" and AuditEvent.objects.count() == before[0] + 1


def test_results_set_each_criterion_to_its_latest_result(world, items):
    pm = world.users["project_manager"]
    plan, gate, criterion = items["plan"], items["gate"], items["criterion"]
    planned = items["planned"]
    saved = services.review_record(actor=pm, review=planned, expected_version=planned.version,
                                   held_on=date(2026, 9, 2),
                                   results=[(gate, "fail", "p95 3.1 s"), (criterion, "pass", "")])
    assert saved.status == "held" and saved.held_on == date(2026, 9, 2)
    gate.refresh_from_db()
    criterion.refresh_from_db()
    assert (gate.status, gate.assessed_on) == ("fail", date(2026, 9, 2)) and criterion.status == "pass"
    # an earlier review re-recorded does not override the later one
    review = items["review"]
    services.review_record(actor=pm, review=review, expected_version=review.version, held_on=date(2026, 5, 4),
                           results=[(gate, "pass", "re-run")])
    gate.refresh_from_db()
    assert gate.status == "fail"
    status = selectors.criteria_status(world.project_a1)
    assert (status.met, status.not_met, status.open) == (0, 1, 0) and status.failing == [gate]
    everything = selectors.criteria_status(world.program_a, gate_only=False)
    assert (everything.met, everything.not_met, everything.open, everything.total) == (2, 1, 0, 3)
    assert not everything.all_met
    assert plan.criteria.count() == 3


def test_results_refused_name_the_field_and_write_nothing(world, items):
    pm = world.users["project_manager"]
    review, gate = items["planned"], items["gate"]
    other = make_items(world.program_b, world.project_b1)
    before = _counts()
    for results, message in [
        ([(other["gate"], "pass", "")], "no criterion with id"),
        ([(gate, "maybe", "")], "must be pass, fail or not_assessed"),
        ([(gate, "pass", ""), (gate, "fail", "")], "given twice"),
        ([], "at least one"),
        ([(gate, "pass", "x" * 2001)], "at most 2000"),
    ]:
        with pytest.raises(ValidationError) as err:
            services.review_record(actor=pm, review=review, expected_version=review.version, results=results)
        assert "results" in err.value.message_dict and message in str(err.value)
    with pytest.raises(StaleVersion):
        services.review_record(actor=pm, review=review, expected_version=review.version + 1,
                               results=[(gate, "pass", "")])
    with pytest.raises(PermissionDenied):
        services.review_record(actor=world.users["analyst"], review=review, expected_version=review.version,
                               results=[(gate, "pass", "")])
    assert _counts() == before


def test_nonconformance_lifecycle(world, items):
    pm, director = world.users["project_manager"], world.users["director"]
    nc = services.nc_create(actor=pm, plan=items["plan"], title="Wrong VAT rounding", severity="critical",
                            owner=pm.pk, criterion=items["criterion"].pk)
    assert nc.status == "open" and nc.owner == pm and nc.detected_on == services.today()
    for to, field in [("verified", "status"), ("closed", "status"), ("action", "root_cause")]:
        with pytest.raises(ValidationError) as err:
            services.nc_transition(actor=pm, nc=nc, to=to, expected_version=nc.version)
        assert field in err.value.message_dict, to
    nc = services.nc_update(actor=pm, nc=nc, expected_version=nc.version, root_cause="Rounding per line, not total")
    with pytest.raises(ValidationError) as err:
        services.nc_transition(actor=pm, nc=nc, to="action", expected_version=nc.version)
    assert "actions" in err.value.message_dict
    services.action_create(actor=pm, nonconformance=nc, kind="preventive", description="Unit test VAT cases")
    fix = services.action_create(actor=pm, nonconformance=nc, description="Round on the invoice total", owner=pm.pk,
                                 due=date(2026, 7, 1))
    nc = services.nc_transition(actor=pm, nc=nc, to="action", expected_version=nc.version)
    with pytest.raises(ValidationError) as err:
        services.nc_transition(actor=pm, nc=nc, to="verified", expected_version=nc.version)
    assert "actions" in err.value.message_dict and fix.ref in str(err.value)
    for action in nc.actions.all():
        done = services.action_update(actor=pm, action=action, expected_version=action.version, status="done")
        assert done.done_on == services.today()
    with pytest.raises(ValidationError) as err:
        services.nc_transition(actor=pm, nc=nc, to="verified", expected_version=nc.version)
    assert "verification" in err.value.message_dict
    nc = services.nc_transition(actor=director, nc=nc, to="verified", expected_version=nc.version,
                                verification="200 invoices re-run: no difference")
    assert (nc.verified_by, nc.verified_on) == (director, services.today())
    nc = services.nc_transition(actor=director, nc=nc, to="closed", expected_version=nc.version)
    assert nc.closed_on == services.today() and not nc.is_open
    with pytest.raises(ValidationError):
        services.nc_update(actor=pm, nc=nc, expected_version=nc.version, title="again")
    actions = [e.action for e in AuditEvent.objects.filter(object_type__endswith="nonconformance",
                                                           object_id=str(nc.pk)).order_by("pk")]
    assert actions == ["create", "update", "status_action", "status_verified", "status_closed"]


def test_nc_references_of_other_plans_are_unknown(world, items):
    other = make_items(world.program_b, world.project_b1)
    before = _counts()
    for field, value in [("criterion", other["criterion"].pk), ("review", other["review"].pk), ("owner", 10**9),
                         ("criterion", items["program_plan"].pk + 10**6)]:
        with pytest.raises(ValidationError) as err:
            services.nc_create(actor=world.users["director"], plan=items["plan"], title="x", **{field: value})
        assert field in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.nc_create(actor=world.users["director"], plan=items["plan"], title="x", rework_hours=Decimal(-1))
    assert "rework_hours" in err.value.message_dict
    assert _counts() == before


def test_metrics_by_hand(world, items):
    """Open: NC of 2026-05-04 (major) + a critical 10 days old + a minor 75 days old; closed ones do not count;
    rework 12 + 4 hours = 2.0 days."""
    day = date(2026, 6, 10)
    plan = items["plan"]
    NonConformance.objects.filter(pk=items["nc"].pk).update(rework_hours=Decimal(12))
    NonConformance.objects.create(plan=plan, title="a", severity="critical", detected_on=day - timedelta(days=10))
    NonConformance.objects.create(plan=plan, title="b", severity="minor", detected_on=day - timedelta(days=75),
                                  rework_hours=Decimal(4))
    NonConformance.objects.create(plan=plan, title="c", severity="minor", detected_on=day - timedelta(days=200),
                                  status="closed")
    found = selectors.metrics(world.program_a, day=day)
    assert found["open_by_age"]["0-30 days"] == {"minor": 0, "major": 0, "critical": 1}
    assert found["open_by_age"]["31-60 days"] == {"minor": 0, "major": 1, "critical": 0}  # 37 days
    assert found["open_by_age"]["61-90 days"] == {"minor": 1, "major": 0, "critical": 0}
    assert found["open_by_age"]["over 90 days"] == {"minor": 0, "major": 0, "critical": 0}
    assert found["open_total"] == 3
    assert (found["rework_hours"], found["rework_days"]) == (Decimal(16), Decimal("2.0"))
    assert found["criteria"] == {"pass": 2, "fail": 0, "not_assessed": 1}
    assert found["acceptance"] == {"decided": 1, "first_pass": 0, "rate": 0.0}  # the fixture's rejection
    assert found["overdue_actions"] == 1  # due 2026-06-01
    assert selectors.metrics(world.program_b, day=day)["open_total"] == 0
    assert [selectors.age_band(d) for d in (0, 30, 31, 60, 61, 90, 91, -3)] == [
        "0-30 days", "0-30 days", "31-60 days", "31-60 days", "61-90 days", "61-90 days", "over 90 days",
        "0-30 days"]


def test_overdue_panel_is_the_owners(world, items):
    pm = world.users["project_manager"]
    panel = selectors.overdue_panel(pm)
    assert panel and [a.pk for a in panel["actions"]] == [items["action"].pk]
    assert selectors.overdue_panel(world.users["director"]) is None
