"""A small two-program world with one user per role, used across the suite.

"own" objects are program A / project A1, which every scoped role holds; "other" objects are
program B / project B1, which none of the scoped roles can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from pmo.accounts.models import Membership, Role, User
from pmo.portfolio.models import Program, Project

PASSWORD = "correct horse battery"

#: user name -> (role, scope): scope "portfolio", "A" (program A) or "A1" (project A1)
ROLE_USERS = {
    "director": (Role.PMO_DIRECTOR, "portfolio"),
    "analyst": (Role.PMO_ANALYST, "portfolio"),
    "coordinator": (Role.PMO_COORDINATOR, "A"),
    "program_manager": (Role.PROGRAM_MANAGER, "A"),
    "steering": (Role.STEERING_COMMITTEE, "A"),
    "project_manager": (Role.PROJECT_MANAGER, "A1"),
}
ROLES = [*ROLE_USERS, "anonymous"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's 1M rounds are the point in production and only slowness in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_documents(settings, tmp_path_factory):
    """Uploaded documents go to a temporary directory, never into the checkout."""
    location = tmp_path_factory.mktemp("documents")
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}}}


@dataclass
class World:
    users: dict[str, User]
    program_a: Program
    program_b: Program
    project_a1: Project
    project_a2: Project
    project_b1: Project

    def own(self, kind: str):
        return {"program": self.program_a, "project": self.project_a1}[kind]

    def other(self, kind: str):
        return {"program": self.program_b, "project": self.project_b1}[kind]


def make_world() -> World:
    users = {name: User.objects.create_user(name, f"{name}@example.com", PASSWORD) for name in ROLE_USERS}
    program_a = Program.objects.create(code="PA", name="Program A", start=date(2026, 1, 5), end=date(2027, 6, 30),
                                       status="active", program_manager=users["program_manager"])
    program_b = Program.objects.create(code="PB", name="Program B", start=date(2026, 2, 2), end=date(2027, 3, 31))
    project_a1 = Project.objects.create(program=program_a, code="PA-1", name="Project A1",
                                        project_manager=users["project_manager"], start=date(2026, 1, 12),
                                        finish=date(2026, 12, 18))
    project_a2 = Project.objects.create(program=program_a, code="PA-2", name="Project A2")
    project_b1 = Project.objects.create(program=program_b, code="PB-1", name="Project B1")
    scope_objects = {"portfolio": {}, "A": {"program": program_a}, "A1": {"project": project_a1}}
    for name, (role, scope) in ROLE_USERS.items():
        Membership.objects.create(user=users[name], role=role, **scope_objects[scope])
    return World(users, program_a, program_b, project_a1, project_a2, project_b1)


@pytest.fixture
def world(db) -> World:
    return make_world()


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.fixture
def api_token(world):
    """A function giving a bearer header for a role (through the real token endpoint)."""
    def header(role: str) -> dict:
        response = Client().post("/api/v1/auth/token", {"username": role, "password": PASSWORD},
                                 content_type="application/json")
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    return header
