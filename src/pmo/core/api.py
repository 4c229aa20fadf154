"""What every API router shares: authentication, error mapping, ETags and PATCH semantics.

Conventions (README "API"): lists are ``{"items": [...], "count": N}``; an item's ``ETag`` is
its version; PATCH and DELETE need ``If-Match`` (428 without, 412 when stale); bad input is 422
with one entry per field in ``detail``. Every integer a client sends is bounded (ids by :data:`Id`,
pages by :class:`Pagination`), and every error answer is documented in the OpenAPI schema.
"""

from __future__ import annotations

import re
import types
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, ConfigDict, ValidationInfo, field_validator

from .busy import busy_response, is_busy
from .errors import StaleVersion, VersionRequired
from .ids import MAX_ID

#: fields a client may read but never write; sending one is a 422 that says so
READ_ONLY_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "created_by"})


#: an object id in a path, a query filter or a body
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _iso_date(value: object) -> object:
    """Pydantic would read a number as a Unix timestamp (0 -> 1970-01-01); the schema promises YYYY-MM-DD."""
    if not isinstance(value, date) and not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise ValueError("a date as YYYY-MM-DD")
    return value


#: a date a client sends: only ``YYYY-MM-DD``
Day = Annotated[date, BeforeValidator(_iso_date)]


def _json_type(annotation) -> tuple[type | None, bool]:
    """The plain type behind ``Annotated[...]`` / ``X | None``, and whether it is a list of it."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return None, False
            annotation = args[0]
        elif origin is list:
            return _json_type(get_args(annotation)[0])[0], True
        else:
            return annotation, False


class Input(Schema):
    """A request body: unknown fields refused, and JSON types taken at their word.

    Pydantic's lax mode reads ``0`` as false and ``"5"`` as 5; the schema promises a boolean and an
    integer, so anything else is a 422 naming the field. Text with a NUL character is a 422 too: PostgreSQL
    cannot store it (SQLite would).
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_coercion(cls, value, info: ValidationInfo):
        if any(isinstance(item, str) and "\x00" in item for item in (value if isinstance(value, list) else [value])):
            raise ValueError("must not contain NUL characters")
        kind, is_list = _json_type(cls.model_fields[info.field_name].annotation)
        if kind not in (bool, int) or value is None:
            return value
        for item in (value if is_list and isinstance(value, list) else [value]):
            if (kind is bool) != isinstance(item, bool) or not isinstance(item, int):
                raise ValueError(f"must be a JSON {'boolean' if kind is bool else 'integer'}")
        return value


MAX_PAGE_SIZE = 500
MAX_OFFSET = 10**9


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` pagination with both bounded (an unbounded offset overflows the database)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


def visible_in_body(queryset, pk, field: str, what: str):
    """The object ``pk`` names in a request body, from the ``queryset`` the user sees; out of scope is a 422
    naming ``field`` (a body's id is input, not an address: architecture.md section 4)."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({field: f"no {what} with id {pk}"})
    return found


def filtered(rows, filters, lookups: dict[str, str]):
    """``rows`` narrowed by each of a list's query filters that is given (filter name -> ORM lookup)."""
    for name, lookup in lookups.items():
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{lookup: value})
    return rows


def in_subset(rows, flag: bool | None, subset):
    """``rows`` that are in ``subset`` (``flag`` true), that are not (false), or all of them (None): the lists'
    ``overdue=`` filters, whose subset is the app's overdue selector."""
    if flag is None:
        return rows
    ids = subset.values("pk")
    return rows.filter(pk__in=ids) if flag else rows.exclude(pk__in=ids)


def _if_match(*, required: bool) -> dict:
    return {"parameters": [{
        "in": "header", "name": "If-Match", "required": required, "schema": {"type": "string"},
        "description": "the ETag of your last GET of this object"
        + ("" if required else " (optional: when sent, a stale version is refused)"),
    }]}


#: ``openapi_extra`` of an endpoint that needs If-Match (428 without it, 412 when stale)
IF_MATCH = _if_match(required=True)
#: ``openapi_extra`` of an action that takes If-Match when sent (412 when stale)
IF_MATCH_OPTIONAL = _if_match(required=False)


def etag(obj) -> str:
    return f'"{obj.version}"'


def expected_version(request: HttpRequest) -> int:
    """The version named by ``If-Match``; 428 when absent, 412 when it cannot be a version."""
    header = request.headers.get("If-Match")
    if not header:
        raise VersionRequired("send If-Match with the ETag from your last GET of this object")
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,18})"?\s*', header)
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


def _document_errors(schema: dict) -> dict:
    """Add the error answers of the exception handlers above to every operation of the schema.

    The views never return these themselves, so the rules follow from the operation's shape:
    authenticated -> 401, 403; ids in the path -> 404; a body -> 400 (not JSON); any input -> 422;
    If-Match -> 412 (and 428 when required); every operation -> 503 (database busy, Retry-After).
    """
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, FieldErrorOut, ValidationErrorOut):
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas[model.__name__].pop("$defs", None)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            if_match = [p for p in parameters if p["in"] == "header" and p["name"] == "If-Match"]
            codes = {503: "the database is busy: retry after Retry-After seconds"}
            if operation.get("security"):
                codes |= {401: "authentication required", 403: "not permitted"}
            if "{" in path:
                codes[404] = "no such object, or not one you can see"
            if if_match:
                codes[412] = "If-Match names a version that is no longer current"
                if if_match[0]["required"]:
                    codes[428] = "If-Match missing"
            if "requestBody" in operation:
                codes[400] = "the body is not JSON"
            if parameters or "requestBody" in operation:
                codes[422] = "invalid input: one entry per field in detail"
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                model = ValidationErrorOut if code == 422 else ErrorOut
                responses.setdefault(str(code), {"description": description, "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}})
    return schema


class Docs(DocsBase):
    """Swagger UI from our own static files (npm's swagger-ui-dist), never from a CDN: the docs work offline."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(request, "api/docs.html", {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})


class PmoAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        return _document_errors(super().get_openapi_schema(*args, **kwargs))


def build_api(*, auth: list) -> NinjaAPI:
    api = PmoAPI(
        title="pmo API",
        version="1",
        description="Programs, projects and everything a PMO governs. Authenticate with a session "
        "or `Authorization: Bearer <token>` from `POST /api/v1/auth/token`.",
        auth=auth,
        urls_namespace="api",
        docs=Docs(),
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
