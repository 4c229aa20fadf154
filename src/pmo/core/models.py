"""The base of every governed model, and the append-only audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class GovernedModel(models.Model):
    """Timestamps, author and an optimistic-concurrency ``version`` bumped by every update.

    Updates go through :func:`pmo.core.services.update_versioned`, which only writes when the
    row still has the version the writer read (``UPDATE ... WHERE version = n``).
    """

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    #: fields that appear in audit snapshots and API "before/after" views; subclasses list theirs.
    audited_fields: tuple[str, ...] = ()


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - the trail is append-only
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One create, update, delete or state change of a governed object.

    ``hash`` is HMAC-SHA256, keyed with ``PMO_AUDIT_KEY``, over this event's content and
    ``previous_hash``, so changing or removing any row breaks the chain at that row (``pmo audit
    verify`` finds it) unless whoever changed it also holds the key (anchors catch that).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=80, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditChainHead(models.Model):
    """A single row holding the newest event's hash and the event count.

    Writers lock it (``SELECT ... FOR UPDATE``) so the chain is extended by one writer at a
    time, and ``verify`` compares it with the last row so that removing the newest events is
    detected too.
    """

    last_hash = models.CharField(max_length=64)
    event_count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head after {self.event_count} events"
