"""The demo portfolio: realistic programs, projects and one user per role (password ``pmo-demo``).

Everything is written through the services, so the demo also fills the audit trail. Loading
twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module

from django.db import transaction

from pmo.accounts.models import Membership, Role, User
from pmo.accounts.services import membership_grant

from . import services
from .models import Portfolio, Program, Project

DEMO_PASSWORD = "pmo-demo"

#: username, first name, last name, portfolio-wide role (or None)
USERS = [
    ("director", "Dana", "Reyes", Role.PMO_DIRECTOR),
    ("analyst", "Arjun", "Patel", Role.PMO_ANALYST),
    ("coordinator", "Chloé", "Martin", Role.PMO_COORDINATOR),
    ("program_manager", "Priya", "Nair", None),
    ("steering", "Stefan", "Bauer", None),
    ("project_manager", "Jonas", "Lindqvist", None),
    ("mkowalski", "Marta", "Kowalski", None),
    ("tokafor", "Tunde", "Okafor", None),
    ("lhughes", "Laura", "Hughes", None),
    ("rsato", "Ren", "Sato", None),
]

PROGRAMS = [
    {
        "code": "DX", "name": "Digital Workplace Transformation", "sponsor": "Chief Operating Officer",
        "manager": "program_manager", "status": "active", "phase": "deliver",
        "start": date(2026, 3, 2), "end": date(2027, 12, 17),
        "description": "Replace the paper- and e-mail-driven back office with self-service digital workflows, "
                       "a modern intranet and a secure identity platform for 6,500 staff.",
        "objectives": "Cut case-handling time by 30 %\nRetire 14 legacy applications\nZero-trust access for all staff",
        "projects": [
            ("DX-IAM", "Identity & access management", "project_manager", "active", "deliver",
             date(2026, 3, 16), date(2026, 12, 18), "Single sign-on, MFA and joiner-mover-leaver automation."),
            ("DX-INTRA", "Intranet & collaboration", "project_manager", "active", "deliver",
             date(2026, 5, 4), date(2027, 3, 26), "New intranet, team sites and records management."),
            ("DX-WF", "Case workflow automation", "lhughes", "active", "define",
             date(2026, 9, 7), date(2027, 9, 24), "Low-code workflows for the 40 highest-volume back-office cases."),
            ("DX-DATA", "Operational data platform", "rsato", "proposed", "identify",
             date(2027, 1, 11), date(2027, 12, 17), "Shared data platform and dashboards for operations."),
        ],
    },
    {
        "code": "ERP", "name": "ERP Replacement", "sponsor": "Chief Financial Officer",
        "manager": "mkowalski", "status": "active", "phase": "deliver",
        "start": date(2025, 10, 6), "end": date(2027, 6, 30),
        "description": "Move finance, procurement and HR from the 2004 on-premise ERP to a cloud suite, "
                       "with harmonised processes across the four business units.",
        "objectives": "One chart of accounts\nMonth-end close in 5 days (from 12)\nDecommission the legacy ERP",
        "projects": [
            ("ERP-FIN", "Finance core (GL, AP, AR)", "tokafor", "active", "deliver",
             date(2025, 10, 20), date(2026, 12, 11), "General ledger, payables and receivables on the cloud suite."),
            ("ERP-P2P", "Procure-to-pay", "tokafor", "active", "deliver",
             date(2026, 1, 12), date(2027, 2, 26), "Requisitions, purchase orders, supplier portal."),
            ("ERP-HCM", "HR & payroll", "lhughes", "on_hold", "define",
             date(2026, 4, 6), date(2027, 5, 28), "Core HR and payroll; paused pending works-council approval."),
            ("ERP-MIG", "Data migration & cutover", "rsato", "active", "deliver",
             date(2026, 2, 2), date(2027, 6, 30), "Cleansing, mock loads and the cutover weekend."),
        ],
    },
    {
        "code": "CX", "name": "Customer Experience Renewal", "sponsor": "Chief Commercial Officer",
        "manager": "mkowalski", "status": "proposed", "phase": "define",
        "start": date(2026, 9, 1), "end": date(2028, 3, 31),
        "description": "A single customer view, a new contact centre and a mobile app so customers can "
                       "serve themselves in any channel.",
        "objectives": "NPS from 21 to 40\n60 % of contacts self-served\nOne customer record",
        "projects": [
            ("CX-CRM", "CRM platform", "tokafor", "proposed", "define",
             date(2026, 10, 5), date(2027, 9, 30), "Customer master data and sales & service CRM."),
            ("CX-CC", "Contact centre modernisation", "lhughes", "proposed", "identify",
             date(2027, 1, 4), date(2027, 12, 17), "Cloud telephony, omnichannel routing, knowledge base."),
            ("CX-APP", "Customer mobile app", "rsato", "proposed", "identify",
             date(2027, 3, 1), date(2028, 3, 31), "iOS and Android app for accounts, orders and support."),
        ],
    },
    {
        "code": "NET", "name": "Network & Data-centre Consolidation", "sponsor": "Chief Information Officer",
        "manager": "mkowalski", "status": "closing", "phase": "close",
        "start": date(2024, 9, 2), "end": date(2026, 12, 18),
        "description": "Consolidate three data centres into one co-location site and a public cloud landing zone.",
        "objectives": "Exit two data-centre leases\nCut hosting cost by 25 %",
        "projects": [
            ("NET-DC", "Data-centre exit", "rsato", "completed", "close",
             date(2024, 9, 16), date(2026, 9, 25), "Migrate 420 servers and close the two leased sites."),
            ("NET-LZ", "Cloud landing zone", "tokafor", "active", "transition",
             date(2025, 1, 13), date(2026, 12, 18), "Accounts, network, guardrails and the platform team hand-over."),
        ],
    },
]


def load_demo() -> dict[str, int]:
    """Create what is missing of the demo; return counts of what was created."""
    created = {"users": 0, "programs": 0, "projects": 0}
    with transaction.atomic():
        Portfolio.objects.get_or_create(pk=1, defaults={"name": "Contoso Group Portfolio", "currency": "EUR"})
        users = {}
        for username, first, last, _role in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, f"{username}@example.com", DEMO_PASSWORD,
                                                first_name=first, last_name=last)
                created["users"] += 1
            users[username] = user
        director = users["director"]
        for username, *_names, role in USERS:
            if role is not None:
                _grant(director, users[username], role)
        for spec in PROGRAMS:
            program = Program.objects.filter(code=spec["code"]).first()
            if program is None:
                program = services.program_create(
                    actor=director, code=spec["code"], name=spec["name"], sponsor=spec["sponsor"],
                    program_manager=users[spec["manager"]], status=spec["status"], phase=spec["phase"],
                    start=spec["start"], end=spec["end"], description=spec["description"],
                    strategic_objectives=spec["objectives"],
                )
                created["programs"] += 1
            _grant(director, users[spec["manager"]], Role.PROGRAM_MANAGER, program=program)
            for code, name, manager, status, phase, start, finish, description in spec["projects"]:
                project = Project.objects.filter(code=code).first()
                if project is None:
                    project = services.project_create(
                        actor=director, program=program, code=code, name=name, project_manager=users[manager],
                        status=status, phase=phase, start=start, finish=finish, description=description,
                    )
                    created["projects"] += 1
                _grant(director, users[manager], Role.PROJECT_MANAGER, project=project)
        _grant(director, users["steering"], Role.STEERING_COMMITTEE, program=Program.objects.get(code="DX"))
    import_module("pmo.documents.demo").load_documents_demo(director)  # charters, reports, quotes (above portfolio)
    import_module("pmo.planning.demo").load_plans(director)  # the plans; planning sits above portfolio
    import_module("pmo.resources.demo").load_resources_demo(director)  # the pool and assignments; resources sits above
    import_module("pmo.raid.demo").load_raid_demo(director)  # risks, issues, a simulation; raid sits above
    import_module("pmo.finance.demo").load_finance_demo(director)  # budgets, costs, EVM; finance sits above
    import_module("pmo.procurement.demo").load_procurement_demo(director)  # vendors, contracts (above finance)
    import_module("pmo.benefits.demo").load_benefits_demo(director)  # objectives, benefits, selection (above raid)
    import_module("pmo.stakeholders.demo").load_stakeholders_demo(director)  # registers, engagement, RACI
    import_module("pmo.change.demo").load_change_demo(director)  # scope, change requests (above stakeholders)
    import_module("pmo.communications.demo").load_communications_demo(director)  # plans, meetings (above stakeholders)
    import_module("pmo.quality.demo").load_quality_demo(director)  # plans, reviews, acceptances, non-conformances
    import_module("pmo.governance.demo").load_governance_demo(director)  # gates, a past review, the next committee
    import_module("pmo.closure.demo").load_closure_demo(director)  # lessons, NET-DC closed and archived (on top)
    import_module("pmo.notifications.demo").load_notifications_demo(director)  # last: the tick over all of it
    return created


def _grant(director, user, role, program=None, project=None):
    if not Membership.objects.filter(user=user, role=role, program=program, project=project).exists():
        membership_grant(actor=None if role == Role.PMO_DIRECTOR and user == director else director,
                         user=user, role=role, program=program, project=project)
