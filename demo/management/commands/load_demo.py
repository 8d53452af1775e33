"""Load the demo province (Lai Châu) with its catalog, calendar and demo logins.

    python manage.py load_demo

Idempotent: running it again updates what changed and creates nothing twice.
"""
from django.core.management.base import BaseCommand

from demo.province import format_logins, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu tỉnh mẫu Lai Châu: đơn vị, cơ quan, danh mục thủ tục, lịch làm việc, tài khoản demo."

    def handle(self, *args, **options):
        summary = load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Demo province loaded: {summary['districts']} district-level units, "
            f"{summary['old_communes']} pre-reform communes, {summary['new_communes']} post-reform communes, "
            f"{summary['successors']} successor links, {summary['difficult_areas']} difficult-area communes, "
            f"{summary['agencies']} agencies."
        ))
        self.stdout.write(format_logins(summary["logins"]))
