"""A busy database is a temporary condition: answer 503 with ``Retry-After``, never 500.

SQLite reports ``database is locked`` (SQLITE_BUSY/SQLITE_LOCKED) when a writer waited its whole
timeout for the write lock; PostgreSQL reports lock timeouts (55P03), serialization failures (40001)
and deadlocks (40P01). The client may simply retry; nothing was written (the transaction rolled back).
"""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

#: seconds a client should wait before retrying
RETRY_AFTER = 2
MESSAGE = "the database is busy with other changes; nothing was saved, please retry in a moment"
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (extended codes carry them in the low byte)
_POSTGRES_BUSY = {"55P03", "40001", "40P01"}  # lock_not_available, serialization_failure, deadlock_detected


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver error it wraps) says the database is locked or busy."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_BUSY
    if getattr(cause, "sqlstate", None) in _POSTGRES_BUSY:
        return True
    return "database is locked" in str(cause) or "database table is locked" in str(cause)


def busy_response(request: HttpRequest, *, json: bool) -> HttpResponse:
    if json:
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = render(request, "core/busy.html", {"message": MESSAGE, "retry_after": RETRY_AFTER}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    """Turn a busy-database error raised by a view (page or API) into 503 + ``Retry-After``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_busy(exc):
            return None
        return busy_response(request, json=request.path.startswith("/api/"))
