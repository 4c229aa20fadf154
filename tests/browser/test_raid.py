"""RAID in a real browser: the heat-map drill-down (htmx), the simulation charts (ECharts), a steering decision."""

from __future__ import annotations

from pmo.portfolio.models import Program
from pmo.raid.models import Escalation, SimulationRun

from .conftest import login


def test_heat_map_cell_and_run_charts(demo, page, live_server, screenshot):
    login(page, live_server, "director")
    erp = Program.objects.get(code="ERP")
    page.goto(f"{live_server.url}/raid/programs/{erp.pk}/")
    cell = page.locator("[data-testid=heatmap-inherent] td.cell button").first
    count = int(cell.inner_text())
    cell.click()
    page.wait_for_selector("[data-testid=cell-risks] li")
    assert page.locator("[data-testid=cell-risks] li").count() == count
    screenshot("raid-heatmap")
    run = SimulationRun.objects.get(program=erp)
    page.goto(f"{live_server.url}/raid/simulations/{run.pk}/")
    page.wait_for_selector("#finish-chart canvas")
    page.wait_for_selector("#tornado-chart canvas")
    assert "P80" in page.inner_text("[data-testid=run-figures]")
    screenshot("raid-simulation-run")


def test_steering_decides_in_the_browser(demo, page, live_server, screenshot):
    login(page, live_server, "steering")
    page.goto(f"{live_server.url}/raid/escalations/")
    rows = page.locator("[data-testid=escalation-table] tbody tr")
    assert rows.count() >= 1
    rows.first.locator("input[name=decision]").fill("Approve a second identity engineer")
    rows.first.locator("button[value=decided]").click()
    page.wait_for_selector(".alert-success")
    assert Escalation.objects.filter(decision="Approve a second identity engineer", decided_by__username="steering")\
        .exists()
    screenshot("raid-escalations-steering")
