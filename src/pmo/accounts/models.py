"""Users, role memberships over a scope, API tokens and failed-login tracking."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class User(AbstractUser):
    """pmo's user; roles come from :class:`Membership`, never from Django groups."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    PMO_DIRECTOR = "pmo_director", "PMO Director"
    PMO_ANALYST = "pmo_analyst", "PMO Analyst"
    PMO_COORDINATOR = "pmo_coordinator", "PMO Coordinator"
    PROGRAM_MANAGER = "program_manager", "Program Manager"
    STEERING_COMMITTEE = "steering_committee", "Steering Committee"
    PROJECT_MANAGER = "project_manager", "Project Manager"


#: the scopes each role may be granted over (DESIGN.md section 5)
ALLOWED_SCOPES = {
    Role.PMO_DIRECTOR: {"portfolio"},
    Role.PMO_ANALYST: {"portfolio"},
    Role.PMO_COORDINATOR: {"portfolio", "program"},
    Role.PROGRAM_MANAGER: {"program"},
    Role.STEERING_COMMITTEE: {"program"},
    Role.PROJECT_MANAGER: {"project"},
}


class Membership(models.Model):
    """A role held over the whole portfolio (no program, no project), one program or one project."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    program = models.ForeignKey(
        "portfolio.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(
        "portfolio.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(program__isnull=True) | models.Q(project__isnull=True),
                name="membership_single_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(program__isnull=True, project__isnull=True),
                name="membership_unique_portfolio",
            ),
            models.UniqueConstraint(fields=["user", "role", "program"], name="membership_unique_program"),
            models.UniqueConstraint(fields=["user", "role", "project"], name="membership_unique_project"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.scope_label}"

    @property
    def scope(self) -> str:
        if self.project_id:
            return "project"
        if self.program_id:
            return "program"
        return "portfolio"

    @property
    def scope_label(self) -> str:
        if self.project_id:
            return f"project {self.project}"
        if self.program_id:
            return f"program {self.program}"
        return "the portfolio"

    def clean(self):
        if self.scope not in ALLOWED_SCOPES[Role(self.role)]:
            raise ValidationError(
                {"role": f"a {self.get_role_display()} cannot be granted over a {self.scope}"}
            )


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the clear token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=12, help_text="first characters, to tell tokens apart")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """Login attempts per username since the last success, for lockout (pages and the token endpoint alike).

    An attempt is counted before its password is checked (``services.login_check``); a success
    deletes the row, so ``count`` is the number of failed (or still running) attempts.
    """

    username = models.CharField(max_length=150, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.count} failed"
