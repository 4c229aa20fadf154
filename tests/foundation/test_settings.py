"""Deployment settings: with PMO_DEBUG=0 and the required variables, `check --deploy` is clean."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _pmo(*args, **env):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by browser tests
    return subprocess.run([sys.executable, "-m", "pmo.manage", *args], capture_output=True, text=True,
                          env={**base, **env}, timeout=120)


def test_check_deploy_is_clean():
    result = _pmo("check", "--deploy", "--fail-level", "WARNING", PMO_DEBUG="0",
                  PMO_SECRET_KEY="k" * 30 + "-Very-Long-Random-Secret-For-Tests-0123456789",
                  PMO_ALLOWED_HOSTS="pmo.example.com", PMO_AUDIT_KEY="a" * 40)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    env = {k: v for k, v in os.environ.items() if k != "PMO_AUDIT_KEY"}
    result = subprocess.run([sys.executable, "-m", "pmo.manage", "check"], capture_output=True, text=True,
                            env={**env, "PMO_DEBUG": "0", "PMO_SECRET_KEY": "k" * 50}, timeout=120)
    assert result.returncode != 0 and "PMO_AUDIT_KEY" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "PMO_SECRET_KEY"}
    result = subprocess.run([sys.executable, "-m", "pmo.manage", "check"], capture_output=True, text=True,
                            env={**env, "PMO_DEBUG": "0"}, timeout=120)
    assert result.returncode != 0 and "PMO_SECRET_KEY" in result.stderr


def test_sqlite_runs_in_wal_with_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
