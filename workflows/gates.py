"""The staff screens' gates, for every app that has screens: a role to open one, and a dossier looked up
in the user's scope (`access.dossiers_for`; another agency's dossier does not exist for them, ADR 0006)."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .access import dossiers_for, has_role


def role_required(*roles):
    """Login, then any of `roles`; otherwise 403 (the screen is not for this user)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied(_("Chức năng này không dành cho vai trò của bạn."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def dossier_or_404(user, pk, *related):
    """The dossier if the user may see it; another agency's dossier does not exist for them."""
    qs = dossiers_for(user).select_related("procedure", "receiving_agency", "competent_unit", "return_agency", *related)
    return get_object_or_404(qs, pk=pk)
