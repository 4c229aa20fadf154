"""Response headers Django's SecurityMiddleware does not set."""

from __future__ import annotations

from django.conf import settings


class PermissionsPolicyMiddleware:
    """``Permissions-Policy: camera=(), ...``: turn off the browser features in ``PERMISSIONS_POLICY``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
