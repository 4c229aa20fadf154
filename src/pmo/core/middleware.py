"""Request checks and response headers Django's own middleware does not do."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class PermissionsPolicyMiddleware:
    """``Permissions-Policy: camera=(), ...``: turn off the browser features in ``PERMISSIONS_POLICY``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NulInQueryMiddleware:
    """A query string with a NUL character is refused up front: 422 on the API, 400 on the pages.

    PostgreSQL cannot take NUL in text, so a search such as ``?q=%00`` was a 500 there (found by the schema
    fuzzer on purchase orders); SQLite would have answered. Bodies are checked by ``core.api.Input`` and
    Django's form fields.
    """

    MESSAGE = "must not contain NUL characters"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = next((key for key, values in request.GET.lists()
                    if "\x00" in key or any("\x00" in value for value in values)), None)
        if bad is None:
            return self.get_response(request)
        name = bad.replace("\x00", "\\0")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"loc": ["query", name], "msg": self.MESSAGE, "type": "value_error"}]},
                                status=422)
        message = f"The address parameter “{name}” {self.MESSAGE}."
        return render(request, "core/bad_query.html", {"message": message}, status=400)
