from pmo.accounts.scopes import scopes_of


def navigation(request):
    """The signed-in user's roles, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_roles": sorted({label for label in _role_labels(user)})}


def _role_labels(user):
    from pmo.accounts.models import Role

    scopes = scopes_of(user)
    roles = set(scopes.portfolio_roles)
    for group in (*scopes.program_roles.values(), *scopes.project_roles.values()):
        roles |= group
    return [Role(r).label for r in roles]
