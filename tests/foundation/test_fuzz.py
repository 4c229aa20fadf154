"""Schema fuzzing of the whole API (schemathesis): every operation, as every role and anonymous.

Each operation gets schemathesis' coverage phase (boundary and just-out-of-bounds values of every
parameter and body field, deterministic) and a few random cases (seeded, so the run is
reproducible). The cases of an operation take the roles in turn, so each operation is called as
each of the six roles and anonymously. Every answer must be no server error, a status code the
schema documents, a body that matches the schema of that status, and invalid input refused.

The conftest world plus one object of every kind (tasks, a link, a calendar, a baseline, an
interface, a risk, issue, assumption, escalation and simulation run) gives the small ids the
fuzzer favours something to find. ``pytest -s`` prints the figures; ``FUZZ_ONLY=<operation id
regex>`` replays some operations only.
"""

from __future__ import annotations

import collections
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from pmo.accounts import services as account_services
from pmo.wsgi import application

from ..benefits import matrix as benefits_matrix
from ..communications import matrix as communications_matrix
from ..conftest import ROLES
from ..planning import matrix as planning_matrix
from ..procurement import matrix as procurement_matrix
from ..quality import matrix as quality_matrix
from ..raid import matrix as raid_matrix
from ..stakeholders import matrix as stakeholders_matrix

CONFIG = schemathesis.Config.from_dict({
    "seed": 20261130,
    "generation": {"max-examples": 5, "database": "none", "deterministic": True},
    "phases": {"stateful": {"enabled": False}},
    # Only what one answer shows: no 500, a documented status, content type and body, and invalid
    # input refused. (A valid request may well be refused, by a permission or a business rule.)
    "checks": {
        "enabled": False,
        **{check: {"enabled": True} for check in (
            "not_a_server_error", "status_code_conformance", "content_type_conformance",
            "response_schema_conformance", "response_headers_conformance", "negative_data_rejection")},
    },
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
if os.environ.get("FUZZ_ONLY"):
    schema = schema.include(operation_id_regex=os.environ["FUZZ_ONLY"])

#: operation -> cases sent (printed at the end of the run: the figures the issue asks for)
CASES: collections.Counter = collections.Counter()


@pytest.fixture
def keep_connection():
    """As Django's test client does: the WSGI handler must not close the test's database connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def headers(world, keep_connection) -> list[dict]:
    """Authorization headers of each role (a real API token each) and of anonymous, in ROLES order."""
    planning_matrix.targets(world, "own", "api:get_task")
    raid_matrix.targets(world, "own")
    procurement_matrix.targets(world, "own")
    benefits_matrix.targets(world, "own")
    stakeholders_matrix.targets(world, "own")
    quality_matrix.targets(world, "own")
    communications_matrix.targets(world, "own")
    out = []
    for role in ROLES:
        if role == "anonymous":
            out.append({})
        else:
            _token, key = account_services.api_token_create(actor=world.users[role], name="fuzz")
            out.append({"Authorization": f"Bearer {key}"})
    return out


@pytest.fixture(scope="module", autouse=True)
def figures():
    """Print what was run (``pytest -s``): the figures a fuzzing report gives."""
    yield
    print(f"\nschema fuzzing: {len(CASES)} operations, {sum(CASES.values())} cases")


@schema.parametrize()
# no shrinking: a failure is reported with its curl command as found, and the run stays short
@settings(suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate], deadline=None)
def test_api_conforms_to_its_schema(case, headers):
    label = case.operation.label
    role = CASES[label] % len(headers)
    CASES[label] += 1
    case.call_and_validate(headers=headers[role])


