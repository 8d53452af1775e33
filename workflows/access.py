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
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

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
from .models import Dossier, DossierHold, WorkItem
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
        # A work item held there, ever: read from the holds, the work items' per-agency summary.
        held_here = DossierHold.objects.filter(dossier_id=OuterRef("pk"), agency_id__in=agencies)
        condition |= Exists(held_here)
    for path in supervised_paths(user):
        condition |= Q(unit_path__startswith=path)
    return qs.filter(condition)


class Branch(NamedTuple):
    condition: Q
    # The relation whose copy of the list key the branch's index holds ("": the dossier's own
    # composite index serves the list's order).
    via: str = ""
    # The branch's dossier ids read from that relation alone: what a count of the unfiltered scope
    # reads (no probe of each dossier row).
    ids_alone: QuerySet | None = None


def scope_branches(user) -> list[Branch] | None:
    """`dossiers_for` as separate conditions whose union is the same set (None: everything).

    The one rule, written a second time side by side so each branch is served by one index
    alone (an OR across columns with an EXISTS defeats every index: the planner scans the
    table). One branch per agency and column, so a branch is read in list order from a
    composite index and stops at the page. tests/workflows/test_scope_branches.py holds the
    union equal to `dossiers_for` on a varied dataset.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    agencies, roles = sorted(agency_ids(user)), roles_of(user)
    branches = []
    if agencies and Role.CLERK in roles:
        for agency in agencies:
            branches += [Branch(Q(receiving_agency_id=agency)), Branch(Q(return_agency_id=agency))]
    if agencies and roles & {Role.CLERK, Role.SPECIALIST, Role.LEADER}:
        for agency in agencies:
            held = DossierHold.objects.filter(agency_id=agency).values_list("dossier_id", flat=True)
            branches.append(Branch(Q(holds__agency_id=agency), via="holds", ids_alone=held))
    for path in supervised_paths(user):
        branches.append(Branch(Q(unit_path__startswith=path)))
    return branches


def _branch_order(branch: Branch, order: tuple[str, ...]) -> list:
    """`order` as the branch's index reads it: the list key through `via`, or fenced if no index can."""
    if not branch.via:
        return list(order)
    first, rest = order[0], order[1:]
    name = first.lstrip("-")
    if name not in LIST_KEYS:
        return _fenced(order)
    # The filter's join is reused: one hold per dossier and agency, so no row repeats.
    return [first.replace(name, f"{branch.via}__{name}", 1), *rest]


#: The dossier columns the holds copy: a list in this order is read from `hold_agency_list`.
LIST_KEYS = ("created_at",)


def _fenced(order: tuple[str, ...]) -> list:
    """`order` with its first column wrapped so no index matches it.

    For a branch no index serves in order: given the plain order, the planner walks the whole
    table's date index backwards, betting on matches it estimates dense, and may find none (the
    work-item branch before the holds, for an agency that held no work: 1.8 s at 1M). Fenced, it
    reads the branch's own rows and sorts them: bounded by the branch, not the table.
    """
    first, rest = order[0], order[1:]
    name = first.lstrip("-")
    key = Coalesce(name, name)
    return [key.desc() if first.startswith("-") else key.asc(), *rest]


def visible_slice(user, queryset, order: tuple[str, ...], start: int, stop: int):
    """The user's visible dossiers among `queryset` (filters, no scope), rows [start, stop) in `order`.

    Each branch contributes its own first `stop` rows; the first `stop` of the union are among
    them, so the page is exact and costs the page's depth per branch, not the table. `order`
    must end in a unique column. One query; returns a queryset (add select_related on it).
    """
    branches = scope_branches(user)
    if branches is None:
        return queryset.order_by(*order)[start:stop]
    if not branches:
        return queryset.none()
    tops = [queryset.filter(b.condition).order_by(*_branch_order(b, order))
            .values_list("pk", flat=True)[:stop] for b in branches]
    return queryset.model.objects.filter(pk__in=_union(tops)).order_by(*order)[start:stop]


def _union(tops):
    """UNION of limited branches (SQLite allows a LIMIT only inside a subquery of the UNION)."""
    if len(tops) == 1:
        return tops[0]
    if not connection.features.supports_slicing_ordering_in_compound:
        tops = [Dossier.objects.filter(pk__in=t).order_by().values_list("pk", flat=True) for t in tops]
    return tops[0].union(*tops[1:])


def count_visible(user, queryset, cap: int) -> int:
    """How many dossiers of `queryset` the user sees, counted up to `cap + 1` (more is "more than cap").

    Each branch stops at `cap + 1`: the union reaches `cap + 1` exactly when the true count
    does, and is exact below. Index-only for the scope alone (one query).
    """
    branches = scope_branches(user)
    if branches is None:
        return queryset.order_by()[: cap + 1].count()
    if not branches:
        return 0
    unfiltered = not queryset.query.where
    tops = [(b.ids_alone if unfiltered and b.ids_alone is not None
             else queryset.filter(b.condition).order_by().values_list("pk", flat=True))[: cap + 1] for b in branches]
    return min(_union(tops).count(), cap + 1)


def work_items_for(user, queryset=None):
    """Alias of `WorkItem.objects.queue_for(user)` (the agency queue), kept for its documented callers."""
    return (WorkItem.objects.all() if queryset is None else queryset).queue_for(user)
