"""Reads of scope and change control, starting from what the user may see, with a query count independent of
the rows."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import ChangeRequest, Deliverable, ScopeBaseline, ScopeItem
from .policies import change_request_policy, deliverable_policy, scope_baseline_policy, scope_item_policy


def deliverables_for(user) -> QuerySet[Deliverable]:
    return (deliverable_policy.visible(user).select_related("project__program", "owner", "accepted_by")
            .annotate(task_count=Count("tasks", distinct=True)))


def scope_items_for(user) -> QuerySet[ScopeItem]:
    return (scope_item_policy.visible(user).select_related("project__program", "deliverable")
            .annotate(task_count=Count("tasks", distinct=True)))


def scope_baselines_for(user) -> QuerySet[ScopeBaseline]:
    return scope_baseline_policy.visible(user).select_related("project", "set_by", "change_request")


def accepted_deliverables(project) -> QuerySet[Deliverable]:
    """The project's accepted deliverables (the closure app's "deliverables accepted")."""
    return Deliverable.objects.filter(project=project, status="accepted")


def change_requests_for(user) -> QuerySet[ChangeRequest]:
    return change_request_policy.visible(user).select_related("program", "project", "raised_by", "decided_by")
