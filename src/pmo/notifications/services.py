"""Writes of the notifications app: ``notify`` and ``send_email`` (the public API every app calls), preferences,
reading the inbox, iCal feed tokens, and the delivery of queued e-mails (claimed atomically, sent once).

The public API (docs/architecture.md, "Notifications"):

- ``notify(kind=, recipients=, subject=, body=, url=, dedupe_key=, program=, project=)`` puts a notification in
  each recipient's inbox and queues the e-mails their preferences ask for; returns how many were created.
- ``send_email(kind=, to=, subject=, body=, source=, program=, project=, dedupe_key=)`` queues e-mails to users or
  plain addresses (stakeholders without an account) without the inbox: scheduled communications use it.

Both write the communication log (``Delivery``) and queue the e-mail task after the transaction commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from pmo.accounts.models import Membership, Role, User
from pmo.core import audit
from pmo.core.services import create_audited, update_versioned

from . import registry
from .models import Channel, Delivery, DeliveryChannel, DeliveryState, FeedToken, Notification, Preference

#: attempts per e-mail before it is recorded failed; the wait before each retry
MAX_ATTEMPTS = 3
BACKOFF = (timedelta(minutes=1), timedelta(minutes=10))
#: a claimed e-mail whose worker vanished for this long is queued again
CLAIM_TIMEOUT = timedelta(minutes=15)
#: recipients per notify() call and addresses per send_email() call
MAX_RECIPIENTS = 20_000
CHUNK = 2000  # ids per IN (...) list (SQLite takes 32,766 parameters, PostgreSQL 65,535)
FEED_PREFIX = "pmofeed_"
PORTFOLIO_READERS = (Role.PMO_DIRECTOR, Role.PMO_ANALYST, Role.PMO_COORDINATOR)


def _clip(text: str, limit: int) -> str:
    text = (text or "").replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ids(recipients: Iterable) -> set[int]:
    ids = {r if isinstance(r, int) else r.pk for r in recipients if r is not None}
    if len(ids) > MAX_RECIPIENTS:
        raise ValidationError({"recipients": f"at most {MAX_RECIPIENTS} recipients per notification"})
    return ids


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def audience(user_ids: set[int], *, program_id: int | None, project_id: int | None) -> set[int]:
    """Those of ``user_ids`` who are active and may see the program or project (portfolio-wide readers, its program
    roles, the project's roles; for a program, the Project Managers of its projects too). Without either: the
    active ones."""
    if program_id is None and project_id is None:
        rows = User.objects.filter(is_active=True)
        field = "pk"
    else:
        if project_id is not None:
            from pmo.portfolio.models import Project
            program_id = Project.objects.filter(pk=project_id).values_list("program_id", flat=True).first()
            scope = Q(program_id=program_id) | Q(project_id=project_id)
        else:
            scope = Q(program_id=program_id) | Q(project__program_id=program_id)
        rows = Membership.objects.filter(user__is_active=True).filter(
            Q(role__in=PORTFOLIO_READERS, program__isnull=True, project__isnull=True) | scope)
        field = "user_id"
    allowed: set[int] = set()
    for chunk in _chunks(sorted(user_ids)):
        allowed.update(rows.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return allowed


def role_holders(*roles: str, program=None, project=None) -> set[int]:
    """Ids of the active users holding one of ``roles``: portfolio-wide, over ``program`` (its program-level
    roles) or over ``project`` (its project-level roles). For the apps choosing whom to notify: the Steering
    Committee of a program is ``role_holders(Role.STEERING_COMMITTEE, program=p)``."""
    scope = Q(program__isnull=True, project__isnull=True)
    if program is not None:
        scope = Q(program_id=_pk(program))
    if project is not None:
        scope = Q(project_id=_pk(project))
    return set(Membership.objects.filter(scope, role__in=roles, user__is_active=True)
               .values_list("user_id", flat=True))


def _pk(value):
    return value if value is None or isinstance(value, int) else value.pk


def notify(*, kind: str, recipients: Iterable, subject: str, body: str = "", url: str = "", dedupe_key: str = "",
           program=None, project=None) -> int:
    """Notify ``recipients`` (users or user ids) of an event of ``kind``; returns the number of notifications made.

    Only active users who may see ``program`` / ``project`` (when given) are notified; each gets what their
    preference for ``kind`` says (in-app, e-mail, daily digest or nothing). With a ``dedupe_key`` a recipient is
    notified of the same kind and key only once, however often it is called. Bulk inserts: 5,000 recipients
    take well under a second. E-mails go after the caller's transaction commits.
    """
    spec = registry.kind(kind)
    program_id, project_id = _pk(program), _pk(project)
    if program_id is None and project_id is not None:
        from pmo.portfolio.models import Project
        program_id = Project.objects.filter(pk=project_id).values_list("program_id", flat=True).first()
    subject, body = _clip(subject, 200), _clip(body, 4000)
    url, dedupe_key = _clip(url, 500), _clip(dedupe_key, 200)
    ids = _ids(recipients)
    if not ids:
        return 0
    users = audience(ids, program_id=program_id if project_id is None else None, project_id=project_id)
    if dedupe_key:
        for chunk in _chunks(sorted(users)):
            for pk in Notification.objects.filter(kind=kind, dedupe_key=dedupe_key, recipient_id__in=chunk) \
                    .values_list("recipient_id", flat=True):
                users.discard(pk)
    chosen: dict[int, str] = {}
    for chunk in _chunks(sorted(users)):
        chosen.update(Preference.objects.filter(kind=kind, user_id__in=chunk).values_list("user_id", "channel"))
    rows = [(pk, channel) for pk in sorted(users) if (channel := chosen.get(pk, spec.default)) != Channel.OFF]
    if not rows:
        return 0
    with transaction.atomic():
        emails = _insert(kind=kind, rows=rows, subject=subject, body=body, url=url, dedupe_key=dedupe_key,
                         program_id=program_id, project_id=project_id)
        if emails:
            transaction.on_commit(enqueue_delivery)
    return len(rows)


def absolute_url(url: str) -> str:
    """``url`` as a link an e-mail can carry (``PMO_BASE_URL`` before a path)."""
    return url if not url or url.startswith(("http://", "https://")) else settings.PMO_BASE_URL.rstrip("/") + url


def _insert(*, kind, rows, subject, body, url, dedupe_key, program_id, project_id) -> int:
    """Write the inbox rows, then their in-app log rows and queued e-mails set-based (``INSERT … SELECT`` from the
    rows just written, found by their ``batch``); returns the number of e-mails queued. At 5,000 recipients the
    ORM's ``bulk_create`` spent 5 s preparing values; this takes a fraction of a second (bench_notifications)."""
    batch = secrets.token_hex(8)
    ops = connection.ops
    now = timezone.now()
    at = ops.adapt_datetimefield_value(now)
    table, deliveries = (ops.quote_name(m._meta.db_table) for m in (Notification, Delivery))
    users = ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 1000):  # one multi-row INSERT per 1,000 (13 parameters a row)
            cursor.execute(
                f"INSERT INTO {table} (recipient_id, kind, subject, body, url, dedupe_key, program_id, project_id, "
                "channel, created_at, read_at, digest_id, batch) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s)"] * len(chunk)),
                [value for pk, channel in chunk
                 for value in (pk, kind, subject, body, url, dedupe_key, program_id, project_id, channel, at, batch)])
        empty = "CAST('[]' AS jsonb)" if connection.vendor == "postgresql" else "'[]'"
        columns = ("channel, kind, recipient_id, to_address, subject, body, url, program_id, project_id, source, "
                   "dedupe_key, notification_id, state, attempts, history, last_error, created_at, next_attempt_at, "
                   "claimed_at, claim, sent_at")
        cursor.execute(
            f"INSERT INTO {deliveries} ({columns}) SELECT %s, n.kind, n.recipient_id, u.username, n.subject, '', "
            f"n.url, n.program_id, n.project_id, 'notification', '', n.id, %s, 1, {empty}, '', n.created_at, NULL, "
            f"NULL, '', n.created_at FROM {table} n JOIN {users} u ON u.id = n.recipient_id WHERE n.batch = %s",
            [DeliveryChannel.IN_APP, DeliveryState.SENT, batch])
        cursor.execute(
            f"INSERT INTO {deliveries} ({columns}) SELECT %s, n.kind, n.recipient_id, u.email, n.subject, %s, "
            f"n.url, n.program_id, n.project_id, 'notification', '', n.id, %s, 0, {empty}, '', n.created_at, NULL, "
            f"NULL, '', NULL FROM {table} n JOIN {users} u ON u.id = n.recipient_id "
            "WHERE n.batch = %s AND n.channel = %s AND u.email <> ''",
            [DeliveryChannel.EMAIL, _email_body(body, url), DeliveryState.QUEUED, batch, Channel.EMAIL])
        return cursor.rowcount


def _email_body(body: str, url: str) -> str:
    link = f"\n\nOpen it in pmo: {absolute_url(url)}" if url else ""
    return f"{body}{link}\n\n-- \npmo. Choose what you receive: {absolute_url('/notifications/preferences/')}\n"


def send_email(*, kind: str, to: Iterable, subject: str, body: str, source: str = "", program=None, project=None,
               dedupe_key: str = "") -> list[Delivery]:
    """Queue one e-mail per recipient of ``to`` (users, or e-mail addresses of people without an account), logged
    in the communication log; no inbox row, no preferences (the caller decided). A ``dedupe_key`` sends each
    recipient at most one message with that key (a scheduled communication's occurrence, for example)."""
    registry.kind(kind)
    subject, body = _clip(subject, 200), _clip(body, 20000)
    targets: list[tuple[int | None, str]] = []
    seen = set()
    for item in to:
        if isinstance(item, str):
            address = item.strip()
            validate_email(address)
            user_id = None
        elif isinstance(item, User):
            if not item.is_active or not item.email:
                continue
            address, user_id = item.email, item.pk
        else:
            raise TypeError(f"send_email takes users or addresses, not {type(item).__name__}")
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        targets.append((user_id, address[:254]))
    if len(targets) > MAX_RECIPIENTS:
        raise ValidationError({"to": f"at most {MAX_RECIPIENTS} recipients per message"})
    if dedupe_key:
        dedupe_key = _clip(dedupe_key, 200)
        done = set(Delivery.objects.filter(channel=DeliveryChannel.EMAIL, dedupe_key=dedupe_key, source=source[:100])
                   .values_list("to_address", flat=True))
        targets = [t for t in targets if t[1] not in done]
    now = timezone.now()
    rows = [Delivery(channel=DeliveryChannel.EMAIL, kind=kind, recipient_id=user_id, to_address=address,
                     subject=subject, body=body, program_id=_pk(program), project_id=_pk(project), source=source[:100],
                     dedupe_key=dedupe_key, created_at=now) for user_id, address in targets]
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, batch_size=1000)
        if rows:
            transaction.on_commit(enqueue_delivery)
    return rows


def enqueue_delivery(run_after: datetime | None = None) -> None:
    from .tasks import deliver_queued
    task = deliver_queued
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue()


# --- delivery: claim, send once, record ----------------------------------------------------------------------

def _due():
    now = timezone.now()
    return (Delivery.objects.filter(state=DeliveryState.QUEUED,
                                    channel__in=(DeliveryChannel.EMAIL, DeliveryChannel.DIGEST))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)))


def claim(limit: int = 50) -> tuple[str, list[Delivery]]:
    """Claim up to ``limit`` queued e-mails for this worker. The claim is a conditional
    ``UPDATE ... SET state='sending', claim=<token> WHERE id IN (...) AND state='queued'``: of two workers that
    picked the same rows, each row goes to exactly one (SQLite serialises writers; PostgreSQL re-checks the
    condition after the row lock, and ``SKIP LOCKED`` lets the second worker pick other rows instead of waiting)."""
    token = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        candidates = _due().order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        Delivery.objects.filter(pk__in=ids, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENDING, claim=token, claimed_at=now)
    return token, list(Delivery.objects.filter(claim=token, state=DeliveryState.SENDING).order_by("id"))


def _record(delivery: Delivery, token: str, *, error: str = "") -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    history = [*delivery.history, {"at": now.isoformat(), "outcome": "error" if error else "sent",
                                   **({"error": error} if error else {})}][-10:]
    if not error:
        fields = {"state": DeliveryState.SENT, "sent_at": now, "last_error": ""}
    elif attempts >= MAX_ATTEMPTS:
        fields = {"state": DeliveryState.FAILED, "last_error": error}
    else:
        fields = {"state": DeliveryState.QUEUED, "last_error": error,
                  "next_attempt_at": now + BACKOFF[min(attempts, len(BACKOFF)) - 1]}
    Delivery.objects.filter(pk=delivery.pk, claim=token, state=DeliveryState.SENDING).update(
        attempts=attempts, history=history, claim="", **fields)
    if error and attempts < MAX_ATTEMPTS:
        transaction.on_commit(lambda: enqueue_delivery(fields["next_attempt_at"]))


def send_claimed(token: str, deliveries: list[Delivery]) -> int:
    """Send each claimed e-mail over one connection and record its outcome; returns how many were sent."""
    sent = 0
    mail = None
    try:
        mail = get_connection(fail_silently=False)
        mail.open()
    except Exception as exc:  # noqa: BLE001 - the server is down: every claimed message records the error
        error = _error(exc)
        for delivery in deliveries:
            _record(delivery, token, error=error)
        return 0
    try:
        for delivery in deliveries:
            message = EmailMessage(subject=delivery.subject, body=delivery.body, to=[delivery.to_address],
                                   from_email=settings.DEFAULT_FROM_EMAIL, connection=mail,
                                   headers={"X-PMO-Delivery": str(delivery.pk), "Auto-Submitted": "auto-generated"})
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
                _record(delivery, token, error=_error(exc))
            else:
                _record(delivery, token)
                sent += 1
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection
            mail.close()
    return sent


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def deliver_due(*, batch: int = 50, limit: int = 10_000) -> int:
    """Claim and send queued e-mails until none is due (or ``limit`` were handled); returns how many were sent."""
    sent = handled = 0
    while handled < limit:
        token, deliveries = claim(batch)
        if not deliveries:
            break
        handled += len(deliveries)
        sent += send_claimed(token, deliveries)
    return sent


def reap_claims(now: datetime | None = None) -> int:
    """Queue again the e-mails whose worker stopped while sending them (claimed longer than CLAIM_TIMEOUT ago)."""
    now = now or timezone.now()
    return Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        state=DeliveryState.QUEUED, claim="", last_error="abandoned: the worker stopped while sending")


# --- the inbox and preferences --------------------------------------------------------------------------------

def notification_read(*, actor: User, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("you may read only your own notifications")
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
            audit.record(actor=actor, action="read", obj=notification, before={"read_at": None},
                         after={"read_at": notification.read_at.isoformat()})
    return notification


def notifications_read_all(*, actor: User) -> int:
    """Mark all of ``actor``'s unread notifications read; one audit event on the user with the count."""
    with transaction.atomic():
        count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
        if count:
            audit.record(actor=actor, action="notifications_read", obj=actor, before=None, after={"count": count})
    return count


def preference_set(*, actor: User, kind: str, channel: str) -> Preference:
    """Set ``actor``'s channel for ``kind`` (in_app, email, digest, off)."""
    if kind not in registry.KINDS:
        raise ValidationError({"kind": f"unknown notification kind {kind!r}"})
    if channel not in Channel.values:
        raise ValidationError({"channel": f"choose one of {', '.join(Channel.values)}"})
    with transaction.atomic():
        current = Preference.objects.select_for_update().filter(user=actor, kind=kind).first()
        if current is None:
            return create_audited(actor=actor, obj=Preference(user=actor, kind=kind, channel=channel))
        return update_versioned(actor=actor, obj=current, changes={"channel": channel},
                                expected_version=current.version)


def preferences_set(*, actor: User, choices: dict[str, str]) -> int:
    """Set several kinds at once (the preferences page); returns how many changed."""
    unknown = [k for k in choices if k not in registry.KINDS]
    if unknown:
        raise ValidationError({"kind": f"unknown notification kind {unknown[0]!r}"})
    current = effective_preferences(actor)
    changed = 0
    with transaction.atomic():
        for kind, channel in choices.items():
            if current.get(kind) != channel:
                preference_set(actor=actor, kind=kind, channel=channel)
                changed += 1
    return changed


def effective_preferences(user: User) -> dict[str, str]:
    """Every registered kind -> the user's channel (their choice, or the kind's default)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {key: chosen.get(key, spec.default) for key, spec in registry.KINDS.items()}


# --- personal iCal feed tokens ---------------------------------------------------------------------------------

def hash_feed_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def feed_token_create(*, actor: User) -> tuple[FeedToken, str]:
    """A new feed URL secret for ``actor`` (revoking their previous one); the clear key is returned once."""
    key = FEED_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        for old in FeedToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True):
            _revoke(actor, old)
        token = FeedToken.objects.create(user=actor, prefix=key[:12], key_hash=hash_feed_key(key))
        audit.record(actor=actor, action="create", obj=token, before=None, after={"prefix": token.prefix})
    return token, key


def _revoke(actor, token: FeedToken) -> None:
    token.revoked_at = timezone.now()
    FeedToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
    audit.record(actor=actor, action="revoke", obj=token, before={"revoked_at": None},
                 after={"revoked_at": token.revoked_at.isoformat()})


def feed_token_revoke(*, actor: User) -> int:
    """Revoke ``actor``'s feed URL; returns how many were active (0 or 1)."""
    with transaction.atomic():
        tokens = list(FeedToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True))
        for token in tokens:
            _revoke(actor, token)
    return len(tokens)


def user_for_feed(key: str) -> User | None:
    if not key.startswith(FEED_PREFIX) or len(key) > 100:
        return None
    token = (FeedToken.objects.select_related("user")
             .filter(key_hash=hash_feed_key(key), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
