from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from .models import ApiToken, User


def active_user(pk: int | None, *, field: str) -> User | None:
    """The active user ``pk`` for a reference field; an unknown id is a ValidationError on ``field``."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({field: f"no active user with id {pk}"})
    return user


def users_for_choice():
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def tokens_of(user):
    """A user's own API tokens; nobody lists or revokes another user's."""
    return ApiToken.objects.filter(user=user)


def own_token(user, pk: int) -> ApiToken:
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404("no such token")
    return token
