"""WCAG 2.1 A and AA on every page the role matrix lists for GET, checked by axe-core (from npm) in Chromium,
as the PMO Director (who sees every page) and as a Steering Committee member (read-only).

The meta-test fails when a GET page of the matrix has no accessibility check here. HTMX fragments are checked
inside the page that shows them. ``ALLOWED`` lists the few rules that are wrong for a page, each with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pmo.benefits.models import Benefit, Candidate, Objective, SelectionScenario
from pmo.change.models import ChangeRequest, Deliverable, ScopeBaseline, ScopeItem
from pmo.closure.models import Adoption, Lesson
from pmo.communications.models import Communication, Meeting, MeetingAction
from pmo.documents.models import Document
from pmo.finance.models import Budget, BudgetChange, BudgetLine, ControlAccount, CostEntry
from pmo.planning.models import Baseline, Calendar, Dependency, Interface, Task
from pmo.portfolio.models import Program, Project
from pmo.procurement.models import Contract, Invoice, PaymentMilestone, PurchaseOrder
from pmo.quality.models import Acceptance, CorrectiveAction, NonConformance, QualityCriterion, QualityReview
from pmo.raid.models import Assumption, Escalation, Issue, Risk, RiskAction, SimulationRun
from pmo.resources.models import Assignment
from pmo.stakeholders.models import EngagementAction, Stakeholder

from ..test_permissions import MATRIX
from .conftest import SCREENSHOTS, login

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = SCREENSHOTS.parent  # artifacts/: axe-<role>.json lists every violation found
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: HTMX fragment route -> the page that shows it (the fragment is checked in place, with the page's styles)
FRAGMENTS = {"raid:cell": "raid:project_log", "raid:run_progress": "raid:run_detail",
             "resources:run_progress": "resources:run_detail",
             "benefits:scenario_progress": "benefits:scenario_detail", "notifications:bell": "notifications:inbox"}

#: route -> what shows that a page drawn by script is ready to check
READY = {"api:openapi-view": ".opblock", "raid:run_detail": "#cost-chart canvas", "raid:run_compare": "canvas",
         "benefits:map": "#benefits-map canvas", "benefits:scenario_detail": "#frontier-chart canvas",
         "benefits:benefit_detail": "#risk-chart canvas",
         "stakeholders:program": "#grid-chart canvas", "stakeholders:engagement": "#gap-chart canvas",
         "stakeholders:stakeholder_detail": "#history-chart canvas",
         "quality:program": "#nc-age-chart canvas"}

#: routes that answer a file (an Excel download), not a page: nothing for axe to check
DOWNLOADS = {"procurement:export", "stakeholders:export", "documents:version_download",
             "communications:meeting_invitation", "notifications:ical",
             "closure:project_report_xlsx", "closure:program_report_xlsx", "closure:lessons_export"}

#: (route, rule) -> why the rule does not apply to that page
ALLOWED: dict[tuple[str, str], str] = {}


def get_pages() -> dict[str, str]:
    """Route name -> URL template of every GET page in the role matrix (the API's JSON is not a page)."""
    pages = {}
    for line in MATRIX.strip().splitlines()[1:]:
        name, method, url, *_cells = line.split()
        if name in DOWNLOADS:
            continue
        if method == "GET" and (not name.startswith("api:") or name == "api:openapi-view"):
            pages[name] = url
    return pages


def _targets() -> dict[str, object]:
    """Objects of the demo in the steering committee's program (DX), so both roles open the same pages (the demo
    has no project calendar: one is added)."""
    program = Program.objects.get(code="DX")
    project = Project.objects.get(code="DX-IAM")
    run = SimulationRun.objects.filter(program=program).order_by("pk").first()
    found = {
        "program": program.pk, "project": project.pk, "run": run.pk,
        "task": Task.objects.filter(project=project, is_summary=False).order_by("order").first().pk,
        "dependency": Dependency.objects.filter(successor__project=project).order_by("pk").first().pk,
        "baseline": Baseline.objects.filter(project=project).order_by("pk").first().pk,
        "calendar": Calendar.objects.get_or_create(project=project, defaults={
            "name": "IAM team calendar", "holiday_country": "DE", "holiday_subdivision": "BY"})[0].pk,
        "interface": Interface.objects.filter(provider__program=program).order_by("pk").first().pk,
        "risk": Risk.objects.filter(project=project).order_by("pk").first().pk,
        "action": RiskAction.objects.filter(risk__project__program=program).order_by("pk").first().pk,
        "issue": Issue.objects.filter(project__program=program).order_by("pk").first().pk,
        "assumption": Assumption.objects.filter(project__program=program).order_by("pk").first().pk,
        "escalation": Escalation.objects.filter(program=program).order_by("pk").first().pk,
        "fin_budget": Budget.objects.get(project=project).pk,
        "fin_line": BudgetLine.objects.filter(budget__project=project).order_by("pk").first().pk,
        "fin_change": BudgetChange.objects.filter(budget__project=project).order_by("-pk").first().pk,
        "fin_cost": CostEntry.objects.filter(project=project).order_by("pk").first().pk,
        "fin_account": ControlAccount.objects.filter(project=project).order_by("pk").first().pk,
        "contract": Contract.objects.filter(project=project).order_by("pk").first().pk,
        "vendor": Contract.objects.filter(project=project).order_by("pk").first().vendor_id,
        "payment": PaymentMilestone.objects.filter(contract__project=project).order_by("pk").first().pk,
        "document": Document.objects.filter(project=project).order_by("pk").first().pk,
        "order": PurchaseOrder.objects.filter(project=project).order_by("pk").first().pk,
        "line": PurchaseOrder.objects.filter(project=project).order_by("pk").first().lines.order_by("pk").first().pk,
        "invoice": Invoice.objects.filter(line__order__project=project, status="received").order_by("pk").first().pk,
        # the DX benefit the P80 of DX-WF's go-live puts at risk (risk chart, realisation curve)
        "benefit": Benefit.objects.get(program=program, title="Staff time released by case workflows").pk,
        "objective": Objective.objects.order_by("pk").first().pk,
        "candidate": Candidate.objects.order_by("pk").first().pk,
        "scenario": SelectionScenario.objects.order_by("pk").first().pk,
        "stakeholder": Stakeholder.objects.filter(program=program, group__isnull=False).order_by("pk").first().pk,
        "sh_group": Stakeholder.objects.filter(program=program, group__isnull=False).order_by("pk").first().group_id,
        "sh_action": EngagementAction.objects.filter(stakeholder__program=program).order_by("pk").first().pk,
        "deliverable": Deliverable.objects.filter(project=project).order_by("pk").first().pk,
        # the delete confirmation of a deliverable (the page only; nothing is deleted)
        "dl_spare": Deliverable.objects.filter(project=project).order_by("pk").first().pk,
        "scope_item": ScopeItem.objects.filter(project=project).order_by("pk").first().pk,
        "scope_baseline": ScopeBaseline.objects.filter(project=project).order_by("pk").first().pk,
        # the assessed request beyond tolerance: its impact side by side and the steering committee's decision
        "change_request": ChangeRequest.objects.get(program=program, route="steering").pk,
        "cm_meeting": Meeting.objects.get(project=project, title="DX-IAM project board").pk,
        "cm_agenda": Meeting.objects.get(project=project, title="DX-IAM project board").agenda.first().pk,
        "cm_action": MeetingAction.objects.filter(meeting__project=project).order_by("pk").first().pk,
        "cm_plan": Communication.objects.filter(program=program).order_by("pk").first().pk,
        **_governance_targets(program),
        # closure: the DX-IAM lesson (edited, adopted) and an adoption of another project's lesson
        "lesson": Lesson.objects.filter(project=project).order_by("pk").first().pk,
        "ll_adopt": Lesson.objects.filter(project=project).order_by("pk").first().pk,
        "ll_adoption": Adoption.objects.order_by("pk").first().pk,
    }
    assignment = Assignment.objects.filter(task__project=project, resource__kind="person").select_related(
        "resource").order_by("pk").first()
    found |= {"assignment": assignment.pk, "res_task": assignment.task_id, "resource": assignment.resource_id,
              "team": assignment.resource.team_id, "organisation": assignment.resource.organisation_id,
              "skill": assignment.resource.skills.order_by("pk").first().skill_id}
    found["levelrun"] = _leveling_run(project)
    # quality: the DX-IAM plan, a criterion that failed, the held inspection, the open non-conformance, its overdue
    # action, the deliverable accepted after rework and its decision
    nc = NonConformance.objects.filter(plan__project=project, status__in=("open", "action")).order_by("pk").first()
    accepted = Acceptance.objects.filter(deliverable__project=project, decision="accepted").order_by("pk").first()
    found |= {"qplan": nc.plan_id, "qnc": nc.pk, "qaction": CorrectiveAction.objects.filter(nonconformance=nc)
              .order_by("pk").first().pk,
              "qcriterion": QualityCriterion.objects.filter(plan=nc.plan, status="fail").order_by("pk").first().pk,
              "qreview": QualityReview.objects.filter(plan=nc.plan, status="held").order_by("pk").first().pk,
              "qdeliverable": accepted.deliverable_id, "qacceptance": accepted.pk}
    found |= _notification_targets(program)
    assert set(found) == TARGET_KEYS
    return found


def _notification_targets(program) -> dict:
    """A notification of the director (the demo's, or one made) and a message of the log about the program."""
    from django.utils import timezone

    from pmo.accounts.models import User
    from pmo.notifications.models import Delivery, Notification

    director = User.objects.get(username="director")
    note = Notification.objects.filter(recipient=director).order_by("pk").first() or Notification.objects.create(
        recipient=director, kind="raid.escalation", subject="Escalated to the steering committee", url="/",
        created_at=timezone.now())
    return {"notification": note.pk,
            "delivery": Delivery.objects.filter(program=program).exclude(channel="in_app").order_by("pk").first().pk}
def _governance_targets(program) -> dict:
    """DX-WF's gate into Deliver with its review scheduled (decided by the steering member only), DX's own next
    gate, a decision, the budget change waiting for the committee and the coming steering committee."""
    from pmo.communications.models import Meeting
    from pmo.governance.models import Decision, Gate, GateReview

    review = GateReview.objects.filter(gate__program=program, status="scheduled").order_by("pk").first()
    return {"gate": review.gate_id, "review": review.pk,
            "criterion": review.gate.criteria.order_by("order", "pk").first().pk,
            "open_gate": Gate.objects.filter(program=program, project=None).order_by("order").first().pk,
            "decision": Decision.objects.filter(program=program).order_by("pk").first().pk,
            "budget_change": BudgetChange.objects.filter(budget__program=program, status="awaiting_steering")
            .order_by("pk").first().pk,
            "steering_meeting": Meeting.objects.filter(program=program, kind="steering_committee",
                                                       status="scheduled").order_by("-starts_at").first().pk}


def _leveling_run(project) -> int:
    """A finished leveling proposal of the project (the demo has none: one is run, heuristic, 1 s)."""
    from pmo.accounts.models import User
    from pmo.resources import services as resource_services
    from pmo.resources.models import LevelingRun
    from pmo.resources.tasks import execute

    run = LevelingRun.objects.filter(project=project, status="done").order_by("pk").first()
    if run is None:
        run = resource_services.leveling_start(actor=User.objects.get(username="director"), project=project,
                                               time_limit=1, enqueue=False)
        assert execute(run.pk) == "done"
    return run.pk


def _url(template: str, targets: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(targets[m.group(1)]), template)


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
               nodes: v.nodes.map(n => n.target.join(" ") + " :: "
                                  + n.failureSummary.replace(/\\s+/g, " ").slice(0, 240)),
               count: v.nodes.length})))""",
        WCAG_AA,
    )


def _show_fragment(page, live_server, url: str) -> None:
    """Put a fragment where its page shows it (into the page's main content), as HTMX would."""
    page.evaluate("""async url => {
        const html = await (await fetch(url, {headers: {"HX-Request": "true"}})).text();
        const slot = document.createElement("section"); slot.innerHTML = html;
        document.querySelector("main").prepend(slot);
    }""", live_server.url + url)


#: the objects ``_targets`` finds in the demo: a GET page whose URL needs another one has no check yet
TARGET_KEYS = {"program", "project", "run", "task", "dependency", "baseline", "calendar", "interface", "risk",
               "action", "issue", "assumption", "escalation", "fin_budget", "fin_line", "fin_change", "fin_cost",
               "fin_account", "contract", "vendor", "payment", "order", "line", "invoice", "assignment", "res_task",
               "resource", "team", "organisation", "skill", "benefit", "objective", "candidate", "scenario",
               "stakeholder", "sh_group", "sh_action", "document", "levelrun", "deliverable", "scope_item",
               "scope_baseline", "change_request", "cm_meeting", "cm_agenda", "cm_action", "cm_plan", "qplan", "qnc",
               "qaction", "qcriterion", "qreview", "qdeliverable", "qacceptance", "notification", "delivery",
               "gate", "review", "criterion", "open_gate", "decision", "budget_change", "steering_meeting",
               "lesson", "ll_adopt", "ll_adoption", "dl_spare"}
#: pages only a member of the program's Steering Committee opens (the Director gets a 403 there): checked as
#: the steering member
COMMITTEE_ONLY = {"governance:review_decide", "governance:budget_change_decide", "governance:decision_create"}


def test_every_get_page_has_an_accessibility_check():
    pages = get_pages()
    assert len(pages) > 40, "the role matrix lists the GET pages"
    unchecked = {name: url for name, url in pages.items() if set(re.findall(r"\{(\w+)\}", url)) - TARGET_KEYS}
    assert not unchecked, f"GET pages whose URL needs an object the accessibility check does not open: {unchecked}"
    orphans = [name for name in pages if name in FRAGMENTS and FRAGMENTS[name] not in pages]
    assert not orphans, f"fragments whose host page is not in the matrix: {orphans}"
    stale = [key for key in ALLOWED if key[0] not in get_pages()]
    assert not stale, f"allow-list entries for routes that no longer exist: {stale}"


@pytest.mark.skipif(not AXE.exists(), reason="node_modules/axe-core missing: `make test` installs it")
@pytest.mark.parametrize("username", ["director", "steering"])
def test_every_page_meets_wcag_aa(demo, browser, live_server, username):
    targets = _targets()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if username == "director":  # the login page, before logging in
        page.goto(f"{live_server.url}/login/")
        found = {"login": _axe(page)}
    else:
        found = {}
    login(page, live_server, username)
    checked = ["login"] if found else []
    page.goto(f"{live_server.url}/no-such-page/")  # the error pages share the base template
    found["404"] = _axe(page)
    checked.append("404")
    for name, template in get_pages().items():
        if name == "login":
            continue
        url = _url(template, targets)
        host = FRAGMENTS.get(name)
        response = page.goto(live_server.url + (_url(get_pages()[host], targets) if host else url))
        if response.status != 200:
            assert username != "director" or name in COMMITTEE_ONLY, (name, response.status)
            continue  # not a page of this role (the matrix says which)
        page.wait_for_load_state("load")
        if name in READY:
            page.wait_for_selector(READY[name])
        if host:
            _show_fragment(page, live_server, url)
        found[name] = _axe(page)
        checked.append(name)
    context.close()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"axe-{username}.json").write_text(json.dumps(found, indent=1))
    failures = {name: [v for v in violations if (name, v["id"]) not in ALLOWED]
                for name, violations in found.items()}
    failures = {name: violations for name, violations in failures.items() if violations}
    summary = "\n".join(f"{name}: {v['id']} ({v['impact']}, {v['count']} nodes) {v['nodes'][:3]}"
                        for name, violations in failures.items() for v in violations)
    print(f"{username}: {len(checked)} pages checked, {sum(len(v) for v in failures.values())} violations")
    assert len(checked) >= (len(get_pages()) - len(COMMITTEE_ONLY) if username == "director" else 25), checked
    if username == "steering":
        assert set(checked) >= COMMITTEE_ONLY, COMMITTEE_ONLY - set(checked)
    assert not failures, f"{len(failures)} pages with WCAG 2.1 AA violations:\n{summary}"


def test_keyboard_reaches_the_content_the_gantt_and_the_chart_data(demo, browser, live_server):
    """Skip link, visible focus, the Gantt's names and bars by arrow keys with names that say the task, its dates
    and whether it is critical; every chart described by ECharts and followed by its data table."""
    targets = _targets()
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "director")

    page.keyboard.press("Tab")  # the first stop of every page is the skip link, shown when focused
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className").startswith("visually-hidden-focusable")
    assert skip.is_visible() and skip.bounding_box()["width"] > 50
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", f"focus is visible on {page.evaluate('document.activeElement.outerHTML')[:120]}"

    page.goto(f"{live_server.url}/projects/{targets['project']}/plan/")
    names = page.locator("[data-testid=gantt] svg[aria-label='Tasks'] a[data-row]")
    labels = names.evaluate_all("links => links.map(a => a.getAttribute('aria-label'))")
    assert len(labels) > 10 and all(": " in label for label in labels), labels[:5]
    assert any(label.endswith(", critical") for label in labels), "critical tasks say so"
    assert any(" to " in label for label in labels) and any("milestone" in label for label in labels)
    names.first.focus()
    first = names.first.get_attribute("aria-label")
    page.keyboard.press("ArrowRight")  # to the task's bar
    active = page.evaluate("[document.activeElement.getAttribute('aria-label'), "
                           "document.activeElement.closest('svg').getAttribute('aria-label')]")
    assert active == [first, "Gantt chart"], active
    page.keyboard.press("ArrowDown")  # the next task's bar
    second = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert second == labels[1]
    page.keyboard.press("ArrowLeft")  # back to that task's name
    assert page.evaluate("document.activeElement.closest('svg').getAttribute('aria-label')") == "Tasks"
    href = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{href}")

    page.goto(f"{live_server.url}/raid/programs/{targets['program']}/")  # a heat-map cell opens by keyboard
    cell = page.locator("[data-testid=heatmap-inherent] td.cell button").first
    assert " risk" in cell.get_attribute("aria-label")
    cell.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#cell-risks li")

    page.goto(f"{live_server.url}/raid/simulations/{targets['run']}/")
    page.wait_for_selector("#criticality-chart canvas")
    charts = page.evaluate("""[...document.querySelectorAll(".chart")].map(box => ({
        id: box.id, label: box.getAttribute("aria-label"),
        rows: box.parentElement.querySelectorAll("[data-testid=chart-data] tbody tr").length}))""")
    assert len(charts) == 4, charts
    for chart in charts:  # ECharts' aria option replaced the short label with a description of the data
        assert len(chart["label"]) > 60 and chart["rows"] > 0, chart
    page.context.close()
