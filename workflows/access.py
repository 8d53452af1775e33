"""Who may see and act on what: the one place scoping rules live.

- clerk / specialist / leader: dossiers received by their agencies, or holding a work
  item at one of their agencies (liên thông: the district sees what the commune sent up);
- supervisor: dossiers received anywhere in the subtree of their supervised unit;
- superuser: everything.
"""
from django.db.models import Exists, OuterRef, Q

from .roles import Role


def _memberships(user):
    cache = getattr(user, "_onestop_memberships", None)
    if cache is None:
        cache = list(user.memberships.select_related("supervised_unit").all())
        user._onestop_memberships = cache
    return cache


def roles_of(user) -> set[str]:
    cache = getattr(user, "_onestop_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._onestop_roles = cache
    return cache


def has_role(user, role: str) -> bool:
    return user.is_authenticated and user.is_active and role in roles_of(user)


def agency_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.agency_id for m in _memberships(user)}


def supervised_paths(user) -> list[str]:
    if not has_role(user, Role.SUPERVISOR):
        return []
    return [m.supervised_unit.path for m in _memberships(user) if m.supervised_unit_id]


def is_member(user, agency_id, role: str) -> bool:
    return has_role(user, role) and agency_id in agency_ids(user)


def can_take(user, task) -> bool:
    """May the user claim and perform this work item (its agency and role)?"""
    return bool(task.role) and is_member(user, task.agency_id, task.role)


def dossiers_for(user, queryset=None):
    """The dossiers a user may see. Every list, export and API view starts here."""
    from .models import Dossier, WorkItem

    qs = Dossier.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(pk__in=[])
    agencies = agency_ids(user)
    if agencies and roles_of(user) & {Role.CLERK, Role.SPECIALIST, Role.LEADER}:
        held_here = WorkItem.objects.filter(process_id=OuterRef("process_id"), agency_id__in=agencies)
        condition |= Q(receiving_agency_id__in=agencies) | Exists(held_here)
    for path in supervised_paths(user):
        condition |= Q(unit_path__startswith=path)
    return qs.filter(condition)


def work_items_for(user, queryset=None):
    """Work items at the user's agencies for roles the user holds (the agency queue)."""
    from .models import WorkItem

    qs = WorkItem.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    return qs.filter(agency_id__in=agency_ids(user), role__in=roles_of(user))
