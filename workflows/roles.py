"""Staff roles (vai trò) as Django groups. The group name is the role code."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Cán bộ tiếp nhận và trả kết quả")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo ký duyệt")
    SUPERVISOR = "supervisor", _("Giám sát")
    CATALOG_ADMIN = "catalog_admin", _("Quản trị danh mục")


def ensure_role_groups():
    """Create the role groups (idempotent); used by the demo loader and tests."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
