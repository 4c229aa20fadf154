"""Helpers the pages of every app share: sortable, searchable, paginated lists and service errors in forms."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from .errors import StaleVersion

PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    page: Page
    sort: str
    query: str
    filters: dict

    def sort_link(self, key: str) -> str:
        return f"-{key}" if self.sort == key else key


def listing(request: HttpRequest, queryset: QuerySet, *, sortable: dict[str, str], default_sort: str,
            filters: dict[str, str] | None = None) -> Listing:
    """Sort by ``?sort=key`` (``-key`` for descending) among ``sortable`` (key -> ORM field),
    filter by the query parameters named in ``filters`` (parameter -> ORM lookup), paginate."""
    active = {}
    for param, lookup in (filters or {}).items():
        value = request.GET.get(param, "").strip()
        if value:
            queryset = queryset.filter(**{lookup: value})
            active[param] = value
    sort = request.GET.get("sort", default_sort)
    key = sort.lstrip("-")
    if key not in sortable:
        sort, key = default_sort, default_sort.lstrip("-")
    order = sortable[key]
    queryset = queryset.order_by(f"-{order}" if sort.startswith("-") else order, "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return Listing(page=page, sort=sort, query=request.GET.get("q", ""), filters=active)


def apply_service(form, action) -> object | None:
    """Run a service call for a bound form; turn its refusals into form errors instead of a 500.

    Returns the service's result, or None when the form now carries the errors (the caller
    re-renders it). PermissionDenied is left to Django's 403 page.
    """
    try:
        return action()
    except StaleVersion as exc:
        form.add_error(None, str(exc))
        form.stale = True
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    except PermissionDenied:
        raise
    return None
