"""Demo stakeholders for every demo program: a register (sponsor, works council, CFO, shop-floor staff, vendors...),
groups, engagement assessments over 2026 whose gaps tell a story, a few engagement actions (one overdue) and one
RACI matrix per program. Written through the services; loading twice changes nothing.

The story of ERP: the works council was resistant to the HR & payroll go-live (ERP-HCM, on hold) and is to be
supportive before it; after the co-determination workshops it moved to neutral. The coordinator's follow-up on
the works agreement is overdue, so it shows on her portfolio overview.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from pmo.accounts.models import User
from pmo.portfolio.models import Program, Project

from . import services
from .models import EngagementAction, RaciMatrix, Stakeholder, StakeholderGroup
from .selectors import raci_columns, raci_rows

GROUPS = {
    "DX": [("Executive sponsors", "Board members who fund and champion the program"),
           ("Employee representatives", "Works council and staff networks"),
           ("Suppliers", "Vendors delivering parts of the program")],
    "ERP": [("Executive sponsors", "Board members who fund and champion the program"),
            ("Employee representatives", "Works council and unions: co-determination on HR systems"),
            ("Business process owners", "Heads of finance, procurement and HR operations"),
            ("Suppliers", "Integrator and software vendor")],
    "CX": [("Executive sponsors", ""), ("Front line", "Contact centre and shop staff")],
    "NET": [("Executive sponsors", ""), ("Suppliers", "Co-location and cloud providers")],
}

# program, name, kind, organisation, title, group, influence, interest, attitude, desired, owner, project, notes,
#   assessments [(date, level, note)]
STAKEHOLDERS = [
    ("DX", "Chief Operating Officer", "person", "Executive board", "Program sponsor", "Executive sponsors", 5, 5,
     "advocate", "leading", "program_manager", None, "Chairs the steering committee; wants visible quick wins.",
     [(date(2026, 3, 10), "supportive", "Kick-off"), (date(2026, 6, 15), "leading", "Opened the intranet pilot")]),
    ("DX", "Chief Information Security Officer", "person", "IT security", "CISO", None, 4, 5, "supporter",
     "leading", "project_manager", "DX-IAM", "Owns the zero-trust target; signs off MFA policy.",
     [(date(2026, 3, 20), "neutral", "Worried about MFA exceptions"),
      (date(2026, 7, 1), "supportive", "Agreed the exception process")]),
    ("DX", "Works council", "group", "Works council (Betriebsrat)", "Employee representation",
     "Employee representatives", 4, 4, "critic", "supportive", "coordinator", None,
     "Co-determination on monitoring: MFA app on private phones is a topic.",
     [(date(2026, 4, 2), "resistant", "Objects to the MFA app on private phones"),
      (date(2026, 9, 8), "neutral", "Hardware tokens offered as an alternative")]),
    ("DX", "Back-office case handlers", "group", "Operations", "6,500 staff", None, 2, 5, "neutral", "supportive",
     "coordinator", "DX-WF", "The people whose daily work changes most.",
     [(date(2026, 5, 5), "unaware", ""), (date(2026, 10, 1), "neutral", "Roadshows in all sites")]),
    ("DX", "Chief Financial Officer", "person", "Executive board", "CFO", "Executive sponsors", 5, 2, "neutral",
     "supportive", "program_manager", None, "Cares about licence costs and the 14 retired applications.",
     [(date(2026, 3, 10), "neutral", "")]),
    ("DX", "Northwind Identity GmbH", "group", "Northwind Identity GmbH", "Identity platform vendor", "Suppliers",
     2, 4, "supporter", "supportive", "project_manager", "DX-IAM", "Delivers SSO and MFA.",
     [(date(2026, 4, 1), "supportive", "")]),
    ("DX", "Data protection officer", "person", "Legal", "DPO", None, 3, 2, "neutral", "supportive", "coordinator",
     None, "Must approve the records-management retention rules.", [(date(2026, 6, 1), "neutral", "")]),
    ("ERP", "Chief Financial Officer", "person", "Executive board", "Program sponsor", "Executive sponsors", 5, 5,
     "advocate", "leading", "mkowalski", None, "Sponsor; her quarter-end close must not slip.",
     [(date(2026, 1, 15), "leading", "")]),
    ("ERP", "Works council", "group", "Works council (Betriebsrat)", "Employee representation",
     "Employee representatives", 5, 5, "blocker", "supportive", "coordinator", "ERP-HCM",
     "Must agree a works agreement on HR data before the HR & payroll go-live.",
     [(date(2026, 2, 3), "resistant", "Refuses cloud hosting of payroll data"),
      (date(2026, 5, 12), "resistant", "Works agreement draft rejected"),
      (date(2026, 9, 22), "neutral", "Co-determination workshops: EU hosting accepted")]),
    ("ERP", "Head of HR operations", "person", "HR", "Process owner HR", "Business process owners", 4, 5,
     "supporter", "leading", "lhughes", "ERP-HCM", "", [(date(2026, 2, 10), "supportive", "")]),
    ("ERP", "Shop-floor staff", "group", "Plants Nord and Süd", "1,900 hourly employees", None, 2, 4, "critic",
     "neutral", "coordinator", "ERP-HCM", "Worried about payslip errors in the first months.",
     [(date(2026, 3, 1), "unaware", ""), (date(2026, 10, 5), "resistant", "Rumours about shift-pay changes")]),
    ("ERP", "Head of procurement", "person", "Procurement", "Process owner P2P", "Business process owners", 3, 4,
     "supporter", "supportive", "tokafor", "ERP-P2P", "", [(date(2026, 1, 20), "supportive", "")]),
    ("ERP", "External auditors", "group", "KPMG", "Statutory audit", None, 4, 2, "neutral", "neutral", "mkowalski",
     None, "Need the migration reconciliation before year-end audit.", [(date(2026, 6, 30), "neutral", "")]),
    ("ERP", "Cloud ERP vendor", "group", "Vendor account team", "Software vendor", "Suppliers", 3, 3, "supporter",
     "supportive", "mkowalski", None, "", [(date(2026, 1, 15), "supportive", "")]),
    ("CX", "Chief Commercial Officer", "person", "Executive board", "Program sponsor", "Executive sponsors", 5, 4,
     "advocate", "leading", "tokafor", None, "", [(date(2026, 6, 1), "supportive", "Business case approved")]),
    ("CX", "Contact centre agents", "group", "Customer service", "420 agents", "Front line", 2, 5, "critic",
     "supportive", "coordinator", "CX-CC", "Fear of call monitoring in the new telephony.",
     [(date(2026, 7, 1), "resistant", "")]),
    ("CX", "Marketing director", "person", "Marketing", "Director marketing", None, 3, 4, "supporter",
     "supportive", "tokafor", "CX-CRM", "Owns consent management.", [(date(2026, 7, 1), "neutral", "")]),
    ("CX", "Consumer council", "group", "Customer panel", "Customer voice", None, 1, 3, "neutral", "neutral",
     "coordinator", None, "", []),
    ("NET", "Chief Information Officer", "person", "IT", "Program sponsor", "Executive sponsors", 5, 5, "advocate",
     "leading", "rsato", None, "", [(date(2025, 11, 1), "leading", "")]),
    ("NET", "Application owners", "group", "Business units", "Owners of 300 applications", None, 3, 4, "critic",
     "supportive", "rsato", "NET-LZ", "Must accept migration windows.",
     [(date(2026, 2, 1), "resistant", "Wave 1 outages"), (date(2026, 8, 1), "supportive", "Wave 3 without incident")]),
    ("NET", "Co-location provider", "group", "DataHall AG", "Exit of the leased halls", "Suppliers", 2, 2,
     "neutral", "neutral", "rsato", None, "Lease ends 2026-12-31.", [(date(2026, 3, 1), "neutral", "")]),
]

# program, stakeholder, title, owner, due (days from today, or None), status
ACTIONS = [
    ("ERP", "Works council", "Agree the works agreement on HR data (hosting, access, deletion)", "coordinator",
     -12, "in_progress"),
    ("ERP", "Works council", "Joint demo of the payroll sandbox with the works council", "lhughes", 21, "planned"),
    ("ERP", "Shop-floor staff", "Parallel payroll run: show every employee two payslips", "lhughes", 60, "planned"),
    ("DX", "Works council", "Offer hardware tokens instead of the MFA app", "project_manager", -40, "done"),
    ("DX", "Back-office case handlers", "Change champions in every site", "coordinator", 30, "in_progress"),
    ("DX", "Chief Financial Officer", "Quarterly licence-savings report", "program_manager", 45, "planned"),
    ("CX", "Contact centre agents", "Agree call-recording rules with the agents' representatives", "coordinator",
     35, "planned"),
    ("NET", "Application owners", "Publish the wave 4 migration calendar", "rsato", 14, "planned"),
]

#: program -> (project whose RACI the demo fills, [(stakeholder, role) for every row; the first is A])
RACI = {
    "DX": ("DX-IAM", [("Chief Information Security Officer", "A"), ("Northwind Identity GmbH", "R"),
                      ("Works council", "C"), ("Data protection officer", "C"), ("Chief Operating Officer", "I")]),
    "ERP": ("ERP-HCM", [("Head of HR operations", "A"), ("Cloud ERP vendor", "R"), ("Works council", "C"),
                        ("Shop-floor staff", "I"), ("Chief Financial Officer", "I")]),
    "CX": ("CX-CRM", [("Marketing director", "A"), ("Contact centre agents", "C"),
                      ("Chief Commercial Officer", "I")]),
    "NET": ("NET-LZ", [("Application owners", "A"), ("Co-location provider", "C"),
                       ("Chief Information Officer", "I")]),
}


def load_stakeholders_demo(director: User) -> dict[str, int]:
    created = {"stakeholders": 0, "groups": 0, "assessments": 0, "actions": 0, "raci": 0}
    users = {u.username: u for u in User.objects.all()}
    programs = {p.code: p for p in Program.objects.filter(code__in=GROUPS)}
    today = timezone.localdate()
    with transaction.atomic():
        groups = {}
        for code, specs in GROUPS.items():
            if code not in programs:
                continue
            for name, description in specs:
                group = StakeholderGroup.objects.filter(program=programs[code], name=name).first()
                if group is None:
                    group = services.group_create(actor=director, program=programs[code], name=name,
                                                  description=description)
                    created["groups"] += 1
                groups[(code, name)] = group
        people = {}
        for (code, name, kind, organisation, title, group, influence, interest, attitude, desired, owner, project,
             notes, assessments) in STAKEHOLDERS:
            if code not in programs:
                continue
            found = Stakeholder.objects.filter(program=programs[code], name=name).first()
            if found is None:
                found = services.stakeholder_create(
                    actor=director, program=programs[code], kind=kind, name=name, organisation=organisation,
                    title=title, group=groups.get((code, group)), influence=influence, interest=interest,
                    attitude=attitude, desired_engagement=desired, owner=users.get(owner),
                    project=Project.objects.filter(code=project).first() if project else None, notes=notes)
                created["stakeholders"] += 1
                for day, level, note in assessments:
                    services.assessment_create(actor=director, stakeholder=found, date=day, level=level, note=note)
                    created["assessments"] += 1
            people[(code, name)] = found
        for code, name, title, owner, due, status in ACTIONS:
            stakeholder = people.get((code, name))
            if stakeholder is None or EngagementAction.objects.filter(stakeholder=stakeholder, title=title).exists():
                continue
            services.action_create(actor=director, stakeholder=stakeholder, title=title, owner=users.get(owner),
                                   due=today + timedelta(days=due) if due is not None else None, status=status)
            created["actions"] += 1
        for project_code, roles in RACI.values():
            project = Project.objects.filter(code=project_code).first()
            if project is None or RaciMatrix.objects.filter(project=project, revision__gt=0).exists():
                continue
            columns = {s.name: s for s in raci_columns(project)}
            cells = [(task, columns[name], role) for task in raci_rows(project) for name, role in roles
                     if name in columns]
            if cells:
                matrix = services.raci_matrix(project)
                services.raci_set(actor=director, project=project, cells=cells, expected_version=matrix.version)
                created["raci"] += 1
    return created
