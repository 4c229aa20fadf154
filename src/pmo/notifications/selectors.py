"""Reads of the notifications app: a user's inbox and unread count, the communication log in scope, the kinds
with a user's channel for each."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import registry
from .models import Delivery, Notification
from .policies import delivery_policy, notification_policy
from .services import effective_preferences


def inbox_for(user) -> QuerySet[Notification]:
    return notification_policy.visible(user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def log_for(user) -> QuerySet[Delivery]:
    return delivery_policy.visible(user).select_related("recipient", "program", "project")


def search_log(queryset: QuerySet[Delivery], query: str | None) -> QuerySet[Delivery]:
    query = (query or "").strip()[:200]
    if not query:
        return queryset
    return queryset.filter(Q(subject__icontains=query) | Q(to_address__icontains=query) | Q(kind__icontains=query)
                           | Q(source__icontains=query))


def kinds_for(user) -> list[dict]:
    """Every registered kind with its label, default and the user's channel, by key."""
    chosen = effective_preferences(user)
    return [{"kind": key, "label": spec.label, "description": spec.description, "default": spec.default,
             "channel": chosen[key]} for key, spec in sorted(registry.KINDS.items())]


def kind_label(key: str) -> str:
    spec = registry.KINDS.get(key)
    return spec.label if spec else key
