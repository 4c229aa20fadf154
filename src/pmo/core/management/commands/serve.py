"""``pmo serve``: the web server and a background-task worker together, for one machine.

``make run`` calls it so that simulations, imports and every other background task run after the
one command; Ctrl-C (or SIGTERM) stops both. Production runs a WSGI server and ``pmo db_worker``
side by side instead (README, "PostgreSQL and several workers").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from pmo.core.jobs import ON_SERVE

#: seconds a worker gets to finish its current task after Ctrl-C before it is killed
WORKER_STOP_TIMEOUT = 10


class Command(BaseCommand):
    help = "Serve pmo with Django's development server and a background-task worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--noreload", action="store_true", help="do not restart the server when code changes")

    def handle(self, *args, addrport: str, noreload: bool, **options):
        # Django's autoreloader re-runs this command in a child process (RUN_MAIN=true): only the
        # outermost process starts the worker, so there is exactly one however often code reloads.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", addrport, use_reloader=True)
            return
        for start in ON_SERVE:  # periodic work the apps schedule (the notifications tick)
            start()
        worker = subprocess.Popen([sys.executable, "-m", "pmo.manage", "db_worker"])
        self.stdout.write(f"background-task worker started (pid {worker.pid})")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a SIGTERM stops the worker too
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        except KeyboardInterrupt:
            pass
        finally:
            stop(worker)


def stop(worker: subprocess.Popen) -> None:
    """Ask the worker to stop (it finishes or fails its current task cleanly), then make sure."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=WORKER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
