"""Error pages use the app's layout and say what to do next; a 403 or 404 logs one line, not a traceback."""

from __future__ import annotations

import io
import logging

import pytest
from django.template import loader

from ..conftest import client_for


def test_403_page_has_the_layout_the_reason_and_who_to_ask(world):
    response = client_for(world, "analyst").get(f"/projects/{world.project_a1.pk}/edit/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'aria-label="Main"' in body and 'data-testid="error-page"' in body  # the navigation of base.html
    assert "You may not change this project" in body
    assert "PMO Director" in body and "PMO Analyst" in body  # who grants roles, and the user's own


def test_404_page_has_the_layout_and_a_way_back(world):
    response = client_for(world, "project_manager").get(f"/projects/{world.project_b1.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'aria-label="Main"' in body and 'href="/"' in body and "PMO Director" in body
    assert f"/projects/{world.project_b1.pk}/" in body


def test_500_page_renders_without_a_request_or_a_database():
    """Django renders 500.html with no context at all; nothing in it (or in base.html) may need the database."""
    body = loader.get_template("500.html").render()
    assert "Something went wrong" in body and 'href="/"' in body


@pytest.fixture
def console():
    """What the configured console handler writes, from Django's loggers (settings.LOGGING)."""
    handler = next(h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.parametrize(("role", "path", "status"), [
    ("analyst", "/projects/{a1}/edit/", 403), ("project_manager", "/projects/{b1}/", 404)])
def test_client_errors_log_one_line(world, console, role, path, status):
    path = path.format(a1=world.project_a1.pk, b1=world.project_b1.pk)
    assert client_for(world, role).get(path).status_code == status
    lines = console.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert path in lines[0] and "Traceback" not in console.getvalue()


def test_server_errors_keep_their_traceback(console):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console.getvalue() and "RuntimeError: boom" in console.getvalue()
