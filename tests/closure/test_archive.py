"""Archiving as a matrix: with program A and its projects archived, every write route of the role matrix that the
PMO Director may use in program A (pages' POST, the API's POST/PUT/PATCH/DELETE) answers 403 naming the archive,
and nothing is written (no audit event, no row). Routes of objects that belong to no program (the resource pool,
vendors, exchange rates, tokens, ...) are listed in NOT_IN_A_PROGRAM with the reason, and must still work."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone

from pmo.core.models import AuditEvent
from pmo.portfolio.models import Program, Project
from pmo.raid.services import risk_scale

from .. import test_permissions
from ..test_permissions import CASES

_POOL = "the resource pool is the portfolio's, not a program's"
_PORTFOLIO = "the portfolio's own settings and registers, not a program's"
#: write routes whose objects belong to no program or project: archiving program A does not touch them
NOT_IN_A_PROGRAM = {
    **dict.fromkeys(["logout", "login", "accounts:token_revoke", "api:create_token", "api:revoke_token"],
                    "a session or an API token of the user"),
    **dict.fromkeys(["accounts:people", "accounts:membership_revoke"], "people and roles"),
    **dict.fromkeys(["portfolio:program_create", "api:create_program"], "a new program"),
    **dict.fromkeys([
        "api:create_ical_feed", "api:revoke_ical_feed", "api:read_all_notifications", "api:read_notification",
        "api:set_notification_preferences", "notifications:feed", "notifications:feed_revoke",
        "notifications:preferences", "notifications:read", "notifications:read_all"],
        "the user's own inbox, preferences and calendar feed (not records of a project)"),
    "governance:audit": "verifying the whole audit chain, the portfolio's",
    **dict.fromkeys([
        "api:create_organisation", "api:create_resource", "api:update_resource", "api:delete_resource",
        "api:create_skill", "api:create_team", "api:create_leave", "api:delete_leave", "api:set_resource_skill",
        "api:create_rate", "resources:leave_create", "resources:leave_delete", "resources:organisation_create",
        "resources:rate_create", "resources:rate_delete", "resources:resource_create", "resources:resource_edit",
        "resources:resource_delete", "resources:skill_set", "resources:skill_remove", "resources:skill_create",
        "resources:team_create", "resources:team_edit"], _POOL),
    **dict.fromkeys([
        "api:create_objective", "api:update_objective", "api:delete_objective", "api:update_benefit_settings",
        "benefits:objective_create", "benefits:objective_edit", "benefits:settings", "benefits:candidate_create",
        "benefits:scenario_start", "api:start_selection_scenario", "api:set_exchange_rate",
        "api:delete_exchange_rate", "finance:rates", "finance:pmo_budget_create", "raid:scale",
        "api:create_vendor", "api:update_vendor", "procurement:vendor_create", "procurement:vendor_edit"],
        _PORTFOLIO),
}
#: page forms that do not offer an archived project at all: the POST is a 422 naming the field, nothing written
NOT_OFFERED = {"planning:interface_create", "closure:lesson_create", "closure:adoption_create"}


WRITES = sorted({(name, method, url, expected) for name, method, url, role, scope, expected in CASES
                 if role == "director" and scope == "own" and method != "GET" and expected < 400})


def _rows() -> int:
    return sum(model.objects.count() for model in apps.get_models()
               if model._meta.app_label not in {"sessions", "admin", "contenttypes", "auth", "django_tasks_database"}
               and model._meta.managed and not model._meta.proxy)


class Archiving:
    """A test client that archives program A and its projects just before its request (after the matrix made its
    objects), and keeps the counts before and the response."""

    def __init__(self, client, world):
        self.client, self.world = client, world
        self.response = None

    def _send(self, verb, *args, **kwargs):
        risk_scale()  # the portfolio's 5x5 scale, made on first use (not a write to program A)
        now = timezone.now()
        Project.objects.filter(program=self.world.program_a).update(archived_at=now)
        Program.objects.filter(pk=self.world.program_a.pk).update(archived_at=now)
        self.events, self.rows = AuditEvent.objects.count(), _rows()
        self.response = getattr(self.client, verb)(*args, **kwargs)
        return self.response

    def get(self, *args, **kwargs):
        return self._send("get", *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._send("post", *args, **kwargs)

    def generic(self, *args, **kwargs):
        return self._send("generic", *args, **kwargs)


@pytest.mark.parametrize(("name", "method", "url", "expected"), WRITES, ids=[f"{w[0]}-{w[1]}" for w in WRITES])
def test_every_write_on_an_archived_program_is_refused(world, monkeypatch, name, method, url, expected):
    made = {}
    original = test_permissions.client_for
    monkeypatch.setattr(test_permissions, "client_for",
                        lambda world_, role: made.setdefault("client", Archiving(original(world_, role), world_)))
    allowed = name in NOT_IN_A_PROGRAM
    refused = 422 if name in NOT_OFFERED else 403
    try:
        test_permissions.test_role_matrix(world, name, method, url, "director", "own", expected if allowed else refused)
    except AssertionError:
        response = made["client"].response
        if allowed or response is None or response.status_code != 409:
            raise
    client = made["client"]
    if not allowed:
        assert AuditEvent.objects.count() == client.events, f"{method} {url} wrote an audit event"
        assert _rows() == client.rows, f"{method} {url} wrote rows"
    if not allowed and refused == 403:
        text = client.response.content.decode(errors="replace")
        assert "archived" in text, f"{method} {url}: the refusal does not name the archive: {text[:300]}"
