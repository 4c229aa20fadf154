"""The main pages under the Content-Security-Policy in Chromium: no violation, and the charts still draw."""

from __future__ import annotations

from pmo.portfolio.models import Program, Project
from pmo.raid.models import Risk, SimulationRun

from .conftest import login

# CDP-injected, so the policy does not apply to it; it records every violation the page reports.
_LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" +
                    e.lineNumber + " " + (e.sample || ""));
});
"""


def test_main_pages_have_no_csp_violations(demo, page, live_server, screenshot):
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(_LISTEN)
    login(page, live_server, "director")

    erp = Program.objects.get(code="ERP")
    project = Project.objects.filter(program=erp).first()
    run = SimulationRun.objects.filter(program=erp, status="done").first()
    pages = {
        "overview": ("/", "[data-testid=overview-table]"),
        "program": (f"/programs/{erp.pk}/", "h1"),
        "project plan (Gantt)": (f"/projects/{project.pk}/plan/", "[data-testid=gantt] svg"),
        "program plan": (f"/programs/{erp.pk}/plan/", "[data-testid=gantt] svg"),
        "task table": (f"/projects/{project.pk}/plan/tasks/", "table"),
        "RAID log": (f"/raid/programs/{erp.pk}/", "[data-testid=heatmap-inherent]"),
        "risk": (f"/raid/risks/{Risk.objects.filter(program=erp).first().pk}/", "h1"),
        "simulation run": (f"/raid/simulations/{run.pk}/", "#finish-chart canvas"),
        "run comparison": (f"/raid/simulations/compare/?a={run.pk}&b={run.pk}", "#finish-chart-1 canvas"),
        "API docs": ("/api/v1/docs", ".swagger-ui .opblock"),
    }
    violations = {}
    for name, (path, ready) in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(ready)
        page.wait_for_load_state("load")
        found = page.evaluate("window.__csp") + [m for m in console if "Content Security Policy" in m]
        if found:
            violations[name] = found
        console.clear()
    screenshot("csp-api-docs")
    assert not violations, violations

    page.goto(f"{live_server.url}/raid/simulations/{run.pk}/")
    for chart in ("finish", "cost", "tornado", "criticality"):  # ECharts drew something in each box
        assert page.locator(f"#{chart}-chart canvas").first.bounding_box()["width"] > 100
    assert page.evaluate("window.__csp") == []
