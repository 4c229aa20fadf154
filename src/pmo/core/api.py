"""What every API router shares: authentication, error mapping, ETags and PATCH semantics.

Conventions (README "API"): lists are ``{"items": [...], "count": N}``; an item's ``ETag`` is
its version; PATCH and DELETE need ``If-Match`` (428 without, 412 when stale); bad input is 422
with one entry per field in ``detail``.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from .busy import busy_response, is_busy
from .errors import StaleVersion, VersionRequired

#: fields a client may read but never write; sending one is a 422 that says so
READ_ONLY_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "created_by"})


def etag(obj) -> str:
    return f'"{obj.version}"'


def expected_version(request: HttpRequest) -> int:
    """The version named by ``If-Match``; 428 when absent, 412 when it cannot be a version."""
    header = request.headers.get("If-Match")
    if not header:
        raise VersionRequired("send If-Match with the ETag from your last GET of this object")
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', header)
    if not match:
        raise StaleVersion(-1)
    return int(match.group(1))


def optional_version(request: HttpRequest, obj) -> int:
    """POST actions take If-Match when sent (412 when stale), else act on the version just read."""
    return expected_version(request) if request.headers.get("If-Match") else obj.version


def _validation_error(request, exc: NinjaValidationError, api: NinjaAPI):
    detail = []
    for error in exc.errors:
        error = dict(error)
        if error.get("type") == "extra_forbidden":
            field = error["loc"][-1]
            error["msg"] = "read-only field" if field in READ_ONLY_FIELDS else "unknown field"
        error.pop("url", None)
        error.pop("ctx", None)
        detail.append(error)
    return api.create_response(request, {"detail": detail}, status=422)


def _django_validation_error(request, exc: DjangoValidationError, api: NinjaAPI):
    if hasattr(exc, "error_dict"):
        detail = [{"loc": ["body", "payload", field], "msg": " ".join(m for e in errors for m in e.messages),
                   "type": "invalid"} for field, errors in exc.error_dict.items()]
    else:
        detail = [{"loc": ["body"], "msg": " ".join(exc.messages), "type": "invalid"}]
    return api.create_response(request, {"detail": detail}, status=422)


def _operational_error(request, exc: OperationalError):
    if is_busy(exc):
        return busy_response(request, json=True)
    raise exc


def build_api(*, auth: list) -> NinjaAPI:
    api = NinjaAPI(
        title="pmo API",
        version="1",
        description="Programs, projects and everything a PMO governs. Authenticate with a session "
        "or `Authorization: Bearer <token>` from `POST /api/v1/auth/token`.",
        auth=auth,
        urls_namespace="api",
    )
    api.add_exception_handler(NinjaValidationError, lambda r, e: _validation_error(r, e, api))
    api.add_exception_handler(DjangoValidationError, lambda r, e: _django_validation_error(r, e, api))
    api.add_exception_handler(
        PermissionDenied, lambda r, e: api.create_response(r, {"detail": str(e) or "forbidden"}, status=403)
    )
    api.add_exception_handler(
        Http404, lambda r, e: api.create_response(r, {"detail": "not found"}, status=404)
    )
    for exception, status in ((StaleVersion, 412), (VersionRequired, 428)):
        api.add_exception_handler(
            exception, lambda r, e, status=status: api.create_response(r, {"detail": str(e)}, status=status)
        )
    api.add_exception_handler(
        AuthenticationError, lambda r, e: api.create_response(r, {"detail": "authentication required"}, status=401)
    )
    api.add_exception_handler(OperationalError, _operational_error)
    return api


def with_etag(response: HttpResponse, obj) -> None:
    response["ETag"] = etag(obj)
