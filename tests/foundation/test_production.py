"""The README's production start, run as documented: the lines of its "Production" block are read
from README.md and executed (export, migrate, collectstatic, gunicorn, a task worker); then a page and
its static files are served (by whitenoise, from STATIC_ROOT). A setting production newly requires,
or a command the README gets wrong, fails here until the README is right.

The ``...`` placeholders get generated secrets; everything lives in a temporary folder (SQLite file
instead of the README's PostgreSQL address, STATIC_ROOT), so the PostgreSQL run of the suite does
not migrate its own database; the bind port becomes a free one. The app is behind no TLS proxy
here, so requests say ``X-Forwarded-Proto: https`` as the proxy would (else SECURE_SSL_REDIRECT
answers 301).
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
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


def readme_production_block() -> tuple[dict[str, str], list[list[str]], list[list[str]]]:
    """The README's production block: exported variables, commands run in turn, and the commands that
    keep running (the WSGI server, and those sent to the background with ``&``)."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"### Production.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README.md has no 'Production' section with a sh block"
    exported, steps, background = {}, [], []
    for line in block.group(1).splitlines():
        line = line.split("  #")[0].strip()
        if line.startswith("export "):
            exported.update(item.split("=", 1) for item in shlex.split(line)[1:])
        elif line.endswith("&") or "gunicorn" in line:
            background.append(shlex.split(line.rstrip("&")))
        elif line:
            steps += [shlex.split(part) for part in line.split("&&")]
    return exported, steps, background


def _local(command: list[str], port: int) -> list[str]:
    """A README command with this venv's executables and a free port."""
    program = command[0].removeprefix(".venv/bin/")
    assert program in {"pmo", "gunicorn"}, f"unexpected command in the README: {command}"
    return [str(BIN / program), *(re.sub(r":8000$", f":{port}", arg) for arg in command[1:])]


@pytest.fixture
def production(tmp_path):
    exported, steps, background = readme_production_block()
    assert {"PMO_DEBUG", "PMO_SECRET_KEY", "PMO_AUDIT_KEY", "PMO_ALLOWED_HOSTS"} <= set(exported), exported
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({name: secrets.token_urlsafe(40) if value == "..." else value for name, value in exported.items()})
    env.pop("DATABASE_URL")  # the README's PostgreSQL server is an example: a temporary SQLite file here
    env.update(PMO_ALLOWED_HOSTS="127.0.0.1", PMO_SQLITE_PATH=str(tmp_path / "pmo.sqlite3"),
               PMO_STATIC_ROOT=str(tmp_path / "static"))
    port = _free_port()
    for command in steps:
        subprocess.run(_local(command, port), cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    running = [subprocess.Popen(_local(command, port), cwd=ROOT, env=env, stderr=subprocess.STDOUT,
                                stdout=subprocess.PIPE if "gunicorn" in command[0] else subprocess.DEVNULL)
               for command in background]
    server, = (process for process, command in zip(running, background, strict=True) if "gunicorn" in command[0])
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
        for process in running:
            process.terminate()
            process.wait(timeout=30)


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
