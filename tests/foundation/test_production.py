"""The README's production start, run as documented: migrate, collectstatic, gunicorn; then a page
and its static files are served (by whitenoise, from STATIC_ROOT). The environment is the README's
(PMO_DEBUG=0, PMO_SECRET_KEY, PMO_AUDIT_KEY, PMO_ALLOWED_HOSTS): a setting production newly
requires fails here until the README and this test name it.

Everything lives in a temporary folder (SQLite file, STATIC_ROOT); DATABASE_URL is dropped so the
PostgreSQL run of the suite does not migrate its own database. The app is behind no TLS proxy here,
so requests say ``X-Forwarded-Proto: https`` as the proxy would (else SECURE_SSL_REDIRECT answers 301).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(PMO_DEBUG="0", PMO_SECRET_KEY=secrets.token_urlsafe(50), PMO_AUDIT_KEY=secrets.token_urlsafe(32),
               PMO_ALLOWED_HOSTS="127.0.0.1",
               PMO_SQLITE_PATH=str(tmp_path / "pmo.sqlite3"), PMO_STATIC_ROOT=str(tmp_path / "static"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for command in ([BIN / "pmo", "migrate"], [BIN / "pmo", "collectstatic", "--noinput"]):
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen([BIN / "gunicorn", "pmo.wsgi", "-w", "4", "--bind", f"127.0.0.1:{port}"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start: {server.stdout.read().decode()}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_documented_production_start_serves_pages_and_static_files(production):
    status, _, body = _get(f"{production}/login/")
    assert status == 200
    html = body.decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', html)
    assert stylesheets, html[:500]
    for href in stylesheets:
        assert re.search(r"\.[0-9a-f]{12}\.css$", href), f"{href} is not a hashed (collected) file"
        status, headers, css = _get(production + href)
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css, href
    # the API docs load Swagger UI from our own static files
    status, _, body = _get(f"{production}/api/v1/docs")
    assert status == 200
    assets = re.findall(r'(?:src|href)="(/static/vendor/swagger-ui/[^"]+)"', body.decode())
    assert len(assets) == 2
    assert all(_get(production + asset)[0] == 200 for asset in assets)
