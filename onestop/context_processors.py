from workflows.access import roles_of


def user_roles(request):
    """The current user's role codes, for navigation."""
    user = getattr(request, "user", None)
    return {"user_roles": roles_of(user) if user is not None and user.is_authenticated else set()}
