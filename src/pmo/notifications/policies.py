"""Who may see what of the notifications app (README "Notifications", docs/architecture.md section 4).

- A notification, a preference and a feed token are their user's own: nobody else sees them (404).
- The communication log (``Delivery``) is read by the PMO Director (all of it) and the PMO Coordinator: a
  portfolio-wide Coordinator reads all of it, a program's Coordinator the messages about their programs. It is
  written only by the system (notify, send_email, the workers); nobody edits or deletes it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy

from .models import Delivery, Notification


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def reads_log(user) -> bool:
    """May open the communication log at all (the Director, any PMO Coordinator)."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles or any(
        Role.PMO_COORDINATOR in roles for roles in scopes.program_roles.values())


def require_log_reader(user) -> None:
    if not reads_log(user):
        raise PermissionDenied("the communication log is for the PMO Director and PMO Coordinators")


def reads_whole_log(user) -> bool:
    scopes = scopes_of(user)
    return _active(user) and (scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles)


class NotificationPolicy(Policy):
    model = Notification
    actions = ("view", "change")

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        return queryset.filter(recipient=user) if _active(user) else queryset.none()

    def can_view(self, user, obj):
        return obj.recipient_id == user.pk

    can_change = can_view


class DeliveryPolicy(Policy):
    model = Delivery
    actions = ("view",)

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if reads_whole_log(user):
            return queryset
        if not reads_log(user):
            return queryset.none()
        programs = [pk for pk, roles in scopes_of(user).program_roles.items() if Role.PMO_COORDINATOR in roles]
        return queryset.filter(program_id__in=programs)

    def can_view(self, user, obj):
        return self.visible(user, Delivery.objects.filter(pk=obj.pk)).exists()


notification_policy = NotificationPolicy()
delivery_policy = DeliveryPolicy()
