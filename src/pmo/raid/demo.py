"""The demo RAID log: realistic risks (with response actions), issues and assumptions per program, some linked
to planning tasks with quantified impacts, a few escalations and one finished simulation run per active program.

Everything goes through the services (policies, escalation rule, audit). Loading twice changes
nothing: items are looked up by title first.
"""

from __future__ import annotations

import time
from datetime import date

from django.db import transaction

from pmo.accounts.models import User
from pmo.engine.montecarlo import simulate
from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project

from . import engine_adapter, services, tasks
from .models import Assumption, Escalation, Issue, Risk, SimulationRun

#: (project code or None for program level, title, category, P, I, kind, strategy, proximity,
#:  probability %, schedule (min, ml, max) days, cost (min, ml, max), linked task names, status,
#:  residual (P, I), cause, event, effect)
RISKS = {
    "ERP": [
        ("ERP-MIG", "Key SAP architect leaves before cutover", "resource", 3, 5, "threat", "reduce",
         date(2027, 1, 15), 30, (10, 20, 45), (40_000, 90_000, 200_000), ["Cutover rehearsal"], "mitigating",
         (2, 4), "Single architect holds the migration design", "She resigns or is moved to another programme",
         "Cutover slips while a replacement learns the design"),
        ("ERP-HCM", "Works council delays HR go-live", "organisational", 4, 4, "threat", "reduce",
         date(2027, 3, 1), 55, (15, 30, 60), (20_000, 60_000, 150_000), ["Go-live"], "open", (3, 3),
         "Co-determination rights on time recording", "Works council withholds consent", "Payroll stays on the "
         "legacy system for another quarter"),
        ("ERP-P2P", "Vendor API rate limits throttle supplier portal", "supplier", 3, 3, "threat", "transfer",
         date(2026, 12, 4), 40, (3, 8, 20), (5_000, 15_000, 40_000), ["Supplier portal: integrations"], "open",
         (2, 2), "Cloud suite caps API calls per tenant", "Nightly supplier sync exceeds the cap",
         "Stale supplier data, manual re-keying"),
        ("ERP-MIG", "Legacy data quality worse than profiled", "technical", 4, 3, "threat", "reduce",
         date(2026, 11, 20), 60, (5, 12, 30), (10_000, 35_000, 90_000), ["Finance data: system test"],
         "mitigating", (3, 2), "2004 ERP allowed free-text master data", "Mock load 2 rejects > 5 % of records",
         "Extra cleansing cycle before cutover"),
        ("ERP-FIN", "Month-end close not stabilised after go-live", "business", 2, 4, "threat", "accept",
         date(2027, 2, 5), 25, (0, 5, 15), (0, 25_000, 80_000), [], "open", None,
         "New chart of accounts", "First two closes take 10+ days", "Late management reporting"),
        ("ERP-HCM", "Payroll parallel run shows differences", "technical", 3, 4, "threat", "reduce",
         date(2027, 4, 12), 35, (5, 10, 25), (10_000, 30_000, 70_000), ["Payroll: user acceptance test"], "open",
         None, "Complex collective agreements", "Parallel run differs by > 0.5 %", "Go-live postponed"),
        (None, "EUR/USD swing raises licence cost", "cost", 3, 2, "threat", "accept", date(2027, 1, 1), 30, None,
         (20_000, 50_000, 120_000), [], "open", None, "Licences priced in USD", "EUR weakens by 10 %",
         "Licence budget overrun"),
        ("ERP-P2P", "Reuse supplier onboarding from the sister company", "business", 3, 3, "opportunity",
         "exploit", date(2027, 1, 20), 40, (2, 5, 10), (5_000, 20_000, 30_000), ["Supplier portal: configuration"],
         "open", None, "Sister company runs the same suite", "Their onboarding flows fit ours",
         "Saves configuration time"),
        ("ERP-MIG", "Cutover weekend clashes with year-end freeze", "schedule", 2, 5, "threat", "avoid",
         date(2026, 12, 18), 15, (5, 10, 20), None, ["Go-live"], "closed", None, "Year-end freeze from 15 Dec",
         "Cutover date falls into the freeze", "Cutover moves to January"),
        ("ERP-FIN", "Auditor rejects opening balance approach", "regulatory", 2, 5, "threat", "reduce",
         date(2027, 1, 29), 15, (10, 20, 40), (15_000, 50_000, 100_000), [], "open", (1, 4),
         "New revenue recognition rules", "Auditor requires restated balances", "Re-migration of balances"),
    ],
    "DX": [
        ("DX-IAM", "MFA roll-out resisted by shop-floor staff", "organisational", 4, 3, "threat", "reduce",
         date(2026, 12, 11), 50, (5, 10, 25), (5_000, 15_000, 40_000), ["Multi-factor authentication: configuration"],
         "mitigating", (2, 3), "No company phones on the shop floor", "Staff refuse app-based MFA",
         "Hardware tokens needed, roll-out stalls"),
        ("DX-IAM", "Legacy apps cannot use SSO (SAML)", "technical", 3, 4, "threat", "reduce",
         date(2027, 1, 22), 45, (10, 20, 40), (20_000, 45_000, 100_000), ["Single sign-on: integrations"], "open",
         (2, 3), "14 legacy apps with local logins", "Vendors do not support SAML", "Password vault as stop-gap"),
        ("DX-INTRA", "Content owners miss migration deadline", "resource", 4, 2, "threat", "reduce",
         date(2027, 2, 15), 60, (5, 10, 20), (0, 10_000, 25_000), [], "open", None, "Content work on top of the "
         "day job", "Half the sites not cleaned up", "Old intranet kept read-only longer"),
        ("DX-WF", "Low-code platform licence model changes", "supplier", 2, 4, "threat", "transfer",
         date(2027, 3, 31), 20, None, (30_000, 80_000, 160_000), [], "open", None, "Vendor moves to per-flow pricing",
         "Renewal price doubles", "Budget overrun"),
        ("DX-WF", "Case volumes higher than modelled", "business", 3, 3, "threat", "accept", date(2027, 5, 3), 35,
         (0, 5, 15), (0, 15_000, 40_000), [], "open", None, "Volumes from 2024 data", "Volumes +30 %",
         "Performance tuning and extra licences"),
        (None, "Identity platform reused by the CX programme", "business", 3, 4, "opportunity", "share",
         date(2027, 4, 1), 50, None, (20_000, 60_000, 90_000), [], "open", None, "CX needs customer identity",
         "CX adopts our platform", "Shared running costs"),
        ("DX-IAM", "Penetration test finds critical flaw", "technical", 2, 5, "threat", "reduce",
         date(2026, 11, 13), 20, (5, 15, 30), (10_000, 30_000, 60_000), ["Go-live"], "open", (1, 4),
         "New identity provider", "External pen test finds a critical issue", "Go-live blocked until fixed"),
        ("DX-INTRA", "Search relevance poor at launch", "technical", 3, 2, "threat", "reduce", date(2027, 3, 12),
         40, (2, 5, 10), (0, 8_000, 20_000), [], "open", None, "Metadata incomplete", "Users cannot find policies",
         "Low adoption"),
    ],
    "CX": [
        ("CX-CRM", "Customer master data duplicates exceed 20 %", "technical", 4, 3, "threat", "reduce",
         date(2027, 2, 26), 55, (10, 15, 30), (20_000, 50_000, 100_000), [], "open", None, "Four billing systems",
         "Matching finds > 20 % duplicates", "Manual stewardship effort"),
        ("CX-APP", "App store review delays launch", "schedule", 2, 3, "threat", "accept", date(2027, 11, 1), 25,
         (3, 7, 15), None, [], "open", None, "First app release", "Store rejects the build", "Launch slips"),
        ("CX-CC", "Telephony carrier contract not signed in time", "supplier", 3, 4, "threat", "reduce",
         date(2027, 1, 15), 35, (10, 20, 40), (0, 20_000, 50_000), [], "open", None, "Procurement backlog",
         "Contract signed late", "Contact centre cut-over slips"),
        ("CX-CRM", "Marketing consent records incomplete (GDPR)", "regulatory", 3, 5, "threat", "avoid",
         date(2027, 3, 15), 30, (5, 15, 30), (10_000, 40_000, 120_000), ["Marketing consent: requirements"],
         "open", (1, 5), "Consent captured differently per channel", "Consent cannot be proven for migrated "
         "contacts", "Campaigns stopped until re-permissioning"),
        ("CX-CRM", "Sales team adoption lower than planned", "business", 3, 3, "threat", "reduce",
         date(2027, 9, 1), 45, None, (0, 30_000, 80_000), [], "open", None, "Spreadsheets work for senior reps",
         "Reps keep working outside the CRM", "Pipeline data unreliable, benefits late"),
        ("CX-APP", "Reuse DX identity platform for customer login", "technical", 3, 3, "opportunity", "enhance",
         date(2027, 4, 1), 50, (5, 10, 15), (10_000, 30_000, 45_000), [], "open", None, "DX builds a modern IdP",
         "CX uses it for customer identity", "Shorter build, lower running cost"),
        ("CX-CC", "Knowledge base content not ready for launch", "resource", 3, 2, "threat", "reduce",
         date(2027, 10, 1), 40, (3, 8, 15), None, [], "open", None, "Subject experts busy", "Articles missing",
         "Longer handling times at launch"),
        (None, "Programme start delayed by budget approval", "schedule", 3, 4, "threat", "accept",
         date(2026, 12, 10), 40, (10, 20, 40), None, [], "open", None, "Budget round moved to December",
         "Approval late", "Every project starts later"),
    ],
    "NET": [
        ("NET-LZ", "Platform team not staffed at hand-over", "resource", 3, 4, "threat", "reduce",
         date(2026, 12, 11), 40, (5, 10, 20), (10_000, 30_000, 60_000), ["Training"], "mitigating", (2, 3),
         "Two open platform-engineer roles", "Roles unfilled at hand-over", "Project team extended"),
        (None, "Data-centre lease exit penalty", "cost", 2, 4, "threat", "transfer", date(2026, 12, 31), 20, None,
         (50_000, 120_000, 250_000), [], "open", None, "Lease ends 31 Dec", "Kit not removed in time",
         "Penalty for overstaying"),
        ("NET-LZ", "Cloud cost guardrails not enforced", "cost", 3, 3, "threat", "reduce", date(2027, 1, 31), 45,
         None, (10_000, 40_000, 90_000), ["Guardrails: configuration"], "mitigating", (2, 2),
         "Teams can create unrestricted resources", "Spend exceeds forecast", "Hosting savings not realised"),
        ("NET-LZ", "Network throughput between sites insufficient", "technical", 2, 4, "threat", "reduce",
         date(2026, 12, 4), 25, (3, 8, 15), (5_000, 20_000, 50_000), ["Network: integrations"], "open", None,
         "Shared 1 Gbit/s link", "Backups saturate the link", "Migration waves throttled"),
        ("NET-DC", "Decommissioned disks not certified wiped", "regulatory", 2, 5, "threat", "transfer",
         date(2026, 12, 15), 15, None, (10_000, 30_000, 100_000), [], "open", (1, 3), "Third-party disposal",
         "Certificates missing", "Data protection breach"),
        ("NET-LZ", "Reserved-instance discount for 3-year commit", "cost", 4, 3, "opportunity", "exploit",
         date(2026, 12, 20), 70, None, (40_000, 60_000, 90_000), [], "open", None, "Stable baseline load",
         "Commit to reserved capacity", "Lower hosting cost"),
        ("NET-LZ", "Operations runbooks incomplete at hand-over", "organisational", 3, 3, "threat", "reduce",
         date(2026, 12, 11), 50, (5, 10, 20), (0, 10_000, 30_000), ["Handover to operations"], "open", None,
         "Runbooks written late", "Ops refuses acceptance", "Hand-over slips"),
    ],
}

#: (project code, title, severity, priority, raised, due, description)
ISSUES = {
    "ERP": [
        ("ERP-MIG", "Mock load 2 rejected 7 % of supplier records", "high", "urgent", date(2026, 10, 5),
         date(2026, 11, 20), "Bank details and tax ids fail validation; cleansing team overloaded."),
        ("ERP-P2P", "Test environment refresh overdue", "medium", "high", date(2026, 11, 2), date(2026, 11, 16),
         "The vendor has not refreshed the test tenant since September."),
        ("ERP-HCM", "Payroll consultant unavailable in December", "medium", "normal", date(2026, 11, 18),
         date(2026, 12, 18), "Replacement needed for the parallel-run preparation."),
        ("ERP-FIN", "Chart of accounts sign-off pending from two BUs", "critical", "urgent", date(2026, 7, 1),
         date(2026, 9, 30), "Business units South and Nordics have not signed the harmonised chart."),
    ],
    "DX": [
        ("DX-IAM", "Hardware token delivery delayed", "high", "high", date(2026, 11, 9), date(2026, 12, 4),
         "Supplier ships 2,000 of 3,500 tokens; the rest in January."),
        ("DX-INTRA", "Accessibility audit findings on the new theme", "medium", "normal", date(2026, 9, 14),
         date(2027, 1, 15), "27 WCAG 2.1 AA findings, 4 of them blocking."),
        ("DX-WF", "Integration hub licence not yet ordered", "low", "normal", date(2026, 11, 23), None,
         "Purchase request waiting for the budget holder."),
    ],
    "CX": [
        ("CX-CRM", "Business case assumptions challenged by finance", "medium", "high", date(2026, 10, 20),
         date(2026, 12, 15), "Finance questions the churn reduction benefit."),
        ("CX-CC", "Contact centre vendor shortlist contested by IT security", "medium", "normal",
         date(2026, 11, 10), date(2026, 12, 18), "Two shortlisted vendors host outside the EU."),
        ("CX-APP", "Design agency contract expired", "low", "normal", date(2026, 8, 3), None,
         "Prototype work stopped until a new purchase order is raised."),
    ],
    "NET": [
        ("NET-LZ", "Guardrail policies block two migration waves", "high", "urgent", date(2026, 6, 1),
         date(2026, 8, 31), "Policy exceptions needed for legacy workloads."),
        ("NET-DC", "Lease exit inspection found cabling to remove", "medium", "high", date(2026, 11, 16),
         date(2026, 12, 11), "Landlord requires all under-floor cabling removed before hand-back."),
        ("NET-LZ", "Platform on-call rota not agreed", "medium", "normal", date(2026, 10, 26),
         date(2026, 12, 1), "Union consultation on out-of-hours allowances still open."),
    ],
}

ASSUMPTIONS = {
    "ERP": [("ERP-HCM", "Works council agreement signed by February", date(2027, 2, 1)),
            ("ERP-MIG", "Legacy ERP licence can be extended month by month", date(2027, 3, 31))],
    "DX": [("DX-IAM", "All staff have a smartphone or can use a token", date(2026, 12, 1)),
           ("DX-INTRA", "Content owners give 2 days a month", date(2027, 1, 31))],
    "CX": [("CX-CRM", "Billing systems expose customer APIs", date(2027, 1, 15))],
}

#: a run takes ~1-2 s at this size; the demo runs them in-process when under SYNC_LIMIT seconds
DEMO_ITERATIONS = 5_000
PILOT = 256
SYNC_LIMIT = 3.0


#: risk title -> its response actions (description, due, done), added by the risk's owner
ACTIONS = {
    "Key SAP architect leaves before cutover": [
        ("Pair a second architect on the migration design", date(2026, 10, 30), True),
        ("Retention bonus agreed with HR until go-live", date(2026, 12, 11), False)],
    "Legacy data quality worse than profiled": [
        ("Run data profiling on the 2004 vendor master", date(2026, 11, 13), True),
        ("Extra cleansing sprint before mock load 3", date(2026, 12, 18), False)],
    "MFA roll-out resisted by shop-floor staff": [
        ("Shift-lead champions in each plant", date(2026, 12, 4), False),
        ("Offer hardware tokens where phones are not allowed", date(2026, 12, 18), False)],
    "Legacy apps cannot use SSO (SAML)": [
        ("Inventory the legacy apps and their login protocols", date(2026, 11, 6), True),
        ("Pilot a header-based SSO gateway for two apps", date(2027, 1, 22), False)],
    "Penetration test finds critical flaw": [
        ("Book the pen-test window four weeks before go-live", date(2026, 12, 11), False)],
    "Content owners miss migration deadline": [
        ("Weekly migration burndown in the intranet stand-up", date(2026, 12, 2), False)],
}


def load_raid_demo(director: User | None = None) -> dict[str, int]:
    director = director or User.objects.get(username="director")
    created = {"risks": 0, "issues": 0, "assumptions": 0, "runs": 0}
    steering = User.objects.filter(username="steering").first()
    for code, specs in RISKS.items():
        program = Program.objects.filter(code=code).first()
        if program is None:
            continue
        with transaction.atomic():
            for spec in specs:
                created["risks"] += _risk(director, program, spec)
            for spec in ISSUES.get(code, []):
                created["issues"] += _issue(director, program, spec)
            for project_code, title, when in ASSUMPTIONS.get(code, []):
                project = Project.objects.get(code=project_code)
                if not Assumption.objects.filter(project=project, title=title).exists():
                    services.assumption_create(actor=_manager(project, director), project=project, title=title,
                                               validation_date=when, owner=project.project_manager)
                    created["assumptions"] += 1
        _escalate(director, program, steering)
        if program.status == "active" and not SimulationRun.objects.filter(program=program).exists():
            created["runs"] += _simulate(program)
    return created


def _manager(project: Project | None, director: User) -> User:
    if project is not None and project.project_manager:
        return project.project_manager
    return director


def _risk(director, program, spec) -> int:
    (project_code, title, category, p, i, kind, strategy, proximity, pct, schedule, cost, task_names, status,
     residual, cause, event, effect) = spec
    project = Project.objects.get(code=project_code) if project_code else None
    if Risk.objects.filter(program=program, title=title).exists():
        return 0
    actor = _manager(project, program.program_manager or director) if project else (program.program_manager
                                                                                    or director)
    fields = {"title": title, "category": category, "probability": p, "impact": i, "kind": kind,
              "strategy": strategy, "proximity": proximity, "probability_pct": pct, "cause": cause, "event": event,
              "effect": effect, "owner": project.project_manager if project else program.program_manager,
              "impacts_schedule": bool(schedule), "impacts_cost": bool(cost),
              "status": "open" if status == "closed" else status}
    if schedule:
        fields |= dict(zip(("schedule_min", "schedule_most_likely", "schedule_max"), schedule, strict=True))
    if cost:
        fields |= dict(zip(("cost_min", "cost_most_likely", "cost_max"), cost, strict=True))
    if residual:
        fields |= {"residual_probability": residual[0], "residual_impact": residual[1]}
    linked = list(Task.objects.filter(project=project, name__in=task_names, children__isnull=True)
                  .values_list("pk", flat=True)) if project and task_names else None
    risk = services.risk_create(actor=actor, program=None if project else program, project=project,
                                tasks=linked, **fields)
    for description, due, done in ACTIONS.get(title, []):
        services.action_create(actor=actor, risk=risk, description=description, due=due, done=done,
                               owner=risk.owner)
    risk = services.risk_update(actor=actor, risk=risk, expected_version=risk.version, review_date=date(2026, 10, 1))
    if status == "closed":
        services.risk_update(actor=actor, risk=risk, expected_version=risk.version, status="closed")
    elif status == "mitigating" or p >= 4:
        # a second review: responses working (mitigating) or the threat growing (likely ones)
        change = {"probability": p - 1} if status == "mitigating" else {"impact": min(i + 1, 5)}
        services.risk_update(actor=actor, risk=risk, expected_version=risk.version, review_date=date(2026, 11, 16),
                             **change)
    return 1


def _issue(director, program, spec) -> int:
    project_code, title, severity, priority, raised, due, description = spec
    project = Project.objects.get(code=project_code)
    if Issue.objects.filter(project=project, title=title).exists():
        return 0
    services.issue_create(actor=_manager(project, director), project=project, title=title, severity=severity,
                          priority=priority, raised_on=raised, due=due, description=description,
                          owner=project.project_manager)
    return 1


def _escalate(director, program, steering) -> None:
    """One risk and one issue raised to the steering committee by hand, one decision recorded."""
    if Escalation.objects.filter(program=program, to_level="steering", escalated_by=program.program_manager).exists():
        return
    manager = program.program_manager or director
    risk = (Risk.objects.filter(program=program, status__in=("open", "mitigating"), escalation_level="program")
            .order_by("-score", "pk").first())
    if risk is not None:
        services.item_escalate(actor=manager, item=risk, expected_version=risk.version,
                               reason="exposure beyond the program's contingency; needs a sponsor decision")
    issue = (Issue.objects.filter(program=program, status="open", escalation_level="program")
             .order_by("-raised_on").first())
    if issue is not None:
        services.item_escalate(actor=manager, item=issue, expected_version=issue.version,
                               reason="cross-programme dependency the program cannot resolve")
    first = Escalation.objects.filter(program=program, to_level="steering", status="open").order_by("pk").first()
    if first is not None and steering is not None and program.code == "DX":
        services.escalation_decide(actor=steering, escalation=first, expected_version=first.version,
                                   status="decided", decision="Approve 40 k€ from contingency for hardware tokens "
                                                              "and a second identity engineer until March.")


def _simulate(program) -> int:
    """One run per active program: in-process when a pilot says it takes under SYNC_LIMIT seconds,
    else queued for the task worker (``pmo db_worker``)."""
    manager = program.program_manager or User.objects.get(username="director")
    data = engine_adapter.snapshot(program=program, target_date=program.end)
    pilot = engine_adapter.engine_input(data, iterations=PILOT, seed=1)
    simulate(pilot)  # the first run pays one-off set-up (distribution tables): time the second
    began = time.monotonic()
    simulate(pilot)
    predicted = (time.monotonic() - began) * DEMO_ITERATIONS / PILOT
    quick = predicted < SYNC_LIMIT
    run = services.simulation_start(actor=manager, program=program, iterations=DEMO_ITERATIONS, seed=2026,
                                    target_date=program.end, enqueue=not quick)
    if quick:
        tasks.execute(run.pk)
    return 1
