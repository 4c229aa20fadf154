"""``/api/v1/auth/...`` (tokens) and ``/api/v1/me``."""


from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pmo.core.api import Id

from . import selectors, services

router = Router(tags=["accounts"])


class Credentials(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)
    name: str = Field("API token", max_length=100, description="label to tell your tokens apart")


class TokenOut(Schema):
    token: str
    id: int
    name: str


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class MembershipOut(Schema):
    role: str
    role_label: str
    scope: str
    program: int | None
    project: int | None


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    memberships: list[MembershipOut]


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: dict, 429: dict})
def create_token(request: HttpRequest, credentials: Credentials):
    """Exchange a username and password for a bearer token (shown once; only its hash is stored)."""
    try:
        user = services.login_check(username=credentials.username, password=credentials.password,
                                    request=request)
    except services.LockedOut as exc:
        raise HttpError(429, str(exc)) from exc
    if user is None:
        raise HttpError(401, "wrong username or password")
    token, key = services.api_token_create(actor=user, name=credentials.name)
    return {"token": key, "id": token.pk, "name": token.name}


@router.get("/auth/tokens", response=list[TokenInfo])
def list_tokens(request: HttpRequest):
    return selectors.tokens_of(request.user)


@router.delete("/auth/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: Id):
    services.api_token_revoke(actor=request.user, token=selectors.own_token(request.user, token_id))
    return Status(204, None)


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    user = request.user
    memberships = [
        {"role": m.role, "role_label": m.get_role_display(), "scope": m.scope, "program": m.program_id,
         "project": m.project_id}
        for m in user.memberships.all()
    ]
    return {"id": user.pk, "username": user.username, "name": user.display_name, "email": user.email,
            "memberships": memberships}
