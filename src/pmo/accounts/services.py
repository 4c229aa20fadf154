"""Logging in (with lockout), API tokens and memberships."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
    """Authenticate, counting failures per username and refusing a locked-out username.

    Raises :class:`LockedOut` while the lock lasts, even with the right password, so that
    guessing cannot continue; a success clears the count.
    """
    now = timezone.now()
    failure = LoginFailure.objects.filter(username=username).first()
    if failure and failure.locked_until and failure.locked_until > now:
        raise LockedOut(failure.locked_until)
    user = authenticate(request, username=username, password=password)
    with transaction.atomic():
        if user is None:
            failure, _ = LoginFailure.objects.select_for_update().get_or_create(
                username=username, defaults={"last_failed_at": now}
            )
            failure.count = 1 if failure.locked_until and failure.locked_until <= now else failure.count + 1
            failure.last_failed_at = now
            failure.locked_until = None
            if failure.count >= settings.PMO_LOCKOUT_FAILURES:
                failure.locked_until = now + timedelta(minutes=settings.PMO_LOCKOUT_MINUTES)
            failure.save()
            return None
        LoginFailure.objects.filter(username=username).delete()
    return user


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
