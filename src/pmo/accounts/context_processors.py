from .models import Role
from .scopes import scopes_of


def navigation(request):
    """The signed-in user's role names, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scopes = scopes_of(user)
    roles = set(scopes.portfolio_roles)
    for held in (*scopes.program_roles.values(), *scopes.project_roles.values()):
        roles |= held
    return {"nav_roles": sorted(Role(role).label for role in roles)}
