"""Security headers on pages and the API, and no inline script anywhere in the served HTML.

The Content-Security-Policy forbids inline script, so an inline ``<script>``, an ``on...=`` handler or a
``javascript:`` link would simply not run in a browser; this crawl finds them before a user does.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from pmo.accounts.models import User
from pmo.portfolio.demo import load_demo
from pmo.raid.models import SimulationRun

from ..conftest import client_for


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize("path", ["/login/", "/", "/api/v1/me", "/api/v1/openapi.json", "/no-such-page/"])
def test_pages_and_api_send_csp_and_permissions_policy(world, path):
    client = client_for(world, "director") if path != "/login/" else Client()
    response = client.get(path)
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"] and csp["img-src"] == ["'self'", "data:"]
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


class _InlineScript(HTMLParser):
    """Collects inline scripts, event-handler attributes and javascript: URLs, and same-site links."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and "src" not in values and values.get("type") != "application/json":
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}=\"javascript:...\"> at line {self.getpos()[0]}")
        if tag == "a" and values.get("href", "").startswith("/"):
            self.links.append(values["href"])


_SKIP = re.compile(r"^/(static|logout|api/v1/(?!docs))|/(export|delete)/?$|\.(xlsx|csv|xml|ics|pdf)$")


def _shape(path: str) -> str:
    """One page per URL shape: /raid/risks/12/ and /raid/risks/13/ look alike."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


@pytest.mark.django_db(transaction=True)
def test_no_inline_script_in_any_served_page():
    load_demo()
    client = Client()
    client.force_login(User.objects.get(username="director"))
    run = SimulationRun.objects.filter(status="done").first()  # the pages with ECharts
    start = ["/", "/api/v1/docs", f"/raid/simulations/{run.pk}/", f"/raid/simulations/compare/?a={run.pk}&b={run.pk}"]
    queue, seen, problems, visited = deque(start), set(), [], 0
    while queue and visited < 400:
        path = urldefrag(queue.popleft())[0]
        if _shape(path) in seen or _SKIP.search(urlsplit(path).path):
            continue
        seen.add(_shape(path))
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        parser = _InlineScript()
        parser.feed(response.content.decode())
        problems += [f"{path}: {problem}" for problem in parser.problems]
        queue.extend(parser.links)
    assert visited > 20, f"the crawl reached only {visited} pages"
    assert not problems, "\n".join(problems)
