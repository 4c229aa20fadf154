"""Detail pages in a real browser: a project manager escalates an issue from its page, the steering committee
opens it from its escalation list; and the new pages as the director and the steering committee, at desktop
and phone width (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import pytest

from pmo.planning.models import Baseline, Interface, Task
from pmo.raid.models import Escalation, Issue

from .conftest import SCREENSHOTS, login


def test_project_manager_escalates_and_steering_opens_the_issue(demo, browser, live_server):
    issue = (Issue.objects.filter(project__code__in=("DX-IAM", "DX-INTRA"), status__in=("open", "in_progress"))
             .exclude(escalation_level="steering").order_by("pk").first())
    assert issue is not None, "the demo has an open issue in the project manager's projects"
    pm = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    login(pm, live_server, "project_manager")
    pm.goto(f"{live_server.url}{issue.get_absolute_url()}")
    while pm.locator("[data-testid=escalate-form]").count():
        pm.fill("[data-testid=escalate-form] input[name=reason]", "Blocks the single sign-on go-live")
        pm.click("[data-testid=escalate-form] button[type=submit]")
        pm.wait_for_selector(".alert-success")
    assert pm.locator("[data-testid=issue-level]").inner_text() == "at Steering committee"
    pm.context.close()
    escalation = Escalation.objects.filter(issue=issue, to_level="steering").get()
    assert escalation.escalated_by.username == "project_manager"

    steering = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    login(steering, live_server, "steering")
    steering.goto(f"{live_server.url}/raid/escalations/")
    steering.click(f"[data-testid=escalation-table] a[href='{issue.get_absolute_url()}']")
    steering.wait_for_url(f"{live_server.url}{issue.get_absolute_url()}")
    assert issue.title in steering.locator("h1").inner_text()
    assert steering.locator("[data-testid=escalate-form]").count() == 0
    assert "Blocks the single sign-on go-live" in steering.locator("[data-testid=escalation-history]").inner_text()
    steering.context.close()


def _pages() -> dict[str, str]:
    """One of each new detail page in the demo (program DX, which the steering committee member sits on)."""
    task = Task.objects.filter(project__program__code="DX", predecessor_links__isnull=False,
                               is_milestone=False).order_by("pk").first()
    issue = Issue.objects.filter(program__code="DX").order_by("-source_risk", "pk").first()
    interface = Interface.objects.filter(provider__program__code="DX").order_by("pk").first()
    baseline = Baseline.objects.filter(project__program__code="DX").order_by("pk").first()
    escalation = Escalation.objects.filter(program__code="DX", to_level="steering").order_by("pk").first()
    pages = {"task": task, "issue": issue, "interface": interface, "baseline": baseline, "escalation": escalation}
    return {name: obj.get_absolute_url() for name, obj in pages.items() if obj is not None}


@pytest.mark.parametrize("username", ["director", "steering"])
def test_detail_pages_at_desktop_and_phone_width(demo, browser, live_server, username):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = _pages()
    assert {"task", "issue", "interface"} <= set(pages)
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        login(page, live_server, username)
        for name, url in pages.items():
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            assert page.locator("[data-testid=breadcrumbs]").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{url} scrolls sideways"
            page.screenshot(path=str(SCREENSHOTS / f"detail-{name}-{username}-{width}.png"), full_page=True)
        context.close()
