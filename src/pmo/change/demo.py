"""Demo scope and change control, written through the services; loading twice changes nothing.

Every demo project gets its deliverables (one per phase of its WBS: design, build, test, go-live; accepted by its
Program Manager where the phase's milestone is done) and one scope item per workstream, linked to the workstream's
tasks, plus a scope baseline.

The story of DX: the works council wants hardware tokens instead of the MFA app on private phones, and case intake
needs a data-protection review; three change requests:
- implemented: a day more for the pipelines' configuration in DX-DATA (inside its float: nothing moves), with the
  baseline it set;
- within tolerance, assessed and waiting for the Program Manager: two more days of approval configuration in
  DX-WF (inside its float) and 3,200 of extra cost;
- beyond tolerance, assessed and waiting for the Steering Committee: a data-protection impact assessment lengthens
  case intake's configuration by 15 working days on the critical path of DX-WF: its go-live moves 15 working days
  (10 Aug -> 31 Aug 2027, in the program schedule of today) and two benefits it enables are at risk; the program's
  finish (DX-DATA) holds, but DX-WF's path into DX-DATA loses its float and 31 of its tasks join the critical
  path. 24,000 more is 0.46 % of the budget at completion: within the cost tolerance, beyond the schedule one.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from pmo.accounts.models import User
from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project

from . import services
from .models import ChangeRequest, Deliverable

PHASES = (("Design", "Solution design", "Design documents reviewed and signed off by the business owner"),
          ("Build", "Configured and integrated solution", "All unit tests pass; integrations demonstrated"),
          ("Test", "Test report and user acceptance", "No open severity-1 defects; UAT signed off by the users"),
          ("Deploy", "Go-live and hypercare", "Cut-over done, users trained, hypercare exit criteria met"))


def _deliverables(director: User, project: Project, manager: User, created: dict) -> None:
    if Deliverable.objects.filter(project=project).exists():
        return
    tasks = list(Task.objects.filter(project=project).order_by("order", "pk"))
    summaries = {t.name: t for t in tasks if t.is_summary}
    for index, (phase, name, criteria) in enumerate(PHASES, start=1):
        summary = summaries.get(phase)
        if summary is None:
            continue
        children = [t for t in tasks if t.parent_id == summary.pk]
        milestone = next((t for t in reversed(children) if t.is_milestone), None)
        done = all(t.percent_complete >= 100 for t in children) if children else False
        started = any(t.percent_complete > 0 for t in children)
        status = "submitted" if done else "in_progress" if started else "planned"
        deliverable = services.deliverable_create(
            actor=director, project=project, code=f"D{index}", name=name, acceptance_criteria=criteria,
            status=status, due=milestone.finish if milestone else summary.finish,
            tasks=[t.pk for t in children if not t.is_milestone])
        created["deliverables"] += 1
        if done:
            services.deliverable_accept(actor=manager, deliverable=deliverable, note="Criteria met; signed off.")
    streams: dict[str, list[Task]] = {}
    for t in tasks:
        if ":" in t.name and not t.is_summary:
            streams.setdefault(t.name.split(":")[0].strip(), []).append(t)
    design = Deliverable.objects.filter(project=project, code="D2").first()
    for index, (stream, members) in enumerate(streams.items(), start=1):
        services.scope_item_create(actor=director, project=project, code=f"S{index}", name=stream,
                                   deliverable=design, status="in_scope",
                                   acceptance_criteria=f"{stream} works end to end for the pilot users",
                                   tasks=[t.pk for t in members])
        created["scope_items"] += 1
    services.scope_item_create(actor=director, project=project, code=f"S{len(streams) + 1}",
                               name="Data migration of archived records", status="out_of_scope",
                               description="Agreed at charter: archives stay read-only in the old system.")
    created["scope_items"] += 1
    services.scope_baseline_create(actor=director, project=project, name="Scope at charter")


def _task(project: str, name: str) -> Task | None:
    return Task.objects.filter(project__code=project, name=name).first()


def _request(actor: User, program: Program, title: str, **fields) -> ChangeRequest:
    return services.change_request_create(actor=actor, program=program, title=title, **fields)


def load_change_demo(director: User) -> dict[str, int]:
    created = {"deliverables": 0, "scope_items": 0, "change_requests": 0}
    users = {u.username: u for u in User.objects.all()}
    with transaction.atomic():
        for project in Project.objects.select_related("program__program_manager").order_by("pk"):
            manager = project.program.program_manager or director
            _deliverables(director, project, manager, created)
        _requests(users, created)
    return created


def _requests(users: dict[str, User], created: dict) -> None:
    dx = Program.objects.filter(code="DX").first()
    pm, steering = users.get("program_manager"), users.get("steering")
    if dx is None or pm is None or steering is None or ChangeRequest.objects.filter(program=dx).exists():
        return
    pipelines = _task("DX-DATA", "Pipelines: configuration")
    approvals = _task("DX-WF", "Approvals: configuration")
    intake = _task("DX-WF", "Case intake: configuration")
    if not (pipelines and approvals and intake):
        return
    # implemented, with its baseline
    done = _request(pm, dx, "Pipelines: one more day for the schema registry", type="schedule", urgency="low",
                    project=pipelines.project,
                    description="Configure the schema registry the data lake team asked for.",
                    justification="Avoids rework in the pipelines' integrations; inside the task's float.",
                    edits=[{"op": "task_update", "task": pipelines.pk, "duration": str(pipelines.duration + 1)}])
    done = services.change_request_submit(actor=pm, change_request=done)
    services.change_request_assess(actor=pm, change_request=done)
    done = services.change_request_decide(actor=pm, change_request=ChangeRequest.objects.get(pk=done.pk),
                                          decision="approved", note="Inside the float of DX-DATA: approved.")
    services.change_request_implement(actor=pm, change_request=done)
    # within tolerance: waiting for the Program Manager
    within = _request(users.get("lhughes", pm), dx, "Approvals: delegation rules for deputies", type="scope",
                      urgency="medium", project=approvals.project,
                      description="Add deputy delegation to the approval workflow (raised in the design review).",
                      justification="Without deputies, approvals stall during holidays.",
                      edits=[{"op": "task_update", "task": approvals.pk, "duration": str(approvals.duration + 2),
                              "cost": str((approvals.cost or Decimal(0)) + 3200)}])
    within = services.change_request_submit(actor=pm, change_request=within)
    services.change_request_assess(actor=pm, change_request=within)
    # beyond tolerance: waiting for the Steering Committee
    beyond = _request(pm, dx, "Data-protection impact assessment for case intake", type="schedule",
                      urgency="high", project=intake.project,
                      description="The data protection officer requires a DPIA before case data flows into the "
                                  "new intake: its configuration gains a pseudonymisation step and waits for the DPIA.",
                      justification="Legal obligation (GDPR art. 35); the works council made it a condition of "
                                    "its agreement.",
                      edits=[{"op": "task_update", "task": intake.pk, "duration": str(intake.duration + 15),
                              "cost": str((intake.cost or Decimal(0)) + 24000)}])
    beyond = services.change_request_submit(actor=pm, change_request=beyond)
    services.change_request_assess(actor=pm, change_request=beyond)
    created["change_requests"] = 3
