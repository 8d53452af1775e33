"""Load the demo province (Lai Châu) with its catalog, calendar and demo logins.

    python manage.py load_demo

Idempotent: running it again updates what changed and creates nothing twice.
"""
from django.core.management.base import BaseCommand

from procedures.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu tỉnh mẫu Lai Châu: đơn vị, cơ quan, danh mục thủ tục, lịch làm việc, tài khoản demo."

    def handle(self, *args, **options):
        summary = load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"Demo province loaded: {summary['districts']} district-level units, "
            f"{summary['old_communes']} pre-reform communes, {summary['new_communes']} post-reform communes, "
            f"{summary['agencies']} agencies."
        ))
        rows = [("username", "role", "full name", "unit")] + [
            (r["username"], str(r["role"]), r["full_name"], r["unit"]) for r in summary["logins"]
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
