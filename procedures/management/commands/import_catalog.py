"""`manage.py import_catalog FILE`: upsert procedures from CSV, XLSX or the national JSONL."""
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, file, format=None, strict=False, create_kinds=False, report=None, **options):
        fmt = format or catalog_io.guess_format(file)
        try:
            result = catalog_io.import_catalog(file, fmt, strict=strict, create_kinds=create_kinds)
        except catalog_io.CatalogError as exc:
            for message in exc.errors:
                self.stderr.write(message)
            raise CommandError(f"{len(exc.errors)} error(s): nothing was imported") from exc
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "dvcqg":
            self._report(result, options["verbosity"], report)
        self.stdout.write(self.style.SUCCESS(result.summary))

    def _report(self, result, verbosity, report_path):
        by_severity = Counter(issue.severity for issue in result.issues)
        for issue in result.issues:
            if issue.severity != dvcqg.INFO or verbosity > 1:
                self.stdout.write(f"{issue.severity}: {issue}")
        if report_path:
            catalog_io.write_report(result.issues, report_path)
            self.stdout.write(f"report written to {report_path}")
        self.stdout.write(
            f"{by_severity[dvcqg.ERROR]} error(s), {by_severity[dvcqg.WARNING]} warning(s), "
            f"{by_severity[dvcqg.INFO]} note(s) (notes shown with -v 2 or in --report)"
        )
        if result.created_kinds:
            self.stdout.write(f"agency kinds created: {', '.join(result.created_kinds)}")
        if result.missing_kinds:
            listed = ", ".join(f"{k} ({n})" for k, n in result.missing_kinds.most_common())
            self.stdout.write(f"missing agency kinds, records skipped: {listed}; rerun with --create-kinds")
        if result.skipped:
            self.stdout.write(f"{len(result.skipped)} record(s) skipped, the rest imported (this mode is "
                              f"not all-or-nothing; --strict makes it so): {', '.join(result.skipped)}")
        self.stdout.write("known gap: the national file does not give the online service level; "
                          "new procedures are imported with online_level=none")
        self.stdout.write(f"{result.clean} of {result.records} records parsed cleanly")
