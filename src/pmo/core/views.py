"""Helpers the pages of every app share: sortable, searchable, paginated lists, read-only detail pages,
and service errors in forms."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import StaleVersion
from .navigation import breadcrumbs
from .policies import policy_for

PAGE_SIZE = 50
#: apps that show an object's audit trail register ``fn(obj) -> url or None`` (governance's history page):
#: every detail page then carries a "History" link (``history_url`` in base.html)
HISTORY_LINKS: list = []


def history_url(obj) -> str | None:
    return next((url for url in (fn(obj) for fn in HISTORY_LINKS) if url), None)


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


def detail_page(request: HttpRequest, obj, template: str, context: dict | None = None, *,
                actions: tuple[str, ...] = ("change", "delete")) -> HttpResponse:
    """The read-only page of ``obj``, its canonical link (``get_absolute_url``).

    ``can`` holds the policy's answer for each of ``actions``, so the template shows an edit, delete or
    other control only to those who may use it; ``breadcrumbs`` places the object under its parents.
    """
    policy = policy_for(obj)
    can = {action: policy.can(request.user, action, obj) for action in actions}
    return render(request, template, {
        "object": obj, "can": can, "breadcrumbs": breadcrumbs(request.user, obj), "history_url": history_url(obj),
        **(context or {}),
    })


def form_page(request: HttpRequest, form, title: str, *trail, status: int | None = None,
              template: str = "portfolio/form.html", context: dict | None = None) -> HttpResponse:
    """A form page under ``trail`` (the object it edits or the page it adds to, then its own label).

    Without ``status``: 409 when the form went stale, 422 when it has errors, else 200.
    """
    if status is None:
        status = 409 if getattr(form, "stale", False) else 422 if form.errors else 200
    crumbs = breadcrumbs(request.user, *trail)
    cancel = next((crumb.url for crumb in reversed(crumbs[:-1]) if crumb.url), "")
    return render(request, template, {"form": form, "title": title, "breadcrumbs": crumbs, "cancel_url": cancel,
                                      **(context or {})}, status=status)
