"""Tokens (hashed, revocable), lockout, session lifetime, scopes."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from pmo.accounts.models import ApiToken, User
from pmo.accounts.services import hash_token

from ..conftest import PASSWORD


def _token(username, password=PASSWORD):
    return Client().post("/api/v1/auth/token", {"username": username, "password": password},
                         content_type="application/json")


def test_token_round_trip_and_revocation(world):
    response = _token("program_manager")
    assert response.status_code == 200
    key = response.json()["token"]
    stored = ApiToken.objects.get(pk=response.json()["id"])
    assert stored.key_hash == hash_token(key) and key not in (stored.key_hash, stored.prefix)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/v1/me", **auth).json()["username"] == "program_manager"
    assert Client().delete(f"/api/v1/auth/tokens/{stored.pk}", **auth).status_code == 204
    assert Client().get("/api/v1/me", **auth).status_code == 401


def test_wrong_password_and_bad_tokens_are_401(world):
    assert _token("program_manager", "nope").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer pmo_forged").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401


def test_lockout_after_repeated_failures(world):
    for _ in range(settings.PMO_LOCKOUT_FAILURES):
        assert _token("analyst", "wrong").status_code == 401
    locked = _token("analyst")  # even the right password is refused while locked
    assert locked.status_code == 429 and "too many failed logins" in locked.json()["detail"]
    page = Client().post("/login/", {"username": "analyst", "password": PASSWORD})
    assert page.status_code == 200 and b"too many failed logins" in page.content
    assert _token("director").status_code == 200  # other users are not affected


def test_success_resets_the_failure_count(world):
    for _ in range(settings.PMO_LOCKOUT_FAILURES - 1):
        _token("analyst", "wrong")
    assert _token("analyst").status_code == 200
    assert _token("analyst", "wrong").status_code == 401
    assert _token("analyst").status_code == 200


def test_login_page_and_session_lifetime(world):
    client = Client()
    response = client.post("/login/", {"username": "steering", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_tokens_page_creates_and_revokes(world):
    client = Client()
    client.force_login(world.users["analyst"])
    response = client.post("/account/tokens/", {"name": "reporting"})
    assert response.status_code == 200 and b"pmo_" in response.content
    token = ApiToken.objects.get(user=world.users["analyst"], name="reporting")
    other = ApiToken.objects.create(user=world.users["director"], prefix="x", key_hash="y" * 64)
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert not token.is_active


def test_grant_command(world):
    import io

    import pytest
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from pmo.accounts.models import Membership

    call_command("grant", "analyst", "steering_committee", "--program", "PB", "--as", "director",
                 stdout=io.StringIO())
    assert Membership.objects.filter(user=world.users["analyst"], role="steering_committee",
                                     program=world.program_b).exists()
    with pytest.raises(CommandError, match="only the PMO Director"):
        call_command("grant", "analyst", "pmo_director", "--as", "program_manager")
    with pytest.raises(CommandError, match="cannot be granted over a portfolio"):
        call_command("grant", "analyst", "project_manager", "--as", "director")


def test_director_adds_a_person_and_a_role_then_removes_it(world):
    from pmo.accounts.models import Membership
    from pmo.core.models import AuditEvent

    client = Client()
    client.force_login(world.users["director"])
    before = AuditEvent.objects.count()
    weak = client.post("/account/people/", {"form": "person", "person-username": "newbie", "person-password": "123"})
    assert weak.status_code == 422 and "password" in weak.context["person_form"].errors
    ok = client.post("/account/people/", {"form": "person", "person-username": "newbie",
                                          "person-first_name": "Nina", "person-password": "a-long-passphrase-9"})
    assert ok.status_code == 302
    newbie = User.objects.get(username="newbie")
    both = client.post("/account/people/", {"form": "grant", "grant-user": newbie.pk, "grant-role": "pmo_analyst",
                                            "grant-program": world.program_a.pk, "grant-project": world.project_a1.pk})
    assert both.status_code == 422
    wrong_scope = client.post("/account/people/", {"form": "grant", "grant-user": newbie.pk,
                                                   "grant-role": "pmo_analyst", "grant-program": world.program_a.pk})
    assert wrong_scope.status_code == 422 and "role" in wrong_scope.context["grant_form"].errors
    granted = client.post("/account/people/", {"form": "grant", "grant-user": newbie.pk, "grant-role": "pmo_analyst"})
    assert granted.status_code == 302
    membership = Membership.objects.get(user=newbie)
    assert client.post(f"/account/people/roles/{membership.pk}/revoke/").status_code == 302
    assert not Membership.objects.filter(user=newbie).exists()
    assert list(AuditEvent.objects.filter(pk__gt=before).values_list("action", flat=True)) == [
        "create", "grant", "revoke"]
