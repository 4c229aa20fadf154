"""Demo communication plans and meetings for the demo programs, written through the services; loading twice
changes nothing.

The story: the PMO Coordinator runs DX's communication plan (a weekly status e-mail to the steering committee and
the sponsors, sent automatically; an intranet news item every two weeks) and its weekly status meeting, a series
that started eight weeks ago. The monthly status report to DX's steering committee is Priya's and overdue, so it
shows on her portfolio overview. The DX-IAM project board met ten days ago: minutes, three actions, of which
Jonas's update of the MFA roll-out plan is overdue. ERP prepares a co-determination workshop with the works
council; NET reviews migration wave 4.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from pmo.accounts.models import User
from pmo.portfolio.models import Program, Project
from pmo.stakeholders.models import Stakeholder, StakeholderGroup

from . import services
from .models import Communication, Meeting
from .recurrence import zone

# program, message, purpose, channel, frequency, owner, next due (days from today), automatic,
#   audiences [("role", role) | ("group", name) | ("stakeholder", name)], subject, body
PLAN = [
    ("DX", "Weekly program status", "Keep the steering committee and the sponsors informed between meetings",
     "email", "weekly", "coordinator", 4, True, [("role", "steering_committee"), ("role", "program_manager"),
                                                 ("group", "Executive sponsors")],
     "DX weekly status", "Milestones, slips, top risks and the decisions coming up. Details in pmo."),
    ("DX", "Monthly status report to the steering committee", "RAG status, EVM, RAID and decisions needed",
     "report", "monthly", "program_manager", -5, False, [("role", "steering_committee")], "", ""),
    ("DX", "Intranet news: what changes for you", "Prepare case handlers for the new workflow", "portal",
     "biweekly", "coordinator", 3, False, [("stakeholder", "Back-office case handlers")], "", ""),
    ("ERP", "Works council briefing on HR data", "Co-determination: hosting, access and deletion of HR data",
     "meeting", "monthly", "coordinator", 9, False, [("group", "Employee representatives")], "", ""),
    ("ERP", "Cutover readiness newsletter", "Process owners and project managers know what is due before cutover",
     "email", "biweekly", "mkowalski", 6, True, [("group", "Business process owners"), ("role", "project_manager")],
     "ERP cutover readiness", "Open readiness items per process, and the next rehearsal date."),
    ("CX", "Business case summary for the consumer council", "Explain the customer benefits", "email",
     "quarterly", "coordinator", 30, False, [("stakeholder", "Consumer council")], "CX renewal: what changes",
     "A summary of the customer experience renewal and what it means for customers."),
    ("NET", "Migration calendar", "Application owners know their migration windows", "portal", "weekly", "rsato",
     2, False, [("group", "Suppliers"), ("stakeholder", "Application owners")], "", ""),
]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone())


def load_communications_demo(director: User) -> dict[str, int]:
    created = {"communications": 0, "meetings": 0}
    users = {u.username: u for u in User.objects.all()}
    programs = {p.code: p for p in Program.objects.filter(code__in={row[0] for row in PLAN})}
    today = timezone.localdate()
    with transaction.atomic():
        for (code, title, purpose, channel, frequency, owner, due, automatic, audiences, subject, body) in PLAN:
            program = programs.get(code)
            if program is None or Communication.objects.filter(program=program, title=title).exists():
                continue
            entries = []
            for kind, name in audiences:
                if kind == "role":
                    entries.append({"role": name})
                elif kind == "group":
                    group = StakeholderGroup.objects.filter(program=program, name=name).first()
                    if group:
                        entries.append({"group": group})
                else:
                    stakeholder = Stakeholder.objects.filter(program=program, name=name).first()
                    if stakeholder:
                        entries.append({"stakeholder": stakeholder})
            services.communication_create(actor=director, program=program, title=title, purpose=purpose,
                                          channel=channel, frequency=frequency, owner=users.get(owner),
                                          next_due=today + timedelta(days=due), automatic=automatic,
                                          subject=subject, body=body, audiences=entries)
            created["communications"] += 1
        created["meetings"] = _meetings(director, users, programs, today)
    return created


def _meetings(director, users, programs, today) -> int:
    made = 0
    dx, erp, net = programs.get("DX"), programs.get("ERP"), programs.get("NET")
    coordinator = users.get("coordinator")
    if dx and not Meeting.objects.filter(program=dx, title="DX weekly status").exists():
        monday = today - timedelta(days=today.weekday() + 7 * 8)
        meeting = services.meeting_create(
            actor=director, program=dx, kind="status", title="DX weekly status", location="Room 4.12 / video call",
            purpose="Progress of the projects, milestones at risk, RAID, decisions to prepare.",
            starts_at=_at(monday, 9, 30), duration_minutes=45, recurrence="weekly", interval=1, count=40,
            organizer=coordinator,
            attendee_users=[u for u in (users.get(n) for n in ("program_manager", "project_manager", "lhughes",
                                                               "rsato", "coordinator")) if u])
        for order, (title, presenter) in enumerate((("Milestones and slips", "program_manager"),
                                                    ("RAID: new and escalated", "coordinator"),
                                                    ("Decisions to prepare for the steering committee",
                                                     "program_manager")), start=1):
            services.agenda_item_add(actor=director, meeting=meeting, title=title, order=order,
                                     presenter=users.get(presenter), duration_minutes=15)
        made += 1
    iam = Project.objects.filter(code="DX-IAM").first()
    if iam and not Meeting.objects.filter(project=iam, title="DX-IAM project board").exists():
        held = today - timedelta(days=10)
        pm = users.get("project_manager")
        council = Stakeholder.objects.filter(program=iam.program, name="Works council").first()
        meeting = services.meeting_create(
            actor=director, project=iam, kind="project_board", title="DX-IAM project board", location="Room 2.01",
            purpose="Stage review of the MFA roll-out.", starts_at=_at(held, 14), duration_minutes=90,
            organizer=pm, attendee_users=[u for u in (pm, users.get("program_manager"), coordinator) if u],
            attendee_stakeholders=[council] if council else [])
        rollout = services.agenda_item_add(actor=director, meeting=meeting, title="MFA roll-out: pilot results",
                                           presenter=pm, subject=iam,
                                           notes="Pilot with 400 users: 3 % helpdesk calls, mostly app enrolment.")
        tokens = services.agenda_item_add(actor=director, meeting=meeting, title="Hardware tokens for staff without "
                                          "a company phone", subject=council,
                                          notes="The works council accepts tokens as the alternative.")
        services.action_create(actor=director, meeting=meeting, agenda_item=rollout,
                               description="Update the MFA roll-out plan with the pilot's lessons", owner=pm,
                               due=today - timedelta(days=3))
        services.action_create(actor=director, meeting=meeting, agenda_item=tokens,
                               description="Order 800 hardware tokens", owner=pm, due=today + timedelta(days=7),
                               status="in_progress")
        services.action_create(actor=director, meeting=meeting, description="Circulate the minutes",
                               owner=coordinator, due=held + timedelta(days=2), status="done")
        services.meeting_update(actor=director, meeting=meeting, expected_version=meeting.version, status="held",
                                minutes="Pilot accepted. Roll-out to the first 2,000 users approved, subject to "
                                        "the updated plan. Hardware tokens for staff without a company phone.")
        made += 1
    if erp and not Meeting.objects.filter(program=erp, title="Co-determination workshop: HR data").exists():
        council = Stakeholder.objects.filter(program=erp, name="Works council").first()
        services.meeting_create(
            actor=director, program=erp, kind="workshop", title="Co-determination workshop: HR data",
            location="Plant Nord, training room", purpose="Agree hosting, access and deletion rules for HR data.",
            starts_at=_at(today + timedelta(days=6), 10), duration_minutes=180, organizer=coordinator,
            attendee_users=[u for u in (coordinator, users.get("lhughes")) if u],
            attendee_stakeholders=[council] if council else [])
        made += 1
    if net and not Meeting.objects.filter(program=net, title="Migration wave 4 review").exists():
        services.meeting_create(
            actor=director, program=net, kind="review", title="Migration wave 4 review", location="Video call",
            starts_at=_at(today + timedelta(days=5), 11), duration_minutes=60, organizer=users.get("rsato"),
            attendee_users=[u for u in (users.get("rsato"), users.get("tokafor")) if u])
        made += 1
    return made
