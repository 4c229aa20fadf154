"""Writing and verifying the keyed (HMAC-SHA256) hash-chained audit trail, and anchoring its head.

Each event's ``hash`` is HMAC-SHA256, keyed with ``PMO_AUDIT_KEY`` (from the environment, never
in the database), over its content and the previous event's hash. Without the key nobody can
recompute a consistent chain after changing, inserting or removing a row; with the key, a rewrite
is still caught by anchors: head hashes published outside the database (``pmo audit anchor``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent
from .policies import write_refusal

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


def _canonical(event) -> bytes:
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
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event, key: str | None = None) -> str:
    """HMAC-SHA256 of the event under ``key`` (default: ``PMO_AUDIT_KEY``)."""
    return hmac.new((key or settings.PMO_AUDIT_KEY).encode(), _canonical(event), hashlib.sha256).hexdigest()


def plain_hash(event) -> str:
    """The unkeyed SHA-256 of chains written before ``PMO_AUDIT_KEY`` existed (see :func:`rekey`)."""
    return hashlib.sha256(_canonical(event)).hexdigest()


#: audited actions that may write to a read-only (archived) object: archiving and unarchiving themselves
UNGUARDED_ACTIONS = frozenset({"archive", "unarchive"})


def record(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None) -> AuditEvent:
    """Append one event for ``obj``; must run inside the writer's transaction.

    Every governed write passes here, so this is where a write to a read-only object (one of an archived
    project, ``policies.WRITE_GUARDS``) is refused, whichever service made it: the PermissionDenied rolls the
    writer's transaction back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    if action not in UNGUARDED_ACTIONS:
        refusal = write_refusal(obj, fresh=True)
        if refusal:
            raise PermissionDenied(refusal)
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
        if not hmac.compare_digest(event_hash(event), event.hash):
            if plain_hash(event) == event.hash:
                return ChainBreak(event.pk, "content does not match its hash: it is hashed without the audit key "
                                            "(rewritten by someone without PMO_AUDIT_KEY, or written before the "
                                            "chain was keyed; only in that second case, and knowing it, re-key "
                                            "with 'pmo audit rekey --from-unkeyed', which accepts the trail as "
                                            "it stands)")
            return ChainBreak(event.pk, "content does not match its hash (the event was changed, or PMO_AUDIT_KEY "
                                        "is not the key it was written with)")
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_hash, expected_count = (head.last_hash, head.event_count) if head else (GENESIS, 0)
    if previous != expected_hash or count != expected_count:
        return ChainBreak(None, f"the trail ends after {count} events but {expected_count} were written "
                                "(the newest events were removed)")
    return None


def _events_in_order(model=AuditEvent) -> Iterator[AuditEvent]:
    return model.objects.order_by("id").iterator(chunk_size=2000)


def rekey(*, old_key: str | None, event_model=AuditEvent, head_model=AuditChainHead) -> int:
    """Re-hash the whole chain with ``PMO_AUDIT_KEY`` after checking it under ``old_key``.

    ``old_key=None`` means the unkeyed SHA-256 chain written before the key existed (the
    migration ``core.0003`` does this), otherwise the key it was written with (key rotation).
    Refuses with :class:`ChainBroken` when the chain does not verify under the old key, so that
    re-keying never launders an earlier rewrite. Returns the number of events re-hashed. The
    models are parameters so that the migration can pass its historical ones.
    """
    old_hash = plain_hash if old_key is None else (lambda event: event_hash(event, old_key))
    with transaction.atomic():
        head = head_model.objects.select_for_update().filter(pk=1).first()
        previous, count = GENESIS, 0
        for event in _events_in_order(event_model):
            if event.previous_hash != previous or not hmac.compare_digest(old_hash(event), event.hash):
                raise ChainBroken(ChainBreak(event.pk, "does not verify under the old key; nothing was re-keyed"))
            previous, count = event.hash, count + 1
        if head is not None and (head.last_hash, head.event_count) != (previous, count):
            raise ChainBroken(ChainBreak(None, "the chain head does not match the last event; nothing was re-keyed"))
        table = connection.ops.quote_name(event_model._meta.db_table)
        previous, rows = GENESIS, []
        for event in _events_in_order(event_model):
            event.previous_hash = previous
            previous = event_hash(event)
            rows.append((event.previous_hash, previous, event.pk))
        with connection.cursor() as cursor:  # raw SQL: the model refuses updates (append-only)
            cursor.executemany(f"UPDATE {table} SET previous_hash = %s, hash = %s WHERE id = %s", rows)
        head_model.objects.update_or_create(pk=1, defaults={"last_hash": previous, "event_count": count})
    return count


class ChainBroken(Exception):
    def __init__(self, broken: ChainBreak):
        self.broken = broken
        super().__init__(broken.reason)


# -- anchors: the head hash published outside the database ------------------------------------------

_ANCHOR = re.compile(r"^(?P<at>\S+) event=(?P<id>\d+) hash=(?P<hash>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Anchor:
    line: int
    at: str
    event_id: int
    hash: str


def anchor_line() -> str | None:
    """``<UTC time> event=<id> hash=<HMAC>`` for the newest event, or None for an empty trail."""
    head = AuditEvent.objects.order_by("-id").only("id", "hash").first()
    if head is None:
        return None
    return f"{timezone.now():%Y-%m-%dT%H:%M:%SZ} event={head.pk} hash={head.hash}\n"


def append_anchor(path: str, line: str) -> None:
    """Append ``line`` with ``O_APPEND`` (never truncating or seeking), and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_anchors(path: str) -> list[Anchor]:
    """The anchors in an anchor file; a malformed line is an error naming it."""
    anchors = []
    with open(path, encoding="utf-8") as file:
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            match = _ANCHOR.match(text.strip())
            if match is None:
                raise ValueError(f"{path}, line {number}: not an anchor ('<UTC time> event=<id> hash=<64 hex>')")
            anchors.append(Anchor(number, match["at"], int(match["id"]), match["hash"]))
    return anchors


def verify_anchors(anchors: list[Anchor]) -> ChainBreak | None:
    """Check that every anchored event still has its anchored hash; return the first that does not."""
    stored = dict(AuditEvent.objects.filter(pk__in={a.event_id for a in anchors}).values_list("id", "hash"))
    last_good = None
    for anchor in sorted(anchors, key=lambda a: (a.event_id, a.line)):
        since = f"after event #{last_good.event_id}" if last_good else "from the start"
        if anchor.event_id not in stored:
            return ChainBreak(anchor.event_id, f"anchored on line {anchor.line} at {anchor.at} but no longer "
                                               "exists (events were removed)")
        if not hmac.compare_digest(stored[anchor.event_id], anchor.hash):
            return ChainBreak(anchor.event_id, f"its hash differs from the one anchored on line {anchor.line} at "
                                               f"{anchor.at}: an event {since} up to this one was rewritten")
        last_good = anchor
    return None
