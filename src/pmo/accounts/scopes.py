"""What a user's memberships grant, computed once per request from one query."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Membership, Role

PORTFOLIO_WIDE_READERS = {Role.PMO_DIRECTOR, Role.PMO_ANALYST, Role.PMO_COORDINATOR}


@dataclass
class Scopes:
    portfolio_roles: set[str] = field(default_factory=set)
    program_roles: dict[int, set[str]] = field(default_factory=dict)
    project_roles: dict[int, set[str]] = field(default_factory=dict)
    #: program of each project the user holds a project role on (for the parent-program summary)
    project_programs: dict[int, int] = field(default_factory=dict)

    @property
    def is_director(self) -> bool:
        return Role.PMO_DIRECTOR in self.portfolio_roles

    @property
    def sees_everything(self) -> bool:
        return bool(self.portfolio_roles & PORTFOLIO_WIDE_READERS)

    def has_program_role(self, program_id: int, *roles: str) -> bool:
        return bool(self.program_roles.get(program_id, set()) & set(roles))

    def has_project_role(self, project_id: int, *roles: str) -> bool:
        return bool(self.project_roles.get(project_id, set()) & set(roles))

    def program_ids(self) -> set[int]:
        """Programs the user holds a program-level role on."""
        return set(self.program_roles)

    def visible_program_ids(self) -> set[int]:
        return self.program_ids() | set(self.project_programs.values())


def scopes_of(user) -> Scopes:
    """The user's scopes, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scopes()
    cached = getattr(user, "_pmo_scopes", None)
    if cached is not None:
        return cached
    scopes = Scopes()
    rows = Membership.objects.filter(user=user).values_list("role", "program_id", "project_id", "project__program_id")
    for role, program_id, project_id, project_program_id in rows:
        if project_id:
            scopes.project_roles.setdefault(project_id, set()).add(role)
            scopes.project_programs[project_id] = project_program_id
        elif program_id:
            scopes.program_roles.setdefault(program_id, set()).add(role)
        else:
            scopes.portfolio_roles.add(role)
    user._pmo_scopes = scopes
    return scopes


def forget_scopes(user) -> None:
    user.__dict__.pop("_pmo_scopes", None)
