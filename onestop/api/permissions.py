"""Role checks for the API; which dossiers a user sees is always workflows.access.dossiers_for."""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from workflows import access
from workflows.roles import Role

STAFF_ROLES = (Role.CLERK, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR)


class IsStaff(BasePermission):
    """A member of an agency in one of the working roles (or a superuser)."""

    message = _("Chức năng này dành cho cán bộ, công chức.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and user.is_active
                    and (user.is_superuser or any(access.has_role(user, r) for r in STAFF_ROLES)))


class IsSupervisor(BasePermission):
    message = _("Chức năng này dành cho cán bộ giám sát.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and user.is_active
                    and (user.is_superuser or access.has_role(user, Role.SUPERVISOR)))
