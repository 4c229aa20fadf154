"""Demo benefits: the portfolio's strategic objectives, benefit profiles with realisation schedules and
measurements for every demo program, their benefits maps, candidate projects and one saved selection scenario.

The benefits at risk come from the demo's own data: the RAID demo's seeded simulation of each active program puts
the P80 of DX-WF's go-live a calendar month after its baseline (August -> September 2027) and ERP-MIG's go-live
two months after (April -> June 2027), so the benefits those milestones enable show value deferred and lost.
Everything goes through the services; loading twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from pmo.accounts.models import User
from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project

from . import services, tasks
from .models import Benefit, BenefitSettings, Candidate, MapNode, Objective, SelectionScenario

OBJECTIVES = [
    ("O1", "Cut operating cost", 35, "Lower the cost of running the business by 10 % by 2029."),
    ("O2", "Better customer and staff experience", 25, "Faster service, fewer hand-offs, self-service first."),
    ("O3", "Secure and compliant operations", 25, "Zero-trust access, auditable processes, regulatory deadlines met."),
    ("O4", "Simplify the application estate", 15, "Retire legacy applications and data centres."),
]


def _months(n: int, amount: int) -> list[str]:
    return [str(amount)] * n


#: program -> benefits: (title, category, measure, unit, direction, baseline, target, baseline date, target date,
#: owner, milestone (project, task name), schedule start, schedule, measurements [(date, value, realised)],
#: dis-benefit, handover (date, to) or None)
BENEFITS = {
    "DX": [
        ("Staff time released by case workflows", "non_cash", "staff time released per month", "EUR", "increase",
         0, 150000, date(2027, 1, 1), date(2028, 6, 30), "Director of Operations", ("DX-WF", "Go-live"),
         date(2027, 9, 1), _months(40, 150000), [], False, None),
        ("Legacy intranet and file-server licences retired", "cash_releasing", "licence cost per month", "EUR",
         "decrease", 14000, 2000, date(2026, 5, 1), date(2027, 6, 30), "Head of IT Service Delivery",
         ("DX-INTRA", "Go-live"), date(2027, 3, 1), _months(46, 12000), [], False, None),
        ("Helpdesk password-reset cost avoided", "cash_releasing", "password-reset cost per month", "EUR",
         "decrease", 11000, 2000, date(2026, 3, 1), date(2027, 3, 31), "Head of IT Service Delivery",
         ("DX-IAM", "Go-live"), date(2026, 11, 1), _months(50, 9000),
         [(date(2026, 3, 31), 11200, None), (date(2026, 11, 20), 5200, 5800)], False, None),
        ("Security incidents from account misuse", "non_financial", "incidents per quarter", "incidents",
         "decrease", 18, 4, date(2026, 1, 1), date(2027, 12, 31), "Chief Information Security Officer",
         ("DX-IAM", "Go-live"), None, [],
         [(date(2026, 3, 31), 17, None), (date(2026, 6, 30), 16, None), (date(2026, 9, 30), 13, None)], False, None),
        ("Productivity dip while teams move to the new workflows", "non_cash", "productivity lost per month", "EUR",
         "decrease", 30000, 1, date(2027, 8, 1), date(2027, 12, 31), "Director of Operations",
         ("DX-WF", "Go-live"), date(2027, 8, 1), _months(3, 30000), [], True, None),
    ],
    "ERP": [
        ("Legacy ERP licence and hosting savings", "cash_releasing", "legacy ERP run cost per month", "EUR",
         "decrease", 52000, 12000, date(2025, 10, 1), date(2027, 12, 31), "Chief Financial Officer",
         ("ERP-MIG", "Go-live"), date(2027, 5, 1), _months(44, 40000), [], False, None),
        ("Month-end close in 5 days", "non_financial", "working days to close the month", "days", "decrease",
         12, 5, date(2025, 10, 1), date(2027, 6, 30), "Group Financial Controller", ("ERP-FIN", "Go-live"), None, [],
         [(date(2026, 7, 31), 12, None), (date(2026, 10, 31), 10, None)], False, None),
        ("Purchase-order processing cost cut", "non_cash", "processing cost per month", "EUR", "decrease", 36000,
         21000, date(2026, 1, 1), date(2027, 12, 31), "Head of Procurement", ("ERP-P2P", "Go-live"),
         date(2027, 2, 1), _months(47, 15000), [], False, None),
    ],
    "CX": [
        ("Cost per contact in the contact centre", "cash_releasing", "contact-centre cost per month", "EUR",
         "decrease", 180000, 150000, date(2026, 9, 1), date(2028, 6, 30), "Chief Commercial Officer",
         ("CX-CC", "Go-live"), date(2027, 12, 1), _months(37, 30000), [], False, None),
        ("Net promoter score from 21 to 40", "non_financial", "net promoter score", "points", "increase", 21, 40,
         date(2026, 9, 1), date(2028, 12, 31), "Chief Commercial Officer", ("CX-APP", "Go-live"), None, [],
         [(date(2026, 9, 30), 21, None)], False, None),
    ],
    "NET": [
        ("Data-centre lease exit savings", "cash_releasing", "lease and power cost per month", "EUR", "decrease",
         95000, 35000, date(2024, 9, 1), date(2026, 12, 31), "Head of Infrastructure Operations",
         ("NET-DC", "Go-live"), date(2026, 7, 1), _months(54, 60000),
         [(date(2026, 7, 31), 38000, 57000), (date(2026, 8, 31), 36000, 59000), (date(2026, 9, 30), 35500, 59500),
          (date(2026, 10, 31), 35000, 60000)], False, (date(2026, 10, 15), "Head of Infrastructure Operations")),
        ("Hosting cost cut by 25 %", "non_financial", "hosting cost against 2024", "%", "decrease", 100, 75,
         date(2024, 9, 1), date(2027, 3, 31), "Chief Information Officer", ("NET-LZ", "Go-live"), None, [],
         [(date(2026, 6, 30), 88, None), (date(2026, 10, 31), 81, None)], False, None),
    ],
}

#: program -> (nodes [(kind, title)], arrows [(source, target, contribution)]); "P:code", "N:title", "B:title",
#: "O:code" name the ends
MAPS = {
    "DX": ([("output", "Low-code workflow platform"), ("output", "Single sign-on and MFA"),
            ("output", "New intranet and team sites"), ("outcome", "Cases handled without paper"),
            ("outcome", "Fewer account compromises"), ("outcome", "Legacy intranet switched off")],
           [("P:DX-WF", "N:Low-code workflow platform"),
            ("N:Low-code workflow platform", "N:Cases handled without paper"),
            ("N:Cases handled without paper", "B:Staff time released by case workflows"),
            ("B:Staff time released by case workflows", "O:O1", "high"),
            ("B:Staff time released by case workflows", "O:O2", "medium"),
            ("P:DX-IAM", "N:Single sign-on and MFA"), ("N:Single sign-on and MFA", "N:Fewer account compromises"),
            ("N:Fewer account compromises", "B:Security incidents from account misuse"),
            ("B:Security incidents from account misuse", "O:O3", "high"),
            ("N:Single sign-on and MFA", "B:Helpdesk password-reset cost avoided"),
            ("B:Helpdesk password-reset cost avoided", "O:O1", "low"),
            ("P:DX-INTRA", "N:New intranet and team sites"),
            ("N:New intranet and team sites", "N:Legacy intranet switched off"),
            ("N:Legacy intranet switched off", "B:Legacy intranet and file-server licences retired"),
            ("B:Legacy intranet and file-server licences retired", "O:O4", "high"),
            ("P:DX-DATA", "N:Cases handled without paper")]),
    "ERP": ([("output", "Cloud finance suite"), ("output", "Migrated master data"),
             ("outcome", "One chart of accounts"),
             ("outcome", "Legacy ERP decommissioned")],
            [("P:ERP-FIN", "N:Cloud finance suite"), ("N:Cloud finance suite", "N:One chart of accounts"),
             ("N:One chart of accounts", "B:Month-end close in 5 days"),
             ("B:Month-end close in 5 days", "O:O2", "medium"),
             ("P:ERP-MIG", "N:Migrated master data"), ("N:Migrated master data", "N:Legacy ERP decommissioned"),
             ("N:Legacy ERP decommissioned", "B:Legacy ERP licence and hosting savings"),
             ("B:Legacy ERP licence and hosting savings", "O:O1", "high"),
             ("B:Legacy ERP licence and hosting savings", "O:O4", "high"),
             ("P:ERP-P2P", "B:Purchase-order processing cost cut"),
             ("B:Purchase-order processing cost cut", "O:O1", "medium"),
             ("P:ERP-HCM", "N:Cloud finance suite")]),
    "CX": ([("output", "Customer master and CRM"), ("outcome", "Customers served in any channel")],
           [("P:CX-CRM", "N:Customer master and CRM"),
            ("N:Customer master and CRM", "N:Customers served in any channel"),
            ("P:CX-CC", "N:Customers served in any channel"), ("P:CX-APP", "N:Customers served in any channel"),
            ("N:Customers served in any channel", "B:Net promoter score from 21 to 40"),
            ("N:Customers served in any channel", "B:Cost per contact in the contact centre"),
            ("B:Net promoter score from 21 to 40", "O:O2", "high"),
            ("B:Cost per contact in the contact centre", "O:O1", "medium")]),
    "NET": ([("output", "Co-location site and cloud landing zone"), ("outcome", "Two leased data centres closed")],
            [("P:NET-DC", "N:Co-location site and cloud landing zone"),
             ("P:NET-LZ", "N:Co-location site and cloud landing zone"),
             ("N:Co-location site and cloud landing zone", "N:Two leased data centres closed"),
             ("N:Two leased data centres closed", "B:Data-centre lease exit savings"),
             ("N:Two leased data centres closed", "B:Hosting cost cut by 25 %"),
             ("B:Data-centre lease exit savings", "O:O1", "high"), ("B:Hosting cost cut by 25 %", "O:O4", "medium")]),
}

#: code, name, project code (or None: a proposal), costs per year from 2027, mandatory, urgency, requires,
#: (objectives, npv estimate, risk estimate) of a proposal
CANDIDATES = [
    ("C-HCM", "HR & payroll on the cloud suite", "ERP-HCM", [900000, 400000, 0], True, 5, [], None),
    ("C-DATA", "Operational data platform", "DX-DATA", [650000, 450000, 150000], False, 3, [], None),
    ("C-CRM", "CRM platform", "CX-CRM", [1200000, 450000, 100000], False, 4, [], None),
    ("C-CC", "Contact centre modernisation", "CX-CC", [500000, 650000, 200000], False, 3, ["C-CRM"], None),
    ("C-APP", "Customer mobile app", "CX-APP", [300000, 700000, 400000], False, 2, ["C-CRM"], None),
    ("C-AI", "Document AI for case intake", None, [250000, 400000, 150000], False, 2, ["C-DATA"],
     (["O1", "O2"], 1400000, 180000)),
    ("C-GRC", "Regulatory reporting upgrade", None, [300000, 150000, 0], True, 5, [],
     (["O3"], -150000, 60000)),
    ("C-EDGE", "Branch network refresh", None, [700000, 600000, 0], False, 2, [], (["O3"], 300000, 250000)),
]


def _ends(spec: str, program: Program, nodes: dict, benefits: dict, objectives: dict, side: str) -> dict:
    kind, _, key = spec.partition(":")
    if kind == "P":
        return {"source_project": Project.objects.get(code=key)}
    if kind == "O":
        return {"target_objective": objectives[key]}
    obj = nodes[key] if kind == "N" else benefits[key]
    return {f"{side}_{'node' if kind == 'N' else 'benefit'}": obj}


def load_benefits_demo(director: User | None = None) -> dict[str, int]:
    director = director or User.objects.get(username="director")
    created = {"objectives": 0, "benefits": 0, "measurements": 0, "arrows": 0, "candidates": 0, "scenarios": 0}
    with transaction.atomic():
        BenefitSettings.current()  # 8 % a year, valued from January 2026, over 60 months
        objectives = {}
        for code, title, weight, description in OBJECTIVES:
            objective = Objective.objects.filter(code=code).first()
            if objective is None:
                objective = services.objective_create(actor=director, code=code, title=title, weight=Decimal(weight),
                                                      description=description)
                created["objectives"] += 1
            objectives[code] = objective
        for program in Program.objects.filter(code__in=BENEFITS):
            benefits = {}
            for (title, category, measure, unit, direction, baseline, target, baseline_date, target_date, owner,
                 (project_code, task_name), start, schedule, readings, dis, handover) in BENEFITS[program.code]:
                benefit = Benefit.objects.filter(program=program, title=title).first()
                if benefit is None:
                    milestone = Task.objects.filter(project__code=project_code, name=task_name,
                                                    is_milestone=True).first()
                    benefit = services.benefit_create(
                        actor=director, program=program, title=title, category=category, measure=measure, unit=unit,
                        direction=direction, baseline_value=Decimal(baseline), target_value=Decimal(target),
                        baseline_date=baseline_date, target_date=target_date, owner_name=owner, is_disbenefit=dis,
                        frequency="quarterly" if category == "non_financial" else "monthly",
                        method="finance ledger, month end" if category != "non_financial" else "operational report",
                        schedule_start=start, schedule=schedule, milestones=[milestone] if milestone else [])
                    created["benefits"] += 1
                    for on, value, realised in readings:
                        services.measurement_create(actor=director, benefit=benefit, measured_on=on,
                                                    value=Decimal(value),
                                                    realised=None if realised is None else Decimal(realised))
                        created["measurements"] += 1
                    if handover:
                        benefit = services.benefit_handover(actor=director, benefit=benefit,
                                                            expected_version=benefit.version, on=handover[0],
                                                            to=handover[1], note="Savings now in the run budget.")
                benefits[title] = benefit
            if not MapNode.objects.filter(program=program).exists():
                node_specs, arrows = MAPS[program.code]
                nodes = {title: services.node_create(actor=director, program=program, kind=kind, title=title)
                         for kind, title in node_specs}
                for source, target, *contribution in arrows:
                    services.edge_create(actor=director, program=program, contribution=(contribution or ["high"])[0],
                                         **_ends(source, program, nodes, benefits, objectives, "source"),
                                         **_ends(target, program, nodes, benefits, objectives, "target"))
                    created["arrows"] += 1
        codes = {}
        for code, name, project_code, costs, mandatory, urgency, requires, proposal in CANDIDATES:
            candidate = Candidate.objects.filter(code=code).first()
            if candidate is None:
                extra = {}
                if proposal:
                    extra = {"objectives": [objectives[o] for o in proposal[0]], "npv_estimate": Decimal(proposal[1]),
                             "risk_estimate": Decimal(proposal[2])}
                candidate = services.candidate_create(
                    actor=director, code=code, name=name, mandatory=mandatory, urgency=urgency,
                    project=Project.objects.filter(code=project_code).first() if project_code else None,
                    costs=[str(c) for c in costs], requires=[codes[r] for r in requires], **extra)
                created["candidates"] += 1
            codes[code] = candidate
    if not SelectionScenario.objects.filter(name="2027-2029 plan at 3 M a year").exists():
        scenario = services.scenario_start(actor=director, enqueue=False, name="2027-2029 plan at 3 M a year",
                                           first_year=2027, budgets=["3000000", "3000000", "2000000"])
        tasks.execute(scenario.pk)
        created["scenarios"] += 1
    return created
