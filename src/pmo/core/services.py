"""Helpers every app's services use: validated create, conditional update, audited delete."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from . import audit
from .errors import StaleVersion


def create_audited(*, actor, obj: models.Model) -> models.Model:
    """Validate, insert and audit ``obj``; the caller has already checked the policy."""
    with transaction.atomic():
        if hasattr(obj, "created_by_id") and actor is not None and getattr(actor, "pk", None):
            obj.created_by = actor
        obj.full_clean()
        obj.save(force_insert=True)
        audit.record(actor=actor, action="create", obj=obj, before=None, after=audit.snapshot(obj))
    return obj


def update_versioned(*, actor, obj: models.Model, changes: dict, expected_version: int,
                     action: str = "update") -> models.Model:
    """Apply ``changes`` to ``obj`` if its row is still at ``expected_version``.

    The row is written with ``UPDATE ... SET version = version + 1 WHERE pk = ? AND version = ?``,
    so of several writers that read the same version exactly one wins and the others get
    :class:`StaleVersion`, whatever the database's isolation level.
    """
    if obj.version != expected_version:
        raise StaleVersion(obj.version)
    updated = copy.copy(obj)
    for name, value in changes.items():
        setattr(updated, name, value)
    updated.full_clean()
    before = audit.snapshot(obj)
    after = audit.snapshot(updated)
    if before == after:
        return obj
    columns = {obj._meta.get_field(name).attname: getattr(updated, obj._meta.get_field(name).attname)
               for name in changes}
    with transaction.atomic():
        rows = type(obj).objects.filter(pk=obj.pk, version=expected_version).update(
            **columns, version=F("version") + 1, updated_at=models.functions.Now()
        )
        if rows != 1:
            current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            raise StaleVersion(current or 0)
        diff_before = {k: v for k, v in before.items() if after.get(k) != v}
        diff_after = {k: after[k] for k in diff_before}
        audit.record(actor=actor, action=action, obj=updated, before=diff_before, after=diff_after)
    updated.refresh_from_db()
    return updated


def delete_versioned(*, actor, obj: models.Model, expected_version: int) -> None:
    """Delete ``obj`` if still at ``expected_version``; protected references become a ValidationError."""
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().filter(pk=obj.pk, version=expected_version).first()
        if locked is None:
            current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            raise StaleVersion(current or 0)
        before = audit.snapshot(locked)
        audit.record(actor=actor, action="delete", obj=locked, before=before, after=None)
        try:
            locked.delete()
        except models.ProtectedError as exc:
            names = sorted({str(o) for o in exc.protected_objects})[:5]
            raise ValidationError(
                f"{locked} cannot be deleted while these refer to it: {', '.join(names)}"
            ) from exc
