"""Make the demo's own small CA and a signing certificate per agency (and per staff member).

    python manage.py signing_demo_ca [--no-officers] [--directory var/signing]

Idempotent: what exists is kept. Writes PKCS#12 files and config.json under var/signing/ (never
committed), which signing.keys reads by default. For the demo only (docs/decisions/0024).
"""
from pathlib import Path

from django.core.management.base import BaseCommand

from signing.ca import demo_ca_from_database


class Command(BaseCommand):
    help = "Tạo CA thử nghiệm và chứng thư số cho từng cơ quan (chỉ dùng cho bản demo)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=None, help="Thư mục ghi khóa (mặc định var/signing/).")
        parser.add_argument("--no-officers", action="store_true", help="Chỉ cấp chứng thư cho cơ quan.")

    def handle(self, *args, directory=None, no_officers=False, **options):
        path, agencies, officers = demo_ca_from_database(officers=not no_officers,
                                                         directory=Path(directory) if directory else None)
        self.stdout.write(self.style.SUCCESS(
            f"Demo CA ready: {agencies} agency and {officers} officer certificates; configuration {path}."))
