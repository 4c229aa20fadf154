"""The API docs page works offline: with every other host blocked, Swagger UI renders the operations."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_api_docs_render_with_other_hosts_blocked(transactional_db, page, live_server, screenshot):
    blocked = []

    def only_this_server(route):
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/projects/{project_id}" in paths and "/api/v1/risks" in paths
    assert len(paths) > 50
    screenshot("api-docs")
    assert not blocked and not errors
