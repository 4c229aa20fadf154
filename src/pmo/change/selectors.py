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


def awaiting_steering(user) -> QuerySet[ChangeRequest]:
    """Change requests beyond their program's tolerance, assessed and waiting for the Steering Committee's
    decision, among those the user sees (the governance app's steering committee agenda), oldest first."""
    from .models import ChangeRequestStatus, Route

    return (change_requests_for(user).filter(status=ChangeRequestStatus.ASSESSED, route=Route.STEERING)
            .order_by("updated_at", "pk"))


def awaiting_decision(user) -> QuerySet[ChangeRequest]:
    """Assessed change requests the user may decide (the route's deciders), oldest first."""
    from pmo.accounts.models import Role
    from pmo.accounts.scopes import scopes_of

    from .models import ChangeRequestStatus, Route

    scopes = scopes_of(user)
    rows = change_requests_for(user).filter(status=ChangeRequestStatus.ASSESSED)
    steering = [pk for pk, roles in scopes.program_roles.items() if Role.STEERING_COMMITTEE in roles]
    managing = [pk for pk, roles in scopes.program_roles.items() if Role.PROGRAM_MANAGER in roles]
    from django.db.models import Q

    query = Q(route=Route.STEERING, program_id__in=steering)
    query |= Q(route=Route.PROGRAM_MANAGER) if scopes.is_director else Q(route=Route.PROGRAM_MANAGER,
                                                                            program_id__in=managing)
    return rows.filter(query).order_by("updated_at", "pk")
