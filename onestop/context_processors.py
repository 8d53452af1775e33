from django.utils.functional import SimpleLazyObject

from workflows.access import roles_of


def user_roles(request):
    """The current user's role codes, for navigation; read only if a template asks (public pages do not)."""
    def roles():
        user = getattr(request, "user", None)
        return roles_of(user) if user is not None and user.is_authenticated else set()
    return {"user_roles": SimpleLazyObject(roles)}
