"""Demo quality for every demo program: a program quality plan and a plan for its lead project (standards, roles,
reviews planned), criteria of the project's deliverables (some gate criteria), reviews held with results,
accepted deliverables and one open non-conformance per program. Written through the services (so the audit trail
and the change app's deliverable statuses follow); loading twice changes nothing.

The story of DX: the identity platform's MFA roll-out passed its load test but failed the accessibility audit of
the enrolment pages at the first inspection; the enrolment guide was rejected once and accepted after rework,
the admin runbook at the first decision. The contrast non-conformance is being corrected and its owner's
corrective action is overdue, so it shows on his overview; a closed one (missing test evidence) is the rework
the dashboard counts.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pmo.accounts.models import User
from pmo.change import services as change_services
from pmo.change.models import Deliverable
from pmo.portfolio.models import Program, Project

from . import services
from .models import QualityPlan

STANDARDS = {
    "DX": "ISO 9001:2015 clause 8.6 (release of products); WCAG 2.1 AA for every staff-facing page; OWASP ASVS "
          "level 2 for identity services; the company's change and release policy.",
    "ERP": "ISO 9001:2015; IFRS and local GAAP reconciliation rules; SOX key controls for finance processes; SAP "
           "Activate quality gates.",
    "CX": "ISO 10002 (complaints handling); WCAG 2.1 AA; GDPR data-protection impact assessments.",
    "NET": "ISO/IEC 27001 annex A; ITIL 4 change enablement; the cloud landing zone's CIS benchmarks.",
}
# program -> (lead project, [(deliverable code, name, [(criterion, target, gate, result or None)], outcome)])
#   outcome: "accepted" (first decision), "reworked" (rejected, then accepted), "submitted" (not decided yet)
PROJECTS = {
    "DX": ("DX-IAM", [
        ("IAM-D1", "Single sign-on for 40 applications", [
            ("Load test at 6,500 concurrent logins", "p95 < 2 s, no error", True, "pass"),
            ("Penetration test of the identity provider", "no high or critical finding", True, "pass")],
         "accepted"),
        ("IAM-D2", "MFA enrolment guide and pages", [
            ("Accessibility audit of the enrolment pages", "no WCAG 2.1 AA violation", True, "fail"),
            ("Works council sign-off of the guide", "signed", False, "pass")], "submitted"),
        ("IAM-D3", "Identity administration runbook", [
            ("Runbook dry run by the service desk", "all 12 procedures executed", False, "pass")], "reworked"),
    ]),
    "ERP": ("ERP-FIN", [
        ("FIN-D1", "General ledger configuration", [
            ("Trial balance reconciles to legacy", "difference < 0.01 % per company code", True, "pass")],
         "accepted"),
        ("FIN-D2", "Accounts payable workflow", [
            ("Three-way match tested", "200 invoices, no false release", True, "pass"),
            ("SOX control walkthrough", "no deficiency", True, None)], "submitted"),
    ]),
    "CX": ("CX-CRM", [
        ("CRM-D1", "CRM solution design", [
            ("Design review by the architecture board", "approved without major finding", True, "pass")],
         "accepted"),
    ]),
    "NET": ("NET-LZ", [
        ("LZ-D1", "Landing zone baseline", [
            ("CIS benchmark scan", "score >= 95 %", True, "pass"),
            ("Backup restore test", "restore within 4 h", False, "pass")], "accepted"),
        ("LZ-D2", "Network segmentation", [
            ("Firewall rule review", "no any-any rule", True, "fail")], "submitted"),
    ]),
}
# program -> open non-conformance (title, severity, days ago (unless found by a review), root cause, action, action
#   due in days, rework hours)
OPEN_NC = {
    "DX": ("Contrast below 4.5:1 on the MFA enrolment pages", "major", 41,
           "The vendor's default theme was used; the accessibility audit came after the build.",
           "Apply the corporate accessible theme to the enrolment pages", -6, Decimal("14")),
    "ERP": ("Vendor master data without bank verification", "critical", 9, "",
            "Block payment runs to unverified vendors", 12, Decimal("0")),
    "CX": ("Design document missing the consent model", "minor", 75,
           "The GDPR review template was not part of the design checklist.",
           "Add the consent model chapter and review it with the DPO", 10, Decimal("6")),
    "NET": ("Any-any rule between the test and production segments", "major", 23,
            "Temporary rule from the migration weekend was never removed.",
            "Remove the rule and add an expiry date to temporary rules", 5, Decimal("3")),
}


def load_quality_demo(director: User) -> dict[str, int]:
    """Create what is missing; a program whose quality plan exists is left as it is."""
    created = {"plans": 0, "criteria": 0, "reviews": 0, "acceptances": 0, "nonconformances": 0}
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    for code, (project_code, deliverables) in PROJECTS.items():
        program = Program.objects.filter(code=code).first()
        project = Project.objects.filter(code=project_code).first()
        if program is None or project is None or QualityPlan.objects.filter(program=program).exists():
            continue
        with transaction.atomic():
            _program_quality(director, users, program, project, deliverables, today, created)
    return created


def _program_quality(director, users, program, project, deliverables, today, created) -> None:
    manager = program.program_manager or director
    program_plan = services.plan_create(
        actor=director, program=program, title=f"Quality management plan of {program.code}",
        standards=STANDARDS[program.code],
        approach="Quality assurance through stage-gate reviews and an audit per release; quality control through "
                 "inspections and tests of every deliverable against its criteria before acceptance.")
    plan = services.plan_create(
        actor=director, program=program, project=project, title=f"Quality plan of {project.code}",
        standards=STANDARDS[program.code].split(";")[0],
        approach="Each deliverable has measurable acceptance criteria; mandatory ones must pass an inspection "
                 "before the Program Manager accepts it.")
    created["plans"] += 2
    services.role_create(actor=director, plan=program_plan, user=manager.pk, responsibility="approver",
                         note="accepts deliverables")
    services.role_create(actor=director, plan=program_plan, user=users["coordinator"].pk,
                         responsibility="quality_lead", note="keeps the plan and the review calendar")
    services.role_create(actor=director, plan=plan, user=(project.project_manager or manager).pk,
                         responsibility="reviewer")
    services.review_create(actor=director, plan=program_plan, kind="audit", title="Quality audit of the program",
                           planned_on=today + timedelta(days=45), reviewer=users["coordinator"].pk)
    held_on = today - timedelta(days=50)
    for index, (d_code, name, criteria, outcome) in enumerate(deliverables):
        deliverable = Deliverable.objects.filter(project=project, code=d_code).first() or \
            change_services.deliverable_create(actor=director, project=project, code=d_code, name=name,
                                               status="submitted", owner=project.project_manager,
                                               due=today - timedelta(days=30 - 10 * index))
        rows = [services.criterion_create(actor=director, plan=plan, deliverable=deliverable, name=c_name,
                                          target=target, gate=gate) for c_name, target, gate, _ in criteria]
        created["criteria"] += len(rows)
        review = services.review_create(actor=director, plan=plan, deliverable=deliverable, kind="inspection",
                                        title=f"Inspection of {name}", planned_on=held_on,
                                        reviewer=(project.project_manager or manager).pk)
        created["reviews"] += 1
        results = [(row.pk, result, "" if result == "pass" else "see the non-conformance")
                   for row, (_, _, _, result) in zip(rows, criteria, strict=True) if result]
        if results:
            services.review_record(actor=director, review=review, expected_version=review.version,
                                   held_on=held_on, results=results,
                                   summary=f"{sum(r[1] == 'pass' for r in results)} of {len(results)} passed.")
        if outcome == "reworked":
            services.acceptance_record(actor=manager, deliverable=deliverable, decision="rejected",
                                       note="Two procedures failed the dry run; back to the team.")
            created["acceptances"] += 1
            deliverable.refresh_from_db()
        if outcome in ("accepted", "reworked"):
            services.acceptance_record(actor=manager, deliverable=deliverable, decision="accepted",
                                       note="All mandatory criteria passed; evidence attached to this record.")
            created["acceptances"] += 1
    services.review_create(actor=director, plan=plan, kind="review", title="Release readiness review",
                           planned_on=today + timedelta(days=14), reviewer=manager.pk)
    _nonconformances(director, users, program, plan, today, created)


def _nonconformances(director, users, program, plan, today, created) -> None:
    title, severity, age, cause, action, due_in, rework = OPEN_NC[program.code]
    owner = plan.project.project_manager if plan.project_id else None
    failed = plan.criteria.filter(status="fail").order_by("pk").first()
    found_by = failed.results.order_by("-date", "-pk").first() if failed else None
    nc = services.nc_create(actor=director, plan=plan, title=title, severity=severity,
                            detected_on=found_by.date if found_by else today - timedelta(days=age),
                            owner=owner.pk if owner else None, criterion=failed.pk if failed else None,
                            review=found_by.review_id if found_by else None, root_cause=cause, rework_hours=rework,
                            deliverable=failed.deliverable if failed else None,
                            description="Found at the inspection; blocks the acceptance of the deliverable."
                            if failed else "Found in a walkthrough.")
    created["nonconformances"] += 1
    services.action_create(actor=director, nonconformance=nc, description=action, owner=owner.pk if owner else None,
                           due=today + timedelta(days=due_in))
    if cause:
        services.action_create(actor=director, nonconformance=nc, kind="preventive",
                               description="Add the check to the design review checklist",
                               owner=users["coordinator"].pk, due=today + timedelta(days=due_in + 30))
        services.nc_transition(actor=director, nc=nc, to="action", expected_version=nc.version)
    if program.code == "DX":  # a closed one: the rework the dashboard counts
        done = services.nc_create(actor=director, plan=plan, title="Load test report without raw data",
                                  severity="minor", detected_on=today - timedelta(days=120), owner=owner.pk,
                                  root_cause="The test tool's export was not part of the report template.",
                                  rework_hours=Decimal("6"))
        fix = services.action_create(actor=director, nonconformance=done, description="Re-export and attach raw data",
                                     owner=owner.pk, due=today - timedelta(days=100))
        done = services.nc_transition(actor=director, nc=done, to="action", expected_version=done.version)
        services.action_update(actor=director, action=fix, expected_version=fix.version, status="done",
                               done_on=today - timedelta(days=101))
        done = services.nc_transition(actor=director, nc=done, to="verified", expected_version=done.version,
                                      verification="The next two load test reports carried raw data.")
        services.nc_transition(actor=director, nc=done, to="closed", expected_version=done.version)
        created["nonconformances"] += 1
