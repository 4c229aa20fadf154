"""Logging helpers referenced from ``settings.LOGGING``."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A 4xx logged by Django (``django.request``: 403 Forbidden, 404 Not Found) is one line, not a traceback.

    Django passes the PermissionDenied or Http404 as ``exc_info``; for a client error that is the expected
    outcome of a policy check, not a fault, so the traceback is dropped. 5xx keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
