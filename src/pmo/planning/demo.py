"""Demo plans for the demo projects (called at the end of ``pmo.portfolio.demo.load_demo``).

Each project gets a phased plan (initiation, design, build, test, deploy, close) with workstreams
named for what the project delivers, milestones, FS/SS links with some lags, a baseline and, for
active projects, progress up to the status date. Cross-project links and interfaces join the
projects of a program. Rows are bulk-inserted (one audit event per project plan); scheduling,
baselines, links across projects and interfaces go through the services. Loading twice changes
nothing: a project that already has tasks is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from pmo.accounts.models import User
from pmo.core import audit
from pmo.portfolio.models import Project

from . import services
from .models import Dependency, Interface, Task

STATUS_DATE = date(2026, 11, 25)
#: a task's planned cost: its duration times a blended team day (EUR), what the cost forecast starts from
TEAM_DAY_RATE = Decimal(1600)

#: project code -> workstreams
WORKSTREAMS = {
    "DX-IAM": ["Single sign-on", "Multi-factor authentication", "Joiner-mover-leaver", "Privileged access"],
    "DX-INTRA": ["Intranet portal", "Team sites", "Records management", "Search"],
    "DX-WF": ["Case intake", "Approvals", "Document generation", "Case reporting", "Integration hub"],
    "DX-DATA": ["Data lake", "Pipelines", "Operations dashboards"],
    "ERP-FIN": ["General ledger", "Accounts payable", "Accounts receivable", "Fixed assets", "Financial reporting"],
    "ERP-P2P": ["Requisitions", "Purchase orders", "Supplier portal", "Invoice matching"],
    "ERP-HCM": ["Core HR", "Payroll", "Time & absence"],
    "ERP-MIG": ["Finance data", "Supplier data", "Employee data", "Open items"],
    "CX-CRM": ["Customer master", "Sales", "Service", "Marketing consent"],
    "CX-CC": ["Telephony", "Omnichannel routing", "Knowledge base"],
    "CX-APP": ["Accounts", "Orders", "Support chat"],
    "NET-DC": ["Wave 1 servers", "Wave 2 servers", "Wave 3 servers", "Site exit"],
    "NET-LZ": ["Accounts & identity", "Network", "Guardrails", "Platform team"],
}

#: phase, share of the project's length, task templates ({ws} = workstream), milestone
PHASES = [
    ("Initiation", 0.06, ["Project charter", "Stakeholder analysis", "Kick-off workshop"], "Charter approved"),
    ("Design", 0.2, ["{ws}: requirements", "{ws}: solution design", "{ws}: design review"], "Design signed off"),
    ("Build", 0.36, ["{ws}: configuration", "{ws}: integrations", "{ws}: unit tests"], "Build complete"),
    ("Test", 0.18, ["{ws}: system test", "{ws}: user acceptance test"], "Acceptance signed off"),
    ("Deploy", 0.12, ["Cutover rehearsal", "Training", "Go-live", "Hypercare"], None),
    ("Close", 0.08, ["Handover to operations", "Lessons learned", "Project closure report"], "Project closed"),
]

#: (predecessor project, predecessor task name) -> (successor project, successor task name)
CROSS_LINKS = [
    (("DX-IAM", "Go-live"), ("DX-INTRA", "Go-live")),
    (("DX-IAM", "Single sign-on: unit tests"), ("DX-WF", "Case intake: integrations")),
    (("DX-INTRA", "Build complete"), ("DX-DATA", "Operations dashboards: requirements")),
    (("ERP-FIN", "Build complete"), ("ERP-MIG", "Finance data: system test")),
    (("ERP-P2P", "Supplier portal: configuration"), ("ERP-MIG", "Supplier data: configuration")),
    (("ERP-MIG", "Cutover rehearsal"), ("ERP-FIN", "Go-live")),
    (("CX-CRM", "Customer master: configuration"), ("CX-APP", "Accounts: integrations")),
    (("NET-LZ", "Network: configuration"), ("NET-DC", "Wave 3 servers: configuration")),
]

INTERFACES = [
    ("DX-IAM", "DX-INTRA", "Federated SSO for the intranet (SAML/OIDC)", "Go-live", "agreed"),
    ("DX-IAM", "DX-WF", "Identity API for case-worker roles", "Single sign-on: unit tests", "proposed"),
    ("ERP-FIN", "ERP-MIG", "Chart of accounts mapping", "Design signed off", "agreed"),
    ("ERP-P2P", "ERP-MIG", "Supplier master extract", "Supplier portal: configuration", "at_risk"),
    ("CX-CRM", "CX-APP", "Customer profile API", "Customer master: configuration", "proposed"),
    ("NET-LZ", "NET-DC", "Landing zone network ready for wave 3", "Network: configuration", "delivered"),
]


def _workdays(start: date, finish: date) -> int:
    days = 0
    day = start
    while day <= finish:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return max(days, 30)


def _plan_rows(project: Project, owner) -> tuple[list[Task], list[tuple[int, int, str, int]]]:
    """Tasks (unsaved, parents as list indexes in ``_parent``) and links as (pred idx, succ idx, type, lag)."""
    streams = WORKSTREAMS.get(project.code, ["Workstream A", "Workstream B", "Workstream C"])
    total = _workdays(project.start or STATUS_DATE, project.finish or (project.start or STATUS_DATE) + timedelta(300))
    tasks: list[Task] = []
    links: list[tuple[int, int, str, int]] = []
    previous_gate: int | None = None

    def add(name, duration=Decimal(0), parent=None, milestone=False, deadline=None):
        task = Task(project=project, name=name, duration=duration, is_milestone=milestone, order=(len(tasks) + 1) * 10,
                    owner=owner, deadline=deadline, cost=duration * TEAM_DAY_RATE if duration else None)
        task._parent = parent
        tasks.append(task)
        return len(tasks) - 1

    for phase, share, templates, gate in PHASES:
        phase_days = max(total * share * 1.12, 3)  # SS overlaps shorten the chains; this fills the window
        summary = add(phase)
        per_stream = [t for t in templates if "{ws}" in t]
        common = [t for t in templates if "{ws}" not in t]
        ends = []
        if common:
            length = Decimal(max(1, round(phase_days / len(common)))).quantize(Decimal("1"))
            prev = previous_gate
            for name in common:
                milestone = name == "Go-live"
                index = add(name, Decimal(0) if milestone else length, summary, milestone,
                            deadline=project.finish if milestone else None)
                if prev is not None:
                    links.append((prev, index, "FS", 0))
                prev = index
            ends.append(prev)
        if per_stream:
            length = Decimal(max(1, round(phase_days / len(per_stream)))).quantize(Decimal("1"))
            for k, stream in enumerate(streams):
                prev = previous_gate
                for j, template in enumerate(per_stream):
                    # later workstreams are a little shorter; design reviews overlap (SS with a lag)
                    duration = max(Decimal(1), length - k)
                    index = add(template.format(ws=stream), duration, summary)
                    if prev is not None:
                        overlap = j > 0 and template.endswith(("review", "unit tests"))
                        links.append((prev, index, "SS" if overlap else "FS", int(duration // 2) if overlap else 0))
                    prev = index
                ends.append(prev)
        if gate:
            gate_index = add(gate, parent=summary, milestone=True,
                             deadline=project.finish if phase == "Close" else None)
            for end in ends:
                links.append((end, gate_index, "FS", 0))
            previous_gate = gate_index
        else:
            previous_gate = ends[-1]
    return tasks, links


def _progress(project: Project) -> None:
    """Actuals up to the status date; some tasks run late so the forecast slips against the baseline."""
    complete_all = project.status == "completed"
    updates = []
    for n, task in enumerate(Task.objects.filter(project=project, is_summary=False).order_by("order")):
        if not task.start or task.start > STATUS_DATE and not complete_all:
            continue
        task.actual_start = task.start
        if complete_all or (task.finish and task.finish < STATUS_DATE):
            task.actual_finish = task.finish
            task.percent_complete = Decimal(100)
        else:
            span = max((task.finish - task.start).days, 1) if task.finish else 1
            done = min(max((STATUS_DATE - task.start).days / span, 0.1), 0.95)
            task.percent_complete = Decimal(round(done * 100 * (0.6 if n % 3 == 0 else 0.9)))
        updates.append(task)
    Task.objects.bulk_update(updates, ["actual_start", "actual_finish", "percent_complete"], batch_size=500)


def load_plans(director: User) -> dict[str, int]:
    created = {"tasks": 0, "links": 0, "interfaces": 0}
    projects = list(Project.objects.select_related("project_manager").order_by("code"))
    with transaction.atomic():
        for project in projects:
            if Task.objects.filter(project=project).exists():
                continue
            rows, links = _plan_rows(project, project.project_manager)
            Task.objects.bulk_create(rows, batch_size=500)
            for task in rows:
                if task._parent is not None:
                    task.parent_id = rows[task._parent].pk
            Task.objects.bulk_update([t for t in rows if t.parent_id], ["parent"], batch_size=500)
            Dependency.objects.bulk_create([
                Dependency(predecessor=rows[a], successor=rows[b], type=kind, lag=lag, created_by=director)
                for a, b, kind, lag in links], batch_size=500)
            audit.record(actor=director, action="demo_plan", obj=project, before=None,
                         after={"tasks": len(rows), "links": len(links)})
            created["tasks"] += len(rows)
            created["links"] += len(links)
            services.project_reschedule(actor=director, project=project)
            services.baseline_create(actor=director, project=project, name="Plan of record")
            if project.status in {"active", "completed"}:
                _progress(project)
                services.project_reschedule(actor=director, project=project, status_date=STATUS_DATE)
        by_name = {(t.project.code, t.name): t for t in Task.objects.select_related("project").filter(
            project__code__in={code for pair in CROSS_LINKS for code, _ in pair})}
        for (pred_code, pred_name), (succ_code, succ_name) in CROSS_LINKS:
            pred, succ = by_name.get((pred_code, pred_name)), by_name.get((succ_code, succ_name))
            if pred and succ and not Dependency.objects.filter(predecessor=pred, successor=succ).exists():
                services.dependency_create(actor=director, predecessor=pred, successor=succ, type="FS", lag=5)
                created["links"] += 1
        codes = {p.code: p for p in projects}
        for provider, consumer, title, task_name, status in INTERFACES:
            if provider in codes and consumer in codes and not Interface.objects.filter(title=title).exists():
                provider_task = by_name.get((provider, task_name))
                services.interface_create(
                    actor=director, provider=codes[provider], consumer=codes[consumer], title=title,
                    provider_task=provider_task, status=status, owner=codes[provider].project_manager,
                    need_by=(provider_task.finish + timedelta(days=10)) if provider_task and provider_task.finish
                    else None)
                created["interfaces"] += 1
    return created
