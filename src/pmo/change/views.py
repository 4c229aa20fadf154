"""Scope and change-control pages: a project's scope (deliverables, scope items, scope baselines), their detail
pages and forms; a program's change requests, a request with its impact side by side, the decision and the
change log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from pmo.core.navigation import breadcrumbs
from pmo.core.views import detail_page
from pmo.portfolio.policies import project_policy

from . import selectors
from .models import scope_crumb
from .policies import deliverable_policy, scope_baseline_policy, scope_item_policy


@login_required
def scope(request, project_pk):
    """A project's scope: its deliverables with their acceptance, its scope items and its scope baselines."""
    project = project_policy.get(request.user, pk=project_pk)
    return render(request, "change/scope.html", {
        "project": project,
        "deliverables": list(selectors.deliverables_for(request.user).filter(project=project).order_by("code", "pk")),
        "items": list(selectors.scope_items_for(request.user).filter(project=project).order_by("code", "pk")),
        "baselines": list(selectors.scope_baselines_for(request.user).filter(project=project)[:50]),
        "can_change": project_policy.can(request.user, "change", project),
        "breadcrumbs": breadcrumbs(request.user, scope_crumb(project)),
    })


@login_required
def deliverable_detail(request, pk):
    deliverable = deliverable_policy.get(request.user, selectors.deliverables_for(request.user), pk=pk)
    return detail_page(request, deliverable, "change/deliverable_detail.html", {
        "deliverable": deliverable, "tasks": list(deliverable.tasks.order_by("order", "pk")),
        "items": list(deliverable.items.order_by("code", "pk")),
    }, actions=("change", "accept"))


@login_required
def item_detail(request, pk):
    item = scope_item_policy.get(request.user, selectors.scope_items_for(request.user), pk=pk)
    return detail_page(request, item, "change/item_detail.html", {
        "item": item, "tasks": list(item.tasks.order_by("order", "pk")),
    })


@login_required
def scope_baseline_detail(request, pk):
    baseline = scope_baseline_policy.get(request.user, selectors.scope_baselines_for(request.user), pk=pk)
    return detail_page(request, baseline, "change/scope_baseline_detail.html", {
        "baseline": baseline, "deliverables": baseline.snapshot.get("deliverables", []),
        "items": baseline.snapshot.get("items", []),
    }, actions=("view",))
