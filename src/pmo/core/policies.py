"""The policy base: one place per model that answers who may see and do what.

``visible(user, qs)`` narrows a queryset to what the user may see; ``can(user, action, obj)``
answers whether they may act. :meth:`Policy.get` turns "not visible" into 404 and
:meth:`Policy.require` turns "visible but not permitted" into 403, so pages, API endpoints,
commands and jobs all behave the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .models import GovernedModel

#: model -> its policy, so shared pages (detail views, breadcrumbs) find the rules of any object
_POLICIES: dict[type[models.Model], Policy] = {}

#: functions ``guard(obj, fresh=False) -> str | None``: why ``obj`` may not be written at all, whoever asks (the
#: portfolio app adds one: an object of an archived project or program is read-only). ``Policy.can`` refuses
#: every action but "view" (and a policy's ``read_only_actions``) on such an object, ``Policy.require`` names the
#: reason, and ``core.audit.record`` refuses the write itself, so a service that checks its own rules is stopped too
WRITE_GUARDS: list[Callable[[object], str | None]] = []


def write_refusal(obj, *, fresh: bool = False) -> str | None:
    """Why ``obj`` (or the object a new one is created under) is read-only, or None; ``fresh`` reads the database
    rather than what is loaded (the check of a write itself). Only governed records are (a user's notifications,
    job rows and snapshots are not the project's record)."""
    if not isinstance(obj, GovernedModel):
        return None
    for guard in WRITE_GUARDS:
        reason = guard(obj, fresh=fresh)
        if reason:
            return reason
    return None


def policy_for(obj) -> Policy | None:
    return _POLICIES.get(obj if isinstance(obj, type) else type(obj))


def require_writable(obj) -> None:
    """PermissionDenied naming why ``obj`` is read-only (for checks that do not go through ``Policy.require``)."""
    refusal = write_refusal(obj)
    if refusal:
        raise PermissionDenied(refusal)


class Policy:
    model: ClassVar[type[models.Model]]
    #: the actions this policy answers (each has a ``can_<action>`` method); unknown ones fail loudly
    actions: ClassVar[tuple[str, ...]] = ("view", "create", "change", "delete")
    #: actions still answered on a read-only (archived) object; every other action is refused there
    read_only_actions: ClassVar[tuple[str, ...]] = ("view",)

    def __init__(self) -> None:
        _POLICIES[self.model] = self

    def visible(self, user, queryset: models.QuerySet | None = None) -> models.QuerySet:
        raise NotImplementedError

    def can(self, user, action: str, obj=None) -> bool:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} knows no action {action!r}")
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if not getattr(self, f"can_{action}")(user, obj):
            return False
        return action in self.read_only_actions or write_refusal(obj) is None

    def can_view(self, user, obj) -> bool:
        return self.visible(user, self.model.objects.filter(pk=obj.pk)).exists()

    def get(self, user, queryset: models.QuerySet | None = None, **lookup) -> models.Model:
        """The visible object matching ``lookup``, or 404 (also when it exists but is out of scope)."""
        try:
            return self.visible(user, queryset).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404(f"no {self.model._meta.verbose_name} matches {lookup}") from exc

    def require(self, user, action: str, obj=None, message: str | None = None) -> None:
        if not self.can(user, action, obj):
            refusal = None if action in self.read_only_actions else write_refusal(obj)
            what = self.model._meta.verbose_name
            raise PermissionDenied(refusal or message or f"you may not {action} this {what}")
