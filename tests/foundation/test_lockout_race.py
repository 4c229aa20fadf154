"""20 parallel wrong passwords: at most PMO_LOCKOUT_FAILURES are checked, then even the right one is refused.

The count is taken and the lock decided in one statement before the password is checked, so parallel
requests cannot all pass the "not locked yet" test together (SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from pmo.accounts import services
from pmo.accounts.models import LoginFailure

from ..conftest import PASSWORD

ATTEMPTS = 20


def _attempt(via: str, password: str) -> int:
    if via == "api":
        return Client().post("/api/v1/auth/token", {"username": "analyst", "password": password},
                             content_type="application/json").status_code
    response = Client().post("/login/", {"username": "analyst", "password": password})
    if response.status_code == 302:
        return 200
    return 429 if b"too many failed logins" in response.content else 401


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("via", ["api", "page"])
def test_parallel_wrong_passwords_lock_after_the_limit(via, monkeypatch):
    from ..conftest import make_world

    make_world()
    evaluated = []
    real_authenticate = services.authenticate

    def counting_authenticate(*args, **kwargs):
        evaluated.append(kwargs.get("password"))
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(services, "authenticate", counting_authenticate)
    barrier = threading.Barrier(ATTEMPTS)

    def wrong(_):
        try:
            barrier.wait(timeout=30)
            return _attempt(via, "wrong")
        finally:
            connection.close()

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        statuses = sorted(pool.map(wrong, range(ATTEMPTS)))
    limit = settings.PMO_LOCKOUT_FAILURES
    assert len(evaluated) == limit, f"{len(evaluated)} of {ATTEMPTS} wrong passwords were checked"
    assert statuses == [401] * limit + [429] * (ATTEMPTS - limit), statuses
    assert _attempt(via, PASSWORD) == 429  # the right password waits for the lock to expire
    assert len(evaluated) == limit
    assert LoginFailure.objects.get(username="analyst").locked_until is not None


def test_an_expired_lock_starts_a_new_count(world):
    limit = settings.PMO_LOCKOUT_FAILURES
    for _ in range(limit):
        assert _attempt("api", "wrong") == 401
    assert _attempt("api", PASSWORD) == 429
    LoginFailure.objects.filter(username="analyst").update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _attempt("api", "wrong") == 401
    assert LoginFailure.objects.get(username="analyst").count == 1
    assert _attempt("api", PASSWORD) == 200
    assert not LoginFailure.objects.filter(username="analyst").exists()
