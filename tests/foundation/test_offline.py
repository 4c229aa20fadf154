"""Nothing a page loads comes from another host (the app works offline; DESIGN "no CDN").

The director crawls every page reachable by links from the overview of the demo portfolio; each
page must answer without a server error, reference no other host in src/href/action/url(...), and
find every static file it names (settings.PMO_VENDOR_FILES serves only chosen files of some npm
packages). Plain ``<a href>`` links to other sites (documentation) are allowed: they load nothing.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from pmo.accounts.models import User
from pmo.portfolio.demo import load_demo

from ..conftest import client_for

#: at most this many pages of one shape (path with its numbers blanked), so the crawl stays bounded
PER_SHAPE = 3
MAX_PAGES = 400
NOT_FOLLOWED = ("/static/", "/logout/", "/api/v1/openapi.json")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset", "hx-get", "hx-post",
                  "hx-put", "hx-patch", "hx-delete", "data-openapi-url"}


def is_external(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//", "ftp:")) or url.startswith("\\\\")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []
        self.links: list[str] = []
        self.static: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self._css(value, f"<{tag} style>")
            if name not in URL_ATTRIBUTES:
                continue
            urls = [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
            for url in urls:
                if is_external(url) and not (tag == "a" and name == "href"):
                    self.external.append(f"<{tag} {name}={url}>")
                if url.startswith("/static/"):
                    self.static.append(url.removeprefix("/static/"))
                elif name in {"href", "hx-get"} and tag != "link" and url.startswith("/") and not url.startswith("//"):
                    self.links.append(url)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css(data, "<style>")

    def _css(self, css: str, where: str):
        for match in CSS_URL.finditer(css):
            url = match.group(1) or match.group(2)
            if is_external(url):
                self.external.append(f"{where} url({url})")


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_checker_finds_external_references():
    page = parse('<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
                 '<img srcset="/a.png 1x, http://img.example/b.png 2x"><div style="background:url(https://x.example/y)">'
                 '<style>@import "https://fonts.example/f.css";</style><a href="https://docs.djangoproject.com/">docs</a>'
                 '<a href="/projects/">projects</a><script src="/static/vendor/htmx/htmx.min.js"></script>')
    assert len(page.external) == 5
    assert page.links == ["/projects/"] and page.static == ["vendor/htmx/htmx.min.js"]


@pytest.fixture
def director(db):
    load_demo()
    client = Client()
    client.force_login(User.objects.get(username="director"))
    return client


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def test_no_page_loads_anything_from_another_host(director):
    queue, seen, shapes = deque(["/"]), {"/"}, Counter()
    crawled, problems = 0, []
    while queue and crawled < MAX_PAGES:
        url = queue.popleft()
        response = director.get(url)
        crawled += 1
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = parse(response.content.decode())
        problems += [f"{url}: {ref}" for ref in page.external]
        problems += [f"{url}: missing static file {path}" for path in page.static if not finders.find(path)]
        for link in page.links:
            link = urldefrag(link).url
            if link in seen or link.startswith(NOT_FOLLOWED) or shapes[_shape(urlsplit(link).path)] >= PER_SHAPE:
                continue
            seen.add(link)
            shapes[_shape(urlsplit(link).path)] += 1
            queue.append(link)
    assert crawled > 30, f"the crawl reached only {crawled} pages"
    assert not problems, "\n".join(problems)


def test_api_docs_load_swagger_ui_from_our_static_files(world):
    html = client_for(world, "director").get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert "<script>" not in html and 'data-openapi-url="/api/v1/openapi.json"' in html
