"""Who a user is at work: their agencies, roles and supervised units, and who may hold a step.

Read from the user's memberships and groups (cached on the user object for the request); no
dossier queries, so the models' transition permissions can use it (`workflows.access` builds
the scoped querysets on top).
"""
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


def supervises(user, dossier) -> bool:
    """A supervisor whose supervised subtree holds the dossier's receiving unit."""
    return any(dossier.unit_path.startswith(path) for path in supervised_paths(user))


# --- who may hold a step (the eligibility rule) ----------------------------------------


def holder_rule(agency_id, role: str) -> dict:
    """Who may hold a step (a work item) of `role` at the agency: an active member of the agency
    who holds the role. The one statement of the rule, as lookups on the user model.

    Everything else derives from it: `may_hold` / `can_take` (Python, on a loaded user),
    `flows.eligible_users` (the pickers' queryset), `flows.eligible_user_ids` (the hand-over's fixed
    SQL, rendered once from that queryset) and `WorkItem.objects.queue_for` (the user's side).
    """
    return {"is_active": True, "memberships__agency_id": agency_id, "groups__name": role}


# How `may_hold` reads each lookup of the rule from a user's cached facts (no query); a lookup
# added to the rule without one here fails loudly (KeyError) instead of diverging silently.
_USER_FACTS = {
    "is_active": lambda user: {user.is_active},
    "memberships__agency_id": agency_ids,
    "groups__name": roles_of,
}


def may_hold(user, agency_id, role: str) -> bool:
    """`holder_rule` evaluated in Python."""
    return all(value in _USER_FACTS[lookup](user) for lookup, value in holder_rule(agency_id, role).items())


def can_take(user, task) -> bool:
    """May the user perform this work item (hold it: its agency and role)?"""
    return may_hold(user, task.agency_id, task.role)


def can_claim(user, task) -> bool:
    """May the user claim this work item now (nobody holds it and the user may)?"""
    return task.owner_id is None and can_take(user, task)
