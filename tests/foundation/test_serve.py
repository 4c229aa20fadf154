"""`pmo serve` (what `make run` starts): the web server and a task worker together; Ctrl-C stops both.

Issue 7, item 2: a simulation stayed "Queued" after `make run` because no worker ran.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_serve_runs_queued_tasks_and_ctrl_c_stops_server_and_worker(tmp_path):
    db = tmp_path / "serve.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(PMO_SQLITE_PATH=str(db), PMO_DEBUG="1")

    def pmo(*args):
        result = subprocess.run([sys.executable, "-m", "pmo.manage", *args], env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    pmo("migrate", "--noinput")
    # a real task through the real queue: a run id that does not exist finishes as "skipped"
    task_id = pmo("shell", "-c", "from pmo.raid.tasks import run_simulation; print(run_simulation.enqueue(0).id)")

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "pmo.manage", "serve", f"127.0.0.1:{port}", "--noreload"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def login_page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        _wait_for(login_page, 60, "the server to answer")

        def task_status():
            with sqlite3.connect(db) as conn:
                row = conn.execute("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                                   (task_id.replace("-", ""),)).fetchone()  # UUIDs as 32 hex digits
            return row and row[0] in {"SUCCESSFUL", "FAILED"} and row[0]

        assert _wait_for(task_status, 60, "the worker to run the queued task") == "SUCCESSFUL"

        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
        server.wait(timeout=30)

        def group_gone():
            try:
                os.killpg(server.pid, 0)
            except ProcessLookupError:
                return True
            return False

        _wait_for(group_gone, 15, "the worker to stop with the server")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
