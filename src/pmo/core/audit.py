"""Writing and verifying the SHA-256 hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def snapshot(obj: models.Model, fields: tuple[str, ...] | None = None) -> dict:
    """The audited fields of ``obj`` as JSON-safe values (foreign keys by id)."""
    names = fields if fields is not None else getattr(obj, "audited_fields", ())
    data = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[field.attname if field.is_relation else name] = _json_value(value)
    return data


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def event_hash(event: AuditEvent) -> str:
    payload = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None) -> AuditEvent:
    """Append one event for ``obj``; must run inside the writer's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "event_count": 0}
    )
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        previous_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, event_count=head.event_count + 1)
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int | None
    reason: str


def verify() -> ChainBreak | None:
    """Walk the chain in order; return the first break, or None when the trail is intact."""
    previous = GENESIS
    count = 0
    for event in _events_in_order():
        count += 1
        if event.previous_hash != previous:
            return ChainBreak(event.pk, "previous_hash does not match the event before it (an event was removed)")
        if event_hash(event) != event.hash:
            return ChainBreak(event.pk, "content does not match its hash (the event was changed)")
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_hash, expected_count = (head.last_hash, head.event_count) if head else (GENESIS, 0)
    if previous != expected_hash or count != expected_count:
        return ChainBreak(None, f"the trail ends after {count} events but {expected_count} were written "
                                "(the newest events were removed)")
    return None


def _events_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
