"""No ordinary link leads a user to an error page (DESIGN.md: "Every object has a read-only detail page").

For each of the six roles of the test world, crawl every page reachable from the portfolio overview by
following ``<a href>`` and ``hx-get`` links (GET only, same site), and fail on any link that answers
4xx or 5xx. Every page reached must also carry the breadcrumb.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.utils import timezone

from pmo.planning.models import Baseline, BaselineTask, Calendar, CalendarException, Interface
from pmo.raid.models import Escalation, Issue, RiskAction

from .benefits import matrix as benefits_matrix
from .conftest import ROLE_USERS, client_for
from .documents import matrix as documents_matrix
from .finance import matrix as finance_matrix
from .planning import matrix as planning_matrix
from .procurement import matrix as procurement_matrix
from .quality import matrix as quality_matrix
from .raid import matrix as raid_matrix
from .resources import matrix as resources_matrix
from .stakeholders import matrix as stakeholders_matrix

LINK = re.compile(r'(?:href|hx-get)="([^"#]*)"')
#: query parameters that only re-sort, page or zoom a page already crawled
IGNORED_PARAMS = {"sort", "page", "zoom", "q"}
#: paths that are not pages of the app (static files, the API docs' own assets, logging out)
SKIPPED = ("/static/", "/api/", "/logout/")
MAX_PAGES = 1500


def populate(world) -> None:
    """Every kind of object, in own and other scope, including the cross-links between them."""
    for scope in ("own", "other"):
        found = planning_matrix.targets(world, scope, "planning:crawl")
        items = raid_matrix.targets(world, scope)
        resources_matrix.targets(world, scope)  # the pool, an assignment, open demand and a leveling proposal
        procurement_matrix.targets(world, scope)  # a vendor, a contract and a payment on a schedule milestone
        benefits_matrix.targets(world, scope)  # a benefit on a milestone, a map node and arrow, selection objects
        documents_matrix.make_document(world.own("program") if scope == "own" else world.other("program"),
                                       world.users["director"], title="Program charter")
        documents_matrix.targets(world, scope)  # a project document with its version
        stakeholders_matrix.targets(world, scope)  # a group, a stakeholder, an assessment, an action, RACI rows
        quality_matrix.targets(world, scope)  # plans, a role, criteria, reviews and results, an NC and its action
        baseline = found["baseline"]
        BaselineTask.objects.bulk_create([BaselineTask(baseline=baseline, task=t, name=t.name, start=date(2026, 3, 2),
                                                       finish=date(2026, 3, 6), duration=t.duration)
                                          for t in (found["task"], found["task2"])])
        found["task"].calendar = found["calendar"]
        found["task"].save()
        eve = date(2026, 12, 24)
        CalendarException.objects.create(calendar=found["calendar"], start=eve, finish=eve, name="Christmas Eve")
        items["risk"].tasks.add(found["task"])
        RiskAction.objects.create(risk=items["risk"], description="Pair a second architect")
        # an occurred risk and its issue, escalated to the steering committee
        occurred = raid_matrix.make_items(found["task"].project, title="Data centre outage")["risk"]
        occurred.status = "occurred"
        occurred.save()
        issue = Issue.objects.create(program=occurred.program, project=occurred.project, title="Outage",
                                     raised_on=date(2026, 2, 2), source_risk=occurred, escalation_level="steering")
        Escalation.objects.create(program=issue.program, issue=issue, from_level="program", to_level="steering",
                                  reason="needs a decision", escalated_at=timezone.now())
        # an interface where the scope's project is the consumer
        Interface.objects.create(provider=found["partner"], consumer=found["task"].project, title="Payroll feed",
                                 provider_task=None)
        finance_matrix.targets(world, scope)  # budgets, lines, log, costs, control accounts, a rate
    Calendar.objects.create(name="Portfolio default")
    assert Baseline.objects.exists()


def _normal(url: str) -> str | None:
    parts = urlsplit(unescape(url))
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if any(parts.path.startswith(prefix) for prefix in SKIPPED):
        return None
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if k not in IGNORED_PARAMS))
    return parts.path + (f"?{query}" if query else "")


def crawl(client) -> tuple[int, dict[str, tuple[int, str]], list[str]]:
    """(pages fetched, {url: (status, first page linking to it)} of the failures, pages without a breadcrumb)."""
    seen = {"/": "start"}
    queue = deque(["/"])
    failures: dict[str, tuple[int, str]] = {}
    no_crumbs: list[str] = []
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        fetched += 1
        if response.status_code >= 400:
            failures[url] = (response.status_code, seen[url])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if "<html" in html and 'aria-label="breadcrumb"' not in html:
            no_crumbs.append(url)
        for href in LINK.findall(html):
            target = _normal(href)
            if target and target not in seen:
                seen[target] = url
                queue.append(target)
    assert fetched < MAX_PAGES, "the crawl did not finish; raise MAX_PAGES or ignore more parameters"
    return fetched, failures, no_crumbs


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_no_link_leads_to_an_error(world, role):
    populate(world)
    fetched, failures, no_crumbs = crawl(client_for(world, role))
    assert fetched > 20
    assert not failures, f"{role}: {len(failures)} of {fetched} links fail: " + "; ".join(
        f"{url} -> {status} (linked from {source})" for url, (status, source) in sorted(failures.items()))
    assert not no_crumbs, f"{role}: pages without a breadcrumb: {no_crumbs}"
