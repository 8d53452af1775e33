"""Who may see and act on what: the one place scoping rules live.

- clerk: dossiers received or returned by their counters (received regardless of boundary, a
  dossier's counters need not be its competent unit's);
- clerk / specialist / leader: dossiers holding a work item at one of their agencies (liên
  thông: the district sees what the commune sent up; the competent unit sees what another
  commune's centre received for it);
- supervisor: dossiers of competent units anywhere in the subtree of their supervised unit;
- superuser: everything.

Who may hold a step (a work item) is one rule too: `holder_rule`, in `workflows.membership`
with the other facts of a user's memberships (re-exported here).
"""
from django.db.models import Exists, OuterRef, Q

from .membership import (  # noqa: F401 -- re-exported: callers ask `access` who may do what
    agency_ids,
    can_claim,
    can_take,
    has_role,
    holder_rule,
    is_member,
    may_hold,
    roles_of,
    supervised_paths,
    supervises,
)
from .models import Dossier, WorkItem
from .roles import Role


def dossiers_for(user, queryset=None):
    """The dossiers a user may see. Every list, export and API view starts here."""
    qs = Dossier.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(pk__in=[])
    agencies = agency_ids(user)
    roles = roles_of(user)
    if agencies and Role.CLERK in roles:
        # The counters see their part: what they received, and what they return (NĐ 118 Art. 14).
        condition |= Q(receiving_agency_id__in=agencies) | Q(return_agency_id__in=agencies)
    if agencies and roles & {Role.CLERK, Role.SPECIALIST, Role.LEADER}:
        held_here = WorkItem.objects.filter(process_id=OuterRef("process_id"), agency_id__in=agencies)
        condition |= Exists(held_here)
    for path in supervised_paths(user):
        condition |= Q(unit_path__startswith=path)
    return qs.filter(condition)


def work_items_for(user, queryset=None):
    """Alias of `WorkItem.objects.queue_for(user)` (the agency queue), kept for its documented callers."""
    return (WorkItem.objects.all() if queryset is None else queryset).queue_for(user)
