"""Layout in a real browser, as the director and as a project manager: at phone width (390 px) no page
scrolls sideways and the navigation collapses; at 1440 px references, dates and numbers stay on one
line; the program's integrated schedule opens on bars (at today or the first bar), its last tick label inside.
Screenshots of every page at both widths land in artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from pmo.benefits.models import Benefit, SelectionScenario
from pmo.documents.models import Document
from pmo.planning.models import Task
from pmo.portfolio.models import Program, Project
from pmo.procurement.models import Contract, Invoice
from pmo.raid.models import Issue, Risk, SimulationRun
from pmo.resources.models import Assignment
from pmo.stakeholders.models import Stakeholder

from .conftest import SCREENSHOTS, login
from .test_accessibility import _leveling_run

#: text of a cell that must not wrap: a reference (R-19, DX-IAM, #3, 2.10), a date, a number
NO_WRAP = re.compile(r"^(#?\d+(\.\d+)*|[A-Z]{1,4}-\d+|[A-Z]{2,4}(-[A-Z]{2,6})?|\d{4}-\d\d-\d\d( \d\d:\d\d)?|"
                     r"[\d,]+(\.\d+)?)$")


def _pages() -> dict[str, str]:
    dx = Program.objects.get(code="DX")
    iam = Project.objects.get(code="DX-IAM")
    risk = Risk.objects.filter(project=iam).order_by("pk").first()
    run = SimulationRun.objects.filter(program=dx).order_by("pk").first()
    task = Task.objects.filter(project=iam, is_summary=False).order_by("order").first()
    issue = Issue.objects.filter(project__program=dx).order_by("pk").first()
    contract = Contract.objects.filter(project=iam).order_by("pk").first()
    return {
        "overview": "/", "programs": "/programs/", "program": f"/programs/{dx.pk}/", "projects": "/projects/",
        "project": f"/projects/{iam.pk}/", "plan": f"/projects/{iam.pk}/plan/",
        "tasks": f"/projects/{iam.pk}/plan/tasks/", "new-link": f"/projects/{iam.pk}/plan/links/new/",
        "program-plan": f"/programs/{dx.pk}/plan/", "roadmap": f"/programs/{dx.pk}/roadmap/",
        "raid": "/raid/", "raid-program": f"/raid/programs/{dx.pk}/",
        "raid-issues": f"/raid/projects/{iam.pk}/?tab=issues", "raid-runs": f"/raid/programs/{dx.pk}/?tab=simulations",
        "risk": f"/raid/risks/{risk.pk}/", "run": f"/raid/simulations/{run.pk}/",
        "task": task.get_absolute_url(), "issue": issue.get_absolute_url(), "escalations": "/raid/escalations/",
        "people": "/account/people/", "tokens": "/account/tokens/",
        "finance": "/finance/?status_date=2026-11-25",
        "finance-program": f"/finance/programs/{dx.pk}/?status_date=2026-11-25",
        "finance-project": f"/finance/projects/{iam.pk}/?status_date=2026-11-25", "pmo-budget": "/finance/pmo/",
        "rates": "/finance/rates/",
        "pool": "/resources/", "heatmap": "/resources/capacity/", "heatmap-teams": "/resources/capacity/?group=team",
        "demand": "/resources/demand/", "project-resources": f"/resources/projects/{iam.pk}/",
        "leveling": f"/resources/leveling/{_leveling_run(iam)}/",
        "resource": Assignment.objects.filter(task__project=iam).order_by("pk").first().resource.get_absolute_url(),
        "procurement": "/procurement/", "vendors": "/procurement/?tab=vendors",
        "contract": contract.get_absolute_url(), "vendor": contract.vendor.get_absolute_url(),
        "documents": "/documents/", "documents-search": "/documents/?q=charter",
        "program-documents": f"/documents/programs/{dx.pk}/",
        "document": Document.objects.filter(project=iam).order_by("pk").first().get_absolute_url(),
        "orders": "/procurement/?tab=orders", "invoices": "/procurement/?tab=invoices", "inbox": "/procurement/inbox/",
        "invoice": Invoice.objects.filter(line__order__project=iam, status="received").order_by("pk").last()
        .get_absolute_url(),
        "order": Invoice.objects.filter(line__order__project=iam).order_by("pk").first().line.order.get_absolute_url(),
        "benefits": "/benefits/", "benefits-program": f"/benefits/programs/{dx.pk}/",
        "benefits-map": f"/benefits/programs/{dx.pk}/map/",
        "benefit": Benefit.objects.get(program=dx, title="Staff time released by case workflows").get_absolute_url(),
        "selection": "/benefits/selection/",
        "scenario": SelectionScenario.objects.order_by("pk").first().get_absolute_url(),
        "stakeholders": "/stakeholders/", "stakeholder-grid": f"/stakeholders/programs/{dx.pk}/",
        "engagement": f"/stakeholders/programs/{dx.pk}/engagement/", "raci": f"/stakeholders/projects/{iam.pk}/raci/",
        "stakeholder": Stakeholder.objects.filter(program=dx, name="Works council").first().get_absolute_url(),
    }


def _context(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 800 else 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


#: lines a cell's text occupies (distinct tops of the client rects of its text nodes, not of the elements around
#: them: a button filling a heat-map cell has its own box above its centred number)
LINES = """cell => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), tops = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange(); range.selectNodeContents(node);
    [...range.getClientRects()].filter(r => r.width > 0).forEach(r => tops.add(Math.round(r.top)));
  }
  return tops.size;
}"""


@pytest.mark.parametrize("username", ["director", "project_manager"])
def test_phone_width_and_desktop_layout(demo, browser, live_server, username):
    pages = _pages()
    context, page = _context(browser, 390)
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "layout-login-390")
    login(page, live_server, username)
    wide, seen = [], []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        if response.status != 200:
            assert username != "director", (name, response.status)
            continue  # not this role's page (e.g. People for a project manager)
        seen.append(name)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append((name, overflow))
        assert page.locator(".navbar-toggler").is_visible() and not page.locator("#nav").is_visible(), name
        _shot(page, f"layout-{name}-{username}-390")
    assert not wide, f"pages wider than the phone: {wide}"
    assert len(seen) >= (len(pages) if username == "director" else 12), seen
    page.click(".navbar-toggler")  # Bootstrap's collapse (served from npm) opens the menu
    page.wait_for_selector("#nav .nav-link", state="visible")
    context.close()

    context, page = _context(browser, 1440)
    login(page, live_server, username)
    for name in ("raid", "tasks", "raid-issues", "overview", "projects", "procurement", "contract"):
        page.goto(live_server.url + pages[name])
        cells = [c for c in page.locator("main table td").all() if NO_WRAP.match(c.inner_text().strip())]
        wrapped = [c.inner_text() for c in cells if c.evaluate(LINES) > 1]
        assert cells and not wrapped, (name, wrapped[:10])
    for name, path in pages.items():
        if name in seen:
            page.goto(live_server.url + path)
            if name == "run":
                page.wait_for_selector("#cost-chart canvas")
            _shot(page, f"layout-{name}-{username}-1440")

    page.goto(live_server.url + pages["program-plan"])
    page.wait_for_load_state("load")
    opened = page.evaluate("""() => {
      const box = document.querySelector("[data-testid=gantt]");
      const view = box.getBoundingClientRect();
      const chart = box.querySelector("svg[aria-label='Gantt chart']");
      const bars = [...chart.querySelectorAll("rect[height='12'], path[fill], polygon")].filter(bar => {
        const r = bar.getBoundingClientRect();
        return r.top < view.top + 400 && r.right > view.left + 340 && r.left < view.right;
      });
      return {left: box.scrollLeft, wanted: Math.min(+box.dataset.scrollX, box.scrollWidth - box.clientWidth),
              bars: bars.length};
    }""")
    # opened where the first rows have their bars (today, or their first bar), not on an empty stretch
    assert abs(opened["left"] - opened["wanted"]) <= 1 and opened["bars"] >= 3, opened
    last_label = page.evaluate("""() => {
      const svg = document.querySelector("[data-testid=gantt] svg[aria-label='Gantt chart']");
      const labels = [...svg.querySelectorAll("text[font-size='11'][y='16']")];
      return [labels.at(-1).getBoundingClientRect().right, svg.getBoundingClientRect().right];
    }""")
    assert last_label[0] <= last_label[1], last_label
    context.close()
