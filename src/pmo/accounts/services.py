"""Logging in (with lockout), API tokens and memberships."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone

from pmo.core import audit

from .models import ApiToken, LoginFailure, Membership, User
from .scopes import forget_scopes, scopes_of

TOKEN_PREFIX = "pmo_"


class LockedOut(Exception):
    def __init__(self, until):
        self.until = until
        super().__init__(f"too many failed logins; try again after {until:%H:%M} UTC")


def login_check(*, username: str, password: str, request=None) -> User | None:
    """Authenticate, counting attempts per username and refusing a locked-out username.

    The attempt is counted, and the lock decided, in one statement *before* the password is
    checked (:func:`_take_attempt`), so parallel requests cannot all pass the "not locked yet"
    test together: at most ``PMO_LOCKOUT_FAILURES`` passwords are ever checked per lock period.
    Raises :class:`LockedOut` while the lock lasts, even with the right password, so that
    guessing cannot continue; a success clears the count.
    """
    _take_attempt(username)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        LoginFailure.objects.filter(username=username).delete()
    return user


def _take_attempt(username: str) -> None:
    """Count one attempt for ``username`` unless it is locked; the attempt that reaches the limit locks it.

    A conditional ``UPDATE`` increments and decides atomically on SQLite and PostgreSQL alike (a
    concurrent updater waits for the row and re-checks the condition); an expired lock starts a
    new count at 1. A failed attempt simply keeps its count; a successful one deletes the row.
    """
    limit = settings.PMO_LOCKOUT_FAILURES
    while True:
        now = timezone.now()
        lock = now + timedelta(minutes=settings.PMO_LOCKOUT_MINUTES)
        expired = Q(locked_until__isnull=False)  # matched below only once the lock has run out
        counted = LoginFailure.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now), username=username,
        ).update(
            count=Case(When(expired, then=Value(1)), default=F("count") + 1),
            locked_until=Case(When(expired, then=Value(lock if limit <= 1 else None)),
                              When(count__gte=limit - 1, then=Value(lock)), default=Value(None),
                              output_field=DateTimeField()),
            last_failed_at=now,
        )
        if counted:
            return
        failure = LoginFailure.objects.filter(username=username).first()
        if failure is not None and failure.locked_until and failure.locked_until > now:
            raise LockedOut(failure.locked_until)
        if failure is None:
            try:
                with transaction.atomic():
                    LoginFailure.objects.create(username=username, count=1, last_failed_at=now,
                                                locked_until=lock if limit <= 1 else None)
                return
            except IntegrityError:
                pass  # a parallel attempt created the row first: count against that row
        # otherwise the row changed between the two statements (lock expired): count again


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token for ``actor``; returns the row and the clear key, which is never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name[:100] or "API token", prefix=key[:12],
                                        key_hash=hash_token(key))
        audit.record(actor=actor, action="create", obj=token, before=None, after={"name": token.name,
                                                                                    "prefix": token.prefix})
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied("you may revoke only your own tokens")
    if token.revoked_at:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="revoke", obj=token, before={"revoked_at": None},
                     after={"revoked_at": token.revoked_at.isoformat()})


def user_for_token(key: str) -> User | None:
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _require_director(actor, what: str) -> None:
    if actor is not None and not scopes_of(actor).is_director:
        raise PermissionDenied(f"only the PMO Director {what}")


def user_create(*, actor, username: str, first_name: str = "", last_name: str = "", email: str = "",
                password: str) -> User:
    """Add a person who can log in; roles come separately through :func:`membership_grant`."""
    _require_director(actor, "adds people")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    with transaction.atomic():
        user.set_password(password)
        user.full_clean(exclude=["password"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.save()
        audit.record(actor=actor, action="create", obj=user, before=None,
                     after={"username": username, "name": user.display_name, "email": email})
    return user


def membership_revoke(*, actor, membership: Membership) -> None:
    _require_director(actor, "removes roles")
    with transaction.atomic():
        audit.record(actor=actor, action="revoke", obj=membership, before={
            "user": membership.user.username, "role": membership.role, "scope": membership.scope_label}, after=None)
        membership.delete()
    forget_scopes(membership.user)


def membership_grant(*, actor, user: User, role: str, program=None, project=None) -> Membership:
    """Give ``user`` a role over a scope; only the PMO Director manages roles."""
    _require_director(actor, "grants roles")
    membership = Membership(user=user, role=role, program=program, project=project)
    with transaction.atomic():
        membership.full_clean()
        membership.save()
        audit.record(actor=actor, action="grant", obj=membership, before=None,
                     after={"user": user.username, "role": role, "scope": membership.scope_label})
    forget_scopes(user)
    return membership
