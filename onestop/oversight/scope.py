"""Who may open oversight, and which units they reach (the supervisor's unit subtree)."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from procedures.models import AdministrativeUnit
from workflows import access
from workflows.roles import Role


def is_supervisor(user) -> bool:
    return user.is_authenticated and (user.is_superuser or access.has_role(user, Role.SUPERVISOR))


def supervisor_required(view):
    """Logged in, and a supervisor (or superuser): a clerk gets 403, not an empty screen."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_supervisor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def reachable_units(user):
    """Every unit in the user's supervised subtrees (all units for a superuser), by path."""
    qs = AdministrativeUnit.objects.select_related("level").order_by("path")
    if user.is_superuser:
        return qs
    paths = access.supervised_paths(user)
    if not paths:
        return qs.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return qs.filter(condition)


def root_unit(user):
    """The top of the user's reach in force today (the highest supervised unit); a supervisor of units
    that all ended (e.g. a district before the 2025 reform) gets the highest of those."""
    reach = reachable_units(user).order_by("level__rank", "path")
    return reach.in_force().first() or reach.first()
