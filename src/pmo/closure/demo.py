"""The closure demo: NET-DC (the data-centre exit, completed) is closed and archived, and the lessons library has the
portfolio's first lessons, one of them adopted by a later project.

The story: the two leased data centres are empty. The lease-exit inspection's cabling issue is resolved; the risk of
uncertified disk wipes stays open because the certificates come with the vendor's final report, so the PMO Director
overrides the RAID item with that reason. The program manager ticks the CIO's sign-off; NET-DC's three lessons are
captured, and ERP-MIG (the same project manager, Ren Sato) adopts the rehearsal lesson for the ERP cut-over weekend,
while CX-CRM plans to adopt the data-cleansing one. The Director archives NET-DC: it is read-only from then on.
Written through the services; loading twice changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from pmo.accounts.models import User
from pmo.portfolio.models import Project

from . import checklist, services
from .models import Adoption, Lesson

# project code, author, phase, category, impact, title, what happened, impact note, recommendation, tags
LESSONS = [
    ("NET-DC", "rsato", "deliver", "technical", "positive", "Rehearse every move wave with a full mock move",
     "Each of the 14 move waves had a dress rehearsal one week before, with the real runbook, people and "
     "transport; the rehearsals found 31 runbook errors, and no live wave overran its change window.",
     "Zero unplanned outages across 420 servers.",
     "Plan a full rehearsal per cut-over or move wave, a week before, with the live runbook; count the rehearsal "
     "findings and go live only when a rehearsal runs clean.", ["cut-over", "rehearsal", "migration"]),
    ("NET-DC", "rsato", "define", "procurement", "high", "Read the lease exit clauses before planning",
     "The lease required the floors to be returned without cabling; the inspection found 9 km of cabling, "
     "removed at our cost in the last month.", "EUR 84,000 and three weeks of contingency used.",
     "At Define, have facilities read every lease or contract exit clause into the plan as tasks with owners.",
     ["contracts", "facilities", "exit"]),
    ("NET-DC", "rsato", "deliver", "quality", "medium", "Clean the configuration data before you move it",
     "A third of the CMDB records of the servers to move were wrong (owner, dependencies), which cost two "
     "waves a re-plan.", "Two move waves re-planned, one week lost.",
     "Cleanse and validate master data (CMDB, customer, supplier records) with its owners before any migration "
     "wave depends on it.", ["data quality", "migration", "cmdb"]),
    ("NET", "mkowalski", "transition", "governance", "medium", "Hand the platform over to a named run team early",
     "The landing zone's run team was named only in Transition; the handover checklist took twice as long.",
     "Handover planned for 2 weeks took 4.",
     "Name the run organisation in Define and have it accept each platform component as it is built.",
     ["handover", "operations"]),
    ("DX-IAM", "project_manager", "define", "stakeholders", "high", "Bring the works council in before choosing "
     "the MFA method", "The MFA app on private phones met the works council's objection after the design was "
     "done; hardware tokens had to be added.", "Design reopened; six weeks of delay on the MFA rollout.",
     "Consult the works council on any control that touches personal devices or monitoring before the design "
     "decision, not after.", ["works council", "mfa", "consultation"]),
]

# lesson title, adopting project, by, status, note
ADOPTIONS = [
    ("Rehearse every move wave with a full mock move", "ERP-MIG", "rsato", "adopted",
     "Three full mock cut-overs planned before the ERP cut-over weekend; the third must run clean."),
    ("Clean the configuration data before you move it", "CX-CRM", "tokafor", "planned",
     "Customer master data cleansing becomes a work package before the CRM load."),
]


def _users():
    return {u.username: u for u in User.objects.all()}


def load_closure_demo(director: User) -> dict[str, int]:
    created = {"lessons": 0, "adoptions": 0, "marks": 0, "archived": 0}
    users = _users()
    projects = {p.code: p for p in Project.objects.select_related("program")}
    if "NET-DC" not in projects:
        return created
    with transaction.atomic():
        lessons = {}
        for (code, author, phase, category, impact, title, happened, note, recommendation, tags) in LESSONS:
            found = Lesson.objects.filter(title=title).first()
            if found is None:
                target = projects.get(code)
                actor = users.get(author, director)
                if target is not None:
                    found = services.lesson_create(actor=actor, project=target, phase=phase, category=category,
                                                   impact=impact, title=title, what_happened=happened,
                                                   impact_note=note, recommendation=recommendation, tags=tags)
                else:
                    from pmo.portfolio.models import Program

                    program = Program.objects.filter(code=code).first()
                    if program is None:
                        continue
                    found = services.lesson_create(actor=actor, program=program, phase=phase, category=category,
                                                   impact=impact, title=title, what_happened=happened,
                                                   impact_note=note, recommendation=recommendation, tags=tags)
                created["lessons"] += 1
            lessons[title] = found
        for title, code, by, status, note in ADOPTIONS:
            lesson, project = lessons.get(title), projects.get(code)
            if lesson is None or project is None or Adoption.objects.filter(lesson=lesson, project=project).exists():
                continue
            services.adoption_create(actor=users.get(by, director), lesson=lesson, project=project, status=status,
                                     note=note)
            created["adoptions"] += 1
        net_dc = Project.objects.select_related("program").get(code="NET-DC")
        if net_dc.archived_at is None:
            _close_net_dc(director, users, net_dc, created)
    return created


def _close_net_dc(director, users, project, created) -> None:
    from pmo.raid.models import Issue
    from pmo.raid.services import issue_update

    for issue in Issue.objects.filter(project=project, status__in=["open", "in_progress"]):
        issue_update(actor=director, issue=issue, expected_version=issue.version, status="closed",
                     resolution="Cabling removed by the facilities contractor; landlord's inspection passed.")
    manager = users.get("mkowalski", director)
    for check in checklist.checklist(project):
        if check.done:
            continue
        if check.item == "signoff":
            services.mark_set(actor=manager, target=project, item="signoff",
                              note="The CIO accepted the closure by e-mail on 30 Sep 2026 (NET-DC closure memo).")
        elif check.item == "raid":
            services.mark_set(actor=director, target=project, item="raid",
                              note="R-31 stays open: the wipe certificates of the last 12 disks come with the vendor's "
                                   "final report; NET-LZ's log tracks it.")
        else:
            continue
        created["marks"] += 1
    project.refresh_from_db()
    if checklist.complete(checklist.checklist(project)):
        services.archive_target(actor=director, target=project, note="Both leased sites returned; closure complete.")
        created["archived"] += 1
