"""Quality rows written directly (fixtures only; the code under test goes through the services)."""

from __future__ import annotations

from datetime import date

from pmo.change.models import Deliverable
from pmo.quality.models import (
    Acceptance,
    CorrectiveAction,
    NonConformance,
    QualityCriterion,
    QualityPlan,
    QualityReview,
    QualityRole,
    ReviewResult,
)


def make_items(program, project, *, owner=None) -> dict:
    """A program plan, and a project plan with a role, two criteria (one a gate criterion), a held review with
    results, a planned review and an open non-conformance with a corrective action."""
    program_plan = QualityPlan.objects.create(program=program, title=f"Quality plan of {program.code}",
                                              standards="ISO 9001")
    plan = QualityPlan.objects.create(program=program, project=project, title=f"Quality plan of {project.code}",
                                      standards="WCAG 2.1 AA; OWASP ASVS level 2")
    role = QualityRole.objects.create(plan=plan, user=owner or project.project_manager or program.program_manager
                                      or _someone(), responsibility="reviewer")
    gate = QualityCriterion.objects.create(plan=plan, name="Load test at 500 users", target="p95 < 2 s", gate=True,
                                           status="pass", assessed_on=date(2026, 5, 4))
    criterion = QualityCriterion.objects.create(plan=plan, name="Accessibility audit", target="no AA violation")
    review = QualityReview.objects.create(plan=plan, title="Release 1 inspection", kind="inspection",
                                          planned_on=date(2026, 5, 4), held_on=date(2026, 5, 4), status="held")
    result = ReviewResult.objects.create(review=review, criterion=gate, result="pass", date=date(2026, 5, 4))
    planned = QualityReview.objects.create(plan=plan, title="Release 2 review", planned_on=date(2026, 9, 1))
    nc = NonConformance.objects.create(plan=plan, title="Contrast below 4.5:1 on forms", severity="major",
                                       detected_on=date(2026, 5, 4), criterion=criterion, review=review, owner=owner,
                                       root_cause="Palette chosen before the accessibility audit")
    action = CorrectiveAction.objects.create(nonconformance=nc, description="Darken the form palette",
                                             owner=owner, due=date(2026, 6, 1))
    deliverable = Deliverable.objects.create(project=project, code="D1", name="Customer portal release 1",
                                             status="submitted")
    deliverable_criterion = QualityCriterion.objects.create(plan=plan, deliverable=deliverable,
                                                            name="User acceptance test signed", status="pass",
                                                            assessed_on=date(2026, 5, 20))
    decision = Acceptance.objects.create(deliverable=deliverable, decision="rejected", first_decision=True,
                                         decided_by=owner or _someone(), decided_on=date(2026, 5, 10),
                                         note="UAT not signed yet")
    return {"deliverable": deliverable, "deliverable_criterion": deliverable_criterion, "acceptance": decision,
            "program_plan": program_plan, "plan": plan, "role": role, "gate": gate, "criterion": criterion,
            "review": review, "result": result, "planned": planned, "nc": nc, "action": action}


def _someone():
    from pmo.accounts.models import User

    return User.objects.order_by("pk").first()
