"""`manage.py import_catalog FILE`: upsert procedures from CSV, XLSX or the national JSONL.

The output is for the official who runs it, in the site's language (LANGUAGE_CODE, Vietnamese):
the same messages as the admin's web import, made by `procedures.catalog_io` and `dvcqg`.
"""
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from procedures import catalog_io, dvcqg


class Command(BaseCommand):
    help = "Import the procedure catalog (CSV/XLSX all-or-nothing; dvcqg = national portal JSONL)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csv", "xlsx", "dvcqg"],
                            help="guessed from the extension (.jsonl/.jsonl.gz → dvcqg)")
        parser.add_argument("--strict", action="store_true",
                            help="dvcqg: import nothing if any record cannot be parsed")
        parser.add_argument("--create-kinds", action="store_true",
                            help="dvcqg: create the agency kinds the mapping needs")
        parser.add_argument("--report", help="dvcqg: write the parse report to this CSV file")

    def handle(self, *args, **options):
        # Django 5 leaves the caller's language active (only @no_translations deactivates it); a
        # command has no request to choose one, so it speaks the site's language whoever calls it.
        with translation.override(settings.LANGUAGE_CODE):
            self._import(**options)

    def _import(self, *, file, format=None, strict=False, create_kinds=False, report=None, **options):
        fmt = format or catalog_io.guess_format(file)
        try:
            result = catalog_io.import_catalog(file, fmt, strict=strict, create_kinds=create_kinds)
        except catalog_io.CatalogError as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(_("%(count)s lỗi: không nhập gì.") % {"count": len(exc.errors)}) from exc
        except (OSError, ValueError) as exc:
            raise CommandError(_("Không đọc được tệp: %(error)s") % {"error": exc}) from exc
        if fmt == "dvcqg":
            self._report(result, options["verbosity"], report)
        self.stdout.write(self.style.SUCCESS(result.summary))

    def _report(self, result, verbosity, report_path):
        by_severity = Counter(issue.severity for issue in result.issues)
        for issue in result.issues:
            if issue.severity != dvcqg.INFO or verbosity > 1:
                self.stdout.write(f"{issue.severity_label}: {issue}")
        if report_path:
            catalog_io.write_report(result.issues, report_path)
            self.stdout.write(_("Đã ghi báo cáo vào %(path)s") % {"path": report_path})
        self.stdout.write(_("%(errors)s lỗi, %(warnings)s cảnh báo, %(notes)s ghi chú (ghi chú hiện khi chạy với "
                            "-v 2 và có trong --report)") % {"errors": by_severity[dvcqg.ERROR],
                                                             "warnings": by_severity[dvcqg.WARNING],
                                                             "notes": by_severity[dvcqg.INFO]})
        if result.created_kinds:
            self.stdout.write(_("Đã tạo các loại cơ quan: %(kinds)s") % {"kinds": ", ".join(result.created_kinds)})
        if result.missing_kinds:
            listed = ", ".join(f"{k} ({n})" for k, n in result.missing_kinds.most_common())
            self.stdout.write(_("Chưa có các loại cơ quan sau, đã bỏ qua các bản ghi của chúng: %(kinds)s; chạy lại "
                                "với --create-kinds để tạo") % {"kinds": listed})
        if result.skipped:
            self.stdout.write(_("Đã bỏ qua %(count)s bản ghi, các bản ghi khác đã được nhập (chế độ này không nhập "
                                "“toàn bộ hoặc không gì”; --strict để nhập như vậy): %(codes)s")
                              % {"count": len(result.skipped), "codes": ", ".join(result.skipped)})
        self.stdout.write(_("Hạn chế đã biết: tệp của Cổng quốc gia không ghi mức độ dịch vụ công trực tuyến; thủ "
                            "tục mới được nhập với online_level=none"))
        self.stdout.write(_("%(clean)s/%(records)s bản ghi đọc được không có lỗi hay cảnh báo")
                          % {"clean": result.clean, "records": result.records})
