"""Demo resource pool (called at the end of ``pmo.portfolio.demo.load_demo``, after the plans).

Eight teams and a supplier's contractors, 46 people with skills, countries (so public holidays differ), leave and
cost rates, the PMO's own staff, and four generic roles. Each project's workstreams are staffed from the team
that delivers it; the testers of a team test all its workstreams at once and the SAP finance architect designs for
both ERP projects, so the heat map shows the over-allocations a PMO sees in practice (test phases, one scarce
expert). The CX projects and the case-workflow integration hub ask for generic roles nobody fills yet (open
demand). The pool goes through the services (one audit event each); assignments are bulk-inserted with one audit
event per project. Loading twice changes nothing: a pool that already has people is left alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from pmo.accounts.models import User
from pmo.core import audit
from pmo.planning.models import Task
from pmo.portfolio.models import Project

from . import services
from .models import Assignment, Organisation, Resource, ResourceKind

SKILLS = {
    "Identity & access": "SSO, MFA, directory services and identity governance",
    "Java": "Java and Spring services",
    "Low-code workflow": "Case and workflow platforms",
    "SharePoint": "Intranet, team sites and records",
    "Data engineering": "Pipelines, data lake, SQL",
    "Power BI": "Dashboards and reports",
    "SAP FI/CO": "Finance and controlling in the ERP suite",
    "SAP MM": "Procurement and materials",
    "SAP HCM": "HR and payroll",
    "Salesforce": "CRM configuration and Apex",
    "Mobile": "iOS and Android",
    "UX design": "Research, interaction and visual design",
    "Cloud platform": "Landing zones, networking, infrastructure as code",
    "Network": "LAN/WAN, firewalls, data-centre networks",
    "Testing": "Test management, system and acceptance testing",
    "Business analysis": "Requirements and process design",
    "Change management": "Training, communications, adoption",
    "Project management": "Planning, RAID, reporting",
}

#: team -> (organisation, [(name, country, units, [(skill, level)], rate)])
TEAMS = {
    "Identity & Security": ("Group IT", [
        ("Anja Keller", "DE", "1", [("Identity & access", 5), ("Cloud platform", 3)], 118),
        ("Tom Becker", "DE", "1", [("Identity & access", 4), ("Java", 3)], 96),
        ("Lea Wolff", "DE", "1", [("Identity & access", 3), ("Testing", 3)], 82),
        ("Samir Haddad", "FR", "1", [("Testing", 4), ("Identity & access", 2)], 78),
        ("Ines Vogel", "DE", "0.8", [("Business analysis", 4)], 88),
    ]),
    "Digital Workplace": ("Group IT", [
        ("Claire Dubois", "FR", "1", [("SharePoint", 5), ("Business analysis", 3)], 104),
        ("Luca Romano", "FR", "1", [("SharePoint", 4), ("Low-code workflow", 3)], 92),
        ("Mia Schulz", "DE", "1", [("Low-code workflow", 4), ("Java", 3)], 90),
        ("Noah Fischer", "DE", "1", [("Java", 4), ("Low-code workflow", 2)], 94),
        ("Emma Laurent", "FR", "1", [("Testing", 4)], 76),
        ("Oskar Nilsson", "DE", "0.5", [("Change management", 4)], 84),
    ]),
    "Data & Analytics": ("Group IT", [
        ("Hannah Wright", "GB", "1", [("Data engineering", 5), ("Power BI", 3)], 112),
        ("Ravi Iyer", "GB", "1", [("Data engineering", 4)], 98),
        ("Sofia Costa", "GB", "1", [("Power BI", 4), ("Business analysis", 3)], 90),
        ("Ben Carter", "GB", "1", [("Data engineering", 3), ("Testing", 3)], 80),
        ("Julia Braun", "DE", "1", [("Data engineering", 3), ("SAP FI/CO", 2)], 86),
    ]),
    "ERP Finance & Procurement": ("Group IT", [
        ("Anna Schmidt", "DE", "1", [("SAP FI/CO", 5), ("Business analysis", 4)], 135),
        ("Marc Lefèvre", "FR", "1", [("SAP FI/CO", 4)], 110),
        ("Katrin Meyer", "DE", "1", [("SAP MM", 5), ("SAP FI/CO", 2)], 118),
        ("Pieter de Vries", "NL", "1", [("SAP MM", 4), ("Testing", 2)], 102),
        ("Olivia Turner", "GB", "1", [("Testing", 4), ("SAP FI/CO", 2)], 80),
        ("Felix Hoffmann", "DE", "1", [("SAP FI/CO", 3), ("Data engineering", 2)], 92),
    ]),
    "HR Systems": ("Group IT", [
        ("Sara Lindgren", "DE", "1", [("SAP HCM", 4), ("Business analysis", 3)], 108),
        ("David Klein", "DE", "0.6", [("SAP HCM", 3), ("Testing", 3)], 86),
    ]),
    "Customer Platforms": ("Group IT", [
        ("Grace Evans", "GB", "1", [("Salesforce", 4), ("Business analysis", 3)], 106),
        ("Lucas Martin", "FR", "1", [("Mobile", 4), ("Java", 3)], 98),
        ("Chloe Bernard", "FR", "1", [("UX design", 4)], 92),
        ("Jack Wilson", "GB", "1", [("Salesforce", 3), ("Testing", 3)], 84),
        ("Eva Novak", "DE", "1", [("Testing", 4), ("Mobile", 2)], 78),
    ]),
    "Infrastructure & Cloud": ("Group IT", [
        ("Mats Berg", "DE", "1", [("Cloud platform", 5), ("Network", 4)], 120),
        ("Yusuf Demir", "DE", "1", [("Network", 5)], 104),
        ("Nina Kraus", "DE", "1", [("Cloud platform", 4)], 100),
        ("Owen Davies", "GB", "1", [("Cloud platform", 3), ("Network", 3)], 88),
        ("Lisa Zimmermann", "DE", "1", [("Testing", 3), ("Network", 2)], 76),
    ]),
    "Nordlicht Consulting": ("Nordlicht Consulting GmbH", [
        ("Jan Petersen", "DE", "1", [("Java", 5), ("Low-code workflow", 3)], 128),
        ("Karin Lund", "DE", "1", [("SAP HCM", 5)], 140),
        ("Erik Hansen", "DE", "1", [("Salesforce", 5)], 132),
        ("Marie Roux", "FR", "1", [("Change management", 5), ("Business analysis", 3)], 115),
    ]),
}

#: PMO staff: (user name or None, name, country, units, skills, rate)
PMO_STAFF = [
    ("director", "Dana Reyes", "DE", "0.3", [("Project management", 5)], 150),
    ("analyst", "Arjun Patel", "GB", "1", [("Project management", 4), ("Power BI", 4)], 95),
    ("coordinator", "Chloé Martin", "FR", "1", [("Project management", 3), ("Change management", 3)], 78),
    (None, "Henrik Olsen", "DE", "1", [("Project management", 4), ("Testing", 2)], 90),
]

#: generic roles: name, units (how many people the role stands for), skills needed
ROLES = [
    ("Java developer", "3", [("Java", 3)]),
    ("Salesforce developer", "2", [("Salesforce", 3)]),
    ("UX designer", "1", [("UX design", 3)]),
    ("SAP HCM consultant", "2", [("SAP HCM", 4)]),
]

#: project -> the team that staffs it
STAFFING = {
    "DX-IAM": "Identity & Security", "DX-INTRA": "Digital Workplace", "DX-WF": "Digital Workplace",
    "DX-DATA": "Data & Analytics", "ERP-FIN": "ERP Finance & Procurement", "ERP-P2P": "ERP Finance & Procurement",
    "ERP-HCM": "HR Systems", "ERP-MIG": "Data & Analytics", "CX-CRM": "Customer Platforms",
    "CX-CC": "Customer Platforms", "CX-APP": "Customer Platforms", "NET-DC": "Infrastructure & Cloud",
    "NET-LZ": "Infrastructure & Cloud",
}

#: (project, task name fragment) -> (generic role, units): demand no named person fills yet
DEMAND = [
    ("DX-WF", "Integration hub: configuration", "Java developer", "2"),
    ("DX-WF", "Integration hub: integrations", "Java developer", "2"),
    ("CX-CRM", "Sales: configuration", "Salesforce developer", "1"),
    ("CX-CRM", "Service: configuration", "Salesforce developer", "1"),
    ("CX-APP", ": solution design", "UX designer", "0.5"),
    ("ERP-HCM", "Payroll: configuration", "SAP HCM consultant", "1"),
]

#: (name, start, finish, kind, note)
LEAVE = [
    ("Anna Schmidt", date(2026, 12, 21), date(2027, 1, 8), "vacation", "Christmas and New Year"),
    ("Mats Berg", date(2026, 12, 14), date(2026, 12, 31), "vacation", ""),
    ("Claire Dubois", date(2027, 2, 15), date(2027, 2, 26), "vacation", "winter holiday"),
    ("Hannah Wright", date(2027, 1, 18), date(2027, 1, 29), "training", "Data platform certification"),
    ("Tom Becker", date(2026, 12, 7), date(2026, 12, 11), "sick", ""),
    ("Grace Evans", date(2027, 4, 5), date(2027, 4, 16), "vacation", "Easter"),
    ("Sara Lindgren", date(2027, 3, 1), date(2027, 5, 28), "other", "parental leave"),
]

#: the shared expert: designs for both ERP projects (and so is over-allocated while both design)
SHARED_EXPERT = ("Anna Schmidt", ("ERP-FIN", "ERP-P2P"), ": solution design", "1")
RATES_FROM = date(2026, 1, 1)
RAISE_FROM = date(2027, 1, 1)


def _person(director, name, team, organisation, country, units, skills, rate, skill_objs, user=None, pmo=False):
    resource = services.resource_create(actor=director, kind=ResourceKind.PERSON, name=name, team=team,
                                        organisation=organisation, max_units=Decimal(units), holiday_country=country,
                                        pmo_staff=pmo, user=user,
                                        email=f"{name.lower().replace(' ', '.').replace('é', 'e').replace('è', 'e')}"
                                              "@example.com")
    for skill, level in skills:
        services.resource_skill_set(actor=director, resource=resource, skill=skill_objs[skill], level=level)
    services.rate_create(actor=director, resource=resource, effective_from=RATES_FROM, hourly_rate=Decimal(rate),
                         currency="EUR")
    if rate >= 100:
        services.rate_create(actor=director, resource=resource, effective_from=RAISE_FROM,
                             hourly_rate=(Decimal(rate) * Decimal("1.04")).quantize(Decimal("0.01")), currency="EUR")
    return resource


def _sized(task: Task, resource: Resource, units: Decimal) -> Assignment:
    work = (units * task.duration * resource.hours_per_day).quantize(Decimal("0.01"))
    return Assignment(task=task, resource=resource, units=units, work=work, effort_driven=True)


def _staff(project: Project, team: list[Resource], testers: list[Resource], pmo: list[Resource],
           roles: dict[str, Resource], people: dict[str, Resource], offset: int) -> list[Assignment]:
    """Each workstream gets a builder at half time (the team's builders rotate across its projects from
    ``offset``), its tests the team's testers at 30 % each, phase-wide tasks the project's lead builder."""
    tasks = list(Task.objects.filter(project=project, is_summary=False, is_milestone=False, duration__gt=0)
                 .order_by("order", "pk"))
    streams: dict[str, Resource] = {}
    builders = [r for r in team if r not in testers] or team
    rows: list[Assignment] = []
    for task in tasks:
        taken: set[int] = set()
        for code, fragment, role, units in DEMAND:
            if code == project.code and fragment in task.name:
                rows.append(_sized(task, roles[role], Decimal(units)))
        name, codes, fragment, units = SHARED_EXPERT
        if project.code in codes and task.name.endswith(fragment):
            rows.append(_sized(task, people[name], Decimal(units)))
            taken.add(people[name].pk)
        if ": " in task.name:
            stream, _, step = task.name.partition(": ")
            if stream not in streams:
                streams[stream] = builders[(offset + len(streams)) % len(builders)]
            if step in ("system test", "user acceptance test"):
                for tester in testers:
                    rows.append(_sized(task, tester, Decimal("0.3")))
                continue
            person, units = streams[stream], Decimal("0.5")
        elif task.name in ("Stakeholder analysis", "Lessons learned", "Project closure report") and pmo:
            person, units = pmo[(project.pk + len(task.name)) % len(pmo)], Decimal("0.5")
        else:
            person, units = builders[offset % len(builders)], Decimal(1)
        if person.pk not in taken:
            rows.append(_sized(task, person, min(units, person.max_units)))
    return rows


def load_resources_demo(director: User) -> dict[str, int]:
    """The pool, skills, leave, rates and assignments of the demo; nothing when the pool already has people."""
    if Resource.objects.filter(kind=ResourceKind.PERSON).exists():
        return {"people": 0, "assignments": 0}
    with transaction.atomic():
        skill_objs = {name: services.skill_create(actor=director, name=name, description=text)
                      for name, text in SKILLS.items()}
        organisations: dict[str, Organisation] = {}
        people: dict[str, Resource] = {}
        teams: dict[str, list[Resource]] = {}
        for team_name, (org_name, members) in TEAMS.items():
            if org_name not in organisations:
                organisations[org_name] = services.organisation_create(actor=director, name=org_name,
                                                                       external=org_name != "Group IT")
            team = services.team_create(actor=director, name=team_name, organisation=organisations[org_name])
            teams[team_name] = []
            for name, country, units, skills, rate in members:
                person = _person(director, name, team, organisations[org_name], country, units, skills, rate,
                                 skill_objs)
                people[name] = person
                teams[team_name].append(person)
        pmo_team = services.team_create(actor=director, name="PMO", organisation=organisations["Group IT"],
                                        description="The programme management office's own staff")
        users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in PMO_STAFF if s[0]])}
        pmo = [_person(director, name, pmo_team, organisations["Group IT"], country, units, skills, rate, skill_objs,
                       user=users.get(username), pmo=True)
               for username, name, country, units, skills, rate in PMO_STAFF]
        roles = {}
        for name, units, skills in ROLES:
            role = services.resource_create(actor=director, kind=ResourceKind.ROLE, name=name,
                                            max_units=Decimal(units))
            for skill, level in skills:
                services.resource_skill_set(actor=director, resource=role, skill=skill_objs[skill], level=level)
            roles[name] = role
        for name, start, finish, kind, note in LEAVE:
            services.leave_create(actor=director, resource=people[name], start=start, finish=finish, kind=kind,
                                  note=note)
        count = 0
        offsets: dict[str, int] = {}
        for project in Project.objects.filter(code__in=STAFFING).order_by("code"):
            team = teams[STAFFING[project.code]]
            testers = [r for r in team if any(rs.skill.name == "Testing" and rs.level >= 3
                                              for rs in r.skills.select_related("skill"))][:2]
            offset = offsets.get(STAFFING[project.code], 0)
            rows = _staff(project, team, testers, pmo, roles, people, offset)
            offsets[STAFFING[project.code]] = offset + 1
            Assignment.objects.bulk_create(rows, batch_size=500)
            count += len(rows)
            audit.record(actor=director, action="demo_assignments", obj=project, before=None,
                         after={"assignments": len(rows)})
    return {"people": len(people) + len(pmo), "assignments": count}
